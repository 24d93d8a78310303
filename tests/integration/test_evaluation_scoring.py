"""Evaluators score alone: comments required, drafts saved, submitting locks; nobody else sees."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
from sqlalchemy import select

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, EvaluatorScore
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import COMMENT, an_evaluation


def _scores(member: Any) -> dict[tuple[str, str], EvaluatorScore]:
    db.session.expire_all()
    return {
        (s.bid.bidder.name, s.criterion_id): s
        for s in db.session.scalars(
            select(EvaluatorScore).where(EvaluatorScore.panel_member_id == member.id)
        )
    }


def _form(evaluation: Any, scores: dict[str, tuple[str, str]]) -> dict[str, str]:
    data = {}
    for name, (score, comment) in scores.items():
        bid = evaluation.bid(name)
        data[f"score-{bid.id}"] = score
        data[f"comment-{bid.id}"] = comment
    return data


ALL_FOURS = {
    "Harbour Light Housing Trust": ("4", COMMENT),
    "Fenland Support Partnership": ("3", COMMENT),
    "Riverside Care Co-operative": ("2.5", COMMENT),
}


def test_a_score_without_a_comment_is_refused_and_nothing_is_written(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    scores = dict(ALL_FOURS)
    scores["Fenland Support Partnership"] = ("3", "")
    scores["Riverside Care Co-operative"] = ("7", COMMENT)
    response = client.post("/evaluations/EVAL-1/criteria/Q1/scores", data=_form(evaluation, scores))
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    assert "Fenland Support Partnership: comment is missing" in page
    assert "score 7 is off the scale 0 to 5" in page
    assert _scores(member) == {}


def test_drafts_are_saved_then_submitting_locks_them(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    client.post("/evaluations/EVAL-1/criteria/Q1/scores", data=_form(evaluation, ALL_FOURS))
    saved = _scores(member)
    assert saved[("Riverside Care Co-operative", "Q1")].score == Decimal("2.5")
    assert {s.status for s in saved.values()} == {"draft"}
    # A draft can change.
    changed = dict(ALL_FOURS, **{"Harbour Light Housing Trust": ("5", "Outstanding model.")})
    client.post("/evaluations/EVAL-1/criteria/Q1/scores", data=_form(evaluation, changed))
    assert _scores(member)[("Harbour Light Housing Trust", "Q1")].score == Decimal(5)
    # Submitting with Q2 unscored is refused, naming what is missing.
    refused = client.post("/evaluations/EVAL-1/submit").get_data(as_text=True)
    assert "Harbour Light Housing Trust on Q2" in refused
    client.post("/evaluations/EVAL-1/criteria/Q2/scores", data=_form(evaluation, ALL_FOURS))
    client.post("/evaluations/EVAL-1/submit")
    saved = _scores(member)
    assert len(saved) == 6 and {s.status for s in saved.values()} == {"submitted"}
    # Locked: a later post changes nothing.
    client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data=_form(evaluation, {"Harbour Light Housing Trust": ("0", "Changed my mind.")}),
    )
    assert _scores(member)[("Harbour Light Housing Trust", "Q1")].score == Decimal(5)


def test_an_evaluator_sees_only_assigned_criteria_and_never_anothers_scores(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, assignments=(("Q1",), ("Q1", "Q2")))
    first, second = evaluation.evaluators
    sign_in_as(client, second.user)
    client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data=_form(
            evaluation, {"Harbour Light Housing Trust": ("1", "Second evaluator's secret.")}
        ),
    )
    sign_in_as(client, first.user)
    assert client.get("/evaluations/EVAL-1/criteria/Q2/scores").status_code == 404
    page = client.get("/evaluations/EVAL-1/criteria/Q1/scores").get_data(as_text=True)
    assert "Second evaluator&#39;s secret." not in page and "secret" not in page
    assert client.get("/evaluations/EVAL-1/moderation").status_code == 403
    assert client.get("/evaluations/EVAL-1/results").status_code == 404  # need to know


def test_the_lead_sees_progress_but_never_scores(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    unique = {n: (s, f"Unique remark {i}") for i, (n, (s, _)) in enumerate(ALL_FOURS.items())}
    client.post("/evaluations/EVAL-1/criteria/Q1/scores", data=_form(evaluation, unique))
    sign_in_as(client, evaluation.lead)
    page = client.get("/evaluations/EVAL-1/panel").get_data(as_text=True)
    assert "In progress (0 of 6 submitted, 3 drafts)" in page
    assert "Unique remark" not in page
    assert client.get("/evaluations/EVAL-1/results").status_code == 404  # need to know
    assert client.get("/evaluations/EVAL-1/moderation").status_code == 403


def test_scoring_is_closed_outside_the_evaluation_stage(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user, stage="itt")
    sign_in_as(client, evaluation.evaluators[0].user)
    response = client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data=_form(evaluation, ALL_FOURS),
        follow_redirects=True,
    )
    assert "Scoring is open only while the procurement is in evaluation" in response.get_data(
        as_text=True
    )
    assert _scores(evaluation.evaluators[0]) == {}


def _workbook(client: Any, member: Any) -> openpyxl.Workbook:
    response = client.get(f"/evaluations/EVAL-1/panel/{member.id}/workbook")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _upload(client: Any, member: Any, book: openpyxl.Workbook, submit: bool = False) -> Any:
    out = io.BytesIO()
    book.save(out)
    data: dict[str, Any] = {"workbook": (io.BytesIO(out.getvalue()), "scores.xlsx")}
    if submit:
        data["submit_scores"] = "yes"
    return client.post(
        f"/evaluations/EVAL-1/panel/{member.id}/workbook/import",
        data=data,
        content_type="multipart/form-data",
    )


def test_a_workbook_round_trip_saves_drafts_and_can_submit(client: Any, make_user: Any) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    book = _workbook(client, member)
    sheet = book["Scores"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[0].value, r[1].value) for r in rows][:2] == [
        ("Harbour Light Housing Trust", "Q1"),
        ("Harbour Light Housing Trust", "Q2"),
    ]
    assert len(rows) == 6
    for index, row in enumerate(rows):
        row[3].value = [4, 3.5, 2, 5, 1, 3][index]
        row[4].value = f"Workbook comment {index}"
    response = _upload(client, member, book)
    assert response.status_code == 302
    saved = _scores(member)
    assert len(saved) == 6 and {s.status for s in saved.values()} == {"draft"}
    assert {s.source for s in saved.values()} == {"workbook"}
    assert saved[("Harbour Light Housing Trust", "Q2")].score == Decimal("3.5")
    # The same file again, ticked to submit: now locked.
    _upload(client, member, book, submit=True)
    assert {s.status for s in _scores(member).values()} == {"submitted"}


def test_a_workbook_with_any_bad_row_is_refused_whole_listing_each_row(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, assignments=(("Q1", "Q2"), ("Q1",)))
    member = evaluation.evaluators[1]
    sign_in_as(client, member.user)
    book = _workbook(client, member)
    sheet = book["Scores"]
    for row in sheet.iter_rows(min_row=2):
        row[3].value, row[4].value = 3, "Fine."
    sheet.append(("Nobody Ltd", "Q1", "", 3, "Who?"))  # row 5: unknown bidder
    sheet.append(("Harbour Light Housing Trust", "Q9", "", 3, "What?"))  # row 6
    sheet.append(("Fenland Support Partnership", "Q2", "", 3, "Not mine"))  # row 7
    sheet["D2"] = 6  # off the scale
    sheet["E3"] = None  # missing comment
    response = _upload(client, member, book)
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    for expected in (
        "Scores row 2: score 6 is off the scale 0 to 5",
        "Scores row 3: comment is missing",
        "Scores row 5: unknown bidder &#39;Nobody Ltd&#39;",
        "Scores row 6: unknown criterion &#39;Q9&#39;",
        "Scores row 7: criterion Q2 is not assigned to you",
    ):
        assert expected in page
    assert _scores(member) == {}
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "scoring workbook"))
    assert refused is not None and "5 problem(s)" in refused.summary


def test_a_workbook_row_for_a_conflicted_bidder_is_refused(client: Any, make_user: Any) -> None:
    from tests.integration.evaluation_world import sign_and_declare

    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_and_declare(member, conflicted=("Riverside Care Co-operative",))
    db.session.commit()
    sign_in_as(client, member.user)
    book = _workbook(client, member)
    sheet = book["Scores"]
    assert "Riverside Care Co-operative" not in [c.value for c in sheet["A"]]
    sheet.append(("Riverside Care Co-operative", "Q1", "", 3, "Sneaked in."))
    page = _upload(client, member, book).get_data(as_text=True)
    assert "you declared a conflict of interest with Riverside Care Co-operative" in page
    assert _scores(member) == {}
    # Someone else's workbook is not theirs to download.
    sign_in_as(client, make_user(Role.EVALUATOR))
    other = evaluation.evaluators[1]
    assert client.get(f"/evaluations/EVAL-1/panel/{other.id}/workbook").status_code == 404


def test_the_lead_imports_an_offline_evaluators_workbook_as_drafts_the_evaluator_submits(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[1]
    sign_in_as(client, member.user)
    client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data=_form(evaluation, {"Harbour Light Housing Trust": ("2", "A private draft.")}),
    )
    sign_in_as(client, evaluation.lead)
    book = _workbook(client, member)
    assert "A private draft." not in [c.value for c in book["Scores"]["E"]]
    for row in book["Scores"].iter_rows(min_row=2):
        row[3].value, row[4].value = 3, "Scored on paper at the panel day."
    response = _upload(client, member, book)
    assert response.status_code == 302
    saved = _scores(member)
    assert len(saved) == 6 and {s.status for s in saved.values()} == {"draft"}
    assert {s.entered_by_id for s in saved.values()} == {evaluation.lead.id}
    # The evaluator reviews the drafts the lead entered, and submits them as their own.
    sign_in_as(client, member.user)
    review = client.get("/evaluations/EVAL-1/submit").get_data(as_text=True)
    assert f"6 of your draft scores were entered by {evaluation.lead.name}" in review
    client.post("/evaluations/EVAL-1/submit")
    assert {s.status for s in _scores(member).values()} == {"submitted"}
    sign_in_as(client, evaluation.lead)
    page = client.get("/evaluations/EVAL-1/panel").get_data(as_text=True)
    assert "Submitted (6 of 6 submitted, 0 drafts)" in page
    assert "Scored on paper" not in page


def test_the_procurement_page_gives_each_reader_their_next_step(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    sign_in_as(client, evaluation.lead)
    page = client.get("/procurements/EVAL-1").get_data(as_text=True)
    assert "Panel: 2 evaluator(s), 2 signed and declared, 0 submitted every score." in page
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/procurements/EVAL-1").get_data(as_text=True)
    assert "You moderate this evaluation." in page
    assert "moderation screen" not in page
    commissioner = make_user(Role.COMMISSIONING_BODY)
    sign_in_as(client, commissioner)
    page = client.get("/procurements/EVAL-1").get_data(as_text=True)
    assert 'id="evaluation"' not in page
