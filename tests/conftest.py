"""Settings shared by every test suite."""

from __future__ import annotations

import os
import tempfile

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("TENDERFLOW_TEST_POSTGRES_URL")

# Tests never read the real clock: anything that asks for "today" without being told gets this.
os.environ.setdefault("TENDERFLOW_NOW", "2026-06-15T10:00:00+01:00")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
# The suites share a machine with Prefect's server and worker: give submissions more time than
# a web request gets, so a slow moment is not mistaken for a server that is down.
os.environ.setdefault("TENDERFLOW_PREFECT_CONNECT_TIMEOUT", "2")
os.environ.setdefault("TENDERFLOW_PREFECT_REQUEST_TIMEOUT", "20")
# Prefect keeps its own state for the test session apart from a developer's, and never
# starts an ephemeral server unless a test asks for the test harness.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="tenderflow-prefect-")
# The Workflows page reads the local workflow server's log: never a developer's own.
os.environ["TENDERFLOW_LOG_DIR"] = tempfile.mkdtemp(prefix="tenderflow-logs-")
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Tests that call a flow's tasks directly use Prefect's ephemeral server; on a busy machine
# it can take longer than its default 20 s to start.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI=true but TENDERFLOW_TEST_POSTGRES_URL is not set: the PostgreSQL tests must run in CI."
        )
