"""Capital-bid rounds: one module per stage (rounds, schemes, checks, scoring, priority list).

Who may see a scheme is decided here, once: a district council officer sees only their own
district's schemes; the partnership and the SP team see schemes once submitted; the
commissioning body sees scored and decided ones; administrators see every scheme.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import CapitalMatrix, matrix_from_snapshot
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.models import CapitalRound, CapitalScheme, District

# Who sees which schemes, besides a district's own officers and administrators.
VISIBLE_TO = {
    Role.PARTNERSHIP_OFFICER: frozenset(
        {st.SUBMITTED, st.RETURNED, st.ACCEPTED, st.SCORED, st.DECIDED}
    ),
    Role.SP_SCORER: frozenset({st.SUBMITTED, st.RETURNED, st.ACCEPTED, st.SCORED, st.DECIDED}),
    Role.COMMISSIONING_BODY: frozenset({st.SCORED, st.DECIDED}),
}


def matrix_for(round_: CapitalRound) -> CapitalMatrix:
    """Return the matrix the round was opened with."""
    return matrix_from_snapshot(round_.matrix)


def is_own_district(user: Any, scheme: CapitalScheme) -> bool:
    """Say whether the user is a district council officer of the scheme's district."""
    return (
        user.has_role(Role.DISTRICT_OFFICER)
        and user.district_id is not None
        and user.district_id == scheme.district_id
    )


def can_view(user: Any, scheme: CapitalScheme) -> bool:
    """Say whether the user may see a scheme at all."""
    if user.has_role(Role.ADMIN) or is_own_district(user, scheme):
        return True
    return any(
        user.has_role(role) and scheme.status in statuses for role, statuses in VISIBLE_TO.items()
    )


def can_edit(user: Any, scheme: CapitalScheme) -> bool:
    """Say whether the user may change a scheme: their own district's, while it is theirs to change."""
    return is_own_district(user, scheme) and scheme.status in st.EDITABLE


def visible_scheme(session: Session, user: Any, scheme_id: int) -> CapitalScheme | None:
    """Return the scheme if it exists and the user may see it, else None (never say which)."""
    scheme = session.get(CapitalScheme, scheme_id)
    if scheme is None or not can_view(user, scheme):
        return None
    return scheme


def county_districts(session: Session, county: str) -> dict[str, str]:
    """Return a county's districts, code to name."""
    rows = session.execute(
        select(District.code, District.name)
        .where(District.county == county)
        .order_by(District.name)
    )
    return {code: name for code, name in rows}


def counties(session: Session) -> list[str]:
    """Return every county with districts, by name."""
    return list(session.scalars(select(District.county).distinct().order_by(District.county)))
