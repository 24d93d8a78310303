"""The conflicts assessment and the exclusion checks: the Act's gates before the notice and the award."""

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
from wtforms.validators import InputRequired, Length, Optional

from tenderflow import clock
from tenderflow.domain.exclusion import (
    DISCRETIONARY_GROUNDS,
    MANDATORY_GROUNDS,
    OUTCOMES,
    ExclusionInput,
    debarment_check_is_recent,
)
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.models import Procurement, User
from tenderflow.services.bidding import bidders
from tenderflow.services.notices import direct_award
from tenderflow.services.procurements import conflicts, exclusions
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.forms import YES_NO, GovDateField, answer_of
from tenderflow.web.need_to_know import may_see_commercial
from tenderflow.web.procurements import page as procurement_page

bp = Blueprint("act_gates", __name__, url_prefix="/procurements/<reference>")

@procurement_page.section(25, "act_gates/_section.html")
def page_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """The assessment's state and how many bidders are checked; only under the Act."""
    if not user.has_role(*PROCUREMENT_READERS) or not conflicts.required(procurement):
        return None
    assessment = conflicts.current(db.session, procurement)
    competing = exclusions.bidders_in_competition(db.session, procurement)
    checks = exclusions.latest_checks(db.session, procurement)
    return {
        "procurement": procurement,
        "assessment": assessment,
        "competing": len(competing),
        "checked": sum(1 for b in competing if b.id in checks),
        "direct_award": direct_award.needs_transparency_notice(procurement),
        "can_manage": kit.runs(procurement, user),
    }


# The conflicts assessment


class AssessmentForm(FlaskForm):
    conflicts_found = RadioField(
        "Have any conflicts or potential conflicts of interest been identified?",
        description=(
            "Think of everyone acting for the council in the procurement, and anyone who can "
            "influence its decisions"
        ),
        choices=YES_NO,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    conflicts = TextAreaField(
        "Conflicts identified",
        description="Who, and their interest in which supplier. Only if any were identified",
        widget=GovTextArea(),
    )
    mitigation = TextAreaField(
        "Steps taken to mitigate them",
        description="For example: removed from the evaluation panel for that bidder",
        widget=GovTextArea(),
    )
    submit = SubmitField("Confirm the assessment", widget=GovSubmitInput())


@bp.route("/conflicts-assessment")
@allow(*PROCUREMENT_READERS)
def assessment(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    return render_template(
        "act_gates/assessment.html",
        procurement=procurement,
        required=conflicts.required(procurement),
        history=conflicts.history(db.session, procurement),
        can_manage=kit.runs(procurement),
    )


@bp.route("/conflicts-assessment/confirm", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def confirm_assessment(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = AssessmentForm()
    existing = conflicts.current(db.session, procurement)
    if request.method == "GET" and existing is not None:
        form.conflicts_found.data = "yes" if existing.conflicts_found else "no"
        form.conflicts.data = existing.conflicts
        form.mitigation.data = existing.mitigation
    if form.validate_on_submit():
        data = conflicts.AssessmentInput(
            conflicts_found=answer_of(form.conflicts_found.data),
            conflicts=form.conflicts.data or "",
            mitigation=form.mitigation.data or "",
        )
        done = kit.save(
            form,
            lambda: conflicts.confirm(db.session, procurement, data, current_user, clock.now()),
            message="The conflicts assessment is confirmed.",
            to=url_for("act_gates.assessment", reference=reference),
        )
        if done is not None:
            return done
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading="Confirm the conflicts assessment",
        back_url=url_for("act_gates.assessment", reference=reference),
        intro=(
            "Assess conflicts of interest before the tender notice is published and keep the "
            "assessment under review: confirm it again whenever something changes."
        ),
    )


# Exclusion checks


class ExclusionForm(FlaskForm):
    mandatory_checked = SelectMultipleField(
        "Mandatory exclusion grounds checked (Schedule 6)",
        description="Tick each ground the supplier and its connected persons were checked against",
        choices=list(MANDATORY_GROUNDS),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    discretionary_checked = SelectMultipleField(
        "Discretionary exclusion grounds checked (Schedule 7)",
        description="Tick each ground the supplier and its connected persons were checked against",
        choices=list(DISCRETIONARY_GROUNDS),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    on_debarment_list = RadioField(
        "Is the supplier on the debarment list?",
        choices=YES_NO,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    debarment_checked_on = GovDateField(
        "Date the debarment list was checked",
        invalid="Date the debarment list was checked must be a real date",
        description="For example 27 3 2027",
        validators=[Optional()],
    )
    outcome = RadioField(
        "Outcome",
        choices=list(OUTCOMES.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    reason = TextAreaField(
        "Why the supplier is excluded",
        description="The grounds that apply and why the circumstances are likely to occur again",
        widget=GovTextArea(),
    )
    submit = SubmitField("Record the check", widget=GovSubmitInput())


@bp.route("/exclusions")
@allow(*PROCUREMENT_READERS)
def exclusion_checks(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    days = exclusions.debarment_check_days(procurement)
    today = clock.today()
    checks = exclusions.latest_checks(db.session, procurement)
    rows = [
        {
            "bidder": bidder,
            "check": checks.get(bidder.id),
            "recent": bidder.id in checks
            and debarment_check_is_recent(checks[bidder.id].debarment_checked_on, today, days),
        }
        for bidder in exclusions.bidders_in_competition(db.session, procurement)
    ]
    return render_template(
        "act_gates/exclusions.html",
        procurement=procurement,
        required=exclusions.required(procurement),
        rows=rows,
        days=days,
        # Which bidder is recommended is the evaluation's result: need to know.
        recommended={b.id for b in exclusions.recommended_bidders(db.session, procurement)}
        if may_see_commercial(procurement)
        else set(),
        outcomes=OUTCOMES,
        can_manage=kit.runs(procurement),
    )


@bp.route("/exclusions/<int:bidder_id>", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def record_exclusion_check(reference: str, bidder_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    bidder = bidders.get_bidder(db.session, procurement, bidder_id)
    if bidder is None:
        abort(404)
    form = ExclusionForm()
    if form.validate_on_submit():
        data = ExclusionInput(
            mandatory_checked=frozenset(form.mandatory_checked.data or []),
            discretionary_checked=frozenset(form.discretionary_checked.data or []),
            on_debarment_list=answer_of(form.on_debarment_list.data),
            debarment_checked_on=form.debarment_checked_on.data,
            outcome=form.outcome.data or "",
            reason=form.reason.data or "",
        )
        done = kit.save(
            form,
            lambda: exclusions.record_check(
                db.session, bidder, data, current_user, clock.now(), clock.today()
            ),
            message=f"Exclusion check for {bidder.name} recorded.",
            to=url_for("act_gates.exclusion_checks", reference=reference),
        )
        if done is not None:
            return done
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading=f"Exclusion check: {bidder.name}",
        back_url=url_for("act_gates.exclusion_checks", reference=reference),
        intro=(
            "Check the supplier against every exclusion ground and look it up on the debarment "
            "list. Tick each ground you checked."
        ),
    )


# A direct award's transparency notice


class TransparencyNoticeForm(FlaskForm):
    reference = StringField(
        "Notice reference",
        description="As the Central Digital Platform shows it",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the transparency notice's reference"),
            Length(max=100, message="The reference must be 100 characters or fewer"),
        ],
    )
    published_on = GovDateField(
        "Date the notice was published",
        invalid="Date the notice was published must be a real date",
        description="For example 27 3 2026",
        validators=[InputRequired("Enter the date the transparency notice was published")],
    )
    submit = SubmitField("Record the notice", widget=GovSubmitInput())


@bp.route("/transparency-notice", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def transparency_notice(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    if not direct_award.needs_transparency_notice(procurement):
        abort(404)
    form = TransparencyNoticeForm()
    if request.method == "GET" and procurement.transparency_notice_published_on:
        form.reference.data = procurement.transparency_notice_reference
        form.published_on.data = procurement.transparency_notice_published_on
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: direct_award.record_transparency_notice(
                db.session,
                procurement,
                form.reference.data or "",
                form.published_on.data,
                clock.today(),
                user=current_user,
                now=clock.now(),
            ),
            message="The transparency notice is recorded.",
            to=url_for("procurements.show", reference=reference),
        )
        if done is not None:
            return done
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading="Record the transparency notice",
        back_url=url_for("procurements.show", reference=reference),
        intro=(
            "A direct award publishes a transparency notice before the contract is entered "
            "into (Procurement Act 2023, s.44). The move towards the contract waits for it."
        ),
    )
