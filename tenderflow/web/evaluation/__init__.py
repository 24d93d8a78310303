"""Evaluation panels on the web, one module per journey.

``setup``: the lead chooses and publishes the model, builds the panel and records pass/fail.
``scoring``: panel members sign, declare conflicts, score (in the browser or a workbook) and
submit. ``moderation``: the moderator compares scores, agrees consensus and tracks queries;
the results page.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import PanelMember, Procurement
from tenderflow.services.evaluation import bid_label, member_of
from tenderflow.web import navigation
from tenderflow.web.need_to_know import refuse

bp = Blueprint("evaluation", __name__, url_prefix="/evaluations")
bp.add_app_template_filter(bid_label, "bid_label")

navigation.register(
    "Evaluations",
    "evaluation.mine",
    {Role.EVALUATOR, Role.MODERATOR},
    25,
    also_for=("evaluation.",),
)

# Who reaches a procurement's evaluation pages at all; each view checks the person further.
PANEL_ROLES = (Role.ADMIN, Role.PROCUREMENT_LEAD, Role.EVALUATOR, Role.MODERATOR)
LEAD_ROLES = (Role.ADMIN, Role.PROCUREMENT_LEAD)


def panel_member_or_403(procurement: Procurement, role: str | None = None) -> PanelMember:
    """Return the signed-in user's place on the panel.

    Anyone not on the panel has no need to know the procurement's evaluation: 404, audited.
    A panel member in the wrong part of the panel (a moderator on a scoring page) gets 403.
    """
    member = member_of(db.session, procurement, current_user)
    if member is None:
        refuse(procurement, "see the panel's work", "procurements", procurement.id)
    if role is not None and member.role != role:
        abort(403)
    return member


def moderator_or_404(procurement: Procurement) -> PanelMember | None:
    """Admit the panel's moderators and administrators (who act without a panel place).

    Moderators on other panels, and everyone else, have no need to know: 404, audited.
    """
    member = member_of(db.session, procurement, current_user)
    if member is not None and member.role == "moderator":
        return member
    if current_user.has_role(Role.ADMIN):
        return None
    refuse(procurement, "see the moderation", "procurements", procurement.id)


from tenderflow.web.evaluation import (  # noqa: E402,F401
    moderation,
    scoring,
    section,  # noqa: E402,F401
    setup,
)
