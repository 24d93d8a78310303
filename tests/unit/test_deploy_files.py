"""The files under deploy/ run only real commands and set only variables something reads."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import click
import pytest
import yaml

from tenderflow.cli import cli
from tenderflow.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_TEMPLATE = DEPLOY / "tenderflow.env.example"
PREFECT_ENV_TEMPLATE = DEPLOY / "prefect-server.env.example"
COMPOSE = DEPLOY / "compose.yaml"

# Variables the official postgres image reads to make its first database.
POSTGRES_IMAGE_VARIABLES = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
# A key of the WSGI environ that the code reads, not the process's environment.
NOT_PROCESS_VARIABLES = {"SERVER_PROTOCOL"}

_READS = [
    re.compile(r"""(?:environ|env)(?:\.get)?\s*[\(\[]\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""(?:_flag|_number|_timeout)\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""^[A-Z_]+_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.MULTILINE),
]


@cache
def variables_the_code_reads() -> frozenset[str]:
    """Every environment variable named where tenderflow and its workflows read one."""
    found: set[str] = set()
    for package in ("tenderflow", "workflows"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            text = path.read_text()
            for pattern in _READS:
                found.update(pattern.findall(text))
    return frozenset(found - NOT_PROCESS_VARIABLES)


@cache
def prefect_settings() -> frozenset[str]:
    """Every environment variable Prefect's settings read."""
    from prefect.settings import Settings
    from prefect.settings.legacy import _get_settings_fields

    return frozenset(name for name in _get_settings_fields(Settings) if name.startswith("PREFECT_"))


def read_env_file(path: Path) -> tuple[dict[str, str], set[str]]:
    """Return the variables an environment file sets, and those it lists commented out."""
    values: dict[str, str] = {}
    listed: set[str] = set()
    for line in path.read_text().splitlines():
        commented = re.fullmatch(r"#\s*([A-Z][A-Z0-9_]+)=.*", line.strip())
        if commented:
            listed.add(commented.group(1))
        elif line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z][A-Z0-9_]+", name), f"{path.name}: bad line {line!r}"
            values[name] = value
    return values, listed


def read_unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(), source=str(path))
    return parser


def check_tenderflow_command(args: list[str]) -> None:
    """Parse a tenderflow command line as the CLI would, without running it."""
    command: click.Command = cli
    remaining = list(args)
    while isinstance(command, click.Group):
        assert remaining, f"{args}: no sub-command"
        name = remaining.pop(0)
        found = command.get_command(click.Context(command), name)
        assert found is not None, f"{args}: no command {name!r}"
        command = found
    # Raises NoSuchOption, BadParameter or UsageError for anything the command does not take.
    command.make_context(command.name or "", remaining)


@cache
def prefect_help(*words: str) -> str:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "prefect"), *words, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def check_command(argv: list[str]) -> None:
    program, args = Path(argv[0]).name, argv[1:]
    if program == "tenderflow":
        check_tenderflow_command(args)
    elif program == "prefect":
        words = [a for a in args if not a.startswith("-")][:2]
        assert words == ["server", "start"], f"unexpected prefect command {argv}"
        text = prefect_help(*words)
        for option in (a.split("=")[0] for a in args if a.startswith("--")):
            assert option in text, f"`prefect server start` has no {option}"
    else:
        pytest.fail(f"unexpected program {argv[0]}")


def test_the_unit_files_run_real_commands_with_real_options() -> None:
    assert {u.name for u in UNITS} >= {
        "prefect-server.service",
        "tenderflow-web.service",
        "tenderflow-worker@.service",
        "tenderflow-deploy.service",
        "tenderflow-migrate.service",
    }
    for unit in UNITS:
        parser = read_unit(unit)
        assert parser.has_section("Unit") and parser.has_section("Install"), unit.name
        service = parser["Service"]
        assert service.get("User") not in (None, "root"), f"{unit.name} runs as root"
        for key in ("ExecStartPre", "ExecStart"):
            if key in service:
                check_command(shlex.split(service[key]))
        template = DEPLOY / (Path(service["EnvironmentFile"]).name + ".example")
        assert template.exists(), f"{unit.name}: no {template.name} for its EnvironmentFile"


def test_the_web_and_worker_units_run_the_app_at_scale() -> None:
    web = shlex.split(read_unit(DEPLOY / "systemd/tenderflow-web.service")["Service"]["ExecStart"])
    worker = shlex.split(
        read_unit(DEPLOY / "systemd/tenderflow-worker@.service")["Service"]["ExecStart"]
    )
    deploy = shlex.split(
        read_unit(DEPLOY / "systemd/tenderflow-deploy.service")["Service"]["ExecStart"]
    )
    assert web[1:2] == ["serve"] and "--workers" in web
    assert worker[1:4] == ["worker", "--pool", "tenderflow"]
    assert deploy[1:] == ["deploy", "--pool", "tenderflow"]


def test_a_command_the_app_does_not_have_is_caught() -> None:
    with pytest.raises(click.ClickException):
        check_tenderflow_command(["worker", "--pool", "tenderflow", "--replicas", "2"])
    with pytest.raises(AssertionError):
        check_tenderflow_command(["deploy-all"])


def test_the_environment_template_lists_every_variable_the_code_reads() -> None:
    values, listed = read_env_file(ENV_TEMPLATE)
    assert variables_the_code_reads() - set(values) - listed == set()
    assert set(values) | listed <= variables_the_code_reads() | prefect_settings()


def test_the_environment_template_sets_what_production_requires() -> None:
    from tenderflow.config import load_config
    from tenderflow.domain.accounts import ProductionSettings, production_problems

    values, _ = read_env_file(ENV_TEMPLATE)
    with pytest.MonkeyPatch.context() as patch:
        for name in variables_the_code_reads():
            patch.delenv(name, raising=False)
        for name, value in values.items():
            patch.setenv(name, value)
        config = load_config(instance_dir=Path("/nonexistent"))
    assert config["PRODUCTION"] is True
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert (
        production_problems(
            ProductionSettings(
                demo_accounts=0,
                secret_key_from_environment=config["SECRET_KEY_FROM_ENVIRONMENT"],
                session_cookie_secure=config["SESSION_COOKIE_SECURE"],
                remember_cookie_secure=config["REMEMBER_COOKIE_SECURE"],
            )
        )
        == []
    )
    # Every machine must share the files and the workflow server.
    for name in ("TENDERFLOW_UPLOAD_DIR", "TENDERFLOW_DOCUMENTS_DIR", "PREFECT_API_URL"):
        assert values.get(name), f"{name} is not set"
    for name in ("TENDERFLOW_NOW", "TENDERFLOW_SCHEDULE_EVERY_SECONDS"):
        assert name not in values, f"{name} must never be set in production"


def test_the_prefect_server_keeps_its_state_in_postgresql() -> None:
    values, listed = read_env_file(PREFECT_ENV_TEMPLATE)
    assert set(values) | listed <= prefect_settings()
    assert values["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")


def test_compose_runs_real_commands_and_sets_only_variables_something_reads() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert {"db", "prefect-server", "migrate", "deploy", "web", "worker"} <= set(services)
    known = variables_the_code_reads() | prefect_settings()
    for name, service in services.items():
        if "command" in service:
            check_command(service["command"])
        environment = set(service.get("environment") or {})
        allowed = (
            POSTGRES_IMAGE_VARIABLES if service.get("image", "").startswith("postgres") else known
        )
        assert environment <= allowed, f"{name} sets {environment - allowed}"
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            assert (DEPLOY / f"{env_file}.example").exists(), f"{name}: no {env_file}.example"
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["prefect-server"]["environment"][
        "PREFECT_API_DATABASE_CONNECTION_URL"
    ].startswith("postgresql+asyncpg://")
