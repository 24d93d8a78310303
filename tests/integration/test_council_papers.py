"""A procurement's council papers written from its records, read back as a reader would."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.documents import convert_to_pdf, pdf_page_count, pdf_text
from tenderflow.documents.pdf import soffice_path
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Bid, ConsensusScore, GeneratedDocument
from tenderflow.services import ServiceError, documents
from tenderflow.services.documents import reports
from tests.integration.council_papers import (
    AWKWARD,
    EAST_ASSESSED,
    EAST_EXCLUDED,
    EAST_LATE,
    EAST_WINNER,
    WEST_WINNER,
    YARMOUTH_WINNER,
    docx_text,
    load_histories,
    procurement,
)
from tests.integration.documents_world import storage

TODAY = date(2026, 6, 15)


@pytest.fixture
def histories(app: Any) -> None:
    load_histories()


def written(reference: str, kind: str) -> dict[str, str]:
    """Write a kind's documents and return each file's text by file name."""
    kept = reports.generate(
        db.session,
        storage(),
        procurement(reference),
        kind,
        now=clock.now(),
        today=TODAY,
        user=None,
    )
    db.session.commit()
    return {r.filename: docx_text(documents.read_document(storage(), r)) for r in kept}


def test_the_evaluation_report_is_written_per_lot_with_every_bid_and_score(
    histories: None,
) -> None:
    texts = written("KCC-IDAS-2026", "evaluation")
    assert sorted(texts) == [
        "KCC-IDAS-2026-evaluation-report-lot-1.docx",
        "KCC-IDAS-2026-evaluation-report-lot-2.docx",
    ]
    east = texts["KCC-IDAS-2026-evaluation-report-lot-1.docx"]
    assert (
        "The panel recommends that the Supporting People Commissioning Body approves the award "
        f"of the Kent Integrated Domestic Abuse Service (East Kent) contract to {EAST_WINNER}"
    ) in east
    for bidder in (*EAST_ASSESSED, EAST_EXCLUDED, EAST_LATE):
        assert bidder in east
    assert WEST_WINNER not in east
    # Totals as the scoring rules give them: 53.00 quality + 30.45 price.
    assert "83.45" in east and "77.08" in east and "72.60" in east and "69.83" in east
    assert "Trustee of the bidder until March 2025" in east  # the declared conflict
    assert "Tender deadline extended by one week" in east  # the slipped stage's reason
    assert "Public liability cover of £2 million only" in east  # why a bid was excluded
    assert "CQ-002" in east  # clarifications log
    assert "Excellent: comprehensive" in east  # consensus rationale
    west = texts["KCC-IDAS-2026-evaluation-report-lot-2.docx"]
    assert f"contract to {WEST_WINNER}" in west and "89.34" in west
    assert "Final, version 1" in east
    again = written("KCC-IDAS-2026", "evaluation")
    assert "Final, version 2" in again["KCC-IDAS-2026-evaluation-report-lot-1.docx"]


def test_each_assessed_bidder_gets_a_summary_naming_no_other_unsuccessful_bidder(
    histories: None,
) -> None:
    texts = written("KCC-IDAS-2026", "assessment-summaries")
    east = {name: text for name, text in texts.items() if "-lot-1-" in name}
    assert len(east) == len(EAST_ASSESSED) and len(texts) == 7
    oasthouse = texts["KCC-IDAS-2026-assessment-summary-lot-1-Oasthouse-Women-s-Aid.docx"]
    assert EAST_WINNER in oasthouse  # the winner's scores, as the Procurement Act 2023 asks
    assert AWKWARD not in oasthouse and "Weald Refuge Partnership" not in oasthouse
    assert "69.83" in oasthouse and "83.45" in oasthouse
    assert "standstill" in oasthouse.lower()
    awkward = texts["KCC-IDAS-2026-assessment-summary-lot-1-Smith-Jones-Ltd.docx"]
    assert AWKWARD in awkward  # the name survives escaping intact


def test_the_committee_report_asks_the_body_to_approve_each_lot_award(histories: None) -> None:
    (text,) = written("KCC-IDAS-2026", "committee").values()
    assert "The Supporting People Commissioning Body is asked to approve" in text
    assert f"(East Kent) contract to {EAST_WINNER}" in text
    assert f"(West Kent) contract to {WEST_WINNER}" in text
    for part in ("By:", "To:", "Subject:", "Classification:", "Background documents"):
        assert part in text
    assert AWKWARD in text and "83.45" in text


def test_the_procurement_plan_has_the_kent_headings_and_the_plan_text(histories: None) -> None:
    (text,) = written("NCC-GY-FS-2026", "procurement-plan").values()
    for heading in (
        "Funding",
        "Business objectives",
        "Current supply",
        "Market position",
        "Procurement risks",
        "Evaluation team",
        "Estimated timetable",
        "Reviews planned",
    ):
        assert heading in text
    assert "Service users' support disrupted at transfer" in text
    assert "Grace Okafor" in text  # the evaluation team from the panel
    assert "Agreed procurement plan" in text


def test_every_kind_is_kept_with_its_date_user_and_hash(histories: None, make_user: Any) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    kept = reports.generate(
        db.session,
        storage(),
        procurement("NCC-GY-FS-2026"),
        "assessment-summaries",
        now=clock.now(),
        today=TODAY,
        user=lead,
    )
    db.session.commit()
    assert {r.bidder for r in kept} == {
        YARMOUTH_WINNER,
        "Breydon Floating Support CIC",
        "Gorleston Community Trust",
    }
    for record in kept:
        data = storage().path_of(record).read_bytes()
        assert record.sha256 == hashlib.sha256(data).hexdigest()
        assert record.generated_by == lead and record.generated_at == clock.now()


def test_a_kind_that_cannot_be_written_yet_says_why(histories: None) -> None:
    with pytest.raises(ServiceError, match="No procurement plan has been written"):
        reports.build(db.session, procurement("CCC-USER-SURVEY"), "procurement-plan", TODAY)
    with pytest.raises(ServiceError, match="have not all been opened"):
        reports.build(db.session, procurement("CCC-NEEDS-2027"), "evaluation", TODAY)
    with pytest.raises(ServiceError, match="no evaluation model"):
        reports.build(db.session, procurement("CCC-AT-REVIEW"), "committee", TODAY)
    yarmouth = procurement("NCC-GY-FS-2026")
    one = db.session.scalar(
        select(ConsensusScore).join(Bid).where(Bid.procurement_id == yarmouth.id).limit(1)
    )
    db.session.delete(one)
    db.session.flush()
    with pytest.raises(ServiceError, match="1 consensus score is still to be agreed"):
        reports.build(db.session, yarmouth, "assessment-summaries", TODAY)
    with pytest.raises(ServiceError, match="unknown kind"):
        reports.build(db.session, yarmouth, "minutes", TODAY)
    assert db.session.scalar(select(GeneratedDocument.id)) is None


def test_the_evaluation_report_from_the_database_reads_right_in_libreoffice(
    histories: None, tmp_path: Any
) -> None:
    if soffice_path() is None:
        pytest.fail(
            "LibreOffice (soffice) is not installed: scripts/ensure-system-packages libreoffice",
            pytrace=False,
        )
    (record,) = reports.generate(
        db.session,
        storage(),
        procurement("NCC-GY-FS-2026"),
        "evaluation",
        now=clock.now(),
        today=TODAY,
        user=None,
    )
    db.session.commit()
    (pdf,) = convert_to_pdf(storage().path_of(record), tmp_path)
    assert 6 <= pdf_page_count(pdf) <= 20
    text = " ".join(pdf_text(pdf).split())
    assert f"contract to {YARMOUTH_WINNER}" in text
    for bidder in (
        YARMOUTH_WINNER,
        "Breydon Floating Support CIC",
        "Gorleston Community Trust",
        "Northgate Care Partnership",
    ):
        assert bidder in text
    result = next(
        r
        for r in reports.evaluation.results_of(
            reports.evaluation.final_evaluation(db.session, procurement("NCC-GY-FS-2026"), None)
        )
        if r.bidder == YARMOUTH_WINNER
    )
    assert f"{result.total:.2f}" in text


def test_the_demo_histories_stand_where_they_say_and_load_once(histories: None) -> None:
    stages = {
        reference: procurement(reference).stage
        for reference in (
            "KCC-IDAS-2026",
            "NCC-GY-FS-2026",
            "CCC-AT-REVIEW",
            "CCC-NEEDS-2027",
            "CCC-USER-SURVEY",
        )
    }
    assert stages == {
        "KCC-IDAS-2026": "standstill",
        "NCC-GY-FS-2026": "standstill",
        "CCC-AT-REVIEW": "itt",
        "CCC-NEEDS-2027": "itt",
        "CCC-USER-SURVEY": "evaluation",
    }
    bids = db.session.scalar(select(func.count(Bid.id)))
    load_histories()
    assert db.session.scalar(select(func.count(Bid.id))) == bids
    sealed = db.session.scalars(
        select(Bid).where(Bid.procurement_id == procurement("CCC-NEEDS-2027").id)
    ).all()
    assert sealed and all(b.opened_at is None and b.price is None for b in sealed)
