"""A whole capital bid round through the web pages, as the people who use it would go."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import docx
import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import select

from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalDecision, CapitalNotice, CapitalRound, CapitalScheme
from tests.capital_data import complete_answers, score_answers
from tests.integration.conftest import sign_in_as
from workflows.capital_round import advance_capital_rounds


def form_data(answers: dict[str, Any], action: str = "continue") -> dict[str, str]:
    """Flatten answers into what the scheme form posts (a date as its three boxes)."""
    data = {"action": action}
    for key, value in answers.items():
        if key == "start_date" and isinstance(value, str):
            year, month, day = value.split("-")
            value = {"day": day, "month": month, "year": year}
        if isinstance(value, dict):
            for part, text in value.items():
                data[f"{key}-{part}"] = text
        else:
            data[key] = value
    return data


def filled_template(client: FlaskClient, round_id: int, rows: list[dict[str, Any]]) -> bytes:
    """Download the template and fill in a row per scheme, as a district would."""
    response = client.get(f"/capital/rounds/{round_id}/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Schemes"]
    columns = {
        re.search(r"\[(\w+)\]$", str(cell.value)).group(1): cell.column  # type: ignore[union-attr]
        for cell in sheet[1]
    }
    for number, row in enumerate(rows, start=2):
        for key, value in row.items():
            if isinstance(value, dict):
                value = date(int(value["year"]), int(value["month"]), int(value["day"]))
            sheet.cell(row=number, column=columns[key], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_round_from_opening_to_the_commissioning_bodys_decisions(
    app: Any, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    admin = make_user(Role.ADMIN)
    fenland = make_user(Role.DISTRICT_OFFICER, district="fenland")
    hunts = make_user(Role.DISTRICT_OFFICER, district="huntingdonshire")
    partnership = make_user(Role.PARTNERSHIP_OFFICER)
    scorer = make_user(Role.SP_SCORER, name="Scorer One")
    body = make_user(Role.COMMISSIONING_BODY)

    # An administrator opens the round (today is 15 June 2026 in the tests).
    sign_in_as(client, admin)
    response = client.post(
        "/capital/rounds/new",
        data={
            "title": "Capital bid round 2027 to 2028",
            "county": "Cambridgeshire",
            "deadline": ["30", "9", "2026"],
            "revenue_budget": "150,000",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    round_ = db.session.scalar(select(CapitalRound))
    assert round_ is not None and round_.status == st.ROUND_OPEN
    advance_capital_rounds.fn(round_id=round_.id, today="2026-06-15")
    told = {n.email for n in db.session.scalars(select(CapitalNotice))}
    assert told == {fenland.email, hunts.email}

    # Fenland completes the form on the web.
    sign_in_as(client, fenland)
    assert "Capital bid round 2027 to 2028" in client.get("/capital/schemes").get_data(as_text=True)
    answers = complete_answers(scheme_name="Wisbech young people's foyer")
    response = client.post(f"/capital/rounds/{round_.id}/schemes/new", data=form_data(answers))
    assert response.status_code == 302
    foyer = db.session.scalar(select(CapitalScheme).where(CapitalScheme.name.like("Wisbech%")))
    assert foyer is not None
    assert client.post(f"/capital/schemes/{foyer.id}/submit").status_code == 302
    assert foyer.status == st.SUBMITTED

    # Huntingdonshire imports two schemes from its spreadsheet and submits them.
    sign_in_as(client, hunts)
    rows = [
        complete_answers(
            scheme_name="St Neots refuge",
            district="Huntingdonshire",
            client_group="People at risk of domestic abuse",
            revenue_per_year=70000,
            capital_sought=900000,
        ),
        complete_answers(
            scheme_name="Ramsey move-on flats",
            district="Huntingdonshire",
            development="Remodelling or replacing an existing service",
            revenue_per_year=40000,
            capital_sought=400000,
        ),
    ]
    workbook = filled_template(client, round_.id, rows)
    response = client.post(
        f"/capital/rounds/{round_.id}/import",
        data={"file": (io.BytesIO(workbook), "hunts.xlsx"), "after": "submit"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    refuge = db.session.scalar(select(CapitalScheme).where(CapitalScheme.name == "St Neots refuge"))
    flats = db.session.scalar(
        select(CapitalScheme).where(CapitalScheme.name == "Ramsey move-on flats")
    )
    assert refuge is not None and flats is not None
    assert refuge.status == flats.status == st.SUBMITTED
    assert refuge.district.code == "huntingdonshire"

    # The partnership returns one, and accepts the others.
    sign_in_as(client, partnership)
    queue = client.get("/capital/checks").get_data(as_text=True)
    assert all(name in queue for name in ("Wisbech", "St Neots refuge", "Ramsey move-on flats"))
    response = client.post(
        f"/capital/schemes/{flats.id}/check",
        data={"outcome": "return", "comments": "Give the number of move-on referrals."},
    )
    assert response.status_code == 302 and flats.status == st.RETURNED
    for scheme in (foyer, refuge):
        client.post(f"/capital/schemes/{scheme.id}/check", data={"outcome": "accept"})
    assert foyer.status == refuge.status == st.ACCEPTED

    # Huntingdonshire sees the comment, corrects the scheme and resubmits; it is accepted.
    sign_in_as(client, hunts)
    assert "Give the number of move-on referrals." in client.get("/capital/schemes").get_data(
        as_text=True
    )
    corrected = dict(flats.answers)
    corrected["criterion_evidence_of_need"] = "31 move-on referrals waiting in March 2026."
    client.post(f"/capital/schemes/{flats.id}/edit", data=form_data(corrected))
    client.post(f"/capital/schemes/{flats.id}/submit")
    assert flats.status == st.SUBMITTED
    sign_in_as(client, partnership)
    client.post(f"/capital/schemes/{flats.id}/check", data={"outcome": "accept"})

    # The SP team scores them.
    sign_in_as(client, scorer)
    for scheme, points in (
        (foyer, (4, 4, 3, 4, 3)),
        (refuge, (5, 4, 4, 3, 4)),
        (flats, (3, 3, 3, 3, 2)),
    ):
        gateways = {"revenue-funding": "pass"}
        if scheme.answers.get("development") == "new":
            gateways |= {
                "floating-support-cannot-deliver": "pass",
                "no-suitable-accommodation": "pass",
                "intensive-or-specialist-support": "pass",
            }
        response = client.post(
            f"/capital/schemes/{scheme.id}/score", data=score_answers(*points, gateways=gateways)
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        assert scheme.status == st.SCORED

    # The deadline passes; the workflow closes the round and produces the priority list.
    outcome = advance_capital_rounds.fn(today="2026-10-01")
    assert outcome[str(round_.id)]["closed"] is True
    assert outcome[str(round_.id)]["priority_list"] is True
    assert outcome[str(round_.id)]["document"].endswith(".docx")
    assert round_.status == st.ROUND_LISTED

    # The commissioning body sees the cut line and records its decisions.
    sign_in_as(client, body)
    page = client.get(f"/capital/rounds/{round_.id}/priority-list").get_data(as_text=True)
    assert page.index("St Neots refuge") < page.index("Wisbech") < page.index("Ramsey")
    assert 'data-testid="cut-line"' in page
    decisions = {refuge: "approved", foyer: "deferred", flats: "rejected"}
    for scheme, outcome_code in decisions.items():
        response = client.post(
            f"/capital/schemes/{scheme.id}/decision",
            data={"outcome": outcome_code, "reasons": "Agreed at the Commissioning Body meeting."},
        )
        assert response.status_code == 302
    assert round_.status == st.ROUND_COMPLETE
    stored = {d.scheme.name: d for d in db.session.scalars(select(CapitalDecision))}
    assert stored["St Neots refuge"].next_review_on == date(2026, 10, 1)  # decided 15 June
    assert stored["Ramsey move-on flats"].next_review_on is None

    # The Word document the workflow wrote predates the decisions; writing it again takes
    # them in. Downloading never writes a document.
    written = client.post(f"/capital/rounds/{round_.id}/priority-list/document")
    assert written.status_code == 302
    assert written.headers["Location"].endswith(f"/capital/rounds/{round_.id}/priority-list.docx")

    # Both documents download.
    word = client.get(f"/capital/rounds/{round_.id}/priority-list.docx")
    assert word.status_code == 200
    assert word.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "The Commissioning Body is asked to note and agree:" in text
    assert "Approved for bidding" in "\n".join(
        c.text for t in docx.Document(io.BytesIO(word.data)).tables for r in t.rows for c in r.cells
    )
    excel = client.get(f"/capital/rounds/{round_.id}/priority-list.xlsx")
    assert excel.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(excel.data)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert names == ["St Neots refuge", "Wisbech young people's foyer", "Ramsey move-on flats"]

    # Approved and deferred schemes are in the pipeline with their review date.
    pipeline = (
        client.get("/capital/pipeline").get_data(as_text=True).split('data-testid="pipeline"')[1]
    )
    assert "St Neots refuge" in pipeline and "Wisbech" in pipeline and "Ramsey" not in pipeline
    assert "1 October 2026" in pipeline
