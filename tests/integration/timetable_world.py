"""Timetable records for the access test's world: a move waiting for its flow, a challenge, a message."""

from __future__ import annotations

from typing import Any

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services.email import outbox
from tenderflow.services.timetable import award, transitions


def extend(world: dict[str, Any]) -> None:
    """Add a queued move, an open challenge and a message to the access test's world."""
    people = world["people"]
    procurement = world["procurement"]
    lead = people[Role.PROCUREMENT_LEAD]
    # The stage after planning: ITT for the world's invited tender, which has no EOI.
    following = transitions.next_stage_for(procurement)
    assert following is not None
    transition = transitions.request_transition(
        db.session, procurement, following, lead, clock.now()
    )
    challenge = award.record_challenge(
        db.session, procurement, "The scoring was unfair.", clock.today(), None, lead, clock.today()
    )
    message = outbox.queue_message(
        db.session,
        key="world:message",
        kind="reminder",
        recipient=lead,
        subject="Reminder",
        body="The tender deadline is near.",
        now=clock.now(),
        procurement_id=procurement.id,
    )
    assert message is not None
    world["transition"] = transition
    world["url_args"].update(
        transition_id=transition.id, stage="itt", challenge_id=challenge.id, message_id=message.id
    )
