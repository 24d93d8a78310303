"""``tenderflow report``: write a procurement's council papers from the database, without the worker."""

from __future__ import annotations

from pathlib import Path

import click

from tenderflow.cli.context import app_context
from tenderflow.domain.council_papers import KIND_NAMES


@click.command("report")
@click.argument("reference")
@click.option(
    "--kind",
    "kind",
    required=True,
    metavar="|".join(KIND_NAMES),
    help="Which documents to write.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write them to (made if missing).",
)
def report(reference: str, kind: str, out_dir: Path) -> None:
    """Write a procurement's documents of one kind, keep them as the web app does, print each path."""
    if kind not in KIND_NAMES:
        raise click.ClickException(f"--kind {kind!r} is not a kind: use {', '.join(KIND_NAMES)}")
    from flask import current_app

    from tenderflow import clock
    from tenderflow.extensions import db
    from tenderflow.services import ServiceError, documents, procurements, reports

    with app_context("command line"):
        procurement = procurements.get_by_reference(db.session, reference)
        if procurement is None:
            raise click.ClickException(f"there is no procurement with the reference {reference!r}")
        storage = documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))
        try:
            kept = reports.generate(
                db.session,
                storage,
                procurement,
                kind,
                now=clock.now(),
                today=clock.today(),
                user=None,
            )
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(f"{reference}: {exc}") from None
        db.session.commit()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            paths = []
            for record in kept:
                path = out_dir / record.filename
                path.write_bytes(documents.read_document(storage, record))
                paths.append(path)
        except OSError as exc:
            raise click.ClickException(f"--out {str(out_dir)!r}: {exc.strerror}") from None
    for path in paths:
        click.echo(str(path))


COMMANDS = [report]
