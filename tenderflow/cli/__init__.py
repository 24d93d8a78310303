"""The ``tenderflow`` command line.

Every sub-command reports bad input as one line on stderr and exits with status 2;
commands raise :class:`click.ClickException` (or a subclass) to do so.
"""

from __future__ import annotations

import sys

import click

COMMAND_MODULES = [
    "tenderflow.cli.regulations",
    "tenderflow.cli.app_commands",
    "tenderflow.cli.workflow_commands",
    "tenderflow.cli.evaluate",
    "tenderflow.cli.capital",
    "tenderflow.cli.timetable",
    "tenderflow.cli.report",
    "tenderflow.cli.accounts",
    "tenderflow.cli.audit_commands",
    "tenderflow.cli.notices",
    "tenderflow.cli.contracts",
]


@click.group(help="tenderflow: procurement and tender evaluation for councils.")
def cli() -> None:
    """Group every tenderflow command."""


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)


_register_commands()


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
