"""A managed contract's UK9, UK10 and UK11 notices as OCDS 1.1 releases."""

from datetime import date
from decimal import Decimal

from ocdsmerge import Merger

from tenderflow.domain.contract_ocds import (
    ChangeFacts,
    ManagedContractFacts,
    PerformanceFacts,
    Rating,
    TerminationFacts,
    change_release,
    performance_release,
    termination_release,
)
from tenderflow.domain.ocds import build_release
from tenderflow.services.notices import merge_rules
from tests.ocds_validation import release_problems
from tests.unit.test_ocds_releases import BUYER, SUPPLIER, facts

CONTRACT = ManagedContractFacts(
    ocid="ocds-tfdemo-ICC-TEST-2026",
    reference="ICC-TEST-2026",
    title="Floating support: East",
    buyer=BUYER,
    supplier=SUPPLIER,
    start=date(2027, 4, 1),
    above_threshold=True,
    lot_number=1,
)
ASSESSMENT = PerformanceFacts(
    notice_id="004100-2028",
    published_on=date(2028, 4, 20),
    year=2028,
    assessed_on=date(2028, 4, 10),
    ratings=(
        Rating("outcomes", "Support plan outcomes met", Decimal("80"), "percent", "good", "Good"),
        Rating("voids", "Bed spaces empty", Decimal("5.5"), "percent", "inadequate", "Inadequate"),
    ),
)
CHANGE = ChangeFacts(
    notice_id="004567-2028",
    published_on=date(2028, 5, 2),
    description="Two more bed spaces",
    ground="Unforeseeable circumstances (Schedule 8, paragraph 5)",
    value_change=Decimal("600000"),
    value_after=Decimal("6126000.50"),
    effective_on=date(2028, 6, 1),
    new_end_date=date(2031, 3, 31),
)
ENDED = TerminationFacts(
    notice_id="005001-2029", published_on=date(2029, 7, 10), ended_on=date(2029, 6, 30)
)


def test_a_performance_notice_is_an_implementation_release_with_each_kpi_a_milestone():
    release = performance_release(CONTRACT, ASSESSMENT)
    assert release["ocid"] == "ocds-tfdemo-ICC-TEST-2026"
    assert release["id"] == "ocds-tfdemo-ICC-TEST-2026-UK9-004100-2028"
    assert release["tag"] == ["implementation"]
    assert release["date"] == "2028-04-20T00:00:00Z"
    (contract,) = release["contracts"]
    assert (contract["id"], contract["awardID"]) == ("ICC-TEST-2026-C1", "ICC-TEST-2026-1")
    implementation = contract["implementation"]
    assert [d["noticeType"] for d in implementation["documents"]] == ["UK9"]
    assert implementation["documents"][0]["description"] == "Notice 004100-2028"
    assert [(m["id"], m["type"], m["status"]) for m in implementation["milestones"]] == [
        ("2028-outcomes", "assessment", "met"),
        ("2028-voids", "assessment", "notMet"),
    ]
    assert implementation["milestones"][1]["description"] == "Rated inadequate (target 5.5%)"
    assert "dateMet" not in implementation["milestones"][1]
    assert [p["roles"] for p in release["parties"]] == [["buyer"], ["supplier"]]
    assert release_problems(release) == []  # last: it needs the official schemas


def test_a_change_notice_is_an_amendment_giving_the_ground_and_the_value_change():
    release = change_release(CONTRACT, CHANGE)
    assert release["tag"] == ["contractAmendment"]
    (contract,) = release["contracts"]
    (amendment,) = contract["amendments"]
    assert amendment["id"] == "004567-2028"
    assert amendment["rationale"] == "Unforeseeable circumstances (Schedule 8, paragraph 5)"
    assert amendment["date"] == "2028-06-01T00:00:00Z"
    assert amendment["description"] == (
        "Two more bed spaces. The value changes by +£600,000.00 to £6,126,000.50; "
        "the contract now ends on 31 March 2031."
    )
    assert contract["value"] == {"amount": 6126000.5, "currency": "GBP"}
    assert contract["period"]["endDate"] == "2031-03-31T23:00:00Z"
    assert [d["noticeType"] for d in contract["documents"]] == ["UK10"]
    assert release_problems(release) == []


def test_a_change_that_lowers_the_value_and_keeps_the_term_says_so():
    lower = ChangeFacts(
        "1",
        date(2028, 5, 2),
        "Fewer visits",
        "Not a substantial modification (section 74(1)(b))",
        Decimal("-250000"),
        Decimal("5276000.50"),
        None,
        None,
    )
    (contract,) = change_release(CONTRACT, lower)["contracts"]
    assert "period" not in contract
    assert contract["amendments"][0]["date"] == "2028-05-02T00:00:00Z"
    assert contract["amendments"][0]["description"] == (
        "Fewer visits. The value changes by -£250,000.00 to £5,276,000.50."
    )


def test_a_termination_notice_ends_the_contract_on_the_day_it_ended():
    release = termination_release(CONTRACT, ENDED)
    assert release["tag"] == ["contractTermination"]
    (contract,) = release["contracts"]
    assert contract["status"] == "terminated"
    assert contract["period"] == {
        "startDate": "2027-04-01T00:00:00Z",
        "endDate": "2029-06-30T23:00:00Z",
    }
    assert release_problems(release) == []


def test_a_contract_entered_by_hand_leaves_out_what_is_not_known():
    by_hand = ManagedContractFacts(
        "ocds-tfdemo-OLD-FS-2024",
        "OLD-FS-2024",
        "Floating support",
        BUYER,
        SUPPLIER,
        date(2025, 4, 1),
    )
    (contract,) = termination_release(by_hand, ENDED)["contracts"]
    assert contract["id"] == "OLD-FS-2024-C1"
    assert "aboveThreshold" not in contract


def test_the_contract_notices_compile_into_the_procurement_record():
    releases = [
        build_release(facts(), "UK6", date(2026, 12, 1)),
        build_release(facts(), "UK7", date(2027, 1, 10)),
        performance_release(CONTRACT, ASSESSMENT),
        change_release(CONTRACT, CHANGE),
        termination_release(CONTRACT, ENDED),
    ]
    compiled = Merger(merge_rules=merge_rules()).create_compiled_release(releases)
    (contract,) = compiled["contracts"]
    assert contract["status"] == "terminated"
    assert contract["period"]["endDate"] == "2029-06-30T23:00:00Z"
    assert contract["value"]["amount"] == 6126000.5
    assert [a["id"] for a in contract["amendments"]] == ["004567-2028"]
    assert [d["noticeType"] for d in contract["documents"]] == ["UK7", "UK10", "UK11"]
    assert len(contract["implementation"]["milestones"]) == 2
    assert release_problems(compiled) == []
