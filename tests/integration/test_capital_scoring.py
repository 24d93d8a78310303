"""The SP team's scores, flags between two scorers, the priority list and the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tenderflow import clock
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import ServiceError
from tenderflow.services.capital import priority, scoring
from tests.capital_data import score_answers
from tests.integration.capital_world import a_round, a_scheme, accept, close, score
from tests.integration.conftest import sign_in_as


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "admin": make_user(Role.ADMIN),
        "fenland": make_user(Role.DISTRICT_OFFICER, district="fenland"),
        "hunts": make_user(Role.DISTRICT_OFFICER, district="huntingdonshire"),
        "partnership": make_user(Role.PARTNERSHIP_OFFICER),
        "first": make_user(Role.SP_SCORER, name="Pat Scorer"),
        "second": make_user(Role.SP_SCORER, name="Lee Scorer"),
        "body": make_user(Role.COMMISSIONING_BODY),
    }


def listed_scheme(people: dict[str, Any]) -> tuple[Any, Any]:
    """A closed round whose priority list holds one scored scheme."""
    round_ = a_round(people["admin"])
    foyer = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(foyer, people["partnership"])
    score(foyer, people["first"], 4, 4, 4, 4, 4)
    close(round_)
    priority.produce_priority_list(db.session, round_, clock.now())
    db.session.commit()
    return round_, foyer


def test_scores_two_points_apart_are_flagged_and_agreed_on_the_web(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    score(scheme, people["first"], 5, 3, 3, 3, 3)

    sign_in_as(client, people["second"])
    form = client.get(f"/capital/schemes/{scheme.id}/score").get_data(as_text=True)
    assert "Also scored by Pat Scorer" in form
    assert "Meets a top development priority" in form  # the descriptor for 5 is a hint
    assert "Development priority 9." in form  # the district's evidence beside the criterion
    response = client.post(f"/capital/schemes/{scheme.id}/score", data=score_answers(3, 3, 2, 3, 3))
    assert response.headers["Location"].endswith(f"/capital/schemes/{scheme.id}/agree")

    queue = client.get("/capital/scoring").get_data(as_text=True)
    assert '<strong class="govuk-tag govuk-tag--red">1 to agree</strong>' in queue
    page = client.get(f"/capital/schemes/{scheme.id}/agree").get_data(as_text=True)
    assert 'data-testid="flag-strategic-relevance"' in page
    assert "2 points apart" in page
    assert 'data-testid="flag-added-value"' not in page  # one point apart is not flagged
    final = scoring.final_for(scheme)
    assert len(final.open_flags) == 1 and final.scores["added-value"] == Decimal("2.50")

    missing = client.post(f"/capital/schemes/{scheme.id}/agree", data={})
    assert "Select the agreed score for Strategic Relevance" in missing.get_data(as_text=True)
    client.post(
        f"/capital/schemes/{scheme.id}/agree",
        data={
            "agreed_strategic_relevance": "4",
            "comment_strategic_relevance": "Meets priority 9.",
        },
    )
    final = scoring.final_for(scheme)
    assert final.open_flags == () and final.scores["strategic-relevance"] == 4
    # The scorers' own scores are kept.
    assert sorted(
        r.score for s in scheme.score_sheets for r in s.scores if r.item == "strategic-relevance"
    ) == [3, 5]


def test_a_scorer_must_score_every_criterion_with_a_comment(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    sign_in_as(client, people["first"])
    answers = score_answers(4, 4, 4, 4, 4)
    del answers["score_deliverability"], answers["comment_unique_factors"]
    page = client.post(f"/capital/schemes/{scheme.id}/score", data=answers).get_data(as_text=True)
    assert "<title>Error: " in page
    assert "Select a score for Deliverability" in page
    assert "Enter a comment on the Unique Factors score" in page
    assert scheme.status == st.ACCEPTED and scheme.score_sheets == []


def test_a_scheme_that_fails_a_gateway_is_not_scored_or_ranked(
    app: Any, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "March night shelter")
    accept(scheme, people["partnership"])
    with pytest.raises(ServiceError) as refused:
        scoring.save_score_sheet(
            db.session,
            scheme,
            people["first"],
            {
                "pass_revenue_funding": "fail",
                "pass_floating_support_cannot_deliver": "pass",
                "pass_no_suitable_accommodation": "pass",
                "pass_intensive_or_specialist_support": "pass",
            },
            clock.now(),
        )
    assert refused.value.errors == {
        "comment_revenue_funding": "Enter why the scheme fails: revenue funding for the support is identified"
    }
    scoring.save_score_sheet(
        db.session,
        scheme,
        people["first"],
        {
            "pass_revenue_funding": "fail",
            "comment_revenue_funding": "No revenue identified.",
            "pass_floating_support_cannot_deliver": "pass",
            "pass_no_suitable_accommodation": "pass",
            "pass_intensive_or_specialist_support": "pass",
        },
        clock.now(),
    )
    ranked = priority.live_ranking(round_)
    assert [(s.result.name, s.rank, s.result.failed_gateways) for s in ranked.schemes] == [
        ("March night shelter", None, ("revenue-funding",))
    ]


def test_norfolks_gateways_are_asked_only_of_new_accommodation_based_schemes(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    remodel = a_scheme(round_, people["fenland"], "Sheltered remodel", development="remodel")
    accept(remodel, people["partnership"])
    sign_in_as(client, people["first"])
    form = client.get(f"/capital/schemes/{remodel.id}/score").get_data(as_text=True)
    assert 'name="pass_revenue_funding"' in form
    assert 'name="pass_no_suitable_accommodation"' not in form


def test_the_priority_list_waits_for_scoring_then_ranks_with_the_cut_line(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"], budget="150000")
    foyer = a_scheme(round_, people["fenland"], "Wisbech foyer", revenue_per_year="96000")
    refuge = a_scheme(round_, people["hunts"], "St Neots refuge", revenue_per_year="70000")
    flats = a_scheme(round_, people["hunts"], "Ramsey flats", revenue_per_year="40000")
    for scheme in (foyer, refuge, flats):
        accept(scheme, people["partnership"])
    score(foyer, people["first"], 4, 4, 4, 4, 4)  # 80
    score(refuge, people["first"], 5, 5, 4, 4, 4)  # 88
    close(round_)
    with pytest.raises(ServiceError, match="Scoring is not complete"):
        priority.produce_priority_list(db.session, round_, clock.now())
    assert priority.produce_if_complete(db.session, round_, clock.now()) is False

    sign_in_as(client, people["body"])
    provisional = client.get(f"/capital/rounds/{round_.id}/priority-list").get_data(as_text=True)
    assert "Provisional" in provisional and "Record decision" not in provisional
    assert client.get(f"/capital/rounds/{round_.id}/priority-list.xlsx").status_code == 404

    score(flats, people["first"], 3, 3, 3, 3, 3)  # 60
    score(flats, people["second"], 5, 3, 3, 3, 3)  # flagged: 2 apart
    assert priority.produce_if_complete(db.session, round_, clock.now()) is False
    scoring.record_agreement(
        db.session,
        flats,
        people["second"],
        {
            "agreed_strategic_relevance": "3",
            "comment_strategic_relevance": "Agreed at the meeting.",
        },
        clock.now(),
    )
    assert priority.produce_if_complete(db.session, round_, clock.now()) is True
    db.session.commit()

    view = priority.priority_list_view(db.session, round_)
    rows = [(r.rank, r.name, r.cumulative_revenue, r.within_budget) for r in view.rows]
    assert rows == [
        (1, "St Neots refuge", Decimal("70000.00"), True),
        (2, "Wisbech foyer", Decimal("166000.00"), False),
        (3, "Ramsey flats", Decimal("206000.00"), False),
    ]
    assert view.cut_after_rank == 1 and view.headroom == Decimal("80000.00")
    # The list is kept as produced.
    with pytest.raises(ServiceError):
        scoring.save_score_sheet(
            db.session, flats, people["first"], score_answers(5, 5, 5, 5, 5), clock.now()
        )


def test_decisions_need_reasons_and_put_schemes_in_the_pipeline_for_review(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_, foyer = listed_scheme(people)

    sign_in_as(client, people["body"])
    page = client.post(f"/capital/schemes/{foyer.id}/decision", data={"outcome": "deferred"})
    assert "Enter the reasons for the decision" in page.get_data(as_text=True)
    client.post(
        f"/capital/schemes/{foyer.id}/decision",
        data={"outcome": "deferred", "reasons": "Site not yet secured."},
    )
    decision = foyer.decision
    assert decision is not None and decision.outcome == "deferred"
    assert decision.next_review_on == date(2026, 10, 1)  # decided 15 June 2026
    assert decision.decided_by_id == people["body"].id
    assert round_.status == st.ROUND_COMPLETE

    client.post(
        f"/capital/schemes/{foyer.id}/review",
        data={"outcome": "keep", "notes": "Planning application submitted."},
    )
    assert decision.next_review_on == date(2026, 10, 1)
    assert [r.notes for r in foyer.reviews] == ["Planning application submitted."]
    client.post(
        f"/capital/schemes/{foyer.id}/review",
        data={"outcome": "remove", "notes": "Withdrawn by the provider."},
    )
    assert decision.left_pipeline_on == date(2026, 6, 15)
    assert priority.pipeline(db.session, date(2026, 6, 15)) == []
    assert "No schemes are in the pipeline" in client.get("/capital/pipeline").get_data(
        as_text=True
    )


def test_only_the_commissioning_body_records_decisions(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_, foyer = listed_scheme(people)
    for who in ("first", "admin", "fenland", "partnership"):
        sign_in_as(client, people[who])
        response = client.post(
            f"/capital/schemes/{foyer.id}/decision", data={"outcome": "approved", "reasons": "x"}
        )
        assert response.status_code == 403
    assert foyer.decision is None


def test_three_scorers_giving_3_3_and_4_put_66_67_on_the_priority_list(
    app: Any, client: FlaskClient, people: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    round_ = a_round(people["admin"])
    foyer = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(foyer, people["partnership"])
    third = make_user(Role.SP_SCORER, name="Sam Scorer")
    for scorer, value in ((people["first"], 3), (people["second"], 3), (third, 4)):
        score(foyer, scorer, *[value] * 5)
    close(round_)
    priority.produce_priority_list(db.session, round_, clock.now())
    db.session.commit()

    view = priority.priority_list_view(db.session, round_)
    # The mean is 10/3 on each criterion: 100 x (10/3) / 5 = 66.666..., rounded once.
    assert [(r.name, r.total) for r in view.rows] == [("Wisbech foyer", Decimal("66.67"))]
    sign_in_as(client, people["first"])
    page = client.get(f"/capital/schemes/{foyer.id}").get_data(as_text=True)
    assert "3.33" in page and "16.67" in page
    sign_in_as(client, people["body"])
    listed = client.get(f"/capital/rounds/{round_.id}/priority-list").get_data(as_text=True)
    assert "66.67" in listed
    assert "rounded once, to two decimal places with halves rounded up" in listed


def test_a_scorer_who_saves_their_sheet_again_replaces_their_scores(
    app: Any, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    score(scheme, people["first"], 4, 4, 4, 4, 4)
    score(scheme, people["first"], 2, 3, 2, 3, 2)
    db.session.expire_all()
    (sheet,) = scheme.score_sheets
    marks = sorted(int(s.score) for s in sheet.scores if s.kind == "criterion")
    assert marks == [2, 2, 2, 3, 3]
    assert len([s for s in sheet.scores if s.kind == "gateway"]) == 4
