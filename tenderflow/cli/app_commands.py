"""Commands that work on the database: migrations, demo data, serving the app."""

from __future__ import annotations

import click

from tenderflow.cli.context import app_context


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to the configured database."""
    import flask_migrate

    with app_context() as app:
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
        from tenderflow.extensions import db
        from tenderflow.services.reference_data import load_reference_data
        from tenderflow.services.unit_of_work import unit_of_work

        with unit_of_work(db.session):
            load_reference_data(db.session)
        click.echo(f"Database is up to date: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group("demo")
def demo_group() -> None:
    """Demonstration data."""


@demo_group.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when there are no users yet.")
def demo_load(if_empty: bool) -> None:
    """Load the demonstration users and procurements."""
    from tenderflow import clock
    from tenderflow.config import PRODUCTION, mode
    from tenderflow.demo import load_demo
    from tenderflow.extensions import db
    from tenderflow.models import User
    from tenderflow.services.unit_of_work import unit_of_work

    if mode() == PRODUCTION:
        raise click.ClickException(
            "demo data is never loaded in production (TENDERFLOW_ENV=production)"
        )
    with app_context("demo data"):
        if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
            click.echo("Demo data already loaded.")
            return
        with unit_of_work(db.session):
            summary = load_demo(db.session, clock.today())
        click.echo(summary)
