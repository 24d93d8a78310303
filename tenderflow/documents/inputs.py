"""Plain inputs for each document, independent of the database.

Money is Decimal pounds, dates are passed in (nothing here reads today's date), and scores and
totals arrive already worked out by the scoring rules: documents present them, never recompute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias

from tenderflow.documents.content import Bullets, Chart, Paragraph, Signatory, Table
from tenderflow.documents.feedback import FeedbackRules
from tenderflow.domain.regulations import RouteDecision, RuleLibrary, default_library
from tenderflow.domain.standstill import StandstillPeriod

# Prose for a section: strings are paragraphs; Bullets, Tables and Charts are placed as given.
Prose: TypeAlias = tuple[str | Paragraph | Bullets | Table | Chart, ...]


# --- shared ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A named officer, evaluator or contact."""

    name: str
    role: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class Lot:
    """A lot of a procurement."""

    number: int
    title: str
    annual_value: Decimal | None = None


@dataclass(frozen=True)
class RouteFacts:
    """The route decision as a document states it: rule set, threshold and why."""

    rule_set_title: str
    national_regime: str
    national_regime_title: str
    route: str
    band: str
    whole_life_value: Decimal
    value_including_vat: Decimal
    national_threshold: Decimal
    above_national_threshold: bool
    min_candidates: int | None
    standstill: str
    notices: tuple[str, ...]
    bidder_feedback: str
    explanation: str


def route_facts(decision: RouteDecision, library: RuleLibrary | None = None) -> RouteFacts:
    """Return a route decision's facts, with the rule set and regime named by their titles."""
    library = library or default_library()
    if decision.standstill is None:
        standstill = "None required below the national threshold"
    else:
        period = f"{decision.standstill.days} {decision.standstill.kind} days"
        standstill = period if decision.standstill_mandatory else f"{period} (voluntary)"
    return RouteFacts(
        rule_set_title=library.get(decision.rule_set).title,
        national_regime=decision.national_regime,
        national_regime_title=library.get(decision.national_regime).title,
        route=decision.route,
        band=decision.band,
        whole_life_value=decision.whole_life_value,
        value_including_vat=decision.value_including_vat,
        national_threshold=decision.national_threshold,
        above_national_threshold=decision.above_national_threshold,
        min_candidates=decision.min_candidates,
        standstill=standstill,
        notices=decision.notices + decision.conditional_notices,
        bidder_feedback=decision.bidder_feedback,
        explanation=decision.explanation,
    )


@dataclass(frozen=True)
class ProcurementFacts:
    """What a procurement holds that documents quote."""

    reference: str
    title: str
    description: str
    council: str
    commissioning_body: str
    category: str
    start_date: date
    estimated_value: Decimal
    value_basis: str  # "annual" or "whole-life", as entered
    term_years: int | None
    extension_years: int
    route: RouteFacts
    districts: tuple[str, ...] = ()
    lots: tuple[Lot, ...] = ()
    procurement_lead: Person | None = None
    client_lead: Person | None = None


@dataclass(frozen=True)
class StandstillDates:
    """A standstill as bidders are told it."""

    start: date
    last_day: date
    earliest_contract_date: date
    description: str

    @classmethod
    def from_period(cls, period: StandstillPeriod, description: str) -> StandstillDates:
        """Return the dates of a computed standstill period."""
        return cls(period.start, period.last_day, period.earliest_contract_date, description)


# --- the evaluation -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimetableRow:
    """A stage planned against actual; a slip needs a reason."""

    stage: str
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    delay_reason: str | None = None


@dataclass(frozen=True)
class PanelMember:
    """A panel member and their declarations."""

    name: str
    role: str
    organisation: str
    confidentiality_signed_on: date | None
    conflicts_declared_on: date | None
    conflicts: tuple[str, ...] = ()
    excluded_from: tuple[str, ...] = ()  # bidders they did not score because of a conflict
    scores: bool = True  # False for advisers and a non-scoring moderator


@dataclass(frozen=True)
class BidReceived:
    """A bid as received: late, excluded and why."""

    bidder: str
    received_at: datetime
    late: bool = False
    accepted_late_reason: str | None = None
    excluded: bool = False
    exclusion_reason: str | None = None


@dataclass(frozen=True)
class Criterion:
    """An award criterion; weights of all criteria and price add up to 100."""

    code: str
    title: str
    section: str
    weight: Decimal
    minimum: Decimal | None = None


@dataclass(frozen=True)
class ScaleLevel:
    """A point on the scoring scale and what it means."""

    score: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class EvaluationMethod:
    """The published evaluation model."""

    criteria: tuple[Criterion, ...]
    scale: tuple[ScaleLevel, ...]
    price_weight: Decimal
    price_formula: str
    pass_fail_questions: tuple[str, ...] = ()
    minimum_quality: Decimal | None = None
    spread_threshold: Decimal = Decimal(2)  # evaluator spreads at or above this are flagged
    notes: tuple[str, ...] = ()
    ranking_rule: str = ""  # how bids are ranked and ties broken, as the model states it
    rounding_rule: str = ""  # how published figures are rounded and relate to the total
    # Ranked on price per quality point (price / quality score), lowest first: price earns
    # no points, so the total is the quality score.
    per_quality_point: bool = False

    @property
    def max_score(self) -> int:
        """Return the top of the scale."""
        return max(level.score for level in self.scale)

    def criterion(self, code: str) -> Criterion:
        """Return the criterion with this code."""
        for item in self.criteria:
            if item.code == code:
                return item
        raise KeyError(code)


@dataclass(frozen=True)
class EvaluatorScore:
    """One evaluator's own score for one criterion of one bid."""

    bidder: str
    criterion: str
    evaluator: str
    score: Decimal
    comment: str = ""


@dataclass(frozen=True)
class ConsensusScore:
    """The moderated score for one criterion of one bid, with its rationale."""

    bidder: str
    criterion: str
    score: Decimal
    weighted: Decimal
    rationale: str


@dataclass(frozen=True)
class PassFailResult:
    """A gateway question's result for one bid."""

    bidder: str
    question: str
    passed: bool
    note: str = ""


@dataclass(frozen=True)
class BidderResult:
    """A bid's weighted totals and place; a disqualified bid has no rank."""

    bidder: str
    rank: int | None
    quality: Decimal
    price_score: Decimal
    total: Decimal
    price: Decimal
    disqualified: bool = False
    reason: str = ""
    price_per_quality_point: Decimal | None = None  # under a price-per-quality-point model


@dataclass(frozen=True)
class PriceAnalysis:
    """A bid's price, its score and whether it looked abnormally low."""

    bidder: str
    whole_life_price: Decimal
    annual_price: Decimal
    price_score: Decimal
    abnormally_low: bool = False
    investigation: str = ""
    price_per_quality_point: Decimal | None = None  # under a price-per-quality-point model


@dataclass(frozen=True)
class VfmCheck:
    """A value-for-money check of a bid against the costing model (cap or target range)."""

    bidder: str
    check: str
    limit: str
    value: str
    met: bool
    note: str = ""


@dataclass(frozen=True)
class SensitivityScenario:
    """What happens to the result if the weights or a score change."""

    label: str
    winner: str
    changed: bool
    note: str = ""


@dataclass(frozen=True)
class Clarification:
    """A clarification question, its answer and whether it went to every bidder."""

    reference: str
    asked_on: date
    question: str
    answer: str
    answered_on: date | None
    published: bool


@dataclass(frozen=True)
class EvaluationReportInput:
    """Everything the tender evaluation report states, for one lot or a whole procurement."""

    procurement: ProcurementFacts
    lot: Lot | None
    report_date: date
    version: str
    classification: str
    timetable: tuple[TimetableRow, ...]
    panel: tuple[PanelMember, ...]
    bids: tuple[BidReceived, ...]
    method: EvaluationMethod
    pass_fail: tuple[PassFailResult, ...]
    evaluator_scores: tuple[EvaluatorScore, ...]
    consensus: tuple[ConsensusScore, ...]
    results: tuple[BidderResult, ...]
    prices: tuple[PriceAnalysis, ...]
    vfm_checks: tuple[VfmCheck, ...]
    sensitivity: tuple[SensitivityScenario, ...]
    clarifications: tuple[Clarification, ...]
    recommended_bidder: str
    recommendation: str
    sign_off: tuple[Signatory, ...]
    moderation_date: date | None = None


@dataclass(frozen=True)
class AssessmentSummaryInput:
    """What each bidder is told: their own assessment, the winner's where the regime asks."""

    procurement: ProcurementFacts
    lot: Lot | None
    feedback: FeedbackRules
    method: EvaluationMethod
    consensus: tuple[ConsensusScore, ...]
    results: tuple[BidderResult, ...]
    winner: str
    issued_on: date
    standstill: StandstillDates | None
    contact: Person
    criteria_published_in: str  # where the full award criteria can be read
    winner_characteristics: str = ""  # PCR 2015: the winning tender's characteristics, in words


# --- council papers -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """A numbered section of a committee report; each string is a numbered paragraph."""

    title: str
    content: Prose


@dataclass(frozen=True)
class CommitteeReportInput:
    """A report to the commissioning body, in the council shape."""

    by: str
    to: str
    meeting_date: date
    subject: str
    classification: str
    summary: tuple[str, ...]
    recommendations: tuple[str, ...]
    sections: tuple[ReportSection, ...]
    contact: Person
    conclusion: Prose = ()
    background_documents: tuple[str, ...] = ()
    body: str = "Commissioning Body"
    asked_to: str = "note and agree"
    author: Person | None = None


@dataclass(frozen=True)
class Risk:
    """A procurement risk and how it is controlled."""

    risk: str
    controls: str


@dataclass(frozen=True)
class PlanTask:
    """A stage of the planned timetable."""

    task: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class ProcurementPlanInput:
    """A procurement plan, in the shape of the Kent draft plan."""

    title: str
    council: str
    reference: str
    plan_date: date
    status: str
    value_summary: str
    procurement_lead: Person
    client_lead: Person
    description: Prose
    funding: Prose
    value: Prose
    business_objectives: Prose
    current_supply: Prose
    market_position: Prose
    risks: tuple[Risk, ...]
    route_options: Prose
    route: RouteFacts | None
    evaluation_team: Prose
    value_for_money: Prose
    route_recommendation: Prose
    timetable: tuple[PlanTask, ...]
    resources: Prose
    reviews: Prose
    lots: tuple[Lot, ...] = ()
