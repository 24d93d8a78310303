"""Procurements, their lots and the districts they serve."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.domain.stages import shortlists, stages_for
from tenderflow.extensions import db
from tenderflow.models.reference import ClientGroup, District, ServiceType
from tenderflow.models.types import Money, Rate, UTCDateTime
from tenderflow.models.users import User

procurement_districts = Table(
    "procurement_districts",
    db.metadata,
    Column("procurement_id", ForeignKey("procurements.id"), primary_key=True),
    Column("district_id", ForeignKey("districts.id"), primary_key=True),
)


class Procurement(db.Model):  # type: ignore[name-defined]
    __tablename__ = "procurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    rule_set: Mapped[str] = mapped_column(String(80))
    service_type_id: Mapped[int | None] = mapped_column(ForeignKey("service_types.id"))
    client_group_id: Mapped[int | None] = mapped_column(ForeignKey("client_groups.id"))

    # The estimate as entered, and its basis.
    value: Mapped[Decimal] = mapped_column(Money)
    value_basis: Mapped[str] = mapped_column(String(20))  # whole-life | annual
    term_years: Mapped[int | None]
    extension_years: Mapped[int] = mapped_column(default=0)
    vat_rate: Mapped[Decimal] = mapped_column(Rate)
    category: Mapped[str] = mapped_column(String(20))
    authority_type: Mapped[str] = mapped_column(String(20), default="sub-central")
    start_date: Mapped[date] = mapped_column(Date)

    exemption: Mapped[str | None] = mapped_column(String(40))
    exemption_reason: Mapped[str | None] = mapped_column(Text)
    exemption_approver: Mapped[str | None] = mapped_column(String(200))

    # The procedure and tendering-period case chosen (decided with the route), and the planned
    # procurement notice that may shorten the tendering period.
    procedure: Mapped[str | None] = mapped_column(String(40))
    tendering_case: Mapped[str | None] = mapped_column(String(60))
    planned_procurement_notice: Mapped[date | None] = mapped_column(Date)
    # The competitive flexible stages the lead chose, as the tender notice states them.
    procedure_stages: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # False for procurements planned before the stages followed the procedure (migration
    # 0014s): they keep an EOI on every tender route.
    stages_follow_procedure: Mapped[bool] = mapped_column(default=True)
    # A direct award's transparency notice (Procurement Act 2023 s.44), published before the
    # contract is entered into.
    transparency_notice_reference: Mapped[str | None] = mapped_column(String(100))
    transparency_notice_published_on: Mapped[date | None] = mapped_column(Date)

    # What the transparency notices say about the contract: CPV codes, the delivery regions
    # (ITL codes), whether it suits SMEs and VCSEs, and who the buyer is on the platform
    # (its name, identifiers such as GB-PPON and GB-COH, and its OCID prefix).
    cpv_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    suitable_for_sme: Mapped[bool | None]
    suitable_for_vcse: Mapped[bool | None]
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_identifiers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    ocid_prefix: Mapped[str] = mapped_column(String(40), default="")

    # The route decision made when the procurement was created, kept as it was made.
    route: Mapped[str] = mapped_column(String(40))
    whole_life_value: Mapped[Decimal] = mapped_column(Money)
    value_including_vat: Mapped[Decimal] = mapped_column(Money)
    national_regime: Mapped[str] = mapped_column(String(60))
    national_threshold: Mapped[Decimal] = mapped_column(Money)
    above_national_threshold: Mapped[bool]
    min_candidates: Mapped[int | None]
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)

    stage: Mapped[str] = mapped_column(String(30), default="planning", index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A terminated procurement stops where it is; starting again means a new procurement.
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    termination_reason: Mapped[str | None] = mapped_column(Text)
    terminated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service_type: Mapped[ServiceType | None] = relationship()
    client_group: Mapped[ClientGroup | None] = relationship()
    districts: Mapped[list[District]] = relationship(
        secondary=procurement_districts, order_by=District.name
    )
    lots: Mapped[list[Lot]] = relationship(
        back_populates="procurement", cascade="all, delete-orphan", order_by="Lot.number"
    )
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    audit_collections = frozenset({"districts"})

    @property
    def audit_procurement_id(self) -> int:
        return self.id

    @property
    def stages(self) -> tuple[str, ...]:
        """Return the stages this procurement passes through, in order."""
        return stages_for(
            self.route,
            self.decision,
            self.procedure_stages or (),
            legacy=not self.stages_follow_procedure,
        )

    @property
    def shortlists(self) -> bool:
        """Say whether a shortlist taken at EOI decides who is invited to tender."""
        return shortlists(
            self.route,
            self.decision,
            self.procedure_stages or (),
            legacy=not self.stages_follow_procedure,
        )

    def __repr__(self) -> str:
        return f"<Procurement {self.reference}>"


class Lot(db.Model):  # type: ignore[name-defined]
    __tablename__ = "lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    annual_value: Mapped[Decimal | None] = mapped_column(Money)

    procurement: Mapped[Procurement] = relationship(back_populates="lots")

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id
