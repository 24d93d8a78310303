"""The schema comes from the migrations, and money is exact on every database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Procurement
from tenderflow.paths import MIGRATIONS_DIR
from tenderflow.services import procurements
from tests.integration.world import procurement_input


def test_the_migrations_have_exactly_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"more than one migration head: {heads}"


def test_the_migrated_schema_matches_the_models(app: Any) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.parametrize("amount", ["0.01", "2000.00", "2000.01", "17500000.00", "999999999.99"])
def test_money_is_stored_to_the_exact_penny(app: Any, make_user: Any, amount: str) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurements.create_procurement(
        db.session, procurement_input(value=Decimal(amount)), lead, clock.now()
    )
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Procurement.value))
    assert stored == Decimal(amount)
    assert isinstance(stored, Decimal)
    assert str(stored) == amount


def test_money_refuses_floats(app: Any, make_user: Any) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session, procurement_input(), lead, clock.now()
    )
    procurement.value = 0.1 + 0.2  # type: ignore[assignment]
    with pytest.raises(Exception, match="Decimal"):
        db.session.commit()
    db.session.rollback()
