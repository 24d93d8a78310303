"""A scheme's answers laid out for reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tenderflow.domain.capital import answer_text, form_sections
from tenderflow.models import CapitalScheme
from tenderflow.services.capital import matrix_for


@dataclass(frozen=True)
class AnswerRow:
    field_id: str
    label: str
    text: str
    changeable: bool = True


def answer_sections(scheme: CapitalScheme) -> list[tuple[str, list[AnswerRow]]]:
    """Return the scheme's answers by section, leaving out gateways that do not apply."""
    matrix = matrix_for(scheme.round)
    districts = {scheme.district.code: scheme.district.name}
    applicable = {g.id for g in matrix.applicable_gateways(scheme.answers)}
    found = []
    for section in form_sections(matrix):
        rows = [
            AnswerRow(
                item.id,
                item.label,
                answer_text(item, scheme.answers.get(item.id), districts),
                changeable=item.type != "district",
            )
            for item in section.fields
            if item.about is None
            or item.about not in matrix.gateway_ids
            or item.about in applicable
        ]
        found.append((section.title, rows))
    return found


def evidence_for(scheme: CapitalScheme) -> dict[str, str]:
    """Return the district's evidence for each criterion, by criterion id."""
    matrix = matrix_for(scheme.round)
    return {c.id: str(scheme.answers.get(c.evidence_field, "")) for c in matrix.criteria}


def gateway_answers(scheme: CapitalScheme) -> list[dict[str, Any]]:
    """Return the district's answer and details for each gateway that applies."""
    matrix = matrix_for(scheme.round)
    return [
        {
            "gateway": gateway,
            "answer": {"yes": "Yes", "no": "No"}.get(
                str(scheme.answers.get(gateway.answer_field)), "Not answered"
            ),
            "details": scheme.answers.get(gateway.details_field, ""),
        }
        for gateway in matrix.applicable_gateways(scheme.answers)
    ]
