"""Reading a panel's CSV files: every bad row is reported with its file, row and problem."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tenderflow.domain.evaluation import EvaluationModel, parse_model
from tenderflow.domain.evaluation.rows import (
    EvaluationFileError,
    RowProblem,
    SourceRows,
    check_rows,
)
from tenderflow.services.evaluation.files import column_name, read_csv_rows, read_evaluation_files

SCORES = """bidder,criterion,evaluator,score,comment
Ashwell Housing,Q1,E1,4,Clear support planning
Ashwell Housing,Q1,E2,3,Some gaps in reviews
Ashwell Housing,Q2,E1,3,Adequate staffing
Ashwell Housing,Q2,E2,4,Good supervision
Brampton Care,Q1,E1,5,Excellent evidence
Brampton Care,Q1,E2,5,"Strong, evidenced"
Brampton Care,Q2,E1,2,Thin on cover
Brampton Care,Q2,E2,3,Adequate
"""
PRICES = """bidder,price
Ashwell Housing,"£1,200,000.00"
Brampton Care,950000
"""
CONSENSUS = """bidder,criterion,score,rationale
Ashwell Housing,Q1,3,Agreed: reviews not evidenced
Ashwell Housing,Q2,4,Agreed: supervision strong
Brampton Care,Q1,5,Agreed
Brampton Care,Q2,3,Agreed
"""
PASS_FAIL = """bidder,criterion,result
Ashwell Housing,PF1,pass
Brampton Care,PF1,Fail
"""


@pytest.fixture
def model() -> EvaluationModel:
    return parse_model(
        {
            "name": "files",
            "sections": [
                {
                    "name": "Quality",
                    "criteria": [
                        {"id": "Q1", "title": "Service model", "weight": 40},
                        {"id": "Q2", "title": "Staffing", "weight": 20},
                    ],
                }
            ],
            "pass_fail": [{"id": "PF1", "title": "Insurance"}],
            "price": {"weight": 40, "formula": "relative-lowest"},
        }
    )


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def read(model: EvaluationModel, folder: Path, **texts: str) -> Any:
    """Write the four files (defaults unless given) and read them back."""
    files = {"scores": SCORES, "prices": PRICES, **texts}
    paths = {
        kind: write(folder, f"{kind.replace('_', '-')}.csv", text) for kind, text in files.items()
    }
    return read_evaluation_files(
        model, paths["scores"], paths["prices"], paths.get("consensus"), paths.get("pass_fail")
    )


def edited(text: str, line: str, row: int) -> str:
    """Put ``line`` at spreadsheet row ``row`` of ``text``: in place of a row, or after the last."""
    lines = text.splitlines()
    if row <= len(lines):
        lines[row - 1] = line
    else:
        lines.append(line)
    return "\n".join(lines) + "\n"


def problems(
    model: EvaluationModel, folder: Path, **texts: str
) -> list[tuple[str, int | None, str]]:
    with pytest.raises(EvaluationFileError) as raised:
        read(model, folder, **texts)
    return [(Path(p.source).name, p.row, p.message) for p in raised.value.problems]


# --- good files -------------------------------------------------------------------------------


def test_good_files_are_read_into_records(model: EvaluationModel, tmp_path: Path) -> None:
    records = read(model, tmp_path, consensus=CONSENSUS, pass_fail=PASS_FAIL)
    assert len(records.scores) == 8
    assert records.scores[5].comment == "Strong, evidenced"
    assert [(p.bidder, p.price) for p in records.prices] == [
        ("Ashwell Housing", Decimal("1200000.00")),
        ("Brampton Care", Decimal("950000.00")),
    ]
    assert records.consensus[0].rationale == "Agreed: reviews not evidenced"
    assert records.pass_fail[1].result == "Fail"


def test_optional_costing_columns_are_read_from_the_prices_file(
    model: EvaluationModel, tmp_path: Path
) -> None:
    prices = "Bidder,Price,Hourly rate,Contact-hours\nAshwell Housing,100000,19.50,2.5\nBrampton Care,90000,,\n"
    records = read(model, tmp_path, prices=prices)
    assert records.prices[0].hourly_rate == Decimal("19.50")
    assert records.prices[0].contact_hours == Decimal("2.5")
    assert records.prices[1].hourly_rate is None


def test_column_headings_are_matched_without_regard_to_case_spaces_or_hyphens() -> None:
    assert [column_name(h) for h in (" Bidder ", "Hourly rate", "contact-hours")] == [
        "bidder",
        "hourly_rate",
        "contact_hours",
    ]


def test_a_file_saved_by_excel_in_the_windows_code_page_is_read(
    model: EvaluationModel, tmp_path: Path
) -> None:
    path = write(tmp_path, "prices.csv", "bidder,price\nAshwell Housing,£1000\n", "cp1252")
    assert read_csv_rows(path).rows[0][1]["price"] == "£1000"


def test_blank_lines_are_skipped_but_keep_their_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "scores.csv", "bidder,price\n\nA,1\n,\nB,2\n")
    assert [number for number, _ in read_csv_rows(path).rows] == [3, 5]


# --- bad files: every problem, with file and row -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "line", "expected"),
    [
        (
            "scores",
            "Dunstable Trust,Q1,E1,3,ok",
            "bidder 'Dunstable Trust' has no valid price (first named here)",
        ),
        ("scores", "Ashwell Housing,Q9,E3,3,ok", "unknown criterion 'Q9'"),
        (
            "scores",
            "Ashwell Housing,PF1,E3,3,ok",
            "unknown criterion 'PF1' (it is a pass/fail question)",
        ),
        ("scores", "Ashwell Housing,Q1,E3,6,ok", "score 6 is off the scale 0 to 5"),
        ("scores", "Ashwell Housing,Q1,E3,-1,ok", "score -1 is off the scale 0 to 5"),
        ("scores", "Ashwell Housing,Q1,E3,four,ok", "score 'four' is not a number"),
        ("scores", "Ashwell Housing,Q1,E3,,ok", "score is missing"),
        ("scores", "Ashwell Housing,Q1,E3,4,", "comment is missing"),
        ("scores", "Ashwell Housing,Q1,,4,ok", "evaluator is missing"),
        ("scores", ",Q1,E3,4,ok", "bidder is missing"),
        ("scores", "Ashwell Housing,Q1,E1,2,again", "duplicate of row 2 (Ashwell Housing, Q1, E1)"),
        (
            "scores",
            "Ashwell Housing,Q1,E3,4,good, but thin",
            "has 6 cells but the header has 5 (is there an unquoted comma in a comment?)",
        ),
    ],
)
def test_each_bad_scores_row_is_reported_with_its_row_number(
    model: EvaluationModel, tmp_path: Path, kind: str, line: str, expected: str
) -> None:
    assert problems(model, tmp_path, scores=SCORES + line + "\n") == [("scores.csv", 10, expected)]


@pytest.mark.parametrize(
    ("line", "row", "expected"),
    [
        ("Chatteris Trust,100000", 4, "bidder 'Chatteris Trust' has no scores"),
        ("Ashwell Housing,5", 4, "duplicate of row 2 (Ashwell Housing)"),
        (
            "Brampton Care,lots",
            3,
            "price 'lots': Amount must be a number in pounds, like 75000 or 75,000.50",
        ),
        ("Brampton Care,-950000", 3, "price '-950000': Amount must be £0 or more"),
        ("Brampton Care,0", 3, "price must be more than £0"),
        ("Brampton Care,", 3, "price '': Enter an amount in pounds, like 75000 or 75,000.50"),
    ],
)
def test_each_bad_prices_row_is_reported(
    model: EvaluationModel, tmp_path: Path, line: str, row: int, expected: str
) -> None:
    # A bad Brampton row replaces its good one. Its scores then do not also each say
    # "no price": the unreadable price is the one problem.
    prices = PRICES.replace("Brampton Care,950000\n", "") if row == 3 else PRICES
    assert problems(model, tmp_path, prices=prices + line + "\n") == [("prices.csv", row, expected)]


def test_a_bidder_scored_but_not_priced_is_reported_once_at_its_first_scores_row(
    model: EvaluationModel, tmp_path: Path
) -> None:
    found = problems(model, tmp_path, prices="bidder,price\nAshwell Housing,1200000\n")
    assert found == [
        ("scores.csv", 6, "bidder 'Brampton Care' has no valid price (first named here)")
    ]


def test_a_negative_hourly_rate_is_reported(model: EvaluationModel, tmp_path: Path) -> None:
    prices = "bidder,price,hourly_rate\nAshwell Housing,1,-3\nBrampton Care,2,x\n"
    assert problems(model, tmp_path, prices=prices) == [
        ("prices.csv", 2, "hourly_rate '-3' must be a number of 0 or more"),
        ("prices.csv", 3, "hourly_rate 'x' must be a number of 0 or more"),
    ]


@pytest.mark.parametrize(
    ("line", "row", "expected"),
    [
        ("Ashwell Housing,Q1,7,Too high", 2, "score 7 is off the scale 0 to 5"),
        ("Ashwell Housing,Q1,3,", 2, "rationale is missing"),
        ("Ashwell Housing,Q1,3,Again", 6, "duplicate of row 2 (Ashwell Housing, Q1)"),
        (
            "Chatteris Trust,Q1,3,Agreed",
            6,
            "bidder 'Chatteris Trust' has no valid price (first named here)",
        ),
    ],
)
def test_each_bad_consensus_row_is_reported(
    model: EvaluationModel, tmp_path: Path, line: str, row: int, expected: str
) -> None:
    found = problems(model, tmp_path, consensus=edited(CONSENSUS, line, row))
    assert found == [("consensus.csv", row, expected)]


def test_a_missing_consensus_score_is_reported_against_the_consensus_file(
    model: EvaluationModel, tmp_path: Path
) -> None:
    consensus = "\n".join(CONSENSUS.splitlines()[:-1]) + "\n"
    assert problems(model, tmp_path, consensus=consensus) == [
        ("consensus.csv", None, "no consensus score for 'Brampton Care' on 'Q2'")
    ]


@pytest.mark.parametrize(
    ("line", "row", "expected"),
    [
        ("Ashwell Housing,PF1,maybe", 2, "result 'maybe' must be pass or fail"),
        ("Ashwell Housing,PF9,pass", 4, "unknown pass/fail question 'PF9' (questions: PF1)"),
        ("Ashwell Housing,PF1,fail", 4, "duplicate of row 2 (Ashwell Housing, PF1)"),
    ],
)
def test_each_bad_pass_fail_row_is_reported(
    model: EvaluationModel, tmp_path: Path, line: str, row: int, expected: str
) -> None:
    found = problems(model, tmp_path, pass_fail=edited(PASS_FAIL, line, row))
    assert found == [("pass-fail.csv", row, expected)]


def test_a_missing_column_is_reported_on_the_header_row(
    model: EvaluationModel, tmp_path: Path
) -> None:
    scores = SCORES.replace("evaluator,", "panel member,")
    assert problems(model, tmp_path, scores=scores) == [
        (
            "scores.csv",
            1,
            "missing column 'evaluator' (needs bidder,criterion,evaluator,score,comment)",
        )
    ]


def test_an_empty_file_is_reported(model: EvaluationModel, tmp_path: Path) -> None:
    found = problems(model, tmp_path, prices="")
    assert found == [("prices.csv", 1, "missing columns 'bidder', 'price' (needs bidder,price)")]


def test_a_header_with_no_rows_is_reported(model: EvaluationModel, tmp_path: Path) -> None:
    found = problems(model, tmp_path, scores="bidder,criterion,evaluator,score,comment\n")
    assert found[0] == ("scores.csv", None, "there are no rows below the header")


def test_a_missing_file_is_reported_by_name(model: EvaluationModel, tmp_path: Path) -> None:
    with pytest.raises(EvaluationFileError) as raised:
        read_evaluation_files(model, tmp_path / "scores.csv", tmp_path / "prices.csv")
    assert str(raised.value) == (
        f"{tmp_path / 'scores.csv'}: cannot be read (No such file or directory). "
        f"{tmp_path / 'prices.csv'}: cannot be read (No such file or directory)"
    )


def test_several_problems_are_counted_and_listed_in_row_order_on_one_line(
    model: EvaluationModel, tmp_path: Path
) -> None:
    scores = SCORES.replace("Ashwell Housing,Q2,E1,3,", "Ashwell Housing,Q2,E1,9,").replace(
        "Brampton Care,Q1,E1,5,Excellent evidence", "Brampton Care,Q7,E1,5,"
    )
    with pytest.raises(EvaluationFileError) as raised:
        read(model, tmp_path, scores=scores, prices=PRICES + "Brampton Care,1\n")
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"{tmp_path / 'scores.csv'}: 3 problems: row 4: score 9 is off the scale 0 to 5; "
        "row 6: unknown criterion 'Q7'; row 6: comment is missing. "
        f"{tmp_path / 'prices.csv'}: row 4: duplicate of row 3 (Brampton Care)"
    )


def test_a_very_long_list_of_problems_is_summarised_but_every_problem_is_kept() -> None:
    error = EvaluationFileError(
        [RowProblem("scores.csv", n, "score is missing") for n in range(2, 32)]
    )
    assert len(error.problems) == 30
    assert str(error).endswith("row 21: score is missing; and 10 more")
    assert str(error).startswith("scores.csv: 30 problems: row 2: score is missing; ")


# --- rows from other sources -------------------------------------------------------------------


def test_rows_from_a_workbook_are_checked_the_same_way(model: EvaluationModel) -> None:
    """An Excel import gives numbers as numbers and labels its own rows."""
    sheet = SourceRows(
        "Evaluator workbook, sheet 'Scores'",
        ("bidder", "criterion", "evaluator", "score", "comment"),
        [
            (
                5,
                {
                    "bidder": "Ashwell Housing",
                    "criterion": "Q1",
                    "evaluator": "E1",
                    "score": 4.0,
                    "comment": "ok",
                },
            ),
            (
                6,
                {
                    "bidder": "Ashwell Housing",
                    "criterion": "Q2",
                    "evaluator": "E1",
                    "score": 7,
                    "comment": "ok",
                },
            ),
        ],
        header_row=4,
    )
    prices = SourceRows(
        "Evaluator workbook, sheet 'Prices'",
        ("bidder", "price"),
        [(2, {"bidder": "Ashwell Housing", "price": 125000.5})],
    )
    with pytest.raises(EvaluationFileError) as raised:
        check_rows(model, sheet, prices)
    assert str(raised.value) == (
        "Evaluator workbook, sheet 'Scores': row 6: score 7 is off the scale 0 to 5"
    )
    fixed = SourceRows(sheet.source, sheet.columns, sheet.rows[:1], header_row=4)
    single = parse_model(
        {
            "sections": [{"name": "Q", "criteria": [{"id": "Q1", "title": "x", "weight": 60}]}],
            "price": {"weight": 40, "formula": "relative-lowest"},
        }
    )
    records = check_rows(single, fixed, prices)
    assert records.prices[0].price == Decimal("125000.5")
    assert records.scores[0].score == 4.0
