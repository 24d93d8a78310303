"""The commissioning body approves the award recommendation; the lead records and resolves challenges."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Challenge
from tenderflow.services.timetable import award, termination
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import optional_int
from tenderflow.web.forms import GovDateField
from tenderflow.web.timetable.blueprint import bp


def _page(reference: str, anchor: str) -> str:
    """The procurement page, at the section the change shows in."""
    return url_for("procurements.show", reference=reference) + f"#{anchor}"


class ApprovalForm(FlaskForm):
    decision = RadioField(
        "What did the commissioning body decide?",
        choices=list(award.DECISIONS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the commissioning body's decision")],
    )
    recommended_bidder_id = SelectField(
        "Recommended bidder",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[Optional()],
    )
    decided_on = GovDateField(
        "Date of the decision",
        invalid="Date of the decision must be a real date",
        description="For example 14 1 2027",
        validators=[InputRequired("Enter the date of the decision")],
    )
    minute_reference = StringField(
        "Minute reference (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=120, message="Minute reference must be 120 characters or fewer"),
        ],
    )
    notes = TextAreaField(
        "Notes",
        description="Needed when the recommendation is rejected or deferred",
        widget=GovTextArea(),
        validators=[Optional()],
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class RequestApprovalForm(FlaskForm):
    submit = SubmitField("Ask the commissioning body for approval", widget=GovSubmitInput())


@bp.route("/<reference>/approval/request", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def request_approval(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    if not RequestApprovalForm().validate_on_submit():
        abort(400)
    return kit.act(
        lambda: award.request_approval(db.session, procurement, current_user, clock.now()),
        message="The commissioning body is asked to approve the award recommendation.",
        to=_page(reference, "award"),
    )


@bp.route("/<reference>/approval", methods=["GET", "POST"])
@allow(Role.COMMISSIONING_BODY)
def approval(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    form = ApprovalForm()
    form.recommended_bidder_id.choices = [("", "Select the recommended bidder")] + [
        (b.id, b.name) for b in award.bidders(db.session, procurement)
    ]
    if not form.is_submitted():
        form.decided_on.data = clock.today()
    if form.validate_on_submit():
        data = award.ApprovalInput(
            decision=form.decision.data or "",
            decided_on=form.decided_on.data,
            minute_reference=form.minute_reference.data or "",
            notes=form.notes.data or "",
            recommended_bidder_id=form.recommended_bidder_id.data,
        )
        done = kit.save(
            form,
            lambda: award.record_approval(
                db.session, procurement, data, current_user, clock.now(), clock.today()
            ),
            message="The commissioning body's decision is recorded.",
            to=_page(reference, "award"),
        )
        if done is not None:
            return done
    return render_template(
        "timetable/approval.html",
        procurement=procurement,
        form=form,
        asked=award.latest_request(db.session, procurement),
    )


class ChallengeForm(FlaskForm):
    bidder_id = SelectField(
        "Who made the challenge?",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[Optional()],
    )
    received_on = GovDateField(
        "Date received",
        invalid="Date received must be a real date",
        validators=[InputRequired("Enter the date the challenge was received")],
    )
    summary = TextAreaField(
        "What does the challenge say?",
        widget=GovTextArea(),
        validators=[InputRequired("Enter what the challenge says")],
    )
    submit = SubmitField("Record the challenge", widget=GovSubmitInput())


@bp.route("/<reference>/challenges/new", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def new_challenge(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = ChallengeForm()
    form.bidder_id.choices = [("", "Not a listed bidder")] + [
        (b.id, b.name) for b in award.bidders(db.session, procurement)
    ]
    if not form.is_submitted():
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: award.record_challenge(
                db.session,
                procurement,
                form.summary.data or "",
                form.received_on.data,
                form.bidder_id.data,
                current_user,
                clock.today(),
            ),
            message="The challenge is recorded. The award is suspended until it is resolved.",
            to=_page(reference, "award"),
        )
        if done is not None:
            return done
    return render_template("timetable/challenge.html", procurement=procurement, form=form)


class ResolveForm(FlaskForm):
    resolved_on = GovDateField(
        "Date resolved",
        invalid="Date resolved must be a real date",
        validators=[InputRequired("Enter the date the challenge was resolved")],
    )
    outcome = TextAreaField(
        "How was it resolved?",
        widget=GovTextArea(),
        validators=[InputRequired("Enter how the challenge was resolved")],
    )
    submit = SubmitField("Resolve the challenge", widget=GovSubmitInput())


@bp.route("/<reference>/challenges/<int:challenge_id>/resolve", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def resolve_challenge(reference: str, challenge_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.procurement_id != procurement.id:
        abort(404)
    form = ResolveForm()
    if not form.is_submitted():
        form.resolved_on.data = clock.today()
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: award.resolve_challenge(
                db.session, challenge, form.outcome.data or "", form.resolved_on.data, clock.today()
            ),
            message="The challenge is resolved.",
            to=_page(reference, "award"),
        )
        if done is not None:
            return done
    return render_template(
        "timetable/resolve.html", procurement=procurement, challenge=challenge, form=form
    )


class TerminateForm(FlaskForm):
    reason = TextAreaField(
        "Why is the procurement terminated?",
        description="For example: the evaluation method has to change after the tender "
        "deadline, so the procurement starts again",
        widget=GovTextArea(),
        validators=[InputRequired("Enter why the procurement is terminated")],
    )
    submit = SubmitField("Terminate the procurement", widget=GovSubmitInput())


@bp.route("/<reference>/terminate", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def terminate(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = TerminateForm()
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: termination.terminate(
                db.session, procurement, form.reason.data or "", current_user, clock.now()
            ),
            message=f"{procurement.reference} is terminated. It stops here; start a new procurement to "
            "go again.",
            to=_page(reference, "timetable"),
        )
        if done is not None:
            return done
    return render_template("timetable/terminate.html", procurement=procurement, form=form)
