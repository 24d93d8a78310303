"""Answers for capital-bid schemes, shared by the unit and integration tests."""

from __future__ import annotations

from typing import Any

CRITERIA = (
    "strategic-relevance",
    "evidence-of-need",
    "added-value",
    "deliverability",
    "unique-factors",
)


def complete_answers(**changes: Any) -> dict[str, Any]:
    """A full set of answers for a new accommodation-based scheme in Fenland."""
    answers: dict[str, Any] = {
        "scheme_name": "Wisbech young people's foyer",
        "district": "fenland",
        "provider": "Fenland Foyer Housing",
        "client_group": "young-people-at-risk",
        "service_type": "accommodation-based",
        "development": "new",
        "units": "14",
        "description": "Fourteen self-contained flats with 24-hour support.",
        "capital_sought": "£1,250,000",
        "capital_source": "homes-england",
        "revenue_per_year": "96,000",
        "start_date": {"day": "1", "month": "4", "year": "2028"},
        "gateway_revenue_funding": "yes",
        "gateway_revenue_funding_details": "Agreed variation to the SP contract.",
        "gateway_floating_support_cannot_deliver": "yes",
        "gateway_floating_support_cannot_deliver_details": "Young people need 24-hour cover.",
        "gateway_no_suitable_accommodation": "yes",
        "gateway_no_suitable_accommodation_details": "No foyer in the district.",
        "gateway_intensive_or_specialist_support": "yes",
        "gateway_intensive_or_specialist_support_details": "Complex needs.",
        "criterion_strategic_relevance": "Development priority 9.",
        "criterion_evidence_of_need": "52 referrals turned away last year.",
        "criterion_added_value": "College places for every resident.",
        "criterion_deliverability": "Site owned by the provider, planning granted.",
        "criterion_unique_factors": "None.",
    }
    answers.update(changes)
    return answers


def score_answers(*points: int, gateways: dict[str, str] | None = None) -> dict[str, str]:
    """A score sheet's answers: gateway results (pass unless given) and a score per criterion."""
    answers = {
        f"pass_{g.replace('-', '_')}": result
        for g, result in (
            gateways
            or {
                "revenue-funding": "pass",
                "floating-support-cannot-deliver": "pass",
                "no-suitable-accommodation": "pass",
                "intensive-or-specialist-support": "pass",
            }
        ).items()
    }
    for criterion, point in zip(CRITERIA, points, strict=True):
        key = criterion.replace("-", "_")
        answers[f"score_{key}"] = str(point)
        answers[f"comment_{key}"] = f"Scored {point} on the evidence given."
    return answers
