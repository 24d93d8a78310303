"""A procurement's documents: ask the worker to write them, then download each or all as a zip."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain import council_papers as papers
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest, Procurement, User
from tenderflow.services import ServiceError, documents, flow_runs, need_to_know
from tenderflow.services.documents import reports
from tenderflow.web import kit
from tenderflow.web import need_to_know as ntk
from tenderflow.web.access import allow
from tenderflow.web.procurements import page as procurement_page
from tenderflow.web.submitting import submit_without_waiting

bp = Blueprint("documents", __name__, url_prefix="/procurements")

# Who reads a procurement's papers; evaluators and district officers never do.
READERS = (Role.PROCUREMENT_LEAD, Role.MODERATOR, Role.COMMISSIONING_BODY, Role.ADMIN)
# Who asks for them to be written.
WRITERS = (Role.PROCUREMENT_LEAD, Role.MODERATOR, Role.ADMIN)


class WriteForm(FlaskForm):
    pass


def _procurement_or_404(reference: str, attempt: str = "see the papers") -> Procurement:
    """Return the procurement if the signed-in person may see its papers; else 404, audited.

    Papers cover every bid, so a person who declared a conflict with a bidder sees none.
    """
    procurement = kit.procurement_or_404(reference)
    if not _may_see_papers(procurement, current_user):
        ntk.refuse(procurement, attempt, "procurements", procurement.id)
    ntk.viewed(procurement, attempt, "procurements", procurement.id)
    return procurement


def _may_see_papers(procurement: Procurement, user: User) -> bool:
    return need_to_know.may_see_papers(db.session, user, procurement, clock.now())


def _storage() -> documents.Storage:
    return documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))


def latest_request(procurement: Procurement) -> FlowRunRequest | None:
    """Return the newest request to write this procurement's documents."""
    return db.session.scalar(
        select(FlowRunRequest)
        .where(
            FlowRunRequest.procurement_id == procurement.id,
            FlowRunRequest.deployment == flow_runs.DOCUMENTS,
        )
        .order_by(FlowRunRequest.id.desc())
        .limit(1)
    )


@procurement_page.section(40, "documents/_section.html")
def documents_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """The procurement page's Documents section: what has been written, and where to get it."""
    if not user.has_role(*READERS) or not _may_see_papers(procurement, user):
        return None
    return {
        "kept": reports.kept_documents(db.session, procurement),
        "run": latest_request(procurement),
    }


@bp.route("/<reference>/documents")
@allow(*READERS)
def index(reference: str) -> Any:
    procurement = _procurement_or_404(reference)
    run = latest_request(procurement)
    if run is not None and not run.finished:
        # Show Prefect's latest word without writing it: GET never changes state. The worker's
        # dispatcher records it (flow_runs.refresh_unfinished); the request's end discards this.
        flow_runs.refresh(db.session, run, clock.now())
    refused = []
    if run is not None and run.finished and run.result:
        for name in papers.KIND_NAMES:
            reason = (run.result.get(name) or {}).get("refused")
            if reason:
                refused.append((papers.paper_kind(name).label, reason))
    return render_template(
        "documents/index.html",
        procurement=procurement,
        kept=reports.kept_documents(db.session, procurement),
        run=run,
        refused=refused,
        kinds=papers.PAPER_KINDS,
        can_write=current_user.has_role(*WRITERS),
        form=WriteForm(),
    )


def _request(procurement: Procurement, kinds: list[str]) -> Any:
    form = WriteForm()
    if not form.validate_on_submit():
        abort(400)
    running = latest_request(procurement)
    if running is not None and not running.finished:
        flash("The documents are already being written.", "success")
        return redirect(url_for("documents.index", reference=procurement.reference))
    now = clock.now()
    labels = [papers.paper_kind(k).label.lower() for k in kinds]
    flow_runs.start(
        db.session,
        flow_runs.DOCUMENTS,
        {"procurement_id": procurement.id, "kinds": kinds, "user_id": current_user.id},
        key=f"documents:{procurement.id}:{current_user.id}:{now.isoformat()}",
        description=f"Write the {papers.join_words(labels)} for {procurement.reference}",
        who=current_user,
        now=now,
        procurement_id=procurement.id,
        sender=submit_without_waiting,
    )
    flash("The documents are being written. This page shows them when they are ready.", "success")
    return redirect(url_for("documents.index", reference=procurement.reference))


@bp.route("/<reference>/documents", methods=["POST"])
@allow(*WRITERS)
def write_all(reference: str) -> Any:
    return _request(_procurement_or_404(reference, "write the papers"), list(papers.KIND_NAMES))


@bp.route("/<reference>/documents/write/<kind>", methods=["POST"])
@allow(*WRITERS)
def write_kind(reference: str, kind: str) -> Any:
    procurement = _procurement_or_404(reference, "write the papers")
    if kind not in papers.KIND_NAMES:
        abort(404)
    return _request(procurement, [kind])


@bp.route("/<reference>/documents/<int:generated_id>")
@allow(*READERS)
def download(reference: str, generated_id: int) -> Any:
    procurement = _procurement_or_404(reference)
    record = reports.document_of(db.session, procurement, generated_id)
    if record is None:
        abort(404)
    try:
        data = documents.read_document(_storage(), record)
    except (ServiceError, FileNotFoundError):
        abort(410)
    return send_file(
        BytesIO(data),
        mimetype=documents.DOCX_TYPE,
        as_attachment=True,
        download_name=record.filename,
        max_age=0,
    )


@bp.route("/<reference>/documents.zip")
@allow(*READERS)
def download_all(reference: str) -> Any:
    procurement = _procurement_or_404(reference)
    try:
        data = reports.zip_latest(db.session, _storage(), procurement)
    except ServiceError as exc:  # a read that finds nothing to zip: say so on the documents page
        flash(str(exc), "error")
        return redirect(url_for("documents.index", reference=reference))
    return send_file(
        BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{procurement.reference}-documents.zip",
        max_age=0,
    )
