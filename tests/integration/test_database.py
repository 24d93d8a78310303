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


def test_procurements_planned_before_0014s_keep_their_stages(tmp_path: Any) -> None:
    """Rows already there when the stages began to follow the procedure keep an EOI."""
    import flask_migrate
    from sqlalchemy import MetaData, Table, insert, inspect, text

    from tenderflow import create_app
    from tests.integration.conftest import config_for

    app = create_app(config_for(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision="0013e")
        before = {c["name"] for c in inspect(db.engine).get_columns("procurements")}
        assert "stages_follow_procedure" not in before
        old = procurement_input(reference="OLD-1", value=Decimal("900000"))
        decision = procurements.decide(old)
        with db.engine.begin() as connection:
            # The table as 0013e left it, with values as the column types store them.
            table = Table("procurements", MetaData(), autoload_with=connection)
            stored = db.metadata.tables["procurements"].c
            dialect = connection.dialect
            values = {
                "reference": "OLD-1",
                "title": old.title,
                "description": "",
                "rule_set": old.rule_set,
                "value": Decimal("900000"),
                "value_basis": "whole-life",
                "extension_years": 0,
                "vat_rate": Decimal("0.20"),
                "category": "services",
                "authority_type": "sub-central",
                "start_date": old.start_date,
                "procedure": "open",
                "route": decision.route,
                "whole_life_value": decision.whole_life_value,
                "value_including_vat": decision.value_including_vat,
                "national_regime": decision.national_regime,
                "national_threshold": decision.national_threshold,
                "above_national_threshold": True,
                "decision": decision.to_dict(),
                "stage": "planning",
                "created_at": clock.now(),
            }
            raw = {}
            for name, value in values.items():
                kind = stored[name].type
                # Money, rates and UTC times are stored through their type decorators.
                convert = getattr(kind, "process_bind_param", None)
                raw[name] = convert(value, dialect) if convert else value
            connection.execute(insert(table).values(**raw))
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        procurement = db.session.scalar(select(Procurement).where(Procurement.reference == "OLD-1"))
        assert procurement is not None and procurement.stages_follow_procedure is False
        assert procurement.stages[:3] == (
            "planning",
            "eoi",
            "itt",
        )  # an open procedure now has none
        db.session.remove()
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="0013e")
        with db.engine.connect() as connection:
            after = {c["name"] for c in inspect(connection).get_columns("procurements")}
            assert "procedure_stages" not in after
            assert (
                connection.execute(text("SELECT reference FROM procurements")).scalar() == "OLD-1"
            )
