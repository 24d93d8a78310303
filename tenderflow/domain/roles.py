"""The roles people hold in tenderflow (domain brief section 1)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PROCUREMENT_LEAD = "procurement-lead"
    EVALUATOR = "evaluator"
    MODERATOR = "moderator"
    COMMISSIONING_BODY = "commissioning-body"
    DISTRICT_OFFICER = "district-officer"
    PARTNERSHIP_OFFICER = "partnership-officer"
    SP_SCORER = "sp-scorer"
    CONTRACT_MANAGER = "contract-manager"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.PROCUREMENT_LEAD: "Procurement lead",
    Role.EVALUATOR: "Evaluator (panel member)",
    Role.MODERATOR: "Moderator",
    Role.COMMISSIONING_BODY: "Commissioning body member",
    Role.DISTRICT_OFFICER: "District council officer",
    Role.PARTNERSHIP_OFFICER: "Sub-regional housing partnership officer",
    Role.SP_SCORER: "SP team scorer",
    Role.CONTRACT_MANAGER: "Contract manager",
}

# Roles that see the procurement board and procurement pages.
PROCUREMENT_READERS = frozenset(
    {Role.ADMIN, Role.PROCUREMENT_LEAD, Role.MODERATOR, Role.COMMISSIONING_BODY}
)
