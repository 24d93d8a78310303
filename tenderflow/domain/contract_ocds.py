"""The notices about a managed contract as OCDS 1.1 releases: UK9, UK10 and UK11.

A contract performance notice (UK9) is an ``implementation`` release: the assessment is a
document of the contract's implementation and each key performance indicator's rating a
milestone of type ``assessment``. A contract change notice (UK10) is a ``contractAmendment``
release: an amendment whose rationale is the section 74 ground, saying how the value changes.
A contract termination notice (UK11) is a ``contractTermination`` release: the contract is
``terminated`` and its period ends on the day it ended. The releases share the ocid of the
procurement the contract came from, so they join its record; a contract entered by hand has an
ocid built the same way from its own reference. The builders take plain facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow.domain.dates import long_date
from tenderflow.domain.notices import KINDS
from tenderflow.domain.ocds import Organisation, _datetime, _party, _value

# How a rating reads as an OCDS milestone status.
MILESTONE_STATUS = {
    "good": "met",
    "approaching-target": "partiallyMet",
    "requires-improvement": "notMet",
    "inadequate": "notMet",
}


@dataclass(frozen=True)
class ManagedContractFacts:
    """What the notices say about a contract in the register."""

    ocid: str
    reference: str  # the reference the contract's ids are built from
    title: str
    buyer: Organisation
    supplier: Organisation
    start: date
    above_threshold: bool | None = None  # unknown for a contract entered by hand
    lot_number: int | None = None

    @property
    def contract_id(self) -> str:
        return f"{self.reference}-C{self.lot_number or 1}"

    @property
    def award_id(self) -> str:
        return f"{self.reference}-{self.lot_number or 1}"


@dataclass(frozen=True)
class Rating:
    """One key performance indicator's rating in a yearly assessment."""

    code: str
    title: str
    target: Decimal | None
    unit: str
    rating: str  # good | approaching-target | requires-improvement | inadequate
    rating_words: str


@dataclass(frozen=True)
class PerformanceFacts:
    notice_id: str
    published_on: date
    year: int
    assessed_on: date
    ratings: Sequence[Rating]


@dataclass(frozen=True)
class ChangeFacts:
    notice_id: str
    published_on: date
    description: str
    ground: str  # the s.74 ground, in words
    value_change: Decimal
    value_after: Decimal
    effective_on: date | None
    new_end_date: date | None


@dataclass(frozen=True)
class TerminationFacts:
    notice_id: str
    published_on: date
    ended_on: date


def _signed(amount: Decimal) -> str:
    sign = "-" if amount < 0 else "+"
    return f"{sign}£{abs(amount):,.2f}"


def _release(
    facts: ManagedContractFacts, code: str, notice_id: str, day: date, contract: dict[str, Any]
) -> dict[str, Any]:
    kind = KINDS[code]
    document = {
        "id": f"{facts.reference}-{code}-{notice_id}",
        "documentType": kind.document_type,
        "noticeType": code,
        "title": f"{kind.title}: {facts.title}",
        "description": f"Notice {notice_id}",
        "datePublished": _datetime(day),
        "language": "en",
    }
    entry: dict[str, Any] = {
        "id": facts.contract_id,
        "awardID": facts.award_id,
        **contract,
    }
    if facts.above_threshold is not None:
        entry["aboveThreshold"] = facts.above_threshold
    if code == "UK9":
        entry.setdefault("implementation", {})["documents"] = [document]
    else:
        entry["documents"] = [document]
    supplier = {"id": facts.supplier.party_id, "name": facts.supplier.name}
    return {
        "ocid": facts.ocid,
        "id": f"{facts.ocid}-{code}-{notice_id}",
        "date": _datetime(day),
        "tag": [kind.tag],
        "initiationType": "tender",
        "language": "en",
        "parties": [_party(facts.buyer, ["buyer"]), _party(facts.supplier, ["supplier"])],
        "buyer": {"id": facts.buyer.party_id, "name": facts.buyer.name},
        "awards": [{"id": facts.award_id, "status": "active", "suppliers": [supplier]}],
        "contracts": [entry],
    }


def _target(rating: Rating) -> str:
    if rating.target is None:
        return ""
    figure = f"{rating.target.normalize():f}"
    return f"target {figure}%" if rating.unit == "percent" else f"target {figure} {rating.unit}"


def performance_release(
    facts: ManagedContractFacts, assessment: PerformanceFacts
) -> dict[str, Any]:
    """Return the contract performance notice (UK9) as an ``implementation`` release."""
    milestones = []
    for rating in assessment.ratings:
        target = _target(rating)
        milestone: dict[str, Any] = {
            "id": f"{assessment.year}-{rating.code}",
            "title": f"{rating.title}, {assessment.year}",
            "type": "assessment",
            "description": f"Rated {rating.rating_words.lower()}"
            + (f" ({target})" if target else ""),
            "status": MILESTONE_STATUS[rating.rating],
            "dateModified": _datetime(assessment.assessed_on),
        }
        if milestone["status"] == "met":
            milestone["dateMet"] = _datetime(assessment.assessed_on)
        milestones.append(milestone)
    contract = {"status": "active", "implementation": {"milestones": milestones}}
    return _release(facts, "UK9", assessment.notice_id, assessment.published_on, contract)


def change_release(facts: ManagedContractFacts, change: ChangeFacts) -> dict[str, Any]:
    """Return the contract change notice (UK10) as a ``contractAmendment`` release."""
    said = f"{change.description}. The value changes by {_signed(change.value_change)} to "
    said += f"£{change.value_after:,.2f}"
    if change.new_end_date is not None:
        said += f"; the contract now ends on {long_date(change.new_end_date)}"
    amendment: dict[str, Any] = {
        "id": change.notice_id,
        "date": _datetime(change.effective_on or change.published_on),
        "rationale": change.ground,
        "description": f"{said}.",
    }
    contract: dict[str, Any] = {
        "status": "active",
        "value": _value(change.value_after),
        "amendments": [amendment],
    }
    if change.new_end_date is not None:
        contract["period"] = {
            "startDate": _datetime(facts.start),
            "endDate": _datetime(change.new_end_date, 23),
        }
    return _release(facts, "UK10", change.notice_id, change.published_on, contract)


def termination_release(facts: ManagedContractFacts, ended: TerminationFacts) -> dict[str, Any]:
    """Return the contract termination notice (UK11) as a ``contractTermination`` release."""
    contract = {
        "status": "terminated",
        "period": {"startDate": _datetime(facts.start), "endDate": _datetime(ended.ended_on, 23)},
    }
    return _release(facts, "UK11", ended.notice_id, ended.published_on, contract)
