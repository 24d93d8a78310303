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
from tenderflow.services import ServiceError, need_to_know, users
from tenderflow.web import procurement_page
from tenderflow.web.access import allow
from tenderflow.web.bidders import load_procurement

bp = Blueprint("need_to_know", __name__, url_prefix="/procurements/<reference>")

LEADS = (Role.PROCUREMENT_LEAD, Role.ADMIN)


class CoLeadForm(FlaskForm):
    user_id = SelectField(
        "Add a co-lead",
        coerce=lambda value: int(value) if value not in (None, "") else None,
        widget=GovSelect(),
        validators=[InputRequired("Select a procurement lead to add")],
    )
    submit = SubmitField("Add the co-lead", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    pass


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


def _back(procurement: Procurement) -> Any:
    return redirect(url_for("procurements.show", reference=procurement.reference) + "#need-to-know")


@bp.route("/co-leads", methods=["POST"])
@allow(*LEADS, per_object=True)
def add_co_lead(reference: str) -> Any:
    procurement = load_procurement(reference)
    if not need_to_know.may_manage_co_leads(procurement, current_user):
        abort(403)
    form = _co_lead_form(procurement)
    if not form.validate_on_submit():
        flash(" ".join(form.user_id.errors) or "Select a procurement lead to add", "error")
        return _back(procurement)
    try:
        row = need_to_know.add_co_lead(
            db.session,
            procurement,
            db.session.get(User, form.user_id.data),
            current_user,
            clock.now(),
        )
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()) or str(exc), "error")
        return _back(procurement)
    db.session.commit()
    flash(f"{row.user.name} is a co-lead of this procurement.", "success")
    return _back(procurement)


@bp.route("/co-leads/<int:co_lead_id>/remove", methods=["POST"])
@allow(*LEADS, per_object=True)
def remove_co_lead(reference: str, co_lead_id: int) -> Any:
    procurement = load_procurement(reference)
    if not need_to_know.may_manage_co_leads(procurement, current_user):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        need_to_know.remove_co_lead(db.session, procurement, co_lead_id)
    except ServiceError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash("The co-lead is removed.", "success")
    return _back(procurement)
    db.session.commit()
    flash(
        "The commissioning body is asked for approval. Its members now see the results and papers.",
        "success",
    )
    return _back(procurement)
