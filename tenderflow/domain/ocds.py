"""Each notice as an OCDS 1.1 release in the shape Find a Tender publishes.

Find a Tender republishes every notice as an OCDS 1.1 release carrying the Cabinet Office's
UK extension (https://github.com/cabinetoffice/ocds_uk_extension): the notice itself is a
document with ``noticeType`` (UK4, UK6, ...). The builder takes plain facts, so a test can
check the release without a database; amounts are Decimal until written as JSON numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow.domain.dates import long_date
from tenderflow.domain.notices import KINDS, NoticeKind

OCDS_VERSION = "1.1"
UK_EXTENSION = (
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"
)
CURRENCY = "GBP"


@dataclass(frozen=True)
class Organisation:
    """A party to the procurement: the buyer or a supplier."""

    name: str
    identifiers: Sequence[tuple[str, str]] = ()  # (scheme, id): ("GB-PPON", ...), ("GB-COH", ...)
    sme: bool | None = None
    vcse: bool | None = None

    @property
    def party_id(self) -> str:
        """Return the party's id: its first identifier, else a slug of its name."""
        if self.identifiers:
            scheme, value = self.identifiers[0]
            return f"{scheme}-{value}"
        return "".join(ch if ch.isalnum() else "-" for ch in self.name.lower()).strip("-")


@dataclass(frozen=True)
class LotFacts:
    number: int
    title: str
    description: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class ContractFacts:
    """A contract awarded: its supplier, value, period and the day it was entered into."""

    supplier: Organisation
    value: Decimal
    start: date
    end: date
    awarded_on: date
    lot_number: int | None = None


@dataclass(frozen=True)
class ProcurementFacts:
    """What the notices say about a procurement, taken from its records."""

    reference: str
    ocid_prefix: str
    title: str
    description: str
    buyer: Organisation
    value: Decimal  # whole life, net of VAT
    value_gross: Decimal
    category: str  # goods | services | works | light-touch
    route: str
    procedure: str | None
    above_threshold: bool
    regime: str
    cpv_codes: Sequence[tuple[str, str]] = ()  # (code, title)
    delivery_regions: Sequence[tuple[str, str]] = ()  # (ITL code, name)
    suitable_for_sme: bool | None = None
    suitable_for_vcse: bool | None = None
    lots: Sequence[LotFacts] = ()
    tender_start: date | None = None
    tender_deadline: date | None = None
    enquiry_deadline: date | None = None
    award_criteria: str | None = None  # in words, from the evaluation model
    direct_award: str | None = None  # the Schedule 5 ground, in words
    standstill: tuple[date, date] | None = None
    recommended: Sequence[tuple[Organisation, int | None]] = ()  # supplier and lot number
    contracts: Sequence[ContractFacts] = field(default_factory=tuple)

    @property
    def ocid(self) -> str:
        return f"{self.ocid_prefix}-{self.reference}"


METHODS = {
    "open": ("open", "Open procedure"),
    "competitive-flexible": ("selective", "Competitive flexible procedure"),
}


def _money(amount: Decimal) -> int | float:
    """Write an amount as a JSON number: whole pounds as an integer, else to the penny."""
    exact = amount.quantize(Decimal("0.01"))
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _value(net: Decimal, gross: Decimal | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"amount": _money(net), "currency": CURRENCY}
    if gross is not None:
        value["amountGross"] = _money(gross)
    return value


def _datetime(day: date, hour: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def procurement_method(facts: ProcurementFacts) -> tuple[str, str]:
    """Return OCDS's procurementMethod and the details in words for this route."""
    if facts.route == "direct-award":
        return "direct", f"Direct award: {facts.direct_award or 'Schedule 5'}"
    if facts.route == "exempt":
        return "direct", "Award without competition under the council's exemptions"
    if facts.procedure in METHODS:
        return METHODS[facts.procedure]
    if facts.route == "advertised-tender":
        return "open", "Advertised tender under the council's contract standing orders"
    words = facts.route.replace("-", " ")
    return "limited", f"{words[:1].upper()}{words[1:]} under the council's contract standing orders"


def _party(org: Organisation, roles: list[str]) -> dict[str, Any]:
    party: dict[str, Any] = {"id": org.party_id, "name": org.name, "roles": roles}
    if org.identifiers:
        scheme, value = org.identifiers[0]
        party["identifier"] = {"scheme": scheme, "id": value, "legalName": org.name}
        if len(org.identifiers) > 1:
            party["additionalIdentifiers"] = [
                {"scheme": s, "id": v} for s, v in org.identifiers[1:]
            ]
    details = {k: v for k, v in (("scale", _scale(org)), ("vcse", org.vcse)) if v is not None}
    if details:
        party["details"] = details
    return party


def _scale(org: Organisation) -> str | None:
    if org.sme is None:
        return None
    return "sme" if org.sme else "large"


def _suitability(facts: ProcurementFacts) -> dict[str, bool]:
    pairs = (("sme", facts.suitable_for_sme), ("vcse", facts.suitable_for_vcse))
    return {k: v for k, v in pairs if v is not None}


def _items(facts: ProcurementFacts) -> list[dict[str, Any]]:
    if not facts.cpv_codes:
        return []
    (code, title), *more = facts.cpv_codes
    item: dict[str, Any] = {
        "id": "1",
        "description": facts.title,
        "classification": {"scheme": "CPV", "id": code.split("-")[0], "description": title},
    }
    if more:
        item["additionalClassifications"] = [
            {"scheme": "CPV", "id": c.split("-")[0], "description": t} for c, t in more
        ]
    if facts.delivery_regions:
        item["deliveryAddresses"] = [
            {"region": code, "countryName": "United Kingdom"} for code, _ in facts.delivery_regions
        ]
    return [item]


def _lots(facts: ProcurementFacts) -> list[dict[str, Any]]:
    lots = []
    for lot in facts.lots:
        entry: dict[str, Any] = {"id": str(lot.number), "title": lot.title, "status": "active"}
        if lot.description:
            entry["description"] = lot.description
        if lot.value is not None:
            entry["value"] = _value(lot.value)
        if _suitability(facts):
            entry["suitability"] = _suitability(facts)
        lots.append(entry)
    return lots


def _tender(facts: ProcurementFacts, kind: NoticeKind) -> dict[str, Any]:
    method, details = procurement_method(facts)
    light_touch = facts.category == "light-touch"
    tender: dict[str, Any] = {
        "id": facts.reference,
        "title": facts.title,
        "description": facts.description,
        "status": "cancelled" if kind.code == "UK12" else _tender_status(facts, kind),
        "value": _value(facts.value, facts.value_gross),
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": "services" if light_touch else facts.category,
        "aboveThreshold": facts.above_threshold,
    }
    if facts.direct_award:
        tender["procurementMethodRationale"] = facts.direct_award
    if light_touch:
        tender["specialRegime"] = ["lightTouch"]
    items = _items(facts)
    if items:
        tender["items"] = items
    if facts.tender_start and facts.tender_deadline:
        tender["tenderPeriod"] = {
            "startDate": _datetime(facts.tender_start),
            "endDate": _datetime(facts.tender_deadline, 12),
        }
    if facts.enquiry_deadline:
        tender["enquiryPeriod"] = {"endDate": _datetime(facts.enquiry_deadline, 12)}
    if facts.award_criteria:
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = facts.award_criteria
    lots = _lots(facts)
    if lots:
        tender["lots"] = lots
    elif _suitability(facts):
        tender["suitability"] = _suitability(facts)
    return tender


def _tender_status(facts: ProcurementFacts, kind: NoticeKind) -> str:
    if kind.tag == "planning":
        return "planned"
    if kind.tag == "tender":
        return "active"
    return "complete"


def _awards(facts: ProcurementFacts, kind: NoticeKind) -> list[dict[str, Any]]:
    awards = []
    contracted = {c.lot_number: c for c in facts.contracts}
    for org, lot in facts.recommended:
        contract = contracted.get(lot)
        award: dict[str, Any] = {
            "id": f"{facts.reference}-{lot or 1}",
            "status": "active" if contract else "pending",
            "suppliers": [{"id": org.party_id, "name": org.name}],
            "aboveThreshold": facts.above_threshold,
        }
        if lot is not None:
            award["relatedLots"] = [str(lot)]
        if contract is not None:
            award["date"] = _datetime(contract.awarded_on)
            award["value"] = _value(contract.value)
        if facts.standstill and kind.code in ("UK6", "UK5"):
            start, end = facts.standstill
            award["standstillPeriod"] = {
                "startDate": _datetime(start),
                "endDate": _datetime(end, 23),
            }
        awards.append(award)
    return awards


def _contracts(facts: ProcurementFacts, kind: NoticeKind) -> list[dict[str, Any]]:
    status = "terminated" if kind.code == "UK11" else "active"
    return [
        {
            "id": f"{facts.reference}-C{c.lot_number or 1}",
            "awardID": f"{facts.reference}-{c.lot_number or 1}",
            "status": status,
            "value": _value(c.value),
            "period": {"startDate": _datetime(c.start), "endDate": _datetime(c.end, 23)},
            "dateSigned": _datetime(c.awarded_on),
            "aboveThreshold": facts.above_threshold,
        }
        for c in facts.contracts
    ]


def _document(facts: ProcurementFacts, kind: NoticeKind, day: date) -> dict[str, Any]:
    return {
        "id": f"{facts.reference}-{kind.code}",
        "documentType": kind.document_type,
        "noticeType": kind.code,
        "title": f"{kind.title}: {facts.title}",
        "datePublished": _datetime(day),
        "language": "en",
    }


# Notices about a contract once it is signed: they carry the contract and name its supplier.
CONTRACT_TAGS = ("contract", "contractAmendment", "contractTermination", "implementation")


def build_release(facts: ProcurementFacts, code: str, day: date) -> dict[str, Any]:
    """Return the OCDS release for notice ``code``, dated ``day`` (published, or drafted on)."""
    kind = KINDS[code]
    suppliers = {org.party_id: org for org, _ in facts.recommended}
    suppliers.update({c.supplier.party_id: c.supplier for c in facts.contracts})
    names_suppliers = kind.tag == "award" or kind.tag in CONTRACT_TAGS
    names_suppliers = names_suppliers or code == "UK5"
    parties = [_party(facts.buyer, ["buyer"])]
    if names_suppliers:
        parties += [_party(org, ["supplier"]) for org in suppliers.values()]
    release: dict[str, Any] = {
        "ocid": facts.ocid,
        "id": f"{facts.ocid}-{code}-{day.isoformat()}",
        "date": _datetime(day),
        "tag": [kind.tag],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": {"id": facts.buyer.party_id, "name": facts.buyer.name},
        "tender": _tender(facts, kind),
    }
    if names_suppliers:
        release["awards"] = _awards(facts, kind)
    if kind.tag in CONTRACT_TAGS:
        release["contracts"] = _contracts(facts, kind)
    # The notice is a document of the section it is about: planning, an award, a contract,
    # else the tender.
    document = _document(facts, kind, day)
    if kind.tag == "planning":
        release["planning"] = {"documents": [document]}
    elif kind.tag == "award" and release["awards"]:
        release["awards"][0]["documents"] = [document]
    elif kind.tag in CONTRACT_TAGS and release["contracts"]:
        release["contracts"][0]["documents"] = [document]
    else:
        release["tender"]["documents"] = [document]
    return release


def release_package(
    releases: list[dict[str, Any]],
    uri: str,
    publisher: str,
    published: date,
    publisher_uid: str | None = None,
) -> dict[str, Any]:
    """Wrap ``releases`` in an OCDS 1.1 release package."""
    who: dict[str, Any] = {"name": publisher}
    if publisher_uid:
        who["uid"] = publisher_uid
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [UK_EXTENSION],
        "publisher": who,
        "publishedDate": _datetime(published),
        "releases": releases,
    }


def _say_day(text: str | None) -> str:
    if not text:
        return ""
    return long_date(date.fromisoformat(text[:10]))


def _say_value(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return f"£{Decimal(str(value['amount'])):,.2f}"


def describe(release: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the release in words, as (label, text) rows for a preview of the notice."""
    tender = release.get("tender", {})
    parties = {p["id"]: p for p in release.get("parties", [])}
    buyer = parties.get(release.get("buyer", {}).get("id", ""), {})
    ids = [buyer.get("identifier"), *buyer.get("additionalIdentifiers", [])]
    rows = [
        ("Open contracting ID", release["ocid"]),
        ("Buyer", buyer.get("name", "")),
        ("Buyer's identifiers", ", ".join(f"{i['scheme']} {i['id']}" for i in ids if i)),
        ("Title", tender.get("title", "")),
        ("Description", tender.get("description", "")),
        ("Estimated value", _say_value(tender.get("value"))),
        ("Procedure", tender.get("procurementMethodDetails", "")),
        ("Main category", str(tender.get("mainProcurementCategory", "")).capitalize()),
    ]
    items = tender.get("items", [])
    classes = [
        c
        for item in items
        for c in [item.get("classification"), *item.get("additionalClassifications", [])]
        if c
    ]
    rows.append(("CPV codes", "; ".join(f"{c['id']} {c.get('description', '')}" for c in classes)))
    regions = [a["region"] for item in items for a in item.get("deliveryAddresses", [])]
    rows.append(("Delivery regions (ITL)", ", ".join(regions)))
    if "tenderPeriod" in tender:
        period = tender["tenderPeriod"]
        rows.append(
            (
                "Tendering period",
                f"{_say_day(period['startDate'])} to {_say_day(period['endDate'])}",
            )
        )
    if "enquiryPeriod" in tender:
        rows.append(("Clarification questions by", _say_day(tender["enquiryPeriod"]["endDate"])))
    if tender.get("awardCriteriaDetails"):
        rows.append(("Award criteria", tender["awardCriteriaDetails"]))
    for lot in tender.get("lots", []):
        value = f" ({_say_value(lot['value'])})" if lot.get("value") else ""
        rows.append((f"Lot {lot['id']}", f"{lot['title']}{value}"))
    suitability: dict[str, bool] = tender.get("suitability") or next(
        (lot["suitability"] for lot in tender.get("lots", []) if "suitability" in lot), {}
    )
    if suitability:
        said = [k.upper() for k in ("sme", "vcse") if suitability.get(k)]
        rows.append(
            ("Suitable for", " and ".join(f"{s}s" for s in said) or "Neither SMEs nor VCSEs")
        )
    for award in release.get("awards", []):
        names = ", ".join(s["name"] for s in award.get("suppliers", []))
        lot = f" (lot {award['relatedLots'][0]})" if award.get("relatedLots") else ""
        text = names + (f", {_say_value(award['value'])}" if award.get("value") else "")
        if award.get("standstillPeriod"):
            text += f"; standstill ends {_say_day(award['standstillPeriod']['endDate'])}"
        rows.append((f"Award{lot}", text))
    for contract in release.get("contracts", []):
        period = contract["period"]
        rows.append(
            (
                "Contract",
                f"{_say_value(contract['value'])}, {_say_day(period['startDate'])} to "
                f"{_say_day(period['endDate'])}, signed {_say_day(contract['dateSigned'])}",
            )
        )
    return [(label, text) for label, text in rows if text]
