"""The procurement plan, expressions of interest, selection, the shortlist and the ITT."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from tenderflow import clock
from tenderflow.domain.bidding import parse_time_of_day
from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.extensions import db
from tenderflow.models import Procurement
from tenderflow.services import ServiceError, bidders, plans
from tenderflow.services import procurements as procurement_service
from tenderflow.web.access import allow
from tenderflow.web.forms import GovDateField, apply_errors

bp = Blueprint("bidders", __name__, url_prefix="/procurements/<reference>")

MANAGERS = (Role.PROCUREMENT_LEAD, Role.ADMIN)


def load_procurement(reference: str) -> Procurement:
    """Return the procurement named in the URL, or answer 404."""
    procurement = procurement_service.get_by_reference(db.session, reference)
    if procurement is None:
        abort(404)
    return procurement


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, or None for the empty choice."""
    return int(value) if value not in (None, "") else None


def can_manage(procurement: Procurement) -> bool:
    """Return whether the signed-in user manages this procurement's bidders, bids and questions."""
    return procurement_service.is_run_by(procurement, current_user)


def managed_or_403(reference: str) -> Procurement:
    """Return the procurement if the signed-in user runs it (its lead or an administrator)."""
    procurement = load_procurement(reference)
    if not can_manage(procurement):
        abort(403)
    return procurement


class WhenForm(FlaskForm):
    """A form with an optional date and time, left blank for now."""

    def instant(self, date_field: GovDateField, time_field: StringField) -> datetime | None:
        """Return the UTC instant entered in the date and time boxes, or None for now."""
        if date_field.data is None:
            if (time_field.data or "").strip():
                date_field.errors = [
                    *date_field.errors,
                    f"Enter the {date_field.label.text.lower()}",
                ]
                raise ValueError
            return None
        text = (time_field.data or "").strip() or "12:00"
        try:
            moment = parse_time_of_day(text)
        except ValueError:
            time_field.errors = [*time_field.errors, "Enter a real time, for example 14:30"]
            raise
        return datetime.combine(date_field.data, moment, clock.LONDON).astimezone(UTC)


def render_form(
    procurement: Procurement, form: FlaskForm, heading: str, back: str, **extra: Any
) -> str:
    """Render a GOV.UK form page for one of this feature's journeys."""
    return render_template(
        extra.pop("template", "bidding/form.html"),
        procurement=procurement,
        form=form,
        heading=heading,
        back_url=back,
        **extra,
    )


# The procurement plan


class PlanForm(FlaskForm):
    client_lead = StringField(
        "Client lead",
        description="Who leads for the service being bought, and their role",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Client lead must be 200 characters or fewer")],
    )
    funding = TextAreaField("Funding", widget=GovTextArea())
    business_objectives = TextAreaField("Business objectives", widget=GovTextArea())
    current_supply = TextAreaField("Current supply arrangements", widget=GovTextArea())
    market_position = TextAreaField("Market position", widget=GovTextArea())
    risks_and_controls = TextAreaField(
        "Risks and controls",
        description="One risk a line with its control, for example TUPE costs: early legal advice",
        widget=GovTextArea(),
    )
    route_options = TextAreaField("Route options and evaluation", widget=GovTextArea())
    value_for_money = TextAreaField("Value for money", widget=GovTextArea())
    route_recommendation = TextAreaField("Procurement route recommendation", widget=GovTextArea())
    resources = TextAreaField("Resources required", widget=GovTextArea())
    reviews_planned = TextAreaField("Reviews planned", widget=GovTextArea())
    submit = SubmitField("Save the plan", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button that only posts (the CSRF token and nothing else)."""


@bp.route("/plan")
@allow(*PROCUREMENT_READERS)
def plan(reference: str) -> Any:
    procurement = load_procurement(reference)
    return render_template(
        "bidding/plan.html",
        procurement=procurement,
        plan=plans.plan_for(db.session, procurement),
        sections=plans.PLAN_SECTIONS,
        can_manage=can_manage(procurement),
        action=ActionForm(),
    )


@bp.route("/plan/edit", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def edit_plan(reference: str) -> Any:
    procurement = managed_or_403(reference)
    form = PlanForm()
    if request.method == "GET":
        existing = plans.PlanInput.from_plan(plans.plan_for(db.session, procurement))
        for name, value in vars(existing).items():
            getattr(form, name).data = value
    if form.validate_on_submit():
        data = plans.PlanInput(
            **{name: getattr(form, name).data or "" for name in vars(plans.PlanInput())}
        )
        plans.save_plan(db.session, procurement, data, current_user, clock.now())
        db.session.commit()
        flash("The procurement plan has been saved.", "success")
        return redirect(url_for("bidders.plan", reference=reference))
    return render_form(
        procurement,
        form,
        "Procurement plan",
        url_for("bidders.plan", reference=reference),
        intro="Write each part of the plan. Changing an agreed plan means agreeing it again.",
    )


@bp.route("/plan/agree", methods=["POST"])
@allow(*MANAGERS, per_object=True)
def agree_plan(reference: str) -> Any:
    procurement = managed_or_403(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        plans.agree_plan(db.session, procurement, current_user, clock.now())
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()) or str(exc), "error")
    else:
        db.session.commit()
        flash("The procurement plan is agreed.", "success")
    return redirect(url_for("bidders.plan", reference=reference))


# Bidders: expressions of interest, selection and the shortlist


@bp.route("/bidders")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    procurement = load_procurement(reference)
    field = bidders.tender_field(db.session, procurement)
    return render_template(
        "bidding/bidders.html",
        procurement=procurement,
        bidders=bidders.bidders_of(db.session, procurement),
        quotes=bidders.asks_for_quotes(procurement),
        has_eoi=bidders.has_eoi(procurement),
        direct=bidders.asks_directly(procurement),
        field=field,
        can_manage=can_manage(procurement),
        selection_label=bidders.selection_label,
    )


class BidderForm(WhenForm):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the organisation's name"),
            Length(max=200, message="Organisation name must be 200 characters or fewer"),
        ],
    )
    contact_name = StringField(
        "Contact name",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Contact name must be 200 characters or fewer"),
        ],
    )
    contact_email = StringField(
        "Contact email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    registered_on = GovDateField(
        "Date interest was registered",
        invalid="Date interest was registered must be a real date",
        description="For example 27 3 2026. Leave blank for now.",
        validators=[Optional()],
    )
    registered_time = StringField(
        "Time interest was registered (optional)",
        description="For example 14:30. Noon if left blank.",
        widget=GovTextInput(),
    )
    submit = SubmitField("Add the organisation", widget=GovSubmitInput())


@bp.route("/bidders/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def new_bidder(reference: str) -> Any:
    procurement = managed_or_403(reference)
    quotes = bidders.asks_for_quotes(procurement)
    form = BidderForm()
    if not quotes and not bidders.has_eoi(procurement):
        form.registered_on.label.text = "Date invited to tender or tender received"
        form.registered_time.label.text = "Time (optional)"
        form.submit.label.text = "Add the supplier"
    if quotes:
        form.registered_on.label.text = "Date asked to quote"
        form.registered_time.label.text = "Time asked to quote (optional)"
        form.submit.label.text = "Add the supplier"
    if form.validate_on_submit():
        try:
            when = form.instant(form.registered_on, form.registered_time)
        except ValueError:
            pass
        else:
            data = bidders.BidderInput(
                name=form.name.data or "",
                contact_name=form.contact_name.data or "",
                contact_email=form.contact_email.data or "",
                registered_at=when,
            )
            try:
                bidder = bidders.add_bidder(db.session, procurement, data, clock.now())
            except ServiceError as exc:
                db.session.rollback()
                apply_errors(
                    form,
                    {
                        ("registered_on" if k == "registered_at" else k): v
                        for k, v in exc.errors.items()
                    },
                )
            else:
                db.session.commit()
                flash(f"{bidder.name} has been added.", "success")
                return redirect(url_for("bidders.index", reference=reference))
    heading = (
        "Add a supplier asked to quote"
        if quotes
        else "Record an expression of interest"
        if bidders.has_eoi(procurement)
        else "Add a supplier"
    )
    return render_form(procurement, form, heading, url_for("bidders.index", reference=reference))


class SelectionForm(FlaskForm):
    result = RadioField(
        "Selection result",
        choices=[("passed", "Passed selection"), ("failed", "Failed selection")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether the organisation passed or failed selection")],
    )
    note = TextAreaField(
        "Note",
        description="The panel's reasons; required when the organisation failed",
        widget=GovTextArea(),
    )
    submit = SubmitField("Save the result", widget=GovSubmitInput())


@bp.route("/bidders/<int:bidder_id>/selection", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def selection(reference: str, bidder_id: int) -> Any:
    procurement = managed_or_403(reference)
    bidder = bidders.get_bidder(db.session, procurement, bidder_id)
    if bidder is None:
        abort(404)
    form = SelectionForm()
    if request.method == "GET" and bidder.selection != "pending":
        form.result.data = bidder.selection
        form.note.data = bidder.selection_note
    if form.validate_on_submit():
        try:
            bidders.record_selection(
                db.session, bidder, form.result.data or "", form.note.data or ""
            )
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(f"Selection result for {bidder.name} saved.", "success")
            return redirect(url_for("bidders.index", reference=reference))
    return render_form(
        procurement,
        form,
        f"Selection: {bidder.name}",
        url_for("bidders.index", reference=reference),
    )


class ShortlistForm(FlaskForm):
    bidders = SelectMultipleField(
        "Organisations to invite to tender",
        coerce=int,
        # The service names any organisation that may not be shortlisted, in plain words.
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    fewer_reason = TextAreaField(
        "Why fewer candidates are shortlisted than the route asks for (if they are)",
        widget=GovTextArea(),
    )
    submit = SubmitField("Save the shortlist", widget=GovSubmitInput())


@bp.route("/shortlist", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def shortlist(reference: str) -> Any:
    procurement = managed_or_403(reference)
    everyone = bidders.bidders_of(db.session, procurement)
    form = ShortlistForm()
    form.bidders.choices = [(b.id, b.name) for b in everyone if b.selection == "passed"]
    if request.method == "GET":
        form.bidders.data = [b.id for b in everyone if b.shortlisted]
        field = bidders.tender_field(db.session, procurement)
        form.fewer_reason.data = field.fewer_candidates_reason if field else ""
    if form.validate_on_submit():
        try:
            chosen = bidders.set_shortlist(
                db.session,
                procurement,
                set(form.bidders.data or []),
                form.fewer_reason.data or "",
                current_user,
                clock.now(),
            )
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(
                f"Shortlist saved: {len(chosen)} organisation{'s' if len(chosen) != 1 else ''}.",
                "success",
            )
            return redirect(url_for("bidders.index", reference=reference))
    minimum = procurement.min_candidates
    if bidders.asks_directly(procurement):
        form.bidders.label.text = "Suppliers asked to quote or tender"
        form.fewer_reason.label.text = (
            "Why fewer suppliers are asked than the route asks for"
        )
        noun, listed = "suppliers", "Untick a supplier who declined to quote."
        heading = "Suppliers asked to quote"
    else:
        noun, listed = "candidates", "Only organisations that passed selection are listed."
        heading = "Shortlist"
    intro = (f"The route asks for at least {minimum} {noun}. " if minimum else "") + listed
    return render_form(
        procurement, form, heading, url_for("bidders.index", reference=reference), intro=intro
    )


class IttForm(FlaskForm):
    how = RadioField(
        "How was the invitation to tender issued?",
        choices=[
            ("shortlist", "Sent to the shortlisted organisations"),
            ("advertised", "Advertised (and sent to any shortlisted organisations)"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select how the invitation to tender was issued")],
    )
    advert_reference = StringField(
        "Where it was advertised",
        description="Only if advertised: for example the Find a Tender notice number",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Advert reference must be 200 characters or fewer")],
    )
    submit = SubmitField("Record the issue", widget=GovSubmitInput())


@bp.route("/itt", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def issue_itt(reference: str) -> Any:
    procurement = managed_or_403(reference)
    form = IttForm()
    if form.validate_on_submit():
        try:
            invited = bidders.issue_itt(
                db.session,
                procurement,
                advertised=form.how.data == "advertised",
                advert_reference=form.advert_reference.data or "",
                user=current_user,
                now=clock.now(),
            )
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(
                f"Invitation to tender recorded: {invited} organisation{'s' if invited != 1 else ''} invited.",
                "success",
            )
            return redirect(url_for("bidders.index", reference=reference))
    return render_form(
        procurement,
        form,
        "Issue the invitation to tender",
        url_for("bidders.index", reference=reference),
    )
