"""Exclusion grounds and the debarment list (Procurement Act 2023 ss.57-62, Schedules 6 and 7).

Before the award, the lead checks each bidder still in the competition against every mandatory
and discretionary exclusion ground and looks the supplier up on the debarment list, recording
the day the list was checked. The grounds are the Act's headings, so they live here in code;
how recent a debarment check must be is the council's choice and comes from its rule set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Schedule 6: a supplier to which one applies (and is likely to apply again) must be excluded.
MANDATORY_GROUNDS: tuple[tuple[str, str], ...] = (
    ("corporate-manslaughter", "Corporate manslaughter or corporate homicide"),
    ("terrorism", "Terrorism offences"),
    ("theft-fraud-bribery", "Theft, fraud and bribery offences"),
    ("labour-market-slavery", "Labour market, slavery and human trafficking offences"),
    ("organised-crime", "Organised crime"),
    ("tax-offences", "Tax offences and misconduct in relation to tax"),
    ("cartel", "Cartel offences and competition law infringements involving cartels"),
    ("outside-uk", "Equivalent offences committed outside the United Kingdom"),
    ("national-security-mandatory", "Threat to national security"),
    ("failure-to-cooperate", "Failure to cooperate with a debarment investigation"),
)

# Schedule 7: a supplier to which one applies (and is likely to apply again) may be excluded.
DISCRETIONARY_GROUNDS: tuple[tuple[str, str], ...] = (
    ("labour-market-misconduct", "Labour market misconduct"),
    ("environmental-misconduct", "Environmental misconduct"),
    ("insolvency", "Insolvency and bankruptcy"),
    ("competition-infringement", "Competition law infringements"),
    ("potential-competition", "Potential competition infringements"),
    ("professional-misconduct", "Professional misconduct"),
    ("breach-of-contract", "Breach of contract and poor performance"),
    ("national-security-discretionary", "National security"),
)

OUTCOMES = {
    "no-grounds": "No exclusion ground applies",
    "excluded": "Excluded: an exclusion ground applies",
}

# How many days before a move the debarment list may have been checked, when the rule set is
# silent. The list changes when a Minister adds a supplier, so a month-old look-up is the
# oldest worth relying on at the award.
DEFAULT_DEBARMENT_CHECK_DAYS = 30


@dataclass(frozen=True)
class ExclusionInput:
    """What the lead records after checking one bidder."""

    mandatory_checked: frozenset[str] = field(default_factory=frozenset)
    discretionary_checked: frozenset[str] = field(default_factory=frozenset)
    on_debarment_list: bool | None = None
    debarment_checked_on: date | None = None
    outcome: str = ""
    reason: str = ""


def _unknown(codes: frozenset[str], grounds: tuple[tuple[str, str], ...]) -> bool:
    return bool(codes - {code for code, _ in grounds})


def check_errors(data: ExclusionInput, today: date) -> dict[str, str]:
    """Return every problem with an exclusion check as entered, by field."""
    errors: dict[str, str] = {}
    if _unknown(data.mandatory_checked, MANDATORY_GROUNDS):
        errors["mandatory_checked"] = "Select mandatory exclusion grounds from the list"
    if _unknown(data.discretionary_checked, DISCRETIONARY_GROUNDS):
        errors["discretionary_checked"] = "Select discretionary exclusion grounds from the list"
    if data.on_debarment_list is None:
        errors["on_debarment_list"] = "Select whether the supplier is on the debarment list"
    if data.debarment_checked_on is None:
        errors["debarment_checked_on"] = "Enter the date the debarment list was checked"
    elif data.debarment_checked_on > today:
        errors["debarment_checked_on"] = (
            "The date the debarment list was checked must be today or in the past"
        )
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "Select the outcome of the exclusion check"
    elif data.outcome == "no-grounds":
        unticked = len(MANDATORY_GROUNDS) - len(data.mandatory_checked)
        if unticked and "mandatory_checked" not in errors:
            errors["mandatory_checked"] = (
                f"Check every mandatory exclusion ground before recording that none applies: "
                f"{unticked} not ticked"
            )
        unticked = len(DISCRETIONARY_GROUNDS) - len(data.discretionary_checked)
        if unticked and "discretionary_checked" not in errors:
            errors["discretionary_checked"] = (
                f"Check every discretionary exclusion ground before recording that none "
                f"applies: {unticked} not ticked"
            )
        if data.on_debarment_list:
            errors["outcome"] = (
                "A supplier on the debarment list cannot be recorded as having no exclusion "
                "ground: record it as excluded, with the reason"
            )
    elif not data.reason.strip():
        errors["reason"] = "Enter why the supplier is excluded"
    return errors


def earliest_debarment_check(decision_day: date, days: int) -> date:
    """Return the earliest day a debarment look-up still counts for a move on ``decision_day``."""
    return decision_day - timedelta(days=days)


def debarment_check_is_recent(checked_on: date, decision_day: date, days: int) -> bool:
    """Say whether a look-up on ``checked_on`` is no earlier than ``days`` before the move."""
    return checked_on >= earliest_debarment_check(decision_day, days)


def ground_labels(
    codes: list[str] | frozenset[str], grounds: tuple[tuple[str, str], ...]
) -> list[str]:
    """Return the labels of ``codes`` in the schedule's order."""
    return [label for code, label in grounds if code in codes]
