"""The capital-bid demonstration: a decided round and an open one, loaded once."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tenderflow.demo import load_demo
from tenderflow.domain.capital import statuses as st
from tenderflow.extensions import db
from tenderflow.models import CapitalDecision, CapitalRound, CapitalScheme


def test_the_demo_has_a_decided_round_and_an_open_one_with_schemes_in_every_state(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 16))
    db.session.commit()
    rounds = {r.status: r for r in db.session.scalars(select(CapitalRound))}
    assert set(rounds) == {st.ROUND_COMPLETE, st.ROUND_OPEN}
    assert rounds[st.ROUND_COMPLETE].priority_list is not None
    statuses = Counter(s.status for s in rounds[st.ROUND_OPEN].schemes)
    assert statuses == {st.DRAFT: 1, st.SUBMITTED: 1, st.RETURNED: 1, st.ACCEPTED: 1, st.SCORED: 2}
    districts = {s.district.name for s in db.session.scalars(select(CapitalScheme))}
    assert districts == {"Fenland", "Huntingdonshire"}
    outcomes = sorted(d.outcome for d in db.session.scalars(select(CapitalDecision)))
    assert outcomes == ["approved", "deferred", "rejected"]


def test_loading_the_demo_twice_adds_no_second_set_of_rounds(app: Any) -> None:
    load_demo(db.session, date(2026, 11, 16))
    load_demo(db.session, date(2026, 11, 16))
    db.session.commit()
    assert db.session.scalar(select(func.count(CapitalRound.id))) == 2
