"""``tenderflow capital rank`` from the command line: the JSON it prints and how it fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tenderflow.cli import main
from tenderflow.domain.capital import DEFAULT_MATRIX_PATH

MATRIX = str(DEFAULT_MATRIX_PATH)
IDS = ("strategic-relevance", "evidence-of-need", "added-value", "deliverability", "unique-factors")


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def score_lines(schemes: dict[str, tuple[int, ...] | str]) -> list[str]:
    lines = ["scheme,criterion,score"]
    for name, points in schemes.items():
        if isinstance(points, str):
            lines.append(f"{name},revenue-funding,{points}")
            continue
        lines.append(f"{name},revenue-funding,pass")
        lines += [f"{name},{c},{p}" for c, p in zip(IDS, points, strict=True)]
    return lines


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    scores = score_lines(
        {
            "Wisbech young people's foyer": (4, 3, 2, 5, 1),  # 67
            "St Ives refuge": (5, 5, 4, 3, 4),  # 87
            "Chatteris move-on flats": (3, 3, 3, 3, 3),  # 60
            "Ramsey offenders' hostel": (4, 3, 1, 3, 3),  # 60, more strategic relevance
            "March night shelter": "fail",
        }
    )
    costs = [
        "scheme,revenue_per_year",
        "Wisbech young people's foyer,96000",
        'St Ives refuge,"£142,000"',
        "Chatteris move-on flats,18000",
        "Ramsey offenders' hostel,60000",
    ]
    return {
        "scores": write(tmp_path / "scores.csv", scores),
        "costs": write(tmp_path / "costs.csv", costs),
    }


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["capital", "rank", "--matrix", MATRIX, *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_rank_prints_every_scheme_with_its_rank_total_and_weighted_criteria(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--scores", files["scores"], "--json")
    assert status == 0
    data = json.loads(out)
    summary = [(s["scheme"], s["rank"], s["total"]) for s in data["schemes"]]
    assert summary == [
        ("St Ives refuge", 1, 87.0),
        ("Wisbech young people's foyer", 2, 67.0),
        ("Ramsey offenders' hostel", 3, 60.0),  # beats Chatteris on Strategic Relevance
        ("Chatteris move-on flats", 4, 60.0),
        ("March night shelter", None, 0.0),
    ]
    first = data["schemes"][0]
    assert set(first) == {"scheme", "rank", "total", "criteria", "failed_gateways"}
    assert first["criteria"] == {
        "strategic-relevance": 30.0,
        "evidence-of-need": 25.0,
        "added-value": 12.0,
        "deliverability": 12.0,
        "unique-factors": 8.0,
    }
    assert '"total": 87.00' in out  # two decimals, as published
    assert data["schemes"][-1]["failed_gateways"] == ["revenue-funding"]
    assert data["schemes"][-1]["criteria"] == {}


def test_with_a_budget_each_scheme_says_whether_it_is_within_it(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        "--scores",
        files["scores"],
        "--costs",
        files["costs"],
        "--budget",
        "250000",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    rows = [(s["scheme"], s["cumulative_revenue"], s["within_budget"]) for s in data["schemes"]]
    assert rows == [
        ("St Ives refuge", "142000.00", True),
        ("Wisbech young people's foyer", "238000.00", True),
        ("Ramsey offenders' hostel", "298000.00", False),
        # £12,000 is left, and this would fit, but the cut line has been reached.
        ("Chatteris move-on flats", "316000.00", False),
        ("March night shelter", None, False),
    ]
    assert data["headroom"] == "12000.00"


def test_without_json_a_readable_table_is_printed(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--scores", files["scores"], "--costs", files["costs"], "--budget", "250000"
    )
    assert status == 0
    assert "1     St Ives refuge" in out
    assert "failed gateway: revenue-funding" in out
    assert "£12,000.00 left above the cut line" in out
    assert "Ranking: higher total, to two decimal places, first; where totals are equal" in out
    assert "Rounding: each weighted score and each total is worked out exactly" in out


def test_bad_rows_exit_with_status_2_naming_the_file_and_each_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = write(
        tmp_path / "scores.csv",
        [
            "scheme,criterion,score",
            "Foyer,revenue-funding,maybe",
            "Foyer,strategic-relevance,6",
            "Foyer,value-for-money,3",
            ",evidence-of-need,3",
            "Foyer,added-value,3",
            "Foyer,added-value,4",
        ],
    )
    status, out, err = run(capsys, "--scores", scores, "--json")
    assert status == 2 and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert "scores.csv" in err
    assert "row 2: gateway revenue-funding must be pass or fail, not 'maybe'" in err
    assert "row 3: score '6' for strategic-relevance must be a number from 0 to 5" in err
    assert "row 4: unknown criterion 'value-for-money'" in err
    assert "row 5: scheme is missing" in err
    assert "row 7: 'Foyer' has a second row for added-value (first on row 6)" in err
    assert "row 2: 'Foyer' has no score for evidence-of-need, deliverability, unique-factors" in err


def test_a_ranked_scheme_without_a_cost_is_named(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    costs = write(
        tmp_path / "costs.csv", ["scheme,revenue_per_year", "St Ives refuge,lots", "Nowhere,5"]
    )
    status, _, err = run(capsys, "--scores", files["scores"], "--costs", costs, "--budget", "1000")
    assert status == 2
    assert "costs.csv" in err
    assert "row 2: revenue_per_year 'lots': amount must be a number in pounds" in err
    assert "row 3: 'Nowhere' has no scores in the scores file" in err
    assert "no revenue_per_year row for 'Chatteris move-on flats'" in err


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scores = write(tmp_path / "scores.csv", ["scheme,score", "Foyer,3"])
    status, _, err = run(capsys, "--scores", scores)
    assert status == 2
    assert "row 1: missing column 'criterion' (needs scheme,criterion,score)" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--budget", "1000"], "--costs and --budget go together"),
        (["--costs", "costs.csv"], "--costs and --budget go together"),
    ],
)
def test_costs_and_budget_go_together(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    status, _, err = run(capsys, "--scores", files["scores"], *extra)
    assert status == 2 and message in err


def test_a_bad_budget_or_matrix_is_refused(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "--scores", files["scores"], "--costs", files["costs"], "--budget", "a lot"
    )
    assert status == 2 and "--budget 'a lot'" in err
    broken = tmp_path / "matrix.yaml"
    broken.write_text("name: x\n", encoding="utf-8")
    status = main(["capital", "rank", "--matrix", str(broken), "--scores", files["scores"]])
    err = capsys.readouterr().err
    assert status == 2 and "matrix.yaml" in err and "'title' is a required property" in err


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--scores", "no-such-scores.csv")
    assert status == 2 and "no-such-scores.csv: cannot be read" in err


def test_the_installed_command_exits_2_on_bad_input(tmp_path: Path) -> None:
    scores = write(tmp_path / "scores.csv", ["scheme,criterion,score", "Foyer,added-value,9"])
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "tenderflow"),
            "capital",
            "rank",
            "--matrix",
            MATRIX,
            "--scores",
            scores,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "row 2" in completed.stderr
