"""Demo contracts in the register: older contracts the SP team manages, each with two years
of quarterly returns. One sits in the high band with an improvement plan and is worth more
than £5 million (so it has its yearly KPI assessment); one ends within 9 months of the demo
date and is due for re-procurement. Providers and people are invented."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.contract_priority import add_months
from tenderflow.domain.contract_returns import last_ended_quarter
from tenderflow.models import ContractMeeting, ContractReturn, ManagedContract, User
from tenderflow.services import contracts as service
from tenderflow.services.contracts import meetings as contract_meetings
from tenderflow.services.contracts import monitoring as contract_monitoring
from tenderflow.services.contracts import performance as contract_performance

GOOD = {
    "performance": "good",
    "quality": "a-or-b",
    "value-for-money": "good",
    "improvement": "addressed",
    "track-record": "established",
    "provider": "established",
}
CONCERNS = {
    "performance": "under",
    "quality": "c",
    "value-for-money": "concerns",
    "improvement": "not-addressed",
    "track-record": "established",
    "provider": "established",
}


def _quarters_back(today: date, count: int) -> list[tuple[int, int]]:
    year, quarter = last_ended_quarter(today)
    found = []
    for _ in range(count):
        found.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return list(reversed(found))


def _returns(
    session: Session,
    contract: ManagedContract,
    today: date,
    figures: dict[str, list[str]],
    by: User,
) -> None:
    for n, (year, quarter) in enumerate(_quarters_back(today, 8)):
        for code, values in figures.items():
            session.add(
                ContractReturn(
                    contract_id=contract.id,
                    year=year,
                    quarter=quarter,
                    indicator=code,
                    value=Decimal(values[n]),
                    recorded_by_id=by.id,
                    recorded_at=clock.now(),
                )
            )


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Enter the demo contracts once, with their returns, reviews, meetings and plans."""
    if session.scalar(select(ManagedContract.id).limit(1)) is not None:
        return ""
    manager = people["contracts@tenderflow.example"]
    lead = people["lead@tenderflow.example"]
    now = clock.now()
    ending = add_months(today.replace(day=1), 8) - timedelta(days=1)  # within 9 months
    entries = [
        service.ContractInput(
            reference="CCC-FS-2023",
            title="Generic floating support, Fenland",
            description="Housing-related floating support for adults in Fenland.",
            supplier_name="Marshland Support Trust",
            supplier_companies_house_number="09876543",
            supplier_is_sme=True,
            supplier_is_vcse=True,
            value=Decimal("1260000"),
            start_date=add_months(ending + timedelta(days=1), -36),
            end_date=ending,
            extension_count=2,
            extension_months=12,
            service_type="floating-support",
            client_group="generic",
            districts=["fenland"],
            department="Supporting People",
            procurement_route="Open tender",
            manager_id=manager.id,
        ),
        service.ContractInput(
            reference="KCC-REFUGE-2024",
            title="Refuge and outreach, East Kent",
            description="Refuge accommodation and outreach for people escaping domestic abuse.",
            supplier_name="Harbourside Refuge Partnership",
            supplier_ppon="PDEM-1234-ABCD",
            supplier_is_sme=False,
            supplier_is_vcse=True,
            value=Decimal("6240000"),
            start_date=add_months(today.replace(day=1), -24),
            end_date=add_months(today.replace(day=1), 12) - timedelta(days=1),
            extension_count=2,
            extension_months=12,
            service_type="accommodation-based",
            client_group="domestic-abuse",
            districts=["thanet", "dover", "canterbury"],
            department="Supporting People",
            procurement_route="Open tender",
            manager_id=manager.id,
        ),
        service.ContractInput(
            reference="CCC-OPS-2024",
            title="Sheltered housing support, Huntingdonshire",
            supplier_name="Ouse Valley Housing",
            supplier_is_sme=True,
            supplier_is_vcse=False,
            value=Decimal("240000"),
            start_date=add_months(today.replace(day=1), -28),
            end_date=add_months(today.replace(day=1), 8 + 24) - timedelta(days=1),
            service_type="accommodation-based",
            client_group="older-people",
            districts=["huntingdonshire"],
            department="Supporting People",
            procurement_route="Quotes",
            manager_id=manager.id,
        ),
    ]
    made = {e.reference: service.create_contract(session, e, lead, now) for e in entries}
    year_ago = add_months(today, -12)
    fenland, refuge, sheltered = made["CCC-FS-2023"], made["KCC-REFUGE-2024"], made["CCC-OPS-2024"]
    _returns(
        session,
        fenland,
        today,
        {
            "staffing": ["100", "100", "96", "100", "100", "98", "100", "100"],
            "utilisation": ["94", "95", "93", "96", "97", "95", "96", "97"],
            "throughput": ["68", "71", "70", "73", "72", "74", "71", "75"],
        },
        manager,
    )
    _returns(
        session,
        refuge,
        today,
        {
            "staffing": ["100", "96", "92", "88", "85", "86", "90", "92"],
            "utilisation": ["97", "95", "91", "86", "82", "84", "87", "89"],
            "throughput": ["66", "62", "58", "55", "51", "53", "57", "60"],
        },
        manager,
    )
    _returns(
        session,
        sheltered,
        today,
        {
            "staffing": ["100"] * 8,
            "utilisation": ["98", "99", "97", "98", "99", "98", "99", "98"],
            "throughput": ["72", "70", "74", "73", "75", "71", "72", "74"],
        },
        manager,
    )
    contract_monitoring.record_review(session, fenland, GOOD, "", manager, year_ago, now)
    contract_monitoring.record_review(session, sheltered, GOOD, "", manager, year_ago, now)
    contract_monitoring.record_review(session, refuge, GOOD, "", manager, year_ago, now)
    contract_monitoring.record_review(
        session,
        refuge,
        CONCERNS,
        "Staffing and utilisation fell below target for four quarters; throughput under 60%.",
        manager,
        add_months(today, -2),
        now,
    )
    for contract, grade in ((fenland, "B"), (sheltered, "B"), (refuge, "C")):
        contract_meetings.record_grade(
            session, contract, today.year - 1, grade, add_months(today, -10), "", today
        )
    held = ContractMeeting(
        contract_id=refuge.id,
        scheduled_for=add_months(today, -2),
        held_on=add_months(today, -2),
        notes=(
            "Service delivery: utilisation below target since the second quarter. Staff "
            "issues: two support worker posts vacant. Performance management: returns on time."
        ),
        scheduled_by_id=manager.id,
        scheduled_at=now,
    )
    session.add(held)
    session.flush()
    contract_meetings.add_action(
        session,
        refuge,
        "Fill the two vacant support worker posts",
        "Provider's service manager",
        add_months(today, 1),
        now,
        meeting=held,
    )
    for description, owner, months in (
        ("Recruit and induct two support workers", "Provider's service manager", 1),
        ("Review move-on pathways with the district councils", "Provider's operations lead", 2),
        ("Monthly utilisation report to the contract manager", "Provider's data officer", -1),
    ):
        contract_meetings.add_action(
            session,
            refuge,
            description,
            owner,
            add_months(today, months),
            now,
            improvement_plan=True,
        )
    contract_performance.record_assessment(
        session,
        refuge,
        today.year - 1,
        {
            "staffing": "approaching-target",
            "utilisation": "requires-improvement",
            "throughput": "requires-improvement",
        },
        add_months(today, -3),
        "",
        None,
        manager,
        today,
        now,
    )
    session.flush()
    return f"{len(made)} contracts in the register"
