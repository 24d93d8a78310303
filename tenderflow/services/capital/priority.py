"""The priority list: produced once scoring is complete, decided on by the commissioning body.

Until it is produced the list is provisional, worked out from the scores so far. Producing it
keeps the ranks, scores and cut line as they were, so later changes elsewhere cannot alter it.
Approved and deferred schemes stay in the pipeline, reviewed at the matrix's review dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tenderflow.domain.capital import PriorityList, rank_schemes, result_from_final
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.ranking import CUT_LINE_RULE, ROUNDING_RULE
from tenderflow.domain.capital.timetable import next_review, review_due
from tenderflow.models import (
    CapitalDecision,
    CapitalPipelineReview,
    CapitalRound,
    CapitalScheme,
    CapitalScoreSheet,
    User,
)
from tenderflow.services import ServiceError, computed
from tenderflow.services.capital import matrix_for
from tenderflow.services.capital.scoring import final_for, open_flag_count

MAX_REASONS = 3000


def live_ranking(round_: CapitalRound) -> PriorityList:
    """Rank the round's scored schemes as things stand, with the round's budget."""
    matrix = matrix_for(round_)
    results = []
    for scheme in round_.schemes:
        if scheme.status not in (st.SCORED, st.DECIDED):
            continue
        final = final_for(scheme)
        if final.open_flags or (
            not final.failed_gateways and len(final.scores) < len(matrix.criteria)
        ):
            continue  # not settled yet
        results.append(
            result_from_final(
                matrix, str(scheme.id), scheme.name, final, scheme.revenue_per_year or Decimal(0)
            )
        )
    return rank_schemes(matrix, results, round_.revenue_budget)


def _snapshot(round_: CapitalRound, ranked: PriorityList, now: datetime) -> dict[str, Any]:
    schemes = {str(s.id): s for s in round_.schemes}
    rows = []
    for entry in ranked.schemes:
        scheme = schemes[entry.result.key]
        rows.append(
            {
                "scheme_id": scheme.id,
                "name": scheme.name,
                "district": scheme.district.name,
                "provider": scheme.provider,
                "client_group": scheme.client_group,
                "service_type": scheme.service_type,
                "units": scheme.units,
                "capital_sought": None
                if scheme.capital_sought is None
                else str(scheme.capital_sought),
                "revenue_per_year": str(entry.result.revenue_per_year or Decimal(0)),
                "rank": entry.rank,
                "total": str(entry.result.total),
                "criteria": {k: str(v) for k, v in entry.result.criteria.items()},
                "failed_gateways": list(entry.result.failed_gateways),
                "cumulative_revenue": None
                if entry.cumulative_revenue is None
                else str(entry.cumulative_revenue),
                "within_budget": bool(entry.within_budget),
            }
        )
    return {
        "produced_at": now.isoformat(),
        "budget": str(ranked.budget),
        "committed": str(ranked.committed),
        "headroom": str(ranked.headroom),
        "cut_after_rank": ranked.cut_after_rank,
        "tie_break_rule": ranked.tie_break_rule,
        "cut_line_rule": CUT_LINE_RULE,
        "rounding_rule": ROUNDING_RULE,
        "schemes": rows,
    }


def scoring_complete(round_: CapitalRound) -> bool:
    """Say whether the round's priority list can be produced."""
    return st.scoring_complete(
        round_.status, [s.status for s in round_.schemes], open_flag_count(round_)
    )


def produce_priority_list(session: Session, round_: CapitalRound, now: datetime) -> None:
    """Produce and keep the priority list; raise ServiceError unless scoring is complete."""
    if round_.status != st.ROUND_CLOSED:
        raise ServiceError("The priority list is produced once the round has closed")
    if not scoring_complete(round_):
        raise ServiceError(
            "Scoring is not complete: every scheme must be checked and scored, and every flag agreed"
        )
    round_.priority_list = _snapshot(round_, live_ranking(round_), now)
    round_.listed_at = now
    round_.status = st.ROUND_LISTED
    session.flush()


def produce_if_complete(session: Session, round_: CapitalRound, now: datetime) -> bool:
    """Produce the priority list if scoring has just become complete; return whether it did."""
    if round_.status == st.ROUND_CLOSED and scoring_complete(round_):
        produce_priority_list(session, round_, now)
        return True
    return False


# --- what the pages and documents show -------------------------------------------------------


@dataclass
class PriorityRow:
    """One scheme on the priority list, with the commissioning body's decision if made."""

    scheme_id: int
    name: str
    district: str
    provider: str | None
    client_group: str | None
    service_type: str | None
    units: int | None
    capital_sought: Decimal | None
    revenue_per_year: Decimal
    rank: int | None
    total: Decimal
    criteria: dict[str, Decimal]
    failed_gateways: list[str]
    cumulative_revenue: Decimal | None
    within_budget: bool
    decision: CapitalDecision | None = None


@dataclass
class PriorityListView:
    """The priority list as pages, the Word document and the spreadsheet show it."""

    round: CapitalRound
    produced: bool
    produced_at: datetime | None
    budget: Decimal
    committed: Decimal
    headroom: Decimal
    cut_after_rank: int | None
    tie_break_rule: str
    cut_line_rule: str
    rows: list[PriorityRow] = field(default_factory=list)
    # Lists produced before figures were rounded once keep no rounding rule, as they were.
    rounding_rule: str = ""

    @property
    def decided(self) -> int:
        return sum(1 for r in self.rows if r.decision is not None)


def _provisional(session: Session, round_id: int) -> dict[str, Any]:
    token = computed.data_version(session, computed.CAPITAL)  # before any data is read
    return computed.kept(
        computed.CAPITAL,
        token,
        ("priority list", round_id),
        lambda: _fresh_snapshot(session, round_id),
    )


def _fresh_snapshot(session: Session, round_id: int) -> dict[str, Any]:
    # Loaded afresh (populate_existing): objects the session loaded before the data version
    # was read keep their old values otherwise, and what is kept must be as new as the version.
    round_ = session.scalars(
        select(CapitalRound)
        .where(CapitalRound.id == round_id)
        .options(
            selectinload(CapitalRound.schemes).options(
                joinedload(CapitalScheme.district),
                selectinload(CapitalScheme.agreed_scores),
                selectinload(CapitalScheme.score_sheets).options(
                    joinedload(CapitalScoreSheet.scorer),
                    selectinload(CapitalScoreSheet.scores),
                ),
            )
        )
        .execution_options(populate_existing=True)
    ).one()
    return _snapshot(round_, live_ranking(round_), datetime.min)


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def priority_list_view(session: Session, round_: CapitalRound) -> PriorityListView:
    """Return the produced priority list, or a provisional one from the scores so far.

    The provisional list is kept per data version of the capital rounds
    (:mod:`tenderflow.services.computed`) and worked out again only once something changes.
    """
    data = round_.priority_list or _provisional(session, round_.id)
    decisions = {
        d.scheme_id: d
        for d in session.scalars(
            select(CapitalDecision).join(CapitalScheme).where(CapitalScheme.round_id == round_.id)
        )
    }
    rows = [
        PriorityRow(
            scheme_id=item["scheme_id"],
            name=item["name"],
            district=item["district"],
            provider=item["provider"],
            client_group=item["client_group"],
            service_type=item["service_type"],
            units=item["units"],
            capital_sought=_money(item["capital_sought"]),
            revenue_per_year=Decimal(item["revenue_per_year"]),
            rank=item["rank"],
            total=Decimal(item["total"]),
            criteria={k: Decimal(v) for k, v in item["criteria"].items()},
            failed_gateways=list(item["failed_gateways"]),
            cumulative_revenue=_money(item["cumulative_revenue"]),
            within_budget=bool(item["within_budget"]),
            decision=decisions.get(item["scheme_id"]),
        )
        for item in data["schemes"]
    ]
    return PriorityListView(
        round=round_,
        produced=round_.priority_list is not None,
        produced_at=round_.listed_at,
        budget=Decimal(data["budget"]),
        committed=Decimal(data["committed"]),
        headroom=Decimal(data["headroom"]),
        cut_after_rank=data["cut_after_rank"],
        tie_break_rule=data["tie_break_rule"],
        cut_line_rule=data["cut_line_rule"],
        rows=rows,
        rounding_rule=data.get("rounding_rule", ""),
    )


def listed_rounds(session: Session) -> list[CapitalRound]:
    """Return rounds whose priority list has been produced, newest first."""
    return list(
        session.scalars(
            select(CapitalRound)
            .where(CapitalRound.status.in_([st.ROUND_LISTED, st.ROUND_COMPLETE]))
            .order_by(CapitalRound.listed_at.desc())
        )
    )


# --- decisions and the pipeline -----------------------------------------------------------


def _listed_ids(round_: CapitalRound) -> set[int]:
    return {item["scheme_id"] for item in (round_.priority_list or {}).get("schemes", [])}


def record_decision(
    session: Session,
    scheme: CapitalScheme,
    user: User,
    outcome: str,
    reasons: str,
    today: date,
    now: datetime,
) -> CapitalDecision:
    """Record (or change) the commissioning body's decision on a listed scheme."""
    round_ = scheme.round
    if round_.status not in (st.ROUND_LISTED, st.ROUND_COMPLETE) or scheme.id not in _listed_ids(
        round_
    ):
        raise ServiceError("Decisions are recorded on schemes on a produced priority list")
    reasons = (reasons or "").strip()
    errors: dict[str, str] = {}
    if outcome not in st.DECISIONS:
        errors["outcome"] = "Select the commissioning body's decision"
    if not reasons:
        errors["reasons"] = "Enter the reasons for the decision"
    elif len(reasons) > MAX_REASONS:
        errors["reasons"] = f"Reasons must be {MAX_REASONS:,} characters or fewer"
    if errors:
        raise ServiceError("The decision could not be recorded", errors)
    decision = scheme.decision or CapitalDecision(scheme=scheme)
    session.add(decision)
    decision.outcome, decision.reasons = outcome, reasons
    decision.decided_by, decision.decided_at, decision.decided_on = user, now, today
    reviews = matrix_for(round_).rules.pipeline_reviews
    in_pipeline = outcome in st.PIPELINE_DECISIONS
    decision.next_review_on = next_review(today, reviews) if in_pipeline else None
    decision.left_pipeline_on = None if in_pipeline else today
    scheme.status = st.DECIDED
    scheme.updated_at = now
    session.flush()
    listed = _listed_ids(round_)
    if all(s.status == st.DECIDED for s in round_.schemes if s.id in listed):
        round_.status = st.ROUND_COMPLETE
    session.flush()
    return decision


@dataclass(frozen=True)
class PipelineItem:
    scheme: CapitalScheme
    decision: CapitalDecision
    due: bool


def pipeline(session: Session, today: date) -> list[PipelineItem]:
    """Return approved and deferred schemes still in the pipeline, next review first."""
    decisions = session.scalars(
        select(CapitalDecision)
        .where(
            CapitalDecision.outcome.in_(sorted(st.PIPELINE_DECISIONS)),
            CapitalDecision.left_pipeline_on.is_(None),
        )
        .order_by(CapitalDecision.next_review_on, CapitalDecision.id)
    )
    return [PipelineItem(d.scheme, d, review_due(d.next_review_on, today)) for d in decisions]


def record_review(
    session: Session,
    scheme: CapitalScheme,
    user: User,
    outcome: str,
    notes: str,
    today: date,
    now: datetime,
) -> CapitalPipelineReview:
    """Record a pipeline review: keep the scheme, approve it for bidding, or remove it."""
    decision = scheme.decision
    if (
        decision is None
        or decision.outcome not in st.PIPELINE_DECISIONS
        or decision.left_pipeline_on is not None
    ):
        raise ServiceError("This scheme is not in the pipeline")
    notes = (notes or "").strip()
    errors: dict[str, str] = {}
    if outcome not in st.REVIEW_OUTCOMES:
        errors["outcome"] = "Select the outcome of the review"
    if not notes:
        errors["notes"] = "Enter notes from the review"
    if errors:
        raise ServiceError("The review could not be recorded", errors)
    reviews = matrix_for(scheme.round).rules.pipeline_reviews
    if outcome == st.REVIEW_REMOVE:
        decision.next_review_on, decision.left_pipeline_on = None, today
    else:
        decision.next_review_on = next_review(today, reviews)
        if outcome == st.REVIEW_APPROVE:
            decision.outcome = st.APPROVED
    review = CapitalPipelineReview(
        scheme=scheme,
        reviewed_on=today,
        outcome=outcome,
        notes=notes,
        next_review_on=decision.next_review_on,
        reviewed_by=user,
        recorded_at=now,
    )
    session.add(review)
    session.flush()
    return review
