"""Demonstration procurements far along their life, and some just started: one module each.

The Kent domestic abuse service (East and West Kent lots) and the Great Yarmouth floating
support re-tender have reached standstill with a full record behind them (see
:mod:`~tenderflow.demo.histories.standstill`). Two smaller procurements are at ITT, one
advertised with its tender deadline ahead and one with sealed bids, and the user survey is in
evaluation, half scored. Every bidder and person is invented; figures come from the papers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tenderflow.demo.histories import ccc_at_review, ccc_needs, ccc_user_survey
from tenderflow.demo.histories.kcc_idas import KENT
from tenderflow.demo.histories.ncc_gy_fs import YARMOUTH
from tenderflow.demo.histories.standstill import take_to_standstill
from tenderflow.models import User


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Take the far-along demo procurements to standstill and start the others, once."""
    histories = [
        h.reference for h in (KENT, YARMOUTH) if take_to_standstill(session, h, today, people)
    ]
    early = [
        note
        for note in (
            ccc_at_review.load(session, today, people),
            ccc_needs.load(session, today, people),
            ccc_user_survey.load(session, today, people),
        )
        if note
    ]
    session.flush()
    if not histories and not early:
        return ""
    parts = [f"{' and '.join(histories)} at standstill"] if histories else []
    return "; ".join(parts + early)
