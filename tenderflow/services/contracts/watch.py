"""What the contract watcher does on its schedule, with ``today`` and ``now`` passed in:
returns due and overdue, meetings due, contracts nearing their end (12, 9 and 6 months ahead)
with a prompt to re-procure. Each message is queued once, by its key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.contract_priority import add_months, default_matrix
from tenderflow.domain.contract_returns import last_ended_quarter, quarter_end
from tenderflow.domain.dates import long_date
from tenderflow.models import ContractReturn, ManagedContract, User
from tenderflow.services.contracts import meetings as contract_meetings
from tenderflow.services.email import outbox

# Tell the contract manager this many days before a meeting falls due.
MEETING_NOTICE_DAYS = 14


@dataclass
class WatchOutcome:
    returns_due: list[str] = field(default_factory=list)
    returns_overdue: list[str] = field(default_factory=list)
    meetings_due: list[str] = field(default_factory=list)
    expiring: list[str] = field(default_factory=list)
    messages: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "returns_due": self.returns_due,
            "returns_overdue": self.returns_overdue,
            "meetings_due": self.meetings_due,
            "expiring": self.expiring,
            "messages": self.messages,
        }


def _active(session: Session) -> list[ManagedContract]:
    return list(
        session.scalars(
            select(ManagedContract)
            .where(ManagedContract.status == "active")
            .order_by(ManagedContract.reference)
        )
    )


def _tell(
    session: Session,
    outcome: WatchOutcome,
    people: list[User | None],
    contract: ManagedContract,
    kind: str,
    key: str,
    subject: str,
    body: str,
    now: datetime,
) -> None:
    seen: set[int] = set()
    for person in people:
        if person is None or person.id in seen:
            continue
        seen.add(person.id)
        queued = outbox.queue_message(
            session,
            key=f"{key}:{person.id}",
            kind=kind,
            recipient=person,
            subject=subject,
            body=body,
            now=now,
            procurement_id=contract.procurement_id,
            link=f"/contracts/{contract.reference}",
        )
        outcome.messages += queued is not None


def missing_return(
    session: Session, contract: ManagedContract, today: date
) -> tuple[int, int] | None:
    """Return the last ended quarter if the contract has not returned every indicator for it."""
    year, quarter = last_ended_quarter(today)
    ended = quarter_end(year, quarter)
    if ended < contract.start_date or ended > contract.end_date:
        return None
    given = set(
        session.scalars(
            select(ContractReturn.indicator).where(
                ContractReturn.contract_id == contract.id,
                ContractReturn.year == year,
                ContractReturn.quarter == quarter,
            )
        )
    )
    if {i.code for i in contract.indicators} <= given:
        return None
    return year, quarter


def chase_returns(session: Session, today: date, now: datetime, outcome: WatchOutcome) -> None:
    """Tell each contract manager a quarter's return is due, then that it is overdue."""
    due_days = default_matrix().returns_due_days
    for contract in _active(session):
        missing = missing_return(session, contract, today)
        if missing is None:
            continue
        year, quarter = missing
        deadline = quarter_end(year, quarter) + timedelta(days=due_days)
        period = f"{year} Q{quarter}"
        if today <= deadline:
            outcome.returns_due.append(contract.reference)
            _tell(
                session,
                outcome,
                [contract.manager],
                contract,
                "contract-return-due",
                f"contract-return-due:{contract.id}:{period}",
                f"{contract.reference}: the {period} return is due by {long_date(deadline)}",
                f"The performance indicator return of {contract.title} for {period} is due by "
                f"{long_date(deadline)}.",
                now,
            )
        else:
            outcome.returns_overdue.append(contract.reference)
            _tell(
                session,
                outcome,
                [contract.manager],
                contract,
                "contract-return-overdue",
                f"contract-return-overdue:{contract.id}:{period}",
                f"{contract.reference}: the {period} return is overdue",
                f"The performance indicator return of {contract.title} for {period} was due by "
                f"{long_date(deadline)} and is not complete.",
                now,
            )


def chase_meetings(session: Session, today: date, now: datetime, outcome: WatchOutcome) -> None:
    """Tell each contract manager when the band's next meeting falls due and none is set."""
    for contract in _active(session):
        due = contract_meetings.next_due(session, contract)
        if due is None or contract_meetings.upcoming(session, contract) is not None:
            continue
        if today < due - timedelta(days=MEETING_NOTICE_DAYS):
            continue
        outcome.meetings_due.append(contract.reference)
        _tell(
            session,
            outcome,
            [contract.manager],
            contract,
            "contract-meeting-due",
            f"contract-meeting-due:{contract.id}:{due.isoformat()}",
            f"{contract.reference}: a contract management meeting is due by {long_date(due)}",
            f"{contract.title} is in the {contract.priority_band} priority band: schedule its "
            f"next meeting by {long_date(due)}.",
            now,
        )


def reminder_due(end: date, today: date) -> int | None:
    """Return the nearest reminder (in months before the end) that ``today`` has reached."""
    if today > end:
        return None
    reached = [m for m in default_matrix().expiry_reminder_months if today >= add_months(end, -m)]
    return min(reached) if reached else None


def prompt_reprocurement(
    session: Session, today: date, now: datetime, outcome: WatchOutcome
) -> None:
    """Tell the manager and the lead as the contract's end comes 12, 9 and 6 months near."""
    for contract in _active(session):
        months = reminder_due(contract.end_date, today)
        if months is None:
            continue
        outcome.expiring.append(contract.reference)
        started = (
            " Its re-procurement has started."
            if contract.reprocurement_id
            else " Start its re-procurement from the contract's page"
            + (
                ", or ask the commissioning body to take up an extension."
                if contract.extension_count
                else "."
            )
        )
        _tell(
            session,
            outcome,
            [contract.manager, contract.owner],
            contract,
            "contract-expiry",
            f"contract-expiry:{contract.id}:{months}:{contract.end_date.isoformat()}",
            f"{contract.reference} ends within {months} months, on {long_date(contract.end_date)}",
            f"{contract.title} ({contract.supplier_name}) ends on "
            f"{long_date(contract.end_date)}.{started}",
            now,
        )


def watch(session: Session, today: date, now: datetime) -> WatchOutcome:
    """Run every check once; the caller commits."""
    outcome = WatchOutcome()
    chase_returns(session, today, now, outcome)
    chase_meetings(session, today, now, outcome)
    prompt_reprocurement(session, today, now, outcome)
    session.flush()
    return outcome
