"""Managing a contract: meetings and their actions, the improvement plan, the QAF grade, the
indicators' targets and, over £5 million, the yearly KPI assessment (UK9). Its contract
manager and administrators only; anyone else is answered 404 and the attempt audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField
from wtforms.validators import Optional

from tenderflow import clock
from tenderflow.domain.dates import long_date
from tenderflow.extensions import db
from tenderflow.models import ContractAction, ContractMeeting, ManagedContract
from tenderflow.services import ServiceError
from tenderflow.services.contracts import meetings as contract_meetings
from tenderflow.services.contracts import performance as contract_performance
from tenderflow.web.access import allow
from tenderflow.web.contracts import MANAGERS, contract_or_404, contract_url, saved_or_form
from tenderflow.web.contracts import fields as field
from tenderflow.web.kit import act, save

bp = Blueprint("contract_management", __name__, url_prefix="/contracts/<reference>")


def managed(reference: str, attempt: str) -> ManagedContract:
    """Return the contract if the person manages it; else 404 (and the attempt audited)."""
    return contract_or_404(reference, attempt, work=True)


# --- meetings ---------------------------------------------------------------------------------


class ScheduleForm(FlaskForm):
    scheduled_for = field.date(
        "Date of the meeting", "Enter the date of the meeting", description="For example 12 1 2027"
    )
    submit = field.submit("Schedule the meeting")


@bp.route("/meetings/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def schedule_meeting(reference: str) -> Any:
    contract = managed(reference, "schedule a contract management meeting")
    form = ScheduleForm()
    due = contract_meetings.next_due(db.session, contract)
    if request.method == "GET":
        form.scheduled_for.data = max(due, clock.today()) if due else clock.today()
    return saved_or_form(
        form,
        lambda: contract_meetings.schedule_meeting(
            db.session,
            contract,
            form.scheduled_for.data,
            current_user,
            clock.today(),
            clock.now(),
        ),
        message="The meeting is scheduled.",
        to=contract_url(contract, "#meetings"),
        contract=contract,
        heading="Schedule a contract management meeting",
        intro=f"The contract's band needs a meeting by {long_date(due)}."
        if due
        else "Review the contract's priority first to know how often it is met.",
    )


class MeetingForm(FlaskForm):
    held_on = field.date("Date the meeting was held", "Enter the date the meeting was held")
    notes = field.area(
        "Notes",
        "Enter the notes of the meeting",
        description="Under the meeting's headings: "
        + ", ".join(contract_meetings.MEETING_HEADINGS).lower(),
    )
    action = field.area("An action agreed (optional)")
    action_owner = field.text("Who owns the action", max_length=200)
    action_due = field.date("When the action is due")
    submit = field.submit("Record the meeting")


def _meeting(contract: ManagedContract, meeting_id: int) -> ContractMeeting:
    meeting = db.session.get(ContractMeeting, meeting_id)
    if meeting is None or meeting.contract_id != contract.id:
        abort(404)
    return meeting


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def meeting(reference: str, meeting_id: int) -> Any:
    contract = managed(reference, "record a contract management meeting")
    found = _meeting(contract, meeting_id)
    form = MeetingForm()
    if request.method == "GET":
        form.held_on.data = found.held_on or found.scheduled_for
        form.notes.data = found.notes

    def record() -> None:
        contract_meetings.record_meeting(
            db.session, found, form.held_on.data, form.notes.data or "", clock.today()
        )
        if (form.action.data or "").strip():
            if form.action_due.data is None:
                raise ServiceError("no date", {"action_due": "Enter when the action is due"})
            contract_meetings.add_action(
                db.session,
                contract,
                form.action.data or "",
                form.action_owner.data or "",
                form.action_due.data,
                clock.now(),
                meeting=found,
            )

    return saved_or_form(
        form,
        record,
        message="The meeting is recorded.",
        to=contract_url(contract, "#meetings"),
        contract=contract,
        heading=f"Meeting of {long_date(found.scheduled_for)}",
        intro="Record the meeting's notes and any action agreed. "
        "Record it again to add another action.",
    )


class ActionForm(FlaskForm):
    description = field.area("Improvement needed", "Enter the improvement needed")
    owner = field.text("Who owns it", "Enter who owns the action", max_length=200)
    due_on = field.date("When it is due", "Enter when the action is due")
    submit = field.submit("Add to the improvement plan")


@bp.route("/improvement-plan", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def improvement_plan(reference: str) -> Any:
    contract = managed(reference, "change the improvement plan")
    form = ActionForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: contract_meetings.add_action(
                db.session,
                contract,
                form.description.data or "",
                form.owner.data or "",
                form.due_on.data,
                clock.now(),
                improvement_plan=True,
            ),
            message="The step is added to the improvement plan.",
            to=url_for(".improvement_plan", reference=reference),
        )
    ):
        return done
    return render_template(
        "contracts/improvement_plan.html",
        form=form,
        contract=contract,
        steps=contract_meetings.improvement_plan(db.session, contract),
        today=clock.today(),
    )


class DoneForm(FlaskForm):
    submit = field.submit("Mark as done")


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
@allow(*MANAGERS, per_object=True)
def action_done(reference: str, action_id: int) -> Any:
    contract = managed(reference, "mark an action done")
    action = db.session.get(ContractAction, action_id)
    if action is None or action.contract_id != contract.id:
        abort(404)
    if not DoneForm().validate_on_submit():
        abort(400)
    return act(
        lambda: contract_meetings.complete_action(action, clock.today()),
        message="The action is marked as done.",
        to=url_for(".improvement_plan", reference=reference)
        if action.improvement_plan
        else contract_url(contract, "#meetings"),
    )


# --- quality and performance ------------------------------------------------------------------


class GradeForm(FlaskForm):
    year = field.year()
    grade = field.choice(
        "Quality Assessment Framework grade",
        contract_meetings.QAF_GRADES.items(),
        "Select the grade",
    )
    assessed_on = field.date("Date of the assessment", "Enter the date of the assessment")
    notes = field.area("Notes (optional)")
    submit = field.submit("Record the grade")


@bp.route("/quality", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def quality(reference: str) -> Any:
    contract = managed(reference, "record the quality grade")
    form = GradeForm()
    if request.method == "GET":
        form.year.data = clock.today().year
        form.assessed_on.data = clock.today()
    return saved_or_form(
        form,
        lambda: contract_meetings.record_grade(
            db.session,
            contract,
            form.year.data or 0,
            form.grade.data or "",
            form.assessed_on.data,
            form.notes.data or "",
            clock.today(),
        ),
        message="The quality grade is recorded.",
        to=contract_url(contract, "#quality"),
        contract=contract,
        heading="Record the quality grade",
        intro="Services must hold level C and work towards level B.",
    )


def _indicators_form(contract: ManagedContract) -> Any:
    targets = [
        (
            f"target_{i.code}",
            field.text(f"Target for {i.title.lower()}", f"Enter the target for {i.title.lower()}"),
        )
        for i in contract.indicators
    ]
    remove = SelectMultipleField(
        "Remove indicators",
        choices=[(i.code, i.title) for i in contract.indicators],
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    return field.form(
        "IndicatorsForm",
        [
            *targets,
            ("remove", remove),
            (
                "new_code",
                field.text(
                    "New indicator: code (optional)", description="For example planned-moves"
                ),
            ),
            ("new_title", field.text("New indicator: name")),
            ("new_target", field.text("New indicator: target")),
            ("submit", field.submit("Save the indicators")),
        ],
    )


@bp.route("/indicators", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def indicators(reference: str) -> Any:
    contract = managed(reference, "change the contract's indicators")
    form = _indicators_form(contract)
    if request.method == "GET":
        for indicator in contract.indicators:
            getattr(form, f"target_{indicator.code}").data = f"{indicator.target.normalize():f}"

    def save_indicators() -> None:
        new = None
        if any((form.new_code.data, form.new_title.data, form.new_target.data)):
            new = (form.new_code.data or "", form.new_title.data or "", form.new_target.data or "")
        targets = {i.code: getattr(form, f"target_{i.code}").data for i in contract.indicators}
        contract_performance.save_indicators(
            db.session, contract, targets, set(form.remove.data or []), new
        )

    intro = "The target each quarterly return is measured against."
    if contract_performance.needs_kpis(contract):
        intro += (
            " This contract is worth more than £5 million: it keeps at least 3 key performance"
            " indicators, assessed every year (Procurement Act 2023, section 52)."
        )
    return saved_or_form(
        form,
        save_indicators,
        message="The indicators are saved.",
        to=contract_url(contract, "#returns"),
        contract=contract,
        heading="Indicators and targets",
        intro=intro,
    )


def _assessment_form(contract: ManagedContract) -> Any:
    year = field.year("Year assessed")
    ratings = [
        (
            f"rating_{i.code}",
            field.choice(
                f"{i.title}",
                contract_performance.RATINGS.items(),
                f"Select a rating for {i.title.lower()}",
            ),
        )
        for i in contract.indicators
    ]
    return field.form(
        "AssessmentForm",
        [
            ("year", year),
            *ratings,
            (
                "assessed_on",
                field.date("Date of the assessment", "Enter the date of the assessment"),
            ),
            (
                "notice_id",
                field.text("Contract performance notice (UK9) ID, once published", max_length=60),
            ),
            ("published_on", field.date("Date the notice was published")),
            ("submit", field.submit("Record the assessment")),
        ],
    )


@bp.route("/performance", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def performance(reference: str) -> Any:
    contract = managed(reference, "assess the contract's performance")
    if not contract_performance.needs_kpis(contract):
        abort(404)
    form = _assessment_form(contract)
    if request.method == "GET":
        form.year.data = clock.today().year
        form.assessed_on.data = clock.today()
    return saved_or_form(
        form,
        lambda: contract_performance.record_assessment(
            db.session,
            contract,
            form.year.data or 0,
            {i.code: getattr(form, f"rating_{i.code}").data for i in contract.indicators},
            form.assessed_on.data,
            form.notice_id.data or "",
            form.published_on.data,
            current_user,
            clock.today(),
            clock.now(),
        ),
        message="The assessment is recorded.",
        to=contract_url(contract, "#performance"),
        contract=contract,
        heading="Yearly performance assessment",
        intro="Each key performance indicator is rated and the assessment published on Find a "
        "Tender as a contract performance notice (UK9) at least every 12 months.",
    )
