"""A use case's changes are committed together, or not at all; a refusal keeps only its audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from tenderflow import audit, clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, Procurement
from tenderflow.services import ServiceError, probity, procurements
from tenderflow.services.unit_of_work import KeptError, transactional, unit_of_work
from tests.integration.world import procurement_input


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _create(lead: Any, reference: str = "TF-UOW-1") -> Procurement:
    return procurements.create_procurement(
        db.session, procurement_input(reference=reference), lead, clock.now()
    )


def test_the_work_is_committed_when_the_block_succeeds(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with audit.acting_as(lead), unit_of_work(db.session):
        _create(lead)
    db.session.rollback()  # nothing is left uncommitted to lose
    assert _count(Procurement) == 1


def test_a_refused_input_leaves_nothing_written(app: Any, make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with pytest.raises(ServiceError), audit.acting_as(lead), unit_of_work(db.session):
        _create(lead)
        raise ServiceError("No.", {"title": "No."})
    assert _count(Procurement) == 0


def test_a_refused_attempt_keeps_only_its_audit_entry(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with audit.acting_as(lead), unit_of_work(db.session):
        procurement = _create(lead)
    before = _count(AuditEvent)
    with pytest.raises(probity.Refused), audit.acting_as(lead), unit_of_work(db.session):
        procurement.title = "Changed on the way"
        probity.refuse(db.session, procurement, "change it", "it is closed", field="title")
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).title != "Changed on the way"
    refusals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
    assert [event.summary for event in refusals] == ["Refused to change it: it is closed"]
    assert _count(AuditEvent) == before + 1


def test_a_kept_refusal_commits_its_own_record(app: Any, make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with pytest.raises(KeptError), audit.acting_as(lead), unit_of_work(db.session):
        _create(lead)
        raise KeptError("Recorded, and refused.")
    db.session.rollback()
    assert _count(Procurement) == 1


def test_only_the_outermost_unit_commits(app: Any, make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)

    @transactional
    def create(session: Any) -> Procurement:
        return _create(lead, "TF-UOW-2")

    with pytest.raises(RuntimeError), audit.acting_as(lead), unit_of_work(db.session):
        create(db.session)  # the inner unit leaves the commit to the outer one
        raise RuntimeError("the outer use case fails after the inner one")
    assert _count(Procurement) == 0

    with audit.acting_as(lead):
        create(db.session)
    db.session.rollback()
    assert _count(Procurement) == 1
