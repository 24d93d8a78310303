"""The round's workflow: opening notices, reminders to districts that have not submitted, closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalNotice
from tenderflow.services import flow_runs
from tests.integration.capital_world import a_round, a_scheme
from workflows.capital_round import advance_capital_rounds


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "admin": make_user(Role.ADMIN),
        "fenland": make_user(Role.DISTRICT_OFFICER, district="fenland"),
        "hunts": make_user(Role.DISTRICT_OFFICER, district="huntingdonshire"),
        "cambridge": make_user(Role.DISTRICT_OFFICER, district="cambridge"),
        "kent": make_user(Role.DISTRICT_OFFICER, district="ashford"),
    }


def notices(kind: str) -> list[tuple[str, str]]:
    return sorted(
        (n.email, n.subject)
        for n in db.session.scalars(select(CapitalNotice).where(CapitalNotice.kind == kind))
    )


def test_opening_tells_each_officer_in_the_county_once(app: Any, people: dict[str, Any]) -> None:
    round_ = a_round(people["admin"], deadline_days=30)
    advance_capital_rounds.fn(round_id=round_.id, today="2026-06-15")
    advance_capital_rounds.fn(today="2026-06-15")  # the hourly run changes nothing
    told = {email for email, _ in notices("round-opened")}
    assert told == {people[d].email for d in ("fenland", "hunts", "cambridge")}
    assert len(notices("round-opened")) == 3


def test_reminders_go_only_to_districts_without_a_submitted_scheme(
    app: Any, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"], deadline_days=30)  # deadline 15 July 2026
    a_scheme(round_, people["fenland"], "Wisbech foyer")  # submitted
    a_scheme(round_, people["hunts"], "St Ives refuge", submit=False)  # only a draft

    advance_capital_rounds.fn(today="2026-06-30")  # 15 days before: no reminder yet
    assert notices("deadline-reminder") == []

    advance_capital_rounds.fn(today="2026-07-01")  # 14 days before
    advance_capital_rounds.fn(today="2026-07-02")  # the same reminder is not sent twice
    assert notices("deadline-reminder") == sorted(
        [
            (people["cambridge"].email, f"Reminder: {round_.title} closes in 14 days"),
            (people["hunts"].email, f"Reminder: {round_.title} closes in 14 days"),
        ]
    )

    advance_capital_rounds.fn(today="2026-07-13")  # 2 days before: the 7-day one was missed
    subjects = [s for _, s in notices("deadline-reminder")]
    assert subjects.count(f"Reminder: {round_.title} closes in 2 days") == 2
    assert not any("7 days" in s for s in subjects)


def test_the_round_closes_once_its_deadline_day_has_ended(app: Any, people: dict[str, Any]) -> None:
    round_ = a_round(people["admin"], deadline_days=30)
    outcome = advance_capital_rounds.fn(today="2026-07-15")
    assert outcome[str(round_.id)]["closed"] is False and round_.status == st.ROUND_OPEN
    outcome = advance_capital_rounds.fn(today="2026-07-16")
    assert outcome[str(round_.id)]["closed"] is True and round_.status == st.ROUND_CLOSED
    assert outcome[str(round_.id)]["reminders"] == 0
    again = advance_capital_rounds.fn(today="2026-07-17")
    assert again[str(round_.id)]["closed"] is False
    # Nothing scored yet, so no priority list.
    assert again[str(round_.id)]["priority_list"] is False and round_.priority_list is None


def test_a_requested_run_records_its_outcome(app: Any, people: dict[str, Any]) -> None:
    round_ = a_round(people["admin"])
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.CAPITAL_ROUND,
        parameters={"round_id": round_.id},
        key=f"capital-round:{round_.id}:opened",
        description="Open the round",
        now=clock.now(),
    )
    db.session.commit()
    advance_capital_rounds.fn(request_id=request.id, round_id=round_.id)
    db.session.expire_all()
    assert request.status == "completed"
    assert request.result[str(round_.id)]["opening_notices"] == 3
