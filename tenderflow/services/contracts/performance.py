"""Key performance indicators and, for contracts over £5 million, the yearly assessment the
Procurement Act 2023 requires (s.52), published as a contract performance notice (UK9)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import ContractIndicator, ManagedContract, PerformanceAssessment, User
from tenderflow.services import ServiceError

# s.52(1): a public contract worth more than £5 million has at least three KPIs, assessed and
# published at least once every 12 months (s.52(2)).
KPI_THRESHOLD = Decimal("5000000")
MINIMUM_KPIS = 3
# The ratings a contract performance notice gives each KPI.
RATINGS = {
    "good": "Good",
    "approaching-target": "Approaching target",
    "requires-improvement": "Requires improvement",
    "inadequate": "Inadequate",
}


def needs_kpis(contract: ManagedContract) -> bool:
    """Say whether the contract must have at least three KPIs, assessed every year."""
    return contract.value > KPI_THRESHOLD


def save_indicators(
    session: Session,
    contract: ManagedContract,
    targets: dict[str, str],
    remove: set[str],
    new: tuple[str, str, str] | None,
) -> None:
    """Change targets, remove indicators and add one; a contract over £5 million keeps three.

    ``targets`` maps indicator codes to the target typed; ``new`` is (code, title, target).
    Nothing changes if anything is wrong.
    """
    errors: dict[str, str] = {}
    parsed: dict[str, Decimal] = {}
    for indicator in contract.indicators:
        text = (targets.get(indicator.code) or "").strip().rstrip("%")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0:
            errors[f"target_{indicator.code}"] = f"Enter the target for {indicator.title.lower()}"
        else:
            parsed[indicator.code] = value
    added: ContractIndicator | None = None
    if new is not None:
        code, title, target = (part.strip() for part in new)
        if not code or not code.replace("-", "").isalnum() or code != code.lower():
            errors["new_code"] = "Enter a code of lower-case letters, digits and hyphens"
        elif code in {i.code for i in contract.indicators}:
            errors["new_code"] = "The contract already has an indicator with this code"
        if not title:
            errors["new_title"] = "Enter the indicator's name"
        try:
            value = Decimal(target.rstrip("%"))
            if not value.is_finite() or value < 0:
                raise InvalidOperation
        except InvalidOperation:
            errors["new_target"] = "Enter the indicator's target as a number"
        else:
            added = ContractIndicator(code=code, title=title, unit="percent", target=value)
    remaining = len(contract.indicators) - len(remove & {i.code for i in contract.indicators})
    remaining += 1 if new is not None else 0
    if needs_kpis(contract) and remaining < MINIMUM_KPIS:
        errors["remove"] = (
            "A contract over £5 million must keep at least 3 key performance indicators "
            "(Procurement Act 2023, section 52)"
        )
    if errors:
        raise ServiceError("the indicators could not be saved", errors)
    for indicator in list(contract.indicators):
        if indicator.code in remove:
            contract.indicators.remove(indicator)
            session.delete(indicator)
        else:
            indicator.target = parsed[indicator.code]
    if added is not None:
        contract.indicators.append(added)
    session.flush()


def assessments_of(session: Session, contract: ManagedContract) -> list[PerformanceAssessment]:
    """Return the contract's yearly KPI assessments, latest first."""
    return list(
        session.scalars(
            select(PerformanceAssessment)
            .where(PerformanceAssessment.contract_id == contract.id)
            .order_by(PerformanceAssessment.year.desc())
        )
    )


def assessment_due(session: Session, contract: ManagedContract, today: date) -> date | None:
    """Return when the next yearly assessment falls due (None if the contract needs none)."""
    if not needs_kpis(contract):
        return None
    done = assessments_of(session, contract)
    since = done[0].assessed_on if done else contract.start_date
    try:
        return since.replace(year=since.year + 1)
    except ValueError:  # 29 February
        return since.replace(year=since.year + 1, day=28)


def record_assessment(
    session: Session,
    contract: ManagedContract,
    year: int,
    ratings: dict[str, str],
    assessed_on: date,
    notice_id: str,
    published_on: date | None,
    user: User,
    today: date,
    now: datetime,
) -> PerformanceAssessment:
    """Record the year's assessment of every KPI and, once published, its UK9 notice."""
    errors: dict[str, str] = {}
    if not needs_kpis(contract):
        errors["year"] = "Only a contract over £5 million needs a yearly KPI assessment"
    for indicator in contract.indicators:
        if ratings.get(indicator.code) not in RATINGS:
            errors[f"rating_{indicator.code}"] = f"Select a rating for {indicator.title.lower()}"
    if assessed_on > today:
        errors["assessed_on"] = "The assessment date must be today or earlier"
    if bool(notice_id.strip()) != (published_on is not None):
        errors["notice_id"] = "Enter both the notice ID and the date it was published, or neither"
    elif published_on is not None and (published_on > today or published_on < assessed_on):
        errors["published_on"] = (
            "The notice must be published on or after the assessment, and not in the future"
        )
    if errors:
        raise ServiceError("the assessment could not be recorded", errors)
    found = session.scalar(
        select(PerformanceAssessment).where(
            PerformanceAssessment.contract_id == contract.id, PerformanceAssessment.year == year
        )
    )
    # Every column is set before the row joins the session: reading ``user.id`` may load it,
    # and a load flushes what the session holds.
    fields = {
        "ratings": {i.code: ratings[i.code] for i in contract.indicators},
        "assessed_on": assessed_on,
        "notice_id": notice_id.strip() or None,
        "published_on": published_on,
        "recorded_by_id": user.id,
        "recorded_at": now,
    }
    if found is None:
        found = PerformanceAssessment(contract_id=contract.id, year=year, **fields)
        session.add(found)
    else:
        for name, value in fields.items():
            setattr(found, name, value)
    session.flush()
    return found
