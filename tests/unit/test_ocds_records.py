"""Records are compiled by ocdsmerge under the merge rules of the schema the releases follow."""

from datetime import date

from ocdsmerge import Merger
from ocdsmerge.rules import get_merge_rules

from tenderflow.domain.ocds import build_release
from tenderflow.services.notices import merge_rules
from tests.ocds_validation import release_problems, release_schema
from tests.unit.test_ocds_releases import facts


def test_the_shipped_merge_rules_are_those_of_the_vendored_schema_with_the_uk_extension():
    assert merge_rules() == get_merge_rules(release_schema())


def test_a_tender_and_an_award_notice_compile_into_one_valid_release():
    releases = [
        build_release(facts(), "UK4", date(2026, 8, 3)),
        build_release(facts(), "UK6", date(2026, 12, 1)),
    ]
    compiled = Merger(merge_rules=merge_rules()).create_compiled_release(releases)
    assert compiled["tag"] == ["compiled"]
    assert compiled["date"] == "2026-12-01T00:00:00Z"
    assert [d["noticeType"] for d in compiled["tender"]["documents"]] == ["UK4"]
    assert compiled["awards"][0]["documents"][0]["noticeType"] == "UK6"
    assert release_problems(compiled) == []
