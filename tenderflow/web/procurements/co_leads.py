"""Who may see a procurement's bids and results: the lead adds co-leads and asks the
commissioning body for approval, which opens the results and papers to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.extensions import db
from tenderflow.models import Procurement, User
from tenderflow.services import need_to_know, users
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import ActionForm, optional_int
from tenderflow.web.procurements import page as procurement_page

bp = Blueprint("need_to_know", __name__, url_prefix="/procurements/<reference>")


class CoLeadForm(FlaskForm):
    user_id = SelectField(
        "Add a co-lead",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[InputRequired("Select a procurement lead to add")],
    )
    submit = SubmitField("Add the co-lead", widget=GovSubmitInput())


def _candidates(procurement: Procurement) -> list[User]:
    taken = {procurement.lead_id} | {
        row.user_id for row in need_to_know.co_leads(db.session, procurement)
    }
    return [
        u
        for u in users.users_with_role(db.session, Role.PROCUREMENT_LEAD)
        if u.active and u.id not in taken
    ]


def _co_lead_form(procurement: Procurement) -> CoLeadForm:
    form = CoLeadForm()
    form.user_id.choices = [("", "Select a procurement lead")] + [
        (u.id, u.name) for u in _candidates(procurement)
    ]
    return form


@procurement_page.section(15, "procurements/_need_to_know.html")
def need_to_know_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """Co-leads and the request for approval, for those who run the procurement."""
    if not user.has_role(*PROCUREMENT_READERS):
        return None
    asked = need_to_know.approval_request(db.session, procurement)
    return {
        "procurement": procurement,
        "co_leads": need_to_know.co_leads(db.session, procurement),
        "manages_co_leads": need_to_know.may_manage_co_leads(procurement, user),
        "form": _co_lead_form(procurement),
        "action": ActionForm(),
        "asked": asked,
    }


def _back_to(procurement: Procurement) -> str:
    return url_for("procurements.show", reference=procurement.reference) + "#need-to-know"


@bp.route("/co-leads", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def add_co_lead(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    if not need_to_know.may_manage_co_leads(procurement, current_user):
        abort(403)
    form = _co_lead_form(procurement)
    if not form.validate_on_submit():
        flash(" ".join(form.user_id.errors) or "Select a procurement lead to add", "error")
        return redirect(_back_to(procurement))
    return kit.act(
        lambda: need_to_know.add_co_lead(
            db.session,
            procurement,
            db.session.get(User, form.user_id.data),
            current_user,
            clock.now(),
        ),
        message=lambda row: f"{row.user.name} is a co-lead of this procurement.",
        to=_back_to(procurement),
        explain=kit.every_error,
    )


@bp.route("/co-leads/<int:co_lead_id>/remove", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def remove_co_lead(reference: str, co_lead_id: int) -> Any:
    procurement = kit.procurement_or_404(reference)
    if not need_to_know.may_manage_co_leads(procurement, current_user):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    _, refused = kit.attempt(
        lambda: need_to_know.remove_co_lead(db.session, procurement, co_lead_id)
    )
    if refused is not None:
        abort(404)
    flash("The co-lead is removed.", "success")
    return redirect(_back_to(procurement))
