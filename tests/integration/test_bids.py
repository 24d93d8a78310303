"""Bids: receipt and lateness, sealed until the deadline, checked uploads, opening, and the gate into evaluation."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, BidDocument, Procurement, User
from tenderflow.services import procurements
from tenderflow.services.bidding import bids
from tenderflow.services.gates import unmet_conditions
from tests.integration.bidders_world import PDF, a_bid, a_bidder, a_deadline, no_deadline
from tests.integration.conftest import sign_in_as
from tests.integration.test_bidders import a_procurement
from tests.integration.world import procurement_input

AFTER = "2026-06-20T12:00:00+01:00"  # after the deadline below, in UK time
DEADLINE = datetime.fromisoformat("2026-06-19T12:00:00+01:00")

GATES = "tenderflow.services.bidding.gates"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def refusals(procurement: Procurement) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.procurement_id == procurement.id, AuditEvent.action == "refused")
            .order_by(AuditEvent.id)
        )
    )


def upload(client: FlaskClient, url: str, name: str, content: bytes) -> Any:
    return client.post(
        url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


@pytest.fixture
def lead(make_user: Callable[..., Any]) -> User:
    return make_user(Role.PROCUREMENT_LEAD)


@pytest.fixture
def procurement(lead: User) -> Procurement:
    procurement = a_procurement(lead)
    a_deadline(procurement, DEADLINE)
    return procurement


def after_the_deadline(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "FROZEN_NOW", AFTER)


def test_a_bid_is_received_with_its_time_now_or_as_entered(
    client: FlaskClient, lead: User, procurement: Procurement
) -> None:
    bidder = a_bidder(procurement, "Alpha Care")
    other = a_bidder(procurement, "Beta Support")
    sign_in_as(client, lead)
    client.post("/procurements/BID-1/bids/new", data={"bidder_id": str(bidder.id)})
    client.post(
        "/procurements/BID-1/bids/new",
        data={
            "bidder_id": str(other.id),
            "received_on": ["12", "6", "2026"],
            "received_time": "9:15am",
        },
    )
    first, second = sorted(bids.bids_of(db.session, procurement), key=lambda b: b.bidder.name)
    assert first.received_at == clock.now()
    assert first.received_by_id == lead.id
    assert second.received_at.isoformat() == "2026-06-12T08:15:00+00:00"
    assert not first.late and not second.late

    again = client.post("/procurements/BID-1/bids/new", data={"bidder_id": str(bidder.id)})
    assert "A bid from Alpha Care is already recorded" in again.get_data(as_text=True)


def test_a_late_bid_is_excluded_unless_acceptance_is_recorded(
    app: Flask,
    client: FlaskClient,
    lead: User,
    procurement: Procurement,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    after_the_deadline(app, monkeypatch)
    on_time = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead, received_at=DEADLINE)
    late = a_bid(procurement, a_bidder(procurement, "Beta Support"), lead)
    assert (on_time.late, late.late) == (False, True)
    assert late.in_evaluation is False

    sign_in_as(client, lead)
    page = client.get("/procurements/BID-1/bids").get_data(as_text=True)
    assert "Late: excluded" in page

    empty = client.post(f"/procurements/BID-1/bids/{late.id}/accept-late", data={"reason": " "})
    assert "Enter why the late bid is accepted" in empty.get_data(as_text=True)
    assert late.late_acceptance_reason is None

    client.post(
        f"/procurements/BID-1/bids/{late.id}/accept-late",
        data={"reason": "The council's portal was down at the deadline"},
    )
    db.session.refresh(late)
    assert late.in_evaluation is True
    assert "Late: accepted" in client.get("/procurements/BID-1/bids").get_data(as_text=True)


def test_a_bid_is_excluded_with_a_reason(
    client: FlaskClient, lead: User, procurement: Procurement
) -> None:
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    sign_in_as(client, lead)
    client.post(
        f"/procurements/BID-1/bids/{bid.id}/exclude", data={"reason": "Unsigned form of tender"}
    )
    db.session.refresh(bid)
    assert (bid.excluded, bid.exclusion_reason, bid.in_evaluation) == (
        True,
        "Unsigned form of tender",
        False,
    )


def test_nobody_can_open_a_sealed_bid_and_each_refusal_is_audited(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    lead: User,
    procurement: Procurement,
) -> None:
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    document = bids.add_document(
        db.session,
        bid,
        filename="price.pdf",
        content=PDF,
        upload_dir=app.config["UPLOAD_DIR"],
        max_bytes=bids.DEFAULT_MAX_BYTES,
        user=lead,
        now=clock.now(),
    )
    db.session.commit()
    admin = make_user(Role.ADMIN)
    url = f"/procurements/BID-1/bids/{bid.id}/documents/{document.id}"

    for person in (lead, admin):
        sign_in_as(client, person)
        assert client.get(url).status_code == 403
    opened = client.post("/procurements/BID-1/bids/open", follow_redirects=True)
    assert "Bids are sealed until the tender deadline has passed (19 June 2026 at 12:00pm)" in (
        opened.get_data(as_text=True)
    )
    priced = client.get(f"/procurements/BID-1/bids/{bid.id}/price")
    assert priced.status_code == 302

    db.session.refresh(bid)
    assert bid.opened_at is None
    events = refusals(procurement)
    assert [(e.actor_id, e.entity) for e in events] == [
        (lead.id, "bid_documents"),
        (admin.id, "bid_documents"),
        (admin.id, "procurements"),
        (admin.id, "bids"),
    ]
    assert all("sealed" in e.summary for e in events)
    page = client.get(f"/procurements/BID-1/bids/{bid.id}").get_data(as_text=True)
    assert url not in page  # the file name shows, never a link to it


def test_after_the_deadline_the_lead_opens_the_bids_and_those_who_need_to_know_download_them(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    lead: User,
    procurement: Procurement,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    # Made once: a zip made a second later carries other timestamps.
    content = docx_bytes()
    document = bids.add_document(
        db.session,
        bid,
        filename="method.docx",
        content=content,
        upload_dir=app.config["UPLOAD_DIR"],
        max_bytes=bids.DEFAULT_MAX_BYTES,
        user=lead,
        now=clock.now(),
    )
    db.session.commit()
    after_the_deadline(app, monkeypatch)
    url = f"/procurements/BID-1/bids/{bid.id}/documents/{document.id}"

    sign_in_as(client, lead)
    assert client.get(url).status_code == 403  # past the deadline, but not yet opened
    client.post("/procurements/BID-1/bids/open")
    db.session.refresh(bid)
    assert bid.opened_at == clock.now()
    assert bid.opened_by_id == lead.id

    client.post(f"/procurements/BID-1/bids/{bid.id}/price", data={"price": "123456.78"})
    # A moderator on no panel of this procurement has no need to know it.
    sign_in_as(client, make_user(Role.MODERATOR))
    assert client.get(url).status_code == 404
    sign_in_as(client, make_user(Role.ADMIN))
    download = client.get(url)
    assert download.status_code == 200
    assert download.data == content
    assert "method.docx" in download.headers["Content-Disposition"]
    assert "£123,456.78" in client.get(f"/procurements/BID-1/bids/{bid.id}").get_data(as_text=True)

    sign_in_as(client, make_user(Role.EVALUATOR))
    assert client.get(url).status_code == 403
    assert client.get("/procurements/BID-1/bids").status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tender.pdf", b"MZ\x90\x00 not really a pdf", "must be a PDF, Word document (DOCX)"),
        ("tender.docx", b"PK\x03\x04 broken zip", "must be a PDF, Word document (DOCX)"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", PDF + b"0" * 2048, "The selected file must be smaller than 1KB"),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_stored(
    app: Flask,
    client: FlaskClient,
    lead: User,
    procurement: Procurement,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    message: str,
) -> None:
    monkeypatch.setitem(app.config, "BID_DOCUMENT_MAX_BYTES", 1024)
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    folder = Path(app.config["UPLOAD_DIR"]) / "bids"
    before = set(folder.iterdir()) if folder.exists() else set()
    sign_in_as(client, lead)
    response = upload(client, f"/procurements/BID-1/bids/{bid.id}/documents", name, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert db.session.scalars(select(BidDocument)).all() == []
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_an_upload_with_no_file_asks_for_one_and_links_the_summary_to_the_field(
    client: FlaskClient, lead: User, procurement: Procurement
) -> None:
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    sign_in_as(client, lead)
    response = client.post(
        f"/procurements/BID-1/bids/{bid.id}/documents", data={}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Bid from Alpha Care" in page
    assert '<a href="#file">Select a file to upload</a>' in page
    assert 'id="file-error"' in page
    assert db.session.scalars(select(BidDocument)).all() == []


def test_a_good_upload_is_kept_outside_the_web_root_with_its_hash(
    app: Flask, client: FlaskClient, lead: User, procurement: Procurement
) -> None:
    bid = a_bid(procurement, a_bidder(procurement, "Alpha Care"), lead)
    sign_in_as(client, lead)
    # Judged by content: a PDF with a misleading name is still a PDF.
    response = upload(client, f"/procurements/BID-1/bids/{bid.id}/documents", "price.xlsx", PDF)
    assert response.status_code == 302
    (document,) = db.session.scalars(select(BidDocument)).all()
    assert document.original_filename == "price.pdf"
    assert document.content_type == "application/pdf"
    assert len(document.sha256) == 64
    stored = bids.stored_path(app.config["UPLOAD_DIR"], document)
    assert stored.read_bytes() == PDF
    assert "price" not in stored.name
    assert not str(stored).startswith(str(Path(app.static_folder or "static").resolve()))


def test_the_evaluation_gate_needs_the_deadline_passed_and_the_bids_opened(
    app: Flask, lead: User, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    procurement = a_procurement(lead)
    no_deadline(procurement)

    def unmet() -> list[str]:
        return unmet_conditions(db.session, procurement, "evaluation", clock.now(), only=GATES)

    assert "Set the tender deadline in the timetable" in unmet()
    a_deadline(procurement, DEADLINE)
    assert (
        "The tender deadline has not passed: bids stay sealed until 19 June 2026 at 12:00pm"
        in unmet()
    )
    after_the_deadline(app, monkeypatch)
    assert "Record the bids received" in unmet()
    a_bid(
        procurement,
        a_bidder(procurement, "Alpha Care"),
        lead,
        received_at=DEADLINE - timedelta(days=1),
    )
    assert "Open the bids: 1 bid is still unopened" in unmet()
    bids.open_bids(db.session, procurement, lead, clock.now())
    db.session.commit()
    mine = [u for u in unmet() if "bid" in u.lower() or "deadline" in u.lower()]
    assert mine == []


def test_on_a_procurement_with_lots_each_bid_names_its_lot(client: FlaskClient, lead: User) -> None:
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference="LOTS-1", lots=["East", "West"]),
        lead,
        clock.now(),
    )
    db.session.commit()
    east, west = procurement.lots
    bidder = a_bidder(procurement, "Alpha Care")
    sign_in_as(client, lead)
    missing = client.post("/procurements/LOTS-1/bids/new", data={"bidder_id": str(bidder.id)})
    assert "Select the lot this bid is for" in missing.get_data(as_text=True)
    for lot in (east, west):
        client.post(
            "/procurements/LOTS-1/bids/new",
            data={"bidder_id": str(bidder.id), "lot_id": str(lot.id)},
        )
    assert [b.lot_id for b in bids.bids_of(db.session, procurement)] == [east.id, west.id]
    again = client.post(
        "/procurements/LOTS-1/bids/new", data={"bidder_id": str(bidder.id), "lot_id": str(east.id)}
    )
    assert "A bid from Alpha Care is already recorded for East" in again.get_data(as_text=True)
