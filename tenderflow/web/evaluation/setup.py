"""The lead's side: the evaluation model, the panel and its assignments, pass/fail results."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import HiddenField

from tenderflow import clock
from tenderflow.domain.evaluation.model import FORMULA_DESCRIPTIONS
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import ServiceError
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.evaluation import (
    bid_label,
    current_model,
    member_by_id,
    member_of,
)
from tenderflow.services.evaluation import model_versions as models
from tenderflow.services.evaluation import moderation as moderation_service
from tenderflow.services.evaluation import panel as panel_service
from tenderflow.services.evaluation.scoring import panel_progress
from tenderflow.web.access import allow
from tenderflow.web.evaluation import LEAD_ROLES, PANEL_ROLES, bp
from tenderflow.web.evaluation.forms import (
    Anchor,
    MemberForm,
    ModelForm,
    PanelForm,
    built,
    posted,
    radios,
    sent,
    text,
)
from tenderflow.web.forms import apply_errors, audit_lost_race
from tenderflow.web.kit import attempt, procurement_or_404, run_by_me_or_403, runs, save
from tenderflow.web.need_to_know import commercial_or_404


@bp.route("/<reference>/model", methods=["GET", "POST"])
@allow(*LEAD_ROLES, per_object=True)
def model(reference: str) -> Any:
    procurement = run_by_me_or_403(reference)
    form = ModelForm()
    problems: list[str] = []
    fixed = models.method_fixed_reason(db.session, procurement, clock.now())
    here = url_for("evaluation.model", reference=reference)
    if form.is_submitted():
        action = form.action.data or "save"
        if action == "publish":
            _, refused = attempt(lambda: models.publish_model(db.session, procurement, clock.now()))
            said = "The evaluation model is published with the ITT."
        elif action == "guidance":
            _, refused = attempt(
                lambda: models.publish_guidance(db.session, procurement, clock.now())
            )
            said = "The evaluation guidance is released to the panel."
        elif form.validate():
            saved, refused = attempt(
                lambda: models.save_model(
                    db.session,
                    procurement,
                    current_user,
                    clock.now(),
                    source=form.chosen_source,
                    yaml_text=form.chosen_text,
                    reason=form.reason.data,
                )
            )
            for warning in saved[1] if saved else []:
                flash(f"Warning: {warning}.", "warning")
            said = "The evaluation model is saved."
        else:
            refused, said = None, ""
        if said and refused is None:
            flash(said, "success")
            return redirect(here)
        if isinstance(refused, models.ModelRefused):
            problems = refused.problems
            apply_errors(
                form, {"model": f"The model breaks {len(problems)} rule(s): see the list below"}
            )
        elif refused is not None:
            apply_errors(form, refused.errors or {"model": str(refused)})
    found = current_model(db.session, procurement)
    return render_template(
        "evaluation/model_choose.html",
        procurement=procurement,
        version=found[0] if found else None,
        model=found[1] if found else None,
        ready_made=models.ready_made_models(),
        fixed=fixed,
        form=form,
        problems=problems,
    )


@bp.route("/<reference>/model/guidance")
@allow(*PANEL_ROLES, Role.COMMISSIONING_BODY, per_object=True)
def guidance(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    found = current_model(db.session, procurement)
    if not _may_read_guidance(procurement, found):
        abort(403)
    if found is None:
        abort(404)
    version, evaluation_model = found
    return render_template(
        "evaluation/model_guidance.html",
        procurement=procurement,
        version=version,
        model=evaluation_model,
        formula=FORMULA_DESCRIPTIONS.get(evaluation_model.price.formula, ""),
    )


def _may_read_guidance(procurement: Any, found: Any) -> bool:
    """The lead and administrators always; the panel once the guidance is released; the
    commissioning body once the model is published with the ITT."""
    if runs(procurement):
        return True
    version = found[0] if found else None
    if member_of(db.session, procurement, current_user) is not None:
        return version is not None and version.guidance_published_at is not None
    return (
        current_user.has_role(Role.COMMISSIONING_BODY)
        and version is not None
        and version.published_at is not None
    )


@bp.route("/<reference>/panel", methods=["GET", "POST"])
@allow(*LEAD_ROLES, per_object=True)
def panel(reference: str) -> Any:
    procurement = run_by_me_or_403(reference)
    evaluators = panel_service.candidates(db.session, procurement, "evaluator")
    moderators = panel_service.candidates(db.session, procurement, "moderator")
    form = PanelForm()
    form.user_id.choices = [
        ("", "Select a person"),
        *((str(u.id), f"{u.name} (evaluator)") for u in evaluators),
        *((str(u.id), f"{u.name} (moderator)") for u in moderators if u not in evaluators),
    ]
    if form.validate_on_submit():
        role = form.role.data

        def added(member: Any) -> str:
            if role == "evaluator" and current_model(db.session, procurement):
                return url_for("evaluation.member", reference=reference, member_id=member.id)
            return url_for("evaluation.panel", reference=reference)

        saved = save(
            form,
            lambda: panel_service.add_member(db.session, procurement, int(form.user_id.data), role),
            message=lambda member: f"{member.user.name} is on the panel as {role}.",
            to=added,
        )
        if saved:
            return saved
    return render_template(
        "evaluation/panel.html",
        procurement=procurement,
        found=current_model(db.session, procurement),
        progress=panel_progress(db.session, procurement),
        form=form,
    )


@bp.route("/<reference>/panel/<int:member_id>", methods=["GET", "POST"])
@allow(*LEAD_ROLES, per_object=True)
def member(reference: str, member_id: int) -> Any:
    procurement = run_by_me_or_403(reference)
    person = member_by_id(db.session, procurement, member_id)
    if person is None:
        abort(404)
    found = current_model(db.session, procurement)
    form = MemberForm()
    back = url_for("evaluation.panel", reference=reference)
    if form.validate_on_submit():
        if form.action.data == "remove":
            name = person.user.name
            saved = save(
                form,
                lambda: panel_service.remove_member(db.session, person),
                message=f"{name} is no longer on the panel.",
                to=back,
            )
        else:

            def assign() -> None:
                if found is None:
                    raise ServiceError(
                        "No model", {"criteria": "Choose the evaluation model first"}
                    )
                chosen = set(form.criteria.data or [])
                for section in found[1].sections:
                    if section.name in (form.sections.data or []):
                        chosen.update(c.id for c in section.criteria)
                panel_service.assign(db.session, person, found[1], sorted(chosen))

            saved = save(form, assign, message=f"{person.user.name}'s criteria are saved.", to=back)
        if saved:
            return saved
    return render_template(
        "evaluation/member.html",
        procurement=procurement,
        person=person,
        model=found[1] if found else None,
        assigned={a.criterion_id for a in person.assignments},
        form=form,
    )


@bp.route("/<reference>/pass-fail", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD, Role.MODERATOR, per_object=True)
def pass_fail(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    # Pass/fail results are the bids' results: the lead's, and the moderators' once open.
    commercial_or_404(procurement, "see the pass/fail results")
    found = current_model(db.session, procurement)
    if found is None:
        abort(404)
    bids = moderation_service.bids_to_moderate(db.session, procurement, current_user)
    questions = found[1].pass_fail
    recorded = moderation_service.pass_fail_of(db.session, procurement)
    fields: dict[str, Any] = {}
    initial: dict[str, str] = {}
    for bid in bids:
        for q in questions:
            record = recorded.get((bid.id, q.id))
            key = f"{bid.id}-{q.id}"
            fields[f"version-{key}"] = HiddenField()
            fields[f"pf-{key}"] = radios(
                f"{q.id}: {q.title} ({bid_label(bid)})", [("pass", "Pass"), ("fail", "Fail")]
            )
            fields[f"note-{key}"] = text(f"Note on {q.id} for {bid_label(bid)}")
            initial[f"version-{key}"] = version_text(record)
            initial[f"pf-{key}"] = "" if record is None else ("pass" if record.passed else "fail")
            initial[f"note-{key}"] = record.note if record else ""
    fields["pass_fail"] = Anchor()
    form = built("PassFailForm", fields, data=initial)
    if form.validate_on_submit():
        opened = {
            (bid.id, q.id): sent(form[f"version-{bid.id}-{q.id}"])
            for bid in bids
            for q in questions
            if posted(form[f"version-{bid.id}-{q.id}"])
        }
        answers = {
            (bid.id, q.id): (sent(form[f"pf-{bid.id}-{q.id}"]), sent(form[f"note-{bid.id}-{q.id}"]))
            for bid in bids
            for q in questions
        }

        def record_results() -> int:
            with guarded(
                db.session,
                lambda: check_opened(
                    db.session,
                    opened,
                    moderation_service.pass_fail_of(db.session, procurement),
                    lambda key: f"The result on {key[1]}",
                ),
            ):
                return moderation_service.record_pass_fail(
                    db.session, procurement, answers, current_user, clock.now(), opened=opened
                )

        count, refused = attempt(record_results)
        if refused is None:
            flash(f"{count} pass/fail result(s) recorded.", "success")
            return redirect(url_for("evaluation.pass_fail", reference=reference))
        if isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "pass_fail_results", reference, procurement.id)
            apply_errors(
                form,
                {
                    f"pf-{key[0]}-{key[1]}" if isinstance(key, tuple) else "pass_fail": message
                    for key, message in refused.changes.items()
                },
            )
            for changed, version in refused.current.items():
                if isinstance(changed, tuple):
                    form[f"version-{changed[0]}-{changed[1]}"].data = version
        else:
            apply_errors(form, refused.errors)
    return render_template(
        "evaluation/pass_fail.html",
        procurement=procurement,
        model=found[1],
        bids=bids,
        recorded=moderation_service.pass_fail_of(db.session, procurement),
        form=form,
    )
