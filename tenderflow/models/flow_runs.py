"""Runs of Prefect flows the app has asked for, kept as the app's own record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.types import UTCDateTime
from tenderflow.models.users import User


class FlowRunRequest(db.Model):  # type: ignore[name-defined]
    """A request to run a deployment; it outlives a Prefect server that is down."""

    __tablename__ = "flow_run_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The idempotency key: the same key never starts a second run.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # Random, so Prefect's idempotency key is unique even across databases sharing a server.
    token: Mapped[str] = mapped_column(String(32))
    deployment: Mapped[str] = mapped_column(String(120))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    state_name: Mapped[str | None] = mapped_column(String(60))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The run's last sign of life (wall-clock time), written by the flow while it works: a
    # run that stops writing it past the lease is taken for dead and sent again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many times a crashed or silent run was sent again, and what the last crash was.
    recoveries: Mapped[int] = mapped_column(default=0, server_default="0")
    crash: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User | None] = relationship()

    @property
    def audit_procurement_id(self) -> int | None:
        return self.procurement_id

    @property
    def prefect_key(self) -> str:
        """Return the idempotency key Prefect sees: the same for every retry of this request."""
        return f"{self.key}:{self.token}"

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES


class WorkerHeartbeat(db.Model):  # type: ignore[name-defined]
    """The last time the worker ran a flow, so people can see it is alive."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    host: Mapped[str] = mapped_column(String(200))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))

    audit_exempt = True


QUEUED = "queued"  # recorded; not yet accepted by Prefect (for example the server is down)
SUBMITTED = "submitted"  # accepted by Prefect; waiting for a worker
RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"
FINAL_STATUSES = frozenset({COMPLETED, FAILED})
