"""Where people see workflow runs: a status for polling, and the administrator's overview."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.domain.vocabulary import FLOW_RUN_STATUS_LABELS
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest
from tenderflow.models.flow_runs import QUEUED
from tenderflow.services import flow_runs
from tenderflow.services.email import delivery
from tenderflow.services.flow_runs import health as workflow_health
from tenderflow.services.flow_runs import scheduled_deployment_names
from tenderflow.web import navigation
from tenderflow.web.access import allow, signed_in_per_object
from tenderflow.web.submitting import submit_without_waiting

bp = Blueprint("runs", __name__)
navigation.register("Workflows", "runs.overview", {Role.ADMIN}, 85)


def status_json(request: FlowRunRequest) -> dict[str, Any]:
    """Return what the page's poller shows for a run."""
    label, classes = FLOW_RUN_STATUS_LABELS[request.status]
    return {
        "id": request.id,
        "status": request.status,
        "label": label,
        "classes": classes,
        "finished": request.finished,
        "description": request.description,
        "error": request.error,
        "result": request.result,
    }


@bp.route("/runs/<int:request_id>")
@signed_in_per_object
def status(request_id: int) -> Any:
    request = db.session.get(FlowRunRequest, request_id)
    if request is None:
        abort(404)
    if request.requested_by_id != current_user.id and not current_user.has_role(
        *PROCUREMENT_READERS
    ):
        abort(403)
    # Show Prefect's latest word without writing it: GET never changes state. The worker's
    # dispatcher records it (flow_runs.refresh_unfinished).
    flow_runs.refresh(db.session, request, clock.now())
    answer = status_json(request)
    db.session.rollback()
    return answer


class HeartbeatForm(FlaskForm):
    pass


@bp.route("/admin/workflows")
@allow(Role.ADMIN)
def overview() -> Any:
    recent = list(
        db.session.scalars(select(FlowRunRequest).order_by(FlowRunRequest.id.desc()).limit(50))
    )
    queued = db.session.scalar(
        select(func.count(FlowRunRequest.id)).where(FlowRunRequest.status == QUEUED)
    )
    server = flow_runs.api_url()
    health = workflow_health.check(
        db.session,
        clock.wall_now(),
        deployments=scheduled_deployment_names(),
        server=server,
        reachable=flow_runs.server_reachable(server),
    )
    email_text = delivery.describe_email()
    return render_template(
        "admin/workflows.html",
        recent=recent,
        queued=queued,
        health=health,
        email_text=email_text,
        what_to_do=workflow_health.WHAT_TO_DO,
        form=HeartbeatForm(),
    )


@bp.route("/admin/workflows/heartbeat", methods=["POST"])
@allow(Role.ADMIN)
def check_worker() -> Any:
    form = HeartbeatForm()
    if not form.validate_on_submit():
        abort(400)
    now = clock.now()
    flow_runs.start(
        db.session,
        flow_runs.HEARTBEAT,
        {},
        key=f"heartbeat:{current_user.id}:{now.isoformat()}",
        description="Check the worker is running",
        who=current_user,
        now=now,
        sender=submit_without_waiting,
    )
    flash("Asked the worker to check in.", "success")
    return redirect(url_for("runs.overview"))
