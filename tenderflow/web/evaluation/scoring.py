"""The panel member's side: their evaluations, confidentiality, conflicts, scores, workbooks."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField

from tenderflow import audit, clock
from tenderflow.domain.evaluation.panel import next_step
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import PanelMember, Procurement
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
    member_by_id,
    member_of,
    workbooks,
)
from tenderflow.services.evaluation import panel as panel_service
from tenderflow.services.evaluation import scoring as scoring_service
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web import kept_pages
from tenderflow.web.access import allow
from tenderflow.web.evaluation import PANEL_ROLES, bp, panel_member_or_403
from tenderflow.web.evaluation.forms import (
    Anchor,
    ConfidentialityForm,
    ImportForm,
    SubmitForm,
    built,
    first_error,
    posted,
    radios,
    sent,
    text,
    textarea,
)
from tenderflow.web.forms import apply_errors, audit_lost_race
from tenderflow.web.kit import attempt, procurement_or_404, runs, save
from tenderflow.web.need_to_know import refuse


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
    written = kept_pages.token()  # before any data is read
    procurement = procurement_or_404(reference)
    on_panel = member_of(db.session, procurement, current_user) is not None
    if runs(procurement) and not on_panel:
        return redirect(url_for("evaluation.panel", reference=reference))
    member = panel_member_or_403(procurement)
    return kept_pages.page(written, lambda: _overview_page(procurement, member))


def _overview_page(procurement: Procurement, member: PanelMember) -> str:
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
    form = ConfidentialityForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: panel_service.sign_confidentiality(member, clock.now()),
            message="You have signed the confidentiality agreement.",
            to=url_for("evaluation.conflicts", reference=reference),
        )
        if saved:
            return saved
    return render_template(
        "evaluation/confidentiality.html", procurement=procurement, member=member, form=form
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
    fields: dict[str, Any] = {}
    initial: dict[str, str] = {}
    for bidder in bidders:
        declared = existing.get(bidder.id)
        fields[f"bidder-{bidder.id}"] = radios(
            f"Do you have a conflict of interest with {bidder.name}?",
            [("no", "No"), ("yes", "Yes")],
        )
        fields[f"details-{bidder.id}"] = textarea(
            f"Describe your conflict with {bidder.name}", "Only if you answered yes."
        )
        initial[f"bidder-{bidder.id}"] = (
            "" if declared is None else ("yes" if declared.conflicted else "no")
        )
        initial[f"details-{bidder.id}"] = declared.details if declared else ""
    fields["conflicts"] = Anchor()
    form = built("ConflictsForm", fields, data=initial)
    if form.validate_on_submit():
        answers = {
            b.id: (
                {"yes": True, "no": False}.get(sent(form[f"bidder-{b.id}"])),
                sent(form[f"details-{b.id}"]),
            )
            for b in bidders
        }
        saved = save(
            form,
            lambda: panel_service.declare_conflicts(db.session, member, answers, clock.now()),
            message="Your declaration of interests is recorded.",
            to=url_for("evaluation.overview", reference=reference),
        )
        if saved:
            return saved
    return render_template(
        "evaluation/conflicts.html", procurement=procurement, bidders=bidders, form=form
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
    fields: dict[str, Any] = {}
    initial: dict[str, str] = {}
    for bid in work.bids:
        existing = saved.get((bid.id, criterion.id))
        fields[f"version-{bid.id}"] = HiddenField()
        fields[f"score-{bid.id}"] = text(
            f"Score for {bid_label(bid)}",
            f"From {work.model.scale.label}, whole or half points",
        )
        fields[f"comment-{bid.id}"] = textarea(
            f"Comment for {bid_label(bid)}", "Why this score: the evidence in the bid"
        )
        initial[f"score-{bid.id}"] = (
            "" if existing is None or existing.score is None else f"{existing.score.normalize():f}"
        )
        initial[f"comment-{bid.id}"] = existing.comment if existing else ""
        initial[f"version-{bid.id}"] = version_text(existing)
    fields["scores"] = Anchor()
    fields["action"] = HiddenField()
    form = built("ScoreForm", fields, data=initial)
    if form.validate_on_submit():
        opened = {
            (bid.id, criterion.id): sent(form[f"version-{bid.id}"])
            for bid in work.bids
            if posted(form[f"version-{bid.id}"])
        }
        rows = [
            (
                index,
                {
                    "bidder": bid_label(bid),
                    "criterion": criterion.id,
                    "score": sent(form[f"score-{bid.id}"]),
                    "comment": sent(form[f"comment-{bid.id}"]),
                },
            )
            for index, bid in enumerate(work.bids)
            if saved.get((bid.id, criterion.id)) is None
            or saved[(bid.id, criterion.id)].status != "submitted"
        ]

        def save_drafts() -> None:
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

        _, refused = attempt(save_drafts)
        if refused is None:
            flash(f"Your draft scores for {criterion.id} are saved.", "success")
            following = _next_criterion(work.criteria, criterion.id)
            if sent(form.action) == "next" and following:
                return redirect(
                    url_for("evaluation.score", reference=reference, criterion_id=following)
                )
            return redirect(url_for("evaluation.overview", reference=reference))
        if isinstance(refused, scoring_service.ScoresRefused):
            for problem in refused.problems:
                bid = work.bids[problem.row]
                field = "comment" if "comment" in problem.message else "score"
                first_error(form, f"{field}-{bid.id}", f"{bid_label(bid)}: {problem.message}")
        elif isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "evaluator_scores", criterion.id, procurement.id)
            saved = scoring_service.scores_of(db.session, member)
            apply_errors(
                form,
                {
                    f"score-{key[0]}" if isinstance(key, tuple) else "scores": message
                    for key, message in refused.changes.items()
                },
            )
            for key, version in refused.current.items():
                if isinstance(key, tuple):
                    # saving again, knowingly, overwrites
                    form[f"version-{key[0]}"].data = version
        else:
            apply_errors(form, refused.errors)
    return render_template(
        "evaluation/score.html",
        procurement=procurement,
        work=work,
        criterion=criterion,
        saved=saved,
        following=_next_criterion(work.criteria, criterion.id),
        form=form,
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
    form = SubmitForm()
    if form.validate_on_submit():
        opened = form.opened.data if posted(form.opened) else None

        def submit_all() -> int:
            with guarded(
                db.session,
                lambda: check_fingerprint(
                    db.session,
                    opened,
                    list(scoring_service.scores_of(db.session, member).values()),
                    "Your scores",
                ),
            ):
                return scoring_service.submit_scores(
                    db.session, member, clock.now(), by=current_user, opened=opened
                )

        count, refused = attempt(submit_all)
        if refused is None:
            flash(f"You submitted {count} scores. They can no longer be changed.", "success")
            return redirect(url_for("evaluation.overview", reference=reference))
        if isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "evaluator_scores", member.id, procurement.id)
            apply_errors(form, {"scores": next(iter(refused.changes.values()))})
        else:
            apply_errors(form, refused.errors)
    blocked = scoring_service.why_not_scoring(db.session, member)
    return render_template(
        "evaluation/submit.html",
        procurement=procurement,
        opened=scoring_service.scores_fingerprint(db.session, member),
        entered_by_others=scoring_service.entered_by_others(db.session, member),
        progress=scoring_service.progress_of(db.session, member),
        blocked=blocked,
        form=form,
    )


def _workbook_member(procurement: Procurement, member_id: int) -> PanelMember:
    member = member_by_id(db.session, procurement, member_id)
    if member is None:
        abort(404)
    if member.user_id != current_user.id and not runs(procurement):
        refuse(procurement, "see another panel member's workbook", "panel_members", member.id)
    if member.role != "evaluator":
        abort(404)
    return member


@bp.route("/<reference>/panel/<int:member_id>/workbook")
@allow(Role.EVALUATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def workbook(reference: str, member_id: int) -> Any:
    procurement = procurement_or_404(reference)
    member = _workbook_member(procurement, member_id)
    # Only the evaluator sees their own saved scores; anyone else gets a blank workbook.
    data, refused = attempt(
        lambda: workbooks.export_workbook(
            db.session, member, with_scores=member.user_id == current_user.id
        )
    )
    if refused is not None:
        flash(str(refused), "error")
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
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        submitted = sent(form.submit_scores) == "yes"

        def import_scores() -> int:
            with guarded(db.session):
                return workbooks.import_workbook(
                    db.session,
                    member,
                    form.content,
                    clock.now(),
                    entered_by=current_user,
                    submit=submitted,
                )

        count, refused = attempt(import_scores)
        if refused is None:
            flash(
                f"{count} scores imported" + (" and submitted." if submitted else " as drafts."),
                "success",
            )
            if member.user_id == current_user.id:
                return redirect(url_for("evaluation.overview", reference=reference))
            return redirect(url_for("evaluation.panel", reference=reference))
        if isinstance(refused, scoring_service.ScoresRefused):
            problems = [str(p) for p in refused.problems]
            with unit_of_work(db.session):
                audit.record(
                    db.session,
                    "refused",
                    "scoring workbook",
                    member.id,
                    f"Scoring workbook for {member.user.name} refused: {len(problems)} problem(s)",
                    procurement.id,
                )
            apply_errors(
                form,
                {
                    "workbook": f"The workbook was not imported: {len(problems)} problem(s), "
                    "listed below"
                },
            )
        elif isinstance(refused, scoring_service.NotTheEvaluator):
            with unit_of_work(db.session):
                audit.refused(
                    db.session,
                    "scoring workbook",
                    member.id,
                    f"Submitting {member.user.name}'s scores on import refused: only the "
                    "evaluator submits their scores",
                    procurement.id,
                )
            apply_errors(form, {"submit_scores": str(refused)})
        elif isinstance(refused, ChangedMeanwhile):
            apply_errors(
                form,
                {
                    "workbook": "The scores were changed while the workbook was imported: "
                    "upload it again"
                },
            )
        else:
            apply_errors(form, {"workbook": next(iter(refused.errors.values()), str(refused))})
    return render_template(
        "evaluation/import.html",
        procurement=procurement,
        member=member,
        form=form,
        problems=problems,
    )
