"""Keeping the workflow machinery visible: the worker's heartbeat."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import delete, select

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import WorkerHeartbeat
from tenderflow.services.unit_of_work import unit_of_work
from workflows.runtime import app_context, current_flow_run_id, host_name, tracked

KEEP_HEARTBEATS = 100


@task(cache_policy=NO_CACHE)
def record_heartbeat() -> int:
    """Record that the worker is alive and drop old heartbeats."""
    with unit_of_work(db.session):
        db.session.add(
            WorkerHeartbeat(
                at=clock.wall_now(), host=host_name(), flow_run_id=current_flow_run_id()
            )
        )
        db.session.flush()
        newest = (
            select(WorkerHeartbeat.id).order_by(WorkerHeartbeat.id.desc()).limit(KEEP_HEARTBEATS)
        )
        db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id.not_in(newest)))
    return db.session.scalar(select(db.func.count(WorkerHeartbeat.id))) or 0


@flow(name="worker-heartbeat", log_prints=True)
def heartbeat(request_id: int | None = None) -> dict[str, int]:
    """Show the worker is alive (scheduled every minute, or asked for from the app)."""
    with app_context("worker heartbeat"), tracked(request_id) as outcome:
        outcome["heartbeats"] = record_heartbeat()
    return outcome


@flow(name="noop")
def noop(request_id: int | None = None) -> dict[str, int | None]:
    """Do nothing: the floor a benchmark measures a workflow's overhead against."""
    return {"request_id": request_id}
