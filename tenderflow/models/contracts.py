"""Contracts after award: the contract register, priority reviews and quarterly returns.

Every contract the council manages has one row in the register: one the award created (its
``award_contract_id``) or an older one entered by hand. Its commercial details are for the
people who manage it (see :mod:`tenderflow.services.contract_access`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.lifecycle import Contract
from tenderflow.models.procurement import Procurement
from tenderflow.models.types import Money, Rate, UTCDateTime
from tenderflow.models.users import User


class ManagedContract(db.Model):  # type: ignore[name-defined]
    """A contract in the register, with what the Local Government Transparency Code publishes."""

    __tablename__ = "contract_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The award that made it, if it came from a procurement in tenderflow.
    award_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), unique=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_companies_house_number: Mapped[str] = mapped_column(String(20), default="")
    supplier_ppon: Mapped[str] = mapped_column(String(40), default="")
    supplier_is_sme: Mapped[bool | None]
    supplier_is_vcse: Mapped[bool | None]
    value: Mapped[Decimal] = mapped_column(Money)  # whole-life, excluding VAT
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    # e.g. "3 years plus 2 optional extensions of 1 year": the words, and the options in months.
    extension_options: Mapped[str] = mapped_column(Text, default="")
    extension_count: Mapped[int] = mapped_column(default=0)
    extension_months: Mapped[int] = mapped_column(default=0)
    service_type: Mapped[str] = mapped_column(String(60), default="")
    client_group: Mapped[str] = mapped_column(String(60), default="")
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    department: Mapped[str] = mapped_column(String(200), default="")
    procurement_route: Mapped[str] = mapped_column(String(60), default="")
    # The contract manager assigned, and the lead who entered an older contract.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The priority band from the latest yearly review (low, medium, high), and the score.
    priority_band: Mapped[str | None] = mapped_column(String(20))
    priority_score: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | ended
    # The procurement started to replace it.
    reprocurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    award_contract: Mapped[Contract | None] = relationship()
    procurement: Mapped[Procurement | None] = relationship(foreign_keys=[procurement_id])
    reprocurement: Mapped[Procurement | None] = relationship(foreign_keys=[reprocurement_id])
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    indicators: Mapped[list[ContractIndicator]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractIndicator.id"
    )

    @property
    def audit_procurement_id(self) -> int | None:
        return self.procurement_id


class _OfContract:
    contract_id: Mapped[int]
    contract: Mapped[ManagedContract]

    @property
    def audit_procurement_id(self) -> int | None:
        return self.contract.procurement_id


class ContractIndicator(_OfContract, db.Model):  # type: ignore[name-defined]
    """A performance indicator the contract returns each quarter, with its target."""

    __tablename__ = "contract_indicators"
    __table_args__ = (UniqueConstraint("contract_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="percent")
    target: Mapped[Decimal] = mapped_column(Rate)

    contract: Mapped[ManagedContract] = relationship(back_populates="indicators")


class ContractReturn(_OfContract, db.Model):  # type: ignore[name-defined]
    """One indicator's figure for one quarter."""

    __tablename__ = "contract_returns"
    __table_args__ = (UniqueConstraint("contract_id", "year", "quarter", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    year: Mapped[int]
    quarter: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Rate)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()


class PriorityReview(_OfContract, db.Model):  # type: ignore[name-defined]
    """The yearly review of a contract's place in the priority matrix."""

    __tablename__ = "contract_priority_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    value_points: Mapped[int]
    score: Mapped[int]
    band: Mapped[str] = mapped_column(String(20))
    previous_band: Mapped[str | None] = mapped_column(String(20))
    # Required when the band changes.
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ContractMeeting(_OfContract, db.Model):  # type: ignore[name-defined]
    """A contract management meeting: scheduled by the band, then held, with its notes."""

    __tablename__ = "contract_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    scheduled_for: Mapped[date] = mapped_column(Date)
    held_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()
    actions: Mapped[list[ContractAction]] = relationship(
        back_populates="meeting", order_by="ContractAction.id"
    )


class ContractAction(_OfContract, db.Model):  # type: ignore[name-defined]
    """An action agreed at a meeting, or a step of the contract's improvement plan."""

    __tablename__ = "contract_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("contract_meetings.id"))
    # Part of the improvement plan (the high and medium approaches agree one).
    improvement_plan: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()
    meeting: Mapped[ContractMeeting | None] = relationship(back_populates="actions")


class QualityGrade(_OfContract, db.Model):  # type: ignore[name-defined]
    """The service's Quality Assessment Framework grade for a year (A best, D worst)."""

    __tablename__ = "contract_quality_grades"
    __table_args__ = (UniqueConstraint("contract_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(1))
    assessed_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    contract: Mapped[ManagedContract] = relationship()


class PerformanceAssessment(_OfContract, db.Model):  # type: ignore[name-defined]
    """The yearly assessment of a contract over £5 million against its key performance
    indicators (Procurement Act 2023 s.52), published as a contract performance notice (UK9)."""

    __tablename__ = "contract_performance_assessments"
    __table_args__ = (UniqueConstraint("contract_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    year: Mapped[int]
    ratings: Mapped[dict[str, str]] = mapped_column(JSON)  # indicator code: rating
    assessed_on: Mapped[date] = mapped_column(Date)
    notice_id: Mapped[str | None] = mapped_column(String(60))
    published_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()


class ContractChange(_OfContract, db.Model):  # type: ignore[name-defined]
    """A modification, an extension the contract provides for, or its termination, with the
    notice it needs (UK10 or UK11) once published."""

    __tablename__ = "contract_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract_register.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # modification | extension | termination
    description: Mapped[str] = mapped_column(Text, default="")
    ground: Mapped[str | None] = mapped_column(String(40))  # a modification's s.74 ground
    value_change: Mapped[Decimal | None] = mapped_column(Money)
    new_end_date: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    # An extension waits for the commissioning body: asked, approved or rejected.
    status: Mapped[str] = mapped_column(String(20), default="recorded")
    decided_on: Mapped[date | None] = mapped_column(Date)
    minute_reference: Mapped[str] = mapped_column(String(120), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notice_type: Mapped[str | None] = mapped_column(String(10))  # UK10 | UK11 | None
    notice_reason: Mapped[str] = mapped_column(Text, default="")
    notice_due: Mapped[date | None] = mapped_column(Date)
    notice_id: Mapped[str | None] = mapped_column(String(60))
    notice_published_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[ManagedContract] = relationship()
