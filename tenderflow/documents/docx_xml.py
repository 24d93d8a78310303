"""Low-level WordprocessingML pieces python-docx has no API for: fields, row flags, shading."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.settings import Settings
from lxml.etree import SubElement

SHADE_FILL = "FFF2CC"  # pale amber for flagged cells; their text says why as well

_BREAKS = re.compile("(\n|\t)")
_R, _RPR, _B, _I, _T, _BR, _TAB = (qn(f"w:{t}") for t in ("r", "rPr", "b", "i", "t", "br", "tab"))
_TR, _TRPR, _CANT_SPLIT, _TBL_HEADER = (
    qn(f"w:{t}") for t in ("tr", "trPr", "cantSplit", "tblHeader")
)
_TC, _TCPR, _TCW, _SHD = (qn(f"w:{t}") for t in ("tc", "tcPr", "tcW", "shd"))
_P, _PPR, _PSTYLE, _JC = (qn(f"w:{t}") for t in ("p", "pPr", "pStyle", "jc"))
_W_VAL, _W_W, _W_TYPE, _W_COLOR, _W_FILL = (
    qn(f"w:{a}") for a in ("val", "w", "type", "color", "fill")
)
_XML_SPACE = qn("xml:space")

# Characters XML 1.0 cannot hold (control characters, lone surrogates, non-characters); user
# text is stripped of them rather than refused, since a stray one comes from copy and paste.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Elements that come after w:updateFields in w:settings (the schema fixes the order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def clean(text: str) -> str:
    """Return ``text`` without characters an XML document cannot contain."""
    return _NOT_XML.sub("", text)


def add_text(p: CT_P, text: str, bold: bool = False, italic: bool = False) -> None:
    """Append ``text`` to a paragraph as one plain run; tabs and newlines become Word's own."""
    r = SubElement(p, _R)
    if bold or italic:
        rpr = SubElement(r, _RPR)
        if bold:
            SubElement(rpr, _B)
        if italic:
            SubElement(rpr, _I)
    # Text goes in as text nodes, which lxml escapes: "<", "&" and quotes stay characters and
    # can never become markup.
    for piece in _BREAKS.split(clean(text).replace("\r\n", "\n").replace("\r", "\n")):
        if piece == "\n":
            SubElement(r, _BR)
        elif piece == "\t":
            SubElement(r, _TAB)
        elif piece:
            t = SubElement(r, _T)
            t.text = piece
            if piece[0].isspace() or piece[-1].isspace():
                t.set(_XML_SPACE, "preserve")


def add_row(
    tbl: CT_Tbl,
    cells: Sequence[str],
    widths: Sequence[int],
    style_id: str,
    right_aligned: Collection[int] = (),
    shaded: Collection[int] = (),
    bold: bool = False,
    header: bool = False,
    cant_split: bool = False,
) -> CT_Row:
    """Append a whole table row in one pass, each cell written straight into the XML."""
    # python-docx's Table.add_row() and cell accessors search the tree for every element they
    # add; building the row directly is what keeps a 1,500-row report fast.
    tr = SubElement(tbl, _TR)
    if header or cant_split:
        trpr = SubElement(tr, _TRPR)
        if cant_split:
            SubElement(trpr, _CANT_SPLIT)
        if header:
            SubElement(trpr, _TBL_HEADER)
    for index, text in enumerate(cells):
        tc = SubElement(tr, _TC)
        tcpr = SubElement(tc, _TCPR)
        SubElement(tcpr, _TCW, {_W_W: str(widths[index]), _W_TYPE: "dxa"})
        if index in shaded:
            SubElement(tcpr, _SHD, {_W_VAL: "clear", _W_COLOR: "auto", _W_FILL: SHADE_FILL})
        p = SubElement(tc, _P)
        ppr = SubElement(p, _PPR)
        SubElement(ppr, _PSTYLE, {_W_VAL: style_id})
        if index in right_aligned:
            SubElement(ppr, _JC, {_W_VAL: "right"})
        if text:
            add_text(p, text, bold=bold)
    return tr


def begin_field(p: CT_P, instruction: str) -> None:
    """Append a field's begin mark, instruction and separator; its shown result follows."""
    _fld_char(p, "begin", dirty=True)
    r = p.add_r()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    r.append(instr)
    _fld_char(p, "separate")


def end_field(p: CT_P) -> None:
    """Append a field's end mark."""
    _fld_char(p, "end")


def _fld_char(p: CT_P, kind: str, dirty: bool = False) -> None:
    r = p.add_r()
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    if dirty:
        # Word refreshes a dirty field when the document opens, so the contents get page numbers.
        mark.set(qn("w:dirty"), "true")
    r.append(mark)


def update_fields_on_open(settings: Settings) -> None:
    """Ask Word to update every field (the table of contents) when the document opens."""
    element = settings.element
    if element.find(qn("w:updateFields")) is not None:
        return
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    for tag in _AFTER_UPDATE_FIELDS:
        following = element.find(qn(tag))
        if following is not None:
            following.addprevious(flag)
            return
    element.append(flag)


def row_height(tr: CT_Row, twips: int) -> None:
    """Give a row a minimum height, such as room for a signature."""
    trpr = tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(twips))
    height.set(qn("w:hRule"), "atLeast")
    trpr.append(height)


def set_table_width(tbl: CT_Tbl, twips: int) -> None:
    """Set a table's preferred width exactly, so LibreOffice and Word agree on the layout."""
    tblpr = tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), str(twips))
    width.set(qn("w:type"), "dxa")
