"""Published notices as open data: a procurement's release package and record, and the release
of every published notice, the notices of its managed contracts (UK9, UK10, UK11) included."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.domain import notices as rules
from tenderflow.domain.ocds import ProcurementFacts, build_release, release_package
from tenderflow.models import Procurement, TransparencyNotice
from tenderflow.services.contracts import ocds as contract_ocds
from tenderflow.services.notices import (
    base_url,
    buyer_of,
    compile_releases,
    ocds_facts,
    records,
    releases_of,
)


def procurement_package(session: Session, procurement: Procurement, today: date) -> dict[str, Any]:
    """Return a release package of the procurement's notices (drafts dated ``today``), and
    the published notices of the contracts it awarded."""
    return release_package(
        releases_of(session, procurement, today)
        + contract_ocds.procurement_contract_releases(session, procurement),
        uri=f"{base_url()}/procurements/{procurement.reference}/notices/releases.json",
        publisher=buyer_of(procurement).name,
        published=today,
    )


def published_releases(
    session: Session, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Return the releases of published notices, and how many there are: the procurements'
    notices oldest first, then the notices about managed contracts (UK9, UK10, UK11)."""
    query = select(TransparencyNotice).where(TransparencyNotice.published_on.is_not(None))
    own = session.scalar(query.with_only_columns(func.count(TransparencyNotice.id))) or 0
    total = own + contract_ocds.published_count(session)
    rows = session.scalars(
        query.order_by(TransparencyNotice.published_on, TransparencyNotice.id)
        .offset(offset)
        .limit(limit)
    ).all()
    facts: dict[int, ProcurementFacts] = {}
    releases = []
    for row in rows:
        if row.procurement_id not in facts:
            procurement = session.get(Procurement, row.procurement_id)
            assert procurement is not None
            facts[row.procurement_id] = ocds_facts(session, procurement)
        assert row.published_on is not None
        releases.append(build_release(facts[row.procurement_id], row.notice_type, row.published_on))
    if offset + limit > own:
        start = max(offset - own, 0)
        releases += contract_ocds.published_contract_releases(
            session, start, offset + limit - own - start
        )
    return releases, total


def compiled_record(session: Session, procurement: Procurement) -> dict[str, Any] | None:
    """Return the procurement's OCDS record: its published releases and their compiled release.

    The releases of the notices of the contracts it awarded (UK9, UK10, UK11) follow its own
    on their days. The releases are merged by ocdsmerge under the schema's merge rules, never
    by hand.
    """
    facts = ocds_facts(session, procurement)
    published = sorted(
        (row for row in records(session, procurement).values() if row.published_on),
        key=lambda row: (row.published_on, rules.ORDER.index(row.notice_type)),
    )
    releases = [
        build_release(facts, r.notice_type, r.published_on) for r in published if r.published_on
    ]
    releases += contract_ocds.procurement_contract_releases(session, procurement)
    return compile_releases(facts.ocid, releases)
