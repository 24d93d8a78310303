"""The conflicts assessment the Procurement Act 2023 asks for (s.83), as plain rules.

Before a tender notice (or, for a direct award, a transparency notice) is published, the
contracting authority assesses conflicts of interest and keeps the assessment under review.
Procurements begun under the Public Contracts Regulations 2015 keep declarations of interest
instead and need no assessment.
"""

from __future__ import annotations

# The national regimes whose procurements need a conflicts assessment and exclusion checks.
ACT_REGIMES = frozenset({"procurement-act-2023"})

CONFLICTS_REQUIRED = "Select whether any conflicts of interest were identified"
CONFLICTS_MISSING = "Enter the conflicts or potential conflicts of interest identified"
MITIGATION_MISSING = "Enter the steps taken to mitigate each conflict"


def under_the_act(national_regime: str) -> bool:
    """Say whether a procurement under ``national_regime`` follows the Act's gates."""
    return national_regime in ACT_REGIMES


def assessment_errors(
    conflicts_found: bool | None, conflicts: str, mitigation: str
) -> dict[str, str]:
    """Return every problem with an assessment as entered, by field."""
    if conflicts_found is None:
        return {"conflicts_found": CONFLICTS_REQUIRED}
    errors: dict[str, str] = {}
    if conflicts_found and not conflicts.strip():
        errors["conflicts"] = CONFLICTS_MISSING
    if conflicts_found and not mitigation.strip():
        errors["mitigation"] = MITIGATION_MISSING
    return errors
