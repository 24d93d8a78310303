"""Moderation: each evaluator's scores side by side, consensus scores, queries, pass/fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from tenderflow.domain.evaluation import Criterion, EvaluationModel
from tenderflow.domain.evaluation.panel import flagged, moderation_open, parse_score, spread
from tenderflow.domain.exact import published
from tenderflow.models import (
    Bid,
    ConsensusScore,
    EvaluatorScore,
    ModerationQuery,
    PanelMember,
    PassFailRecord,
    Procurement,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services.concurrency import Opened, check_opened
from tenderflow.services.evaluation import (
    bid_label,
    bids_in_evaluation,
    conflicted_bidder_ids,
    current_model,
    member_of,
)


@dataclass
class Cell:
    """One bid on one criterion: each evaluator's submitted score, the spread and consensus."""

    bid: Bid
    criterion: Criterion
    scores: list[EvaluatorScore] = field(default_factory=list)
    consensus: ConsensusScore | None = None
    threshold: Decimal = Decimal(2)

    @property
    def values(self) -> list[Decimal]:
        return [s.score for s in self.scores if s.score is not None]

    @property
    def spread(self) -> Decimal | None:
        return spread(self.values)

    @property
    def flagged(self) -> bool:
        return flagged(self.values, self.threshold)

    @property
    def mean(self) -> Decimal | None:
        """Return the evaluators' mean as the results publish it: exact, rounded once."""
        values = self.values
        return published(Fraction(sum(values, Decimal(0))) / len(values)) if values else None


@dataclass(frozen=True)
class Moderation:
    """Every cell of the evaluation, by criterion."""

    model: EvaluationModel
    bids: list[Bid]
    cells: dict[tuple[int, str], Cell]
    # Bids kept from the person looking, who declared a conflict with their bidders.
    withheld: int = 0

    def for_criterion(self, criterion_id: str) -> list[Cell]:
        return [self.cells[(bid.id, criterion_id)] for bid in self.bids]

    @property
    def flags(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.flagged]

    @property
    def agreed(self) -> int:
        return sum(1 for c in self.cells.values() if c.consensus is not None)


def conflicts_of(session: Session, procurement: Procurement, user: User | None) -> set[int]:
    """Return the bidders the user, on this procurement's panel, declared a conflict with."""
    member = member_of(session, procurement, user) if user is not None else None
    return conflicted_bidder_ids(member) if member is not None else set()


def bids_to_moderate(
    session: Session, procurement: Procurement, user: User | None = None
) -> list[Bid]:
    """Return the opened bids in evaluation, less those the user declared a conflict with."""
    conflicted = conflicts_of(session, procurement, user)
    return [
        b
        for b in bids_in_evaluation(session, procurement)
        if b.opened_at is not None and b.bidder_id not in conflicted
    ]


def moderation_of(
    session: Session, procurement: Procurement, viewer: User | None = None
) -> Moderation | None:
    """Gather submitted scores and consensus per bid and criterion (only once moderation opens).

    With a ``viewer`` on the panel, bids from bidders they declared a conflict with are left
    out: a declared conflict removes a moderator from that bidder as it does an evaluator.
    """
    found = current_model(session, procurement)
    if found is None or not moderation_open(procurement.stage):
        return None
    _, model = found
    everyone = bids_to_moderate(session, procurement)
    conflicted = conflicts_of(session, procurement, viewer)
    bids = [b for b in everyone if b.bidder_id not in conflicted]
    withheld = len(everyone) - len(bids)
    threshold = model.moderation.spread_flag
    cells = {
        (bid.id, c.id): Cell(bid, c, threshold=threshold) for bid in bids for c in model.criteria
    }
    ids = [bid.id for bid in bids]
    for score in session.scalars(
        select(EvaluatorScore)
        .join(PanelMember, EvaluatorScore.panel_member_id == PanelMember.id)
        .options(contains_eager(EvaluatorScore.panel_member).joinedload(PanelMember.user))
        .where(EvaluatorScore.bid_id.in_(ids), EvaluatorScore.status == "submitted")
        .order_by(EvaluatorScore.id)
    ):
        cell = cells.get((score.bid_id, score.criterion_id))
        if cell is not None:
            cell.scores.append(score)
    for consensus in session.scalars(select(ConsensusScore).where(ConsensusScore.bid_id.in_(ids))):
        cell = cells.get((consensus.bid_id, consensus.criterion_id))
        if cell is not None:
            cell.consensus = consensus
    return Moderation(model, bids, cells, withheld)


def consensus_of(
    session: Session, procurement: Procurement, criterion_id: str
) -> dict[int, ConsensusScore]:
    """Return the consensus scores recorded on one criterion, by bid id."""
    ids = [b.id for b in bids_in_evaluation(session, procurement)]
    return {
        c.bid_id: c
        for c in session.scalars(
            select(ConsensusScore).where(
                ConsensusScore.bid_id.in_(ids), ConsensusScore.criterion_id == criterion_id
            )
        )
    }


def record_consensus(
    session: Session,
    procurement: Procurement,
    bid: Bid,
    criterion_id: str,
    score_text: str,
    rationale: str,
    user: User,
    now: datetime,
    *,
    opened: str | None = None,
) -> ConsensusScore:
    """Record (or change) the agreed score for one bid on one criterion; evaluators' stay.

    ``opened`` is the version the form showed ("" for none yet): a consensus score changed
    since is refused (ChangedMeanwhile), not overwritten.
    """
    if procurement.stage != "moderation":
        raise ServiceError("Not in moderation", {"score": "Moderation is not open"})
    found = current_model(session, procurement)
    assert found is not None
    _, model = found
    errors: dict[str, str] = {}
    score, problem = parse_score(score_text, model.scale)
    if problem:
        errors["score"] = problem[0].upper() + problem[1:]
    elif score is None:
        errors["score"] = f"Enter the consensus score for {bid_label(bid)}"
    if not rationale.strip():
        errors["rationale"] = f"Enter the rationale for the consensus score for {bid_label(bid)}"
    if bid.bidder_id in conflicts_of(session, procurement, user):
        errors = {
            "score": f"You declared a conflict with {bid_label(bid)}: another moderator "
            "or an administrator agrees its scores"
        }
    if errors:
        raise ServiceError("Consensus not recorded", errors)
    assert score is not None
    consensus = session.scalar(
        select(ConsensusScore).where(
            ConsensusScore.bid_id == bid.id, ConsensusScore.criterion_id == criterion_id
        )
    )
    if opened is not None:
        check_opened(
            session,
            {"score": opened},
            {"score": consensus},
            lambda _: f"The consensus score for {bid_label(bid)} on {criterion_id}",
        )
    moderator_id = user.id  # read first: loading it must not flush a half-made score
    if consensus is None:
        consensus = ConsensusScore(bid=bid, criterion_id=criterion_id)
        session.add(consensus)
    consensus.score, consensus.rationale = score, rationale.strip()
    consensus.moderator_id, consensus.agreed_at = moderator_id, now
    session.flush()
    return consensus


def open_queries(session: Session, procurement: Procurement) -> list[ModerationQuery]:
    """Return the queries not yet resolved."""
    return [q for q in queries_of(session, procurement) if q.is_open]


def queries_of(session: Session, procurement: Procurement) -> list[ModerationQuery]:
    """Return every moderation query, oldest first."""
    return list(
        session.scalars(
            select(ModerationQuery)
            .where(ModerationQuery.procurement_id == procurement.id)
            .order_by(ModerationQuery.raised_at, ModerationQuery.id)
        )
    )


def raise_query(
    session: Session,
    procurement: Procurement,
    question: str,
    user: User,
    now: datetime,
    *,
    bid: Bid | None = None,
    criterion_id: str | None = None,
) -> ModerationQuery:
    """Raise a query in moderation, tracked until resolved."""
    if not question.strip():
        raise ServiceError("No question", {"question": "Enter the query"})
    query = ModerationQuery(
        procurement_id=procurement.id,
        bid=bid,
        criterion_id=criterion_id or None,
        question=question.strip(),
        raised_by_id=user.id,
        raised_at=now,
    )
    session.add(query)
    session.flush()
    return query


def resolve_query(query: ModerationQuery, resolution: str, user: User, now: datetime) -> None:
    """Record how a query was resolved."""
    if not query.is_open:
        raise ServiceError("Resolved", {"resolution": "This query is already resolved"})
    if not resolution.strip():
        raise ServiceError("No resolution", {"resolution": "Enter how the query was resolved"})
    query.resolution, query.resolved_by_id, query.resolved_at = resolution.strip(), user.id, now


def pass_fail_of(
    session: Session, procurement: Procurement
) -> dict[tuple[int, str], PassFailRecord]:
    """Return the pass/fail results by (bid id, question id)."""
    ids = [b.id for b in bids_in_evaluation(session, procurement)]
    return {
        (r.bid_id, r.question_id): r
        for r in session.scalars(select(PassFailRecord).where(PassFailRecord.bid_id.in_(ids)))
    }


def record_pass_fail(
    session: Session,
    procurement: Procurement,
    answers: dict[tuple[int, str], tuple[str, str]],
    user: User,
    now: datetime,
    *,
    opened: Opened | None = None,
) -> int:
    """Record results ("pass"/"fail", note) for each (bid id, question id) given; a fail needs
    a note. Unanswered questions stay unrecorded. Return how many were recorded.

    ``opened`` maps (bid id, question id) to the version the form showed: a result changed
    since is refused (ChangedMeanwhile) and nothing is written.
    """
    found = current_model(session, procurement)
    if found is None:
        raise ServiceError("No model", {"pass_fail": "The procurement has no evaluation model"})
    _, model = found
    bids = {b.id: b for b in bids_in_evaluation(session, procurement)}
    questions = {q.id: q for q in model.pass_fail}
    conflicted = conflicts_of(session, procurement, user)
    errors: dict[str, str] = {}
    for (bid_id, question_id), (result, note) in answers.items():
        if bid_id not in bids or question_id not in questions:
            errors[f"pf-{bid_id}-{question_id}"] = "Unknown bid or question"
        elif result == "fail" and not note.strip():
            errors[f"note-{bid_id}-{question_id}"] = (
                f"Enter why {bid_label(bids[bid_id])} fails {questions[question_id].title}"
            )
        elif result not in ("pass", "fail", ""):
            errors[f"pf-{bid_id}-{question_id}"] = "Select pass or fail"
        elif result and bids[bid_id].bidder_id in conflicted:
            errors[f"pf-{bid_id}-{question_id}"] = (
                f"You declared a conflict with {bid_label(bids[bid_id])}: another moderator "
                "or an administrator records its results"
            )
    if errors:
        raise ServiceError("Pass/fail not recorded", errors)
    existing = pass_fail_of(session, procurement)
    if opened is not None:

        def describe(key: Any) -> str:
            bid_id, question_id = key
            if bid_id in bids and question_id in questions:
                return f"The result on {question_id} for {bid_label(bids[bid_id])}"
            return "A pass/fail result"

        check_opened(session, opened, existing, describe)
    count = 0
    for (bid_id, question_id), (result, note) in answers.items():
        if not result:
            continue
        record = existing.get((bid_id, question_id))
        if record is None:
            record = PassFailRecord(bid_id=bid_id, question_id=question_id, passed=result == "pass")
            session.add(record)
        if record.id is None or record.passed != (result == "pass") or record.note != note.strip():
            record.passed, record.note = result == "pass", note.strip()
            record.recorded_by_id, record.recorded_at = user.id, now
            count += 1
    session.flush()
    return count
