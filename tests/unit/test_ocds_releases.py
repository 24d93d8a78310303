"""Each notice as an OCDS 1.1 release, checked against the official schemas and codelists."""

from datetime import date
from decimal import Decimal

import pytest

from tenderflow.domain.notices import KINDS
from tenderflow.domain.ocds import (
    ContractFacts,
    LotFacts,
    Organisation,
    ProcurementFacts,
    build_release,
    procurement_method,
    release_package,
)
from tests.ocds_validation import package_problems, release_problems

BUYER = Organisation("An Invented County Council", (("GB-PPON", "PXYZ-1234-ABCD"),))
SUPPLIER = Organisation(
    "Invented Support Trust",
    (("GB-COH", "01234567"), ("GB-PPON", "PABC-9876-WXYZ")),
    sme=True,
    vcse=True,
)


def facts(**kw):
    base = dict(
        reference="ICC-TEST-2026",
        ocid_prefix="ocds-tfdemo",
        title="Floating support",
        description="Housing-related support in two areas.",
        buyer=BUYER,
        value=Decimal("17500000.00"),
        value_gross=Decimal("17500000.00"),
        category="light-touch",
        route="national-procedure",
        procedure="open",
        above_threshold=True,
        regime="procurement-act-2023",
        cpv_codes=(
            ("85311000-2", "Social work services with accommodation"),
            ("85312400-3", "Welfare services not delivered through residential institutions"),
        ),
        delivery_regions=(("TLJ44", "East Kent"), ("TLJ46", "West Kent")),
        suitable_for_sme=True,
        suitable_for_vcse=True,
        lots=(LotFacts(1, "East", value=Decimal("1800000")), LotFacts(2, "West")),
        tender_start=date(2026, 8, 3),
        tender_deadline=date(2026, 9, 14),
        enquiry_deadline=date(2026, 9, 8),
        award_criteria="Quality 60%, price 40%",
        standstill=(date(2026, 12, 1), date(2026, 12, 10)),
        recommended=((SUPPLIER, 1),),
        contracts=(
            ContractFacts(
                SUPPLIER,
                Decimal("5526000.50"),
                date(2027, 4, 1),
                date(2030, 3, 31),
                date(2027, 1, 4),
                1,
            ),
        ),
    )
    return ProcurementFacts(**{**base, **kw})


@pytest.mark.parametrize("code", list(KINDS))
def test_every_kind_of_notice_is_a_valid_ocds_release_with_its_notice_type(code):
    release = build_release(facts(), code, date(2026, 12, 1))
    sections = [
        release.get("planning", {}),
        release["tender"],
        *release.get("awards", []),
        *release.get("contracts", []),
    ]
    notice_types = [d["noticeType"] for s in sections for d in s.get("documents", [])]
    assert notice_types == [code]
    assert release["tag"] == [KINDS[code].tag]
    assert release_problems(release) == []  # last: it needs the official schemas


def test_the_release_carries_the_ocid_buyer_items_periods_lots_and_identifiers():
    release = build_release(facts(), "UK6", date(2026, 12, 1))
    assert release["ocid"] == "ocds-tfdemo-ICC-TEST-2026"
    assert release["buyer"] == {"id": "GB-PPON-PXYZ-1234-ABCD", "name": BUYER.name}
    supplier = release["parties"][1]
    assert supplier["identifier"] == {
        "scheme": "GB-COH",
        "id": "01234567",
        "legalName": SUPPLIER.name,
    }
    assert supplier["additionalIdentifiers"] == [{"scheme": "GB-PPON", "id": "PABC-9876-WXYZ"}]
    assert supplier["details"] == {"scale": "sme", "vcse": True}
    tender = release["tender"]
    assert tender["mainProcurementCategory"] == "services"
    assert tender["specialRegime"] == ["lightTouch"]
    assert tender["items"][0]["classification"]["id"] == "85311000"
    assert tender["items"][0]["deliveryAddresses"][0]["region"] == "TLJ44"
    assert tender["tenderPeriod"] == {
        "startDate": "2026-08-03T00:00:00Z",
        "endDate": "2026-09-14T12:00:00Z",
    }
    assert tender["lots"][0]["value"] == {"amount": 1800000, "currency": "GBP"}
    assert tender["lots"][0]["suitability"] == {"sme": True, "vcse": True}
    award = release["awards"][0]
    assert award["standstillPeriod"]["startDate"] == "2026-12-01T00:00:00Z"
    assert award["value"] == {"amount": 5526000.5, "currency": "GBP"}


def test_a_contract_details_notice_carries_the_contract_period_value_and_date_signed():
    release = build_release(facts(), "UK7", date(2027, 1, 20))
    [contract] = release["contracts"]
    assert contract["period"]["startDate"] == "2027-04-01T00:00:00Z"
    assert contract["dateSigned"] == "2027-01-04T00:00:00Z"
    assert contract["documents"][0]["documentType"] == "contractNotice"


def test_a_direct_award_is_a_direct_method_with_its_ground():
    f = facts(route="direct-award", procedure=None, direct_award="Extreme and unavoidable urgency")
    assert procurement_method(f) == ("direct", "Direct award: Extreme and unavoidable urgency")
    release = build_release(f, "UK5", date(2026, 12, 1))
    assert release["tender"]["procurementMethodRationale"] == "Extreme and unavoidable urgency"
    assert release["parties"][1]["roles"] == ["supplier"]
    assert release_problems(release) == []


def test_an_invited_tender_below_the_threshold_is_a_limited_method():
    f = facts(route="invited-tender", procedure=None, above_threshold=False)
    assert procurement_method(f)[0] == "limited"


def test_the_validator_refuses_a_release_off_the_codelists():
    release = build_release(facts(), "UK4", date(2026, 12, 1))
    release["tender"]["procurementMethod"] = "negotiated"
    release["parties"][0]["roles"] = ["purchaser"]
    problems = release_problems(release)
    assert any("procurementMethod" in p for p in problems)
    assert any("'purchaser' is not in partyRole.csv" in p for p in problems)


def test_a_release_package_is_valid_with_its_releases():
    releases = [build_release(facts(), code, date(2026, 12, 1)) for code in ("UK4", "UK6")]
    package = release_package(
        releases,
        "https://tenderflow.example/ocds/releases.json",
        "An Invented County Council",
        date(2026, 12, 2),
    )
    assert package["version"] == "1.1"
    assert package_problems(package) == []
    package["releases"][0].pop("ocid")
    assert package_problems(package) != []
