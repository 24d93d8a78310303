"""Email: send each queued outbox message once, by SMTP or GOV.UK Notify.

``message-delivery/send`` runs every minute. It settles messages a dead run left half-sent,
claims the queued ones (committed before anything is sent, so no message goes twice), sends
each with retries and back-off, records what happened, and collects Notify's delivery
receipts. With email off it does nothing: messages stay in the app.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.services.email import delivery
from tenderflow.services.unit_of_work import unit_of_work
from workflows.runtime import app_context, tracked

# Within one run a passing failure is tried again after these waits; after that the message
# goes back to the queue for a later run (tenderflow.domain.messages.RETRY_WAITS).
SEND_RETRY_DELAYS = [2, 10]


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def recover_interrupted(now: datetime) -> dict[str, int]:
    """Settle messages a dead run left "sending", sending none of them twice."""
    settings = delivery.email_settings()
    with unit_of_work(db.session):
        return delivery.recover_interrupted(
            db.session, now, delivery.sender_for(settings), settings
        )


@task(cache_policy=NO_CACHE)
def claim_messages(now: datetime) -> list[int]:
    """Claim the queued messages that are due, and commit the claim before sending any."""
    with unit_of_work(db.session):
        return delivery.claim(db.session, now)


def _passing_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a send only when the relay or Notify may take it later: never a refused address."""
    try:
        state.result()
    except delivery.TemporaryFailure:
        return True
    except Exception:
        return False
    return False


@task(
    cache_policy=NO_CACHE,
    retries=len(SEND_RETRY_DELAYS),
    retry_delay_seconds=SEND_RETRY_DELAYS,
    retry_condition_fn=_passing_failure,
)
def send_message(message_id: int) -> str | None:
    """Hand one claimed message to the relay or Notify; a passing failure is retried."""
    settings = delivery.email_settings()
    # Sending only reads; what happened is recorded apart (``record``).
    with unit_of_work(db.session):
        return delivery.send(db.session, message_id, delivery.sender_for(settings), settings)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def record(message_id: int, reference: str | None, error: str | None, permanent: bool) -> str:
    """Record a message sent, or its failure (queued again after a wait, or failed for good)."""
    now = clock.now()
    with unit_of_work(db.session):
        if error is None:
            if reference is not None:
                delivery.record_sent(db.session, message_id, reference, now)
            return "sent"
        return delivery.record_failure(db.session, message_id, error, now, permanent=permanent)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def collect_receipts(now: datetime) -> dict[str, int]:
    """Ask Notify what became of the emails it took."""
    settings = delivery.email_settings()
    sender = delivery.sender_for(settings)
    if not isinstance(sender, delivery.NotifySender):
        return {}
    with unit_of_work(db.session):
        return delivery.refresh_receipts(db.session, now, sender)


@flow(name="message-delivery", log_prints=True)
def deliver_messages(request_id: int | None = None) -> dict[str, Any]:
    """Send queued messages by email (scheduled every minute)."""
    with app_context("email delivery"), tracked(request_id) as outcome:
        settings = delivery.email_settings()
        outcome["email"] = settings.mode
        if not settings.enabled:
            return outcome
        now = clock.now()
        outcome["recovered"] = recover_interrupted(now)
        results: dict[str, int] = {}
        for message_id in claim_messages(now):
            reference = error = None
            permanent = False
            try:
                reference = send_message(message_id)
            except delivery.PermanentFailure as exc:
                error, permanent = str(exc), True
            except delivery.TemporaryFailure as exc:
                error = str(exc)
            status = record(message_id, reference, error, permanent)
            results[status] = results.get(status, 0) + 1
        outcome["messages"] = results
        outcome["receipts"] = collect_receipts(now)
    return outcome
