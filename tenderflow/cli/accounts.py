"""Running in production: the first administrator, serving the app, backups and restores."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tenderflow.cli.context import app_context


@click.group("users")
def users_group() -> None:
    """Manage accounts."""


def _read_password() -> str:
    # Never an argument: it would be kept in the shell's history and shown by ps.
    if sys.stdin.isatty():
        password: str = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, err=True
        )
        return password
    return sys.stdin.readline().rstrip("\r\n")


@users_group.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="The person's full name.")
def create_admin(email: str, name: str) -> None:
    """Create an administrator; the password is read from the terminal or standard input."""
    from tenderflow.domain.roles import Role
    from tenderflow.extensions import db
    from tenderflow.services import ServiceError, users

    password = _read_password()
    with app_context("command line"):
        try:
            user = users.create_user(
                db.session,
                users.UserInput(email=email, name=name, roles={Role.ADMIN}, password=password),
            )
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException("; ".join(exc.errors.values()) or str(exc)) from None
        db.session.commit()
        click.echo(f"Administrator {user.email} created. Sign in to set up two-factor sign-in.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app alone (the worker runs as its own `tenderflow worker`)."""
    from waitress import serve as waitress_serve

    from tenderflow import ProductionConfigError, create_app

    try:
        app = create_app()
    except (ProductionConfigError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"tenderflow ({app.config['TENDERFLOW_ENV']}) is serving on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads, _quiet=True)


def _folders() -> dict[str, Path]:
    from flask import current_app

    return {
        "uploads": Path(current_app.config["UPLOAD_DIR"]),
        "documents": Path(current_app.config["DOCUMENTS_DIR"]),
    }


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(archive: Path) -> None:
    """Write the database and the uploads and documents folders to a .tar.gz archive."""
    from flask import current_app

    from tenderflow import backup, clock

    with app_context("backup"):
        try:
            written = backup.backup(
                current_app.config["SQLALCHEMY_DATABASE_URI"], _folders(), archive, clock.now()
            )
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {written}")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Confirm that the current data is to be replaced.")
def restore_command(archive: Path, replace: bool) -> None:
    """Replace the database and the uploads and documents folders with a backup's copies."""
    from flask import current_app

    from tenderflow import backup
    from tenderflow.extensions import db

    if not replace:
        raise click.ClickException(
            "restore replaces the database and the uploads and documents folders: "
            "stop the app and the worker, then add --replace"
        )
    with app_context("restore"):
        db.engine.dispose()
        try:
            manifest = backup.restore(
                archive, current_app.config["SQLALCHEMY_DATABASE_URI"], _folders()
            )
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the backup made at {manifest['made_at']} from {archive}")


COMMANDS = [users_group, serve, backup_command, restore_command]
