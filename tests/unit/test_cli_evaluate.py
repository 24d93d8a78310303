"""``tenderflow evaluate`` from the command line: the JSON it prints and how it fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tenderflow.cli import main

# Six criteria of the ready-made 60/40 model (Q1 15, Q2 10, Q3 10, Q4 10, Q5 8, Q6 7).
WEIGHTS = {"Q1": 15, "Q2": 10, "Q3": 10, "Q4": 10, "Q5": 8, "Q6": 7}
BIDS = {"Northgate Housing Trust": 4, "Fenland Support CIC": 3, "Ouse Valley Care": 5}
PRICES = {
    "Northgate Housing Trust": "1000000",
    "Fenland Support CIC": "800000",
    "Ouse Valley Care": "1250000",
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A panel's spreadsheets for the 60/40 model: two evaluators one point apart on Q2."""
    scores = ["bidder,criterion,evaluator,score,comment"]
    consensus = ["bidder,criterion,score,rationale"]
    for bidder, level in BIDS.items():
        for criterion in WEIGHTS:
            second = (
                level - 2 if criterion == "Q2" and bidder == "Northgate Housing Trust" else level
            )
            scores.append(f"{bidder},{criterion},E1,{level},Evidence seen")
            scores.append(f"{bidder},{criterion},E2,{second},Evidence seen")
            consensus.append(f"{bidder},{criterion},{level},Agreed at moderation")
    pass_fail = ["bidder,criterion,result"] + [
        f"{bidder},{question},{'fail' if (bidder, question) == ('Ouse Valley Care', 'PF2') else 'pass'}"
        for bidder in BIDS
        for question in ("PF1", "PF2", "PF3", "PF4")
    ]
    texts = {
        "scores": scores,
        "consensus": consensus,
        "pass-fail": pass_fail,
        "prices": ["bidder,price"] + [f'{b},"{p}"' for b, p in PRICES.items()],
    }
    paths = {}
    for name, lines in texts.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def args(
    files: dict[str, Path], *extra: str, consensus: bool = False, pass_fail: bool = False
) -> list[str]:
    found = [
        "evaluate",
        "--model",
        "housing-support-60-40",
        "--scores",
        str(files["scores"]),
        "--prices",
        str(files["prices"]),
    ]
    if consensus:
        found += ["--consensus", str(files["consensus"])]
    if pass_fail:
        found += ["--pass-fail", str(files["pass-fail"])]
    return [*found, *extra]


def run_json(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> dict[str, Any]:
    assert main([*arguments, "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


def run_error(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> str:
    assert main(arguments) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_evaluate_prints_the_documented_json(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    data = run_json(capsys, args(files, consensus=True, pass_fail=True))
    assert {"provisional", "winner", "bidders", "flags"} <= set(data)
    assert data["provisional"] is False
    # Ouse Valley (best quality) fails insurance; Northgate 48 + 40 x 0.8 = 80 against
    # Fenland 36 + 40 = 76: Northgate wins.
    assert data["winner"] == "Northgate Housing Trust"
    first, second, third = data["bidders"]
    assert first == {
        "bidder": "Northgate Housing Trust",
        "rank": 1,
        "total": 80.0,
        "quality": 48.0,
        "price_score": 32.0,
        "sections": {"Service delivery": 36.0, "Staffing and mobilisation": 12.0},
        "disqualified": False,
        "reasons": [],
    }
    assert (second["bidder"], second["rank"], second["total"]) == ("Fenland Support CIC", 2, 76.0)
    assert third["bidder"] == "Ouse Valley Care"
    assert third["rank"] is None
    assert third["disqualified"] is True
    assert third["reasons"] == ["Failed pass/fail question PF2 (Insurance)"]
    assert data["flags"] == [
        {"bidder": "Northgate Housing Trust", "criterion": "Q2", "spread": 2.0}
    ]


def test_without_consensus_the_results_are_provisional(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    data = run_json(capsys, args(files))
    assert data["provisional"] is True
    # The evaluators' mean on Q2 for Northgate is 3: 10 x 3 / 5 = 6 instead of 8.
    northgate = next(b for b in data["bidders"] if b["bidder"] == "Northgate Housing Trust")
    assert northgate["sections"]["Service delivery"] == 34.0
    # Without pass/fail results Ouse Valley is not disqualified, and it wins on quality.
    assert data["winner"] == "Ouse Valley Care"
    assert any("were not applied" in note for note in data["notes"])


def test_the_json_shows_sensitivity_value_for_money_and_warnings_beside_the_result(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    data = run_json(capsys, args(files, consensus=True, pass_fail=True))
    assert data["sensitivity"]["winner"] == "Northgate Housing Trust"
    assert isinstance(data["sensitivity"]["robust"], bool)
    assert data["warnings"][0].startswith("The model has no social-value section")
    assert data["tie_break_rule"].startswith("Bids are ranked on their total score")
    assert data["value_for_money"] == []  # £800,000 is 20% below £1,000,000: not more


def test_costing_figures_in_the_prices_file_are_checked_for_the_service_type(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    files["prices"].write_text(
        "bidder,price,hourly_rate,contact_hours\n"
        "Northgate Housing Trust,1000000,19.50,2\n"
        "Fenland Support CIC,700000,21.00,7\n"
        "Ouse Valley Care,1250000,18.00,1\n",
        encoding="utf-8",
    )
    data = run_json(
        capsys,
        args(files, "--service-type", "floating-support-standard", consensus=True, pass_fail=True),
    )
    found = [(f["bidder"], f["code"]) for f in data["value_for_money"]]
    assert found == [
        ("Northgate Housing Trust", "ok"),
        ("Fenland Support CIC", "over-cap"),
        ("Fenland Support CIC", "over-maximum"),
        ("Ouse Valley Care", "ok"),
        ("Fenland Support CIC", "abnormally-low"),
    ]


def test_without_json_a_readable_table_is_printed(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    assert main(args(files, pass_fail=True)) == 0
    out = capsys.readouterr().out
    assert "PROVISIONAL: evaluators' means, before moderation" in out
    # Provisional: Northgate's mean on Q2 is 3, so quality is 46, not the agreed 48.
    assert "1     Northgate Housing Trust   78.00    46.00   32.00" in out
    assert "-     Ouse Valley Care" in out
    assert "disqualified: Failed pass/fail question PF2 (Insurance)" in out
    assert "Winner: Northgate Housing Trust" in out
    assert "Northgate Housing Trust, Q2: spread 2" in out


def test_a_model_file_path_is_accepted(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    model = (
        Path(__file__).resolve().parents[2] / "scoring_matrices/models/housing-support-60-40.yaml"
    )
    arguments = args(files)
    arguments[2] = str(model)
    assert run_json(capsys, arguments)["winner"] == "Ouse Valley Care"


# --- bad input --------------------------------------------------------------------------------


def test_a_bad_scores_file_exits_2_naming_the_file_row_and_problem(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    lines = files["scores"].read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",4,", ",6,")
    lines[6] = lines[6].replace("Evidence seen", "")
    files["scores"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = run_error(capsys, args(files))
    assert line == (
        f"Error: {files['scores']}: 2 problems: row 4: score 6 is off the scale 0 to 5; "
        "row 7: comment is missing"
    )


def test_a_bad_price_exits_2(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    text = files["prices"].read_text(encoding="utf-8")
    files["prices"].write_text(text.replace('"1000000"', "-5"), encoding="utf-8")
    line = run_error(capsys, args(files))
    assert line == f"Error: {files['prices']}: row 2: price '-5': Amount must be £0 or more"


def test_a_missing_consensus_score_exits_2(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    lines = files["consensus"].read_text(encoding="utf-8").splitlines()
    files["consensus"].write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    line = run_error(capsys, args(files, consensus=True))
    assert line.endswith("consensus.csv: no consensus score for 'Ouse Valley Care' on 'Q6'")


def test_a_model_whose_weights_do_not_add_up_exits_2(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    model = tmp_path / "broken.yaml"
    model.write_text(
        "sections:\n  - name: Quality\n    criteria:\n      - {id: Q1, title: x, weight: 50}\n"
        "price: {weight: 40, formula: relative-lowest}\n",
        encoding="utf-8",
    )
    arguments = args(files)
    arguments[2] = str(model)
    line = run_error(capsys, arguments)
    assert line.endswith("broken.yaml: Weights must add up to 100: criteria 50 + price 40 = 90")


def test_an_unknown_service_type_exits_2(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    line = run_error(capsys, args(files, "--service-type", "hostel"))
    assert line.startswith("Error: unknown service type 'hostel': choose from night-shelter, ")


def test_an_unknown_model_name_and_a_missing_option_exit_2(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    arguments = args(files)
    arguments[2] = "kent-2014"
    assert "unknown evaluation model 'kent-2014'" in run_error(capsys, arguments)
    assert "Missing option '--prices'" in run_error(
        capsys, ["evaluate", "--model", "interview", "--scores", str(files["scores"])]
    )


def test_a_missing_file_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    arguments = args(files)
    arguments[4] = str(tmp_path / "nowhere.csv")
    line = run_error(capsys, arguments)
    assert "nowhere.csv: cannot be read (No such file or directory)" in line


def test_the_installed_command_exits_with_status_2_on_a_bad_file(files: dict[str, Path]) -> None:
    text = files["prices"].read_text(encoding="utf-8")
    files["prices"].write_text(text.replace('"1000000"', "lots"), encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tenderflow.cli import entry_point; entry_point()",
            *args(files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (
        f"Error: {files['prices']}: row 2: price 'lots': Amount must be a number in pounds, "
        "like 75000 or 75,000.50\n"
    )


# --- exact arithmetic and price per quality point ---------------------------------------------

PER_POINT_MODEL = """\
name: per-point
sections:
  - name: Quality
    criteria:
      - {id: Q1, title: Service model, weight: 60}
price: {weight: 40, formula: price-per-quality-point}
"""


def write(path: Path, *lines: str) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_price_per_quality_point_ranks_on_the_ratio_and_adds_it_to_each_bid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Fenland: £63,000 for 48 points (£1,312.50 a point); Northgate: £80,000 for 60 points
    # (£1,333.33 a point). Adding a price score made from the ratio to quality made Northgate
    # win on 99.38 to 88.
    arguments = [
        "evaluate",
        "--model",
        write(tmp_path / "model.yaml", PER_POINT_MODEL),
        "--scores",
        write(
            tmp_path / "scores.csv",
            "bidder,criterion,evaluator,score,comment",
            "Northgate Housing Trust,Q1,E1,5,Excellent",
            "Fenland Support CIC,Q1,E1,4,Good",
        ),
        "--prices",
        write(
            tmp_path / "prices.csv",
            "bidder,price",
            "Northgate Housing Trust,80000",
            "Fenland Support CIC,63000",
        ),
    ]
    data = run_json(capsys, arguments)
    assert data["winner"] == "Fenland Support CIC"
    assert data["bidders"] == [
        {
            "bidder": "Fenland Support CIC",
            "rank": 1,
            "total": 48.0,
            "quality": 48.0,
            "price_score": 0.0,
            "sections": {"Quality": 48.0},
            "disqualified": False,
            "reasons": [],
            "price_per_quality_point": 1312.5,
        },
        {
            "bidder": "Northgate Housing Trust",
            "rank": 2,
            "total": 60.0,
            "quality": 60.0,
            "price_score": 0.0,
            "sections": {"Quality": 60.0},
            "disqualified": False,
            "reasons": [],
            "price_per_quality_point": 1333.33,
        },
    ]
    assert data["tie_break_rule"].startswith("Bids are ranked on their price per quality point")
    assert any("the price weight plays no part" in warning for warning in data["warnings"])
    assert main(arguments) == 0
    table = capsys.readouterr().out
    assert "1     Fenland Support CIC       48.00    48.00    0.00       £1,312.50" in table


def test_a_total_of_exactly_75_075_is_published_as_75_08_and_wins_the_tie_on_quality(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Three evaluators, no consensus: Northgate's means are 2/3 and 11/3, quality exactly 41,
    # price 40 x 68,150 / 80,000 = 34.075, total 75.075. Fenland's means are 10/3, quality 40,
    # price 40 x 68,150 / 77,700 = 35.08, total 75.08. Equal totals: the higher quality wins.
    model = PER_POINT_MODEL.replace(
        "      - {id: Q1, title: Service model, weight: 60}",
        "      - {id: Q1, title: Service model, weight: 5}\n"
        "      - {id: Q2, title: Staffing, weight: 55}",
    ).replace("price-per-quality-point", "relative-lowest")
    given = {
        "Northgate Housing Trust": {"Q1": (0, 1, 1), "Q2": (3, 4, 4)},
        "Fenland Support CIC": {"Q1": (3, 3, 4), "Q2": (3, 3, 4)},
        "Ouse Valley Care": {"Q1": (1, 1, 1), "Q2": (1, 1, 1)},
    }
    rows = [
        f"{bidder},{criterion},E{n},{value},Seen"
        for bidder, by_criterion in given.items()
        for criterion, values in by_criterion.items()
        for n, value in enumerate(values, 1)
    ]
    data = run_json(
        capsys,
        [
            "evaluate",
            "--model",
            write(tmp_path / "model.yaml", model),
            "--scores",
            write(tmp_path / "scores.csv", "bidder,criterion,evaluator,score,comment", *rows),
            "--prices",
            write(
                tmp_path / "prices.csv",
                "bidder,price",
                "Northgate Housing Trust,80000",
                "Fenland Support CIC,77700",
                "Ouse Valley Care,68150",
            ),
        ],
    )
    assert data["winner"] == "Northgate Housing Trust"
    assert [
        (b["bidder"], b["rank"], b["total"], b["quality"], b["price_score"])
        for b in data["bidders"]
    ] == [
        ("Northgate Housing Trust", 1, 75.08, 41.0, 34.08),
        ("Fenland Support CIC", 2, 75.08, 40.0, 35.08),
        ("Ouse Valley Care", 3, 52.0, 12.0, 40.0),
    ]
    assert "price_per_quality_point" not in data["bidders"][0]
