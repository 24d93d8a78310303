"""Changing and ending a contract: modifications (s.74) with their UK10, extensions the
commissioning body decides, and termination with its UK11."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderflow import clock
from tenderflow.domain.contract_changes import GROUNDS
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_gbp, parse_money
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ContractChange
from tenderflow.services import contract_changes
from tenderflow.web import navigation
from tenderflow.web.access import allow
from tenderflow.web.contract_management import _form_page, _managed, _saved
from tenderflow.web.contracts import MANAGERS
from tenderflow.web.forms import GovDateField

bp = Blueprint("contract_changes", __name__)

BODY = (Role.COMMISSIONING_BODY, Role.ADMIN)

navigation.register(
    "Contract decisions", "contract_changes.decisions", {Role.COMMISSIONING_BODY}, order=36
)


def _show(reference: str) -> Any:
    return redirect(url_for("contracts.show", reference=reference) + "#changes")


class ModificationForm(FlaskForm):
    description = TextAreaField(
        "What changes",
        widget=GovTextArea(),
        validators=[InputRequired("Describe the modification")],
    )
    ground = RadioField(
        "Which ground permits it (Procurement Act 2023, section 74)?",
        choices=list(GROUNDS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the ground that permits the modification")],
    )
    value_change = StringField(
        "Change in value, in pounds (optional)",
        description="For example 45000, or -20000 for a reduction",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    new_end_date = GovDateField(
        "New end date (optional)",
        invalid="New end date must be a real date",
        validators=[Optional()],
    )
    effective_on = GovDateField(
        "Date the modification takes effect",
        invalid="Date the modification takes effect must be a real date",
        validators=[InputRequired("Enter the date the modification takes effect")],
    )
    submit = SubmitField("Record the modification", widget=GovSubmitInput())


@bp.route("/contracts/<reference>/modifications/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def modify(reference: str) -> Any:
    contract = _managed(reference, "modify the contract")
    form = ModificationForm()
    if form.validate_on_submit():
        text = (form.value_change.data or "").strip()
        change = None
        try:
            negative = text.startswith("-")
            change = parse_money(text.lstrip("-")) if text else None
            if change is not None and negative:
                change = -change
        except ValueError as exc:
            form.value_change.errors = [str(exc)]
        if not form.value_change.errors and _saved(
            form,
            lambda: contract_changes.record_modification(
                db.session,
                contract,
                form.description.data or "",
                form.ground.data or "",
                change or 0,
                form.new_end_date.data,
                form.effective_on.data,
                current_user,
                clock.now(),
            ),
            "The modification is recorded.",
        ):
            return _show(reference)
    return _form_page(
        form,
        contract,
        "Record a modification",
        f"The contract is worth {format_gbp(contract.value)} and ends on "
        f"{long_date(contract.end_date)}. A contract change notice (UK10) "
        "is worked out from the ground, the change in value and the term.",
    )


class ExtensionForm(FlaskForm):
    description = TextAreaField(
        "The case for extending",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the case for the extension")],
    )
    submit = SubmitField("Ask the commissioning body", widget=GovSubmitInput())


@bp.route("/contracts/<reference>/extensions/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def ask_extension(reference: str) -> Any:
    contract = _managed(reference, "ask for an extension")
    form = ExtensionForm()
    if form.validate_on_submit() and _saved(
        form,
        lambda: contract_changes.ask_for_extension(
            db.session, contract, form.description.data or "", current_user, clock.now()
        ),
        "The commissioning body is asked to decide on the extension.",
    ):
        return _show(reference)
    left = contract_changes.extensions_left(db.session, contract)
    return _form_page(
        form,
        contract,
        "Ask for an extension",
        f"{contract.extension_options or 'No extension options'}. {left} "
        f"{'option' if left == 1 else 'options'} left; the commissioning body decides.",
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        "What did the commissioning body decide?",
        choices=list(contract_changes.EXTENSION_DECISIONS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the commissioning body's decision")],
    )
    decided_on = GovDateField(
        "Date of the decision",
        invalid="Date of the decision must be a real date",
        validators=[InputRequired("Enter the date of the decision")],
    )
    minute_reference = StringField(
        "Minute reference (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=120, message="Enter up to 120 characters")],
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


@bp.route("/contracts/decisions")
@allow(*BODY)
def decisions() -> Any:
    return render_template(
        "contracts/decisions.html",
        asked=contract_changes.asked_of_body(db.session),
        format_gbp=format_gbp,
    )


@bp.route("/contracts/<reference>/extensions/<int:change_id>", methods=["GET", "POST"])
@allow(*BODY, per_object=True)
def decide_extension(reference: str, change_id: int) -> Any:
    change = db.session.get(ContractChange, change_id)
    if (
        change is None
        or change.contract.reference != reference
        or change.kind != "extension"
        or change.status != "asked"
    ):
        abort(404)
    contract = change.contract
    form = DecisionForm()
    if request.method == "GET":
        form.decided_on.data = clock.today()
    if form.validate_on_submit() and _saved(
        form,
        lambda: contract_changes.decide_extension(
            db.session,
            change,
            form.decision.data or "",
            form.decided_on.data,
            form.minute_reference.data or "",
            current_user,
            clock.today(),
        ),
        "The decision is recorded.",
    ):
        return redirect(url_for(".decisions"))
    return render_template(
        "contracts/decide_extension.html",
        form=form,
        contract=contract,
        change=change,
        format_gbp=format_gbp,
    )


class TerminationForm(FlaskForm):
    reason = TextAreaField(
        "Why the contract is ending",
        widget=GovTextArea(),
        validators=[InputRequired("Enter why the contract is ending")],
    )
    ended_on = GovDateField(
        "Date the contract ends",
        invalid="Date the contract ends must be a real date",
        validators=[InputRequired("Enter the date the contract ends")],
    )
    submit = SubmitField("End the contract", widget=GovSubmitInput())


@bp.route("/contracts/<reference>/termination", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def terminate(reference: str) -> Any:
    contract = _managed(reference, "end the contract")
    form = TerminationForm()
    if form.validate_on_submit() and _saved(
        form,
        lambda: contract_changes.terminate(
            db.session,
            contract,
            form.reason.data or "",
            form.ended_on.data,
            current_user,
            clock.now(),
        ),
        "The contract's end is recorded.",
    ):
        return _show(reference)
    return _form_page(
        form,
        contract,
        "End the contract",
        "A contract under the Procurement Act 2023 needs a contract termination notice (UK11) "
        "within 30 days of ending.",
    )


class NoticeForm(FlaskForm):
    notice_id = StringField(
        "Notice ID",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the notice ID"),
            Length(max=60, message="Enter up to 60 characters"),
        ],
    )
    published_on = GovDateField(
        "Date published",
        invalid="Date published must be a real date",
        validators=[InputRequired("Enter the date the notice was published")],
    )
    submit = SubmitField("Record the notice", widget=GovSubmitInput())


@bp.route("/contracts/<reference>/changes/<int:modification_id>/notice", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def notice(reference: str, modification_id: int) -> Any:
    contract = _managed(reference, "record a contract notice")
    change = db.session.get(ContractChange, modification_id)
    if change is None or change.contract_id != contract.id or change.notice_type is None:
        abort(404)
    form = NoticeForm()
    if form.validate_on_submit() and _saved(
        form,
        lambda: contract_changes.record_notice(
            db.session,
            change,
            form.notice_id.data or "",
            form.published_on.data,
            clock.today(),
        ),
        f"The {change.notice_type} notice is recorded.",
    ):
        return _show(reference)
    return _form_page(
        form, contract, f"Record the {change.notice_type} notice", change.notice_reason
    )
