"""The demonstration data covers every route and loads only once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from tenderflow.demo import DEMO_USERS, load_demo
from tenderflow.domain.vocabulary import ROUTE_LABELS
from tenderflow.extensions import db
from tenderflow.models import Bid, Procurement, User
from tenderflow.services.bidding.deadline import tender_deadline


def test_demo_data_spans_every_route_with_invented_people(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 22))
    db.session.commit()
    routes = set(db.session.scalars(select(Procurement.route)))
    assert routes == set(ROUTE_LABELS)
    kent = db.session.scalar(select(Procurement).where(Procurement.reference == "KCC-IDAS-2026"))
    assert kent is not None
    assert [lot.title.split(" (")[0] for lot in kent.lots] == ["East Kent", "West Kent"]
    assert kent.whole_life_value == 17_500_000
    assert db.session.scalar(select(func.count(User.id))) == len(DEMO_USERS)


def test_loading_the_demo_twice_adds_nothing(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 22))
    db.session.commit()
    first = db.session.scalar(select(func.count(Procurement.id)))
    load_demo(db.session, date(2026, 11, 22))
    db.session.commit()
    assert first is not None and first >= 7
    assert db.session.scalar(select(func.count(Procurement.id))) == first


def test_every_demo_procurement_past_itt_or_standstill_has_passed_the_acts_gates(
    app: Any,
) -> None:
    from tenderflow import clock
    from tenderflow.services.gates import unmet_conditions
    from tenderflow.services.procurements import conflicts

    load_demo(db.session, date(2026, 6, 15))
    db.session.commit()
    reached: dict[str, list[str]] = {"itt": [], "standstill": []}
    for procurement in db.session.scalars(select(Procurement).order_by(Procurement.reference)):
        path = procurement.stages
        for gate in reached:
            if gate in path and path.index(procurement.stage) >= path.index(gate):
                assert (
                    unmet_conditions(
                        db.session,
                        procurement,
                        gate,
                        clock.now(),
                        only="tenderflow.services.procurements.act_gates",
                    )
                    == []
                ), (procurement.reference, gate)
                reached[gate].append(procurement.reference)
    assert {"CCC-NEEDS-2027", "KCC-IDAS-2026", "NCC-GY-FS-2026"} <= set(reached["itt"])
    assert {"KCC-IDAS-2026", "NCC-GY-FS-2026"} <= set(reached["standstill"])
    kent = db.session.scalar(select(Procurement).where(Procurement.reference == "KCC-IDAS-2026"))
    assessment = conflicts.current(db.session, kent)
    assert assessment is not None and assessment.conflicts_found
    assert "Weald Refuge Partnership" in assessment.conflicts


def test_the_demo_stages_follow_each_procedure(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 22))
    db.session.commit()
    found = {p.reference: p for p in db.session.scalars(select(Procurement))}
    # Competitive flexible with a participation stage and a shortlist: an EOI behind them.
    assert found["KCC-IDAS-2026"].stages[:3] == ("planning", "eoi", "itt")
    # Regulated below the threshold under the Act: no EOI, tendering straight after planning.
    review = found["CCC-AT-REVIEW"]
    assert review.stages[:2] == ("planning", "itt") and review.stage == "itt"
    assert found["CCC-NEEDS-2027"].stages[:2] == ("planning", "itt")
    # The direct award: no competition stages, a standstill, and its notice still to record.
    direct = found["CCC-ALARM-DA"]
    assert direct.stages == ("planning", "standstill", "award", "contract")
    assert direct.decision["direct_award"] == "additional-or-repeat"
    assert direct.transparency_notice_published_on is None


def test_every_demo_bid_is_on_time_or_late_as_its_own_tender_deadline_says(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 22))
    db.session.commit()
    checked = 0
    for bid in db.session.scalars(select(Bid)):
        deadline = tender_deadline(db.session, bid.procurement)
        assert deadline is not None, bid.procurement.reference
        assert bid.late == (bid.received_at > deadline), (
            bid.procurement.reference,
            bid.bidder.name,
        )
        if bid.opened_at is not None:
            assert bid.opened_at >= deadline, (bid.procurement.reference, bid.bidder.name)
        checked += 1
    assert checked >= 20
