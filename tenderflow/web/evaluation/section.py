"""The evaluation section of the procurement page: the reader's next step, with links."""

from __future__ import annotations

from typing import Any

from tenderflow import clock
from tenderflow.domain.evaluation.panel import moderation_open
from tenderflow.extensions import db
from tenderflow.models import Procurement, User
from tenderflow.services import need_to_know
from tenderflow.services.evaluation import current_model, member_of, panel_of
from tenderflow.services.evaluation.moderation import open_queries
from tenderflow.services.evaluation.scoring import progress_of_panel
from tenderflow.web.kit import runs
from tenderflow.web.procurements.page import section


@section(30, "evaluation/_section.html")
def evaluation_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """What the lead, moderator or commissioning body does next on the evaluation."""
    found = current_model(db.session, procurement)
    member = member_of(db.session, procurement, user)
    lead = runs(procurement, user)
    results = need_to_know.may_see_results(db.session, user, procurement, clock.now())
    if not lead and member is None and not results:
        return None
    members = panel_of(db.session, procurement)
    evaluators = [m for m in members if m.role == "evaluator"]
    progress = progress_of_panel(db.session, members)
    finished = sum(1 for m in evaluators if progress[m.id].finished)
    return {
        "lead": lead,
        "member": member,
        "version": found[0] if found else None,
        "model": found[1] if found else None,
        "evaluators": len(evaluators),
        "finished": finished,
        "signed": sum(1 for m in evaluators if m.ready),
        "moderation_open": moderation_open(procurement.stage),
        "open_queries": len(open_queries(db.session, procurement)),
        "results": results,
    }
