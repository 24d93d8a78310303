"""The procurement plan, expressions of interest, selection, the shortlist and the ITT."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
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
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.services.bidding import bidders, plans
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import ActionForm, WhenForm, render_form
from tenderflow.web.forms import GovDateField

bp = Blueprint("bidders", __name__, url_prefix="/procurements/<reference>")


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


@bp.route("/plan")
@allow(*PROCUREMENT_READERS)
def plan(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    return render_template(
        "bidding/plan.html",
        procurement=procurement,
        plan=plans.plan_for(db.session, procurement),
        sections=plans.PLAN_SECTIONS,
        can_manage=kit.runs(procurement),
        action=ActionForm(),
    )


@bp.route("/plan/edit", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def edit_plan(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = PlanForm()
    if request.method == "GET":
        existing = plans.PlanInput.from_plan(plans.plan_for(db.session, procurement))
        for name, value in vars(existing).items():
            getattr(form, name).data = value
    if form.validate_on_submit():
        data = plans.PlanInput(
            **{name: getattr(form, name).data or "" for name in vars(plans.PlanInput())}
        )
        done = kit.save(
            form,
            lambda: plans.save_plan(db.session, procurement, data, current_user, clock.now()),
            message="The procurement plan has been saved.",
            to=url_for("bidders.plan", reference=reference),
        )
        if done is not None:
            return done
    return render_form(
        procurement,
        form,
        "Procurement plan",
        url_for("bidders.plan", reference=reference),
        intro="Write each part of the plan. Changing an agreed plan means agreeing it again.",
    )


@bp.route("/plan/agree", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def agree_plan(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    return kit.act(
        lambda: plans.agree_plan(db.session, procurement, current_user, clock.now()),
        message="The procurement plan is agreed.",
        to=url_for("bidders.plan", reference=reference),
        explain=kit.every_error,
    )


# Bidders: expressions of interest, selection and the shortlist


@bp.route("/bidders")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    field = bidders.tender_field(db.session, procurement)
    return render_template(
        "bidding/bidders.html",
        procurement=procurement,
        bidders=bidders.bidders_of(db.session, procurement),
        quotes=bidders.asks_for_quotes(procurement),
        has_eoi=bidders.has_eoi(procurement),
        direct=bidders.asks_directly(procurement),
        field=field,
        can_manage=kit.runs(procurement),
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
@allow(*kit.RUNNERS, per_object=True)
def new_bidder(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
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
            done = kit.save(
                form,
                lambda: bidders.add_bidder(db.session, procurement, data, clock.now()),
                message=lambda bidder: f"{bidder.name} has been added.",
                to=url_for("bidders.index", reference=reference),
                fields={"registered_at": "registered_on"},
            )
            if done is not None:
                return done
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
@allow(*kit.RUNNERS, per_object=True)
def selection(reference: str, bidder_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    bidder = bidders.get_bidder(db.session, procurement, bidder_id)
    if bidder is None:
        abort(404)
    form = SelectionForm()
    if request.method == "GET" and bidder.selection != "pending":
        form.result.data = bidder.selection
        form.note.data = bidder.selection_note
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: bidders.record_selection(
                db.session, bidder, form.result.data or "", form.note.data or ""
            ),
            message=f"Selection result for {bidder.name} saved.",
            to=url_for("bidders.index", reference=reference),
        )
        if done is not None:
            return done
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
@allow(*kit.RUNNERS, per_object=True)
def shortlist(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    everyone = bidders.bidders_of(db.session, procurement)
    form = ShortlistForm()
    form.bidders.choices = [(b.id, b.name) for b in everyone if b.selection == "passed"]
    if request.method == "GET":
        form.bidders.data = [b.id for b in everyone if b.shortlisted]
        field = bidders.tender_field(db.session, procurement)
        form.fewer_reason.data = field.fewer_candidates_reason if field else ""
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: bidders.set_shortlist(
                db.session,
                procurement,
                set(form.bidders.data or []),
                form.fewer_reason.data or "",
                current_user,
                clock.now(),
            ),
            message=lambda chosen: (
                f"Shortlist saved: {len(chosen)} organisation{'s' if len(chosen) != 1 else ''}."
            ),
            to=url_for("bidders.index", reference=reference),
        )
        if done is not None:
            return done
    minimum = procurement.min_candidates
    if bidders.asks_directly(procurement):
        form.bidders.label.text = "Suppliers asked to quote or tender"
        form.fewer_reason.label.text = "Why fewer suppliers are asked than the route asks for"
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
@allow(*kit.RUNNERS, per_object=True)
def issue_itt(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = IttForm()
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: bidders.issue_itt(
                db.session,
                procurement,
                advertised=form.how.data == "advertised",
                advert_reference=form.advert_reference.data or "",
                user=current_user,
                now=clock.now(),
            ),
            message=lambda invited: (
                f"Invitation to tender recorded: {invited} organisation"
                f"{'s' if invited != 1 else ''} invited."
            ),
            to=url_for("bidders.index", reference=reference),
        )
        if done is not None:
            return done
    return render_form(
        procurement,
        form,
        "Issue the invitation to tender",
        url_for("bidders.index", reference=reference),
    )
