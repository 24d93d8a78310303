"""SQLAlchemy models. Every module is imported here so Alembic and the ORM see all tables."""

from tenderflow.models.audit import AuditEvent
from tenderflow.models.capital import (
    CapitalAgreedScore,
    CapitalAttachment,
    CapitalCheck,
    CapitalDecision,
    CapitalNotice,
    CapitalPipelineReview,
    CapitalRound,
    CapitalScheme,
    CapitalScore,
    CapitalScoreSheet,
)
from tenderflow.models.documents import DocumentTemplate, GeneratedDocument
from tenderflow.models.flow_runs import FlowRunRequest, WorkerHeartbeat
from tenderflow.models.procurement import Lot, Procurement, procurement_districts
from tenderflow.models.reference import ClientGroup, District, ServiceType
from tenderflow.models.users import User, UserRole

__all__ = [
    "AuditEvent",
    "CapitalAgreedScore",
    "CapitalAttachment",
    "CapitalCheck",
    "CapitalDecision",
    "CapitalNotice",
    "CapitalPipelineReview",
    "CapitalRound",
    "CapitalScheme",
    "CapitalScore",
    "CapitalScoreSheet",
    "ClientGroup",
    "District",
    "DocumentTemplate",
    "FlowRunRequest",
    "GeneratedDocument",
    "Lot",
    "Procurement",
    "ServiceType",
    "User",
    "UserRole",
    "WorkerHeartbeat",
    "procurement_districts",
]
