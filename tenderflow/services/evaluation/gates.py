"""Stage gates for the evaluation: the model, the panel, scoring, moderation.

Each check names who or what is missing so the procurement lead can act on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tenderflow.domain.council_papers import join_words
from tenderflow.models import PanelMember, Procurement
from tenderflow.services.evaluation import bid_label, bids_in_evaluation, current_model, panel_of
from tenderflow.services.evaluation.moderation import moderation_of, open_queries, pass_fail_of
from tenderflow.services.evaluation.panel import declared_every_bidder
from tenderflow.services.evaluation.scoring import progress_of


def _unassigned_criteria(found: Any, evaluators: list[PanelMember]) -> list[str]:
    """Name the model's criteria no evaluator is assigned (``found``: version and model)."""
    if found is None:
        return []
    covered = {a.criterion_id for m in evaluators for a in m.assignments}
    uncovered = [c.id for c in found[1].criteria if c.id not in covered]
    return [f"Assign {join_words(uncovered)} to at least one evaluator."] if uncovered else []


def model_is_published(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """An evaluation model is published with the ITT."""
    found = current_model(session, procurement)
    if found is None:
        return ["Choose the evaluation model and publish it with the ITT."]
    if found[0].published_at is None:
        return ["Publish the evaluation model with the ITT."]
    return []


def panel_is_ready(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """The guidance is released and every evaluator is assigned, signed and declared."""
    unmet: list[str] = []
    found = current_model(session, procurement)
    if found is None or found[0].guidance_published_at is None:
        unmet.append("Release the evaluation guidance to the panel.")
    evaluators = [m for m in panel_of(session, procurement) if m.role == "evaluator"]
    if not evaluators:
        return [*unmet, "Add evaluators to the panel and assign them criteria."]
    unassigned = [m.user.name for m in evaluators if not m.assignments]
    if unassigned:
        unmet.append(f"Assign sections or criteria to {join_words(unassigned)}.")
    unmet += _unassigned_criteria(found, evaluators)
    unsigned = [m.user.name for m in evaluators if m.confidentiality_signed_at is None]
    if unsigned:
        unmet.append(f"{join_words(unsigned)} must sign the confidentiality agreement.")
    undeclared = [m.user.name for m in evaluators if not declared_every_bidder(session, m)]
    if undeclared:
        unmet.append(
            f"{join_words(undeclared)} must declare conflicts of interest for each bidder."
        )
    return unmet


def scores_are_submitted(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Every evaluator has submitted every score assigned to them."""
    evaluators = [m for m in panel_of(session, procurement) if m.role == "evaluator"]
    if not evaluators:
        return ["The panel has no evaluators."]
    unmet = _unassigned_criteria(current_model(session, procurement), evaluators)
    for member in evaluators:
        progress = progress_of(session, member)
        if progress.expected == 0 and member.assignments:
            continue  # conflicted on every bid, or no bids opened: nothing owed
        if not progress.finished:
            owed = progress.expected - progress.submitted
            unmet.append(
                f"{member.user.name} has not submitted {owed} of {progress.expected} scores."
            )
    return unmet


def _consensus_complete(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    found = current_model(session, procurement)
    if found is None:
        return ["The procurement has no evaluation model."]
    _, model = found
    unmet: list[str] = []
    bids = bids_in_evaluation(session, procurement)
    if not bids:
        unmet.append("No bids are in the evaluation.")
    moderation = moderation_of(session, procurement)
    if moderation is None:
        unmet.append("Moderation has not opened.")
    else:
        for bid in moderation.bids:
            missing = [
                c.id
                for c in model.criteria
                if (cell := moderation.cells[(bid.id, c.id)]).consensus is None
                or not cell.consensus.rationale.strip()
            ]
            if missing:
                unmet.append(
                    f"Agree consensus scores with a rationale for {bid_label(bid)} on "
                    f"{join_words(missing)}."
                )
    recorded = pass_fail_of(session, procurement)
    for bid in bids:
        missing = [q.id for q in model.pass_fail if (bid.id, q.id) not in recorded]
        if missing:
            unmet.append(f"Record pass or fail for {bid_label(bid)} on {join_words(missing)}.")
    queries = open_queries(session, procurement)
    if queries:
        unmet.append(
            f"Resolve {len(queries)} open moderation quer{'y' if len(queries) == 1 else 'ies'}."
        )
    return unmet


def moderation_is_complete(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Consensus on every criterion of every bid, pass/fail recorded, no open query."""
    return _consensus_complete(session, procurement, now)


def moderation_is_complete_before_award(
    session: Session, procurement: Procurement, now: datetime
) -> list[str]:
    """As into standstill, for routes that go from moderation straight to award."""
    stages = procurement.stages
    if "standstill" in stages or "moderation" not in stages:
        return []
    return _consensus_complete(session, procurement, now)
