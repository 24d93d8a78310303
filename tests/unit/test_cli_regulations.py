"""``tenderflow route`` and ``tenderflow standstill`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tenderflow.cli import main
from tenderflow.domain import rule_sets

CAMBS = ["route", "--rules", "cambridgeshire-2008"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENDERFLOW_RULE_SETS_DIR", raising=False)
    monkeypatch.setenv("TENDERFLOW_NOW", "2026-03-02")


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main([*args, "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


def run_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command expected to fail; return its one line of error."""
    assert main(list(args)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- route ----------------------------------------------------------------------------------


def test_route_prints_the_decision_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *CAMBS, "--value", "45000", "--start-date", "2026-03-02")
    assert data["rule_set"] == "cambridgeshire-2008"
    assert data["whole_life_value"] == "45000.00"
    assert data["value_including_vat"] == "54000.00"
    assert data["route"] == "invited-tender"
    assert data["min_candidates"] == 4
    assert data["written_confirmation"] is True
    assert data["advertise"] is False
    assert data["national_regime"] == "procurement-act-2023"
    assert data["national_threshold"] == "207720.00"
    assert data["above_national_threshold"] is False
    assert data["standstill"] is None
    assert data["explanation"].startswith("Under Cambridgeshire County Council")


def test_route_accepts_amounts_typed_with_pound_signs_and_commas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, *CAMBS, "--value", "£2,000.01")
    assert (data["whole_life_value"], data["route"]) == ("2000.01", "written-quotes")


def test_route_above_the_threshold_gives_a_standstill_object(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, *CAMBS, "--value", "173100")
    assert data["route"] == "national-procedure"
    assert data["above_national_threshold"] is True
    assert data["standstill"] == {"days": 8, "kind": "working"}
    assert data["min_candidates"] is None  # six only where the national procedure does not apply


def test_route_multiplies_an_annual_value_by_term_and_extensions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(
        capsys, *CAMBS, "--value", "20000", "--annual", "--years", "3", "--extension-years", "2"
    )
    assert (data["whole_life_value"], data["route"]) == ("100000.00", "advertised-tender")


def test_route_uses_category_authority_and_vat_rate(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        *CAMBS,
        "--value",
        "5193000",
        "--category",
        "works",
        "--authority",
        "central",
        "--vat-rate",
        "0",
    )
    assert (data["national_threshold"], data["route"]) == ("5193000.00", "national-procedure")
    assert data["value_including_vat"] == "5193000.00"


def test_route_start_date_defaults_to_the_frozen_today(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDERFLOW_NOW", "2025-02-23")
    assert run_json(capsys, *CAMBS, "--value", "1000")["national_regime"] == "pcr-2015"
    monkeypatch.setenv("TENDERFLOW_NOW", "2025-02-24")
    assert run_json(capsys, *CAMBS, "--value", "1000")["national_regime"] == "procurement-act-2023"


def test_route_with_an_exemption_below_the_threshold_is_exempt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, *CAMBS, "--value", "45000", "--exemption", "specialist-firm")
    assert data["route"] == "exempt"
    assert data["exemption"] == "specialist-firm"
    assert data["exemption_approver_required"] is True


def test_route_without_json_prints_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CAMBS, "--value", "45000"]) == 0
    out = capsys.readouterr().out
    assert "Route:             invited-tender (£30,000.01 to £75,000.00)" in out
    assert "Standstill:        none" in out
    assert "falls in the band £30,000.01 to £75,000.00" in out


ROUTE_KEYS = {
    "rule_set", "start_date", "category", "authority", "vat_rate", "whole_life_value",
    "value_including_vat", "band", "route", "min_candidates", "written_confirmation",
    "advertise", "national_regime", "national_threshold", "above_national_threshold",
    "standstill", "standstill_mandatory", "notices", "conditional_notices",
    "min_tendering_days", "bidder_feedback", "conflicts", "exemption", "exemption_approver",
    "exemption_approver_required", "explanation",
}  # fmt: skip


def test_route_keeps_every_key_and_adds_the_procedure_and_periods(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, *CAMBS, "--value", "300000")
    assert set(data) >= ROUTE_KEYS
    assert data["procedure"] == "open"
    assert data["min_participation_days"] is None
    assert data["min_tendering_days"] == 25
    assert data["tendering_case"] == "electronic-with-documents"
    assert data["shortlisting_allowed"] is False
    assert data["direct_award"] is None


def test_route_with_the_competitive_flexible_procedure_and_urgency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flexible = run_json(capsys, *CAMBS, "--value", "300000", "--procedure", "competitive-flexible")
    urgent = run_json(
        capsys, *CAMBS, "--value", "300000", "--procedure", "competitive-flexible", "--urgency"
    )
    assert (flexible["min_participation_days"], flexible["min_tendering_days"]) == (25, 25)
    assert flexible["shortlisting_allowed"] is True
    assert (urgent["min_participation_days"], urgent["min_tendering_days"]) == (10, 10)


def test_route_counts_a_planned_procurement_notice_from_the_tender_notice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [*CAMBS, "--value", "300000", "--planned-procurement-notice", "2026-01-21"]
    on_start = run_json(capsys, *args)  # 40 days before 2 March 2026
    later = run_json(capsys, *args, "--tender-notice", "2027-01-22")  # a year and a day
    assert (on_start["min_tendering_days"], on_start["tendering_case"]) == (
        10,
        "planned-procurement-notice",
    )
    assert later["min_tendering_days"] == 25
    assert "more than 12 months before the tender notice" in later["tendering_condition"]


def test_route_with_paper_tenders_needs_30_days(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *CAMBS, "--value", "300000", "--paper-tenders")
    assert (data["min_tendering_days"], data["tendering_case"]) == (30, "otherwise")


def test_route_offers_a_direct_award_with_its_transparency_notice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, *CAMBS, "--value", "300000", "--direct-award", "extreme-urgency")
    assert (data["route"], data["direct_award"]) == ("direct-award", "extreme-urgency")
    assert data["notices"][0] == "transparency notice"
    assert (data["standstill"], data["standstill_mandatory"]) == (None, False)
    assert data["procedure"] is None


def test_route_says_a_regulated_below_threshold_tender_is_not_shortlisted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_json(capsys, *CAMBS, "--value", "25000")["shortlisting_allowed"] is False
    assert run_json(capsys, *CAMBS, "--value", "24999.99")["shortlisting_allowed"] is True


def test_route_summary_shows_the_procedure_and_periods(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CAMBS, "--value", "300000", "--procedure", "competitive-flexible"]) == 0
    out = capsys.readouterr().out
    assert "Procedure:         competitive-flexible" in out
    assert "Min periods:       participation 25 days, tendering 25 days" in out


# --- standstill -----------------------------------------------------------------------------


def test_standstill_prints_the_period_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "standstill", "--regime", "procurement-act-2023", "--from", "2026-12-18"
    )
    assert data["regime"] == "procurement-act-2023"
    assert data["from"] == "2026-12-18"
    assert data["last_day"] == "2026-12-31"
    assert data["earliest_contract_date"] == "2027-01-01"
    assert {"date": "2026-12-25", "name": "Christmas Day"} in data["excluded_days"]
    assert len(data["excluded_days"]) == 6


def test_standstill_under_pcr_2015_extends_to_a_working_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "standstill", "--regime", "pcr-2015", "--from", "2026-10-07")
    assert data["last_day"] == "2026-10-19"
    assert [day["name"] for day in data["excluded_days"]] == ["Saturday", "Sunday"]


def test_standstill_for_a_pcr_decision_not_sent_electronically_is_fifteen_days(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(
        capsys, "standstill", "--regime", "pcr-2015", "--from", "2026-10-07", "--not-electronic"
    )
    assert (data["last_day"], data["earliest_contract_date"]) == ("2026-10-22", "2026-10-23")


def test_standstill_without_json_prints_a_readable_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["standstill", "--regime", "pcr-2015", "--from", "2026-10-08"]) == 0
    out = capsys.readouterr().out
    assert "Last day of standstill: 2026-10-19" in out
    assert "Not counted:            2026-10-18 Sunday" in out


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([*CAMBS, "--value", "-5"], "'--value': Amount must be £0 or more"),
        ([*CAMBS, "--value", "lots"], "'--value': Amount must be a number in pounds"),
        ([*CAMBS, "--value", "10.001"], "'--value': Amount must not have more than 2 decimal"),
        ([*CAMBS, "--value", "1000", "--annual"], "--annual needs --years"),
        (
            [*CAMBS, "--value", "1000", "--years", "3"],
            "--years and --extension-years need --annual",
        ),
        ([*CAMBS, "--value", "1000", "--annual", "--years", "0"], "'--years'"),
        (["route", "--rules", "kent-2010", "--value", "1"], "unknown rule set 'kent-2010'"),
        (["route", "--value", "1"], "Missing option '--rules'"),
        (
            [*CAMBS, "--value", "1", "--start-date", "2026-02-30"],
            "'2026-02-30' is not a valid date",
        ),
        ([*CAMBS, "--value", "1", "--start-date", "tomorrow"], "'tomorrow' is not a valid date"),
        ([*CAMBS, "--value", "1", "--start-date", "2010-01-01"], "no national regime covers"),
        ([*CAMBS, "--value", "1", "--vat-rate", "20"], "'20' is not a VAT rate between 0 and 1"),
        ([*CAMBS, "--value", "1", "--vat-rate", "x"], "'x' is not a VAT rate"),
        ([*CAMBS, "--value", "1", "--category", "supplies"], "'--category'"),
        ([*CAMBS, "--value", "1", "--exemption", "cheaper"], "unknown exemption 'cheaper'"),
        (
            ["standstill", "--regime", "eu-2014", "--from", "2026-10-07"],
            "unknown regime 'eu-2014': choose from pcr-2015, procurement-act-2023",
        ),
        (
            ["standstill", "--regime", "cambridgeshire-2008", "--from", "2026-10-07"],
            "unknown regime 'cambridgeshire-2008'",
        ),
        (["standstill", "--regime", "pcr-2015", "--from", "7/10/2026"], "is not a valid date"),
        (
            ["standstill", "--regime", "procurement-act-2023", "--from", "2026-10-07"]
            + ["--not-electronic"],
            "has no standstill for the case 'not-sent-electronically'",
        ),
        ([*CAMBS, "--value", "1", "--procedure", "restricted"], "'--procedure'"),
        (
            [*CAMBS, "--value", "300000", "--direct-award", "cheapest"],
            "unknown direct award justification 'cheapest'",
        ),
        (
            [*CAMBS, "--value", "1000", "--direct-award", "extreme-urgency"],
            "a direct award is for contracts at or above",
        ),
        (
            [*CAMBS, "--value", "300000", "--direct-award", "extreme-urgency", "--urgency"],
            "a direct award has no tendering period",
        ),
        (
            [*CAMBS, "--value", "1", "--planned-procurement-notice", "2026-03-03"],
            "must be published before the tender notice (2026-03-02)",
        ),
        (
            [*CAMBS, "--value", "1", "--planned-procurement-notice", "soon"],
            "'soon' is not a valid date",
        ),
        (
            [*CAMBS, "--value", "1", "--start-date", "2024-06-03"]
            + ["--procedure", "competitive-flexible"],
            "has no competitive-flexible procedure",
        ),
    ],
)
def test_bad_input_prints_one_line_naming_the_problem_and_exits_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    assert expected in run_error(capsys, *args)


def test_a_malformed_frozen_today_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDERFLOW_NOW", "soon")
    assert "TENDERFLOW_NOW must be a date" in run_error(capsys, *CAMBS, "--value", "1")


def test_a_malformed_rule_set_file_is_reported_for_route(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for path in (rule_sets.REPO_ROOT / "rule_sets").glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "cambridgeshire-2008.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("bands:", "brands:"))
    monkeypatch.setenv("TENDERFLOW_RULE_SETS_DIR", str(tmp_path))
    line = run_error(capsys, *CAMBS, "--value", "1000")
    assert "cambridgeshire-2008.yaml: " in line
    assert "'brands' was unexpected" in line or "'bands' is a required property" in line


def test_a_malformed_rule_set_file_is_reported_for_standstill(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "procurement-act-2023.yaml").write_text("kind: national-regime\n")
    monkeypatch.setenv("TENDERFLOW_RULE_SETS_DIR", str(tmp_path))
    line = run_error(
        capsys, "standstill", "--regime", "procurement-act-2023", "--from", "2026-10-07"
    )
    assert "procurement-act-2023.yaml: 'name' is a required property" in line


def test_a_missing_rule_set_directory_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TENDERFLOW_RULE_SETS_DIR", str(tmp_path / "nowhere"))
    assert "does not exist" in run_error(capsys, *CAMBS, "--value", "1000")
