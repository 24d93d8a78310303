"""The moderator's side: scores side by side, consensus, queries; and the results page."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import HiddenField

from tenderflow import clock
from tenderflow.domain.evaluation.panel import moderation_open
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ModerationQuery, Procurement
from tenderflow.services import ServiceError, need_to_know
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.evaluation import bid_label, bids_in_evaluation, member_of
from tenderflow.services.evaluation import moderation as service
from tenderflow.services.evaluation.panel import declared_every_bidder
from tenderflow.services.evaluation.results import results_as_seen, results_for
from tenderflow.web import kept_pages
from tenderflow.web.access import allow
from tenderflow.web.evaluation import bp, moderator_or_404
from tenderflow.web.evaluation.forms import (
    QueryForm,
    ResolveForm,
    built,
    posted,
    sent,
    text,
    textarea,
)
from tenderflow.web.forms import apply_errors, audit_lost_race
from tenderflow.web.kit import attempt, procurement_or_404, runs, save
from tenderflow.web.need_to_know import refuse, results_or_404


def _moderator_or_redirect(reference: str) -> Any:
    """Return the procurement, and a redirect for a moderator who has not yet signed and
    declared (or None); anyone else off its panel is refused with a 404."""
    procurement = procurement_or_404(reference)
    member = moderator_or_404(procurement)
    if member is not None and not (
        member.confidentiality_signed_at and declared_every_bidder(db.session, member)
    ):
        flash("Sign the confidentiality agreement and declare any conflicts first.", "error")
        return procurement, redirect(url_for("evaluation.overview", reference=reference))
    return procurement, None


@bp.route("/<reference>/moderation")
@allow(Role.MODERATOR, Role.ADMIN, per_object=True)
def moderation(reference: str) -> Any:
    written = kept_pages.token()  # before any data is read
    procurement, refused = _moderator_or_redirect(reference)
    if refused:
        return refused
    return kept_pages.page(
        written,
        lambda: render_template(
            "evaluation/moderation.html",
            procurement=procurement,
            moderation=service.moderation_of(db.session, procurement, current_user),
            queries=_queries_seen(procurement),
        ),
    )


@bp.route("/<reference>/moderation/<criterion_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.ADMIN, per_object=True)
def consensus(reference: str, criterion_id: str) -> Any:
    procurement, refused = _moderator_or_redirect(reference)
    if refused:
        return refused
    moderation = service.moderation_of(db.session, procurement, current_user)
    if moderation is None:
        flash("Moderation has not opened.", "error")
        return redirect(url_for("evaluation.moderation", reference=reference))
    try:
        criterion = moderation.model.criterion(criterion_id)
    except KeyError:
        abort(404)
    cells = moderation.for_criterion(criterion.id)
    fields: dict[str, Any] = {}
    initial: dict[str, str] = {}
    for cell in cells:
        bid_id = cell.bid.id
        fields[f"version-{bid_id}"] = HiddenField()
        fields[f"score-{bid_id}"] = text(f"Consensus score for {bid_label(cell.bid)}")
        fields[f"rationale-{bid_id}"] = textarea(f"Rationale for {bid_label(cell.bid)}")
        initial[f"score-{bid_id}"] = (
            f"{cell.consensus.score.normalize():f}" if cell.consensus else ""
        )
        initial[f"rationale-{bid_id}"] = cell.consensus.rationale if cell.consensus else ""
        initial[f"version-{bid_id}"] = version_text(cell.consensus)
    form = built("ConsensusForm", fields, data=initial)
    if form.validate_on_submit():
        errors: dict[str, str] = {}
        lost = ""  # why a consensus score was not saved, if another write got there first
        opened = {
            cell.bid.id: sent(form[f"version-{cell.bid.id}"])
            for cell in cells
            if posted(form[f"version-{cell.bid.id}"])
        }

        def agree_one(cell: Any, score_text: str, rationale: str) -> None:
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

        def agree() -> int:
            nonlocal lost
            recorded = 0
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
                    score_text = sent(form[f"score-{cell.bid.id}"]).strip()
                    rationale = sent(form[f"rationale-{cell.bid.id}"])
                    if not score_text and not rationale.strip():
                        continue  # not agreed yet
                    # Each bid is tried on its own, so every refusal is shown at once.
                    _, refused = attempt(partial(agree_one, cell, score_text, rationale))
                    if refused is None:
                        recorded += 1
                    elif isinstance(refused, ChangedMeanwhile):
                        lost = lost or str(refused)
                        errors[f"score-{cell.bid.id}"] = refused.changes["score"]
                        form[f"version-{cell.bid.id}"].data = refused.current["score"]
                    else:
                        for name, message in refused.errors.items():
                            errors[f"{name}-{cell.bid.id}"] = message
            if errors:
                raise ServiceError("Consensus not recorded", errors)  # nothing is kept
            return recorded

        recorded, refused = attempt(agree)
        if refused is None:
            flash(f"{recorded} consensus score(s) recorded for {criterion.id}.", "success")
            return redirect(url_for("evaluation.moderation", reference=reference))
        if isinstance(refused, ChangedMeanwhile):
            lost = lost or str(refused)
            for bid_id, message in refused.changes.items():
                field = bid_id if bid_id != "version" else (cells[0].bid.id if cells else "")
                errors[f"score-{field}"] = message
            for bid_id, version in refused.current.items():
                # saving again, knowingly, overwrites
                form[f"version-{bid_id}"].data = version
        apply_errors(form, errors or refused.errors)
        if lost:
            audit_lost_race(lost, "consensus_scores", criterion.id, procurement.id)
    return render_template(
        "evaluation/consensus.html",
        procurement=procurement,
        moderation=moderation,
        criterion=criterion,
        cells=cells,
        form=form,
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
    if not (runs(procurement) or (member and member.role == "moderator")):
        refuse(procurement, "see the moderation queries", "procurements", procurement.id)
    return procurement


@bp.route("/<reference>/queries", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.PROCUREMENT_LEAD, Role.ADMIN, per_object=True)
def queries(reference: str) -> Any:
    procurement = _query_access(reference)
    moderation = service.moderation_of(db.session, procurement, current_user)
    form = QueryForm()
    if moderation:
        form.bid.choices = [
            ("", "No particular bid"),
            *((str(b.id), bid_label(b)) for b in moderation.bids),
        ]
        form.criterion.choices = [
            ("", "No particular criterion"),
            *((c.id, f"{c.id}: {c.title}") for c in moderation.model.criteria),
        ]
    if form.validate_on_submit():
        bid = None
        bid_choice = sent(form.bid)
        if moderation and bid_choice.isdigit():
            bid = next((b for b in moderation.bids if b.id == int(bid_choice)), None)
        criterion = sent(form.criterion)
        if moderation and criterion and criterion not in {c.id for c in moderation.model.criteria}:
            criterion = ""

        def raise_query() -> None:
            if not moderation_open(procurement.stage):
                raise ServiceError(
                    "Closed", {"question": "Queries are raised once moderation opens"}
                )
            service.raise_query(
                db.session,
                procurement,
                sent(form.question),
                current_user,
                clock.now(),
                bid=bid,
                criterion_id=criterion or None,
            )

        saved = save(
            form,
            raise_query,
            message="The query is raised.",
            to=url_for("evaluation.queries", reference=reference),
        )
        if saved:
            return saved
    return render_template(
        "evaluation/queries.html",
        procurement=procurement,
        moderation=moderation,
        queries=_queries_seen(procurement),
        form=form,
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
    form = ResolveForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: service.resolve_query(item, sent(form.resolution), current_user, clock.now()),
            message="The query is resolved.",
            to=url_for("evaluation.queries", reference=reference),
        )
        if saved:
            return saved
    return render_template("evaluation/query.html", procurement=procurement, query=item, form=form)


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
    written = kept_pages.token()  # before any data is read
    procurement = procurement_or_404(reference)
    results_or_404(procurement)
    return kept_pages.page(written, lambda: _results_page(procurement))


def _results_page(procurement: Procurement) -> str:
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
