"""The sub-regional housing partnership's check: accept a submission, or return it with comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import statuses as st
from tenderflow.models import CapitalCheck, CapitalScheme, User
from tenderflow.services import ServiceError

MAX_COMMENTS = 3000


def record_check(
    session: Session,
    scheme: CapitalScheme,
    user: User,
    outcome: str,
    comments: str,
    now: datetime,
) -> CapitalCheck:
    """Accept a submitted scheme for scoring or return it to the district; keep the history."""
    if scheme.status != st.SUBMITTED:
        raise ServiceError("This scheme is not waiting for a check")
    comments = (comments or "").strip()
    errors: dict[str, str] = {}
    if outcome not in (st.ACCEPT, st.RETURN):
        errors["outcome"] = "Select whether to accept the scheme or return it to the district"
    elif outcome == st.RETURN and not comments:
        errors["comments"] = "Enter what the district needs to correct"
    if len(comments) > MAX_COMMENTS:
        errors["comments"] = f"Comments must be {MAX_COMMENTS:,} characters or fewer"
    if errors:
        raise ServiceError("The check could not be recorded", errors)
    check = CapitalCheck(
        scheme=scheme, outcome=outcome, comments=comments, checked_by=user, checked_at=now
    )
    session.add(check)
    scheme.status = st.ACCEPTED if outcome == st.ACCEPT else st.RETURNED
    scheme.updated_at = now
    session.flush()
    return check


def waiting_for_check(session: Session) -> list[CapitalScheme]:
    """Return submitted schemes, oldest submission first."""
    return list(
        session.scalars(
            select(CapitalScheme)
            .where(CapitalScheme.status == st.SUBMITTED)
            .order_by(CapitalScheme.submitted_at, CapitalScheme.id)
        )
    )


def recently_checked(session: Session, limit: int = 20) -> list[CapitalCheck]:
    """Return the latest checks, newest first."""
    return list(session.scalars(select(CapitalCheck).order_by(CapitalCheck.id.desc()).limit(limit)))
