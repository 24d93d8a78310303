"""Probity of scores and of the audit log, each attack played as the user who would try it.

Attack 5: the lead submits scores in an evaluator's name. Attack 6: a capital scorer peeks
at the other scorer's marks before scoring. Attack 9: a second writer (or a racing submit)
overwrites what the first saved. Attack 10: someone edits or deletes audit entries.
Each is refused, nothing is written, and the attempt is in the audit log.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text

from tenderflow import audit, clock
from tenderflow.cli import main
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    Bid,
    CapitalScoreSheet,
    ConsensusScore,
    EvaluatorScore,
    PanelMember,
    PassFailRecord,
    Procurement,
    StageDates,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services import timetable as timetable_service
from tenderflow.services.concurrency import ChangedMeanwhile, check_opened, guarded
from tenderflow.services.evaluation import moderation, scoring
from tests.capital_data import score_answers
from tests.integration.capital_world import a_round, a_scheme, accept, score
from tests.integration.conftest import IsolatedClient, sign_in_as
from tests.integration.evaluation_world import COMMENT, an_evaluation
from tests.integration.timetable_data import national_procurement

ALL = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser: its own cookies, its own session."""
    app.test_client_class = IsolatedClient
    return app.test_client()


def _refusals(entity: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "refused", AuditEvent.entity == entity)
        )
    )


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    assert found is not None, f"no hidden field {name}"
    return found.group(1)


def _count(model: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _scores(member: Any) -> list[EvaluatorScore]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(EvaluatorScore).where(EvaluatorScore.panel_member_id == member.id)
        )
    )


def _save_all(evaluation: Any, member: Any, score: int = 3) -> None:
    cells = [(bid, criterion) for bid in evaluation.bids for criterion in ("Q1", "Q2")]
    rows = [
        (n, {"bidder": bid.bidder.name, "criterion": c, "score": score, "comment": COMMENT})
        for n, (bid, c) in enumerate(cells)
    ]
    scoring.save_scores(db.session, member, "test", rows, clock.now())
    db.session.commit()


# Attack 5: scores in someone else's name ----------------------------------------------------


def _filled_workbook(client: FlaskClient, member: Any) -> bytes:
    response = client.get(f"/evaluations/EVAL-1/panel/{member.id}/workbook")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    for row in book["Scores"].iter_rows(min_row=2):
        row[3].value, row[4].value = 4, "Scored at the panel day."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_lead_cannot_submit_an_evaluators_workbook_on_import(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, evaluation.lead)
    data = _filled_workbook(client, member)
    form = client.get(f"/evaluations/EVAL-1/panel/{member.id}/workbook/import")
    assert "Submit the scores on import" not in form.get_data(as_text=True)

    response = client.post(
        f"/evaluations/EVAL-1/panel/{member.id}/workbook/import",
        data={"workbook": (io.BytesIO(data), "scores.xlsx"), "submit_scores": "yes"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page and "govuk-error-summary" in page
    assert f"Only {member.user.name} can submit their scores" in page
    assert _scores(member) == []
    [refusal] = _refusals("scoring workbook")
    assert refusal.actor_id == evaluation.lead.id
    assert "only the evaluator submits" in (refusal.summary or "")


def test_the_service_refuses_a_submission_by_anyone_but_the_evaluator(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    _save_all(evaluation, member)
    with pytest.raises(scoring.NotTheEvaluator):
        scoring.submit_scores(db.session, member, clock.now(), by=evaluation.lead)
    db.session.rollback()
    assert {s.status for s in _scores(member)} == {"draft"}


def test_every_score_result_and_consensus_keeps_who_entered_it_and_when(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, evaluation.lead)
    client.post(
        f"/evaluations/EVAL-1/panel/{member.id}/workbook/import",
        data={"workbook": (io.BytesIO(_filled_workbook(client, member)), "s.xlsx")},
        content_type="multipart/form-data",
    )
    by_lead = _scores(member)
    assert len(by_lead) == 6
    assert {(s.entered_by_id, s.saved_at, s.status) for s in by_lead} == {
        (evaluation.lead.id, clock.now(), "draft")
    }
    # The evaluator changes one draft: that score is now theirs.
    sign_in_as(client, member.user)
    bid = evaluation.bids[0]
    page = client.get("/evaluations/EVAL-1/criteria/Q1/scores").get_data(as_text=True)
    assert f"by {evaluation.lead.name}: check it before you submit" in page
    client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data={
            **{f"score-{b.id}": "4" for b in evaluation.bids},
            **{f"comment-{b.id}": "Scored at the panel day." for b in evaluation.bids},
            f"score-{bid.id}": "2",
        },
    )
    mine = {(s.bid_id, s.criterion_id): s for s in _scores(member)}
    assert mine[(bid.id, "Q1")].entered_by_id == member.user_id
    assert mine[(bid.id, "Q2")].entered_by_id == evaluation.lead.id

    # Pass/fail results and consensus scores keep theirs too.
    evaluation.procurement.stage = "moderation"
    db.session.commit()
    moderation.record_pass_fail(
        db.session,
        evaluation.procurement,
        {(bid.id, "PF1"): ("pass", "")},
        evaluation.lead,
        clock.now(),
    )
    moderation.record_consensus(
        db.session,
        evaluation.procurement,
        bid,
        "Q1",
        "3",
        "Agreed.",
        evaluation.moderator.user,
        clock.now(),
    )
    db.session.commit()
    result = db.session.scalar(select(PassFailRecord))
    consensus = db.session.scalar(select(ConsensusScore))
    assert result is not None and consensus is not None
    assert (result.recorded_by_id, result.recorded_at) == (evaluation.lead.id, clock.now())
    assert (consensus.moderator_id, consensus.agreed_at) == (
        evaluation.moderator.user_id,
        clock.now(),
    )


# Attack 6: capital scoring is blind ----------------------------------------------------------


@pytest.fixture
def capital_people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "admin": make_user(Role.ADMIN),
        "fenland": make_user(Role.DISTRICT_OFFICER, district="fenland"),
        "partnership": make_user(Role.PARTNERSHIP_OFFICER),
        "first": make_user(Role.SP_SCORER, name="Pat Scorer"),
        "second": make_user(Role.SP_SCORER, name="Lee Scorer"),
    }


def test_a_scorer_sees_no_other_marks_until_they_have_scored_the_scheme(
    client: FlaskClient, capital_people: dict[str, Any]
) -> None:
    people = capital_people
    scheme = a_scheme(a_round(people["admin"]), people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    score(scheme, people["first"], 5, 3, 3, 3, 3)

    sign_in_as(client, people["second"])
    page = client.get(f"/capital/schemes/{scheme.id}").get_data(as_text=True)
    assert "Scores so far" not in page
    assert "hidden until you have scored this scheme yourself" in page
    agree = client.get(f"/capital/schemes/{scheme.id}/agree")
    assert agree.status_code == 302
    assert agree.headers["Location"].endswith(f"/capital/schemes/{scheme.id}/score")
    [refusal] = _refusals("capital_schemes")
    assert refusal.actor_id == people["second"].id
    with pytest.raises(ServiceError, match="Score the scheme yourself"):
        from tenderflow.services.capital import scoring as capital_scoring

        capital_scoring.record_agreement(db.session, scheme, people["second"], {}, clock.now())
    db.session.rollback()

    # Once they have scored, the scores (and the flag between them) are theirs to see.
    client.post(f"/capital/schemes/{scheme.id}/score", data=score_answers(3, 3, 3, 3, 3))
    page = client.get(f"/capital/schemes/{scheme.id}").get_data(as_text=True)
    assert "Scores so far" in page
    # Someone who does not score sees them as before.
    sign_in_as(client, people["admin"])
    assert "Scores so far" in client.get(f"/capital/schemes/{scheme.id}").get_data(as_text=True)


# Attack 9: no lost updates -------------------------------------------------------------------


def test_a_second_moderator_sees_who_changed_a_consensus_score_and_keeps_what_they_typed(
    client: FlaskClient, other_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, stage="moderation")
    admin = make_user(Role.ADMIN, name="Ash Administrator")
    bid = evaluation.bids[0]
    sign_in_as(client, evaluation.moderator.user)
    sign_in_as(other_client, admin)
    url = "/evaluations/EVAL-1/moderation/Q1"
    first_page = client.get(url).get_data(as_text=True)
    second_page = other_client.get(url).get_data(as_text=True)
    assert _hidden(first_page, f"version-{bid.id}") == ""

    saved = client.post(
        url,
        data={
            f"score-{bid.id}": "4",
            f"rationale-{bid.id}": "Agreed at the panel.",
            f"version-{bid.id}": _hidden(first_page, f"version-{bid.id}"),
        },
    )
    assert saved.status_code == 302
    late = other_client.post(
        url,
        data={
            f"score-{bid.id}": "2",
            f"rationale-{bid.id}": "My own reading of the evidence.",
            f"version-{bid.id}": _hidden(second_page, f"version-{bid.id}"),
        },
    )
    page = late.get_data(as_text=True)
    assert late.status_code == 200 and "<title>Error: " in page
    assert (
        "was changed by Morag Moderator at 15 June 2026 at 10:00am since you opened this page"
        in page
    )
    assert "My own reading of the evidence." in page  # nothing typed is lost
    consensus = db.session.scalar(select(ConsensusScore))
    db.session.refresh(consensus)
    assert consensus is not None and consensus.score == Decimal(4)
    assert consensus.rationale == "Agreed at the panel." and consensus.version == 1
    assert _refusals("consensus_scores")[0].actor_id == admin.id

    # Having seen the change, saving again is a deliberate overwrite.
    again = other_client.post(
        url,
        data={
            f"score-{bid.id}": "2",
            f"rationale-{bid.id}": "My own reading of the evidence.",
            f"version-{bid.id}": _hidden(page, f"version-{bid.id}"),
        },
    )
    assert again.status_code == 302
    db.session.refresh(consensus)
    assert consensus.score == Decimal(2) and consensus.version == 2


def test_a_draft_save_racing_a_submit_never_puts_a_submitted_score_back_to_draft(
    client: FlaskClient, other_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    _save_all(evaluation, member)
    # Two tabs: one has the Q1 scores open; the other submits everything.
    sign_in_as(client, member.user)
    sign_in_as(other_client, member.user)
    open_page = client.get("/evaluations/EVAL-1/criteria/Q1/scores").get_data(as_text=True)
    assert other_client.post("/evaluations/EVAL-1/submit").status_code == 302
    bid = evaluation.bids[0]
    response = client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data={
            f"score-{bid.id}": "5",
            f"comment-{bid.id}": "Changed my mind.",
            f"version-{bid.id}": _hidden(open_page, f"version-{bid.id}"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"was changed by {member.user.name}" in page
    assert {s.status for s in _scores(member)} == {"submitted"}
    assert {s.score for s in _scores(member)} == {Decimal(3)}


def test_a_submit_that_loses_the_race_to_a_draft_save_submits_nothing(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    _save_all(evaluation, member)
    other = db.session.session_factory()  # a second, real session: the tab that submits
    try:
        submitter = other.get(PanelMember, member.id)
        assert submitter is not None
        read = scoring.scores_of(other, submitter)  # as the submit read them, in its request
        # The other tab's draft save commits first...
        changed = _scores(member)[0]
        changed.score, changed.comment = Decimal(5), "A late change."
        db.session.commit()
        # ...so the submit, made from what it had read, matches no row and is refused whole.
        with pytest.raises(ChangedMeanwhile), guarded(other):
            scoring.submit_scores(other, submitter, clock.now(), by=submitter.user)
    finally:
        other.close()
    assert {s.status for s in _scores(member)} == {"draft"}
    assert Decimal(5) in {s.score for s in _scores(member)} and len(read) == 6


def test_two_first_saves_at_once_give_one_record_and_a_message_not_a_server_error(
    app: Any, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, stage="moderation")
    bid_id, moderator_id, lead_id = (
        evaluation.bids[0].id,
        evaluation.moderator.user_id,
        evaluation.lead.id,
    )
    procurement_id = evaluation.procurement.id
    first = db.session.session_factory()
    second = db.session.session_factory()
    landed: list[bool] = []

    def save(session: Any, user_id: int, score: str, rationale: str) -> None:
        moderation.record_consensus(
            session,
            session.get(Procurement, procurement_id),
            session.get(Bid, bid_id),
            "Q1",
            score,
            rationale,
            session.get(User, user_id),
            clock.now(),
            opened="",
        )

    def first_save_lands_first(session: Any, context: Any, instances: Any) -> None:
        # The other save commits between this one's check and its INSERT.
        if not landed:
            landed.append(True)
            with audit.acting_as(first.get(User, moderator_id)):
                save(first, moderator_id, "4", "First.")
                first.commit()

    def recheck() -> None:
        check_opened(
            second,
            {"cell": ""},
            {"cell": second.scalar(select(ConsensusScore))},
            lambda _: "The consensus score",
        )

    try:
        event.listen(second, "before_flush", first_save_lands_first)
        with pytest.raises(ChangedMeanwhile) as refused, guarded(second, recheck):
            save(second, lead_id, "2", "Second.")
        assert landed == [True]
        assert "The consensus score was changed by Morag Moderator" in str(refused.value)
    finally:
        first.close()
        second.close()
    [consensus] = db.session.scalars(select(ConsensusScore)).all()
    assert consensus.rationale == "First."


def test_racing_first_saves_from_two_browsers_never_give_a_server_error(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, stage="moderation")
    admin = make_user(Role.ADMIN)
    bid_id = evaluation.bids[1].id
    app.test_client_class = IsolatedClient
    clients = [app.test_client(), app.test_client()]
    sign_in_as(clients[0], evaluation.moderator.user)
    sign_in_as(clients[1], admin)
    db.session.commit()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def save(client: FlaskClient, score: str) -> None:
        barrier.wait()
        response = client.post(
            "/evaluations/EVAL-1/moderation/Q1",
            data={
                f"score-{bid_id}": score,
                f"rationale-{bid_id}": f"Saved as {score}.",
                f"version-{bid_id}": "",
            },
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=save, args=(c, s)) for c, s in zip(clients, ("4", "2"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200, 302]
    assert _count(ConsensusScore) == 1


def test_a_pass_fail_result_changed_since_the_page_opened_is_not_overwritten(
    client: FlaskClient, other_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user, stage="moderation")
    bid = evaluation.bids[2]
    sign_in_as(client, evaluation.lead)
    sign_in_as(other_client, evaluation.moderator.user)
    lead_page = client.get("/evaluations/EVAL-1/pass-fail").get_data(as_text=True)
    moderator_page = other_client.get("/evaluations/EVAL-1/pass-fail").get_data(as_text=True)
    key = f"{bid.id}-PF1"
    other_client.post(
        "/evaluations/EVAL-1/pass-fail",
        data={
            f"pf-{key}": "fail",
            f"note-{key}": "No insurance certificate.",
            f"version-{key}": _hidden(moderator_page, f"version-{key}"),
        },
    )
    response = client.post(
        "/evaluations/EVAL-1/pass-fail",
        data={f"pf-{key}": "pass", f"version-{key}": _hidden(lead_page, f"version-{key}")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "was changed by Morag Moderator at 15 June 2026 at 10:00am since you opened" in page
    [result] = db.session.scalars(select(PassFailRecord)).all()
    db.session.refresh(result)
    assert result.passed is False and result.note == "No insurance certificate."


def test_a_capital_sheet_saved_in_another_tab_is_not_overwritten(
    client: FlaskClient, other_client: FlaskClient, capital_people: dict[str, Any]
) -> None:
    people = capital_people
    scheme = a_scheme(a_round(people["admin"]), people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    sign_in_as(client, people["first"])
    sign_in_as(other_client, people["first"])
    url = f"/capital/schemes/{scheme.id}/score"
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = other_client.get(url).get_data(as_text=True)
    assert _hidden(first_tab, "version") == ""
    client.post(url, data={**score_answers(4, 4, 4, 4, 4), "version": ""})
    late = other_client.post(
        url, data={**score_answers(1, 1, 1, 1, 1), "version": _hidden(second_tab, "version")}
    )
    page = late.get_data(as_text=True)
    assert late.status_code == 200
    assert "Your score sheet for this scheme was changed by Pat Scorer" in page
    [sheet] = db.session.scalars(select(CapitalScoreSheet)).all()
    db.session.refresh(sheet)
    assert {s.score for s in sheet.scores if s.kind == "criterion"} == {4}


def test_a_stage_plan_changed_since_the_page_opened_is_not_overwritten(
    client: FlaskClient, other_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    admin = make_user(Role.ADMIN, name="Ash Administrator")
    procurement = national_procurement(lead)
    evaluation_row = timetable_service.row_for(db.session, procurement, "evaluation")
    end = evaluation_row.planned_end
    url = f"/procurements/{procurement.reference}/timetable/evaluation/edit"
    sign_in_as(client, lead)
    sign_in_as(other_client, admin)
    lead_page = client.get(url).get_data(as_text=True)
    admin_page = other_client.get(url).get_data(as_text=True)

    def dates(day: Any, page: str) -> dict[str, Any]:
        start = evaluation_row.planned_start
        return {
            "start": [str(start.day), str(start.month), str(start.year)],
            "end": [str(day.day), str(day.month), str(day.year)],
            "version": _hidden(page, "version"),
        }

    assert (
        other_client.post(url, data=dates(end + timedelta(days=7), admin_page)).status_code == 302
    )
    late = client.post(url, data=dates(end + timedelta(days=14), lead_page))
    page = late.get_data(as_text=True)
    assert late.status_code == 200 and "govuk-error-summary" in page
    assert "The timetable was changed by Ash Administrator at 15 June 2026 at 10:00am" in page
    typed = end + timedelta(days=14)  # what the lead typed is kept on the page
    assert re.search(rf'id="end-day" name="end" type="text" value="{typed.day}"', page)
    db.session.expire_all()
    row = db.session.get(StageDates, evaluation_row.id)
    assert row is not None and row.planned_end == end + timedelta(days=7)
    assert _refusals("stage_dates")[0].actor_id == lead.id


def test_a_write_losing_a_race_where_the_page_has_no_check_answers_409_not_500(
    client: FlaskClient, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)

    def loses_the_race(*args: Any, **kwargs: Any) -> None:
        row = timetable_service.row_for(db.session, procurement, "planning")
        row.delay_reason = "Half written."
        raise StaleDataError("stage_dates matched no row: another write got there first")

    monkeypatch.setattr(timetable_service, "record_delay_reason", loses_the_race)
    sign_in_as(client, lead)
    response = client.post(
        f"/procurements/{procurement.reference}/timetable/planning/delay",
        data={"reason": "Waiting for the budget."},
    )
    assert response.status_code == 409
    assert "Someone else changed this while you were saving" in response.get_data(as_text=True)
    db.session.expire_all()
    assert timetable_service.row_for(db.session, procurement, "planning").delay_reason is None


# Attack 10: the audit log is tamper-evident --------------------------------------------------


@pytest.fixture
def verify(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Callable[..., Any]:
    """Run `tenderflow audit verify` against the test database; return (status, out, err)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["audit", "verify", *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def _some_entries(make_user: Callable[..., Any], count: int = 3) -> list[AuditEvent]:
    person = make_user(Role.EVALUATOR)
    for n in range(count):
        person.job_title = f"Panel member {n}"
        db.session.commit()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_an_intact_log_verifies(app: Any, make_user: Callable[..., Any], verify: Any) -> None:
    entries = _some_entries(make_user)
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    status, out, _ = verify()
    assert status == 0
    assert f"intact: {len(entries)} entries" in out and entries[-1].hash in out
    assert verify("--anchor", entries[-1].hash or "")[0] == 0


def test_a_changed_entry_is_named_by_verify(
    app: Any, make_user: Callable[..., Any], verify: Any
) -> None:
    entries = _some_entries(make_user)
    target = entries[2]
    with db.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:  # only the owner can switch the trigger off; verify still notices
            connection.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        connection.execute(
            text("UPDATE audit_events SET new_value = 'Chair' WHERE id = :id"), {"id": target.id}
        )
        if postgres:
            connection.execute(
                text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
            )
    status, _, err = verify()
    assert status == 1
    assert f"broken at entry {target.id}: its content does not match its hash" in err


def test_a_deleted_entry_is_named_by_verify(
    app: Any, make_user: Callable[..., Any], verify: Any
) -> None:
    entries = _some_entries(make_user, 4)
    with db.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": entries[1].id})
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": entries[-1].id})
        if postgres:
            connection.execute(
                text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
            )
    status, _, err = verify()
    assert status == 1 and f"broken at entry {entries[2].id}" in err
    assert "does not follow the entry before it" in err


def test_a_cut_tail_is_caught_by_the_anchor_noted_from_an_earlier_run(
    app: Any, make_user: Callable[..., Any], verify: Any
) -> None:
    entries = _some_entries(make_user, 2)
    anchor = entries[-1].hash or ""
    with db.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": entries[-1].id})
        if postgres:
            connection.execute(
                text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
            )
    assert verify()[0] == 0  # what is left still links up...
    status, _, err = verify("--anchor", anchor)
    assert status == 1 and f"no longer holds the entry hashed {anchor}" in err


def test_verify_refuses_bad_input_in_one_line(app: Any, verify: Any) -> None:
    status, out, err = verify("--anchor", "not-a-hash")
    assert status == 2 and out == ""
    assert err.strip().count("\n") == 0 and "64 hexadecimal digits" in err


def test_an_audit_entry_cannot_be_changed_unnoticed(
    app: Any, make_user: Callable[..., Any], verify: Any
) -> None:
    """PostgreSQL refuses the change outright; SQLite has no such trigger, so verify names it."""
    entries = _some_entries(make_user, 1)
    if db.engine.dialect.name != "postgresql":
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE audit_events SET actor = 'someone' WHERE id = :id"),
                {"id": entries[0].id},
            )
        status, _, err = verify()
        assert status == 1 and f"broken at entry {entries[0].id}" in err, err
        return
    from sqlalchemy.exc import DBAPIError

    for statement in (
        "UPDATE audit_events SET actor = 'someone' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement), {"id": entries[0].id})
    assert _count(AuditEvent) == len(entries)


def test_appends_from_two_sessions_at_once_keep_one_chain(app: Flask, verify: Any) -> None:
    before = _count(AuditEvent)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def append(label: str) -> None:
        try:
            with app.app_context(), audit.acting_as(label):
                barrier.wait()
                for n in range(15):
                    audit.record(db.session, "test", "thread", n, f"{label} entry {n}")
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=append, args=(f"worker {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert _count(AuditEvent) == before + 30
    status, out, _ = verify()
    assert status == 0 and f"{before + 30} entries" in out


def test_the_audit_log_page_numbers_entries_as_verify_names_them(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    entries = _some_entries(make_user, 1)
    sign_in_as(client, make_user(Role.ADMIN))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "tenderflow audit verify" in page
    assert re.search(rf'<td class="govuk-table__cell">{entries[-1].id}</td>', page)


def test_sign_ins_refusals_and_views_are_in_the_chain(
    client: FlaskClient, make_user: Callable[..., Any], verify: Any
) -> None:
    person = make_user(Role.EVALUATOR)
    client.post("/login", data={"email": person.email, "password": "wrong password"})
    with audit.acting_as(person):
        audit.viewed(db.session, "bids", 7, "Saw the price of bid 7", procurement_id=None)
        db.session.commit()
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "sign-in-failed" in actions and actions[-1] == "viewed"
    assert verify()[0] == 0
