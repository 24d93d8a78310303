"""Changing and ending a contract: modifications (s.74) with their UK10, extensions the
commissioning body decides, and termination with its UK11."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tenderflow import clock
from tenderflow.domain.contract_changes import GROUNDS
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_gbp, parse_money
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ContractChange
from tenderflow.services import ServiceError
from tenderflow.services.contracts import changes as contract_changes
from tenderflow.web import navigation
from tenderflow.web.access import allow
from tenderflow.web.contracts import MANAGERS, contract_url, saved_or_form
from tenderflow.web.contracts import fields as field
from tenderflow.web.contracts.management import managed
from tenderflow.web.kit import save

bp = Blueprint("contract_changes", __name__)

BODY = (Role.COMMISSIONING_BODY, Role.ADMIN)

navigation.register(
    "Contract decisions", "contract_changes.decisions", {Role.COMMISSIONING_BODY}, order=36
)


def _value_change(text: str) -> Decimal | None:
    """Read a change in value in pounds, "-" first for a reduction; refuse what is not money."""
    try:
        amount = parse_money(text.lstrip("-")) if text else None
    except ValueError as exc:
        raise ServiceError(str(exc), {"value_change": str(exc)}) from exc
    return -amount if amount is not None and text.startswith("-") else amount


class ModificationForm(FlaskForm):
    description = field.area("What changes", "Describe the modification")
    ground = field.choice(
        "Which ground permits it (Procurement Act 2023, section 74)?",
        GROUNDS.items(),
        "Select the ground that permits the modification",
    )
    value_change = field.text(
        "Change in value, in pounds (optional)",
        description="For example 45000, or -20000 for a reduction",
    )
    new_end_date = field.date("New end date (optional)")
    effective_on = field.date(
        "Date the modification takes effect", "Enter the date the modification takes effect"
    )
    submit = field.submit("Record the modification")


@bp.route("/contracts/<reference>/modifications/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def modify(reference: str) -> Any:
    contract = managed(reference, "modify the contract")
    form = ModificationForm()
    return saved_or_form(
        form,
        lambda: contract_changes.record_modification(
            db.session,
            contract,
            form.description.data or "",
            form.ground.data or "",
            _value_change((form.value_change.data or "").strip()) or 0,
            form.new_end_date.data,
            form.effective_on.data,
            current_user,
            clock.now(),
        ),
        message="The modification is recorded.",
        to=contract_url(contract, "#changes"),
        contract=contract,
        heading="Record a modification",
        intro=f"The contract is worth {format_gbp(contract.value)} and ends on "
        f"{long_date(contract.end_date)}. A contract change notice (UK10) "
        "is worked out from the ground, the change in value and the term.",
    )


class ExtensionForm(FlaskForm):
    description = field.area("The case for extending", "Enter the case for the extension")
    submit = field.submit("Ask the commissioning body")


@bp.route("/contracts/<reference>/extensions/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def ask_extension(reference: str) -> Any:
    contract = managed(reference, "ask for an extension")
    form = ExtensionForm()
    left = contract_changes.extensions_left(db.session, contract)
    return saved_or_form(
        form,
        lambda: contract_changes.ask_for_extension(
            db.session, contract, form.description.data or "", current_user, clock.now()
        ),
        message="The commissioning body is asked to decide on the extension.",
        to=contract_url(contract, "#changes"),
        contract=contract,
        heading="Ask for an extension",
        intro=f"{contract.extension_options or 'No extension options'}. {left} "
        f"{'option' if left == 1 else 'options'} left; the commissioning body decides.",
    )


class DecisionForm(FlaskForm):
    decision = field.choice(
        "What did the commissioning body decide?",
        contract_changes.EXTENSION_DECISIONS.items(),
        "Select the commissioning body's decision",
    )
    decided_on = field.date("Date of the decision", "Enter the date of the decision")
    minute_reference = field.text("Minute reference (optional)", max_length=120)
    submit = field.submit("Record the decision")


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
    if form.validate_on_submit() and (
        done := save(
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
            message="The decision is recorded.",
            to=url_for(".decisions"),
        )
    ):
        return done
    return render_template(
        "contracts/decide_extension.html",
        form=form,
        contract=contract,
        change=change,
        format_gbp=format_gbp,
    )


class TerminationForm(FlaskForm):
    reason = field.area("Why the contract is ending", "Enter why the contract is ending")
    ended_on = field.date("Date the contract ends", "Enter the date the contract ends")
    submit = field.submit("End the contract")


@bp.route("/contracts/<reference>/termination", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def terminate(reference: str) -> Any:
    contract = managed(reference, "end the contract")
    form = TerminationForm()
    return saved_or_form(
        form,
        lambda: contract_changes.terminate(
            db.session,
            contract,
            form.reason.data or "",
            form.ended_on.data,
            current_user,
            clock.now(),
        ),
        message="The contract's end is recorded.",
        to=contract_url(contract, "#changes"),
        contract=contract,
        heading="End the contract",
        intro="A contract under the Procurement Act 2023 needs a contract termination notice "
        "(UK11) within 30 days of ending.",
    )


class NoticeForm(FlaskForm):
    notice_id = field.text("Notice ID", "Enter the notice ID", max_length=60)
    published_on = field.date("Date published", "Enter the date the notice was published")
    submit = field.submit("Record the notice")


@bp.route("/contracts/<reference>/changes/<int:modification_id>/notice", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def notice(reference: str, modification_id: int) -> Any:
    contract = managed(reference, "record a contract notice")
    change = db.session.get(ContractChange, modification_id)
    if change is None or change.contract_id != contract.id or change.notice_type is None:
        abort(404)
    form = NoticeForm()
    return saved_or_form(
        form,
        lambda: contract_changes.record_notice(
            db.session,
            change,
            form.notice_id.data or "",
            form.published_on.data,
            clock.today(),
        ),
        message=f"The {change.notice_type} notice is recorded.",
        to=contract_url(contract, "#changes"),
        contract=contract,
        heading=f"Record the {change.notice_type} notice",
        intro=change.notice_reason,
    )
