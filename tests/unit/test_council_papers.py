"""The council papers' kinds and shared wording rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenderflow.domain import council_papers as papers


def test_each_kind_is_found_by_its_command_line_name() -> None:
    assert papers.paper_kind("evaluation").stored == "tender-evaluation-report"
    assert papers.paper_kind("assessment-summaries").per_lot is True
    assert papers.KIND_NAMES == (
        "procurement-plan",
        "evaluation",
        "assessment-summaries",
        "committee",
    )


def test_an_unknown_kind_names_the_kinds_there_are() -> None:
    with pytest.raises(KeyError, match="use one of procurement-plan, evaluation"):
        papers.paper_kind("minutes")


def test_a_lot_s_documents_are_kept_under_their_own_kind() -> None:
    kind = papers.paper_kind("evaluation")
    assert papers.stored_kind(kind, None) == "tender-evaluation-report"
    assert papers.stored_kind(kind, 2) == "tender-evaluation-report:lot-2"
    assert papers.kind_of_stored("tender-evaluation-report:lot-2") is kind
    assert papers.kind_of_stored("capital-priority-list") is None


def test_free_text_splits_into_paragraphs_at_blank_lines() -> None:
    text = "First line\nwrapped here.\n\n\nSecond paragraph.\r\n\r\nThird."
    assert papers.paragraphs(text) == ("First line wrapped here.", "Second paragraph.", "Third.")
    assert papers.paragraphs("  \n\n ") == ()


def test_risks_are_read_one_a_line_as_risk_then_controls() -> None:
    text = "- TUPE costs: information on request\n\nChallenge: follow the rules: openly\nNo controls yet"
    assert papers.risks_and_controls(text) == (
        ("TUPE costs", "information on request"),
        ("Challenge", "follow the rules: openly"),
        ("No controls yet", ""),
    )


def test_award_terms_state_the_term_and_any_extension() -> None:
    start = date(2027, 4, 1)
    assert papers.award_terms(3, 2, start) == (
        "for three years from 1 April 2027, with the option to extend for up to two years more"
    )
    assert papers.award_terms(1, 0, start) == "for one year from 1 April 2027"
    assert papers.award_terms(None, 0, start) == "from 1 April 2027"
    assert papers.award_terms(12, 0, start).startswith("for 12 years")


def test_a_lot_is_named_without_its_list_of_places() -> None:
    assert papers.short_lot("East Kent (Ashford, Canterbury)") == "East Kent"
    assert papers.contract_name("Domestic abuse service", "West Kent (Dartford)") == (
        "Domestic abuse service (West Kent)"
    )
    assert papers.contract_name("Floating support", None) == "Floating support"
    assert papers.join_words(["a", "b", "c"]) == "a, b and c" and papers.join_words(["a"]) == "a"


def test_an_annual_price_spreads_the_whole_life_price_over_term_and_extensions() -> None:
    assert papers.annual_price(Decimal("9210000"), 3, 2) == Decimal("1842000.00")
    assert papers.annual_price(Decimal("100"), None, 0) == Decimal("100.00")
    assert papers.annual_price(Decimal("100"), 3, 0) == Decimal("33.33")


def test_a_kept_document_is_named_by_its_kind_bidder_and_lot() -> None:
    summaries = papers.paper_kind("assessment-summaries")
    assert summaries.name_of("Smith & Jones <Ltd>", "East Kent (Ashford)") == (
        "Assessment summary: Smith & Jones <Ltd>, East Kent lot"
    )
    assert papers.paper_kind("evaluation").name_of(None, "West Kent (Dartford)") == (
        "Tender evaluation report: West Kent lot"
    )
    assert papers.paper_kind("committee").name_of(None, None) == "Report to the commissioning body"
    assert papers.lot_of_stored("assessment-summary:lot-2") == 2
    assert papers.lot_of_stored("committee-report") is None
