"""A district's schemes: start, save as a draft, submit (which locks it), withdraw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import AnswerCheck, CapitalMatrix, check_answers
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.timetable import is_open_for_submissions
from tenderflow.domain.roles import Role
from tenderflow.models import CapitalRound, CapitalScheme, User
from tenderflow.services import ServiceError
from tenderflow.services.capital import can_edit, matrix_for


def own_district(user: Any) -> dict[str, str]:
    """Return the district a district officer may put schemes forward for, code to name."""
    if not user.has_role(Role.DISTRICT_OFFICER) or user.district is None:
        return {}
    return {user.district.code: user.district.name}


def may_start(user: Any, round_: CapitalRound, today: date) -> bool:
    """Say whether the user may start a scheme in this round now."""
    return (
        bool(own_district(user))
        and user.district.county == round_.county
        and round_.status == st.ROUND_OPEN
        and is_open_for_submissions(round_.deadline, today)
    )


def check(
    matrix: CapitalMatrix, user: Any, answers: Mapping[str, Any], *, complete: bool
) -> AnswerCheck:
    """Check answers for a district officer's scheme; the district is always their own."""
    district = own_district(user)
    given = {**answers, "district": answers.get("district") or next(iter(district), "")}
    return check_answers(matrix, given, complete=complete, districts=district)


def _name_taken(
    session: Session, round_: CapitalRound, district_id: int, name: str, scheme_id: int | None
) -> bool:
    query = select(CapitalScheme.id).where(
        CapitalScheme.round_id == round_.id,
        CapitalScheme.district_id == district_id,
        func.lower(CapitalScheme.name) == name.strip().lower(),
        CapitalScheme.status != st.WITHDRAWN,
    )
    if scheme_id is not None:
        query = query.where(CapitalScheme.id != scheme_id)
    return session.scalar(query.limit(1)) is not None


def apply_values(scheme: CapitalScheme, values: Mapping[str, Any], now: datetime) -> None:
    """Keep the answers, and copy those the service lists and ranks on into their columns."""
    scheme.answers = dict(values)
    scheme.name = str(values.get("scheme_name", scheme.name or ""))
    scheme.provider = values.get("provider")
    scheme.client_group = values.get("client_group")
    scheme.service_type = values.get("service_type")
    scheme.units = values.get("units")
    money = {
        k: Decimal(values[k]) if k in values else None
        for k in ("capital_sought", "revenue_per_year")
    }
    scheme.capital_sought = money["capital_sought"]
    scheme.revenue_per_year = money["revenue_per_year"]
    scheme.start_on = date.fromisoformat(values["start_date"]) if "start_date" in values else None
    scheme.updated_at = now


def start_scheme(
    session: Session,
    round_: CapitalRound,
    user: User,
    answers: Mapping[str, Any],
    now: datetime,
    today: date,
) -> CapitalScheme:
    """Save a new draft scheme for the user's district; raise ServiceError listing problems."""
    if not may_start(user, round_, today):
        raise ServiceError("This round is not open to new schemes from your district")
    result = check(matrix_for(round_), user, answers, complete=False)
    errors = dict(result.errors)
    name = str(result.values.get("scheme_name", ""))
    if name and _name_taken(session, round_, user.district_id, name, None):
        errors["scheme_name"] = "Your district already has a scheme with this name in this round"
    if errors:
        raise ServiceError("The scheme could not be saved", errors)
    scheme = CapitalScheme(
        round=round_,
        district_id=user.district_id,
        status=st.DRAFT,
        created_by=user,
        created_at=now,
    )
    apply_values(scheme, result.values, now)
    session.add(scheme)
    session.flush()
    return scheme


def save_scheme(
    session: Session, scheme: CapitalScheme, user: User, answers: Mapping[str, Any], now: datetime
) -> CapitalScheme:
    """Save changes to a draft or returned scheme; raise ServiceError listing problems."""
    if not can_edit(user, scheme):
        raise ServiceError("This scheme cannot be changed now")
    result = check(matrix_for(scheme.round), user, answers, complete=False)
    errors = dict(result.errors)
    name = str(result.values.get("scheme_name", ""))
    if name and _name_taken(session, scheme.round, scheme.district_id, name, scheme.id):
        errors["scheme_name"] = "Your district already has a scheme with this name in this round"
    if errors:
        raise ServiceError("The scheme could not be saved", errors)
    apply_values(scheme, result.values, now)
    session.flush()
    return scheme


def submission_problems(scheme: CapitalScheme, user: Any) -> dict[str, str]:
    """Return every missing or wrong answer that stops the scheme being submitted."""
    result = check(matrix_for(scheme.round), user, scheme.answers, complete=True)
    return result.errors


def submit_scheme(
    session: Session, scheme: CapitalScheme, user: User, now: datetime, today: date
) -> CapitalScheme:
    """Submit a complete scheme, which locks it; raise ServiceError listing every problem."""
    round_ = scheme.round
    if not can_edit(user, scheme) or not st.may_submit(
        scheme.status, round_.status, is_open_for_submissions(round_.deadline, today)
    ):
        raise ServiceError(
            "This scheme cannot be submitted now: the round is closed or it is locked"
        )
    errors = submission_problems(scheme, user)
    if errors:
        raise ServiceError("The scheme is not complete", errors)
    scheme.status = st.SUBMITTED
    scheme.submitted_at = now
    scheme.updated_at = now
    session.flush()
    return scheme


def withdraw_scheme(session: Session, scheme: CapitalScheme, user: User, now: datetime) -> None:
    """Withdraw a draft or returned scheme from the round."""
    if not can_edit(user, scheme):
        raise ServiceError("Only a draft or returned scheme can be withdrawn")
    scheme.status = st.WITHDRAWN
    scheme.updated_at = now
    session.flush()


def district_schemes(session: Session, user: Any, round_: CapitalRound) -> list[CapitalScheme]:
    """Return the user's district's schemes in a round (none for anyone else)."""
    if not own_district(user):
        return []
    return list(
        session.scalars(
            select(CapitalScheme)
            .where(
                CapitalScheme.round_id == round_.id,
                CapitalScheme.district_id == user.district_id,
            )
            .order_by(CapitalScheme.name)
        )
    )


def latest_return(scheme: CapitalScheme) -> Any:
    """Return the partnership's latest check if it returned the scheme, else None."""
    for item in reversed(scheme.checks):
        return item if item.outcome == st.RETURN else None
    return None
