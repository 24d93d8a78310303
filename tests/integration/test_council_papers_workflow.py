"""Council papers written by the real worker, then downloaded; and by the command line."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tenderflow.cli import main
from tenderflow.config import load_config
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, FlowRunRequest, GeneratedDocument
from tests.integration.conftest import (
    migrated_once,
    once_on_postgresql,
    sent_from_the_request,
    sign_in_as,
    wait_for_request,
)
from tests.integration.council_papers import (
    YARMOUTH_WINNER,
    docx_text,
    load_histories,
    procurement,
)

# A real worker's wiring is the same on either database, and each module starts its own worker
# (some 20 s): the module runs once, on PostgreSQL (production's database) where it is
# available. The claim on SQLite is tested in test_flow_runs.py.
database_url = pytest.fixture(scope="module", name="database_url")(once_on_postgresql)
migrated_app = pytest.fixture(scope="module", name="migrated_app")(migrated_once)

PAGE = "/procurements/NCC-GY-FS-2026/documents"


@pytest.mark.usefixtures("workflow_worker")
def test_the_worker_writes_every_document_and_the_page_then_offers_them(
    app: Flask, client: Any, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker keeps documents where its own configuration says; read them from there.
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", load_config()["DOCUMENTS_DIR"])
    load_histories()
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement("NCC-GY-FS-2026").lead_id = lead.id  # the papers are open to its own lead
    db.session.commit()
    sign_in_as(client, lead)
    assert client.post(PAGE).status_code == 302
    request = db.session.scalar(select(FlowRunRequest))
    assert sent_from_the_request(request), request and request.error
    finished = wait_for_request(request.id, seconds=120)
    assert finished.status == "completed", finished.error
    assert finished.result["evaluation"] == {
        "files": ["NCC-GY-FS-2026-evaluation-report.docx"],
        "refused": None,
    }
    assert len(finished.result["assessment-summaries"]["files"]) == 3
    kept = db.session.scalars(select(GeneratedDocument)).all()
    assert len(kept) == 1 + 1 + 3 + 1
    assert {k.generated_by_id for k in kept} == {lead.id}
    assert {k.flow_run_request_id for k in kept} == {request.id}

    page = client.get(PAGE).get_data(as_text=True)
    report = next(k for k in kept if k.kind == "tender-evaluation-report")
    assert f"{PAGE}/{report.id}" in page and "Done" in page
    download = client.get(f"{PAGE}/{report.id}")
    assert f"contract to {YARMOUTH_WINNER}" in docx_text(download.data)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{PAGE}.zip").data))
    assert len(archive.namelist()) == 6
    for record in kept:  # leave the worker's folder as it was
        (Path(app.config["DOCUMENTS_DIR"]) / "generated" / record.stored_name).unlink()


def test_the_command_line_writes_the_files_prints_their_paths_and_records_them(
    app: Flask,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_histories()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TENDERFLOW_DOCUMENTS_DIR", str(tmp_path / "kept"))
    out = tmp_path / "papers"

    assert main(["report", "KCC-IDAS-2026", "--kind", "evaluation", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [
        str(out / "KCC-IDAS-2026-evaluation-report-lot-1.docx"),
        str(out / "KCC-IDAS-2026-evaluation-report-lot-2.docx"),
    ]
    assert "Harbour Light Housing Trust" in docx_text(Path(printed[0]).read_bytes())
    db.session.expire_all()
    kept = db.session.scalars(select(GeneratedDocument)).all()
    assert sorted(k.filename for k in kept) == sorted(Path(p).name for p in printed)
    assert all(k.generated_by_id is None and k.sha256 for k in kept)


def test_the_command_line_writes_for_a_person_only_with_need_to_know(
    app: Flask,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_histories()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TENDERFLOW_DOCUMENTS_DIR", str(tmp_path / "kept"))
    out = tmp_path / "papers"
    argv = ["report", "KCC-IDAS-2026", "--kind", "committee", "--out", str(out)]

    assert main([*argv, "--as", "lead2@tenderflow.example"]) == 2
    assert "not open to them" in capsys.readouterr().err
    assert not out.exists()
    db.session.expire_all()
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "refused"))
    assert refused is not None and refused.actor == "command line"
    assert "write the papers: lead2@tenderflow.example has no need to know" in refused.summary
    assert db.session.scalars(select(GeneratedDocument)).all() == []

    assert main([*argv, "--as", "lead@tenderflow.example"]) == 0
    db.session.expire_all()
    (kept,) = db.session.scalars(select(GeneratedDocument)).all()
    assert kept.generated_by is not None and kept.generated_by.email == "lead@tenderflow.example"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["report", "NOPE-1", "--kind", "committee"],
            "there is no procurement with the reference 'NOPE-1'",
        ),
        (["report", "KCC-IDAS-2026", "--kind", "minutes"], "--kind 'minutes' is not a kind"),
        (
            ["report", "CCC-USER-SURVEY", "--kind", "procurement-plan"],
            "No procurement plan has been written",
        ),
        (["report", "CCC-NEEDS-2027", "--kind", "committee"], "have not all been opened"),
    ],
)
def test_the_command_line_refuses_in_one_line_with_status_2(
    app: Flask,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    load_histories()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TENDERFLOW_DOCUMENTS_DIR", str(tmp_path / "kept"))
    assert main([*argv, "--out", str(tmp_path / "papers")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "papers").exists() or not any((tmp_path / "papers").iterdir())
