"""The words tenderflow shows for its codes: routes, stages, categories."""

from __future__ import annotations

STAGES: tuple[str, ...] = (
    "planning",
    "eoi",
    "itt",
    "negotiation",
    "further-tendering",
    "evaluation",
    "moderation",
    "standstill",
    "award",
    "contract",
)

STAGE_LABELS: dict[str, str] = {
    "planning": "Planning",
    "eoi": "Expressions of interest",
    "itt": "Invitation to tender",
    "negotiation": "Negotiation",
    "further-tendering": "Further tendering round",
    "evaluation": "Evaluation",
    "moderation": "Moderation",
    "standstill": "Standstill",
    "award": "Award",
    "contract": "Contract",
    "cancelled": "Cancelled",
}

ROUTE_LABELS: dict[str, str] = {
    "oral-quote": "One oral quote",
    "written-quotes": "Written quotes",
    "invited-tender": "Invited tender",
    "advertised-tender": "Advertised tender",
    "national-procedure": "National procedure",
    "exempt": "Exempt from competition",
    "direct-award": "Direct award",
}

CATEGORY_LABELS: dict[str, str] = {
    "goods": "Goods",
    "services": "Services",
    "works": "Works",
    "light-touch": "Light-touch services (including most social care and housing support)",
}

AUTHORITY_LABELS: dict[str, str] = {
    "sub-central": "Sub-central authority (such as a council)",
    "central": "Central government authority",
}

VALUE_BASIS_LABELS: dict[str, str] = {
    "whole-life": "Whole-life value (all years and extensions)",
    "annual": "Annual value",
}

PROCEDURE_LABELS: dict[str, str] = {
    "open": "Open procedure: one stage, and any supplier may tender",
    "competitive-flexible": (
        "Competitive flexible procedure: the stages you choose below, as the tender notice "
        "states (Procurement Act 2023 only)"
    ),
}

# The stages a lead may choose for a competitive flexible procedure (see domain.stages).
FLEXIBLE_STAGE_LABELS: dict[str, str] = {
    "participation": "A participation stage: suppliers ask to take part and are assessed "
    "against the conditions of participation",
    "shortlisting": "Shortlisting at the end of the participation stage",
    "negotiation": "Negotiation after the first tenders",
    "further-tendering": "A further tendering round for revised tenders",
}

# What decides the minimum tendering period; the route decision names the case that results.
TENDERING_LABELS: dict[str, str] = {
    "electronic": (
        "Tenders are submitted electronically and every tender document is available with the "
        "tender notice"
    ),
    "paper": "Otherwise, for example tenders on paper",
    "urgency": "A state of urgency makes the usual period impractical",
    "planned-notice": "A planned procurement notice was published",
}

EXEMPTION_LABELS: dict[str, str] = {
    "specialist-firm": "Only a specialist firm can do it",
    "unforeseen-emergency": "An unforeseen emergency",
}


def label(mapping: dict[str, str], code: str | None) -> str:
    """Return the label for a code, or the code itself when it has none."""
    if code is None:
        return ""
    return mapping.get(code, code)


# A workflow run's status, as shown on a GOV.UK tag: (label, tag classes).
FLOW_RUN_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "queued": ("Queued", "govuk-tag--grey"),
    "submitted": ("Waiting for the worker", "govuk-tag--light-blue"),
    "running": ("Running", "govuk-tag--blue"),
    "completed": ("Done", "govuk-tag--green"),
    "failed": ("Failed", "govuk-tag--red"),
}
