"""The lead's side: the evaluation model, the panel and its assignments, pass/fail results."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tenderflow import clock
from tenderflow.domain.evaluation.model import FORMULA_DESCRIPTIONS
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import ServiceError, probity
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.evaluation import (
    current_model,
    is_lead,
    member_by_id,
    member_of,
)
from tenderflow.services.evaluation import model_versions as models
from tenderflow.services.evaluation import moderation as moderation_service
from tenderflow.services.evaluation import panel as panel_service
from tenderflow.services.evaluation.scoring import panel_progress
from tenderflow.web.access import allow
from tenderflow.web.evaluation import (
    LEAD_ROLES,
    PANEL_ROLES,
    bp,
    error_list,
    lead_only,
    procurement_or_404,
)
from tenderflow.web.forms import audit_lost_race
from tenderflow.web.need_to_know import commercial_or_404

MAX_MODEL_BYTES = 200_000


@bp.route("/<reference>/model", methods=["GET", "POST"])
@allow(*LEAD_ROLES, per_object=True)
def model(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    lead_only(procurement)
    errors: dict[str, str] = {}
    problems: list[str] = []
    fixed = models.method_fixed_reason(db.session, procurement, clock.now())
    if request.method == "POST":
        action = request.form.get("action", "save")
        try:
            if action == "publish":
                models.publish_model(db.session, procurement, clock.now())
                flash("The evaluation model is published with the ITT.", "success")
            elif action == "guidance":
                models.publish_guidance(db.session, procurement, clock.now())
                flash("The evaluation guidance is released to the panel.", "success")
            else:
                source, text = _chosen_model(errors)
                if not errors:
                    reason = request.form.get("reason")
                    _, warnings = models.save_model(
                        db.session,
                        procurement,
                        current_user,
                        clock.now(),
                        source=source,
                        yaml_text=text,
                        reason=reason,
                    )
                    for warning in warnings:
                        flash(f"Warning: {warning}.", "warning")
                    flash("The evaluation model is saved.", "success")
            if not errors:
                db.session.commit()
                return redirect(url_for("evaluation.model", reference=reference))
        except probity.Refused as exc:
            probity.keep_refusal(db.session, exc)
            errors = exc.errors
        except models.ModelRefused as exc:
            db.session.rollback()
            problems = exc.problems
            errors = {"model": f"The model breaks {len(problems)} rule(s): see the list below"}
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors or {"model": str(exc)}
    found = current_model(db.session, procurement)
    return render_template(
        "evaluation/model_choose.html",
        procurement=procurement,
        version=found[0] if found else None,
        model=found[1] if found else None,
        ready_made=models.ready_made_models(),
        fixed=fixed,
        errors=errors,
        error_items=error_list(errors),
        problems=problems,
    )


def _chosen_model(errors: dict[str, str]) -> tuple[str, str]:
    upload = request.files.get("upload")
    if upload is not None and upload.filename:
        data = upload.read(MAX_MODEL_BYTES + 1)
        if len(data) > MAX_MODEL_BYTES:
            errors["upload"] = "The model file must be smaller than 200 KB"
            return "", ""
        try:
            return "uploaded", data.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors["upload"] = "The model file must be YAML saved as UTF-8 text"
            return "", ""
    name = request.form.get("ready_made", "")
    if not name:
        errors["ready_made"] = "Select a ready-made model or upload a YAML file"
        return "", ""
    try:
        return name, models.ready_made_text(name)
    except ServiceError as exc:
        errors.update(exc.errors)
        return "", ""


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
    if is_lead(current_user, procurement):
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
    procurement = procurement_or_404(reference)
    lead_only(procurement)
    errors: dict[str, str] = {}
    if request.method == "POST":
        role = request.form.get("role", "")
        user_id = request.form.get("user_id", "")
        if role not in panel_service.PANEL_ROLES:
            errors["role"] = "Select whether they evaluate or moderate"
        elif not user_id.isdigit():
            errors["user_id"] = f"Select a {role} to add"
        else:
            try:
                member = panel_service.add_member(db.session, procurement, int(user_id), role)
                db.session.commit()
                flash(f"{member.user.name} is on the panel as {role}.", "success")
                if role == "evaluator" and current_model(db.session, procurement):
                    return redirect(
                        url_for("evaluation.member", reference=reference, member_id=member.id)
                    )
                return redirect(url_for("evaluation.panel", reference=reference))
            except ServiceError as exc:
                db.session.rollback()
                errors = exc.errors
    return render_template(
        "evaluation/panel.html",
        procurement=procurement,
        found=current_model(db.session, procurement),
        progress=panel_progress(db.session, procurement),
        evaluators=panel_service.candidates(db.session, procurement, "evaluator"),
        moderators=panel_service.candidates(db.session, procurement, "moderator"),
        errors=errors,
        error_items=error_list(errors),
    )


@bp.route("/<reference>/panel/<int:member_id>", methods=["GET", "POST"])
@allow(*LEAD_ROLES, per_object=True)
def member(reference: str, member_id: int) -> Any:
    procurement = procurement_or_404(reference)
    lead_only(procurement)
    person = member_by_id(db.session, procurement, member_id)
    if person is None:
        abort(404)
    found = current_model(db.session, procurement)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.form.get("action") == "remove":
                name = person.user.name
                panel_service.remove_member(db.session, person)
                db.session.commit()
                flash(f"{name} is no longer on the panel.", "success")
                return redirect(url_for("evaluation.panel", reference=reference))
            if found is None:
                raise ServiceError("No model", {"criteria": "Choose the evaluation model first"})
            chosen = set(request.form.getlist("criteria"))
            for section in found[1].sections:
                if section.name in request.form.getlist("sections"):
                    chosen.update(c.id for c in section.criteria)
            panel_service.assign(db.session, person, found[1], sorted(chosen))
            db.session.commit()
            flash(f"{person.user.name}'s criteria are saved.", "success")
            return redirect(url_for("evaluation.panel", reference=reference))
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/member.html",
        procurement=procurement,
        person=person,
        model=found[1] if found else None,
        assigned={a.criterion_id for a in person.assignments},
        errors=errors,
        error_items=error_list(errors),
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
    errors: dict[str, str] = {}
    recorded = moderation_service.pass_fail_of(db.session, procurement)
    versions = {
        f"version-{bid.id}-{q.id}": version_text(recorded.get((bid.id, q.id)))
        for bid in bids
        for q in found[1].pass_fail
    }
    if request.method == "POST":
        opened = {
            (bid.id, q.id): request.form[f"version-{bid.id}-{q.id}"]
            for bid in bids
            for q in found[1].pass_fail
            if f"version-{bid.id}-{q.id}" in request.form
        }
        versions.update({f"version-{b}-{q}": v for (b, q), v in opened.items()})
        answers = {
            (bid.id, q.id): (
                request.form.get(f"pf-{bid.id}-{q.id}", ""),
                request.form.get(f"note-{bid.id}-{q.id}", ""),
            )
            for bid in bids
            for q in found[1].pass_fail
        }
        try:
            with guarded(
                db.session,
                lambda: check_opened(
                    db.session,
                    opened,
                    moderation_service.pass_fail_of(db.session, procurement),
                    lambda key: f"The result on {key[1]}",
                ),
            ):
                count = moderation_service.record_pass_fail(
                    db.session, procurement, answers, current_user, clock.now(), opened=opened
                )
            db.session.commit()
            flash(f"{count} pass/fail result(s) recorded.", "success")
            return redirect(url_for("evaluation.pass_fail", reference=reference))
        except ChangedMeanwhile as exc:
            audit_lost_race(str(exc), "pass_fail_results", reference, procurement.id)
            errors = {
                f"pf-{key[0]}-{key[1]}" if isinstance(key, tuple) else "pass_fail": message
                for key, message in exc.changes.items()
            }
            versions.update(
                {
                    f"version-{key[0]}-{key[1]}": version
                    for key, version in exc.current.items()
                    if isinstance(key, tuple)
                }
            )
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/pass_fail.html",
        procurement=procurement,
        model=found[1],
        bids=bids,
        versions=versions,
        recorded=moderation_service.pass_fail_of(db.session, procurement),
        form=request.form,
        errors=errors,
        error_items=error_list(errors),
    )
