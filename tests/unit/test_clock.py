"""The one clock: real by default, fixed by configuration for tests and demonstrations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tenderflow import clock


def test_a_fixed_date_means_noon_in_the_uk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERFLOW_NOW", "2026-03-02")
    assert clock.today() == date(2026, 3, 2)
    assert clock.now() == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_fixed_time_in_british_summer_time_is_read_as_uk_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TENDERFLOW_NOW", "2026-06-15T00:30")
    assert clock.now() == datetime(2026, 6, 14, 23, 30, tzinfo=UTC)
    assert clock.today() == date(2026, 6, 15)


def test_a_malformed_fixed_time_is_refused_with_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERFLOW_NOW", "2 March")
    with pytest.raises(ValueError, match="TENDERFLOW_NOW must be a date .*'2 March'"):
        clock.today()


def test_without_a_fixed_time_the_clock_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENDERFLOW_NOW", raising=False)
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


def test_the_domain_rules_load_without_flask_sqlalchemy_prefect_or_python_docx() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tenderflow.domain.regulations, tenderflow.domain.standstill, tenderflow.clock;"
        "print(sorted(m for m in ('flask','sqlalchemy','prefect','docx') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
