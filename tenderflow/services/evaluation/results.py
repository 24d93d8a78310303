"""A procurement's evaluation results, computed from the database by the evaluation engine.

Results come from the consensus scores once every criterion of every bid has one; before that
they are provisional, from the mean of the evaluators' submitted scores, and say so. Only bids
in the evaluation count (not excluded, not late without a recorded acceptance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tenderflow.domain import data_files
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
    Bidder,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorScore,
    Lot,
    PanelMember,
    PassFailRecord,
    Procurement,
    ServiceType,
    User,
)
from tenderflow.services import computed
from tenderflow.services.request_memo import remembered

RECORD_PREFIX = re.compile(r"^[a-z_]+ record \d+: ")


def current_model_version(
    session: Session, procurement: Procurement
) -> EvaluationModelVersion | None:
    """Return the newest version of the procurement's evaluation model, if it has one."""
    return remembered(
        session,
        ("model version", procurement.id),
        lambda: session.scalar(
            select(EvaluationModelVersion)
            .where(EvaluationModelVersion.procurement_id == procurement.id)
            .order_by(EvaluationModelVersion.version.desc())
            .limit(1)
        ),
    )


def model_of(version: EvaluationModelVersion) -> EvaluationModel:
    """Return the evaluation model a stored version holds (checked against the schema)."""
    return _parsed_model(version.yaml_text, version.source)


@lru_cache(maxsize=64)
def _parsed_model(yaml_text: str, source: str) -> EvaluationModel:
    # Keyed on the text itself: the same text always makes the same (immutable) model.
    return parse_model(data_files.parse_yaml(yaml_text, source=source), default_name=source)


def bids_in_evaluation(
    session: Session, procurement: Procurement, lot: Lot | None = None
) -> list[Bid]:
    """Return the bids evaluated for the procurement (or one lot), in the order received."""
    query = (
        select(Bid)
        .options(joinedload(Bid.bidder), joinedload(Bid.lot))
        .where(Bid.procurement_id == procurement.id)
        .order_by(Bid.received_at, Bid.id)
    )
    if lot is not None:
        query = query.where(Bid.lot_id == lot.id)
    found = remembered(
        session,
        ("bids in evaluation", procurement.id, None if lot is None else lot.id),
        lambda: tuple(bid for bid in session.scalars(query) if bid.in_evaluation),
    )
    return list(found)


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
    bids = bids_in_evaluation(session, procurement, lot)
    records = _records(session, procurement.id, None if lot is None else lot.id)
    if records is None:
        return None
    return EvaluationData(
        records.model,
        version,
        bids,
        records.scores,
        records.prices,
        records.consensus,
        records.pass_fail,
    )


@dataclass(frozen=True)
class _Records:
    """The engine's inputs, as plain values read straight from the database."""

    model: EvaluationModel
    scores: list[domain.EvaluatorScore]
    prices: list[BidPrice]
    consensus: list[domain.ConsensusScore]
    pass_fail: list[domain.PassFailResult]
    service_type: str | None
    bid_count: int

    @property
    def consensus_complete(self) -> bool:
        agreed = {(c.bidder, c.criterion) for c in self.consensus}
        return self.bid_count > 0 and all(
            (price.bidder, criterion.id) in agreed
            for price in self.prices
            for criterion in self.model.criteria
        )


def _records(session: Session, procurement_id: int, lot_id: int | None) -> _Records | None:
    # Column queries, not objects: objects the session loaded earlier keep the values they
    # were loaded with, and what is kept under a data version must be read after it.
    found = session.execute(
        select(EvaluationModelVersion.yaml_text, EvaluationModelVersion.source)
        .where(EvaluationModelVersion.procurement_id == procurement_id)
        .order_by(EvaluationModelVersion.version.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    model = _parsed_model(found.yaml_text, found.source)
    query = (
        select(
            Bid.id,
            Bidder.name,
            Bid.price,
            Bid.hourly_rate,
            Bid.contact_hours,
            Bid.excluded,
            Bid.late,
            Bid.late_acceptance_reason,
        )
        .join(Bidder, Bid.bidder_id == Bidder.id)
        .where(Bid.procurement_id == procurement_id)
        .order_by(Bid.received_at, Bid.id)
    )
    if lot_id is not None:
        query = query.where(Bid.lot_id == lot_id)
    # The rule of Bid.in_evaluation, on the row's values.
    bids = [
        row
        for row in session.execute(query)
        if not row.excluded and (not row.late or bool(row.late_acceptance_reason))
    ]
    ids = [row.id for row in bids]
    names = {row.id: row.name for row in bids}
    scores = [
        domain.EvaluatorScore(names[bid_id], criterion, person, score, comment)
        for bid_id, criterion, person, score, comment in session.execute(
            select(
                EvaluatorScore.bid_id,
                EvaluatorScore.criterion_id,
                User.name,
                EvaluatorScore.score,
                EvaluatorScore.comment,
            )
            .join(PanelMember, EvaluatorScore.panel_member_id == PanelMember.id)
            .join(User, PanelMember.user_id == User.id)
            .where(EvaluatorScore.bid_id.in_(ids), EvaluatorScore.status == "submitted")
            .order_by(EvaluatorScore.id)
        )
    ]
    consensus = [
        domain.ConsensusScore(names[bid_id], criterion, score, rationale)
        for bid_id, criterion, score, rationale in session.execute(
            select(
                ConsensusScore.bid_id,
                ConsensusScore.criterion_id,
                ConsensusScore.score,
                ConsensusScore.rationale,
            )
            .where(ConsensusScore.bid_id.in_(ids))
            .order_by(ConsensusScore.id)
        )
    ]
    pass_fail = [
        domain.PassFailResult(names[bid_id], question, "pass" if passed else "fail")
        for bid_id, question, passed in session.execute(
            select(PassFailRecord.bid_id, PassFailRecord.question_id, PassFailRecord.passed)
            .where(PassFailRecord.bid_id.in_(ids))
            .order_by(PassFailRecord.id)
        )
    ]
    prices = [
        BidPrice(
            row.name,
            row.price if row.price is not None else "",
            row.hourly_rate,
            row.contact_hours,
        )
        for row in bids
    ]
    service_type = session.scalar(
        select(ServiceType.code)
        .join(Procurement, Procurement.service_type_id == ServiceType.id)
        .where(Procurement.id == procurement_id)
    )
    return _Records(model, scores, prices, consensus, pass_fail, service_type, len(bids))


@dataclass(frozen=True)
class _Computed:
    """What the engine made of the records, kept per data version."""

    records: _Records
    result: EvaluationResult | None
    findings: list[Finding]
    problems: list[str]


def _compute(
    session: Session, procurement_id: int, lot_id: int | None, include_sensitivity: bool
) -> _Computed | None:
    records = _records(session, procurement_id, lot_id)
    if records is None:
        return None
    if not records.bid_count:
        return _Computed(records, None, [], ["No bids are in the evaluation yet."])
    consensus = records.consensus if records.consensus_complete else None
    try:
        result = compute_results(
            records.model,
            records.scores,
            records.prices,
            consensus,
            records.pass_fail or None,
            include_sensitivity=include_sensitivity,
        )
    except EvaluationInputError as exc:
        # The engine numbers records for file readers; here the names say which bid it is.
        problems = [RECORD_PREFIX.sub("", problem) for problem in exc.problems]
        return _Computed(records, None, [], list(dict.fromkeys(problems)))
    compliant = [b.bidder for b in result.bidders if not b.disqualified]
    costing = load_costing_model()
    service_type = records.service_type
    findings = value_for_money_checks(
        costing,
        records.prices,
        compliant,
        service_type=service_type if service_type in costing.service_types else None,
        abnormally_low_percent=records.model.price.abnormally_low_percent,
    )
    return _Computed(records, result, findings, [])


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
    """Compute the procurement's results; None when it has no evaluation model yet.

    The computation is kept per data version (:mod:`tenderflow.services.computed`): asked
    again before any evaluation data changes, it is not done again.
    """
    token = computed.data_version(session, computed.EVALUATION)  # before any data is read
    lot_id = None if lot is None else lot.id
    found = computed.kept(
        computed.EVALUATION,
        token,
        ("results", procurement.id, lot_id, include_sensitivity),
        lambda: _compute(session, procurement.id, lot_id, include_sensitivity),
    )
    version = current_model_version(session, procurement)
    if found is None or version is None:
        return None
    records = found.records
    data = EvaluationData(
        records.model,
        version,
        bids_in_evaluation(session, procurement, lot),
        records.scores,
        records.prices,
        records.consensus,
        records.pass_fail,
    )
    return ProcurementResults(data, found.result, found.findings, found.problems)


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
