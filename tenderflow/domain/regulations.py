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
from tenderflow.domain.rule_sets import (
    AUTHORITIES,
    CATEGORIES,
    ROUTES,
    Band,
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
    ``national-procedure`` at or above the threshold and ``below-threshold`` otherwise (the
    regime sets no procedure; the council's own standing orders then decide).
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


def _decide(
    request: RouteRequest, regime: NationalRegime, orders: StandingOrders | None
) -> RouteDecision:
    whole, gross = request.whole_life_value, request.value_including_vat
    threshold = regime.threshold(request.start_date, request.authority, request.category)
    regime_value = gross if regime.value_basis == "gross" else whole
    above = regime.reaches(regime_value, threshold)
    for_whom = f"{request.authority} {_CATEGORY_TEXT.get(request.category, request.category)}"
    threshold_text = f"the {regime.title} threshold of {format_gbp(threshold)} for {for_whom}"
    basis = "including" if regime.value_basis == "gross" else "excluding"
    other = whole if regime.value_basis == "gross" else gross
    standstill = regime.standstill_for(request.category) if above else None
    exempt = bool(orders and request.exemption and not above)
    sentences: list[str] = []

    if above:
        route, band_label = "national-procedure", "at or above the national threshold"
        min_candidates = orders.above_min_candidates if orders else None
        advertise, written = (orders.above_advertise if orders else True), True
        min_days = regime.min_tendering_days(request.category)
        opening = f"Under {orders.title}, t" if orders else "T"
        also = "excluding" if basis == "including" else "including"
        aside = f" ({format_gbp(other)} {also} VAT)" if other != regime_value else ""
        sentences.append(
            f"{opening}he whole-life value {basis} VAT, {format_gbp(regime_value)}{aside}, "
            f"is at or above {threshold_text}, so the route is "
            f"{orders.above_description if orders else 'the national procedure'}."
        )
        if orders and request.exemption:
            sentences.append(
                f"The local exemption '{request.exemption}' cannot set the {regime.title} "
                "aside, so the route stays the national procedure."
            )
        sentences.append(_standstill_sentence(regime, request.category))
    elif orders is None:
        route, band_label = "below-threshold", "below the national threshold"
        min_candidates, advertise, written, min_days = None, False, False, None
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
            route, min_candidates, advertise, written, min_days = "exempt", None, False, False, None
            code = request.exemption or ""
            approver = request.exemption_approver or "an authorised approver"
            sentences.append(
                f"The exemption '{code}' ({orders.exemptions[code]}) sets that route aside; "
                f"the reason must be recorded and approved by {approver}."
            )
        else:
            route, min_candidates, advertise = band.route, band.min_candidates, band.advertise
            written, min_days = band.needs_written_confirmation(band_value), band.min_tendering_days
        sentences.append(
            f"The value {basis} VAT, {format_gbp(regime_value)}, is below {threshold_text}, "
            "so no mandatory standstill applies."
        )

    notices = regime.notices_above if above else regime.notices_below
    needed = [n for n in notices if n.applies(regime_value, request.authority, advertise)]
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
        standstill_mandatory=above and regime.standstill_mandatory(request.category),
        notices=tuple(n.name for n in needed if n.condition is None),
        conditional_notices=tuple(f"{n.name} ({n.condition})" for n in needed if n.condition),
        min_tendering_days=min_days,
        bidder_feedback=regime.bidder_feedback,
        conflicts=regime.conflicts,
        exemption=request.exemption,
        exemption_approver=request.exemption_approver,
        exemption_approver_required=exempt,
        explanation=" ".join(sentences),
    )


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
