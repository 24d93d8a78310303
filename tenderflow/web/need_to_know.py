"""Need to know on the web: answer 404 to anyone the rule keeps out, and audit the attempt;
audit every view of commercial information by those the rule lets in.

404, not 403: a reference or a bid number must reveal nothing to someone with no part in the
procurement. The rule itself is :mod:`tenderflow.services.need_to_know`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import request
from flask_login import current_user

from tenderflow import audit, clock
from tenderflow.extensions import db
from tenderflow.models import Bid, Procurement
from tenderflow.services import need_to_know
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web.kit import refuse_404


def refuse(procurement: Procurement, attempt: str, entity: str, entity_id: Any) -> NoReturn:
    """Audit the refused attempt, keep the audit row, and answer 404."""
    refuse_404(
        lambda: need_to_know.record_refusal(
            db.session, current_user, procurement, attempt, entity, entity_id
        )
    )


def viewed(procurement: Procurement, attempt: str, entity: str, entity_id: Any) -> None:
    """Audit a view of commercial information: who saw what, and when (GET only; a form that
    then writes is audited by what it writes)."""
    if request.method != "GET":
        return
    with unit_of_work(db.session):
        audit.viewed(db.session, entity, entity_id, f"Viewed: {attempt}"[:500], procurement.id)


def commercial_or_404(procurement: Procurement, attempt: str) -> None:
    """Refuse anyone who may not see the procurement's bids, prices, documents and papers."""
    if not need_to_know.may_see_commercial(db.session, current_user, procurement, clock.now()):
        refuse(procurement, attempt, "procurements", procurement.id)
    viewed(procurement, attempt, "procurements", procurement.id)


def results_or_404(procurement: Procurement) -> None:
    """Refuse anyone who may not see the procurement's evaluation results."""
    if not need_to_know.may_see_results(db.session, current_user, procurement, clock.now()):
        refuse(procurement, "see the evaluation results", "procurements", procurement.id)
    viewed(procurement, "see the evaluation results", "procurements", procurement.id)


def bid_or_404(procurement: Procurement, bid: Bid, attempt: str) -> None:
    """Refuse anyone who may not see this bid, a declared conflict included."""
    if not need_to_know.may_see_bid(db.session, current_user, bid, clock.now()):
        refuse(procurement, attempt, "bids", bid.id)
    viewed(procurement, attempt, "bids", bid.id)


def may_see_commercial(procurement: Procurement) -> bool:
    """Say whether the signed-in person may see the procurement's commercial information."""
    return need_to_know.may_see_commercial(db.session, current_user, procurement, clock.now())
