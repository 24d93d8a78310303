"""The council papers a procurement produces: their kinds, and the wording rules they share.

Plain rules only: which kinds exist and what people call them, how a plan's free text is split
into paragraphs and risks, and how an award recommendation is worded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenderflow.domain.dates import long_date


@dataclass(frozen=True)
class PaperKind:
    """A kind of council paper: its command-line name, stored kind and label."""

    name: str  # as typed on the command line: evaluation, committee, ...
    stored: str  # GeneratedDocument.kind
    label: str
    per_lot: bool  # one document per lot that received bids
    document_label: str = ""  # what one of them is called, when there is one per bidder

    def name_of(self, bidder: str | None, lot: str | None) -> str:
        """Name one document of this kind: "Assessment summary: X, East Kent lot"."""
        name = self.document_label or self.label
        if bidder:
            name += f": {bidder}"
        if lot:
            name += f"{',' if bidder else ':'} {short_lot(lot)} lot"
        return name


PAPER_KINDS: tuple[PaperKind, ...] = (
    PaperKind("procurement-plan", "procurement-plan", "Procurement plan", False),
    PaperKind("evaluation", "tender-evaluation-report", "Tender evaluation report", True),
    PaperKind(
        "assessment-summaries",
        "assessment-summary",
        "Assessment summaries",
        True,
        "Assessment summary",
    ),
    PaperKind("committee", "committee-report", "Report to the commissioning body", False),
)
KIND_NAMES: tuple[str, ...] = tuple(kind.name for kind in PAPER_KINDS)


def paper_kind(name: str) -> PaperKind:
    """Return the kind called ``name``; raise KeyError naming the kinds there are."""
    for kind in PAPER_KINDS:
        if kind.name == name:
            return kind
    raise KeyError(f"unknown kind {name!r}: use one of {', '.join(KIND_NAMES)}")


def stored_kind(kind: PaperKind, lot_number: int | None) -> str:
    """Return the kind a document is kept under; each lot's documents are kept apart."""
    return kind.stored if lot_number is None else f"{kind.stored}:lot-{lot_number}"


def lot_of_stored(stored: str) -> int | None:
    """Return the lot number a stored kind is kept under, if any."""
    _, _, lot = stored.partition(":lot-")
    return int(lot) if lot.isdigit() else None


def kind_of_stored(stored: str) -> PaperKind | None:
    """Return the paper kind of a stored kind such as ``assessment-summary:lot-2``."""
    base = stored.split(":", 1)[0]
    return next((kind for kind in PAPER_KINDS if kind.stored == base), None)


def paragraphs(text: str) -> tuple[str, ...]:
    """Split free text into paragraphs at blank lines, joining wrapped lines."""
    blocks = [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n")]
    return tuple(block for block in blocks if block)


def risks_and_controls(text: str) -> tuple[tuple[str, str], ...]:
    """Read risks written one a line as "risk: how it is controlled"."""
    found = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip().lstrip("-*• ").strip()
        if not line:
            continue
        risk, _, controls = line.partition(":")
        found.append((risk.strip(), controls.strip()))
    return tuple(found)


def years_text(years: int) -> str:
    """Return "one year", "three years", ... as a report writes a term."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    word = words[years] if 0 <= years < len(words) else str(years)
    return f"{word} year" if years == 1 else f"{word} years"


def award_terms(term_years: int | None, extension_years: int, start: date) -> str:
    """Word a contract's term as an award recommendation states it."""
    if not term_years:
        return f"from {long_date(start)}"
    text = f"for {years_text(term_years)} from {long_date(start)}"
    if extension_years:
        text += f", with the option to extend for up to {years_text(extension_years)} more"
    return text


def short_lot(lot_title: str) -> str:
    """Return a lot's name without the list of places in brackets: "East Kent"."""
    return lot_title.split(" (", 1)[0].strip() or lot_title


def contract_name(title: str, lot_title: str | None) -> str:
    """Name the contract awarded: the procurement's title, and its lot."""
    return f"{title} ({short_lot(lot_title)})" if lot_title else title


def join_words(items: Sequence[str]) -> str:
    """Join names as a sentence does: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def annual_price(
    whole_life_price: Decimal, term_years: int | None, extension_years: int
) -> Decimal:
    """Return a whole-life price a year, over the term with its extensions, to the penny."""
    years = (term_years or 1) + extension_years
    return (whole_life_price / years).quantize(Decimal("0.01"))
