"""A commissioning body member downloads a procurement's papers; a lead asks for them to be written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
from playwright.sync_api import Page, expect

from tenderflow import audit, clock
from tenderflow.extensions import db
from tenderflow.services import documents, procurements
from tenderflow.services.documents import reports
from tests.e2e.conftest import E2E_TODAY, sign_in, sign_out


def write_papers(live_server: SimpleNamespace) -> None:
    """Write every kind for the Kent procurement, as the workflow would."""
    app = live_server.app
    with app.app_context(), audit.acting_as("e2e"):
        procurement = procurements.get_by_reference(db.session, "KCC-IDAS-2026")
        storage = documents.Storage(Path(app.config["DOCUMENTS_DIR"]))
        for kind in ("procurement-plan", "evaluation", "assessment-summaries", "committee"):
            reports.generate(
                db.session, storage, procurement, kind, now=clock.now(), today=E2E_TODAY, user=None
            )
        db.session.commit()
        db.session.remove()


def test_the_commissioning_body_downloads_the_papers_and_a_lead_asks_for_new_ones(
    page: Page, live_server: SimpleNamespace, tmp_path: Path
) -> None:
    write_papers(live_server)
    sign_in(page, "commissioning@tenderflow.example")
    page.goto("/procurements/KCC-IDAS-2026")
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    page.screenshot(path=str(tmp_path / "procurement.png"), full_page=True)
    page.get_by_role("link", name="Write or download the council papers").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Write all the documents")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="KCC-IDAS-2026-committee-report.docx").click()
    saved = tmp_path / "committee.docx"
    download.value.save_as(saved)
    text = " ".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "Supporting People Commissioning Body is asked to approve" in text

    with page.expect_download() as bundle:
        page.get_by_role("link", name="Download all 11 documents as one zip file").click()
    archive = tmp_path / "all.zip"
    bundle.value.save_as(archive)
    names = zipfile.ZipFile(io.BytesIO(archive.read_bytes())).namelist()
    assert "KCC-IDAS-2026-assessment-summary-lot-1-Smith-Jones-Ltd.docx" in names
    sign_out(page)

    sign_in(page, "lead@tenderflow.example")
    page.goto("/procurements/KCC-IDAS-2026/documents")
    page.get_by_role("button", name="Write the procurement plan").click()
    expect(page.get_by_text("The documents are being written.")).to_be_visible()
    expect(page.get_by_text("Write the procurement plan for KCC-IDAS-2026")).to_be_visible()
    expect(page.locator("[data-flow-run-url]")).to_have_attribute("data-flow-run-status", "queued")
    page.screenshot(path=str(tmp_path / "asked.png"), full_page=True)
