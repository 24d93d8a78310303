"""Which stages a procurement passes through: the route decision, the procedure and the lead's choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tenderflow.domain.regulations import RouteRequest, decide_route
from tenderflow.domain.stages import (
    StageChoiceError,
    check_flexible_stages,
    has_participation_stage,
    shortlists,
    stages_for,
)

ACT = date(2026, 6, 1)
PCR = date(2024, 6, 3)


def decision(value: str, start: date = ACT, **facts: Any) -> dict[str, Any]:
    request = RouteRequest(value=Decimal(value), start_date=start, **facts)
    return decide_route(request, "cambridgeshire-2008").to_dict()


def test_a_regulated_below_threshold_tender_under_the_act_has_no_eoi() -> None:
    invited = decision("50000")  # £60,000 including VAT: a regulated below-threshold contract
    assert (invited["route"], invited["shortlisting_allowed"]) == ("invited-tender", False)
    assert stages_for("invited-tender", invited)[:3] == ("planning", "itt", "evaluation")
    assert not shortlists("invited-tender", invited)


def test_a_below_threshold_tender_keeps_its_eoi_where_the_rules_allow_shortlisting() -> None:
    before_the_act = decision("50000", PCR)
    assert before_the_act["shortlisting_allowed"] is True
    assert stages_for("invited-tender", before_the_act)[:3] == ("planning", "eoi", "itt")
    assert shortlists("invited-tender", before_the_act)


def test_a_procurement_planned_before_stages_followed_the_procedure_keeps_its_eoi() -> None:
    invited, national = decision("50000"), decision("900000")
    assert stages_for("invited-tender", invited, legacy=True)[:2] == ("planning", "eoi")
    assert stages_for("national-procedure", national, legacy=True)[:2] == ("planning", "eoi")
    assert shortlists("national-procedure", national, legacy=True)
    # Chosen stages mean nothing to a legacy plan: it never had negotiation.
    legacy = stages_for("national-procedure", national, ("negotiation",), legacy=True)
    assert "negotiation" not in legacy


def test_the_open_procedure_has_no_participation_stage_whatever_is_chosen() -> None:
    national = decision("900000")
    assert national["procedure"] == "open"
    stages = stages_for("national-procedure", national, ("participation", "negotiation"))
    assert stages == (
        "planning",
        "itt",
        "evaluation",
        "moderation",
        "standstill",
        "award",
        "contract",
    )


def test_competitive_flexible_participation_without_shortlisting_has_an_eoi_but_no_shortlist() -> (
    None
):
    flexible = decision("900000", procedure="competitive-flexible")
    assert has_participation_stage("national-procedure", flexible, ("participation",))
    assert not shortlists("national-procedure", flexible, ("participation",))
    assert shortlists("national-procedure", flexible, ("participation", "shortlisting"))
    assert not has_participation_stage("national-procedure", flexible, ())


def test_a_direct_award_has_no_competition_stages() -> None:
    technical = decision("900000", direct_award="single-supplier-technical")
    urgent = decision("900000", direct_award="extreme-urgency")
    assert stages_for("direct-award", technical) == ("planning", "standstill", "award", "contract")
    assert stages_for("direct-award", urgent) == ("planning", "award", "contract")
    assert not shortlists("direct-award", technical)


@pytest.mark.parametrize(
    ("chosen", "problem"),
    [
        (("shortlisting",), "needs a participation stage"),
        (("participation", "dialogue"), "unknown competitive flexible stage 'dialogue'"),
    ],
)
def test_competitive_flexible_stages_that_cannot_run_are_refused(
    chosen: tuple[str, ...], problem: str
) -> None:
    with pytest.raises(StageChoiceError, match=problem):
        check_flexible_stages(chosen)


def test_every_competitive_flexible_stage_together_is_accepted() -> None:
    check_flexible_stages(("participation", "shortlisting", "negotiation", "further-tendering"))
    check_flexible_stages(())
