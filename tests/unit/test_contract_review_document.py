"""The contract review report: built from plain data, then written to Word."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx import Document as WordDocument

from tenderflow.documents.content import Chart, headings, iter_blocks, tables
from tenderflow.documents.contract_review import (
    ContractReviewData,
    IndicatorFigures,
    below_target,
    build_contract_review,
)
from tenderflow.documents.inputs import Person
from tenderflow.documents.writer import render_docx


def data(**changes: object) -> ContractReviewData:
    values: dict[str, object] = {
        "reference": "KCC-REFUGE-2024",
        "title": "Refuge and outreach, East Kent",
        "supplier": "Harbourside Refuge Partnership",
        "value": Decimal("6240000"),
        "start": date(2024, 5, 1),
        "end": date(2027, 4, 30),
        "extension_options": "3 years plus 2 x 1 year",
        "extensions_left": 2,
        "band": "high",
        "score": 55,
        "band_entails": ("Formal visits every 3 months, or more often as required",),
        "band_reason": "Utilisation fell below target.",
        "periods": ("2026 Q1", "2026 Q2", "2026 Q3"),
        "indicators": (
            IndicatorFigures(
                "staffing", "Staffing", Decimal("100"), (Decimal("100"), Decimal("92"), None)
            ),
            IndicatorFigures(
                "utilisation",
                "Utilisation",
                Decimal("95"),
                (Decimal("96"), Decimal("95"), Decimal("88.5")),
            ),
        ),
        "grades": ((2025, "C"),),
        "meetings": ((date(2026, 9, 16), "Two posts vacant."),),
        "plan": (("Recruit two support workers", "Service manager", date(2026, 12, 16), None),),
        "changes": (),
        "meeting_date": date(2026, 11, 16),
        "author": Person("Tamsin Rowe", "Contract monitoring officer"),
    }
    values.update(changes)
    return ContractReviewData(**values)  # type: ignore[arg-type]


def test_figures_below_their_target_are_named_and_shaded() -> None:
    review = data()
    assert below_target(review) == ["staffing (2026 Q2)", "utilisation (2026 Q3)"]
    document = build_contract_review(review)
    performance = tables(document)[0]
    assert performance.rows[1] == ("2026 Q2", "92", "95")
    assert performance.rows[2] == ("2026 Q3", "", "88.5")
    assert performance.highlight == frozenset({(1, 1), (2, 2)})


def test_the_report_has_the_committee_shape_and_a_chart_of_the_indicators() -> None:
    document = build_contract_review(data())
    found = headings(document)
    for heading in ("Summary", "Recommendations", "Background documents", "Contact officer"):
        assert heading in found
    charts = [b for b in iter_blocks(document.blocks) if isinstance(b, Chart)]
    assert len(charts) == 1 and charts[0].png.startswith(b"\x89PNG")
    assert "2 figures fall below their target" in charts[0].alt_text


def test_within_a_year_of_its_end_the_body_is_asked_to_decide_on_an_extension() -> None:
    text = _text(render_docx(build_contract_review(data())))
    assert "decide whether to take up an extension option" in text
    assert "Recruit two support workers" in text
    later = _text(render_docx(build_contract_review(data(end=date(2029, 4, 30)))))
    assert "decide whether to take up an extension option" not in later
    ending = _text(render_docx(build_contract_review(data(extensions_left=0))))
    assert "ends on 30 April 2027 and is re-procured" in ending


def _text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)
