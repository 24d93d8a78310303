"""Every change is recorded: who, when, what, the old value and the new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tenderflow import audit, clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, District
from tenderflow.services import procurements
from tests.integration.world import procurement_input


def _events(**where: Any) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.session.scalars(query))


def test_a_change_records_who_when_what_and_the_old_and_new_values(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with audit.acting_as(lead):
        procurement = procurements.create_procurement(
            db.session, procurement_input(), lead, clock.now()
        )
        db.session.commit()
        procurement.title = "Floating support for Fenland and Huntingdonshire"
        db.session.commit()

    [change] = _events(entity="procurements", action="update", field="title")
    assert change.actor == lead.email
    assert change.actor_id == lead.id
    assert change.old_value == "Floating support for Fenland"
    assert change.new_value == "Floating support for Fenland and Huntingdonshire"
    assert change.procurement_id == procurement.id
    assert change.at == datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def test_creating_a_record_keeps_its_values(app: Any, make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(), lead, clock.now()
    )
    db.session.commit()
    [created] = _events(entity="procurements", action="create")
    assert created.entity_id == str(procurement.id)
    assert '"reference": "TEST-FS-1"' in (created.new_value or "")
    assert '"value": "45000.00"' in (created.new_value or "")


def test_a_change_of_districts_is_recorded_as_before_and_after(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(), lead, clock.now()
    )
    db.session.commit()
    procurement.districts.append(
        db.session.scalar(select(District).where(District.code == "huntingdonshire"))
    )
    db.session.commit()
    [change] = _events(entity="procurements", field="districts")
    assert change.old_value == '["Fenland"]'
    assert change.new_value == '["Fenland", "Huntingdonshire"]'


def test_passwords_never_reach_the_audit_log(app: Any, make_user: Callable[..., Any]) -> None:
    person = make_user(Role.EVALUATOR)
    person.set_password("a new secret password")
    db.session.commit()
    for event in _events(entity="users"):
        assert "a new secret password" not in (event.new_value or "")
        assert "pbkdf2" not in (event.new_value or "") and "scrypt" not in (event.new_value or "")
    [change] = _events(entity="users", field="password_hash")
    assert change.new_value == "(redacted)"


def test_deleting_a_record_keeps_its_last_values(app: Any, make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(lots=["North", "South"]), lead, clock.now()
    )
    db.session.commit()
    procurement.lots.pop()
    db.session.commit()
    [deleted] = _events(entity="lots", action="delete")
    assert '"title": "South"' in (deleted.old_value or "")
    assert deleted.procurement_id == procurement.id


def test_changes_outside_a_request_are_attributed_to_the_named_actor(
    app: Any, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    with audit.acting_as("nightly deadline check"):
        person.job_title = "Panel member"
        db.session.commit()
    [change] = _events(entity="users", field="job_title")
    assert change.actor == "nightly deadline check"
    assert change.actor_id is None
