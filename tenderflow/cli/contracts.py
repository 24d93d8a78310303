"""``tenderflow contracts``: the contract register the Transparency Code publishes."""

from __future__ import annotations

import json

import click


@click.group("contracts")
def contracts() -> None:
    """The contract register."""


@contracts.command("register")
@click.option(
    "--format",
    "output",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Print the register as CSV or as JSON.",
)
def register(output: str) -> None:
    """Print every contract over £5,000, as the Local Government Transparency Code publishes."""
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import contracts as service

    with app_context():
        rows = service.transparency_register(db.session)
        if output == "json":
            click.echo(json.dumps(rows, indent=2))
        else:
            click.echo(service.register_csv(rows), nl=False)
