"""A procurement's council papers from its records: build, write, keep, list.

``generate`` writes the documents of one kind (one per lot, or one per bidder for assessment
summaries) and keeps each with its date, the user and a hash of its content. When a kind cannot
be written yet it raises ServiceError saying why, in words a procurement lead can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.documents import (
    build_assessment_summaries,
    build_committee_report,
    build_evaluation_report,
    build_procurement_plan,
)
from tenderflow.documents.content import Document
from tenderflow.domain import council_papers as papers
from tenderflow.models import GeneratedDocument, Procurement, User
from tenderflow.services import ServiceError, documents
from tenderflow.services.documents.reports import evaluation as lot_evaluation
from tenderflow.services.documents.reports.council import (
    committee_report_input,
    procurement_plan_input,
)


@dataclass(frozen=True)
class Built:
    """A document built for a kind, and how it is kept."""

    kind: str  # the stored kind, with its lot
    document: Document
    filename: str
    bidder: str | None = None


def subject_of(procurement: Procurement) -> str:
    """Return the subject a procurement's documents are kept under."""
    return f"procurement:{procurement.id}"


def _filename(procurement: Procurement, *parts: str) -> str:
    return documents.safe_filename("-".join((procurement.reference, *parts)))


def build(session: Session, procurement: Procurement, kind_name: str, today: date) -> list[Built]:
    """Build every document of one kind; raise ServiceError when the kind cannot be written yet."""
    try:
        kind = papers.paper_kind(kind_name)
    except KeyError as exc:
        raise ServiceError(str(exc.args[0])) from None
    if kind.name == "procurement-plan":
        plan = procurement_plan_input(session, procurement, today)
        return [
            Built(
                kind.stored,
                build_procurement_plan(plan),
                _filename(procurement, "procurement-plan"),
            )
        ]
    lots = lot_evaluation.lots_with_bids(session, procurement)
    evaluations = [lot_evaluation.final_evaluation(session, procurement, lot) for lot in lots]
    if kind.name == "committee":
        data = committee_report_input(session, procurement, evaluations, today)
        return [
            Built(
                kind.stored,
                build_committee_report(data),
                _filename(procurement, "committee-report"),
            )
        ]
    built = []
    for evaluation in evaluations:
        number = evaluation.lot.number if evaluation.lot is not None else None
        stored = papers.stored_kind(kind, number)
        lot_part = [f"lot-{number}"] if number is not None else []
        if kind.name == "evaluation":
            report = lot_evaluation.evaluation_report_input(session, procurement, evaluation, today)
            built.append(
                Built(
                    stored,
                    build_evaluation_report(report),
                    _filename(procurement, "evaluation-report", *lot_part),
                )
            )
        else:
            summary = lot_evaluation.assessment_input(session, procurement, evaluation, today)
            for bidder, document in build_assessment_summaries(summary).items():
                built.append(
                    Built(
                        stored,
                        document,
                        _filename(procurement, "assessment-summary", *lot_part, bidder),
                        bidder,
                    )
                )
    return built


def generate(
    session: Session,
    storage: documents.Storage,
    procurement: Procurement,
    kind_name: str,
    *,
    now: datetime,
    today: date,
    user: User | None,
    flow_run_request_id: int | None = None,
) -> list[GeneratedDocument]:
    """Write and keep every document of one kind; raise ServiceError if it cannot be written yet."""
    return [
        documents.save_document(
            session,
            storage,
            item.document,
            subject=subject_of(procurement),
            kind=item.kind,
            filename=item.filename,
            now=now,
            procurement_id=procurement.id,
            bidder=item.bidder,
            generated_by=user,
            flow_run_request_id=flow_run_request_id,
        )
        for item in build(session, procurement, kind_name, today)
    ]


def written_for_request(
    session: Session, procurement: Procurement, kind_name: str, flow_run_request_id: int
) -> list[GeneratedDocument]:
    """Return the documents of one kind already kept for a run request (all of a kind are kept
    together), so a run taking over from a crashed one does not write them again."""
    query = (
        select(GeneratedDocument)
        .where(
            GeneratedDocument.subject == subject_of(procurement),
            GeneratedDocument.flow_run_request_id == flow_run_request_id,
        )
        .order_by(GeneratedDocument.id)
    )
    found = []
    for record in session.scalars(query):
        kind = papers.kind_of_stored(record.kind)
        if kind is not None and kind.name == kind_name:
            found.append(record)
    return found


@dataclass(frozen=True)
class KeptDocument:
    """The newest version of a document, and the versions before it."""

    latest: GeneratedDocument
    earlier: list[GeneratedDocument]
    label: str


def kept_documents(session: Session, procurement: Procurement) -> list[KeptDocument]:
    """Return each of the procurement's documents, newest version first, with earlier ones."""
    found: dict[tuple[str, str | None], list[GeneratedDocument]] = {}
    query = (
        select(GeneratedDocument)
        .where(GeneratedDocument.subject == subject_of(procurement))
        .order_by(GeneratedDocument.id.desc())
    )
    for record in session.scalars(query):
        found.setdefault((record.kind, record.bidder), []).append(record)
    order = {kind.stored: n for n, kind in enumerate(papers.PAPER_KINDS)}
    lots = {lot.number: lot.title for lot in procurement.lots}
    kept = []
    for versions in found.values():
        latest = versions[0]
        kind = papers.kind_of_stored(latest.kind)
        lot = papers.lot_of_stored(latest.kind)
        label = (
            kind.name_of(latest.bidder, lots.get(lot) if lot is not None else None)
            if kind is not None
            else latest.title
        )
        kept.append(KeptDocument(latest, versions[1:], label))
    return sorted(
        kept,
        key=lambda k: (
            order.get(k.latest.kind.split(":")[0], 99),
            k.latest.kind,
            (k.latest.bidder or "").casefold(),
        ),
    )


def document_of(
    session: Session, procurement: Procurement, generated_id: int
) -> GeneratedDocument | None:
    """Return one of the procurement's kept documents, or None if it is not one of them."""
    record = session.get(GeneratedDocument, generated_id)
    if record is None or record.subject != subject_of(procurement):
        return None
    return record


def zip_latest(session: Session, storage: documents.Storage, procurement: Procurement) -> bytes:
    """Return the newest version of every document of the procurement as one zip."""
    kept = kept_documents(session, procurement)
    if not kept:
        raise ServiceError("No documents have been generated for this procurement yet")
    return documents.zip_documents(storage, [k.latest for k in kept])


__all__ = [
    "Built",
    "KeptDocument",
    "build",
    "document_of",
    "generate",
    "kept_documents",
    "subject_of",
    "zip_latest",
]
