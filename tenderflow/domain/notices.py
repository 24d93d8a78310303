"""Transparency notices: which a procurement needs, when each falls due and where it stands.

The Procurement Act 2023 publishes its notices on the Central Digital Platform (Find a
Tender) under codes UK1 to UK17; procurements begun under the Public Contracts Regulations
2015 publish on Find a Tender (contract and award notices above the threshold) and on
Contracts Finder. Which notices a route needs is data in the national regime's rule set (the
route decision's ``notices``); this module names them, dates them and gives their status.
Dates are passed in; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ACT = "procurement-act-2023"
PCR = "pcr-2015"

DUE = "due"
DRAFTED = "drafted"
PUBLISHED = "published"
OVERDUE = "overdue"
IF_NEEDED = "if-needed"
STATUSES = (DUE, DRAFTED, PUBLISHED, OVERDUE, IF_NEEDED)
STATUS_LABELS = {
    DUE: "Due",
    DRAFTED: "Drafted",
    PUBLISHED: "Published",
    OVERDUE: "Overdue",
    IF_NEEDED: "Only if needed",
}

# s.53: a contract details notice within 30 days, or 120 for a light touch contract, of the
# period "beginning with the day on which the contract is entered into".
CONTRACT_DETAILS_DAYS = 30
CONTRACT_DETAILS_DAYS_LIGHT_TOUCH = 120


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice: its platform code, what it is called and its OCDS shape."""

    code: str
    title: str
    regime: str
    platform: str  # Find a Tender | Contracts Finder
    tag: str  # OCDS release tag (closed codelist releaseTag)
    document_type: str  # OCDS documentType, core or the UK extension's
    optional: bool = False
    condition: str | None = None  # needed only when this happens
    source: str = ""


KINDS: dict[str, NoticeKind] = {
    kind.code: kind
    for kind in (
        NoticeKind(
            "UK2",
            "Preliminary market engagement notice",
            ACT,
            "Find a Tender",
            "planning",
            "marketEngagementNotice",
            optional=True,
            condition="if the market was consulted before the tender notice",
            source="s.17",
        ),
        NoticeKind(
            "UK3",
            "Planned procurement notice",
            ACT,
            "Find a Tender",
            "planning",
            "plannedProcurementNotice",
            optional=True,
            condition="to shorten the tendering period to 10 days",
            source="s.18",
        ),
        NoticeKind(
            "UK4",
            "Tender notice",
            ACT,
            "Find a Tender",
            "tender",
            "tenderNotice",
            source="s.21",
        ),
        NoticeKind(
            "UK5",
            "Transparency notice",
            ACT,
            "Find a Tender",
            "tender",
            "tenderNotice",
            source="s.44",
        ),
        NoticeKind(
            "UK6",
            "Contract award notice",
            ACT,
            "Find a Tender",
            "award",
            "awardNotice",
            source="s.50",
        ),
        NoticeKind(
            "UK7",
            "Contract details notice",
            ACT,
            "Find a Tender",
            "contract",
            "contractNotice",
            source="s.53",
        ),
        NoticeKind(
            "UK9",
            "Contract performance notice",
            ACT,
            "Find a Tender",
            "implementation",
            "implementationNotice",
            condition="every 12 months for a contract over £5 million, and on a breach",
            source="s.52",
        ),
        NoticeKind(
            "UK10",
            "Contract change notice",
            ACT,
            "Find a Tender",
            "contractAmendment",
            "contractNotice",
            condition="if the contract is modified",
            source="s.75",
        ),
        NoticeKind(
            "UK11",
            "Contract termination notice",
            ACT,
            "Find a Tender",
            "contractTermination",
            "contractTerminationNotice",
            condition="when the contract ends or is terminated",
            source="s.80",
        ),
        NoticeKind(
            "UK12",
            "Procurement termination notice",
            ACT,
            "Find a Tender",
            "tenderCancellation",
            "tenderCancellationNotice",
            condition="if the procurement is abandoned",
            source="s.55",
        ),
        NoticeKind(
            "F02",
            "Contract notice",
            PCR,
            "Find a Tender",
            "tender",
            "tenderNotice",
            source="PCR 2015 reg. 49",
        ),
        NoticeKind(
            "F03",
            "Contract award notice",
            PCR,
            "Find a Tender",
            "award",
            "awardNotice",
            source="PCR 2015 reg. 50",
        ),
        NoticeKind(
            "CF-OPPORTUNITY",
            "Contracts Finder opportunity notice",
            PCR,
            "Contracts Finder",
            "tender",
            "tenderNotice",
            source="PCR 2015 regs. 106 and 110",
        ),
        NoticeKind(
            "CF-AWARD",
            "Contracts Finder award notice",
            PCR,
            "Contracts Finder",
            "award",
            "awardNotice",
            source="PCR 2015 regs. 108 and 112",
        ),
    )
}

# The notice names the national regimes' rule sets use (``notices`` in the route decision),
# and the platform notices each stands for.
NAMED: dict[str, dict[str, tuple[str, ...]]] = {
    ACT: {
        "tender notice": ("UK4",),
        "below-threshold tender notice": ("UK4",),
        "transparency notice": ("UK5",),
        "contract award notice": ("UK6",),
        "contract details notice": ("UK7",),
        "procurement termination notice": ("UK12",),
    },
    PCR: {
        "contract notice": ("F02", "CF-OPPORTUNITY"),
        "contract award notice": ("F03", "CF-AWARD"),
        "Contracts Finder notice": ("CF-OPPORTUNITY", "CF-AWARD"),
    },
}

ORDER = tuple(KINDS)


@dataclass(frozen=True)
class NoticeFacts:
    """What decides a procurement's notices and their dates."""

    regime: str
    notices: Sequence[str]  # the route decision's notice names
    conditional_notices: Sequence[str] = ()
    above_threshold: bool = False
    light_touch: bool = False
    # Each stage's start: the actual one once it has started, else the planned one.
    stage_starts: Mapping[str, date] | None = None
    planned_procurement_notice: date | None = None
    contract_entered: date | None = None
    contract_ended: date | None = None


@dataclass(frozen=True)
class NoticeRecord:
    """What has been done about one notice: drafted, or published with its platform id."""

    notice_type: str
    drafted: bool = False
    published_id: str | None = None
    published_on: date | None = None


@dataclass(frozen=True)
class NoticeDue:
    """One notice a procurement needs (or may need), when it falls due and its status."""

    kind: NoticeKind
    due: date | None
    status: str
    published_id: str | None = None
    published_on: date | None = None
    when: str = ""
    title: str = ""

    @property
    def notice_type(self) -> str:
        return self.kind.code

    def to_dict(self) -> dict[str, str | None]:
        """Return the notice as the command line prints it."""
        return {
            "notice_type": self.kind.code,
            "status": self.status,
            "due": self.due.isoformat() if self.due else None,
            "published_id": self.published_id,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }


def contract_details_due(entered: date, light_touch: bool) -> date:
    """Return the last day for the contract details notice of a contract entered on ``entered``."""
    days = CONTRACT_DETAILS_DAYS_LIGHT_TOUCH if light_touch else CONTRACT_DETAILS_DAYS
    return entered + timedelta(days=days - 1)


def _names(names: Iterable[str]) -> list[str]:
    # A conditional notice is kept as "name (condition)" in the route decision.
    return [name.split(" (", 1)[0] for name in names]


def needed_codes(facts: NoticeFacts) -> tuple[list[str], list[str]]:
    """Return the codes of the notices required and of those needed only in some events."""
    named = NAMED.get(facts.regime, {})
    required: list[str] = []
    for name in _names(facts.notices):
        for code in named.get(name, ()):
            if code not in required:
                required.append(code)
    conditional: list[str] = []
    for name in _names(facts.conditional_notices):
        for code in named.get(name, ()):
            if code not in required and code not in conditional:
                conditional.append(code)
    if facts.regime == ACT:
        advertised = "UK4" in required
        if advertised and facts.above_threshold:
            conditional[:0] = [c for c in ("UK2", "UK3") if c not in conditional]
        if "UK7" in required and facts.above_threshold:
            conditional += [c for c in ("UK9", "UK10", "UK11") if c not in conditional]
        if "UK12" not in required + conditional and (advertised or "UK5" in required):
            conditional.append("UK12")
    order = {code: n for n, code in enumerate(ORDER)}
    return sorted(required, key=order.__getitem__), sorted(conditional, key=order.__getitem__)


def _first_start(facts: NoticeFacts, *stages: str) -> date | None:
    starts = facts.stage_starts or {}
    return next((starts[s] for s in stages if s in starts), None)


def due_date(code: str, facts: NoticeFacts) -> tuple[date | None, str]:
    """Return the day ``code`` falls due for this procurement (None if not yet known) and why."""
    if code == "UK3":
        return facts.planned_procurement_notice, "at least 40 days before the tender notice"
    if code in ("UK4", "F02", "CF-OPPORTUNITY"):
        return (
            _first_start(facts, "eoi", "itt"),
            "when the competition opens (the first day of the EOI or ITT)",
        )
    if code == "UK5":
        return (
            _first_start(facts, "standstill", "award"),
            "before the contract is awarded (before the standstill, where there is one)",
        )
    if code in ("UK6", "F03"):
        return (
            _first_start(facts, "standstill", "award"),
            "before the standstill, which counts from its publication",
        )
    if code == "UK7":
        days = CONTRACT_DETAILS_DAYS_LIGHT_TOUCH if facts.light_touch else CONTRACT_DETAILS_DAYS
        when = f"within {days} days of entering into the contract"
        if facts.contract_entered is None:
            return None, when
        return contract_details_due(facts.contract_entered, facts.light_touch), when
    if code == "CF-AWARD":
        return facts.contract_entered, "once the contract is awarded"
    if code == "UK11":
        ended = facts.contract_ended
        return (
            ended + timedelta(days=29) if ended else None
        ), "within 30 days of the contract ending"
    kind = KINDS[code]
    return None, kind.condition or ""


def title_of(code: str, above_threshold: bool) -> str:
    """Return the notice's name: a tender notice below the threshold says so."""
    if code == "UK4" and not above_threshold:
        return "Below-threshold tender notice"
    return KINDS[code].title


def status_of(
    kind: NoticeKind,
    due: date | None,
    record: NoticeRecord | None,
    today: date,
    *,
    required: bool,
) -> str:
    """Return where a notice stands on ``today``."""
    if record is not None and record.published_on is not None:
        return PUBLISHED
    if required and due is not None and due < today:
        return OVERDUE
    if record is not None and record.drafted:
        return DRAFTED
    return DUE if required else IF_NEEDED


def notices_for(
    facts: NoticeFacts, records: Iterable[NoticeRecord], today: date
) -> list[NoticeDue]:
    """Return every notice the procurement needs or may need, in the order they come."""
    by_type = {record.notice_type: record for record in records}
    required, conditional = needed_codes(facts)
    wanted = set(required) | set(conditional) | set(by_type)
    result = []
    for code in ORDER:
        if code not in wanted:
            continue
        kind = KINDS[code]
        record = by_type.get(code)
        # A conditional notice the lead has drafted or published is needed after all.
        is_required = code in required or record is not None
        due, when = due_date(code, facts)
        result.append(
            NoticeDue(
                kind=kind,
                due=due,
                status=status_of(kind, due, record, today, required=is_required),
                published_id=record.published_id if record else None,
                published_on=record.published_on if record else None,
                when=when,
                title=title_of(code, facts.above_threshold),
            )
        )
    return result


def check_publication(
    code: str,
    published_id: str,
    published_on: date,
    today: date,
    earlier: Mapping[str, date] | None = None,
) -> list[str]:
    """Return what is wrong with recording ``code`` as published, as error messages."""
    errors = []
    kind = KINDS.get(code)
    if kind is None:
        return [f"There is no notice {code}"]
    if not published_id.strip():
        errors.append(f"Enter the {kind.platform} notice ID")
    elif len(published_id) > 60:
        errors.append(f"The {kind.platform} notice ID must be 60 characters or fewer")
    if published_on > today:
        errors.append("The date published must be today or in the past")
    for before, after in (("UK4", "UK6"), ("UK5", "UK6"), ("F02", "F03")):
        if code == after and earlier and before in earlier and published_on < earlier[before]:
            errors.append(
                f"The {kind.title.lower()} cannot be published before the "
                f"{KINDS[before].title.lower()} ({earlier[before].isoformat()})"
            )
    return errors
