"""The demonstration data covers every route and loads only once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from tenderflow.demo import DEMO_USERS, load_demo
from tenderflow.domain.vocabulary import ROUTE_LABELS
from tenderflow.extensions import db
from tenderflow.models import Procurement, User


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
