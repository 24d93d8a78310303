"""SQLAlchemy models. Every module is imported here so Alembic and the ORM see all tables."""

from tenderflow.models.act_gates import ConflictsAssessment, ExclusionCheck
from tenderflow.models.audit import AuditEvent
from tenderflow.models.bidding import TenderField
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
from tenderflow.models.data_versions import DataVersion
from tenderflow.models.contracts import (
    ContractAction,
    ContractChange,
    ContractIndicator,
    ContractMeeting,
    ContractReturn,
    ManagedContract,
    PerformanceAssessment,
    PriorityReview,
    QualityGrade,
)
from tenderflow.models.documents import DocumentTemplate, GeneratedDocument
from tenderflow.models.drafts import ProcurementDraft
from tenderflow.models.evaluation import (
    ConflictDeclaration,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorAssignment,
    EvaluatorScore,
    ModerationQuery,
    PanelMember,
    PassFailRecord,
)
from tenderflow.models.flow_runs import FlowRunRequest, WorkerHeartbeat
from tenderflow.models.lifecycle import (
    ApprovalRequest,
    AwardApproval,
    Bid,
    Bidder,
    BidDocument,
    Challenge,
    Clarification,
    Contract,
    EmailPreference,
    Milestone,
    OutboxMessage,
    ProcurementPlan,
    StageDates,
    Transition,
)
from tenderflow.models.need_to_know import ProcurementLead
from tenderflow.models.notices import TransparencyNotice
from tenderflow.models.procurement import Lot, Procurement, procurement_districts
from tenderflow.models.reference import ClientGroup, District, ServiceType
from tenderflow.models.users import AccountLink, SignInAttempt, User, UserRole

__all__ = [
    "AccountLink",
    "ApprovalRequest",
    "AuditEvent",
    "AwardApproval",
    "Bid",
    "BidDocument",
    "Bidder",
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
    "Challenge",
    "Clarification",
    "ClientGroup",
    "ConflictDeclaration",
    "ConflictsAssessment",
    "ConsensusScore",
    "Contract",
    "DataVersion",
    "ContractAction",
    "ContractChange",
    "ContractIndicator",
    "ContractMeeting",
    "ContractReturn",
    "EmailPreference",
    "District",
    "DocumentTemplate",
    "EvaluationModelVersion",
    "EvaluatorAssignment",
    "EvaluatorScore",
    "ExclusionCheck",
    "FlowRunRequest",
    "GeneratedDocument",
    "Lot",
    "ManagedContract",
    "Milestone",
    "ModerationQuery",
    "OutboxMessage",
    "PanelMember",
    "PassFailRecord",
    "PerformanceAssessment",
    "PriorityReview",
    "QualityGrade",
    "Procurement",
    "ProcurementLead",
    "ProcurementDraft",
    "ProcurementPlan",
    "ServiceType",
    "SignInAttempt",
    "StageDates",
    "TenderField",
    "Transition",
    "TransparencyNotice",
    "User",
    "UserRole",
    "WorkerHeartbeat",
    "procurement_districts",
]
