"""Value-for-money checks against the Cambridgeshire costing model (2008, Appendix 6)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml

from tenderflow.domain.evaluation import BidPrice
from tenderflow.domain.evaluation.value_for_money import (
    COSTING_MODEL_PATH,
    SCHEMA_PATH,
    CostingModel,
    CostingModelError,
    Finding,
    abnormally_low_prices,
    check_bid,
    load_costing_model,
    value_for_money_checks,
)

D = Decimal


@pytest.fixture(scope="module")
def costing() -> CostingModel:
    return load_costing_model()


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- the costing model --------------------------------------------------------------------------


def test_the_costing_model_file_is_valid_against_its_schema() -> None:
    data = yaml.safe_load(COSTING_MODEL_PATH.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_the_costing_model_holds_the_twenty_pound_cap_and_every_appendix_6_row(
    costing: CostingModel,
) -> None:
    assert costing.hourly_rate_cap == D("20.00")
    assert list(costing.service_types) == [
        "night-shelter",
        "assessment-centre",
        "hostel-standard",
        "hostel-complex-needs",
        "hostel-homeless-families",
        "refuge",
        "foyer",
        "floating-support-standard",
        "floating-support-resettlement",
        "floating-support-exceptional",
        "supported-housing-low",
        "supported-housing-medium",
        "supported-housing-high-exceptional",
        "supported-lodging",
        "sustaining-supported-housing-standard",
        "sustaining-supported-housing-medium",
        "sustaining-supported-housing-exceptional",
        "sustaining-floating-support-standard",
        "sustaining-floating-support-exceptional",
    ]


@pytest.mark.parametrize(
    ("code", "maximum", "low", "high"),
    [
        ("night-shelter", "14", "6", "7"),
        ("floating-support-standard", "6", "1", "3"),
        ("floating-support-resettlement", "7", "1.5", "3.5"),
        ("supported-housing-high-exceptional", "20", "15.5", "17.5"),
        ("sustaining-supported-housing-standard", "7", "0.25", "1.5"),
    ],
)
def test_contact_hours_are_held_exactly_as_the_appendix_gives_them(
    costing: CostingModel, code: str, maximum: str, low: str, high: str
) -> None:
    service = costing.service_type(code)
    assert (service.maximum_hours, service.target_from, service.target_to) == (
        D(maximum),
        D(low),
        D(high),
    )


def test_the_abnormally_low_default_is_twenty_percent_below_the_mean(costing: CostingModel) -> None:
    assert (costing.abnormally_low_percent, costing.compared_with) == (D(20), "mean")


def test_a_costing_model_with_a_target_above_its_maximum_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(COSTING_MODEL_PATH.read_text(encoding="utf-8"))
    data["groups"][0]["service_types"][0]["target_hours"]["to"] = 15
    path = tmp_path / "costing.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CostingModelError, match="night-shelter: the target range must run"):
        load_costing_model(path)


def test_a_costing_model_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(COSTING_MODEL_PATH.read_text(encoding="utf-8"))
    data["hourly_cap"] = "20.00"
    path = tmp_path / "costing.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CostingModelError, match="'hourly_cap' was unexpected"):
        load_costing_model(path)


# --- one bid ------------------------------------------------------------------------------------


def test_an_hourly_rate_over_the_cap_is_found(costing: CostingModel) -> None:
    findings = check_bid(costing, hourly_rate=D("20.01"), contact_hours=None, service_type=None)
    assert [(f.code, f.message) for f in findings] == [
        ("over-cap", "Hourly rate £20.01 is over the £20.00 per hour cap")
    ]


def test_an_hourly_rate_at_the_cap_is_within_it(costing: CostingModel) -> None:
    findings = check_bid(costing, hourly_rate=D("20.00"), contact_hours=None, service_type=None)
    assert codes(findings) == ["ok"]


def test_contact_hours_over_the_service_maximum_are_found(costing: CostingModel) -> None:
    findings = check_bid(
        costing,
        hourly_rate=D("18.50"),
        contact_hours=D("6.5"),
        service_type="floating-support-standard",
        bidder="Ashwell Housing",
    )
    assert [(f.bidder, f.code, f.message) for f in findings] == [
        (
            "Ashwell Housing",
            "over-maximum",
            "6.5 contact hours per person per week is over the maximum of 6 for floating "
            "support, standard",
        )
    ]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("0.5", ["below-target"]),
        ("1", ["ok"]),
        ("3", ["ok"]),
        ("4", ["above-target"]),
        ("6", ["above-target"]),
        ("6.01", ["over-maximum"]),
    ],
)
def test_contact_hours_are_checked_against_the_target_range_on_each_boundary(
    costing: CostingModel, hours: str, expected: list[str]
) -> None:
    findings = check_bid(
        costing,
        hourly_rate=None,
        contact_hours=D(hours),
        service_type="floating-support-standard",
    )
    assert codes(findings) == expected


def test_a_bid_over_the_cap_and_over_target_has_both_findings(costing: CostingModel) -> None:
    findings = check_bid(
        costing,
        hourly_rate=D("24.00"),
        contact_hours=D("18"),
        service_type="supported-housing-high-exceptional",
    )
    assert codes(findings) == ["over-cap", "above-target"]


def test_the_telecare_note_goes_with_low_hours_in_sustaining_supported_housing(
    costing: CostingModel,
) -> None:
    (finding,) = check_bid(
        costing,
        hourly_rate=None,
        contact_hours=D("0.1"),
        service_type="sustaining-supported-housing-standard",
    )
    assert finding.code == "below-target"
    assert "may be less than 0.25 hours with telecare services" in finding.message


def test_an_unknown_service_type_lists_the_codes(costing: CostingModel) -> None:
    with pytest.raises(CostingModelError, match="unknown service type 'hostel': choose from night"):
        check_bid(costing, hourly_rate=None, contact_hours=D(2), service_type="hostel")


def test_a_bid_without_costing_figures_has_no_findings(costing: CostingModel) -> None:
    assert check_bid(costing, hourly_rate=None, contact_hours=None, service_type="refuge") == []


# --- abnormally low prices ----------------------------------------------------------------------


def test_a_price_more_than_twenty_percent_below_the_others_mean_is_flagged_not_rejected() -> None:
    prices = {"Ashwell": D("100000"), "Brampton": D("100000"), "Chatteris": D("79999.99")}
    (finding,) = abnormally_low_prices(prices, D(20))
    assert (finding.bidder, finding.code) == ("Chatteris", "abnormally-low")
    assert finding.message == (
        "Price £79,999.99 is 20.0% below the mean of the other compliant bids (£100,000.00): "
        "possibly abnormally low: investigate before rejecting"
    )


def test_a_price_exactly_twenty_percent_below_is_not_flagged() -> None:
    prices = {"Ashwell": D("100000"), "Brampton": D("100000"), "Chatteris": D("80000")}
    assert abnormally_low_prices(prices, D(20)) == []


def test_the_median_can_be_used_so_one_very_high_bid_does_not_flag_the_rest() -> None:
    prices = {"A": D("100000"), "B": D("95000"), "C": D("105000"), "D": D("300000")}
    assert [f.bidder for f in abnormally_low_prices(prices, D(20), "mean")] == ["A", "B", "C"]
    assert abnormally_low_prices(prices, D(20), "median") == []


def test_a_single_bid_cannot_be_abnormally_low() -> None:
    assert abnormally_low_prices({"A": D("1")}, D(20)) == []


def test_only_compliant_bids_are_compared_for_abnormally_low_prices(costing: CostingModel) -> None:
    bids = [
        BidPrice("Ashwell", D("100000")),
        BidPrice("Brampton", D("98000")),
        BidPrice("Chatteris", D("30000")),  # disqualified: neither flagged nor counted
    ]
    findings = value_for_money_checks(costing, bids, ["Ashwell", "Brampton"])
    assert findings == []
    flagged = value_for_money_checks(costing, bids, ["Ashwell", "Brampton", "Chatteris"])
    assert [f.bidder for f in flagged] == ["Chatteris"]


def test_an_evaluation_model_can_set_its_own_abnormally_low_percentage(
    costing: CostingModel,
) -> None:
    bids = [BidPrice("Ashwell", D("100000")), BidPrice("Brampton", D("85000"))]
    assert value_for_money_checks(costing, bids, ["Ashwell", "Brampton"]) == []
    findings = value_for_money_checks(
        costing, bids, ["Ashwell", "Brampton"], abnormally_low_percent=D(10)
    )
    assert [f.bidder for f in findings] == ["Brampton"]


def test_every_bid_is_checked_against_the_costing_model(costing: CostingModel) -> None:
    bids = [
        BidPrice("Ashwell", D("100000"), D("19.50"), D("2.5")),
        BidPrice("Brampton", D("98000"), D("21.00"), D("4")),
    ]
    findings = value_for_money_checks(
        costing, bids, ["Ashwell", "Brampton"], service_type="floating-support-standard"
    )
    assert [(f.bidder, f.code) for f in findings] == [
        ("Ashwell", "ok"),
        ("Brampton", "over-cap"),
        ("Brampton", "above-target"),
    ]
    assert findings[0].to_dict() == {
        "bidder": "Ashwell",
        "code": "ok",
        "message": "Within the costing model: hourly rate £19.50 within the £20.00 cap; 2.5 "
        "contact hours per person per week within the target of 1-3 for floating support, "
        "standard",
    }
