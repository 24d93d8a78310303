"""Results computed from the database: provisional from submitted scores, final from consensus."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tenderflow import clock
from tenderflow.domain.evaluation import model_path
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    Bid,
    Bidder,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorScore,
    PanelMember,
)
from tenderflow.services import procurements
from tenderflow.services.evaluation.results import model_of, results_for
from tests.integration.world import procurement_input

PRICES = {
    "Harbour Light Housing Trust": "90000",
    "Smith & Jones <Ltd>": "100000",
    "Late Co": "50000",
}


def _setup(make_user: Any) -> tuple[Any, EvaluationModelVersion, list[PanelMember], list[Bid]]:
    now = clock.now()
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(reference="RESULTS-1"), lead, now
    )
    version = EvaluationModelVersion(
        procurement_id=procurement.id,
        version=1,
        source="housing-support-60-40",
        yaml_text=model_path("housing-support-60-40").read_text(encoding="utf-8"),
        created_at=now,
        published_at=now,
    )
    db.session.add(version)
    bids = []
    for name, price in PRICES.items():
        bidder = Bidder(procurement_id=procurement.id, name=name, registered_at=now)
        bid = Bid(
            procurement_id=procurement.id,
            bidder=bidder,
            received_at=now + (timedelta(days=1) if name == "Late Co" else timedelta()),
            price=Decimal(price),
            late=name == "Late Co",
        )
        db.session.add(bid)
        bids.append(bid)
    members = [
        PanelMember(procurement_id=procurement.id, user=make_user(Role.EVALUATOR, name=n))
        for n in ("Ann Evaluator", "Ben Evaluator")
    ]
    db.session.add_all(members)
    db.session.flush()
    return procurement, version, members, bids


def _score_everything(
    version: EvaluationModelVersion, members: list[PanelMember], bids: list[Bid]
) -> None:
    model = model_of(version)
    for offset, member in enumerate(members):
        for bid in bids:
            for criterion in model.criteria:
                score = 4 if bid.bidder.name.startswith("Harbour") else 3
                db.session.add(
                    EvaluatorScore(
                        panel_member=member,
                        bid=bid,
                        criterion_id=criterion.id,
                        score=Decimal(score - offset),
                        comment="Evidence from comparable services.",
                        status="submitted",
                        saved_at=clock.now(),
                        submitted_at=clock.now(),
                    )
                )
    db.session.flush()


def test_results_are_provisional_from_submitted_scores_and_leave_out_a_late_bid(
    app: Any, make_user: Any
) -> None:
    procurement, version, members, bids = _setup(make_user)
    _score_everything(version, members, bids)

    results = results_for(db.session, procurement)

    assert results is not None and results.result is not None, results and results.problems
    assert results.provisional
    assert [b.bidder for b in results.result.bidders] == [
        "Harbour Light Housing Trust",
        "Smith & Jones <Ltd>",
    ]
    assert results.result.winner == "Harbour Light Housing Trust"
    criterion = next(iter(results.result.bidders[0].criteria.values()))
    assert criterion.score == 3.5  # the mean of 4 and 3
    assert results.result.sensitivity is not None


def test_consensus_on_every_criterion_makes_the_results_final(app: Any, make_user: Any) -> None:
    procurement, version, members, bids = _setup(make_user)
    _score_everything(version, members, bids)
    for bid in bids[:2]:
        for criterion in model_of(version).criteria:
            score = 2 if bid.bidder.name.startswith("Harbour") else 5
            db.session.add(
                ConsensusScore(
                    bid=bid,
                    criterion_id=criterion.id,
                    score=Decimal(score),
                    rationale="Agreed at moderation.",
                    agreed_at=clock.now(),
                )
            )
    db.session.flush()

    results = results_for(db.session, procurement)

    assert results is not None and results.result is not None
    assert not results.provisional
    assert results.result.winner == "Smith & Jones <Ltd>"


def test_without_scores_the_results_say_what_is_missing(app: Any, make_user: Any) -> None:
    procurement, _, _, _ = _setup(make_user)

    results = results_for(db.session, procurement)

    assert results is not None and results.result is None
    assert "bidder 'Harbour Light Housing Trust' has no scores" in results.problems


# Q1 weight 5 and Q2 weight 55, price 40. Three evaluators each; the evaluators' means are
# thirds. Harbour Light: quality 2/3 + 121/3 = 41, price 40 x 68,150 / 80,000 = 34.075, total
# exactly 75.075. Fenland: quality 40, price 40 x 68,150 / 77,700, total 75.0837. Both publish
# as 75.08, and the model's rule gives the tie to the higher quality score.
THIRDS_MODEL = """\
name: thirds
sections:
  - name: Quality
    criteria:
      - {id: Q1, title: Service model, weight: 5}
      - {id: Q2, title: Staffing, weight: 55}
price: {weight: 40, formula: relative-lowest}
tie_break: higher-quality
"""
THIRDS = {
    "Harbour Light Housing Trust": ("80000", {"Q1": (0, 1, 1), "Q2": (3, 4, 4)}),
    "Fenland Support Partnership": ("77700", {"Q1": (3, 3, 4), "Q2": (3, 3, 4)}),
    "Ouse Valley Care": ("68150", {"Q1": (1, 1, 1), "Q2": (1, 1, 1)}),
}


def _stored_thirds(make_user: Any, yaml_text: str = THIRDS_MODEL) -> Any:
    now = clock.now()
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(reference="RESULTS-3"), lead, now
    )
    db.session.add(
        EvaluationModelVersion(
            procurement_id=procurement.id,
            version=1,
            source="thirds",
            yaml_text=yaml_text,
            created_at=now,
            published_at=now,
        )
    )
    members = [
        PanelMember(procurement_id=procurement.id, user=make_user(Role.EVALUATOR, name=n))
        for n in ("Ann Evaluator", "Ben Evaluator", "Cal Evaluator")
    ]
    for name, (price, given) in THIRDS.items():
        bid = Bid(
            procurement_id=procurement.id,
            bidder=Bidder(procurement_id=procurement.id, name=name, registered_at=now),
            received_at=now,
            price=Decimal(price),
        )
        for criterion, values in given.items():
            for member, value in zip(members, values, strict=True):
                db.session.add(
                    EvaluatorScore(
                        panel_member=member,
                        bid=bid,
                        criterion_id=criterion,
                        score=Decimal(value),
                        comment="Evidence seen.",
                        status="submitted",
                        saved_at=now,
                        submitted_at=now,
                    )
                )
    db.session.flush()
    return procurement


def test_stored_scores_totalling_exactly_75_075_publish_75_08_and_win_the_tie_on_quality(
    app: Any, make_user: Any
) -> None:
    procurement = _stored_thirds(make_user)
    db.session.expire_all()  # read the scores back from the database, as stored

    results = results_for(db.session, procurement)

    assert results is not None and results.result is not None, results and results.problems
    assert [
        (b.bidder, b.rank, b.total, b.quality, b.price_score) for b in results.result.bidders
    ] == [
        ("Harbour Light Housing Trust", 1, Decimal("75.08"), Decimal("41.00"), Decimal("34.08")),
        ("Fenland Support Partnership", 2, Decimal("75.08"), Decimal("40.00"), Decimal("35.08")),
        ("Ouse Valley Care", 3, Decimal("52.00"), Decimal("12.00"), Decimal("40.00")),
    ]
    assert results.result.winner == "Harbour Light Housing Trust"


def test_stored_bids_under_price_per_quality_point_rank_on_the_ratio(
    app: Any, make_user: Any
) -> None:
    procurement = _stored_thirds(
        make_user, THIRDS_MODEL.replace("relative-lowest", "price-per-quality-point")
    )

    results = results_for(db.session, procurement)

    assert results is not None and results.result is not None, results and results.problems
    # £ per point: Fenland 77,700 / 40 = 1,942.50; Harbour Light 80,000 / 41 = 1,951.22;
    # Ouse Valley 68,150 / 12 = 5,679.17.
    assert [
        (b.bidder, b.rank, b.price_per_quality_point, b.total) for b in results.result.bidders
    ] == [
        ("Fenland Support Partnership", 1, Decimal("1942.50"), Decimal("40.00")),
        ("Harbour Light Housing Trust", 2, Decimal("1951.22"), Decimal("41.00")),
        ("Ouse Valley Care", 3, Decimal("5679.17"), Decimal("12.00")),
    ]
