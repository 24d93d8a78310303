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
@click.option(
    "--as",
    "as_email",
    metavar="EMAIL",
    help="Write them for this person, who must have need to know; kept as theirs.",
)
def report(reference: str, kind: str, out_dir: Path, as_email: str | None) -> None:
    """Write a procurement's documents of one kind, keep them as the web app does, print each path.

    Without ``--as`` the operator at the server writes them; with it, the person named must be
    one the papers are open to (need to know), and a refusal is audited.
    """
    if kind not in KIND_NAMES:
        raise click.ClickException(f"--kind {kind!r} is not a kind: use {', '.join(KIND_NAMES)}")
    from flask import current_app

    from tenderflow import clock
    from tenderflow.extensions import db
    from tenderflow.services import ServiceError, documents, need_to_know, procurements
    from tenderflow.services.documents import reports
    from tenderflow.services.unit_of_work import unit_of_work
    from tenderflow.services.users import find_by_email

    with app_context("command line"):
        procurement = procurements.get_by_reference(db.session, reference)
        if procurement is None:
            raise click.ClickException(f"there is no procurement with the reference {reference!r}")
        person = None
        if as_email:
            person = find_by_email(db.session, as_email)
            if person is None:
                raise click.ClickException(f"--as {as_email!r}: there is no such person")
            if not need_to_know.may_see_papers(db.session, person, procurement, clock.now()):
                with unit_of_work(db.session):  # the refused attempt stays recorded
                    need_to_know.record_refusal(
                        db.session,
                        person,
                        procurement,
                        "write the papers",
                        "procurements",
                        procurement.id,
                    )
                raise click.ClickException(
                    f"--as {as_email!r}: the papers of {reference} are not open to them"
                )
        storage = documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))
        try:
            with unit_of_work(db.session):
                kept = reports.generate(
                    db.session,
                    storage,
                    procurement,
                    kind,
                    now=clock.now(),
                    today=clock.today(),
                    user=person,
                )
        except ServiceError as exc:
            raise click.ClickException(f"{reference}: {exc}") from None
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
