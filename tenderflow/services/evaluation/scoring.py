"""Independent scoring: each evaluator scores their bids and criteria alone, saves drafts and
submits, which locks the scores. The lead sees progress, never scores.

Every score keeps who entered it and when. Only the evaluator submits their own scores:
drafts someone else entered (a workbook the lead uploads for them) wait for the evaluator
to review and submit. A form carries the versions of the scores it showed; a score changed
since (by another tab, another person or a racing submit) is not overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.evaluation.panel import (
    SCORING_STAGE,
    Progress,
    ScoreEntry,
    SheetProblem,
    SheetRules,
    check_score_rows,
)
from tenderflow.models import Bid, EvaluatorScore, PanelMember, User
from tenderflow.services import ServiceError, computed
from tenderflow.services.concurrency import Opened, check_fingerprint, check_opened, versions_of
from tenderflow.services.evaluation import (
    Panel,
    bid_label,
    bids_in_evaluation,
    conflicted_bidder_ids,
    current_model,
    panel_of,
)
from tenderflow.services.evaluation.panel import declared_every_bidder


class NotTheEvaluator(ServiceError):
    """Someone other than the evaluator tried to submit the evaluator's scores."""

    def __init__(self, member: PanelMember) -> None:
        message = (
            f"Only {member.user.name} can submit their scores: upload the workbook as drafts "
            "and ask them to review and submit"
        )
        super().__init__(message, {"scores": message})


class ScoresRefused(ServiceError):
    """Scores that cannot be saved; ``problems`` lists every bad row."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        super().__init__("The scores were not saved")
        self.problems = problems


def work_of(session: Session, member: PanelMember) -> Panel | None:
    """Return the bids and criteria the member scores, or None without a model."""
    found = current_model(session, member.procurement)
    if found is None:
        return None
    _, model = found
    conflicted = conflicted_bidder_ids(member)
    bids = [
        bid
        for bid in bids_in_evaluation(session, member.procurement)
        if bid.opened_at is not None and bid.bidder_id not in conflicted
    ]
    assigned = {a.criterion_id for a in member.assignments}
    criteria = [c for c in model.criteria if c.id in assigned]
    return Panel(member, model, bids, criteria)


def why_not_scoring(session: Session, member: PanelMember) -> str | None:
    """Say why the member cannot score now, or None when they can."""
    if member.procurement.terminated_at is not None:
        return "The procurement has been terminated: nothing more is scored."
    found = current_model(session, member.procurement)
    if found is None or found[0].guidance_published_at is None:
        return "The evaluation guidance has not been released to the panel yet."
    if member.confidentiality_signed_at is None:
        return "Sign the confidentiality agreement before you see any bid."
    if not declared_every_bidder(session, member):
        return "Declare any conflicts of interest for each bidder before you see any bid."
    if member.procurement.stage != SCORING_STAGE:
        return "Scoring is open only while the procurement is in evaluation."
    if member.role != "evaluator":
        return "Only evaluators score bids."
    return None


def scores_of(session: Session, member: PanelMember) -> dict[tuple[int, str], EvaluatorScore]:
    """Return the member's own scores by (bid id, criterion id)."""
    return {
        (s.bid_id, s.criterion_id): s
        for s in session.scalars(
            select(EvaluatorScore).where(EvaluatorScore.panel_member_id == member.id)
        )
    }


def rules_for(session: Session, work: Panel) -> SheetRules:
    """Return what the member may score, for checking a sheet."""
    everyone = bids_in_evaluation(session, work.member.procurement)
    conflicted = conflicted_bidder_ids(work.member)
    names = {bid.id: bid_label(bid) for bid in everyone}
    locked = {
        (names[bid_id], criterion)
        for (bid_id, criterion), s in scores_of(session, work.member).items()
        if s.status == "submitted" and bid_id in names
    }
    return SheetRules(
        scale=work.model.scale,
        bidders={bid_label(bid) for bid in everyone if bid.opened_at is not None},
        criteria={c.id for c in work.model.criteria},
        assigned={c.id for c in work.criteria},
        conflicted={bid_label(bid) for bid in everyone if bid.bidder_id in conflicted},
        locked=locked,
    )


def save_scores(
    session: Session,
    member: PanelMember,
    sheet: str,
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    now: datetime,
    *,
    source: str = "web",
    entered_by: User | None = None,
    opened: Opened | None = None,
) -> list[ScoreEntry]:
    """Check and save rows of (bidder, criterion, score, comment) as drafts, all or none.

    ``entered_by`` is who typed or uploaded them (the evaluator unless said); with ``opened``
    (the versions the form showed, by bid id) a score changed since is refused, not overwritten.
    """
    reason = why_not_scoring(session, member)
    if reason:
        raise ServiceError(reason, {"scores": reason})
    work = work_of(session, member)
    assert work is not None
    entries, problems = check_score_rows(sheet, rows, rules_for(session, work))
    if problems:
        raise ScoresRefused(problems)
    bids = {bid_label(bid): bid for bid in work.bids}
    existing = scores_of(session, member)
    if opened is not None:
        check_opened(session, opened, existing, lambda key: _describe(session, key))
    entered_by_id = entered_by.id if entered_by is not None else member.user_id
    for entry in entries:
        bid = bids[entry.bidder]
        score = existing.get((bid.id, entry.criterion))
        if score is None:
            score = EvaluatorScore(panel_member=member, bid=bid, criterion_id=entry.criterion)
            session.add(score)
        if score.status == "submitted":
            continue  # locked (the sheet rules refuse it; a racing submit is caught on flush)
        if score.score != entry.score or score.comment != entry.comment or score.id is None:
            score.score, score.comment = entry.score, entry.comment
            score.saved_at, score.source, score.status = now, source, "draft"
            score.entered_by_id = entered_by_id
    session.flush()
    return entries


def _describe(session: Session, key: Any) -> str:
    bid_id, criterion_id = key
    bid = session.get(Bid, bid_id)
    return f"Your score for {bid_label(bid) if bid else 'a bid'} on {criterion_id}"


def submit_scores(
    session: Session,
    member: PanelMember,
    now: datetime,
    *,
    by: User | None = None,
    opened: str | None = None,
) -> int:
    """Submit every score the member owes; they are locked afterwards. Return how many.

    Only the evaluator submits (``by`` defaults to them); with ``opened`` (the fingerprint
    the page showed) scores changed since are refused, so nobody submits what they did not see.
    """
    if by is not None and by.id != member.user_id:
        raise NotTheEvaluator(member)
    reason = why_not_scoring(session, member)
    if reason:
        raise ServiceError(reason, {"scores": reason})
    work = work_of(session, member)
    assert work is not None
    if not work.cells:
        raise ServiceError("Nothing to score", {"scores": "You have no bids or criteria to score"})
    existing = scores_of(session, member)
    missing = [
        f"{bid_label(bid)} on {criterion.id}"
        for bid, criterion in work.cells
        if (bid.id, criterion.id) not in existing
        or existing[(bid.id, criterion.id)].score is None
        or not existing[(bid.id, criterion.id)].comment.strip()
    ]
    if missing:
        raise ServiceError(
            "Scores missing",
            {"scores": "Score, with a comment, " + "; ".join(missing) + " before you submit"},
        )
    check_fingerprint(session, opened, list(existing.values()), "Your scores")
    count = 0
    for bid, criterion in work.cells:
        score = existing[(bid.id, criterion.id)]
        if score.status != "submitted":
            score.status, score.submitted_at = "submitted", now
            count += 1
    session.flush()
    return count


def scores_fingerprint(session: Session, member: PanelMember) -> str:
    """Return a short text that changes whenever any of the member's scores changes."""
    return versions_of(scores_of(session, member).values())


def entered_by_others(session: Session, member: PanelMember) -> list[EvaluatorScore]:
    """Return the member's draft scores that someone else entered, for them to review."""
    return [
        s
        for s in scores_of(session, member).values()
        if s.status == "draft" and s.entered_by_id not in (None, member.user_id)
    ]


def progress_of(session: Session, member: PanelMember) -> Progress:
    """Return how far one member has got."""
    work = work_of(session, member)
    if work is None or member.role != "evaluator":
        return Progress(0, 0, 0)
    return _progress(work, scores_of(session, member).values())


def _progress(work: Panel, scores: Iterable[EvaluatorScore]) -> Progress:
    cells = {(bid.id, criterion.id) for bid, criterion in work.cells}
    mine = [s for s in scores if (s.bid_id, s.criterion_id) in cells]
    return Progress(
        len(cells),
        sum(1 for s in mine if s.status == "draft"),
        sum(1 for s in mine if s.status == "submitted"),
    )


def progress_of_panel(session: Session, members: Sequence[PanelMember]) -> dict[int, Progress]:
    """Return how far each member of one panel has got, by member id (a few queries in all)."""
    if not members:
        return {}
    procurement = members[0].procurement
    found = current_model(session, procurement)
    if found is None:
        return {member.id: Progress(0, 0, 0) for member in members}
    _, model = found
    opened = [b for b in bids_in_evaluation(session, procurement) if b.opened_at is not None]
    scores: dict[int, list[EvaluatorScore]] = {member.id: [] for member in members}
    for score in session.scalars(
        select(EvaluatorScore).where(EvaluatorScore.panel_member_id.in_(list(scores)))
    ):
        scores[score.panel_member_id].append(score)
    progress = {}
    for member in members:
        if member.role != "evaluator":
            progress[member.id] = Progress(0, 0, 0)
            continue
        conflicted = conflicted_bidder_ids(member)
        assigned = {a.criterion_id for a in member.assignments}
        work = Panel(
            member,
            model,
            [bid for bid in opened if bid.bidder_id not in conflicted],
            [c for c in model.criteria if c.id in assigned],
        )
        progress[member.id] = _progress(work, scores[member.id])
    return progress


@dataclass(frozen=True)
class PanelSummary:
    """The panel in three counts, as the procurement page shows it to the lead."""

    evaluators: int
    signed: int  # signed the confidentiality agreement and declared conflicts
    finished: int  # submitted every score


def panel_summary(session: Session, procurement: Any) -> PanelSummary:
    """Count the panel's evaluators, those ready and those finished.

    Kept per evaluation data version (:mod:`tenderflow.services.computed`): the panel, its
    conflicts and assignments, the bids and the scores are all in that scope.
    """
    token = computed.data_version(session, computed.EVALUATION)  # before any data is read
    return computed.kept(
        computed.EVALUATION,
        token,
        ("panel summary", procurement.id),
        lambda: _panel_summary(session, procurement),
    )


def _panel_summary(session: Session, procurement: Any) -> PanelSummary:
    members = panel_of(session, procurement)
    evaluators = [m for m in members if m.role == "evaluator"]
    progress = progress_of_panel(session, members)
    return PanelSummary(
        evaluators=len(evaluators),
        signed=sum(1 for m in evaluators if m.ready),
        finished=sum(1 for m in evaluators if progress[m.id].finished),
    )


@dataclass(frozen=True)
class MemberProgress:
    """A panel member's readiness and progress, as the lead sees it (no scores)."""

    member: PanelMember
    declared: bool
    progress: Progress
    criteria: list[str]


def panel_progress(session: Session, procurement: Any) -> list[MemberProgress]:
    """Return every member's progress: signed, declared, scores drafted and submitted."""
    members = panel_of(session, procurement)
    progress = progress_of_panel(session, members)
    return [
        MemberProgress(
            member,
            declared_every_bidder(session, member),
            progress[member.id],
            [a.criterion_id for a in member.assignments],
        )
        for member in members
    ]
