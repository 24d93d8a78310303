"""The OCDS releases of a managed contract's published notices (UK9, UK10, UK11).

A notice has a release once its publication is recorded (its notice ID and date), as the
procurement's notices do; until then nothing about it is public.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.domain.contract_changes import GROUNDS
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
from tenderflow.domain.ocds import Organisation
from tenderflow.models import ContractChange, ManagedContract, PerformanceAssessment, Procurement
from tenderflow.services.contracts.performance import RATINGS
from tenderflow.services.notices import (
    DEFAULT_OCID_PREFIX,
    buyer_of,
    compile_releases,
    ocds_facts_ocid,
)

# The buyer a contract entered by hand names where no department is recorded.
DEFAULT_BUYER = "The council"


def contract_ocid(contract: ManagedContract) -> str:
    """Return the contract's ocid: its procurement's, else one built from its own reference."""
    if contract.procurement is not None:
        return ocds_facts_ocid(contract.procurement)
    return f"{DEFAULT_OCID_PREFIX}-{contract.reference}"


def supplier_of(contract: ManagedContract) -> Organisation:
    identifiers = []
    if contract.supplier_companies_house_number:
        identifiers.append(("GB-COH", contract.supplier_companies_house_number))
    if contract.supplier_ppon:
        identifiers.append(("GB-PPON", contract.supplier_ppon))
    return Organisation(
        contract.supplier_name,
        tuple(identifiers),
        sme=contract.supplier_is_sme,
        vcse=contract.supplier_is_vcse,
    )


def contract_facts(contract: ManagedContract) -> ManagedContractFacts:
    """Return what the contract's notices say about it, from the register."""
    procurement = contract.procurement
    award = contract.award_contract
    lot = award.lot.number if award is not None and award.lot is not None else None
    return ManagedContractFacts(
        ocid=contract_ocid(contract),
        # Ids join the procurement's own releases: its reference and the award's lot.
        reference=procurement.reference if procurement is not None else contract.reference,
        title=contract.title,
        buyer=buyer_of(procurement)
        if procurement is not None
        else Organisation(contract.department or DEFAULT_BUYER),
        supplier=supplier_of(contract),
        start=contract.start_date,
        above_threshold=procurement.above_national_threshold if procurement is not None else None,
        lot_number=lot,
    )


def _changes(session: Session, contract: ManagedContract) -> list[ContractChange]:
    return list(
        session.scalars(
            select(ContractChange)
            .where(ContractChange.contract_id == contract.id)
            .order_by(ContractChange.recorded_at, ContractChange.id)
        )
    )


def contract_releases(session: Session, contract: ManagedContract) -> list[dict[str, Any]]:
    """Return the releases of the contract's published UK9, UK10 and UK11 notices, oldest first."""
    facts = contract_facts(contract)
    found: list[dict[str, Any]] = []
    titles = {i.code: i for i in contract.indicators}
    assessments = session.scalars(
        select(PerformanceAssessment)
        .where(PerformanceAssessment.contract_id == contract.id)
        .order_by(PerformanceAssessment.year)
    )
    for assessment in assessments:
        if not assessment.notice_id or assessment.published_on is None:
            continue
        ratings = tuple(
            Rating(
                code=code,
                title=titles[code].title if code in titles else code,
                target=titles[code].target if code in titles else None,
                unit=titles[code].unit if code in titles else "",
                rating=rating,
                rating_words=RATINGS.get(rating, rating),
            )
            for code, rating in sorted(assessment.ratings.items())
        )
        found.append(
            performance_release(
                facts,
                PerformanceFacts(
                    assessment.notice_id,
                    assessment.published_on,
                    assessment.year,
                    assessment.assessed_on,
                    ratings,
                ),
            )
        )
    changes = _changes(session, contract)
    for at, change in enumerate(changes):
        if not change.notice_id or change.notice_published_on is None:
            continue
        if change.notice_type == "UK10":
            # The value as this change left it: today's, less the modifications made since.
            later = sum(
                (c.value_change or 0 for c in changes[at + 1 :] if c.kind == "modification"),
                start=Decimal(0),
            )
            found.append(
                change_release(
                    facts,
                    ChangeFacts(
                        change.notice_id,
                        change.notice_published_on,
                        change.description,
                        GROUNDS.get(change.ground or "", change.ground or ""),
                        change.value_change or Decimal(0),
                        contract.value - later,
                        change.effective_on,
                        change.new_end_date,
                    ),
                )
            )
        elif change.notice_type == "UK11":
            assert change.effective_on is not None
            found.append(
                termination_release(
                    facts,
                    TerminationFacts(
                        change.notice_id, change.notice_published_on, change.effective_on
                    ),
                )
            )
    return sorted(found, key=lambda r: r["date"])


def procurement_contract_releases(
    session: Session, procurement: Procurement
) -> list[dict[str, Any]]:
    """Return the releases of the notices of every contract the procurement awarded."""
    contracts = session.scalars(
        select(ManagedContract)
        .where(ManagedContract.procurement_id == procurement.id)
        .order_by(ManagedContract.id)
    )
    found = [r for contract in contracts for r in contract_releases(session, contract)]
    return sorted(found, key=lambda r: r["date"])


def contract_by_ocid(session: Session, ocid: str) -> ManagedContract | None:
    """Return the contract entered by hand whose ocid is ``ocid`` (one from a procurement
    shares its procurement's)."""
    prefix = f"{DEFAULT_OCID_PREFIX}-"
    if not ocid.startswith(prefix):
        return None
    return session.scalar(
        select(ManagedContract).where(
            ManagedContract.reference == ocid[len(prefix) :],
            ManagedContract.procurement_id.is_(None),
        )
    )


def contract_record(session: Session, contract: ManagedContract) -> dict[str, Any] | None:
    """Return the OCDS record of a contract entered by hand, if it has published notices."""
    return compile_releases(contract_ocid(contract), contract_releases(session, contract))


def _published_assessments() -> Any:
    return select(PerformanceAssessment.contract_id).where(
        PerformanceAssessment.notice_id.is_not(None),
        PerformanceAssessment.published_on.is_not(None),
    )


def _published_changes() -> Any:
    return select(ContractChange.contract_id).where(
        ContractChange.notice_type.in_(("UK10", "UK11")),
        ContractChange.notice_id.is_not(None),
        ContractChange.notice_published_on.is_not(None),
    )


def published_count(session: Session) -> int:
    """Return how many contract notices have a release."""
    count = 0
    for query in (_published_assessments(), _published_changes()):
        count += session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return count


def published_contract_releases(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return a page of the releases of every contract's published notices, oldest first."""
    ids = set(session.scalars(_published_assessments())) | set(
        session.scalars(_published_changes())
    )
    found = [
        release
        for contract in session.scalars(
            select(ManagedContract).where(ManagedContract.id.in_(ids)).order_by(ManagedContract.id)
        )
        for release in contract_releases(session, contract)
    ]
    found.sort(key=lambda r: r["date"])
    return found[offset : offset + limit]
