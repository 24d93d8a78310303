"""The ``tenderflow`` command line.

Every sub-command reports bad input as one line on stderr and exits with status 2;
commands raise :class:`click.ClickException` (or a subclass) to do so.
"""

from __future__ import annotations

import sys

import click

from tenderflow.cli import (
    accounts,
    app_commands,
    audit_commands,
    capital,
    contracts,
    evaluate,
    notices,
    regulations,
    report,
    timetable,
    workflow_commands,
)


@click.group(help="tenderflow: procurement and tender evaluation for councils.")
def cli() -> None:
    """Group every tenderflow command."""


# Every command and group of commands, by the module that holds it.
COMMANDS: list[click.Command] = [
    regulations.route,
    regulations.standstill,
    app_commands.db_group,
    app_commands.demo_group,
    workflow_commands.worker,
    workflow_commands.deploy,
    workflow_commands.dispatch,
    workflow_commands.doctor,
    workflow_commands.run,
    evaluate.evaluate,
    capital.capital,
    timetable.timetable,
    timetable.advance,
    report.report,
    accounts.users_group,
    accounts.serve,
    accounts.backup_command,
    accounts.restore_command,
    audit_commands.audit_group,
    notices.notices,
    contracts.contracts,
]
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line, turning every input error into one line and status 2."""
    try:
        result = cli.main(args=argv, prog_name="tenderflow", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Error: aborted", err=True)
        return 1
    except click.ClickException as exc:
        message = " ".join(exc.format_message().split())
        click.echo(f"Error: {message}", err=True)
        return 2
    return result if isinstance(result, int) else 0


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
