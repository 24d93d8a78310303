"""Contract regulations: decide which route a procurement must take.

The decision combines a council's standing orders (bands below the national threshold)
with the national regime in force on the procurement's start date; see ``rule_sets``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow.domain.money import format_amount, format_gbp, to_money
from tenderflow.domain.periods import PeriodChoice, PeriodFacts, choose
from tenderflow.domain.rule_sets import (
    AUTHORITIES,
    CATEGORIES,
    PROCEDURES,
    ROUTES,
    Band,
    DirectAwardJustification,
    NationalRegime,
    Notice,
    RouteInputError,
    RuleLibrary,
    RuleSet,
    RuleSetError,
    StandingOrders,
    Standstill,
    StandstillRule,
    ThresholdPeriod,
    available_rule_sets,
    default_library,
    default_rule_set_directory,
    load_rule_set,
    rule_set_path,
    standing_orders,
)

__all__ = [
    "AUTHORITIES",
    "CATEGORIES",
    "PROCEDURES",
    "ROUTES",
    "Band",
    "NationalRegime",
    "Notice",
    "RouteDecision",
    "RouteInputError",
    "RouteRequest",
    "RuleLibrary",
    "RuleSet",
    "RuleSetError",
    "StandingOrders",
    "Standstill",
    "StandstillRule",
    "ThresholdPeriod",
    "available_rule_sets",
    "decide_route",
    "default_library",
    "default_rule_set_directory",
    "load_rule_set",
    "rule_set_path",
    "standing_orders",
]


# --- the route decision -------------------------------------------------------------------


@dataclass(frozen=True)
class RouteRequest:
    """The facts about a procurement that decide its route."""

    value: Decimal
    start_date: date
    annual: bool = False
    years: int | None = None
    extension_years: int = 0
    vat_rate: Decimal = Decimal("0.20")
    category: str = "services"
    authority: str = "sub-central"
    exemption: str | None = None
    exemption_approver: str | None = None
    procedure: str = "open"
    planned_procurement_notice: date | None = None
    tender_notice: date | None = None  # the start date when not given
    urgency: bool = False
    paper_tenders: bool = False
    direct_award: str | None = None

    def __post_init__(self) -> None:
        value, vat = self.value, self.vat_rate
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise RouteInputError(f"value must be a Decimal amount in pounds, not {value!r}")
        if not Decimal(value).is_finite() or value < 0:
            raise RouteInputError(f"value must be £0 or more, not {value}")
        if not isinstance(vat, Decimal | int) or not Decimal(vat).is_finite() or not 0 <= vat <= 1:
            raise RouteInputError(f"VAT rate must be between 0 and 1 (e.g. 0.20), not {vat}")
        if self.category not in CATEGORIES:
            raise RouteInputError(
                f"unknown category {self.category!r}: use {', '.join(CATEGORIES)}"
            )
        if self.authority not in AUTHORITIES:
            raise RouteInputError(
                f"unknown authority type {self.authority!r}: use {', '.join(AUTHORITIES)}"
            )
        # years and extension_years only multiply an annual value; a whole-life value already
        # includes them, so they are ignored (callers may pass the term for information).
        if self.annual and (self.years is None or self.years < 1):
            raise RouteInputError("an annual value needs the number of years (1 or more)")
        if self.extension_years < 0:
            raise RouteInputError("extension years must be 0 or more")
        if self.exemption_approver and not self.exemption:
            raise RouteInputError("an exemption approver was given without an exemption")
        if self.procedure not in PROCEDURES:
            raise RouteInputError(
                f"unknown procedure {self.procedure!r}: use {', '.join(PROCEDURES)}"
            )
        prior = self.planned_procurement_notice
        if prior is not None and prior > self.tender_notice_date:
            raise RouteInputError(
                f"the planned procurement notice ({prior.isoformat()}) must be published before "
                f"the tender notice ({self.tender_notice_date.isoformat()})"
            )
        if self.direct_award:
            if self.exemption:
                raise RouteInputError("give a local exemption or a direct award, not both")
            if self.procedure != "open":
                raise RouteInputError(
                    f"a direct award has no competitive procedure, so not {self.procedure!r}"
                )
            if prior is not None or self.urgency or self.paper_tenders:
                raise RouteInputError(
                    "a direct award has no tendering period: a planned procurement notice, "
                    "urgency and paper tenders do not apply"
                )

    @property
    def tender_notice_date(self) -> date:
        """Return the day the tender notice is (to be) published: the start date by default."""
        return self.tender_notice or self.start_date

    @property
    def period_facts(self) -> PeriodFacts:
        """Return the facts that decide the minimum participation and tendering periods."""
        return PeriodFacts(
            tender_notice=self.tender_notice_date,
            prior_notice=self.planned_procurement_notice,
            urgency=self.urgency,
            paper_tenders=self.paper_tenders,
        )

    @property
    def whole_life_value(self) -> Decimal:
        """Return the value over the whole life of the contract, extensions included."""
        value = to_money(self.value)
        if self.annual:
            return to_money(value * ((self.years or 0) + self.extension_years))
        return value

    @property
    def value_including_vat(self) -> Decimal:
        """Return the whole-life value with VAT added, to the penny."""
        return to_money(self.whole_life_value * (1 + Decimal(self.vat_rate)))


@dataclass(frozen=True)
class RouteDecision:
    """Which route a procurement must take, and why."""

    rule_set: str
    start_date: date
    category: str
    authority: str
    vat_rate: Decimal
    whole_life_value: Decimal
    value_including_vat: Decimal
    band: str
    route: str
    min_candidates: int | None
    written_confirmation: bool
    advertise: bool
    national_regime: str
    national_threshold: Decimal
    above_national_threshold: bool
    standstill: Standstill | None
    standstill_mandatory: bool
    notices: tuple[str, ...]
    conditional_notices: tuple[str, ...]
    min_tendering_days: int | None
    procedure: str | None
    min_participation_days: int | None
    tendering_case: str | None
    tendering_condition: str | None
    shortlisting_allowed: bool
    direct_award: str | None
    bidder_feedback: str
    conflicts: str
    exemption: str | None
    exemption_approver: str | None
    exemption_approver_required: bool
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values: amounts as two-decimal strings, dates as ISO text."""
        result: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if item.name == "vat_rate":
                value = str(value)
            elif isinstance(value, Decimal):
                value = format_amount(value)
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Standstill):
                value = value.to_dict()
            result[item.name] = value
        return result


_CATEGORY_TEXT = {"light-touch": "light-touch services"}


def decide_route(
    request: RouteRequest, rule_set_name: str, library: RuleLibrary | None = None
) -> RouteDecision:
    """Decide the route for ``request`` under a council's standing orders or a national regime.

    Given a national regime's name, the decision is made under that regime alone: the route is
    ``national-procedure`` (or ``direct-award``) at or above the threshold and
    ``below-threshold`` otherwise (the regime sets no procedure; the council's own standing
    orders then decide).
    """
    library = library or default_library()
    rule_set = library.get(rule_set_name)
    if isinstance(rule_set, NationalRegime):
        if not rule_set.applies_to(request.start_date):
            raise RouteInputError(
                f"{rule_set.name} applies only to {rule_set.coverage()}, "
                f"not to one begun on {request.start_date.isoformat()}"
            )
        if request.exemption:
            raise RouteInputError(
                f"{rule_set.name} is a national regime and has no local exemptions"
            )
        return _decide(request, rule_set, None)
    if request.exemption and request.exemption not in rule_set.exemptions:
        raise RouteInputError(
            f"unknown exemption {request.exemption!r} in {rule_set.name}: use "
            f"{', '.join(rule_set.exemptions) or '(none defined)'}"
        )
    regime = library.national_regime_for(request.start_date, among=rule_set.national_regimes)
    return _decide(request, regime, rule_set)


@dataclass(frozen=True)
class _Periods:
    """The procedure and minimum periods of a route."""

    procedure: str | None = None
    participation_days: int | None = None
    tendering_days: int | None = None
    case: str | None = None
    condition: str | None = None


def _national_periods(request: RouteRequest, regime: NationalRegime) -> _Periods:
    """Return the procedure and the minimum periods at or above the threshold."""
    light_touch = request.category == "light-touch"
    flexible = request.procedure == "competitive-flexible"
    if light_touch:
        participation = regime.light_touch_min_participation_days if flexible else None
        return _Periods(
            procedure=request.procedure,
            participation_days=participation,
            tendering_days=regime.light_touch_min_tendering_days,
            case="light-touch",
            condition="a light-touch contract"
            + (", which has no minimum" if regime.light_touch_min_tendering_days is None else ""),
        )
    tendering: PeriodChoice = choose(regime.tendering_cases, request.period_facts)
    participation_days = (
        choose(regime.participation_cases, request.period_facts).days if flexible else None
    )
    return _Periods(
        procedure=request.procedure,
        participation_days=participation_days,
        tendering_days=tendering.days,
        case=tendering.code,
        condition=tendering.condition,
    )


def _periods_sentence(periods: _Periods) -> str:
    procedure = (periods.procedure or "open").replace("-", " ")
    if periods.tendering_days is None:
        tendering = "there is no minimum tendering period (a light-touch contract)"
    else:
        tendering = (
            f"the minimum tendering period is {periods.tendering_days} days ({periods.condition})"
        )
    participation = (
        f"the minimum participation period is {periods.participation_days} days and "
        if periods.participation_days is not None
        else ""
    )
    return f"Under the {procedure} procedure {participation}{tendering}."


def _direct_award_ground(request: RouteRequest, regime: NationalRegime) -> DirectAwardJustification:
    route = regime.direct_award
    if route is None:
        raise RouteInputError(
            f"{regime.title} has no direct award route here: use a competitive procedure"
        )
    ground = route.justifications.get(request.direct_award or "")
    if ground is None:
        raise RouteInputError(
            f"unknown direct award justification {request.direct_award!r}: use "
            f"{', '.join(route.justifications)}"
        )
    if ground.light_touch_only and request.category != "light-touch":
        raise RouteInputError(
            f"the direct award justification {ground.code!r} applies only to light-touch contracts"
        )
    return ground


def _decide(
    request: RouteRequest, regime: NationalRegime, orders: StandingOrders | None
) -> RouteDecision:
    if request.procedure not in regime.procedures:
        raise RouteInputError(
            f"{regime.title} has no {request.procedure} procedure here: use "
            f"{', '.join(regime.procedures)}"
        )
    ground = _direct_award_ground(request, regime) if request.direct_award else None
    whole, gross = request.whole_life_value, request.value_including_vat
    threshold = regime.threshold(request.start_date, request.authority, request.category)
    value_basis = regime.value_basis_on(request.start_date)
    regime_value = gross if value_basis == "gross" else whole
    above = regime.reaches(regime_value, threshold)
    for_whom = f"{request.authority} {_CATEGORY_TEXT.get(request.category, request.category)}"
    threshold_text = f"the {regime.title} threshold of {format_gbp(threshold)} for {for_whom}"
    basis = "including" if value_basis == "gross" else "excluding"
    other = whole if value_basis == "gross" else gross
    if ground is not None and not above:
        raise RouteInputError(
            "a direct award is for contracts at or above "
            f"{threshold_text}; the value {basis} VAT, {format_gbp(regime_value)}, is below it, "
            "so the council's own rules (and their exemptions) apply"
        )
    standstill = regime.standstill_for(request.category) if above else None
    mandatory = above and regime.standstill_mandatory(request.category)
    if ground is not None and not ground.standstill:
        standstill, mandatory = None, False
    exempt = bool(orders and request.exemption and not above)
    periods = _Periods()
    sentences: list[str] = []
    also = "excluding" if basis == "including" else "including"
    aside = f" ({format_gbp(other)} {also} VAT)" if other != regime_value else ""
    opening = f"Under {orders.title}, t" if orders else "T"

    if ground is not None:
        route, band_label = "direct-award", "at or above the national threshold"
        min_candidates, advertise, written = None, False, True
        sentences.append(
            f"{opening}he whole-life value {basis} VAT, {format_gbp(regime_value)}{aside}, "
            f"is at or above {threshold_text}, and the contract is awarded directly without "
            f"competition ({ground.source}): {ground.description}."
        )
        sentences.append(
            "A transparency notice must be published before the contract is entered into."
        )
        sentences.append(_direct_award_standstill_sentence(regime, request.category, standstill))
    elif above:
        route, band_label = "national-procedure", "at or above the national threshold"
        # The orders' own minimum (six candidates in Cambridgeshire) applies only where the
        # national procedure does not; where it applies, the procedure sets the competition.
        min_candidates = None
        advertise, written = (orders.above_advertise if orders else True), True
        periods = _national_periods(request, regime)
        sentences.append(
            f"{opening}he whole-life value {basis} VAT, {format_gbp(regime_value)}{aside}, "
            f"is at or above {threshold_text}, so the route is "
            f"{orders.above_description if orders else 'the national procedure'}."
        )
        if orders and request.exemption:
            unless = (
                " unless a direct award is justified on one of its grounds"
                if regime.direct_award is not None
                else ""
            )
            sentences.append(
                f"The local exemption '{request.exemption}' cannot set the {regime.title} "
                f"aside, so the route stays the national procedure{unless}."
            )
        sentences.append(_periods_sentence(periods))
        sentences.append(_standstill_sentence(regime, request.category))
    elif orders is None:
        route, band_label = "below-threshold", "below the national threshold"
        min_candidates, advertise, written = None, False, False
        sentences.append(
            f"The whole-life value {basis} VAT, {format_gbp(regime_value)}, is below "
            f"{threshold_text}, so no national procedure or mandatory standstill applies."
        )
        sentences.append("The council's own standing orders set the route.")
    else:
        band_value = whole if orders.band_value == "net" else gross
        band = orders.band_for(band_value)
        band_label = band.label
        sentences.append(
            f"Under {orders.title}, a whole-life value of {format_gbp(band_value)} "
            f"({'excluding' if orders.band_value == 'net' else 'including'} VAT) falls in the "
            f"band {band.label}: {band.description}."
        )
        if exempt:
            route, min_candidates, advertise, written = "exempt", None, False, False
            code = request.exemption or ""
            approver = request.exemption_approver or "an authorised approver"
            sentences.append(
                f"The exemption '{code}' ({orders.exemptions[code]}) sets that route aside; "
                f"the reason must be recorded and approved by {approver}."
            )
        else:
            route, min_candidates, advertise = band.route, band.min_candidates, band.advertise
            written = band.needs_written_confirmation(band_value)
            periods = _Periods(tendering_days=band.min_tendering_days)
        sentences.append(
            f"The value {basis} VAT, {format_gbp(regime_value)}, is below {threshold_text}, "
            "so no mandatory standstill applies."
        )

    regulated = not above and regime.is_regulated_below_threshold(gross, request.authority)
    if ground is not None:
        shortlisting = False
    elif above:
        shortlisting = periods.procedure == "competitive-flexible"
    else:
        shortlisting = regime.below_threshold_shortlisting or not regulated
    if regulated and not regime.below_threshold_shortlisting and route != "exempt":
        sentences.append(
            f"As a regulated below-threshold contract ({format_gbp(gross)} including VAT), it "
            "must not be shortlisted on suitability before tendering: conditions of "
            "participation are assessed with the tenders."
        )

    if ground is not None and regime.direct_award is not None:
        notices = tuple(
            n for n in regime.direct_award.notices if n.name not in ground.without_notices
        )
    else:
        notices = regime.notices_above if above else regime.notices_below
    needed = [
        n
        for n in notices
        if n.applies(regime_value, request.authority, advertise, request.start_date)
    ]
    return RouteDecision(
        rule_set=orders.name if orders else regime.name,
        start_date=request.start_date,
        category=request.category,
        authority=request.authority,
        vat_rate=request.vat_rate,
        whole_life_value=whole,
        value_including_vat=gross,
        band=band_label,
        route=route,
        min_candidates=min_candidates,
        written_confirmation=written,
        advertise=advertise,
        national_regime=regime.name,
        national_threshold=threshold,
        above_national_threshold=above,
        standstill=standstill,
        standstill_mandatory=mandatory,
        notices=tuple(n.name for n in needed if n.condition is None),
        conditional_notices=tuple(f"{n.name} ({n.condition})" for n in needed if n.condition),
        min_tendering_days=periods.tendering_days,
        procedure=periods.procedure,
        min_participation_days=periods.participation_days,
        tendering_case=periods.case,
        tendering_condition=periods.condition,
        shortlisting_allowed=shortlisting,
        direct_award=ground.code if ground else None,
        bidder_feedback=regime.bidder_feedback,
        conflicts=regime.conflicts,
        exemption=request.exemption,
        exemption_approver=request.exemption_approver,
        exemption_approver_required=exempt,
        explanation=" ".join(sentences),
    )


def _direct_award_standstill_sentence(
    regime: NationalRegime, category: str, standstill: Standstill | None
) -> str:
    rule = regime.standstill
    counted = "beginning with" if rule.counting == "beginning-with-trigger-day" else "after"
    period = f"{rule.days} {rule.kind} days, {counted} the day {rule.trigger}"
    if standstill is None:
        return (
            f"The {regime.title} sets the standstill aside for a direct award on this ground, "
            "so none applies."
        )
    if not regime.standstill_mandatory(category):
        return (
            f"The {regime.title} does not require a standstill for {category} contracts; a "
            f"voluntary standstill of {period}, is planned by default."
        )
    return f"A standstill of at least {period}, applies before the contract is entered into."


def _standstill_sentence(regime: NationalRegime, category: str) -> str:
    rule = regime.standstill
    feedback = f"unsuccessful bidders receive {_article(regime.bidder_feedback)}."
    counted = "beginning with" if rule.counting == "beginning-with-trigger-day" else "after"
    period = f"{rule.days} {rule.kind} days, {counted} the day {rule.trigger}"
    if not regime.standstill_mandatory(category):
        planned = (
            f"a voluntary standstill of {period}, is planned by default"
            if rule.voluntary_when_not_required
            else "none is planned"
        )
        return (
            f"The {regime.title} does not require a standstill for {category} contracts, so "
            f"{planned}; {feedback}"
        )
    return f"A standstill of at least {period}, applies; {feedback}"


def _article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
