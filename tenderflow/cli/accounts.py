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
    from tenderflow.services.unit_of_work import unit_of_work

    password = _read_password()
    with app_context("command line"):
        try:
            with unit_of_work(db.session):
                user = users.create_user(
                    db.session,
                    users.UserInput(email=email, name=name, roles={Role.ADMIN}, password=password),
                )
        except ServiceError as exc:
            raise click.ClickException("; ".join(exc.errors.values()) or str(exc)) from None
        click.echo(f"Administrator {user.email} created. Sign in to set up two-factor sign-in.")


def default_workers() -> int:
    """Gunicorn's usual advice, two processes a core plus one, kept to at most eight."""
    import os

    return min(2 * (os.cpu_count() or 1) + 1, 8)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: two a core plus one, at most 8).",
)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--timeout", default=60, show_default=True, type=click.IntRange(min=5), help="Seconds."
)
def serve(host: str, port: int, workers: int | None, threads: int, timeout: int) -> None:
    """Serve the web app under gunicorn (the workflows run apart, in `tenderflow worker`)."""
    from gunicorn.app.base import BaseApplication

    from tenderflow import ProductionConfigError, create_app

    # Build the app once here, so that a bad configuration stops us before any process starts.
    try:
        app = create_app()
    except (ProductionConfigError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    environment = app.config["TENDERFLOW_ENV"]
    del app
    processes = workers or default_workers()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": processes,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": timeout,
                "graceful_timeout": 30,
                "keepalive": 5,
                # Each process builds its own app, with its own database connections.
                "preload_app": False,
                "proc_name": "tenderflow",
                # The app writes its own access log (tenderflow.web.access_log).
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> object:
            return create_app()

    click.echo(
        f"tenderflow ({environment}) is serving on http://{host}:{port}/"
        f" with {processes} process(es) of {threads} thread(s)"
    )
    Server().run()


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
