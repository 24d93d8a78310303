"""Transparency notices: work out a procurement's notices from its records, record publication
and produce each notice's OCDS release."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ocdsmerge import Merger
from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain import notices as rules
from tenderflow.domain.notice_codes import cpv_codes, itl_regions
from tenderflow.domain.ocds import (
    ContractFacts,
    LotFacts,
    Organisation,
    ProcurementFacts,
    build_release,
)
from tenderflow.domain.stages import stages_for
from tenderflow.domain.standstill import standstill_period
from tenderflow.models import (
    Bidder,
    ManagedContract,
    Milestone,
    Procurement,
    StageDates,
    TransparencyNotice,
    User,
)
from tenderflow.services import evaluation
from tenderflow.services.procurements.exclusions import recommended_bidders
from tenderflow.services.timetable import award, stage_dates, standstill_counts_from

# The prefix used where a procurement's buyer has not registered its own OCID prefix.
DEFAULT_OCID_PREFIX = "ocds-tfdemo"
# A contract's own notices: recorded on the contract once it is in the register.
CONTRACT_NOTICES = ("UK9", "UK10", "UK11")
BUYER_SCHEMES = ("GB-PPON", "GB-COH", "GB-GOR", "GB-UKPRN")


def records(session: Session, procurement: Procurement) -> dict[str, TransparencyNotice]:
    """Return the procurement's notice records by notice type."""
    rows = session.scalars(
        select(TransparencyNotice).where(TransparencyNotice.procurement_id == procurement.id)
    )
    return {row.notice_type: row for row in rows}


def notice_facts(session: Session, procurement: Procurement) -> rules.NoticeFacts:
    """Return what decides the procurement's notices and their dates."""
    starts: dict[str, date] = {}
    for row in stage_dates(procurement, session):
        starts[row.stage] = row.actual_start or row.planned_start
    contracts = award.contracts(session, procurement)
    decision = procurement.decision or {}
    return rules.NoticeFacts(
        regime=procurement.national_regime,
        notices=tuple(decision.get("notices") or ()),
        conditional_notices=tuple(decision.get("conditional_notices") or ()),
        above_threshold=procurement.above_national_threshold,
        light_touch=procurement.category == "light-touch",
        stage_starts=starts,
        planned_procurement_notice=procurement.planned_procurement_notice,
        contract_entered=min((clock.local(c.awarded_at).date() for c in contracts), default=None),
    )


def notices_of(session: Session, procurement: Procurement, today: date) -> list[rules.NoticeDue]:
    """Return every notice the procurement needs or may need, with its status on ``today``."""
    found = [
        rules.NoticeRecord(
            row.notice_type,
            drafted=row.drafted_at is not None,
            published_id=row.published_id,
            published_on=row.published_on,
        )
        for row in records(session, procurement).values()
    ]
    return rules.notices_for(notice_facts(session, procurement), found, today)


def published_on(session: Session, procurement: Procurement, code: str) -> date | None:
    """Return the day notice ``code`` was recorded as published, if it was."""
    row = records(session, procurement).get(code)
    return row.published_on if row is not None else None


def needs(session: Session, procurement: Procurement, code: str) -> bool:
    """Say whether the procurement must publish notice ``code``."""
    required, _ = rules.needed_codes(notice_facts(session, procurement))
    return code in required


def record_publication(
    session: Session,
    procurement: Procurement,
    code: str,
    published_id: str,
    day: date,
    user: User | None,
    now: datetime,
) -> list[str]:
    """Record notice ``code`` as published on ``day`` with the platform's id; return errors.

    A contract's own notices (UK9, UK10, UK11) are recorded on the contract once it is in the
    register, so that each notice is published, and served as open data, once.
    """
    if code in CONTRACT_NOTICES:
        managed = session.scalar(
            select(ManagedContract.reference)
            .where(ManagedContract.procurement_id == procurement.id)
            .order_by(ManagedContract.id)
        )
        if managed is not None:
            return [
                f"Record the {code} on the page of contract {managed} in the contract register: "
                "its notices are kept with the contract"
            ]
    today = clock.local(now).date()
    offered = {n.notice_type for n in notices_of(session, procurement, today)}
    if code not in offered:
        return [f"{procurement.reference} has no notice {code}"]
    rows = records(session, procurement)
    earlier = {t: r.published_on for t, r in rows.items() if r.published_on is not None}
    errors = rules.check_publication(code, published_id, day, today, earlier)
    if errors:
        return errors
    row = rows.get(code)
    if row is None:
        row = TransparencyNotice(procurement_id=procurement.id, notice_type=code)
        session.add(row)
    row.drafted_at = row.drafted_at or now
    row.published_id = published_id.strip()
    row.published_on = day
    row.recorded_by_id = user.id if user else None
    row.recorded_at = now
    session.flush()
    return []


def mark_drafted(
    session: Session, procurement: Procurement, code: str, user: User | None, now: datetime
) -> bool:
    """Record that notice ``code`` has been drafted on the platform; False if it is not offered."""
    offered = {n.notice_type for n in notices_of(session, procurement, clock.local(now).date())}
    if code not in offered:
        return False
    row = records(session, procurement).get(code)
    if row is None:
        row = TransparencyNotice(procurement_id=procurement.id, notice_type=code)
        session.add(row)
    if row.drafted_at is None:
        row.drafted_at = now
        row.recorded_by_id = user.id if user else None
        row.recorded_at = now
    session.flush()
    return True


# --- OCDS ----------------------------------------------------------------------------------


def buyer_of(procurement: Procurement) -> Organisation:
    """Return the buyer as the notices name it."""
    identifiers = procurement.buyer_identifiers or {}
    ordered = [(s, identifiers[s]) for s in BUYER_SCHEMES if identifiers.get(s)]
    ordered += [(s, v) for s, v in identifiers.items() if s not in BUYER_SCHEMES and v]
    return Organisation(procurement.buyer_name or procurement.rule_set, tuple(ordered))


def supplier_of(bidder: Bidder) -> Organisation:
    """Return a supplier as the notices name it, with its identifiers where known."""
    identifiers = []
    if bidder.companies_house_number:
        identifiers.append(("GB-COH", bidder.companies_house_number))
    if bidder.ppon:
        identifiers.append(("GB-PPON", bidder.ppon))
    return Organisation(bidder.name, tuple(identifiers), sme=bidder.is_sme, vcse=bidder.is_vcse)


def _milestone_day(session: Session, procurement: Procurement, kind: str) -> date | None:
    milestone = session.scalar(
        select(Milestone).where(Milestone.procurement_id == procurement.id, Milestone.kind == kind)
    )
    return clock.local(milestone.due_at).date() if milestone is not None else None


def ocds_facts(session: Session, procurement: Procurement) -> ProcurementFacts:
    """Return what the notices' OCDS releases say, from the procurement's records."""
    starts = notice_facts(session, procurement).stage_starts or {}
    model = evaluation.current_model(session, procurement)
    cpv, itl = cpv_codes(), itl_regions()
    lots_by_id = {lot.id: lot.number for lot in procurement.lots}
    approvals_lot = _approval_lots(session, procurement, lots_by_id)
    standstill = None
    rows = session.scalars(
        select(StageDates).where(
            StageDates.procurement_id == procurement.id, StageDates.stage == "standstill"
        )
    ).all()
    if rows and rows[0].actual_start:
        start = standstill_counts_from(session, procurement, rows[0].actual_start)
        standstill = (start, standstill_period(procurement.national_regime, start).last_day)
    ground = (procurement.decision or {}).get("direct_award")
    return ProcurementFacts(
        reference=procurement.reference,
        ocid_prefix=procurement.ocid_prefix or DEFAULT_OCID_PREFIX,
        title=procurement.title,
        description=procurement.description,
        buyer=buyer_of(procurement),
        value=procurement.whole_life_value,
        value_gross=procurement.value_including_vat,
        category=procurement.category,
        route=procurement.route,
        procedure=procurement.procedure,
        above_threshold=procurement.above_national_threshold,
        regime=procurement.national_regime,
        cpv_codes=tuple((c, cpv.get(c, c)) for c in procurement.cpv_codes or ()),
        delivery_regions=tuple((c, itl.get(c, c)) for c in procurement.delivery_regions or ()),
        suitable_for_sme=procurement.suitable_for_sme,
        suitable_for_vcse=procurement.suitable_for_vcse,
        # A lot's budget is kept a year; the notices give its value over the contract's life,
        # as they do the procurement's.
        lots=tuple(
            LotFacts(
                lot.number,
                lot.title,
                lot.description,
                lot.annual_value * ((procurement.term_years or 1) + procurement.extension_years)
                if lot.annual_value is not None
                else None,
            )
            for lot in procurement.lots
        ),
        tender_start=starts.get("itt"),
        tender_deadline=_milestone_day(session, procurement, "tender-deadline"),
        enquiry_deadline=_milestone_day(session, procurement, "clarification-deadline"),
        award_criteria=model[1].title if model else None,
        direct_award=ground.replace("-", " ").capitalize() if ground else None,
        standstill=standstill,
        recommended=tuple(
            sorted(
                (
                    (supplier_of(b), approvals_lot.get(b.id))
                    for b in recommended_bidders(session, procurement)
                ),
                key=lambda pair: pair[1] or 0,
            )
        ),
        contracts=tuple(
            ContractFacts(
                supplier_of(c.supplier),
                c.value,
                c.start_date,
                c.end_date,
                clock.local(c.awarded_at).date(),
                lots_by_id.get(c.lot_id) if c.lot_id else None,
            )
            for c in award.contracts(session, procurement)
        ),
    )


def _approval_lots(
    session: Session, procurement: Procurement, lots_by_id: dict[int, int]
) -> dict[int, int | None]:
    from tenderflow.services.timetable.award import approvals

    found: dict[int, int | None] = {}
    for approval in reversed(approvals(session, procurement)):
        if approval.recommended_bidder_id is not None and approval.decision == "approved":
            found[approval.recommended_bidder_id] = (
                lots_by_id.get(approval.lot_id) if approval.lot_id else None
            )
    return found


def release_of(
    session: Session, procurement: Procurement, code: str, today: date
) -> dict[str, Any] | None:
    """Return notice ``code``'s OCDS release, dated its publication (or ``today`` for a draft)."""
    if code not in {n.notice_type for n in notices_of(session, procurement, today)}:
        return None
    day = published_on(session, procurement, code) or today
    return build_release(ocds_facts(session, procurement), code, day)


def releases_of(session: Session, procurement: Procurement, today: date) -> list[dict[str, Any]]:
    """Return the releases of every notice the procurement needs or has published."""
    facts = ocds_facts(session, procurement)
    return [
        build_release(facts, n.notice_type, n.published_on or today)
        for n in notices_of(session, procurement, today)
        if n.status != rules.IF_NEEDED or n.published_on
    ]


def base_url() -> str:
    """Return the app's public address, as emails link to it (``TENDERFLOW_BASE_URL``)."""
    import os

    return (os.environ.get("TENDERFLOW_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def stages_of(procurement: Procurement) -> tuple[str, ...]:
    """Return the stages the procurement's route takes."""
    return stages_for(procurement.route, procurement.decision)


@dataclass(frozen=True)
class NoticeDetails:
    """What the lead says the notices give: CPV codes, regions, suitability and the buyer."""

    cpv_codes: tuple[str, ...]
    delivery_regions: tuple[str, ...]
    suitable_for_sme: bool | None
    suitable_for_vcse: bool | None
    buyer_name: str
    buyer_identifiers: dict[str, str]
    ocid_prefix: str


def save_details(session: Session, procurement: Procurement, data: NoticeDetails) -> dict[str, str]:
    """Save what the notices say about the procurement; return errors by field."""
    errors: dict[str, str] = {}
    unknown_cpv = [c for c in data.cpv_codes if c not in cpv_codes()]
    if not data.cpv_codes:
        errors["cpv_codes"] = "Select at least one CPV code"
    elif unknown_cpv:
        errors["cpv_codes"] = f"{unknown_cpv[0]} is not a CPV code offered"
    unknown_itl = [c for c in data.delivery_regions if c not in itl_regions()]
    if not data.delivery_regions:
        errors["delivery_regions"] = "Select where the contract is delivered"
    elif unknown_itl:
        errors["delivery_regions"] = f"{unknown_itl[0]} is not an ITL region offered"
    if data.suitable_for_sme is None:
        errors["suitable_for_sme"] = "Select whether the contract is suitable for SMEs"
    if data.suitable_for_vcse is None:
        errors["suitable_for_vcse"] = "Select whether the contract is suitable for VCSEs"
    if not data.buyer_name.strip():
        errors["buyer_name"] = "Enter the buyer's name"
    if errors:
        return errors
    procurement.cpv_codes = list(data.cpv_codes)
    procurement.delivery_regions = list(data.delivery_regions)
    procurement.suitable_for_sme = data.suitable_for_sme
    procurement.suitable_for_vcse = data.suitable_for_vcse
    procurement.buyer_name = data.buyer_name.strip()
    procurement.buyer_identifiers = {k: v for k, v in data.buyer_identifiers.items() if v}
    procurement.ocid_prefix = data.ocid_prefix
    session.flush()
    return {}


# --- published OCDS: the release package of every published notice and compiled records ----

MERGE_RULES_FILE = Path(__file__).resolve().parents[2] / "ocds_merge_rules.json"


@cache
def merge_rules() -> dict[tuple[str, ...], str]:
    """Return ocdsmerge's rules for the OCDS 1.1 release schema with the UK extension."""
    data = json.loads(MERGE_RULES_FILE.read_text(encoding="utf-8"))
    return {tuple(path): rule for path, rule in data["rules"]}


def procurement_by_ocid(session: Session, ocid: str) -> Procurement | None:
    """Return the procurement whose open contracting ID is ``ocid``."""
    # The prefix and the reference may both hold hyphens: try each split.
    for at, char in enumerate(ocid):
        if char == "-":
            procurement = session.scalar(
                select(Procurement).where(Procurement.reference == ocid[at + 1 :])
            )
            if procurement is not None and ocds_facts_ocid(procurement) == ocid:
                return procurement
    return None


def ocds_facts_ocid(procurement: Procurement) -> str:
    """Return the procurement's open contracting ID."""
    return f"{procurement.ocid_prefix or DEFAULT_OCID_PREFIX}-{procurement.reference}"


def compile_releases(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the record of ``ocid``: its releases, oldest first, and their compiled release."""
    if not releases:
        return None
    # A stable sort by day keeps the notices of one day in the order given.
    releases = sorted(releases, key=lambda r: r["date"])
    merger = Merger(merge_rules=merge_rules())
    return {
        "ocid": ocid,
        "releases": releases,
        "compiledRelease": merger.create_compiled_release(releases),
    }


def suppliers_of(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the suppliers the notices name: approved bidders and those with a contract."""
    found = list(recommended_bidders(session, procurement))
    for contract in award.contracts(session, procurement):
        if contract.supplier not in found:
            found.append(contract.supplier)
    return found


def save_supplier(
    bidder: Bidder, companies_house_number: str, ppon: str, sme: bool | None, vcse: bool | None
) -> dict[str, str]:
    """Save a supplier's identifiers and whether it is an SME or VCSE; return errors by field."""
    number = companies_house_number.strip().upper()
    errors = {}
    if number and not (len(number) == 8 and number.isalnum()):
        errors["companies_house_number"] = "Enter a Companies House number of 8 letters or digits"
    if len(ppon.strip()) > 40:
        errors["ppon"] = "The PPON must be 40 characters or fewer"
    if errors:
        return errors
    bidder.companies_house_number = number
    bidder.ppon = ppon.strip()
    bidder.is_sme, bidder.is_vcse = sme, vcse
    return {}
