"""The moderator's side: scores side by side, consensus, queries; and the results page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tenderflow import clock
from tenderflow.domain.evaluation.panel import moderation_open
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ModerationQuery
from tenderflow.services import ServiceError, need_to_know
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.evaluation import bids_in_evaluation, is_lead, member_of
from tenderflow.services.evaluation import moderation as service
from tenderflow.services.evaluation.panel import declared_every_bidder
from tenderflow.services.evaluation_results import results_as_seen, results_for
from tenderflow.web.access import allow
from tenderflow.web.evaluation import (
    bp,
    error_list,
    moderator_or_404,
    procurement_or_404,
)
from tenderflow.web.forms import audit_lost_race
from tenderflow.web.need_to_know import refuse, results_or_404


def _moderation_or_redirect(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    member = moderator_or_404(procurement)
    if member is not None and not (
        member.confidentiality_signed_at and declared_every_bidder(db.session, member)
    ):
        flash("Sign the confidentiality agreement and declare any conflicts first.", "error")
        return procurement, None, redirect(url_for("evaluation.overview", reference=reference))
    return procurement, service.moderation_of(db.session, procurement, current_user), None


@bp.route("/<reference>/moderation")
@allow(Role.MODERATOR, Role.ADMIN, per_object=True)
def moderation(reference: str) -> Any:
    procurement, moderation, refused = _moderation_or_redirect(reference)
    if refused:
        return refused
    return render_template(
        "evaluation/moderation.html",
        procurement=procurement,
        moderation=moderation,
        queries=_queries_seen(procurement),
    )


@bp.route("/<reference>/moderation/<criterion_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.ADMIN, per_object=True)
def consensus(reference: str, criterion_id: str) -> Any:
    procurement, moderation, refused = _moderation_or_redirect(reference)
    if refused:
        return refused
    if moderation is None:
        flash("Moderation has not opened.", "error")
        return redirect(url_for("evaluation.moderation", reference=reference))
    try:
        criterion = moderation.model.criterion(criterion_id)
    except KeyError:
        abort(404)
    cells = moderation.for_criterion(criterion.id)
    values: dict[str, str] = {}
    for cell in cells:
        values[f"score-{cell.bid.id}"] = (
            f"{cell.consensus.score.normalize():f}" if cell.consensus else ""
        )
        values[f"rationale-{cell.bid.id}"] = cell.consensus.rationale if cell.consensus else ""
        values[f"version-{cell.bid.id}"] = version_text(cell.consensus)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values.update(request.form.to_dict())
        recorded = 0
        lost = ""  # why a consensus score was not saved, if another write got there first
        opened = {
            cell.bid.id: request.form[f"version-{cell.bid.id}"]
            for cell in cells
            if f"version-{cell.bid.id}" in request.form
        }
        try:
            with guarded(
                db.session,
                lambda: check_opened(
                    db.session,
                    opened,
                    service.consensus_of(db.session, procurement, criterion.id),
                    lambda _: f"The consensus score for {criterion.id}",
                ),
            ):
                for cell in cells:
                    score_text = request.form.get(f"score-{cell.bid.id}", "").strip()
                    rationale = request.form.get(f"rationale-{cell.bid.id}", "")
                    if not score_text and not rationale.strip():
                        continue  # not agreed yet
                    try:
                        service.record_consensus(
                            db.session,
                            procurement,
                            cell.bid,
                            criterion.id,
                            score_text,
                            rationale,
                            current_user,
                            clock.now(),
                            opened=opened.get(cell.bid.id),
                        )
                        recorded += 1
                    except ChangedMeanwhile as exc:
                        lost = lost or str(exc)
                        errors[f"score-{cell.bid.id}"] = exc.changes["score"]
                        values[f"version-{cell.bid.id}"] = exc.current["score"]
                    except ServiceError as exc:
                        for name, message in exc.errors.items():
                            errors[f"{name}-{cell.bid.id}"] = message
        except ChangedMeanwhile as exc:
            lost = lost or str(exc)
            for bid_id, message in exc.changes.items():
                field = bid_id if bid_id != "version" else (cells[0].bid.id if cells else "")
                errors[f"score-{field}"] = message
            for bid_id, version in exc.current.items():
                values[f"version-{bid_id}"] = version  # saving again, knowingly, overwrites
        if not errors:
            db.session.commit()
            flash(f"{recorded} consensus score(s) recorded for {criterion.id}.", "success")
            return redirect(url_for("evaluation.moderation", reference=reference))
        db.session.rollback()
        if lost:
            audit_lost_race(lost, "consensus_scores", criterion.id, procurement.id)
    return render_template(
        "evaluation/consensus.html",
        procurement=procurement,
        moderation=moderation,
        criterion=criterion,
        cells=cells,
        values=values,
        errors=errors,
        error_items=error_list(errors),
    )


def _queries_seen(procurement: Any) -> list[ModerationQuery]:
    """Return the queries, less those about a bid the person declared a conflict with."""
    withheld = need_to_know.withheld_bidder_ids(db.session, current_user, procurement)
    return [
        q
        for q in service.queries_of(db.session, procurement)
        if q.bid is None or q.bid.bidder_id not in withheld
    ]


def _query_access(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    member = member_of(db.session, procurement, current_user)
    if not (is_lead(current_user, procurement) or (member and member.role == "moderator")):
        refuse(procurement, "see the moderation queries", "procurements", procurement.id)
    return procurement


@bp.route("/<reference>/queries", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def queries(reference: str) -> Any:
    procurement = _query_access(reference)
    moderation = service.moderation_of(db.session, procurement, current_user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        bid = None
        bid_choice = request.form.get("bid", "")
        if moderation and bid_choice.isdigit():
            bid = next((b for b in moderation.bids if b.id == int(bid_choice)), None)
        criterion = request.form.get("criterion", "")
        if moderation and criterion and criterion not in {c.id for c in moderation.model.criteria}:
            criterion = ""
        try:
            if not moderation_open(procurement.stage):
                raise ServiceError(
                    "Closed", {"question": "Queries are raised once moderation opens"}
                )
            service.raise_query(
                db.session,
                procurement,
                request.form.get("question", ""),
                current_user,
                clock.now(),
                bid=bid,
                criterion_id=criterion or None,
            )
            db.session.commit()
            flash("The query is raised.", "success")
            return redirect(url_for("evaluation.queries", reference=reference))
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/queries.html",
        procurement=procurement,
        moderation=moderation,
        queries=_queries_seen(procurement),
        form=request.form,
        errors=errors,
        error_items=error_list(errors),
    )


@bp.route("/<reference>/queries/<int:query_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def query(reference: str, query_id: int) -> Any:
    procurement = _query_access(reference)
    item = db.session.get(ModerationQuery, query_id)
    if item is None or item.procurement_id != procurement.id:
        abort(404)
    if item not in _queries_seen(procurement):
        refuse(procurement, "see a query about a withheld bid", "moderation_queries", item.id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            service.resolve_query(
                item, request.form.get("resolution", ""), current_user, clock.now()
            )
            db.session.commit()
            flash("The query is resolved.", "success")
            return redirect(url_for("evaluation.queries", reference=reference))
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template(
        "evaluation/query.html",
        procurement=procurement,
        query=item,
        errors=errors,
        error_items=error_list(errors),
    )


@bp.route("/<reference>/results")
@allow(
    Role.ADMIN,
    Role.PROCUREMENT_LEAD,
    Role.MODERATOR,
    Role.COMMISSIONING_BODY,
    Role.EVALUATOR,
    per_object=True,
)
def results(reference: str) -> Any:
    procurement = procurement_or_404(reference)
    results_or_404(procurement)
    # Each lot is evaluated on its own; a procurement without lots is one evaluation.
    lots = [
        lot
        for lot in procurement.lots
        if any(bid.lot_id == lot.id for bid in bids_in_evaluation(db.session, procurement))
    ]
    found = [(lot, results_for(db.session, procurement, lot)) for lot in lots] or [
        (None, results_for(db.session, procurement))
    ]
    if found[0][1] is None:
        abort(404)
    # A declared conflict removes the person from that bid here too: its rows are withheld.
    withheld = need_to_know.withheld_bidder_ids(db.session, current_user, procurement)
    blocks = [(lot, results_as_seen(results, withheld)) for lot, results in found]
    return render_template(
        "evaluation/results.html",
        procurement=procurement,
        blocks=blocks,
        open_queries=service.open_queries(db.session, procurement),
    )
