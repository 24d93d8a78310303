"""Bid rounds: open one, see how it is going, remind districts, close it at the deadline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import CapitalMatrix, default_matrix
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.timetable import deadline_passed, reminder_due
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_gbp
from tenderflow.domain.roles import Role
from tenderflow.models import CapitalRound, CapitalScheme, District, User
from tenderflow.services import ServiceError
from tenderflow.services.capital import counties, county_districts, matrix_for
from tenderflow.services.capital.notices import district_officers, queue_notice


@dataclass
class RoundInput:
    """What an administrator enters to open a round."""

    title: str
    county: str
    deadline: date | None
    revenue_budget: Decimal | None


def check_round(session: Session, data: RoundInput, today: date) -> dict[str, str]:
    """Return every problem with a new round, keyed by field."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Enter a title for the round"
    if data.county not in counties(session):
        errors["county"] = "Select the county whose districts can bid"
    elif open_round_for(session, data.county) is not None:
        errors["county"] = f"There is already an open round for {data.county}"
    if data.deadline is None:
        errors["deadline"] = "Enter the deadline"
    elif data.deadline <= today:
        errors["deadline"] = "The deadline must be in the future"
    if data.revenue_budget is None:
        errors["revenue_budget"] = "Enter the revenue budget available"
    return errors


def open_round(
    session: Session,
    data: RoundInput,
    opened_by: User | None,
    today: date,
    now: datetime,
    matrix: CapitalMatrix | None = None,
) -> CapitalRound:
    """Open a round with a copy of the matrix; raise ServiceError listing every problem."""
    errors = check_round(session, data, today)
    if errors:
        raise ServiceError("The round could not be opened", errors)
    assert data.deadline is not None and data.revenue_budget is not None
    matrix = matrix or default_matrix()
    round_ = CapitalRound(
        title=data.title.strip(),
        county=data.county,
        opened_on=today,
        deadline=data.deadline,
        revenue_budget=data.revenue_budget,
        status=st.ROUND_OPEN,
        matrix_name=matrix.name,
        matrix_fingerprint=matrix.fingerprint,
        matrix=dict(matrix.data),
        opened_by=opened_by,
        opened_at=now,
    )
    session.add(round_)
    session.flush()
    return round_


def open_round_for(session: Session, county: str) -> CapitalRound | None:
    """Return the county's open round, if there is one."""
    return session.scalar(
        select(CapitalRound).where(
            CapitalRound.county == county, CapitalRound.status == st.ROUND_OPEN
        )
    )


def all_rounds(session: Session) -> list[CapitalRound]:
    """Return every round, newest first."""
    return list(
        session.scalars(
            select(CapitalRound).order_by(CapitalRound.opened_on.desc(), CapitalRound.id.desc())
        )
    )


def rounds_for(session: Session, user: Any) -> list[CapitalRound]:
    """Return the rounds a user works on: a district officer's county's, or every round."""
    if user.has_role(Role.DISTRICT_OFFICER) and not user.has_role(Role.ADMIN):
        if user.district is None:
            return []
        return [r for r in all_rounds(session) if r.county == user.district.county]
    return all_rounds(session)


def rounds_to_advance(session: Session) -> list[int]:
    """Return the ids of rounds the scheduled workflow looks at: open or closed ones."""
    return list(
        session.scalars(
            select(CapitalRound.id)
            .where(CapitalRound.status.in_([st.ROUND_OPEN, st.ROUND_CLOSED]))
            .order_by(CapitalRound.id)
        )
    )


def close_round(session: Session, round_: CapitalRound, now: datetime) -> bool:
    """Close an open round to new submissions; return whether it changed."""
    if round_.status != st.ROUND_OPEN:
        return False
    round_.status = st.ROUND_CLOSED
    round_.closed_at = now
    session.flush()
    return True


def close_if_due(session: Session, round_: CapitalRound, today: date, now: datetime) -> bool:
    """Close the round once its deadline day has ended; return whether it closed now."""
    if round_.status == st.ROUND_OPEN and deadline_passed(round_.deadline, today):
        return close_round(session, round_, now)
    return False


def districts_with_submissions(session: Session, round_: CapitalRound) -> set[int]:
    """Return the ids of districts that have submitted at least one scheme."""
    submitted = set(st.SCHEME_LABELS) - {st.DRAFT, st.WITHDRAWN}
    return set(
        session.scalars(
            select(CapitalScheme.district_id).where(
                CapitalScheme.round_id == round_.id, CapitalScheme.status.in_(submitted)
            )
        )
    )


def _notify(
    session: Session,
    round_: CapitalRound,
    kind: str,
    occasion: str,
    subject: str,
    body: Callable[[District], str],
    now: datetime,
    skip: set[int] | frozenset[int] = frozenset(),
) -> int:
    """Queue a notice to every officer of each district not skipped, once per ``occasion``."""
    sent = 0
    for district, officers in district_officers(session, round_.county).items():
        if district.id in skip:
            continue
        for officer in officers:
            notice = queue_notice(
                session,
                key=f"capital:{round_.id}:{occasion}:{officer.id}",
                round_=round_,
                recipient=officer,
                kind=kind,
                subject=subject,
                body=body(district),
                now=now,
            )
            sent += notice is not None
    return sent


def send_opening_notices(session: Session, round_: CapitalRound, now: datetime) -> int:
    """Tell every district officer in the county that the round is open; return how many."""
    if round_.status != st.ROUND_OPEN:
        return 0
    return _notify(
        session,
        round_,
        "round-opened",
        "opened",
        f"Capital bid round open: {round_.title}",
        lambda district: (
            f"The capital bid round {round_.title} is open. Submit {district.name}'s "
            "supported-housing schemes seeking capital, one matrix for each scheme, by the end "
            f"of {long_date(round_.deadline)}."
        ),
        now,
    )


def send_due_reminders(session: Session, round_: CapitalRound, today: date, now: datetime) -> int:
    """Remind districts that have not submitted a scheme, when a reminder is due; return how many."""
    if round_.status != st.ROUND_OPEN:
        return 0
    days = reminder_due(round_.deadline, today, matrix_for(round_).rules.reminder_days)
    if days is None:
        return 0
    left = (round_.deadline - today).days
    when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
    return _notify(
        session,
        round_,
        "deadline-reminder",
        f"reminder-{days}",
        f"Reminder: {round_.title} closes {when}",
        lambda district: (
            f"{district.name} has not submitted a scheme to {round_.title}. The round closes at "
            f"the end of {long_date(round_.deadline)}."
        ),
        now,
        skip=districts_with_submissions(session, round_),
    )


@dataclass
class DistrictProgress:
    """How far one district has got in a round."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)


def progress(session: Session, round_: CapitalRound) -> list[DistrictProgress]:
    """Return each of the county's districts with its schemes counted by status."""
    found = {
        code: DistrictProgress(name)
        for code, name in county_districts(session, round_.county).items()
    }
    for scheme in round_.schemes:
        found.setdefault(scheme.district.code, DistrictProgress(scheme.district.name)).counts[
            scheme.status
        ] += 1
    return list(found.values())


def describe(round_: CapitalRound) -> str:
    """Describe a round in one line, e.g. for a flow run."""
    return (
        f"{round_.title}: deadline {long_date(round_.deadline)}, revenue budget "
        f"{format_gbp(round_.revenue_budget)} a year"
    )
