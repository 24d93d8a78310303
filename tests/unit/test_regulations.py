"""Which route a procurement must take, under standing orders and the national regime."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tenderflow.domain import regulations, rule_sets
from tenderflow.domain.regulations import (
    NationalRegime,
    RouteDecision,
    RouteInputError,
    RouteRequest,
    RuleLibrary,
    RuleSetError,
    StandingOrders,
    Standstill,
    decide_route,
)

CAMBS = "cambridgeshire-2008"
DISTRICT = "example-district-2024"
PA = "procurement-act-2023"
PCR = "pcr-2015"
IN_2026 = date(2026, 3, 2)
SHIPPED = rule_sets.REPO_ROOT / "rule_sets"


@pytest.fixture(scope="module")
def library() -> RuleLibrary:
    return RuleLibrary(rule_sets.REPO_ROOT / "rule_sets")


def decide(
    library: RuleLibrary, value: str, rules: str = CAMBS, start: date = IN_2026, **facts: Any
) -> RouteDecision:
    return decide_route(RouteRequest(Decimal(value), start, **facts), rules, library)


# --- local bands ---------------------------------------------------------------------------

CAMBS_BANDS = [
    ("0.00", "oral-quote", 1, False, False),
    ("500.00", "oral-quote", 1, False, False),
    ("500.01", "oral-quote", 1, True, False),
    ("2000.00", "oral-quote", 1, True, False),
    ("2000.01", "written-quotes", 3, True, False),
    ("30000.00", "written-quotes", 3, True, False),
    ("30000.01", "invited-tender", 4, True, False),
    ("75000.00", "invited-tender", 4, True, False),
    ("75000.01", "advertised-tender", 4, True, True),
    # £207,720.00 including VAT at 20% is £173,100.00 excluding it. Where the national
    # procedure applies it sets the competition: the orders' six candidates do not apply.
    ("173099.99", "advertised-tender", 4, True, True),
    ("173100.00", "national-procedure", None, True, True),
]


@pytest.mark.parametrize(("value", "route", "candidates", "written", "advertise"), CAMBS_BANDS)
def test_each_cambridgeshire_band_boundary_is_exact_to_the_penny(
    library: RuleLibrary,
    value: str,
    route: str,
    candidates: int | None,
    written: bool,
    advertise: bool,
) -> None:
    decision = decide(library, value)
    assert (decision.route, decision.min_candidates) == (route, candidates)
    assert decision.written_confirmation is written
    assert decision.advertise is advertise


def test_two_thousand_pounds_exactly_is_an_oral_quote(library: RuleLibrary) -> None:
    decision = decide(library, "2000.00")
    assert decision.route == "oral-quote"
    assert decision.band == "up to £2,000.00"


def test_two_thousand_pounds_and_a_penny_needs_three_written_quotes(library: RuleLibrary) -> None:
    decision = decide(library, "2000.01")
    assert decision.route == "written-quotes"
    assert decision.band == "£2,000.01 to £30,000.00"


def test_the_advertised_band_runs_up_to_the_national_threshold(library: RuleLibrary) -> None:
    assert decide(library, "100000").band == "£75,000.01 up to the national threshold"


@pytest.mark.parametrize(
    ("value", "route", "candidates", "written", "advertise"),
    [
        ("2000.00", "oral-quote", 1, False, False),
        ("2000.01", "written-quotes", 3, True, False),
        ("25000.00", "written-quotes", 3, True, False),
        ("25000.01", "advertised-tender", None, True, True),
        ("173099.99", "advertised-tender", None, True, True),
        ("173100.00", "national-procedure", None, True, True),
    ],
)
def test_each_example_district_band_boundary_is_exact_to_the_penny(
    library: RuleLibrary,
    value: str,
    route: str,
    candidates: int | None,
    written: bool,
    advertise: bool,
) -> None:
    decision = decide(library, value, rules=DISTRICT)
    assert (decision.route, decision.min_candidates) == (route, candidates)
    assert (decision.written_confirmation, decision.advertise) == (written, advertise)


@pytest.mark.parametrize(
    ("value", "days"),
    [("1000", None), ("20000", 5), ("50000", 14), ("100000", 21), ("300000", 25)],
)
def test_minimum_tendering_periods_come_from_the_band_or_the_national_regime(
    library: RuleLibrary, value: str, days: int | None
) -> None:
    assert decide(library, value).min_tendering_days == days


# --- national thresholds -------------------------------------------------------------------

THRESHOLDS = {
    # (regime, first day, last day): {(authority, category): threshold}
    (PA, date(2025, 2, 24), date(2025, 12, 31)): {
        ("sub-central", "goods"): "214904.00",
        ("sub-central", "services"): "214904.00",
        ("sub-central", "works"): "5372609.00",
        ("sub-central", "light-touch"): "663540.00",
        ("central", "goods"): "139688.00",
        ("central", "services"): "139688.00",
        ("central", "works"): "5372609.00",
        ("central", "light-touch"): "663540.00",
    },
    (PA, date(2026, 1, 1), date(2031, 6, 30)): {
        ("sub-central", "goods"): "207720.00",
        ("sub-central", "services"): "207720.00",
        ("sub-central", "works"): "5193000.00",
        ("sub-central", "light-touch"): "663540.00",
        ("central", "goods"): "135018.00",
        ("central", "services"): "135018.00",
        ("central", "works"): "5193000.00",
        ("central", "light-touch"): "663540.00",
    },
    (PCR, date(2016, 1, 1), date(2017, 12, 31)): {
        ("sub-central", "goods"): "164176.00",
        ("sub-central", "services"): "164176.00",
        ("sub-central", "works"): "4104394.00",
        ("sub-central", "light-touch"): "589148.00",
        ("central", "goods"): "106047.00",
        ("central", "services"): "106047.00",
        ("central", "works"): "4104394.00",
        ("central", "light-touch"): "589148.00",
    },
    (PCR, date(2020, 1, 1), date(2021, 12, 31)): {
        ("sub-central", "goods"): "189330.00",
        ("sub-central", "services"): "189330.00",
        ("sub-central", "works"): "4733252.00",
        ("sub-central", "light-touch"): "663540.00",
        ("central", "goods"): "122976.00",
        ("central", "services"): "122976.00",
        ("central", "works"): "4733252.00",
        ("central", "light-touch"): "663540.00",
    },
    (PCR, date(2022, 1, 1), date(2023, 12, 31)): {
        ("sub-central", "goods"): "213477.00",
        ("sub-central", "services"): "213477.00",
        ("sub-central", "works"): "5336937.00",
        ("sub-central", "light-touch"): "663540.00",
        ("central", "goods"): "138760.00",
        ("central", "services"): "138760.00",
        ("central", "works"): "5336937.00",
        ("central", "light-touch"): "663540.00",
    },
    (PCR, date(2024, 1, 1), date(2025, 2, 23)): {
        ("sub-central", "goods"): "214904.00",
        ("sub-central", "services"): "214904.00",
        ("sub-central", "works"): "5372609.00",
        ("sub-central", "light-touch"): "663540.00",
        ("central", "goods"): "139688.00",
        ("central", "services"): "139688.00",
        ("central", "works"): "5372609.00",
        ("central", "light-touch"): "663540.00",
    },
}
THRESHOLD_CASES = [
    (regime, day, authority, category, amount)
    for (regime, first, last), table in THRESHOLDS.items()
    for day in (first, last)
    for (authority, category), amount in table.items()
]


@pytest.mark.parametrize(("regime", "start", "authority", "category", "amount"), THRESHOLD_CASES)
def test_the_threshold_itself_brings_a_contract_under_the_national_regime(
    library: RuleLibrary, regime: str, start: date, authority: str, category: str, amount: str
) -> None:
    facts: dict[str, Any] = {"authority": authority, "category": category, "vat_rate": Decimal("0")}
    at = decide(library, amount, start=start, **facts)
    assert (at.national_regime, at.national_threshold) == (regime, Decimal(amount))
    assert at.above_national_threshold is True
    assert at.route == "national-procedure"


@pytest.mark.parametrize(("regime", "start", "authority", "category", "amount"), THRESHOLD_CASES)
def test_a_penny_below_the_threshold_stays_under_local_rules(
    library: RuleLibrary, regime: str, start: date, authority: str, category: str, amount: str
) -> None:
    facts: dict[str, Any] = {"authority": authority, "category": category, "vat_rate": Decimal("0")}
    below = decide(library, str(Decimal(amount) - Decimal("0.01")), start=start, **facts)
    assert below.national_regime == regime
    assert below.above_national_threshold is False
    assert below.route == "advertised-tender"
    assert below.standstill is None


def test_thresholds_are_compared_with_the_value_including_vat(library: RuleLibrary) -> None:
    # £180,000 is below £207,720 but £216,000 with VAT is not.
    with_vat = decide(library, "180000")
    without_vat = decide(library, "180000", vat_rate=Decimal("0"))
    assert (with_vat.value_including_vat, with_vat.route) == (
        Decimal("216000.00"),
        "national-procedure",
    )
    assert (without_vat.value_including_vat, without_vat.route) == (
        Decimal("180000.00"),
        "advertised-tender",
    )


def test_the_national_threshold_drops_on_the_first_of_january_2026(library: RuleLibrary) -> None:
    value = "210000"
    facts: dict[str, Any] = {"vat_rate": Decimal("0")}
    assert decide(library, value, start=date(2025, 12, 31), **facts).route == "advertised-tender"
    assert decide(library, value, start=date(2026, 1, 1), **facts).route == "national-procedure"


def test_the_procurement_act_applies_to_procurements_begun_from_24_february_2025(
    library: RuleLibrary,
) -> None:
    before = decide(library, "300000", start=date(2025, 2, 23))
    on = decide(library, "300000", start=date(2025, 2, 24))
    assert (before.national_regime, before.standstill) == (PCR, Standstill(10, "calendar"))
    assert (on.national_regime, on.standstill) == (PA, Standstill(8, "working"))
    assert (before.bidder_feedback, on.bidder_feedback) == (
        "standstill letter",
        "assessment summary",
    )
    assert (before.min_tendering_days, on.min_tendering_days) == (30, 25)


def test_a_start_date_before_any_regime_is_refused(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="no national regime covers .* 2010-06-01"):
        decide(library, "1000", start=date(2010, 6, 1))


def test_a_start_date_before_the_regimes_held_thresholds_is_refused(tmp_path: Path) -> None:
    for name in (CAMBS, PA):
        (tmp_path / f"{name}.yaml").write_text((SHIPPED / f"{name}.yaml").read_text("utf-8"))
    text = (SHIPPED / f"{PCR}.yaml").read_text(encoding="utf-8")
    later = text.replace(
        '  - from: "2015-02-26"\n    to: "2015-12-31"',
        '  - from: "2015-06-01"\n    to: "2015-12-31"',
    )
    assert later != text
    (tmp_path / f"{PCR}.yaml").write_text(later)
    with pytest.raises(RouteInputError, match="pcr-2015 holds no thresholds .* 2015-05-31"):
        decide(RuleLibrary(tmp_path), "1000", start=date(2015, 5, 31))


# --- light touch, standstill, notices -------------------------------------------------------


def test_light_touch_contracts_have_no_mandatory_standstill_under_the_act(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "700000", category="light-touch")
    assert decision.route == "national-procedure"
    assert decision.standstill_mandatory is False
    assert decision.min_tendering_days is None
    assert "does not require a standstill for light-touch contracts" in decision.explanation


def test_a_voluntary_standstill_is_planned_for_light_touch_contracts_by_default(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "700000", category="light-touch")
    assert decision.standstill == Standstill(8, "working")
    assert "a voluntary standstill of 8 working days" in decision.explanation


def test_a_council_can_choose_to_plan_no_voluntary_standstill(tmp_path: Path) -> None:
    for name in (CAMBS, PCR):
        (tmp_path / f"{name}.yaml").write_text((SHIPPED / f"{name}.yaml").read_text("utf-8"))
    text = (SHIPPED / f"{PA}.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "voluntary_when_not_required: true", "voluntary_when_not_required: false"
    )
    assert changed != text
    (tmp_path / f"{PA}.yaml").write_text(changed)
    decision = decide(RuleLibrary(tmp_path), "700000", category="light-touch")
    assert decision.standstill is None
    assert "so none is planned" in decision.explanation


def test_the_standstill_is_mandatory_for_other_contracts_above_the_threshold(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "300000")
    assert (decision.standstill, decision.standstill_mandatory) == (Standstill(8, "working"), True)
    assert "A standstill of at least 8 working days" in decision.explanation


def test_below_the_threshold_no_standstill_is_mandatory_or_planned(library: RuleLibrary) -> None:
    decision = decide(library, "100000")
    assert (decision.standstill, decision.standstill_mandatory) == (None, False)


def test_light_touch_contracts_keep_the_standstill_under_pcr_2015(library: RuleLibrary) -> None:
    decision = decide(library, "700000", start=date(2024, 6, 3), category="light-touch")
    assert decision.standstill == Standstill(10, "calendar")
    assert decision.standstill_mandatory is True
    assert decision.min_tendering_days is None


def test_above_threshold_notices_under_the_act_include_the_conditional_termination_notice(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "300000")
    assert decision.notices == ("tender notice", "contract award notice", "contract details notice")
    assert decision.conditional_notices == (
        "procurement termination notice (if the procurement is abandoned)",
    )


@pytest.mark.parametrize(
    ("value", "authority", "notices"),
    [
        ("24999.99", "sub-central", ()),  # £29,999.99 with VAT
        ("25000.00", "sub-central", ("contract details notice",)),  # not advertised
        ("75000.01", "sub-central", ("below-threshold tender notice", "contract details notice")),
        ("9999.99", "central", ()),
        ("10000.00", "central", ("contract details notice",)),  # £12,000 with VAT
    ],
)
def test_below_threshold_notices_under_the_act_depend_on_value_and_advertising(
    library: RuleLibrary, value: str, authority: str, notices: tuple[str, ...]
) -> None:
    assert decide(library, value, authority=authority).notices == notices


@pytest.mark.parametrize(
    ("value", "notices"),
    [
        ("50000", ()),
        ("80000", ("Contracts Finder notice",)),
        ("300000", ("contract notice", "contract award notice")),
    ],
)
def test_pcr_2015_notices(library: RuleLibrary, value: str, notices: tuple[str, ...]) -> None:
    assert decide(library, value, start=date(2024, 6, 3)).notices == notices


# --- annual values --------------------------------------------------------------------------


def test_an_annual_value_is_multiplied_by_the_term_and_extensions(library: RuleLibrary) -> None:
    decision = decide(library, "20000", annual=True, years=3, extension_years=2)
    assert decision.whole_life_value == Decimal("100000.00")
    assert decision.value_including_vat == Decimal("120000.00")
    assert decision.route == "advertised-tender"


def test_extensions_can_carry_an_annual_contract_over_the_threshold(library: RuleLibrary) -> None:
    below = decide(library, "43260", annual=True, years=3, extension_years=1)
    at = decide(library, "43275", annual=True, years=3, extension_years=1)
    assert (below.value_including_vat, below.route) == (Decimal("207648.00"), "advertised-tender")
    assert (at.value_including_vat, at.route) == (Decimal("207720.00"), "national-procedure")


def test_a_one_year_annual_value_is_the_whole_life_value(library: RuleLibrary) -> None:
    assert decide(library, "2000", annual=True, years=1).route == "oral-quote"


def test_years_are_ignored_for_a_value_that_is_already_whole_life(library: RuleLibrary) -> None:
    decision = decide(library, "20000", years=5, extension_years=2)
    assert decision.whole_life_value == Decimal("20000.00")


# --- exemptions -----------------------------------------------------------------------------


def test_an_exemption_below_the_threshold_sets_the_local_route_aside(library: RuleLibrary) -> None:
    decision = decide(
        library, "45000", exemption="specialist-firm", exemption_approver="A. Officer"
    )
    assert decision.route == "exempt"
    assert decision.exemption == "specialist-firm"
    assert decision.exemption_approver_required is True
    assert (decision.min_candidates, decision.advertise) == (None, False)
    assert "only a specialist firm can undertake the contract" in decision.explanation
    assert "approved by A. Officer" in decision.explanation


def test_an_exemption_without_an_approver_says_one_is_needed(library: RuleLibrary) -> None:
    decision = decide(library, "1000", exemption="unforeseen-emergency")
    assert decision.route == "exempt"
    assert "approved by an authorised approver" in decision.explanation


@pytest.mark.parametrize("value", ["173100.00", "500000"])
def test_an_exemption_cannot_set_aside_the_national_regime(
    library: RuleLibrary, value: str
) -> None:
    decision = decide(library, value, exemption="specialist-firm")
    assert decision.route == "national-procedure"
    assert decision.exemption_approver_required is False
    assert decision.standstill == Standstill(8, "working")
    assert "cannot set the Procurement Act 2023 aside" in decision.explanation
    assert "national procedure unless a direct award is justified on one of its grounds" in (
        decision.explanation
    )


def test_an_unknown_exemption_is_refused_with_the_known_ones(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="unknown exemption 'cheaper'.*specialist-firm"):
        decide(library, "1000", exemption="cheaper")


# --- explanations and output -----------------------------------------------------------------


def test_the_explanation_cites_the_rule_set_band_and_threshold(library: RuleLibrary) -> None:
    assert decide(library, "45000").explanation == (
        "Under Cambridgeshire County Council contract regulations (2008), a whole-life value of "
        "£45,000.00 (excluding VAT) falls in the band £30,000.01 to £75,000.00: a formal "
        "invitation to tender with a specification to at least four candidates. The value "
        "including VAT, £54,000.00, is below the Procurement Act 2023 threshold of £207,720.00 "
        "for sub-central services, so no mandatory standstill applies. As a regulated "
        "below-threshold contract (£54,000.00 including VAT), it must not be shortlisted on "
        "suitability before tendering: conditions of participation are assessed with the tenders."
    )


def test_the_explanation_above_the_threshold_gives_the_standstill(library: RuleLibrary) -> None:
    explanation = decide(library, "250000").explanation
    assert "£300,000.00 (£250,000.00 excluding VAT)" in explanation
    assert "at or above the Procurement Act 2023 threshold of £207,720.00" in explanation
    assert "at least 8 working days" in explanation
    assert "assessment summary" in explanation


EXPLAINED = [
    (rules, value, exemption)
    for rules in (CAMBS, DISTRICT, PA)
    for value in ("100", "1000", "45000", "100000", "300000", "9000000")
    for exemption in ((None,) if rules == PA else (None, "specialist-firm"))
]


@pytest.mark.parametrize(("rules", "value", "exemption"), EXPLAINED)
def test_every_explanation_is_two_to_five_sentences(
    library: RuleLibrary, rules: str, value: str, exemption: str | None
) -> None:
    explanation = decide(library, value, rules=rules, exemption=exemption).explanation
    sentences = re.split(r"(?<=[.])\s+(?=[A-Z])", explanation)
    assert 2 <= len(sentences) <= 5, explanation


def test_a_decision_becomes_json_with_amounts_as_two_decimal_strings(library: RuleLibrary) -> None:
    data = decide(library, "250000").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["whole_life_value"] == "250000.00"
    assert data["value_including_vat"] == "300000.00"
    assert data["national_threshold"] == "207720.00"
    assert data["standstill"] == {"days": 8, "kind": "working"}
    assert data["start_date"] == "2026-03-02"
    assert data["vat_rate"] == "0.20"


def test_a_decision_without_standstill_has_null_standstill(library: RuleLibrary) -> None:
    assert decide(library, "1000").to_dict()["standstill"] is None


def test_bands_can_be_compared_on_the_value_including_vat(tmp_path: Path) -> None:
    for name in (PA, PCR):
        (tmp_path / f"{name}.yaml").write_text(
            (rule_sets.REPO_ROOT / "rule_sets" / f"{name}.yaml").read_text(encoding="utf-8")
        )
    text = (rule_sets.REPO_ROOT / "rule_sets" / f"{CAMBS}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{CAMBS}.yaml").write_text(text.replace("band_value: net", "band_value: gross"))
    gross_library = RuleLibrary(tmp_path)
    at = decide(gross_library, "25000.00")  # £30,000.00 with VAT
    over = decide(gross_library, "25000.01")
    assert (at.route, over.route) == ("written-quotes", "invited-tender")
    assert "£30,000.00 (including VAT)" in at.explanation


# --- deciding under a national regime alone ------------------------------------------------


def test_a_national_regime_alone_says_below_threshold_below_it(library: RuleLibrary) -> None:
    decision = decide(library, "25000", rules=PA)
    assert decision.rule_set == PA
    assert decision.route == "below-threshold"
    assert (decision.min_candidates, decision.standstill) == (None, None)
    assert decision.notices == ("contract details notice",)


def test_a_national_regime_alone_says_national_procedure_at_the_threshold(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "207720", rules=PA, vat_rate=Decimal("0"))
    assert decision.route == "national-procedure"
    assert decision.standstill == Standstill(8, "working")


def test_a_national_regime_refuses_a_start_date_it_does_not_cover(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="procurement-act-2023 applies only to"):
        decide(library, "1000", rules=PA, start=date(2025, 2, 23))


def test_a_national_regime_has_no_local_exemptions(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="no local exemptions"):
        decide(library, "1000", rules=PA, exemption="specialist-firm")


# --- bad requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"value": Decimal("-0.01")}, "value must be £0 or more"),
        ({"value": Decimal("NaN")}, "value must be £0 or more"),
        ({"value": 1000.0}, "value must be a Decimal"),
        ({"vat_rate": Decimal("1.01")}, "VAT rate must be between 0 and 1"),
        ({"vat_rate": Decimal("-0.01")}, "VAT rate must be between 0 and 1"),
        ({"category": "supplies"}, "unknown category 'supplies'"),
        ({"authority": "parish"}, "unknown authority type 'parish'"),
        ({"annual": True}, "an annual value needs the number of years"),
        ({"annual": True, "years": 0}, "an annual value needs the number of years"),
        ({"annual": True, "years": 2, "extension_years": -1}, "extension years must be 0"),
        ({"exemption_approver": "A. Officer"}, "approver was given without an exemption"),
    ],
)
def test_bad_facts_are_refused_with_a_clear_message(facts: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"value": Decimal("1000"), "start_date": IN_2026, **facts}
    with pytest.raises(RouteInputError, match=re.escape(message)):
        RouteRequest(**arguments)  # type: ignore[arg-type]


def test_an_unknown_rule_set_is_refused_with_the_known_ones(library: RuleLibrary) -> None:
    with pytest.raises(RuleSetError, match="unknown rule set 'kent-2010'.*cambridgeshire-2008"):
        decide(library, "1000", rules="kent-2010")


# --- the library ----------------------------------------------------------------------------


def test_the_library_holds_the_shipped_rule_sets(library: RuleLibrary) -> None:
    assert library.names() == [CAMBS, DISTRICT, PCR, PA]
    assert isinstance(library.get(CAMBS), StandingOrders)
    assert isinstance(library.get(PA), NationalRegime)


@pytest.mark.parametrize(
    ("start", "regime"),
    [
        (date(2022, 1, 1), PCR),
        (date(2025, 2, 23), PCR),
        (date(2025, 2, 24), PA),
        (date(2040, 1, 1), PA),
    ],
)
def test_the_national_regime_is_the_one_in_force_on_the_start_date(
    library: RuleLibrary, start: date, regime: str
) -> None:
    assert library.national_regime_for(start).name == regime


def test_the_default_directory_can_be_overridden_by_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TENDERFLOW_RULE_SETS_DIR", str(tmp_path))
    assert regulations.default_rule_set_directory() == tmp_path
    assert regulations.available_rule_sets() == []
    monkeypatch.delenv("TENDERFLOW_RULE_SETS_DIR")
    assert regulations.default_rule_set_directory() == rule_sets.REPO_ROOT / "rule_sets"


def test_standing_orders_lists_only_councils_rules() -> None:
    names = [
        orders.name for orders in regulations.standing_orders(rule_sets.REPO_ROOT / "rule_sets")
    ]
    assert names == [CAMBS, DISTRICT]


def test_the_rule_engine_imports_no_web_database_workflow_or_document_library() -> None:
    forbidden = {"flask", "sqlalchemy", "flask_sqlalchemy", "prefect", "docx"}
    for module in ("money", "calendar", "regulations", "rule_sets", "standstill"):
        tree = ast.parse(
            (rule_sets.REPO_ROOT / "tenderflow" / "domain" / f"{module}.py").read_text()
        )
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert not imported & forbidden, module


# --- procedures and minimum periods ----------------------------------------------------------


def test_the_open_procedure_has_no_participation_stage_or_shortlist(library: RuleLibrary) -> None:
    decision = decide(library, "300000")
    assert (decision.procedure, decision.min_participation_days) == ("open", None)
    assert (decision.min_tendering_days, decision.tendering_case) == (
        25,
        "electronic-with-documents",
    )
    assert decision.shortlisting_allowed is False
    assert "Under the open procedure the minimum tendering period is 25 days" in (
        decision.explanation
    )


def test_the_competitive_flexible_procedure_has_a_25_day_participation_period(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "300000", procedure="competitive-flexible")
    assert (decision.procedure, decision.min_participation_days) == ("competitive-flexible", 25)
    assert decision.min_tendering_days == 25
    assert decision.shortlisting_allowed is True
    assert "minimum participation period is 25 days" in decision.explanation


def test_urgency_shortens_both_periods_to_10_days(library: RuleLibrary) -> None:
    decision = decide(library, "300000", procedure="competitive-flexible", urgency=True)
    assert (decision.min_participation_days, decision.min_tendering_days) == (10, 10)
    assert decision.tendering_case == "state-of-urgency"


def test_paper_tenders_need_30_days_and_the_condition_is_recorded(library: RuleLibrary) -> None:
    decision = decide(library, "300000", paper_tenders=True)
    assert (decision.min_tendering_days, decision.tendering_case) == (30, "otherwise")
    assert decision.tendering_condition == "any other case"


def test_a_qualifying_planned_procurement_notice_is_counted_from_the_tender_notice(
    library: RuleLibrary,
) -> None:
    facts: dict[str, Any] = {"planned_procurement_notice": date(2026, 2, 1)}
    # 29 days before the start date, but 40 before a tender notice on 13 March.
    early = decide(library, "300000", **facts)
    later = decide(library, "300000", tender_notice=date(2026, 3, 13), **facts)
    assert (early.min_tendering_days, later.min_tendering_days) == (25, 10)
    assert "published 29 days before the tender notice, fewer than 40" in str(
        early.tendering_condition
    )
    assert later.tendering_case == "planned-procurement-notice"


def test_a_planned_procurement_notice_after_the_tender_notice_is_refused() -> None:
    with pytest.raises(RouteInputError, match="must be published before the tender notice"):
        RouteRequest(Decimal("1000"), IN_2026, planned_procurement_notice=date(2026, 3, 3))


def test_light_touch_contracts_have_no_minimum_periods_under_either_procedure(
    library: RuleLibrary,
) -> None:
    for procedure in ("open", "competitive-flexible"):
        decision = decide(library, "700000", category="light-touch", procedure=procedure)
        assert (decision.min_participation_days, decision.min_tendering_days) == (None, None)
        assert decision.tendering_case == "light-touch"
        assert decision.procedure == procedure


def test_below_the_threshold_no_national_procedure_or_period_is_set(library: RuleLibrary) -> None:
    decision = decide(library, "100000", procedure="competitive-flexible", urgency=True)
    assert (decision.procedure, decision.min_participation_days) == (None, None)
    assert decision.min_tendering_days == 21  # the band's local minimum
    assert decision.tendering_case is None


def test_pcr_2015_has_no_competitive_flexible_procedure(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="no competitive-flexible procedure"):
        decide(library, "300000", start=date(2024, 6, 3), procedure="competitive-flexible")


def test_pcr_2015_periods_follow_regulation_27(library: RuleLibrary) -> None:
    start = date(2024, 6, 3)
    assert decide(library, "300000", start=start).min_tendering_days == 30
    assert decide(library, "300000", start=start, paper_tenders=True).min_tendering_days == 35
    assert decide(library, "300000", start=start, urgency=True).min_tendering_days == 15


def test_an_unknown_procedure_is_refused() -> None:
    with pytest.raises(RouteInputError, match="unknown procedure 'restricted'"):
        RouteRequest(Decimal("1000"), IN_2026, procedure="restricted")


def test_the_orders_six_candidates_apply_only_where_the_national_procedure_does_not(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "300000", procedure="competitive-flexible")
    assert decision.min_candidates is None
    assert "where it does not apply, an invitation to tender" in decision.explanation
    assert decide(library, "100000").min_candidates == 4


# --- direct award ---------------------------------------------------------------------------

SCHEDULE_5 = [
    "prototypes-and-development",
    "single-supplier-artistic",
    "single-supplier-technical",
    "single-supplier-exclusive-rights",
    "additional-or-repeat",
    "commodities",
    "advantageous-terms-on-insolvency",
    "extreme-urgency",
    "no-suitable-tenders",
]


@pytest.mark.parametrize("ground", SCHEDULE_5)
def test_a_direct_award_needs_a_transparency_notice_before_the_contract(
    library: RuleLibrary, ground: str
) -> None:
    decision = decide(library, "300000", direct_award=ground)
    assert decision.route == "direct-award"
    assert decision.direct_award == ground
    assert decision.notices == (
        "transparency notice",
        "contract award notice",
        "contract details notice",
    )
    assert (decision.procedure, decision.min_tendering_days) == (None, None)
    assert (decision.advertise, decision.shortlisting_allowed) == (False, False)
    assert "A transparency notice must be published before the contract" in (decision.explanation)


def test_a_direct_award_keeps_the_mandatory_standstill(library: RuleLibrary) -> None:
    decision = decide(library, "300000", direct_award="single-supplier-technical")
    assert (decision.standstill, decision.standstill_mandatory) == (Standstill(8, "working"), True)


def test_extreme_urgency_sets_the_standstill_aside(library: RuleLibrary) -> None:
    decision = decide(library, "300000", direct_award="extreme-urgency")
    assert (decision.standstill, decision.standstill_mandatory) == (None, False)
    assert "sets the standstill aside for a direct award on this ground" in decision.explanation


def test_user_choice_is_a_light_touch_ground_without_award_notice_or_standstill(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "700000", category="light-touch", direct_award="user-choice")
    assert decision.route == "direct-award"
    assert decision.notices == ("transparency notice", "contract details notice")
    assert (decision.standstill, decision.standstill_mandatory) == (None, False)


def test_another_light_touch_direct_award_plans_the_voluntary_standstill(
    library: RuleLibrary,
) -> None:
    decision = decide(library, "700000", category="light-touch", direct_award="commodities")
    assert decision.standstill_mandatory is False
    assert decision.standstill == Standstill(8, "working")
    assert "contract award notice" in decision.notices
    assert "a voluntary standstill of 8 working days" in decision.explanation


def test_user_choice_is_refused_for_a_contract_that_is_not_light_touch(
    library: RuleLibrary,
) -> None:
    with pytest.raises(RouteInputError, match="'user-choice' applies only to light-touch"):
        decide(library, "300000", direct_award="user-choice")


def test_a_direct_award_below_the_threshold_is_refused(library: RuleLibrary) -> None:
    with pytest.raises(RouteInputError, match="a direct award is for contracts at or above"):
        decide(library, "173099.99", direct_award="extreme-urgency")
    assert decide(library, "173100.00", direct_award="extreme-urgency").route == "direct-award"


def test_a_direct_award_under_a_national_regime_alone(library: RuleLibrary) -> None:
    decision = decide(library, "300000", rules=PA, direct_award="commodities")
    assert (decision.rule_set, decision.route) == (PA, "direct-award")


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"direct_award": "cheaper"}, "unknown direct award justification 'cheaper'"),
        ({"direct_award": "extreme-urgency", "start": date(2024, 6, 3)}, "no direct award route"),
    ],
)
def test_a_direct_award_the_regime_does_not_offer_is_refused(
    library: RuleLibrary, facts: dict[str, Any], message: str
) -> None:
    with pytest.raises(RouteInputError, match=message):
        decide(library, "300000", **facts)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"exemption": "specialist-firm"}, "a local exemption or a direct award, not both"),
        ({"procedure": "competitive-flexible"}, "no competitive procedure"),
        ({"urgency": True}, "a direct award has no tendering period"),
        ({"paper_tenders": True}, "a direct award has no tendering period"),
    ],
)
def test_a_direct_award_with_competition_facts_is_refused(
    facts: dict[str, Any], message: str
) -> None:
    with pytest.raises(RouteInputError, match=message):
        RouteRequest(Decimal("300000"), IN_2026, direct_award="extreme-urgency", **facts)


# --- regulated below-threshold contracts ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "authority", "allowed"),
    [
        ("24999.99", "sub-central", True),  # £29,999.99 with VAT
        ("25000.00", "sub-central", False),  # £30,000.00 with VAT
        ("9999.99", "central", True),
        ("10000.00", "central", False),  # £12,000.00 with VAT
    ],
)
def test_a_regulated_below_threshold_contract_is_not_shortlisted(
    library: RuleLibrary, value: str, authority: str, allowed: bool
) -> None:
    for rules in (CAMBS, PA):
        decision = decide(library, value, rules=rules, authority=authority)
        assert decision.shortlisting_allowed is allowed
        assert ("must not be shortlisted on suitability" in decision.explanation) is not allowed


def test_pcr_2015_below_threshold_keeps_the_councils_shortlisting(library: RuleLibrary) -> None:
    assert decide(library, "100000", start=date(2024, 6, 3)).shortlisting_allowed is True


# --- PCR 2015 before 2022 and Contracts Finder --------------------------------------------------


def test_before_2022_pcr_thresholds_were_net_of_vat(library: RuleLibrary) -> None:
    start = date(2021, 6, 1)
    at = decide(library, "189330.00", start=start)
    below = decide(library, "189329.99", start=start)
    assert (at.national_regime, at.national_threshold) == (PCR, Decimal("189330.00"))
    assert (at.route, below.route) == ("national-procedure", "advertised-tender")
    assert "the whole-life value excluding VAT, £189,330.00 (£227,196.00 including VAT)" in (
        at.explanation
    )
    # From 2022 VAT is included: £180,000 is £216,000 with VAT, over £213,477.
    assert decide(library, "180000", start=date(2022, 1, 1)).route == "national-procedure"
    assert decide(library, "180000", start=date(2021, 12, 31)).route == "advertised-tender"


@pytest.mark.parametrize(
    ("start", "authority", "below", "at"),
    [
        (date(2021, 6, 1), "sub-central", "24999.99", "25000.00"),
        (date(2022, 12, 20), "sub-central", "24999.99", "25000.00"),
        (date(2022, 12, 21), "sub-central", "29999.99", "30000.00"),
        (date(2022, 12, 20), "central", "9999.99", "10000.00"),
        (date(2022, 12, 21), "central", "11999.99", "12000.00"),
    ],
)
def test_contracts_finder_limits_change_on_21_december_2022(
    library: RuleLibrary, start: date, authority: str, below: str, at: str
) -> None:
    regime = library.get(PCR)
    assert isinstance(regime, NationalRegime)
    notice = regime.notices_below[0]
    assert notice.name == "Contracts Finder notice"
    assert notice.applies(Decimal(below), authority, True, start) is False
    assert notice.applies(Decimal(at), authority, True, start) is True
    assert notice.applies(Decimal(at), authority, False, start) is False


def test_a_route_decision_uses_the_contracts_finder_limit_of_its_start_date(
    library: RuleLibrary,
) -> None:
    # £26,000 advertised under the example district's orders, VAT-exempt.
    facts: dict[str, Any] = {"rules": DISTRICT, "vat_rate": Decimal("0")}
    before = decide(library, "26000", start=date(2022, 12, 20), **facts)
    after = decide(library, "26000", start=date(2022, 12, 21), **facts)
    assert (before.advertise, after.advertise) == (True, True)
    assert (before.notices, after.notices) == (("Contracts Finder notice",), ())
