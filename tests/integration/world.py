"""A small world of people and records that every route's URL can be built from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import flow_runs, procurements
from tenderflow.services.procurements import ProcurementInput


def procurement_input(**changes: Any) -> ProcurementInput:
    """Return a valid new-procurement input, with any fields changed."""
    values: dict[str, Any] = {
        "title": "Floating support for Fenland",
        "reference": "TEST-FS-1",
        "rule_set": "cambridgeshire-2008",
        "value": Decimal("45000"),
        "value_basis": "whole-life",
        "category": "services",
        "start_date": date(2026, 6, 1),
        "description": "Generic floating support.",
        "service_type": "floating-support",
        "client_group": "generic",
        "districts": ["fenland"],
        "term_years": 3,
    }
    values.update(changes)
    return ProcurementInput(**values)


# Each feature adds the records its routes need: a function ``extend(world)`` that adds
# objects to the world and names to ``world["url_args"]``.
WORLD_EXTENSIONS: list[Callable[[dict[str, Any]], None]] = []


def _register_extensions() -> None:
    from tests.integration import (
        accounts_world,
        bidders_world,
        capital_world,
        contracts_world,
        documents_world,
        evaluation_world,
        notices_world,
        timetable_world,
    )

    WORLD_EXTENSIONS.append(capital_world.extend)
    WORLD_EXTENSIONS.append(timetable_world.extend)
    WORLD_EXTENSIONS.append(bidders_world.extend)
    WORLD_EXTENSIONS.append(evaluation_world.extend)
    WORLD_EXTENSIONS.append(documents_world.extend)
    WORLD_EXTENSIONS.append(accounts_world.extend)
    WORLD_EXTENSIONS.append(notices_world.extend)
    WORLD_EXTENSIONS.append(contracts_world.extend)


_register_extensions()


def build_world(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Create one user per role and the records route URLs refer to."""
    people = {
        role: make_user(role, district="fenland" if role is Role.DISTRICT_OFFICER else None)
        for role in Role
    }
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference="ACCESS-1"),
        people[Role.PROCUREMENT_LEAD],
        clock.now(),
    )
    run = flow_runs.request_run(
        db.session,
        deployment="worker-heartbeat/heartbeat",
        parameters={},
        key="world:heartbeat",
        description="Check the worker is running",
        now=clock.now(),
        requested_by=people[Role.ADMIN],
    )
    db.session.commit()
    world: dict[str, Any] = {
        "people": people,
        "procurement": procurement,
        "url_args": {
            "reference": procurement.reference,
            "user_id": people[Role.EVALUATOR].id,
            "name": "cambridgeshire-2008",
            "request_id": run.id,
        },
    }
    for extend in WORLD_EXTENSIONS:
        extend(world)
        db.session.commit()
    return world
