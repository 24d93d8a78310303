"""Demonstration notice data: what each demo procurement's notices say, and those published.

Each demo procurement gets its CPV codes, delivery regions, suitability for SMEs and VCSEs
and its buyer's (invented) identifiers. Every notice it needs whose moment has come is
recorded as published on that day with an invented Find a Tender id: a tender notice on the
first day of the EOI or ITT, a contract award notice on the first day of the standstill. So
KCC-IDAS-2026, in standstill, has its UK4 and UK6 published; CCC-NEEDS-2027, an invited tender
below the threshold, has no tender notice and its contract details notice still to come.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.models import Bidder, Procurement, TransparencyNotice, User
from tenderflow.services import notices

# Invented identifiers: not the councils' real ones.
BUYERS = {
    "KCC": ("Kent County Council", {"GB-PPON": "PDEM-1001-KENT"}),
    "CCC": ("Cambridgeshire County Council", {"GB-PPON": "PDEM-1002-CAMB"}),
    "NCC": ("Norfolk County Council", {"GB-PPON": "PDEM-1003-NORF"}),
}
CPV = {
    "KCC-IDAS-2026": ["85311000-2", "85312400-3"],
    "NCC-GY-FS-2026": ["85312000-9"],
    "CCC-AT-REVIEW": ["85311100-3"],
    "CCC-NEEDS-2027": ["85320000-8"],
    "CCC-USER-SURVEY": ["85320000-8"],
    "CCC-FORUM-VENUE": ["85321000-5"],
    "CCC-NIGHT-SHELTER": ["85311000-2"],
}
REGIONS = {"KCC": ["TLJ44", "TLJ46"], "CCC": ["TLH12"], "NCC": ["TLH15"]}
# Which notices come at the start of which stages.
PUBLISHED_AT = {"UK4": ("eoi", "itt"), "UK5": ("standstill", "award"), "UK6": ("standstill",)}


def _describe(procurement: Procurement, session: Session) -> None:
    prefix = procurement.reference.split("-", 1)[0]
    if not procurement.buyer_name and prefix in BUYERS:
        procurement.buyer_name, identifiers = BUYERS[prefix]
        procurement.buyer_identifiers = dict(identifiers)
        procurement.ocid_prefix = notices.DEFAULT_OCID_PREFIX
    if not procurement.cpv_codes:
        procurement.cpv_codes = list(CPV.get(procurement.reference, ["85320000-8"]))
        procurement.delivery_regions = list(REGIONS.get(prefix, []))
        procurement.suitable_for_sme = True
        procurement.suitable_for_vcse = True
    bidders = session.scalars(
        select(Bidder).where(Bidder.procurement_id == procurement.id).order_by(Bidder.id)
    )
    for n, bidder in enumerate(bidders, start=1):
        if not bidder.companies_house_number:
            bidder.companies_house_number = f"DE{procurement.id:02d}{n:04d}"
            bidder.is_sme = n % 2 == 1
            bidder.is_vcse = True


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Give the demo procurements their notice data and publish the notices already due."""
    lead = people["lead@tenderflow.example"]
    published = 0
    for procurement in session.scalars(select(Procurement).order_by(Procurement.id)):
        _describe(procurement, session)
        facts = notices.notice_facts(session, procurement)
        required, _ = notices.rules.needed_codes(facts)
        starts = facts.stage_starts or {}
        done = notices.records(session, procurement)
        path = notices.stages_of(procurement)
        for code, stages in PUBLISHED_AT.items():
            if code not in required or code in done:
                continue
            stage = next((s for s in stages if s in path), None)
            if stage is None or path.index(procurement.stage) < path.index(stage):
                continue
            day = starts[stage]
            session.add(
                TransparencyNotice(
                    procurement_id=procurement.id,
                    notice_type=code,
                    drafted_at=_at(day, 9),
                    published_id=f"{procurement.id:03d}{published + 1:03d}-{day:%Y}",
                    published_on=day,
                    recorded_by_id=procurement.lead_id or lead.id,
                    recorded_at=_at(day, 11),
                )
            )
            published += 1
    session.flush()
    return f"{published} notices published"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), clock.LONDON)
