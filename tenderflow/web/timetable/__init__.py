"""The timetable on the procurement page, planned dates, delay reasons and moving to the next stage."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderflow import clock
from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.domain.timetable import MILESTONE_LABELS, stage_label
from tenderflow.extensions import db
from tenderflow.models import Procurement, Transition, User
from tenderflow.services import flow_runs, need_to_know
from tenderflow.services import timetable as service
from tenderflow.services.concurrency import ChangedMeanwhile, check_fingerprint, guarded
from tenderflow.services.timetable import award as award_service
from tenderflow.services.timetable import transitions
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import optional_int
from tenderflow.web.forms import GovDateField, MoneyField, apply_errors, audit_lost_race
from tenderflow.web.procurements import page as procurement_page
from tenderflow.web.submitting import submit_without_waiting
from tenderflow.web.timetable import award as award_pages  # noqa: F401  (its pages are on ``bp`` too)
from tenderflow.web.timetable.blueprint import bp


def stage_or_404(procurement: Procurement, stage: str) -> str:
    if stage not in transitions.stages(procurement):
        abort(404)
    return stage


@procurement_page.section(10, "timetable/_section.html")
def timetable_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """The timetable, the move to the next stage and the award's governance."""
    if not user.has_role(*PROCUREMENT_READERS):
        return None
    rows = service.timetable(db.session, procurement)
    history = transitions.history(db.session, procurement, limit=5)
    latest = history[0] if history else None
    return {
        "procurement": procurement,
        "rows": rows,
        "chart": service.chart(rows, clock.today()),
        "milestones": service.milestones(db.session, procurement),
        "milestone_labels": MILESTONE_LABELS,
        "next_stage": transitions.next_stage_for(procurement),
        "latest": latest,
        "latest_run": transitions.run_request(db.session, latest) if latest else None,
        "history": history,
        "may_run": kit.runs(procurement, user),
        "may_approve": user.has_role(Role.COMMISSIONING_BODY),
        # The recommended bidder and the contract's value are the bids' results: need to know.
        "commercial": need_to_know.may_see_commercial(db.session, user, procurement, clock.now()),
        "approvals": award_service.approvals(db.session, procurement),
        "asked": award_service.latest_request(db.session, procurement),
        "may_ask": kit.runs(procurement, user) and award_service.asks_for_approval_now(procurement),
        "approval_problem": award_service.approval_problem(
            db.session, procurement, transitions.approved_recommendation(db.session, procurement)
        ),
        "challenges": award_service.challenges(db.session, procurement),
        "contracts": award_service.contracts(db.session, procurement),
        "shows_award": any(s in transitions.stages(procurement) for s in ("standstill", "award")),
        "stage_label": stage_label,
    }


class PlannedDatesForm(FlaskForm):
    start = GovDateField(
        "Planned start",
        invalid="Planned start must be a real date",
        description="For example 2 3 2027",
        validators=[InputRequired("Enter the planned start")],
    )
    end = GovDateField(
        "Planned end",
        invalid="Planned end must be a real date",
        description="For the invitation to tender, the tender deadline",
        validators=[InputRequired("Enter the planned end")],
    )
    # The plan's versions when the page was opened: a plan changed since is not overwritten.
    # None when the form did not send it at all (then nothing is checked).
    version = HiddenField()
    submit = SubmitField("Save planned dates", widget=GovSubmitInput())


@bp.route("/<reference>/timetable/<stage>/edit", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def edit_stage(reference: str, stage: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    stage_or_404(procurement, stage)
    row = service.row_for(db.session, procurement, stage)
    form = PlannedDatesForm()
    if not form.is_submitted():
        form.start.data, form.end.data = row.planned_start, row.planned_end
        form.version.data = service.plan_version(db.session, procurement)
    if form.validate_on_submit():
        opened = form.version.data

        def edit() -> None:
            with guarded(
                db.session,
                lambda: check_fingerprint(
                    db.session,
                    opened,
                    service.stage_dates(procurement, db.session),
                    "The timetable",
                ),
            ):
                service.edit_planned(
                    db.session, procurement, stage, form.start.data, form.end.data, opened=opened
                )

        _, refused = kit.attempt(edit)
        if refused is None:
            flash(
                f"Planned dates for {stage_label(stage)} saved; later stages moved with them.",
                "success",
            )
            return redirect(url_for("procurements.show", reference=reference) + "#timetable")
        if isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "stage_dates", stage, procurement.id)
            form.start.errors = [*form.start.errors, *refused.changes.values()]
            # Saving again, knowingly, replaces the plan as it is now.
            form.version.data = refused.current.get("version") or service.plan_version(
                db.session, procurement
            )
        else:
            apply_errors(form, refused.errors)
    return render_template(
        "timetable/edit_stage.html",
        procurement=procurement,
        stage=stage,
        stage_name=stage_label(stage),
        row=row,
        rules=service.rules_for(procurement),
        form=form,
    )


class DelayForm(FlaskForm):
    reason = TextAreaField(
        "Why is this stage late?",
        description="The reason is kept with the timetable, for the lessons learnt",
        widget=GovTextArea(),
        validators=[InputRequired("Enter why the stage is late")],
    )
    submit = SubmitField("Save the reason", widget=GovSubmitInput())


@bp.route("/<reference>/timetable/<stage>/delay", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def delay_reason(reference: str, stage: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    stage_or_404(procurement, stage)
    row = service.row_for(db.session, procurement, stage)
    form = DelayForm()
    if not form.is_submitted() and row.delay_reason:
        form.reason.data = row.delay_reason
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: service.record_delay_reason(
                db.session, procurement, stage, form.reason.data or ""
            ),
            message=f"The reason {stage_label(stage)} is late is recorded.",
            to=url_for("procurements.show", reference=reference) + "#timetable",
        )
        if done is not None:
            return done
    return render_template(
        "timetable/delay.html",
        procurement=procurement,
        stage_name=stage_label(stage),
        row=row,
        form=form,
    )


class MoveForm(FlaskForm):
    delay_reason = TextAreaField(
        "Why has the timetable slipped?",
        description="The move is later than planned, so say why; the reason is kept",
        widget=GovTextArea(),
        validators=[Optional()],
    )
    submit = SubmitField("Move", widget=GovSubmitInput())


class AwardForm(MoveForm):
    supplier_id = SelectField(
        "Supplier",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[Optional()],
    )
    supplier_name = StringField(
        "Supplier name, if not listed",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Supplier name must be 200 characters or fewer"),
        ],
    )
    value = MoneyField(
        "Contract value",
        missing="Enter the contract value",
        description="The whole-life value awarded, in pounds, excluding VAT",
        widget=GovTextInput(),
    )
    start_date = GovDateField(
        "Contract start date",
        invalid="Contract start date must be a real date",
        validators=[InputRequired("Enter the contract start date")],
    )
    end_date = GovDateField(
        "Contract end date",
        invalid="Contract end date must be a real date",
        description="Not counting extensions",
        validators=[InputRequired("Enter the contract end date")],
    )
    extension_options = TextAreaField(
        "Extension options",
        description="For example Up to 2 further years, one year at a time",
        widget=GovTextArea(),
        validators=[Optional()],
    )


@bp.route("/<reference>/move", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def move(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    target = transitions.next_stage_for(procurement)
    if target is None:
        flash(f"{procurement.reference} is at its last stage.", "error")
        return redirect(url_for("procurements.show", reference=reference))
    waiting = transitions.pending(db.session, procurement)
    if waiting is not None:
        return redirect(
            url_for("timetable.transition", reference=reference, transition_id=waiting.id)
        )
    form: MoveForm = AwardForm() if target == "award" else MoveForm()
    form.submit.label.text = f"Move to {stage_label(target)}"
    if isinstance(form, AwardForm):
        form.supplier_id.choices = [("", "Select the supplier")] + [
            (b.id, b.name) for b in award_service.bidders(db.session, procurement)
        ]
        if not form.is_submitted():
            suggested = transitions.default_contract_details(db.session, procurement)
            form.supplier_id.data = suggested.supplier_id
            form.value.data = str(suggested.value)
            form.start_date.data = suggested.start_date
            form.end_date.data = suggested.end_date
            form.extension_options.data = suggested.extension_options
    late = service.late_on(db.session, procurement, target, clock.today())
    if form.validate_on_submit():
        contract = None
        if isinstance(form, AwardForm):
            contract = transitions.ContractDetails(
                value=form.value.amount,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                supplier_id=form.supplier_id.data,
                supplier_name=form.supplier_name.data or "",
                extension_options=(form.extension_options.data or "").strip(),
            )
        now = clock.now()
        transition, refused = kit.attempt(
            lambda: transitions.request_transition(
                db.session,
                procurement,
                target,
                current_user,
                now,
                contract=contract,
                delay_reason=form.delay_reason.data,
            )
        )
        if refused is None:
            flow_runs.send(
                db.session, transition.flow_run_request_id, now, sender=submit_without_waiting
            )
            return redirect(
                url_for("timetable.transition", reference=reference, transition_id=transition.id)
            )
        apply_errors(form, refused.errors or {"to_stage": str(refused)})
    return render_template(
        "timetable/move.html",
        procurement=procurement,
        target=target,
        target_name=stage_label(target),
        current_name=stage_label(procurement.stage),
        late=[stage_label(s) for s in late],
        form=form,
        award_form=isinstance(form, AwardForm),
    )


@bp.route("/<reference>/transitions/<int:transition_id>")
@allow(*PROCUREMENT_READERS)
def transition(reference: str, transition_id: int) -> Any:
    procurement = kit.procurement_or_404(reference)
    found = db.session.get(Transition, transition_id)
    if found is None or found.procurement_id != procurement.id:
        abort(404)
    return render_template(
        "timetable/transition.html",
        procurement=procurement,
        transition=found,
        run=transitions.run_request(db.session, found),
        stage_label=stage_label,
    )
