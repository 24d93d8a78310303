"""The panel member's side: their evaluations, confidentiality, conflicts, scores, workbooks."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from tenderflow import audit, clock
from tenderflow.domain.evaluation.panel import next_step
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import PanelMember, Procurement
from tenderflow.services import ServiceError
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_fingerprint,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.evaluation import (
    bid_label,
    bidders_to_declare,
    current_model,
    is_lead,
    member_by_id,
    member_of,
    workbooks,
)
from tenderflow.services.evaluation import panel as panel_service
from tenderflow.services.evaluation import scoring as scoring_service
from tenderflow.web.access import allow
from tenderflow.web.evaluation import (
    PANEL_ROLES,
    bp,
    error_list,
    panel_member_or_403,
    procurement_or_404,
)
from tenderflow.web.forms import audit_lost_race
from tenderflow.web.need_to_know import refuse

MAX_WORKBOOK_BYTES = 5_000_000


@bp.route("/")
@allow(Role.EVALUATOR, Role.MODERATOR)
def mine() -> Any:
    members = db.session.scalars(
        select(PanelMember)
        .join(Procurement, PanelMember.procurement_id == Procurement.id)
        .where(PanelMember.user_id == current_user.id)
        .order_by(Procurement.title)
    ).all()
    rows = []
    for member in members:
        progress = scoring_service.progress_of(db.session, member)
        step = next_step(
            stage=member.procurement.stage,
            signed=member.confidentiality_signed_at is not None,
            declared=panel_service.declared_every_bidder(db.session, member),
            progress=progress,
            role=member.role,
        )
        rows.append((member, progress, step))
    return render_template("evaluation/mine.html", rows=rows)


@bp.route("/<reference>")
@allow(*PANEL_ROLES, per_object=True)
def overview(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    on_panel = member_of(db.session, procurement, current_user) is not None
    if is_lead(current_user, procurement) and not on_panel:
        return redirect(url_for("evaluation.panel", reference=reference))
    member = panel_member_or_403(procurement)
    work = scoring_service.work_of(db.session, member)
    progress = scoring_service.progress_of(db.session, member)
    declared = panel_service.declared_every_bidder(db.session, member)
    step = next_step(
        stage=procurement.stage,
        signed=member.confidentiality_signed_at is not None,
        declared=declared,
        progress=progress,
        role=member.role,
    )
    blocked = scoring_service.why_not_scoring(db.session, member)
    scores = scoring_service.scores_of(db.session, member) if not blocked else {}
    found = current_model(db.session, procurement)
    return render_template(
        "evaluation/overview.html",
        procurement=procurement,
        member=member,
        work=work if not blocked else None,
        progress=progress,
        declared=declared,
        step=step,
        blocked=blocked,
        scores=scores,
        released=found is not None and found[0].guidance_published_at is not None,
    )


@bp.route("/<reference>/confidentiality", methods=["GET", "POST"])
@allow(Role.EVALUATOR, Role.MODERATOR, per_object=True)
def confidentiality(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    member = panel_member_or_403(procurement)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("agree") != "yes":
            errors["agree"] = "Confirm that you agree to keep the evaluation confidential"
        else:
            panel_service.sign_confidentiality(member, clock.now())
            db.session.commit()
            flash("You have signed the confidentiality agreement.", "success")
            return redirect(url_for("evaluation.conflicts", reference=reference))
    return render_template(
        "evaluation/confidentiality.html",
        procurement=procurement,
        member=member,
        errors=errors,
        error_items=error_list(errors),
    )


@bp.route("/<reference>/conflicts", methods=["GET", "POST"])
@allow(Role.EVALUATOR, Role.MODERATOR, per_object=True)
def conflicts(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    member = panel_member_or_403(procurement)
    if member.confidentiality_signed_at is None:
        flash("Sign the confidentiality agreement first.", "error")
        return redirect(url_for("evaluation.confidentiality", reference=reference))
    bidders = bidders_to_declare(db.session, procurement)
    existing = {c.bidder_id: c for c in member.conflicts}
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for bidder in bidders:
        declared = existing.get(bidder.id)
        values[f"bidder-{bidder.id}"] = (
            "" if declared is None else ("yes" if declared.conflicted else "no")
        )
        values[f"details-{bidder.id}"] = declared.details if declared else ""
    if request.method == "POST":
        values.update(request.form.to_dict())
        answers = {
            b.id: (
                {"yes": True, "no": False}.get(request.form.get(f"bidder-{b.id}", "")),
                request.form.get(f"details-{b.id}", ""),
            )
            for b in bidders
        }
        try:
            panel_service.declare_conflicts(db.session, member, answers, clock.now())
            db.session.commit()
            flash("Your declaration of interests is recorded.", "success")
            return redirect(url_for("evaluation.overview", reference=reference))
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/conflicts.html",
        procurement=procurement,
        bidders=bidders,
        values=values,
        errors=errors,
        error_items=error_list(errors),
    )


@bp.route("/<reference>/criteria/<criterion_id>/scores", methods=["GET", "POST"])
@allow(Role.EVALUATOR, per_object=True)
def score(reference: str, criterion_id: str) -> Any:
    procurement = procurement_or_404(reference)
    member = panel_member_or_403(procurement, role="evaluator")
    blocked = scoring_service.why_not_scoring(db.session, member)
    if blocked:
        flash(blocked, "error")
        return redirect(url_for("evaluation.overview", reference=reference))
    work = scoring_service.work_of(db.session, member)
    assert work is not None
    criterion = next((c for c in work.criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    saved = scoring_service.scores_of(db.session, member)
    values: dict[str, str] = {}
    for bid in work.bids:
        existing = saved.get((bid.id, criterion.id))
        values[f"score-{bid.id}"] = (
            "" if existing is None or existing.score is None else f"{existing.score.normalize():f}"
        )
        values[f"comment-{bid.id}"] = existing.comment if existing else ""
        values[f"version-{bid.id}"] = version_text(existing)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values.update(request.form.to_dict())
        opened = {
            (bid.id, criterion.id): request.form.get(f"version-{bid.id}", "")
            for bid in work.bids
            if f"version-{bid.id}" in request.form
        }
        rows = [
            (
                index,
                {
                    "bidder": bid_label(bid),
                    "criterion": criterion.id,
                    "score": request.form.get(f"score-{bid.id}", ""),
                    "comment": request.form.get(f"comment-{bid.id}", ""),
                },
            )
            for index, bid in enumerate(work.bids)
            if saved.get((bid.id, criterion.id)) is None
            or saved[(bid.id, criterion.id)].status != "submitted"
        ]
        try:
            with guarded(
                db.session,
                lambda: check_opened(
                    db.session,
                    opened,
                    scoring_service.scores_of(db.session, member),
                    lambda key: f"Your score for {key[1]}",
                ),
            ):
                scoring_service.save_scores(
                    db.session,
                    member,
                    criterion.id,
                    rows,
                    clock.now(),
                    entered_by=current_user,
                    opened=opened,
                )
            db.session.commit()
            flash(f"Your draft scores for {criterion.id} are saved.", "success")
            following = _next_criterion(work.criteria, criterion.id)
            if request.form.get("action") == "next" and following:
                return redirect(
                    url_for("evaluation.score", reference=reference, criterion_id=following)
                )
            return redirect(url_for("evaluation.overview", reference=reference))
        except scoring_service.ScoresRefused as exc:
            db.session.rollback()
            for problem in exc.problems:
                bid = work.bids[problem.row]
                field = "comment" if "comment" in problem.message else "score"
                errors.setdefault(f"{field}-{bid.id}", f"{bid_label(bid)}: {problem.message}")
        except ChangedMeanwhile as exc:
            audit_lost_race(str(exc), "evaluator_scores", criterion.id, procurement.id)
            saved = scoring_service.scores_of(db.session, member)
            for key, message in exc.changes.items():
                errors[f"score-{key[0]}" if isinstance(key, tuple) else "scores"] = message
            for key, version in exc.current.items():
                if isinstance(key, tuple):
                    values[f"version-{key[0]}"] = version  # saving again, knowingly, overwrites
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/score.html",
        procurement=procurement,
        work=work,
        criterion=criterion,
        saved=saved,
        values=values,
        following=_next_criterion(work.criteria, criterion.id),
        errors=errors,
        error_items=error_list(errors),
    )


def _next_criterion(criteria: list[Any], current: str) -> str | None:
    ids = [c.id for c in criteria]
    index = ids.index(current)
    return ids[index + 1] if index + 1 < len(ids) else None


@bp.route("/<reference>/submit", methods=["GET", "POST"])
@allow(Role.EVALUATOR, per_object=True)
def submit(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    member = panel_member_or_403(procurement, role="evaluator")
    errors: dict[str, str] = {}
    if request.method == "POST":
        opened = request.form.get("opened")  # a form without it is checked on write only
        try:
            with guarded(
                db.session,
                lambda: check_fingerprint(
                    db.session,
                    opened,
                    list(scoring_service.scores_of(db.session, member).values()),
                    "Your scores",
                ),
            ):
                count = scoring_service.submit_scores(
                    db.session, member, clock.now(), by=current_user, opened=opened
                )
            db.session.commit()
            flash(f"You submitted {count} scores. They can no longer be changed.", "success")
            return redirect(url_for("evaluation.overview", reference=reference))
        except ChangedMeanwhile as exc:
            audit_lost_race(str(exc), "evaluator_scores", member.id, procurement.id)
            errors = {"scores": next(iter(exc.changes.values()))}
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    blocked = scoring_service.why_not_scoring(db.session, member)
    return render_template(
        "evaluation/submit.html",
        procurement=procurement,
        opened=scoring_service.scores_fingerprint(db.session, member),
        entered_by_others=scoring_service.entered_by_others(db.session, member),
        progress=scoring_service.progress_of(db.session, member),
        blocked=blocked,
        errors=errors,
        error_items=error_list(errors),
    )


def _workbook_member(procurement: Procurement, member_id: int) -> PanelMember:
    member = member_by_id(db.session, procurement, member_id)
    if member is None:
        abort(404)
    if member.user_id != current_user.id and not is_lead(current_user, procurement):
        refuse(procurement, "see another panel member's workbook", "panel_members", member.id)
    if member.role != "evaluator":
        abort(404)
    return member


@bp.route("/<reference>/panel/<int:member_id>/workbook")
@allow(Role.EVALUATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def workbook(reference: str, member_id: int) -> Any:
    procurement = procurement_or_404(reference)
    member = _workbook_member(procurement, member_id)
    try:
        # Only the evaluator sees their own saved scores; anyone else gets a blank workbook.
        data = workbooks.export_workbook(
            db.session, member, with_scores=member.user_id == current_user.id
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("evaluation.overview", reference=reference))
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=workbooks.workbook_name(member),
    )


@bp.route("/<reference>/panel/<int:member_id>/workbook/import", methods=["GET", "POST"])
@allow(Role.EVALUATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def import_workbook(reference: str, member_id: int) -> Any:
    procurement = procurement_or_404(reference)
    member = _workbook_member(procurement, member_id)
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("workbook")
        data = upload.read(MAX_WORKBOOK_BYTES + 1) if upload and upload.filename else b""
        if not data:
            errors["workbook"] = "Select the scoring workbook to upload"
        elif len(data) > MAX_WORKBOOK_BYTES:
            errors["workbook"] = "The workbook must be smaller than 5 MB"
        else:
            submitted = request.form.get("submit_scores") == "yes"
            try:
                with guarded(db.session):
                    count = workbooks.import_workbook(
                        db.session,
                        member,
                        data,
                        clock.now(),
                        entered_by=current_user,
                        submit=submitted,
                    )
                db.session.commit()
                flash(
                    f"{count} scores imported"
                    + (" and submitted." if submitted else " as drafts."),
                    "success",
                )
                if member.user_id == current_user.id:
                    return redirect(url_for("evaluation.overview", reference=reference))
                return redirect(url_for("evaluation.panel", reference=reference))
            except scoring_service.ScoresRefused as exc:
                db.session.rollback()
                problems = [str(p) for p in exc.problems]
                audit.record(
                    db.session,
                    "refused",
                    "scoring workbook",
                    member.id,
                    f"Scoring workbook for {member.user.name} refused: {len(problems)} problem(s)",
                    procurement.id,
                )
                db.session.commit()
                errors["workbook"] = (
                    f"The workbook was not imported: {len(problems)} problem(s), listed below"
                )
            except scoring_service.NotTheEvaluator as exc:
                db.session.rollback()
                audit.refused(
                    db.session,
                    "scoring workbook",
                    member.id,
                    f"Submitting {member.user.name}'s scores on import refused: only the "
                    "evaluator submits their scores",
                    procurement.id,
                )
                db.session.commit()
                errors["submit_scores"] = str(exc)
            except ChangedMeanwhile:
                db.session.rollback()
                errors["workbook"] = (
                    "The scores were changed while the workbook was imported: upload it again"
                )
            except ServiceError as exc:
                db.session.rollback()
                errors["workbook"] = next(iter(exc.errors.values()), str(exc))
    return render_template(
        "evaluation/import.html",
        procurement=procurement,
        member=member,
        errors=errors,
        error_items=error_list(errors),
        problems=problems,
    )
