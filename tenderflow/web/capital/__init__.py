"""Capital-bid rounds on the web, one module per journey.

``rounds``: administrators open and watch rounds. ``schemes``: district council officers put
their schemes forward. ``review``: the partnership checks and the SP team scores.
``decisions``: the priority list, the commissioning body's decisions and the pipeline.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalRound, CapitalScheme
from tenderflow.services.capital import visible_scheme
from tenderflow.web import navigation

bp = Blueprint("capital", __name__, url_prefix="/capital")

navigation.register(
    "Capital bids",
    "capital.district_home",
    {Role.DISTRICT_OFFICER},
    30,
    also_for=(
        "capital.new_scheme",
        "capital.edit_scheme",
        "capital.submit_scheme",
        "capital.documents",
        "capital.import_schemes",
    ),
)
navigation.register(
    "Capital rounds",
    "capital.rounds",
    {Role.ADMIN},
    40,
    also_for=("capital.new_round", "capital.round"),
)
navigation.register(
    "Scheme checks",
    "capital.checks",
    {Role.PARTNERSHIP_OFFICER},
    41,
    also_for=("capital.check_scheme",),
)
navigation.register(
    "Scoring",
    "capital.scoring",
    {Role.SP_SCORER},
    42,
    also_for=("capital.score_scheme", "capital.agree"),
)
navigation.register(
    "Priority list",
    "capital.latest_priority_list",
    {Role.COMMISSIONING_BODY, Role.SP_SCORER, Role.ADMIN},
    43,
    also_for=("capital.priority_list", "capital.decide"),
)
navigation.register(
    "Pipeline",
    "capital.pipeline",
    {Role.COMMISSIONING_BODY, Role.SP_SCORER, Role.ADMIN},
    44,
    also_for=("capital.review_scheme",),
)


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons and generated forms."""


def posted() -> bool:
    """Say whether this is a POST with a valid CSRF token; refuse a POST without one."""
    if request.method != "POST":
        return False
    if not ActionForm().validate_on_submit():
        abort(400)
    return True


def round_or_404(round_id: int) -> CapitalRound:
    """Return the round, or answer 404."""
    found = db.session.get(CapitalRound, round_id)
    if found is None:
        abort(404)
    return found


def scheme_or_404(scheme_id: int) -> CapitalScheme:
    """Return a scheme the signed-in user may see, or answer 404 (never saying which)."""
    found = visible_scheme(db.session, current_user, scheme_id)
    if found is None:
        abort(404)
    return found


def status_tag(labels: dict[str, tuple[str, str]], status: str) -> Markup:
    """Return a GOV.UK tag for a status."""
    text, classes = labels.get(status, (status, "govuk-tag--grey"))
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(classes, text)


@bp.app_template_global()
def scheme_tag(status: str) -> Markup:
    return status_tag(st.SCHEME_LABELS, status)


@bp.app_template_global()
def round_tag(status: str) -> Markup:
    return status_tag(st.ROUND_LABELS, status)


@bp.app_template_filter()
def decision_label(outcome: str | None) -> str:
    return st.DECISION_LABELS.get(outcome or "", outcome or "")


def context(**values: Any) -> dict[str, Any]:
    """Return what every capital page needs beside its own values."""
    return {"st": st, "Role": Role, **values}


# The journeys add their routes to ``bp``.
from tenderflow.web.capital import decisions, review, rounds, schemes  # noqa: E402,F401
