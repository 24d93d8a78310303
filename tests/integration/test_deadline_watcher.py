"""The deadline watcher: standstills ended, overdue milestones and stages, reminders, once each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Milestone, OutboxMessage, StageDates
from tenderflow.services import timetable as timetable_service
from tests.integration.timetable_data import national_procurement
from workflows.timetable import watch_deadlines


@pytest.fixture
def lead(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.PROCUREMENT_LEAD)


def subjects(kind: str) -> list[str]:
    return [
        m.subject
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    ]


def rows(procurement: Any) -> dict[str, StageDates]:
    return {r.stage: r for r in timetable_service.stage_dates(procurement, db.session)}


def in_standstill(procurement: Any, since: date) -> None:
    procurement.stage = "standstill"
    rows(procurement)["standstill"].actual_start = since
    db.session.commit()


def test_a_standstill_that_has_run_its_course_is_ended_and_the_lead_told_once(
    app: Any, lead: Any
) -> None:
    procurement = national_procurement(lead)
    in_standstill(procurement, date(2026, 6, 16))  # last day Thursday 25 June

    outcome = watch_deadlines.fn(now="2026-06-25T23:00:00+01:00")
    assert outcome["standstills_ended"] == []
    assert rows(procurement)["standstill"].actual_end is None

    outcome = watch_deadlines.fn(now="2026-06-26T00:15:00+01:00")
    assert outcome["standstills_ended"] == [procurement.reference]
    assert rows(procurement)["standstill"].actual_end == date(2026, 6, 26)
    watch_deadlines.fn(now="2026-06-26T01:15:00+01:00")
    assert subjects("standstill-ended") == [f"{procurement.reference}: the standstill has ended"]
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "standstill-ended")
    )
    assert message is not None and message.recipient_id == lead.id
    assert "The award may proceed" in message.body


def test_a_passed_milestone_whose_stage_goes_on_is_marked_and_the_lead_told_once(
    app: Any, lead: Any
) -> None:
    procurement = national_procurement(lead)
    procurement.stage = "eoi"
    db.session.commit()
    eoi_deadline = db.session.scalar(select(Milestone).where(Milestone.kind == "eoi-deadline"))
    # Noon on 24 July 2026: the 25-day participation period from 29 June.
    assert eoi_deadline is not None

    watch_deadlines.fn(now="2026-07-24T11:59:00+01:00")
    assert not eoi_deadline.overdue
    assert subjects("milestone-reminder") == [
        f"Reminder: {procurement.reference} expressions of interest deadline is at 12:00 on 24 July 2026"
    ]
    watch_deadlines.fn(now="2026-07-24T12:30:00+01:00")
    watch_deadlines.fn(now="2026-07-25T12:30:00+01:00")
    db.session.refresh(eoi_deadline)
    assert eoi_deadline.overdue
    assert subjects("milestone-passed") == [
        f"{procurement.reference}: expressions of interest deadline has passed"
    ]
    # Later milestones are not touched.
    tender = db.session.scalar(select(Milestone).where(Milestone.kind == "tender-deadline"))
    assert tender is not None and not tender.overdue


def test_a_stage_past_its_planned_end_is_marked_overdue_once(app: Any, lead: Any) -> None:
    procurement = national_procurement(lead)  # planning planned to end 29 June 2026
    watch_deadlines.fn(now="2026-06-29T18:00:00+01:00")
    assert subjects("stage-overdue") == []
    watch_deadlines.fn(now="2026-06-30T09:00:00+01:00")
    watch_deadlines.fn(now="2026-07-01T09:00:00+01:00")
    assert subjects("stage-overdue") == [f"{procurement.reference}: Planning is overdue"]
    assert rows(procurement)["planning"].overdue_notified_on == date(2026, 6, 30)


def with_contract(procurement: Any, entered: str) -> None:
    from datetime import datetime
    from decimal import Decimal

    from tenderflow import clock
    from tenderflow.models import Bidder, Contract

    bidder = Bidder(
        procurement_id=procurement.id, name="Invented Support Ltd", registered_at=clock.now()
    )
    db.session.add(bidder)
    db.session.flush()
    db.session.add(
        Contract(
            procurement_id=procurement.id,
            supplier_id=bidder.id,
            value=Decimal("900000"),
            start_date=date(2026, 9, 1),
            end_date=date(2029, 8, 31),
            award_notice={},
            awarded_at=datetime.fromisoformat(entered),
        )
    )
    procurement.stage = "contract"
    db.session.commit()


def test_the_lead_is_reminded_of_a_contract_details_notice_coming_due_then_told_it_is_overdue(
    app: Any, lead: Any
) -> None:
    from tenderflow.services import notices

    procurement = national_procurement(lead)
    with_contract(procurement, "2026-07-01T12:00:00+01:00")  # due by 30 July (30th day)

    outcome = watch_deadlines.fn(now="2026-07-22T09:00:00+01:00")
    assert outcome["notices"] == {"reminded": 0, "overdue": 0}
    outcome = watch_deadlines.fn(now="2026-07-23T09:00:00+01:00")
    assert outcome["notices"] == {"reminded": 1, "overdue": 0}
    watch_deadlines.fn(now="2026-07-30T23:00:00+01:00")
    assert subjects("notice-due") == [
        f"{procurement.reference}: the contract details notice is due"
    ]
    assert subjects("notice-overdue") == []

    outcome = watch_deadlines.fn(now="2026-07-31T00:30:00+01:00")
    assert outcome["notices"] == {"reminded": 0, "overdue": 1}
    watch_deadlines.fn(now="2026-07-31T01:30:00+01:00")
    assert subjects("notice-overdue") == [
        f"{procurement.reference}: the contract details notice is overdue"
    ]
    row = notices.records(db.session, procurement)["UK7"]
    assert row.overdue_since == date(2026, 7, 31) and row.published_on is None
    [uk7] = [
        n
        for n in notices.notices_of(db.session, procurement, date(2026, 7, 31))
        if n.notice_type == "UK7"
    ]
    assert (uk7.due, uk7.status) == (date(2026, 7, 30), "overdue")
