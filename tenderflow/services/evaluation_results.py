"""A procurement's evaluation results, computed from the database by the evaluation engine.

Results come from the consensus scores once every criterion of every bid has one; before that
they are provisional, from the mean of the evaluators' submitted scores, and say so. Only bids
in the evaluation count (not excluded, not late without a recorded acceptance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.evaluation import (
    BidPrice,
    EvaluationInputError,
    EvaluationModel,
    EvaluationResult,
    compute_results,
    parse_model,
)
from tenderflow.domain.evaluation import records as domain
from tenderflow.domain.evaluation.value_for_money import (
    Finding,
    load_costing_model,
    value_for_money_checks,
)
from tenderflow.models import (
    Bid,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorScore,
    Lot,
    PanelMember,
    PassFailRecord,
    Procurement,
)

RECORD_PREFIX = re.compile(r"^[a-z_]+ record \d+: ")


def current_model_version(
    session: Session, procurement: Procurement
) -> EvaluationModelVersion | None:
    """Return the newest version of the procurement's evaluation model, if it has one."""
    return session.scalar(
        select(EvaluationModelVersion)
        .where(EvaluationModelVersion.procurement_id == procurement.id)
        .order_by(EvaluationModelVersion.version.desc())
        .limit(1)
    )


def model_of(version: EvaluationModelVersion) -> EvaluationModel:
    """Return the evaluation model a stored version holds (checked against the schema)."""
    return parse_model(yaml.safe_load(version.yaml_text), default_name=version.source)


def bids_in_evaluation(
    session: Session, procurement: Procurement, lot: Lot | None = None
) -> list[Bid]:
    """Return the bids evaluated for the procurement (or one lot), in the order received."""
    query = (
        select(Bid).where(Bid.procurement_id == procurement.id).order_by(Bid.received_at, Bid.id)
    )
    if lot is not None:
        query = query.where(Bid.lot_id == lot.id)
    return [bid for bid in session.scalars(query) if bid.in_evaluation]


@dataclass(frozen=True)
class EvaluationData:
    """The records the results are computed from, named as people read them."""

    model: EvaluationModel
    version: EvaluationModelVersion
    bids: list[Bid]
    scores: list[domain.EvaluatorScore]
    prices: list[BidPrice]
    consensus: list[domain.ConsensusScore]
    pass_fail: list[domain.PassFailResult]

    @property
    def consensus_complete(self) -> bool:
        """Every criterion of every bid has a consensus score."""
        agreed = {(c.bidder, c.criterion) for c in self.consensus}
        return bool(self.bids) and all(
            (bid.bidder.name, criterion.id) in agreed
            for bid in self.bids
            for criterion in self.model.criteria
        )


def evaluation_data(
    session: Session, procurement: Procurement, lot: Lot | None = None
) -> EvaluationData | None:
    """Gather the model, bids, submitted scores, consensus and pass/fail results."""
    version = current_model_version(session, procurement)
    if version is None:
        return None
    model = model_of(version)
    bids = bids_in_evaluation(session, procurement, lot)
    ids = [bid.id for bid in bids]
    names = {bid.id: bid.bidder.name for bid in bids}
    scores = [
        domain.EvaluatorScore(names[s.bid_id], s.criterion_id, member.user.name, s.score, s.comment)
        for s, member in session.execute(
            select(EvaluatorScore, PanelMember)
            .join(PanelMember, EvaluatorScore.panel_member_id == PanelMember.id)
            .where(EvaluatorScore.bid_id.in_(ids), EvaluatorScore.status == "submitted")
            .order_by(EvaluatorScore.id)
        )
    ]
    consensus = [
        domain.ConsensusScore(names[c.bid_id], c.criterion_id, c.score, c.rationale)
        for c in session.scalars(
            select(ConsensusScore).where(ConsensusScore.bid_id.in_(ids)).order_by(ConsensusScore.id)
        )
    ]
    pass_fail = [
        domain.PassFailResult(names[r.bid_id], r.question_id, "pass" if r.passed else "fail")
        for r in session.scalars(
            select(PassFailRecord).where(PassFailRecord.bid_id.in_(ids)).order_by(PassFailRecord.id)
        )
    ]
    prices = [
        BidPrice(
            bid.bidder.name,
            bid.price if bid.price is not None else "",
            bid.hourly_rate,
            bid.contact_hours,
        )
        for bid in bids
    ]
    return EvaluationData(model, version, bids, scores, prices, consensus, pass_fail)


@dataclass(frozen=True)
class ProcurementResults:
    """Results (or why there are none yet), with the value-for-money findings."""

    data: EvaluationData
    result: EvaluationResult | None
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.result is None or self.result.provisional


def results_for(
    session: Session,
    procurement: Procurement,
    lot: Lot | None = None,
    *,
    include_sensitivity: bool = True,
) -> ProcurementResults | None:
    """Compute the procurement's results; None when it has no evaluation model yet."""
    data = evaluation_data(session, procurement, lot)
    if data is None:
        return None
    if not data.bids:
        return ProcurementResults(data, None, problems=["No bids are in the evaluation yet."])
    consensus = data.consensus if data.consensus_complete else None
    try:
        result = compute_results(
            data.model,
            data.scores,
            data.prices,
            consensus,
            data.pass_fail or None,
            include_sensitivity=include_sensitivity,
        )
    except EvaluationInputError as exc:
        # The engine numbers records for file readers; here the names say which bid it is.
        problems = [RECORD_PREFIX.sub("", problem) for problem in exc.problems]
        return ProcurementResults(data, None, problems=list(dict.fromkeys(problems)))
    compliant = [b.bidder for b in result.bidders if not b.disqualified]
    costing = load_costing_model()
    service_type = procurement.service_type.code if procurement.service_type else None
    findings = value_for_money_checks(
        costing,
        data.prices,
        compliant,
        service_type=service_type if service_type in costing.service_types else None,
        abnormally_low_percent=data.model.price.abnormally_low_percent,
    )
    return ProcurementResults(data, result, findings)


@dataclass(frozen=True)
class ResultsAsSeen:
    """Results as one person may see them: bids from bidders they declared a conflict with are
    withheld, with the winner and the sensitivity scenarios, which could name them."""

    data: EvaluationData
    result: EvaluationResult | None
    findings: list[Finding]
    problems: list[str]
    provisional: bool
    withheld: int = 0


def results_as_seen(results: ProcurementResults, withheld_bidder_ids: set[int]) -> ResultsAsSeen:
    """Return the results less every mention of the bids the person may not see."""
    names = {bid.bidder.name for bid in results.data.bids if bid.bidder_id in withheld_bidder_ids}
    if not names:
        return ResultsAsSeen(
            results.data, results.result, results.findings, results.problems, results.provisional
        )

    def clear(text: str) -> bool:
        return not any(name in text for name in names)

    result = results.result
    if result is not None:
        result = replace(
            result,
            winner=None,
            sensitivity=None,
            bidders=[b for b in result.bidders if b.bidder not in names],
            flags=[f for f in result.flags if f.bidder not in names],
            notes=[n for n in result.notes if clear(n)],
        )
    return ResultsAsSeen(
        results.data,
        result,
        [f for f in results.findings if f.bidder not in names and clear(f.message)],
        [p for p in results.problems if clear(p)],
        results.provisional,
        withheld=len(names),
    )
