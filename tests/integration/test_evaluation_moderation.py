"""Moderation: scores side by side with spreads and flags, consensus, queries, results, gates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorScore,
    ModerationQuery,
)
from tenderflow.services.evaluation import scoring
from tenderflow.services.gates import unmet_conditions
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import an_evaluation
from tests.integration.timetable_data import asked_for_approval

# Evaluator A and B's scores on (bidder, criterion); Riverside Q1 differs by 3: flagged.
SCORES = {
    "Harbour Light Housing Trust": ((4, 4), (4, 3)),
    "Fenland Support Partnership": ((3, 3), (3, 2)),
    "Riverside Care Co-operative": ((1, 4), (2, 2)),
}

GATES = "tenderflow.services.evaluation.gates"


ALL = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")


def _submit_all(evaluation: Any) -> None:
    for index, member in enumerate(evaluation.evaluators):
        rows: list[tuple[int, dict[str, Any]]] = []
        for name, (q1, q2) in SCORES.items():
            for criterion in ALL:
                score = {"Q1": q1[index], "Q2": q2[index]}.get(criterion, 3)
                comment = f"{member.user.name} on {name} {criterion}"
                row = {"bidder": name, "criterion": criterion, "score": score, "comment": comment}
                rows.append((len(rows), row))
        scoring.save_scores(db.session, member, "test", rows, clock.now())
        scoring.submit_scores(db.session, member, clock.now())
    db.session.commit()


def _in_moderation(make_user: Any) -> Any:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    _submit_all(evaluation)
    evaluation.procurement.stage = "moderation"
    db.session.commit()
    return evaluation


def test_scores_stay_sealed_from_the_moderator_until_moderation_opens(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    _submit_all(evaluation)
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/evaluations/EVAL-1/moderation").get_data(as_text=True)
    assert "Moderation opens when" in page
    assert "Evaluator A on" not in page
    assert client.get("/evaluations/EVAL-1/results").status_code == 404
    # A moderator who is not on this panel has no need to know: 404, as if it did not exist.
    sign_in_as(client, make_user(Role.MODERATOR))
    assert client.get("/evaluations/EVAL-1/moderation").status_code == 404


def test_the_moderation_screen_shows_every_score_comment_spread_and_flag(
    client: Any, make_user: Any
) -> None:
    _in_moderation(make_user)
    from tenderflow.models import PanelMember

    moderator = db.session.scalar(select(PanelMember).where(PanelMember.role == "moderator"))
    sign_in_as(client, moderator.user)
    page = client.get("/evaluations/EVAL-1/moderation").get_data(as_text=True)
    assert "Evaluator A on Riverside Care Co-operative Q1" in page
    assert "Evaluator B on Riverside Care Co-operative Q1" in page
    assert page.count("Flagged") == 1
    assert "0 of 18 consensus scores agreed; 1 flagged" in page


def test_consensus_needs_a_rationale_and_keeps_the_evaluators_scores(
    client: Any, make_user: Any
) -> None:
    evaluation = _in_moderation(make_user)
    sign_in_as(client, evaluation.moderator.user)
    riverside = evaluation.bid("Riverside Care Co-operative")
    refused = client.post(
        "/evaluations/EVAL-1/moderation/Q1", data={f"score-{riverside.id}": "2"}
    ).get_data(as_text=True)
    assert "Enter the rationale for the consensus score for Riverside Care Co-operative" in refused
    assert db.session.scalar(select(ConsensusScore)) is None
    client.post(
        "/evaluations/EVAL-1/moderation/Q1",
        data={
            f"score-{riverside.id}": "3",
            f"rationale-{riverside.id}": "Evaluator A missed the staffing appendix.",
        },
    )
    consensus = db.session.scalar(select(ConsensusScore))
    assert consensus is not None and str(consensus.score.normalize()) == "3"
    kept = db.session.scalars(
        select(EvaluatorScore.score).where(
            EvaluatorScore.bid_id == riverside.id, EvaluatorScore.criterion_id == "Q1"
        )
    ).all()
    assert sorted(int(s) for s in kept) == [1, 4]


def test_queries_are_raised_and_resolved(client: Any, make_user: Any) -> None:
    evaluation = _in_moderation(make_user)
    sign_in_as(client, evaluation.moderator.user)
    empty = client.post("/evaluations/EVAL-1/queries", data={"question": " "})
    assert "Enter the query" in empty.get_data(as_text=True)
    client.post(
        "/evaluations/EVAL-1/queries",
        data={"question": "Ask Riverside to confirm TUPE costs.", "criterion": "Q1"},
    )
    query = db.session.scalar(select(ModerationQuery))
    assert query is not None and query.is_open and query.criterion_id == "Q1"
    client.post(f"/evaluations/EVAL-1/queries/{query.id}", data={"resolution": "Confirmed."})
    db.session.expire_all()
    assert not query.is_open and query.resolution == "Confirmed."


def test_results_are_provisional_until_consensus_and_shown_to_the_right_people(
    client: Any, make_user: Any
) -> None:
    evaluation = _in_moderation(make_user)
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert "Provisional" in page
    assert "where totals are equal, the higher quality score wins" in page
    assert "Sensitivity" in page and "Value for money" in page
    for bid in evaluation.bids:
        for criterion in ALL:
            data = {f"score-{bid.id}": "3", f"rationale-{bid.id}": "Agreed at the panel."}
            client.post(f"/evaluations/EVAL-1/moderation/{criterion}", data=data)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert "Final" in page and "Provisional:" not in page
    commissioner = make_user(Role.COMMISSIONING_BODY)
    sign_in_as(client, commissioner)
    assert client.get("/evaluations/EVAL-1/results").status_code == 404
    sign_in_as(client, evaluation.evaluators[0].user)
    assert client.get("/evaluations/EVAL-1/results").status_code == 404
    evaluation.procurement.stage = "standstill"
    db.session.commit()
    # The commissioning body sees the results once the lead has asked it for approval.
    sign_in_as(client, commissioner)
    assert client.get("/evaluations/EVAL-1/results").status_code == 404
    asked_for_approval(evaluation.procurement, evaluation.procurement.lead)
    db.session.commit()
    assert "Highest-ranked bid" in client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    sign_in_as(client, evaluation.evaluators[0].user)
    assert client.get("/evaluations/EVAL-1/results").status_code == 200


def test_the_results_page_states_the_rounding_and_ranks_on_price_per_quality_point(
    client: Any, make_user: Any
) -> None:
    evaluation = _in_moderation(make_user)
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert "each published figure is rounded once, to two decimal places" in page
    assert "Price per quality point" not in page
    version = db.session.scalars(
        select(EvaluationModelVersion).order_by(EvaluationModelVersion.version.desc())
    ).first()
    assert version is not None
    version.yaml_text = version.yaml_text.replace("relative-lowest", "price-per-quality-point")
    db.session.commit()

    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    # The evaluators' means give quality 40, 35 and 32.5: £90,000 / 40 = £2,250.00 a point,
    # £100,000 / 35 = £2,857.14 and £120,000 / 32.5 = £3,692.31.
    assert "ranked on their price per quality point" in page
    assert "Ranking (lowest price per quality point first)" in page
    positions = [page.index(f) for f in ("£2,250.00", "£2,857.14", "£3,692.31")]
    assert positions == sorted(positions)
    assert page.index("Harbour Light Housing Trust") < page.index("Riverside Care Co-operative")


def test_gates_refuse_with_reasons_then_hold(client: Any, make_user: Any) -> None:
    now = clock.now()
    evaluation = an_evaluation(make_user, sign=False, assignments=(ALL, ALL))
    procurement = evaluation.procurement
    assert unmet_conditions(db.session, procurement, "itt", now, only=GATES) == []
    unmet = unmet_conditions(db.session, procurement, "evaluation", now, only=GATES)
    assert "Evaluator A and Evaluator B must sign the confidentiality agreement." in unmet
    assert (
        "Evaluator A and Evaluator B must declare conflicts of interest for each bidder." in unmet
    )
    from tests.integration.evaluation_world import sign_and_declare

    for member in evaluation.evaluators:
        sign_and_declare(member)
    assert unmet_conditions(db.session, procurement, "evaluation", now, only=GATES) == []
    unmet = unmet_conditions(db.session, procurement, "moderation", now, only=GATES)
    assert unmet == [
        "Evaluator A has not submitted 18 of 18 scores.",
        "Evaluator B has not submitted 18 of 18 scores.",
    ]
    _submit_all(evaluation)
    assert unmet_conditions(db.session, procurement, "moderation", now, only=GATES) == []
    procurement.stage = "moderation"
    sign_and_declare(evaluation.moderator)
    db.session.commit()
    unmet = unmet_conditions(db.session, procurement, "standstill", now, only=GATES)
    assert any(
        s.startswith(
            "Agree consensus scores with a rationale for Harbour Light Housing Trust on Q1"
        )
        for s in unmet
    )
    assert any(
        s.startswith("Record pass or fail for Harbour Light Housing Trust on PF1") for s in unmet
    )
    sign_in_as(client, evaluation.moderator.user)
    client.post(
        "/evaluations/EVAL-1/queries", data={"question": "Check the insurance certificate."}
    )
    for bid in evaluation.bids:
        for criterion in ALL:
            client.post(
                f"/evaluations/EVAL-1/moderation/{criterion}",
                data={f"score-{bid.id}": "3", f"rationale-{bid.id}": "Agreed."},
            )
    answers = {}
    for bid in evaluation.bids:
        for question in ("PF1", "PF2", "PF3", "PF4"):
            answers[f"pf-{bid.id}-{question}"] = "pass"
    client.post("/evaluations/EVAL-1/pass-fail", data=answers)
    assert unmet_conditions(db.session, procurement, "standstill", now, only=GATES) == [
        "Resolve 1 open moderation query."
    ]
    query = db.session.scalar(select(ModerationQuery))
    client.post(f"/evaluations/EVAL-1/queries/{query.id}", data={"resolution": "Seen."})
    db.session.expire_all()
    assert unmet_conditions(db.session, procurement, "standstill", now, only=GATES) == []


def test_a_fail_needs_a_note(client: Any, make_user: Any) -> None:
    evaluation = _in_moderation(make_user)
    sign_in_as(client, evaluation.lead)
    bid = evaluation.bids[0]
    page = client.post("/evaluations/EVAL-1/pass-fail", data={f"pf-{bid.id}-PF2": "fail"})
    assert "Enter why Harbour Light Housing Trust fails Insurance" in page.get_data(as_text=True)
    client.post(
        "/evaluations/EVAL-1/pass-fail",
        data={f"pf-{bid.id}-PF2": "fail", f"note-{bid.id}-PF2": "No public liability cover."},
    )
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert "Insurance" in page or "PF2" in page


def test_each_lot_is_scored_and_ranked_on_its_own(client: Any, make_user: Any) -> None:
    from decimal import Decimal

    from tenderflow.models import Bid, Bidder, Lot
    from tenderflow.services.evaluation import bid_label

    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    procurement = evaluation.procurement
    east = Lot(procurement_id=procurement.id, number=1, title="East")
    west = Lot(procurement_id=procurement.id, number=2, title="West")
    db.session.add_all([east, west])
    db.session.flush()
    for bid in evaluation.bids:
        bid.lot_id = east.id
    # The same bidder bids for the west lot too, against a newcomer.
    harbour = evaluation.bid("Harbour Light Housing Trust").bidder
    newcomer = Bidder(
        procurement_id=procurement.id, name="West Kent Newcomer", registered_at=clock.now()
    )
    for bidder, price in ((harbour, "80000"), (newcomer, "85000")):
        db.session.add(
            Bid(
                procurement_id=procurement.id,
                bidder=bidder,
                lot_id=west.id,
                received_at=clock.now(),
                price=Decimal(price),
                opened_at=clock.now(),
            )
        )
    db.session.commit()
    from tests.integration.evaluation_world import sign_and_declare

    for member in evaluation.evaluators:
        sign_and_declare(member)
        rows: list[tuple[int, dict[str, Any]]] = []
        for bid in scoring.work_of(db.session, member).bids:  # type: ignore[union-attr]
            for criterion in ALL:
                row = {
                    "bidder": bid_label(bid),
                    "criterion": criterion,
                    "score": 3,
                    "comment": "Ok.",
                }
                rows.append((len(rows), row))
        assert len(rows) == 5 * len(ALL)
        scoring.save_scores(db.session, member, "test", rows, clock.now())
        scoring.submit_scores(db.session, member, clock.now())
    procurement.stage = "moderation"
    sign_and_declare(evaluation.moderator)  # again, for the new bidder
    db.session.commit()
    sign_in_as(client, evaluation.moderator.user)
    page = client.get("/evaluations/EVAL-1/moderation").get_data(as_text=True)
    assert "Harbour Light Housing Trust (lot 1)" in page
    assert "Harbour Light Housing Trust (lot 2)" in page
    page = client.get("/evaluations/EVAL-1/results").get_data(as_text=True)
    assert "Lot 1: East" in page and "Lot 2: West" in page
    assert "Highest-ranked bid: <strong>Harbour Light Housing Trust</strong>" in page


def test_a_moderator_signs_and_declares_before_seeing_any_score(
    client: Any, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user, assignments=(ALL, ALL))
    _submit_all(evaluation)
    evaluation.procurement.stage = "moderation"
    evaluation.moderator.confidentiality_signed_at = None
    db.session.commit()
    sign_in_as(client, evaluation.moderator.user)
    response = client.get("/evaluations/EVAL-1/moderation")
    assert response.status_code == 302
    assert "Evaluator A on" not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/evaluations/EVAL-1/moderation/Q1").status_code == 302


def test_a_moderators_declared_conflict_removes_them_from_that_bidder(
    client: Any, make_user: Any
) -> None:
    import pytest

    from tenderflow.services import ServiceError
    from tenderflow.services.evaluation import moderation
    from tests.integration.evaluation_world import sign_and_declare

    evaluation = _in_moderation(make_user)
    sign_and_declare(evaluation.moderator, conflicted=("Riverside Care Co-operative",))
    db.session.commit()
    riverside = evaluation.bid("Riverside Care Co-operative")
    sign_in_as(client, evaluation.moderator.user)

    page = client.get("/evaluations/EVAL-1/moderation").get_data(as_text=True)
    assert "Riverside Care Co-operative" not in page
    assert "Harbour Light Housing Trust" in page
    assert "1 bid is not shown because you declared a conflict with the bidder" in page
    assert "0 of 12 consensus scores agreed; 0 flagged" in page
    for path in ("/moderation/Q1", "/pass-fail", "/queries"):
        page = client.get("/evaluations/EVAL-1" + path).get_data(as_text=True)
        assert "Riverside Care Co-operative" not in page, path

    # Posting the form for the hidden bid, or calling the service, records nothing.
    client.post(
        "/evaluations/EVAL-1/moderation/Q1",
        data={f"score-{riverside.id}": "3", f"rationale-{riverside.id}": "Agreed."},
    )
    client.post("/evaluations/EVAL-1/pass-fail", data={f"pf-{riverside.id}-PF1": "pass"})
    with pytest.raises(ServiceError) as refused:
        moderation.record_consensus(
            db.session,
            evaluation.procurement,
            riverside,
            "Q1",
            "3",
            "Agreed.",
            evaluation.moderator.user,
            clock.now(),
        )
    assert (
        "You declared a conflict with Riverside Care Co-operative" in refused.value.errors["score"]
    )
    with pytest.raises(ServiceError):
        moderation.record_pass_fail(
            db.session,
            evaluation.procurement,
            {(riverside.id, "PF1"): ("pass", "")},
            evaluation.moderator.user,
            clock.now(),
        )
    db.session.rollback()
    assert db.session.scalar(select(ConsensusScore)) is None
    unmet = unmet_conditions(
        db.session, evaluation.procurement, "standstill", clock.now(), only=GATES
    )
    assert any("Riverside Care Co-operative on Q1" in line for line in unmet)

    # An administrator, who has no conflict, agrees the withheld bid's scores.
    sign_in_as(client, make_user(Role.ADMIN))
    page = client.get("/evaluations/EVAL-1/moderation").get_data(as_text=True)
    assert "Riverside Care Co-operative" in page and "not shown" not in page
    client.post(
        "/evaluations/EVAL-1/moderation/Q1",
        data={f"score-{riverside.id}": "3", f"rationale-{riverside.id}": "Agreed by the panel."},
    )
    consensus = db.session.scalar(select(ConsensusScore))
    assert consensus is not None and consensus.bid_id == riverside.id


def test_a_moderator_who_agreed_a_bids_scores_cannot_then_declare_a_conflict_with_it(
    make_user: Any,
) -> None:
    import pytest

    from tenderflow.services import ServiceError
    from tenderflow.services.evaluation import moderation
    from tests.integration.evaluation_world import sign_and_declare

    evaluation = _in_moderation(make_user)
    riverside = evaluation.bid("Riverside Care Co-operative")
    moderation.record_consensus(
        db.session,
        evaluation.procurement,
        riverside,
        "Q1",
        "3",
        "Agreed.",
        evaluation.moderator.user,
        clock.now(),
    )
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        sign_and_declare(evaluation.moderator, conflicted=("Riverside Care Co-operative",))
    assert refused.value.errors["conflicts"] == (
        "You have agreed consensus scores for this bidder: tell the procurement lead"
    )
    db.session.rollback()
    # Nothing changed: no conflict recorded, the agreed score stands.
    db.session.expire_all()
    assert not any(c.conflicted for c in evaluation.moderator.conflicts)
    assert db.session.scalar(select(ConsensusScore.score)) == 3
