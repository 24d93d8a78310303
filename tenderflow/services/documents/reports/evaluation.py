"""A lot's evaluation, from the database, as the evaluation report and assessment summaries state it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.documents import inputs as doc
from tenderflow.documents.content import Signatory
from tenderflow.documents.feedback import feedback_rules
from tenderflow.documents.formatting import format_gbp
from tenderflow.domain import council_papers as papers
from tenderflow.domain.dates import long_date
from tenderflow.domain.evaluation import EvaluationModel, EvaluationResult
from tenderflow.domain.evaluation.value_for_money import load_costing_model
from tenderflow.domain.standstill import standstill_period
from tenderflow.models import (
    Bid,
    ConsensusScore,
    GeneratedDocument,
    Lot,
    Milestone,
    PanelMember,
    PassFailRecord,
    Procurement,
)
from tenderflow.services import ServiceError
from tenderflow.services.documents.reports import facts
from tenderflow.services.evaluation.results import ProcurementResults, results_for

VFM_CHECKS = {
    "over-cap": "Support cost per hour",
    "over-maximum": "Contact hours per person per week",
    "below-target": "Contact hours per person per week",
    "above-target": "Contact hours per person per week",
    "ok": "Support cost per hour",
    "abnormally-low": "Abnormally low price",
}


def lot_name(lot: Lot | None) -> str:
    return f" for the {lot.title} lot" if lot is not None else ""


@dataclass(frozen=True)
class LotEvaluation:
    """A lot's (or a whole procurement's) final results and the records behind them."""

    lot: Lot | None
    results: ProcurementResults
    result: EvaluationResult
    model: EvaluationModel
    bids: list[Bid]

    @property
    def winner(self) -> str:
        assert self.result.winner is not None
        return self.result.winner


def lots_with_bids(session: Session, procurement: Procurement) -> list[Lot | None]:
    """Return the lots that received bids, or [None] when bids are for the whole procurement."""
    lots: list[Lot | None] = [
        lot for lot in procurement.lots if facts.bids_of(session, procurement, lot)
    ]
    return lots or [None]


def final_evaluation(session: Session, procurement: Procurement, lot: Lot | None) -> LotEvaluation:
    """Return a lot's final results; raise ServiceError saying why there are none yet."""
    where = lot_name(lot)
    results = results_for(session, procurement, lot)
    if results is None:
        raise ServiceError(f"There is no evaluation model{where} yet")
    if not results.data.bids:
        raise ServiceError(f"No bids are in the evaluation{where} yet")
    if any(bid.opened_at is None for bid in results.data.bids):
        raise ServiceError(f"The bids{where} have not all been opened yet")
    if not results.data.consensus_complete:
        agreed = {(c.bidder, c.criterion) for c in results.data.consensus}
        missing = sum(
            (bid.bidder.name, criterion.id) not in agreed
            for bid in results.data.bids
            for criterion in results.data.model.criteria
        )
        raise ServiceError(
            f"Moderation is not finished{where}: {missing} consensus "
            f"score{'s are' if missing != 1 else ' is'} still to be agreed"
        )
    if results.result is None:
        raise ServiceError(
            f"The results{where} cannot be worked out: " + "; ".join(results.problems)
        )
    if results.result.winner is None:
        raise ServiceError(f"No bid{where} is left in the evaluation to recommend")
    return LotEvaluation(
        lot, results, results.result, results.data.model, facts.bids_of(session, procurement, lot)
    )


def method_of(model: EvaluationModel) -> doc.EvaluationMethod:
    """Return the published model as the report describes it."""
    return doc.EvaluationMethod(
        criteria=tuple(
            doc.Criterion(c.id, c.title, c.section, c.weight, c.minimum) for c in model.criteria
        ),
        scale=tuple(
            doc.ScaleLevel(score, point.label, point.description or point.label)
            for score, point in sorted(model.scale.descriptors.items())
        ),
        price_weight=model.price.weight,
        price_formula=model.price.describe(),
        pass_fail_questions=tuple(q.title for q in model.pass_fail),
        spread_threshold=model.moderation.spread_flag,
        notes=(model.description,) if model.description else (),
        ranking_rule=model.tie_break_rule,
        rounding_rule=model.rounding_rule,
        per_quality_point=model.ranks_on_price_per_quality_point,
    )


def results_of(evaluation: LotEvaluation) -> tuple[doc.BidderResult, ...]:
    """Return each bid's published totals and place, as the scoring rules worked them out."""
    return tuple(
        doc.BidderResult(
            b.bidder,
            b.rank,
            b.quality,
            b.price_score,
            b.total,
            b.price,
            b.disqualified,
            "; ".join(b.reasons),
            b.price_per_quality_point,
        )
        for b in sorted(evaluation.result.bidders, key=lambda b: (b.rank is None, b.rank or 0))
    )


def consensus_of(session: Session, evaluation: LotEvaluation) -> tuple[doc.ConsensusScore, ...]:
    """Return the moderated scores with their rationale and weighted points."""
    weighted = {
        (b.bidder, code): c.weighted
        for b in evaluation.result.bidders
        for code, c in b.criteria.items()
    }
    order = {c.id: n for n, c in enumerate(evaluation.model.criteria)}
    ids = [bid.id for bid in evaluation.results.data.bids]
    rows = session.scalars(select(ConsensusScore).where(ConsensusScore.bid_id.in_(ids)))
    found = [
        doc.ConsensusScore(
            row.bid.bidder.name,
            row.criterion_id,
            row.score,
            weighted.get((row.bid.bidder.name, row.criterion_id), Decimal("0.00")),
            row.rationale,
        )
        for row in rows
        if row.criterion_id in order
    ]
    return tuple(sorted(found, key=lambda c: (c.bidder, order[c.criterion])))


def pass_fail_of(session: Session, evaluation: LotEvaluation) -> tuple[doc.PassFailResult, ...]:
    """Return every gateway result recorded, for excluded bids too."""
    titles = {q.id: q.title for q in evaluation.model.pass_fail}
    ids = [bid.id for bid in evaluation.bids]
    rows = session.scalars(
        select(PassFailRecord).where(PassFailRecord.bid_id.in_(ids)).order_by(PassFailRecord.id)
    )
    return tuple(
        doc.PassFailResult(
            row.bid.bidder.name, titles.get(row.question_id, row.question_id), row.passed, row.note
        )
        for row in rows
    )


def prices_of(procurement: Procurement, evaluation: LotEvaluation) -> tuple[doc.PriceAnalysis, ...]:
    """Return each scored bid's price, its score and any abnormally-low finding."""
    low = {f.bidder: f.message for f in evaluation.results.findings if f.code == "abnormally-low"}
    return tuple(
        doc.PriceAnalysis(
            b.bidder,
            b.price,
            papers.annual_price(b.price, procurement.term_years, procurement.extension_years),
            b.price_score,
            abnormally_low=b.bidder in low,
            investigation=low.get(b.bidder, ""),
            price_per_quality_point=b.price_per_quality_point,
        )
        for b in results_of(evaluation)
        if not b.disqualified
    )


def vfm_of(evaluation: LotEvaluation) -> tuple[doc.VfmCheck, ...]:
    """Return the value-for-money findings as checks met or not, with the figure checked."""
    cap = format_gbp(load_costing_model().hourly_rate_cap)
    rates = {p.bidder: p.hourly_rate for p in evaluation.results.data.prices}
    prices = {p.bidder: p.price for p in evaluation.results.data.prices}
    checks = []
    for finding in evaluation.results.findings:
        bidder = finding.bidder or "All bids"
        if finding.code == "abnormally-low":
            limit, value = "Mean of the other compliant bids", prices.get(bidder)
        else:
            limit, value = f"{cap} an hour cap", rates.get(bidder)
        shown = format_gbp(value) if isinstance(value, Decimal) else "Not given"
        checks.append(
            doc.VfmCheck(
                bidder,
                VFM_CHECKS.get(finding.code, finding.code),
                limit,
                shown,
                finding.code == "ok",
                finding.message,
            )
        )
    return tuple(checks)


def recommendation_text(
    session: Session, procurement: Procurement, evaluation: LotEvaluation
) -> str:
    """Word the recommendation to award."""
    contract = papers.contract_name(
        procurement.title, evaluation.lot.title if evaluation.lot else None
    )
    terms = papers.award_terms(
        procurement.term_years,
        procurement.extension_years,
        facts.contract_start(session, procurement),
    )
    return (
        f"The panel recommends that the {facts.COMMISSIONING_BODY} approves the award of the "
        f"{contract} contract to {evaluation.winner} {terms}."
    )


def _versions_kept(session: Session, procurement: Procurement, evaluation: LotEvaluation) -> int:
    """Count the versions of this report already kept, so each new one is numbered after them."""
    kind = papers.stored_kind(
        papers.paper_kind("evaluation"), evaluation.lot.number if evaluation.lot else None
    )
    return (
        session.scalar(
            select(func.count(GeneratedDocument.id)).where(
                GeneratedDocument.procurement_id == procurement.id, GeneratedDocument.kind == kind
            )
        )
        or 0
    )


def evaluation_report_input(
    session: Session, procurement: Procurement, evaluation: LotEvaluation, today: date
) -> doc.EvaluationReportInput:
    """Return everything the tender evaluation report states for one lot."""
    result = evaluation.result
    scored_bidders = {b.bidder for b in result.bidders}
    panel = facts.panel(session, procurement, {bid.bidder.name for bid in evaluation.bids})
    scorers = {m.name for m in panel if m.scores}
    evaluator_scores = tuple(
        doc.EvaluatorScore(s.bidder, s.criterion, s.evaluator, Decimal(str(s.score)), s.comment)
        for s in evaluation.results.data.scores
        if s.evaluator in scorers and s.bidder in scored_bidders
    )
    sensitivity: tuple[doc.SensitivityScenario, ...] = ()
    if result.sensitivity is not None:
        sensitivity = tuple(
            doc.SensitivityScenario(s.label, s.winner or "None", s.changed)
            for s in result.sensitivity.scenarios
        )
    consensus_rows = session.scalars(
        select(ConsensusScore).where(
            ConsensusScore.bid_id.in_([b.id for b in evaluation.results.data.bids])
        )
    )
    agreed = [row.agreed_at.date() for row in consensus_rows]
    moderators = session.scalars(
        select(PanelMember)
        .where(PanelMember.procurement_id == procurement.id, PanelMember.role == "moderator")
        .order_by(PanelMember.id)
    )
    facts_ = facts.procurement_facts(session, procurement)
    sign_off = [
        Signatory("Moderator of the evaluation panel", m.user.name, facts_.council)
        for m in moderators
    ]
    if facts_.procurement_lead is not None:
        sign_off.append(Signatory("Procurement lead", facts_.procurement_lead.name, facts_.council))
    if facts_.client_lead is not None:
        sign_off.append(Signatory("Client lead", facts_.client_lead.name, facts_.council))
    return doc.EvaluationReportInput(
        procurement=facts_,
        lot=facts.lot_facts(evaluation.lot),
        report_date=today,
        version=f"Final, version {_versions_kept(session, procurement, evaluation) + 1}",
        classification=facts.CLASSIFICATION,
        timetable=facts.timetable(session, procurement),
        panel=panel,
        bids=facts.bids_received(evaluation.bids),
        method=method_of(evaluation.model),
        pass_fail=pass_fail_of(session, evaluation),
        evaluator_scores=evaluator_scores,
        consensus=consensus_of(session, evaluation),
        results=results_of(evaluation),
        prices=prices_of(procurement, evaluation),
        vfm_checks=vfm_of(evaluation),
        sensitivity=sensitivity,
        clarifications=facts.clarifications(session, procurement),
        recommended_bidder=evaluation.winner,
        recommendation=recommendation_text(session, procurement, evaluation),
        sign_off=tuple(sign_off),
        moderation_date=max(agreed) if agreed else None,
    )


def standstill_dates(session: Session, procurement: Procurement) -> doc.StandstillDates | None:
    """Return the standstill bidders are told: from its stage start to the standstill-end milestone."""
    decision = procurement.decision
    if not decision.get("standstill"):
        return None
    start = facts.stage_start(session, procurement, "standstill")
    if start is None:
        return None
    period = standstill_period(procurement.national_regime, start)
    milestone = session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == "standstill-end"
        )
    )
    last_day = milestone.due_at.date() if milestone is not None else period.last_day
    kind = "mandatory" if decision.get("standstill_mandatory") else "voluntary"
    days = decision["standstill"]
    description = (
        f"A {kind} standstill of {days['days']} {days['kind']} days. The contract will not be "
        "entered into before the standstill ends, so that bidders can raise concerns first."
    )
    return doc.StandstillDates(
        period.start,
        last_day,
        last_day + (period.earliest_contract_date - period.last_day),
        description,
    )


def winner_characteristics(consensus: tuple[doc.ConsensusScore, ...], winner: str) -> str:
    """Describe the winning tender by its highest-scored moderated reasons."""
    best = sorted((c for c in consensus if c.bidder == winner), key=lambda c: -c.score)[:2]
    return " ".join(c.rationale for c in best)


def assessment_input(
    session: Session, procurement: Procurement, evaluation: LotEvaluation, today: date
) -> doc.AssessmentSummaryInput:
    """Return what each bidder of one lot is told about their tender and the winner's."""
    regime = procurement.national_regime if procurement.above_national_threshold else None
    rules = feedback_rules(regime)
    consensus = consensus_of(session, evaluation)
    facts_ = facts.procurement_facts(session, procurement)
    itt = facts.stage_start(session, procurement, "itt")
    published = (
        f"the invitation to tender published on {long_date(itt)}"
        if itt
        else "the invitation to tender"
    )
    contact = facts_.procurement_lead or doc.Person(
        "Procurement team", "Procurement", facts_.council
    )
    return doc.AssessmentSummaryInput(
        procurement=facts_,
        lot=facts.lot_facts(evaluation.lot),
        feedback=rules,
        method=method_of(evaluation.model),
        consensus=consensus,
        results=results_of(evaluation),
        winner=evaluation.winner,
        issued_on=today,
        standstill=standstill_dates(session, procurement),
        contact=contact,
        criteria_published_in=published,
        winner_characteristics=winner_characteristics(consensus, evaluation.winner)
        if rules.relative_advantages
        else "",
    )
