"""The Act's gates: the conflicts assessment before ITT, exclusion checks before standstill or award."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.exclusion import DISCRETIONARY_GROUNDS, MANDATORY_GROUNDS
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    Bidder,
    ConflictsAssessment,
    ExclusionCheck,
    Procurement,
    User,
)
from tenderflow.services import notices, procurements
from tenderflow.services.gates import unmet_conditions
from tenderflow.services.notices import direct_award
from tenderflow.services.procurements import conflicts
from tenderflow.services.timetable import award, transitions
from tests.integration.act_gates_world import check_exclusions, confirm_conflicts
from tests.integration.conftest import sign_in_as
from tests.integration.timetable_data import (
    add_bids,
    add_shortlist,
    asked_for_approval,
    national_procurement,
)
from tests.integration.world import procurement_input

GATES = "tenderflow.services.procurements.act_gates"
NO_ASSESSMENT = (
    "Confirm the conflicts assessment before the tender notice goes out (Procurement Act "
    "2023, s.83): the lead records it under Conflicts and exclusions on the procurement's page"
)


def unmet(procurement: Procurement, stage: str) -> list[str]:
    return unmet_conditions(db.session, procurement, stage, clock.now(), only=GATES)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count(model.id))) or 0


def in_moderation(lead: User, names: list[str], reference: str = "ACT-1") -> list[Bidder]:
    """An above-threshold procurement under the Act with opened bids from ``names``."""
    procurement = national_procurement(lead, reference)
    bidders = add_shortlist(procurement, names)
    add_bids(bidders, opened=True)
    procurement.stage = "moderation"
    db.session.commit()
    return bidders


def approve(procurement: Procurement, bidder: Bidder | None, chair: User) -> None:
    assert procurement.lead is not None
    asked_for_approval(procurement, procurement.lead)
    award.record_approval(
        db.session,
        procurement,
        award.ApprovalInput(
            "approved", clock.today(), recommended_bidder_id=bidder.id if bidder else None
        ),
        chair,
        clock.now(),
        clock.today(),
    )
    db.session.commit()


def test_the_itt_waits_for_the_conflicts_assessment_the_lead_confirms_on_its_page(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, "ACT-ITT")
    assert procurement.national_regime == "procurement-act-2023"
    assert unmet(procurement, "itt") == [NO_ASSESSMENT]

    sign_in_as(client, lead)
    page = client.get("/procurements/ACT-ITT").get_data(as_text=True)
    assert "Conflicts and exclusions" in page
    assert "Not confirmed: needed before the tender notice goes out" in page
    response = client.post(
        "/procurements/ACT-ITT/conflicts-assessment/confirm",
        data={
            "conflicts_found": "yes",
            "conflicts": "An evaluator's partner works for Ouse Care.",
            "mitigation": "The evaluator does not score Ouse Care's bid.",
        },
    )
    assert response.status_code == 302
    assert unmet(procurement, "itt") == []
    page = client.get("/procurements/ACT-ITT/conflicts-assessment").get_data(as_text=True)
    assert "An evaluator&#39;s partner works for Ouse Care." in page
    assert f"by {lead.name}" in page
    assessment = conflicts.current(db.session, procurement)
    assert assessment is not None
    assert (assessment.confirmed_by_id, assessment.confirmed_at) == (lead.id, clock.now())

    # Kept under review: a later confirmation becomes current, the first stays as history.
    client.post(
        "/procurements/ACT-ITT/conflicts-assessment/confirm", data={"conflicts_found": "no"}
    )
    history = conflicts.history(db.session, procurement)
    assert [a.conflicts_found for a in history] == [False, True]
    page = client.get("/procurements/ACT-ITT/conflicts-assessment").get_data(as_text=True)
    assert "Earlier confirmations" in page and "None identified" in page


def test_a_bad_assessment_shows_the_error_summary_and_writes_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    national_procurement(lead, "ACT-BAD")
    sign_in_as(client, lead)
    before = count(AuditEvent)
    for data, message in (
        ({}, "Select whether any conflicts of interest were identified"),
        ({"conflicts_found": "yes"}, "Enter the steps taken to mitigate each conflict"),
    ):
        page = client.post(
            "/procurements/ACT-BAD/conflicts-assessment/confirm", data=data
        ).get_data(as_text=True)
        assert "<title>Error: Confirm the conflicts assessment" in page
        assert "There is a problem" in page and message in page
    assert count(ConflictsAssessment) == 0
    assert count(AuditEvent) == before


def test_a_procurement_begun_under_the_pcr_passes_the_acts_gates(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(
            reference="ACT-PCR", value=Decimal("900000"), start_date=date(2024, 6, 3)
        ),
        lead,
        clock.now(),
    )
    db.session.commit()
    assert procurement.national_regime == "pcr-2015"
    bidders = add_shortlist(procurement, ["Ouse Care"])
    add_bids(bidders, opened=True)
    assert unmet(procurement, "itt") == []
    assert unmet(procurement, "standstill") == []
    sign_in_as(client, lead)
    assert "Conflicts and exclusions" not in client.get("/procurements/ACT-PCR").get_data(
        as_text=True
    )
    page = client.get("/procurements/ACT-PCR/conflicts-assessment").get_data(as_text=True)
    assert "Public Contracts Regulations 2015" in page


def test_into_standstill_every_bidder_in_the_competition_needs_a_recent_check(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    alpha, beta, gamma = in_moderation(lead, ["Alpha Care", "Beta Support", "Gamma Homes"])
    procurement = alpha.procurement
    # A bid already excluded takes its bidder out of the competition: no check owed.
    gamma.bids[0].excluded, gamma.bids[0].exclusion_reason = True, "Failed the insurance question"
    db.session.commit()
    assert unmet(procurement, "standstill") == [
        "Record the exclusion check (exclusion grounds and the debarment list) for Alpha Care "
        "and Beta Support"
    ]

    # 15 June 2026: a look-up on 16 May counts (30 days before); one on 15 May does not.
    check_exclusions([alpha], lead, checked_on=date(2026, 5, 16))
    check_exclusions([beta], lead, checked_on=date(2026, 5, 15))
    assert unmet(procurement, "standstill") == [
        "The debarment list was last checked for Beta Support on 15 May 2026: check it again "
        "(a check counts for 30 days, so from 16 May 2026)"
    ]
    check_exclusions([beta], lead)
    assert unmet(procurement, "standstill") == []
    assert count(ExclusionCheck) == 3  # the stale check stays as history


def test_a_recommended_bidder_found_excludable_blocks_the_move_and_another_does_not(
    make_user: Callable[..., Any],
) -> None:
    lead, chair = make_user(Role.PROCUREMENT_LEAD), make_user(Role.COMMISSIONING_BODY)
    alpha, beta = in_moderation(lead, ["Alpha Care", "Beta Support"])
    procurement = alpha.procurement
    check_exclusions([alpha], lead)
    check_exclusions(
        [beta],
        lead,
        outcome="excluded",
        on_debarment_list=True,
        reason="On the debarment list for a fraud conviction.",
    )
    assert unmet(procurement, "standstill") == []  # beta is not the one recommended

    approve(procurement, beta, chair)
    assert unmet(procurement, "standstill") == [
        "Beta Support, the recommended bidder, was found excludable (On the debarment list for "
        "a fraud conviction): the contract cannot be awarded to it"
    ]
    assert unmet(procurement, "award") == []  # checked on the way into standstill


def test_without_a_standstill_the_checks_come_before_the_award(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(reference="ACT-QUOTES", value=10000), lead, clock.now()
    )
    db.session.commit()
    assert "standstill" not in transitions.stages(procurement)
    bidders = add_shortlist(procurement, ["Venue Hire Co"])
    add_bids(bidders, opened=True)
    assert unmet(procurement, "itt") == [NO_ASSESSMENT]
    assert unmet(procurement, "award") == [
        "Record the exclusion check (exclusion grounds and the debarment list) for Venue Hire Co"
    ]
    check_exclusions(bidders, lead)
    assert unmet(procurement, "award") == []


def test_the_lead_records_a_check_on_the_exclusions_page_and_bad_input_writes_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    (alpha,) = in_moderation(lead, ["Alpha Care"], "ACT-WEB")
    sign_in_as(client, lead)
    page = client.get("/procurements/ACT-WEB/exclusions").get_data(as_text=True)
    assert "Alpha Care" in page and "Not checked" in page and "in the 30 days" in page
    url = f"/procurements/ACT-WEB/exclusions/{alpha.id}"
    form = client.get(url).get_data(as_text=True)
    assert "Mandatory exclusion grounds checked (Schedule 6)" in form
    assert "Failure to cooperate with a debarment investigation" in form

    before = count(AuditEvent)
    one_ground = {
        "mandatory_checked": ["terrorism"],
        "on_debarment_list": "no",
        "debarment_checked_on": ["31", "2", "2026"],
        "outcome": "no-grounds",
    }
    page = client.post(url, data=one_ground).get_data(as_text=True)
    assert "<title>Error: Exclusion check: Alpha Care" in page
    assert "Date the debarment list was checked must be a real date" in page
    one_ground["debarment_checked_on"] = ["12", "6", "2026"]
    page = client.post(url, data=one_ground).get_data(as_text=True)
    assert "Check every mandatory exclusion ground before recording that none applies" in page
    assert "Check every discretionary exclusion ground" in page
    assert count(ExclusionCheck) == 0 and count(AuditEvent) == before

    response = client.post(
        url,
        data={
            "mandatory_checked": [code for code, _ in MANDATORY_GROUNDS],
            "discretionary_checked": [code for code, _ in DISCRETIONARY_GROUNDS],
            "on_debarment_list": "no",
            "debarment_checked_on": ["12", "6", "2026"],
            "outcome": "no-grounds",
        },
    )
    assert response.status_code == 302
    assert count(AuditEvent) > before
    check = db.session.scalar(select(ExclusionCheck))
    assert check is not None
    assert (check.debarment_checked_on, check.outcome, check.recorded_by_id) == (
        date(2026, 6, 12),
        "no-grounds",
        lead.id,
    )
    assert len(check.mandatory_checked) == len(MANDATORY_GROUNDS)
    page = client.get("/procurements/ACT-WEB/exclusions").get_data(as_text=True)
    assert "12 June 2026" in page and "No exclusion ground applies" in page
    assert "1 of 1 bidder in the competition checked" in client.get(
        "/procurements/ACT-WEB"
    ).get_data(as_text=True)


def test_another_lead_reads_the_acts_pages_but_only_the_procurements_own_lead_writes(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead, other = make_user(Role.PROCUREMENT_LEAD), make_user(Role.PROCUREMENT_LEAD)
    (alpha,) = in_moderation(lead, ["Alpha Care"], "ACT-OWN")
    base = "/procurements/ACT-OWN"
    writes = [
        ("GET", "/conflicts-assessment/confirm", {}),
        ("POST", "/conflicts-assessment/confirm", {"conflicts_found": "no"}),
        ("GET", f"/exclusions/{alpha.id}", {}),
        ("POST", f"/exclusions/{alpha.id}", {"outcome": "excluded", "reason": "No."}),
    ]
    sign_in_as(client, other)
    for path in ("/conflicts-assessment", "/exclusions"):
        response = client.get(base + path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "Confirm the conflicts assessment" not in body and "Record a check" not in body
    refused = {
        (method, path): client.open(base + path, method=method, data=data).status_code
        for method, path, data in writes
    }
    assert set(refused.values()) == {403}, refused
    assert count(ConflictsAssessment) == 0 and count(ExclusionCheck) == 0

    sign_in_as(client, make_user(Role.ADMIN))
    assert client.get(base + "/conflicts-assessment/confirm").status_code == 200
    assert client.get(base + "/exclusions/999999").status_code == 404


def test_an_exempt_direct_award_needs_the_assessment_before_its_transparency_notice(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(
            reference="ACT-EXEMPT",
            value=Decimal("24000"),
            exemption="unforeseen-emergency",
            exemption_reason="The only night shelter closed after a fire.",
            exemption_approver="Director of Adult Support Services",
        ),
        lead,
        clock.now(),
    )
    db.session.commit()
    assert transitions.stages(procurement) == ("planning", "award", "contract")
    assert unmet(procurement, "award") == [
        NO_ASSESSMENT.replace("tender notice", "transparency notice")
    ]
    confirm_conflicts(procurement, lead)
    assert unmet(procurement, "award") == []


NO_NOTICE = (
    "Record the transparency notice (UK5) as published on Find a Tender before the direct "
    "award proceeds (Procurement Act 2023, s.44): the lead records its notice ID and date on "
    "the procurement's Notices page"
)


def unmet_with_notices(procurement: Procurement, stage: str) -> list[str]:
    """The Act's gates and the notice gates: a direct award's UK5 is one of the latter."""
    return unmet(procurement, stage) + unmet_conditions(
        db.session, procurement, stage, clock.now(), only="tenderflow.services.notices.gates"
    )


def a_direct_award(lead: User, ground: str = "single-supplier-technical") -> Procurement:
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference="ACT-DA", value=Decimal("300000"), direct_award=ground),
        lead,
        clock.now(),
    )
    db.session.commit()
    return procurement


def test_a_direct_award_waits_for_its_assessment_and_transparency_notice_before_standstill(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_direct_award(lead)
    assert procurement.stages == ("planning", "standstill", "award", "contract")
    no_award_notice = (
        "Record the contract award notice (UK6) as published on Find a Tender before the "
        "standstill begins (it counts from that day): the lead records its notice ID and date on "
        "the procurement's Notices page"
    )
    assert unmet_with_notices(procurement, "standstill") == [
        NO_ASSESSMENT.replace("tender notice", "transparency notice"),
        no_award_notice,
        NO_NOTICE,
    ]
    confirm_conflicts(procurement, lead)
    assert unmet_with_notices(procurement, "standstill") == [no_award_notice, NO_NOTICE]
    direct_award.record_transparency_notice(
        db.session, procurement, "CDP-000123", clock.today(), clock.today()
    )
    db.session.commit()
    # Recorded on its own page, the UK5 is the Notices page's UK5: one record, one gate.
    assert notices.published_on(db.session, procurement, "UK5") == clock.today()
    assert unmet_with_notices(procurement, "standstill") == [no_award_notice]
    assert unmet_with_notices(procurement, "award") == []


def test_without_a_standstill_a_direct_award_waits_for_its_notice_before_the_award(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_direct_award(lead, "extreme-urgency")
    confirm_conflicts(procurement, lead)
    assert procurement.stages == ("planning", "award", "contract")
    assert unmet_with_notices(procurement, "award") == [NO_NOTICE]


def test_a_tendered_procurement_needs_no_transparency_notice(make_user: Callable[..., Any]) -> None:
    procurement = national_procurement(make_user(Role.PROCUREMENT_LEAD), "ACT-TENDER")
    assert NO_NOTICE not in unmet(procurement, "standstill")
    assert NO_NOTICE not in unmet(procurement, "award")


def test_the_lead_records_the_transparency_notice_and_bad_input_writes_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_direct_award(lead)
    sign_in_as(client, lead)
    page = client.get("/procurements/ACT-DA").get_data(as_text=True)
    assert "Transparency notice" in page and "Not recorded: needed before the contract" in page

    url = "/procurements/ACT-DA/transparency-notice"
    empty = client.post(url, data={"reference": "", "published_on": ["", "", ""]})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "<title>Error: " in text
    assert "Enter the transparency notice&#39;s reference" in text
    assert "Enter the date the transparency notice was published" in text
    tomorrow = clock.today().toordinal() + 1
    future = date.fromordinal(tomorrow)
    later = client.post(
        url,
        data={
            "reference": "CDP-1",
            "published_on": [str(future.day), str(future.month), str(future.year)],
        },
    )
    assert "must be today or in the past" in later.get_data(as_text=True)
    db.session.expire_all()
    assert procurement.transparency_notice_published_on is None

    today = clock.today()
    done = client.post(
        url,
        data={
            "reference": "CDP-000123",
            "published_on": [str(today.day), str(today.month), str(today.year)],
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert procurement.transparency_notice_reference == "CDP-000123"
    assert procurement.transparency_notice_published_on == today


def test_only_the_procurements_own_lead_or_an_administrator_records_the_notice(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    procurement = a_direct_award(make_user(Role.PROCUREMENT_LEAD))
    tendered = national_procurement(make_user(Role.PROCUREMENT_LEAD), "ACT-OPEN")
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    assert client.get("/procurements/ACT-DA/transparency-notice").status_code == 403
    sign_in_as(client, make_user(Role.ADMIN))
    assert client.get("/procurements/ACT-DA/transparency-notice").status_code == 200
    # A tendered procurement publishes a tender notice, not a transparency notice.
    assert client.get(f"/procurements/{tendered.reference}/transparency-notice").status_code == 404
    assert procurement.transparency_notice_published_on is None
