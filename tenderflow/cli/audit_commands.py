"""The audit log from the command line: check that no entry was changed or removed."""

from __future__ import annotations

import click

from tenderflow.cli.context import app_context


@click.group("audit")
def audit_group() -> None:
    """Check the audit log."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    default=None,
    metavar="HASH",
    help="A hash noted from an earlier run: check that the log still holds that entry.",
)
def verify(anchor: str | None) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first broken entry, 0 if intact."""
    from sqlalchemy.exc import SQLAlchemyError

    from tenderflow import audit
    from tenderflow.domain.audit_chain import is_hash
    from tenderflow.extensions import db
    from tenderflow.services.unit_of_work import unit_of_work

    if anchor is not None and not is_hash(anchor.strip().lower()):
        raise click.ClickException("--anchor must be an entry's hash: 64 hexadecimal digits")
    wanted = anchor.strip().lower() if anchor else None
    with app_context("command line"):
        try:
            with unit_of_work(db.session):  # only reads
                walk = audit.verify(db.session, wanted)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"cannot read the audit log: {type(exc).__name__}") from None
    if walk.broken is not None:
        click.echo(
            f"The audit log is broken at entry {walk.broken.entry_id}: {walk.broken.reason}. "
            f"{walk.entries - 1} entries before it are intact.",
            err=True,
        )
        raise click.exceptions.Exit(1)
    if wanted is not None and not walk.anchor_found:
        click.echo(
            f"The audit log no longer holds the entry hashed {wanted}: entries were removed "
            "or the log was rewritten.",
            err=True,
        )
        raise click.exceptions.Exit(1)
    click.echo(
        f"The audit log is intact: {walk.entries} entries; the last is hashed {walk.last_hash}."
    )
