"""Which notices a procurement needs, when each falls due and where it stands."""

from datetime import date

import pytest

from tenderflow.domain.notices import (
    ACT,
    DRAFTED,
    DUE,
    IF_NEEDED,
    KINDS,
    OVERDUE,
    PCR,
    PUBLISHED,
    NoticeFacts,
    NoticeRecord,
    check_publication,
    contract_details_due,
    needed_codes,
    notices_for,
)

TODAY = date(2026, 12, 7)


def act(**kw):
    base = {
        "regime": ACT,
        "notices": ("tender notice", "contract award notice", "contract details notice"),
        "conditional_notices": (
            "procurement termination notice (if the procurement is abandoned)",
        ),
        "above_threshold": True,
        "stage_starts": {
            "eoi": date(2026, 8, 1),
            "itt": date(2026, 9, 1),
            "standstill": date(2026, 12, 1),
        },
    }
    return NoticeFacts(**{**base, **kw})


def test_an_advertised_procurement_above_the_threshold_needs_its_tender_award_and_details_notices():
    required, conditional = needed_codes(act())
    assert required == ["UK4", "UK6", "UK7"]
    assert conditional == ["UK2", "UK3", "UK9", "UK10", "UK11", "UK12"]


def test_a_direct_award_needs_its_transparency_notice_and_no_tender_notice():
    facts = act(
        notices=("transparency notice", "contract award notice", "contract details notice"),
        conditional_notices=(),
    )
    required, conditional = needed_codes(facts)
    assert required == ["UK5", "UK6", "UK7"]
    assert "UK4" not in conditional and "UK2" not in conditional


def test_an_invited_tender_below_the_threshold_needs_only_its_contract_details_notice():
    facts = NoticeFacts(regime=ACT, notices=("contract details notice",))
    assert needed_codes(facts) == (["UK7"], [])


def test_a_contracts_finder_notice_under_pcr_2015_stands_for_its_opportunity_and_award():
    facts = NoticeFacts(regime=PCR, notices=("Contracts Finder notice",))
    assert needed_codes(facts) == (["CF-OPPORTUNITY", "CF-AWARD"], [])


def test_the_contract_details_notice_is_due_on_the_30th_day_beginning_with_the_contract():
    assert contract_details_due(date(2027, 1, 1), light_touch=False) == date(2027, 1, 30)
    assert contract_details_due(date(2027, 1, 1), light_touch=True) == date(2027, 4, 30)


def test_the_tender_notice_falls_due_when_the_competition_opens_and_is_overdue_the_day_after():
    facts = act(stage_starts={"eoi": TODAY, "itt": date(2027, 1, 5)})
    [uk4] = [n for n in notices_for(facts, [], TODAY) if n.notice_type == "UK4"]
    assert (uk4.due, uk4.status) == (TODAY, DUE)
    [uk4] = [n for n in notices_for(facts, [], date(2026, 12, 8)) if n.notice_type == "UK4"]
    assert uk4.status == OVERDUE


def test_a_published_notice_keeps_its_platform_id_and_date_and_a_drafted_one_says_so():
    records = [
        NoticeRecord(
            "UK4", drafted=True, published_id="2026/S 000-012345", published_on=date(2026, 8, 1)
        ),
        NoticeRecord("UK6", drafted=True),
    ]
    notices = {n.notice_type: n for n in notices_for(act(), records, date(2026, 11, 30))}
    assert notices["UK4"].status == PUBLISHED
    assert notices["UK4"].to_dict() == {
        "notice_type": "UK4",
        "status": "published",
        "due": "2026-08-01",
        "published_id": "2026/S 000-012345",
        "published_on": "2026-08-01",
    }
    assert notices["UK6"].status == DRAFTED
    assert notices["UK7"].status == DUE and notices["UK7"].due is None
    assert notices["UK12"].status == IF_NEEDED


def test_a_light_touch_contract_details_notice_is_due_120_days_after_the_contract():
    facts = act(light_touch=True, contract_entered=date(2027, 1, 1))
    [uk7] = [n for n in notices_for(facts, [], date(2027, 4, 30)) if n.notice_type == "UK7"]
    assert (uk7.due, uk7.status) == (date(2027, 4, 30), DUE)
    [uk7] = [n for n in notices_for(facts, [], date(2027, 5, 1)) if n.notice_type == "UK7"]
    assert uk7.status == OVERDUE


def test_an_optional_notice_is_never_overdue():
    facts = act(planned_procurement_notice=date(2026, 6, 1))
    [uk3] = [n for n in notices_for(facts, [], TODAY) if n.notice_type == "UK3"]
    assert (uk3.due, uk3.status) == (date(2026, 6, 1), IF_NEEDED)


@pytest.mark.parametrize(
    ("published_id", "published_on", "message"),
    [
        ("", date(2026, 12, 1), "Enter the Find a Tender notice ID"),
        ("x" * 61, date(2026, 12, 1), "The Find a Tender notice ID must be 60 characters or fewer"),
        ("2026/S 000-1", date(2026, 12, 8), "The date published must be today or in the past"),
        (
            "2026/S 000-1",
            date(2026, 7, 31),
            "The contract award notice cannot be published before the tender notice (2026-08-01)",
        ),
    ],
)
def test_recording_a_publication_is_refused_with_the_reason(published_id, published_on, message):
    errors = check_publication("UK6", published_id, published_on, TODAY, {"UK4": date(2026, 8, 1)})
    assert errors == [message]


def test_every_notice_kind_uses_a_release_tag_of_ocds_1_1():
    tags = {
        "planning",
        "tender",
        "tenderCancellation",
        "award",
        "contract",
        "contractAmendment",
        "contractTermination",
        "implementation",
    }
    assert {kind.tag for kind in KINDS.values()} <= tags
