"""The evaluation section of the procurement page: the reader's next step, with links."""

from __future__ import annotations

from typing import Any

from tenderflow import clock
from tenderflow.domain.evaluation.panel import moderation_open
from tenderflow.extensions import db
from tenderflow.models import Procurement, User
from tenderflow.services import need_to_know
from tenderflow.services.evaluation import current_model, member_of
from tenderflow.services.evaluation.moderation import open_queries
from tenderflow.services.evaluation.scoring import panel_summary
from tenderflow.web.kit import runs
from tenderflow.web.procurements.page import section


@section(30, "evaluation/_section.html")
def evaluation_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """What the lead, moderator or commissioning body does next on the evaluation."""
    lead = runs(procurement, user)
    member = None if lead else member_of(db.session, procurement, user)
    results = need_to_know.may_see_results(db.session, user, procurement, clock.now())
    if not lead and member is None and not results:
        return None
    shown: dict[str, Any] = {
        "lead": lead,
        "member": member,
        "moderation_open": moderation_open(procurement.stage),
        "results": results,
    }
    if lead:  # only the lead sees the model, the panel's progress and the open queries
        found = current_model(db.session, procurement)
        panel = panel_summary(db.session, procurement)
        shown |= {
            "version": found[0] if found else None,
            "model": found[1] if found else None,
            "evaluators": panel.evaluators,
            "signed": panel.signed,
            "finished": panel.finished,
            "open_queries": (
                len(open_queries(db.session, procurement))
                if found and shown["moderation_open"]
                else 0
            ),
        }
    return shown
