"""``tenderflow notices``: a procurement's transparency notices, or their OCDS releases."""

from __future__ import annotations

import json

import click


@click.command("notices")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print the notices as JSON.")
@click.option("--ocds", is_flag=True, help="Print an OCDS 1.1 release package of the notices.")
def notices(reference: str, as_json: bool, ocds: bool) -> None:
    """Show the notices a procurement needs, their status and when each is due."""
    from tenderflow import clock
    from tenderflow.cli.context import app_context
    from tenderflow.cli.timetable import _procurement
    from tenderflow.domain.notices import STATUS_LABELS
    from tenderflow.extensions import db
    from tenderflow.services import notices as service
    from tenderflow.services.notices import open_data

    if as_json and ocds:
        raise click.UsageError("give --json or --ocds, not both")
    with app_context():
        procurement = _procurement(reference)
        today = clock.today()
        if ocds:
            package = open_data.procurement_package(db.session, procurement, today)
            if not package["releases"]:
                # A release package must hold at least one release.
                raise click.ClickException(f"{procurement.reference} needs no notices")
            click.echo(json.dumps(package, indent=2))
            return
        found = service.notices_of(db.session, procurement, today)
        if as_json:
            click.echo(json.dumps([n.to_dict() for n in found], indent=2))
            return
        click.echo(f"{procurement.reference}: {procurement.title}")
        for n in found:
            due = n.due.isoformat() if n.due else n.when
            published = f" {n.published_id} on {n.published_on}" if n.published_on else ""
            click.echo(
                f"{n.notice_type:<15} {n.title:<40} {STATUS_LABELS[n.status]:<15} {due}{published}"
            )
