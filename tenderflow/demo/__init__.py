"""Demonstration data: invented people and bidders, the source papers' public figures.

Every person and organisation named here is invented. Places and figures come from
the Supporting People papers the product was specified from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.services import procurements, users
from tenderflow.services.procurements import ProcurementInput
from tenderflow.services.reference_data import load_reference_data

DEMO_PASSWORD = "tenderflow-demo"

Loader = Callable[[Session, date, dict[str, Any]], str]


def loaders() -> list[Loader]:
    """Return each feature's ``load(session, today, people) -> str``, in the order they run.

    Each runs after the demo people and procurements exist. Imported here, so the demo logins
    can be read without loading every feature's data.
    """
    from tenderflow.demo import act_gates, capital, contracts, evaluation, histories, notices
    from tenderflow.demo import timetable as deadlines

    return [
        capital.load,
        histories.load,
        evaluation.load,
        # After the histories and evaluations, so it finds every stage they reached.
        act_gates.load,
        # After the histories, so the notices due at the stages reached are published.
        notices.load,
        # Last, so the deadline checks see every demo procurement where it stands.
        deadlines.load,
        # Contracts already let, managed from the register.
        contracts.load,
    ]


# (email, name, job title, roles, district code)
DEMO_USERS: list[tuple[str, str, str, set[Role], str | None]] = [
    ("admin@tenderflow.example", "Morgan Ellis", "Systems administrator", {Role.ADMIN}, None),
    (
        "lead@tenderflow.example",
        "Priya Raman",
        "Procurement manager",
        {Role.PROCUREMENT_LEAD, Role.MODERATOR},
        None,
    ),
    (
        "lead2@tenderflow.example",
        "Tom Ashworth",
        "Commissioning officer",
        {Role.PROCUREMENT_LEAD},
        None,
    ),
    (
        "evaluator1@tenderflow.example",
        "Grace Okafor",
        "Housing options manager",
        {Role.EVALUATOR},
        None,
    ),
    (
        "evaluator2@tenderflow.example",
        "Daniel Hughes",
        "Community safety officer",
        {Role.EVALUATOR},
        None,
    ),
    (
        "evaluator3@tenderflow.example",
        "Fiona MacLeod",
        "Public health specialist",
        {Role.EVALUATOR},
        None,
    ),
    (
        "moderator@tenderflow.example",
        "Rachel Penrose",
        "Head of commissioned services",
        {Role.MODERATOR},
        None,
    ),
    (
        "commissioning@tenderflow.example",
        "Harriet Vance",
        "Commissioning Body chair",
        {Role.COMMISSIONING_BODY},
        None,
    ),
    (
        "fenland@tenderflow.example",
        "Sam Whitfield",
        "Housing strategy officer",
        {Role.DISTRICT_OFFICER},
        "fenland",
    ),
    (
        "huntingdonshire@tenderflow.example",
        "Aisha Bello",
        "Housing enabling officer",
        {Role.DISTRICT_OFFICER},
        "huntingdonshire",
    ),
    (
        "partnership@tenderflow.example",
        "Owen Price",
        "Sub-regional housing partnership officer",
        {Role.PARTNERSHIP_OFFICER},
        None,
    ),
    ("spteam@tenderflow.example", "Nadia Kowalski", "SP team officer", {Role.SP_SCORER}, None),
    ("spteam2@tenderflow.example", "Ben Adeyemi", "SP team officer", {Role.SP_SCORER}, None),
    (
        "contracts@tenderflow.example",
        "Tamsin Rowe",
        "Contract monitoring officer",
        {Role.CONTRACT_MANAGER},
        None,
    ),
]

DEMO_LOGINS = [
    (email, ", ".join(sorted(r.label for r in roles))) for email, _, _, roles, _ in DEMO_USERS
]

KENT = [
    "ashford",
    "canterbury",
    "dover",
    "shepway",
    "swale",
    "thanet",
    "dartford",
    "gravesham",
    "maidstone",
    "sevenoaks",
    "tonbridge-and-malling",
    "tunbridge-wells",
]
CAMBRIDGESHIRE = [
    "cambridge",
    "south-cambridgeshire",
    "east-cambridgeshire",
    "huntingdonshire",
    "fenland",
]


def demo_procurements(today: date) -> list[ProcurementInput]:
    """Return the demonstration procurements, dated relative to ``today``."""
    started = today - timedelta(days=120)
    recent = today - timedelta(days=14)
    common = {"rule_set": "cambridgeshire-2008", "start_date": started}
    # The two far-along tenders ran a competitive flexible procedure with a participation stage
    # and a shortlist, so their histories have expressions of interest.
    flexible = {
        "procedure": "competitive-flexible",
        "procedure_stages": ["participation", "shortlisting"],
    }
    return [
        ProcurementInput(
            title="Kent Integrated Domestic Abuse Service",
            reference="KCC-IDAS-2026",
            description=(
                "Refuge accommodation, outreach, a Sanctuary Scheme, rent deposits and a countywide "
                "IDVA service, in one contract for East Kent and one for West Kent. Maximum budget "
                "£3.5 million a year."
            ),
            service_type="accommodation-with-floating",
            client_group="domestic-abuse",
            districts=KENT,
            value=Decimal("3500000"),
            value_basis="annual",
            term_years=3,
            extension_years=2,
            vat_rate=Decimal("0"),
            category="light-touch",
            lots=[
                "East Kent (Ashford, Canterbury, Dover, Shepway, Swale, Thanet)",
                "West Kent (Dartford, Gravesham, Maidstone, Sevenoaks, Tonbridge and Malling, Tunbridge Wells)",
            ],
            **common,
            **flexible,
        ),
        ProcurementInput(
            title="Great Yarmouth floating support re-tender",
            reference="NCC-GY-FS-2026",
            description=(
                "Re-commissioning generic floating support in Great Yarmouth on the sub-regional "
                "model used for Greater Norwich and Rural East Anglia."
            ),
            service_type="floating-support",
            client_group="generic",
            districts=["great-yarmouth"],
            value=Decimal("385000"),
            value_basis="annual",
            term_years=3,
            extension_years=2,
            vat_rate=Decimal("0"),
            category="light-touch",
            **common,
            **flexible,
        ),
        ProcurementInput(
            title="Assistive technology review",
            reference="CCC-AT-REVIEW",
            description="Independent review of how assistive technology is used across SP-funded services.",
            service_type="community-alarm",
            client_group="older-people",
            districts=CAMBRIDGESHIRE,
            value=Decimal("140000"),
            value_basis="whole-life",
            term_years=2,
            category="services",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
        ProcurementInput(
            title="Supporting People needs assessment",
            reference="CCC-NEEDS-2027",
            description="A comprehensive needs assessment of housing-related support across the county.",
            service_type="floating-support",
            client_group="generic",
            districts=CAMBRIDGESHIRE,
            value=Decimal("62000"),
            value_basis="whole-life",
            term_years=1,
            category="services",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
        ProcurementInput(
            title="Service user involvement survey",
            reference="CCC-USER-SURVEY",
            description="Survey of service users to inform the user involvement strategy.",
            service_type="floating-support",
            client_group="generic",
            districts=CAMBRIDGESHIRE,
            value=Decimal("18500"),
            value_basis="whole-life",
            term_years=1,
            category="services",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
        ProcurementInput(
            title="Inclusive Forum venue hire",
            reference="CCC-FORUM-VENUE",
            description="Venue and refreshments for the year's Inclusive Forum meetings with providers.",
            service_type="floating-support",
            client_group="generic",
            districts=["cambridge"],
            value=Decimal("1800"),
            value_basis="whole-life",
            term_years=1,
            category="services",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
        ProcurementInput(
            title="Winter night shelter emergency provision",
            reference="CCC-NIGHT-SHELTER",
            description="Emergency night-shelter places after an unforeseen closure, for the winter.",
            service_type="accommodation-based",
            client_group="single-homeless",
            districts=["cambridge"],
            value=Decimal("24000"),
            value_basis="whole-life",
            term_years=1,
            category="services",
            exemption="unforeseen-emergency",
            exemption_reason="The only night shelter in the city closed without notice after a fire.",
            exemption_approver="Director of Adult Support Services",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
        ProcurementInput(
            title="Community alarm monitoring extension",
            reference="CCC-ALARM-DA",
            description=(
                "Two more years of monitoring from the current supplier, whose platform every "
                "installed alarm unit depends on: a change of supplier would mean replacing them."
            ),
            service_type="community-alarm",
            client_group="older-people",
            districts=CAMBRIDGESHIRE,
            value=Decimal("300000"),
            value_basis="whole-life",
            term_years=2,
            category="services",
            direct_award="additional-or-repeat",
            rule_set="cambridgeshire-2008",
            start_date=recent,
        ),
    ]


def load_demo(session: Session, today: date) -> str:
    """Load the demo users and procurements; return a one-line summary (never in production)."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("TENDERFLOW_ENV") == "production":
        raise RuntimeError("demo data is never loaded in production")
    load_reference_data(session)
    people = {}
    for email, name, job_title, roles, district in DEMO_USERS:
        person = users.find_by_email(session, email)
        if person is None:
            person = users.create_user(
                session,
                users.UserInput(
                    email=email,
                    name=name,
                    job_title=job_title,
                    organisation="Invented for the demonstration",
                    roles=roles,
                    password=DEMO_PASSWORD,
                    district_code=district,
                ),
            )
        people[email] = person
    lead = people["lead@tenderflow.example"]
    created = 0
    for data in demo_procurements(today):
        if procurements.get_by_reference(session, data.reference) is None:
            data.lead_id = lead.id
            procurements.create_procurement(session, data, lead, clock.now())
            created += 1
    notes = [f"{len(people)} users, {created} procurements"]
    for load in loaders():
        notes.append(load(session, today, people))
    return "Demo data loaded: " + "; ".join(n for n in notes if n) + "."
