"""The probity attacks, each played in Chromium on the demo data as the person who would try it.

Each attack is refused on the page the person sees (the GOV.UK error summary, or the 404
page); nothing changes (the page is loaded again, or the database read through the app); and
each refusal is in the audit log. The rules themselves are tested through the services and the
test client in tests/integration/test_probity_*.py.

One signed-in browser context per person is shared by the tests of this module; axe-core and
the Content-Security-Policy watch are checked after each test, as for the ``page`` fixture.
The state an attack needs is set up on the app's own pages, on demo procurements no other
browser test uses; where the tender deadline has to pass, the live server's clock is moved
and put back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tenderflow.cli import main
from tenderflow.demo import DEMO_LOGINS, DEMO_PASSWORD
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    AwardApproval,
    Bid,
    Bidder,
    CapitalScheme,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorScore,
    PanelMember,
    Procurement,
    StageDates,
    User,
)
from tests.e2e.conftest import Watched, sign_in

NEEDS = "CCC-NEEDS-2027"  # at ITT, two sealed bids, the tender deadline ahead
KENT = "KCC-IDAS-2026"  # in standstill; evaluator2@ declared a conflict with Weald Refuge
YARMOUTH = "NCC-GY-FS-2026"  # in standstill, the moderator on its panel
REVIEW = "CCC-AT-REVIEW"  # at ITT, advertised, no bids yet
SURVEY = "CCC-USER-SURVEY"  # in evaluation, no moderator on its panel
SCORING = "CCC-YP-FLOAT-2027"  # being scored
HUNTS = "CCC-SH-HUNTS-2027"  # in moderation; the commissioning body not yet asked

LEAD = "lead@tenderflow.example"
LEAD2 = "lead2@tenderflow.example"
ADMIN = "admin@tenderflow.example"
MODERATOR = "moderator@tenderflow.example"
EVALUATOR2 = "evaluator2@tenderflow.example"
BODY = "commissioning@tenderflow.example"
SECOND_SCORER = "spteam2@tenderflow.example"


# People, each signed in once in their own browser context -------------------------------------


class People:
    """Demo users, each signed in on first use in a browser context of their own."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: dict[str, Watched] = {}
        self.pages: dict[str, Page] = {}

    def __call__(self, email: str) -> Page:
        if email not in self.pages:
            assert email in dict(DEMO_LOGINS), f"{email} is not a demo login"
            watched = Watched(self.browser, self.base_url)
            page = watched.new_page()
            sign_in(page, email, DEMO_PASSWORD)
            self.contexts[email], self.pages[email] = watched, page
        return self.pages[email]

    def another_tab(self, email: str) -> Page:
        """A second tab in the person's own session."""
        self(email)
        return self.contexts[email].new_page()

    def check(self) -> None:
        """Fail on any accessibility violation or CSP refusal reported so far."""
        problems: list[str] = []
        for watched in self.contexts.values():
            watched.settle()
            problems += [f"the Content-Security-Policy blocked: {b}" for b in watched.blocked]
            problems += watched.violations
            watched.blocked.clear()
            watched.violations.clear()
        assert problems == [], "accessibility (axe-core, WCAG 2.2 AA) or CSP:\n" + "\n".join(
            problems
        )

    def close(self) -> None:
        for watched in self.contexts.values():
            watched.close_and_check()


@pytest.fixture(scope="module")
def people(browser: Browser, live_server: SimpleNamespace) -> Iterator[People]:
    found = People(browser, live_server.url)
    yield found
    found.close()


@pytest.fixture(autouse=True)
def accessible(people: People) -> Iterator[None]:
    yield
    people.check()


@pytest.fixture
def app(live_server: SimpleNamespace) -> Flask:
    return live_server.app  # type: ignore[no-any-return]


@pytest.fixture
def clock_at(app: Flask) -> Iterator[Any]:
    """Move the live server's clock for one test (time passing), then put it back."""
    before = app.config["FROZEN_NOW"]

    def move(instant: str) -> None:
        app.config["FROZEN_NOW"] = instant

    yield move
    app.config["FROZEN_NOW"] = before


# Reading the live server's database, as the app sees it ---------------------------------------


@contextmanager
def database(app: Flask) -> Iterator[Session]:
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def procurement_id(session: Session, reference: str) -> int:
    found = session.scalar(select(Procurement.id).where(Procurement.reference == reference))
    assert found is not None
    return found


def bid_of(app: Flask, reference: str, bidder: str) -> SimpleNamespace:
    """The bid's id, price and state, read afresh."""
    with database(app) as session:
        bid = session.scalar(
            select(Bid)
            .join(Bidder, Bid.bidder_id == Bidder.id)
            .where(Bid.procurement_id == procurement_id(session, reference), Bidder.name == bidder)
            .order_by(Bid.id)
        )
        assert bid is not None
        return SimpleNamespace(
            id=bid.id,
            price=bid.price,
            opened_at=bid.opened_at,
            late=bid.late,
            excluded=bid.excluded,
            late_acceptance_reason=bid.late_acceptance_reason,
        )


def refusals(app: Flask, email: str) -> list[str]:
    """The summaries of the person's refused attempts in the audit log, oldest first."""
    with database(app) as session:
        return list(
            session.scalars(
                select(AuditEvent.summary)
                .join(User, AuditEvent.actor_id == User.id)
                .where(AuditEvent.action == "refused", User.email == email)
                .order_by(AuditEvent.id)
            )
        )


def new_refusals(app: Flask, email: str, before: list[str]) -> list[str]:
    return refusals(app, email)[len(before) :]


# On the page ----------------------------------------------------------------------------------


def error_summary(page: Page) -> Locator:
    expect(page).to_have_title(re.compile(r"^Error: "))
    return page.locator(".govuk-error-summary")


def not_found(page: Page, url: str) -> None:
    """Open the URL and see the 404 page."""
    response = page.goto(url)
    assert response is not None and response.status == 404, f"{url} answered {response}"
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def add_to_form(form: Locator, name: str, value: str) -> None:
    """Add a field the page does not offer, as someone editing the page in the browser would."""
    form.evaluate(
        """(form, [name, value]) => {
          const input = document.createElement('input');
          input.type = 'hidden'; input.name = name; input.value = value;
          form.appendChild(input);
        }""",
        [name, value],
    )


def post_from(page: Page, action: str, fields: dict[str, str] | None = None) -> None:
    """Send a form the page does not offer, with the session's CSRF token, as someone
    writing it into the page in the browser would."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
              const form = document.createElement('form');
              form.method = 'post'; form.action = action;
              const token = document.querySelector('input[name=csrf_token]').value;
              for (const [name, value] of Object.entries({csrf_token: token, ...fields})) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
              }
              document.body.appendChild(form);
              form.submit();
            }""",
            [action, fields or {}],
        )


def gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# Attack 1: unsealing the bids by re-planning --------------------------------------------------


def stage_plan(app: Flask, reference: str) -> list[tuple[str, date, date]]:
    with database(app) as session:
        return [
            (row.stage, row.planned_start, row.planned_end)
            for row in session.scalars(
                select(StageDates)
                .where(StageDates.procurement_id == procurement_id(session, reference))
                .order_by(StageDates.position)
            )
        ]


def test_the_lead_cannot_unseal_the_bids_by_replanning_the_finished_planning_stage(
    people: People, app: Flask
) -> None:
    lead = people(LEAD)
    before, audited = stage_plan(app, NEEDS), refusals(app, LEAD)
    lead.goto(f"/procurements/{NEEDS}/bids")
    sealed = lead.get_by_text(
        re.compile(r"Bids are sealed until the tender deadline has passed \(\d+ \w+ 2026")
    )
    expect(sealed).to_be_visible()
    deadline = sealed.inner_text()
    # The finished stage offers no change; the lead types the address of the form instead.
    lead.goto(f"/procurements/{NEEDS}")
    expect(lead.get_by_role("link", name="Change planned dates for Planning")).to_have_count(0)
    lead.goto(f"/procurements/{NEEDS}/timetable/planning/edit")
    fill_date(lead, "Planned start", date(2025, 1, 1))
    fill_date(lead, "Planned end", date(2025, 1, 3))
    lead.get_by_role("button", name="Save planned dates").click()
    expect(error_summary(lead)).to_contain_text(
        "Planning has ended: its dates are history and cannot be re-planned"
    )

    assert stage_plan(app, NEEDS) == before
    lead.goto(f"/procurements/{NEEDS}/bids")
    expect(lead.get_by_text(deadline)).to_be_visible()  # the same deadline, still sealed
    expect(lead.get_by_role("button", name="Open the bids")).to_have_count(0)
    # Sending the opening form all the same is refused too.
    post_from(lead, f"/procurements/{NEEDS}/bids/open")
    expect(
        lead.get_by_text("Bids are sealed until the tender deadline has passed").first
    ).to_be_visible()
    expect(lead.get_by_role("row").filter(has_text="Sealed")).to_have_count(2)
    replanned, opening = new_refusals(app, LEAD, audited)
    assert replanned.startswith("Refused to re-plan Planning to 2025-01-01 - 2025-01-03")
    assert opening.startswith("Refused to open the bids: Bids are sealed")


# Attack 2: reading commercial information without a part in the procurement -------------------


def test_another_lead_and_outsiders_get_404_and_no_price(people: People, app: Flask) -> None:
    harbour = bid_of(app, KENT, "Harbour Light Housing Trust")
    url = f"/procurements/{KENT}/bids/{harbour.id}"
    lead = people(LEAD)
    lead.goto(url)
    expect(lead.get_by_text(gbp(harbour.price))).to_be_visible()  # the price, to its lead

    audited = refusals(app, LEAD2)
    intruder = people(LEAD2)
    not_found(intruder, url)
    assert gbp(harbour.price) not in intruder.content()
    not_found(intruder, f"/procurements/{KENT}/bids")
    intruder.goto(f"/procurements/{KENT}")
    expect(intruder.get_by_text("Withheld: you have no need to know").first).to_be_visible()
    expect(intruder.get_by_role("link", name=re.compile("bids", re.I))).to_have_count(0)
    assert gbp(harbour.price) not in intruder.content()
    logged = new_refusals(app, LEAD2, audited)
    assert len(logged) == 2 and all(f"{LEAD2} has no need to know on {KENT}" in s for s in logged)

    # A moderator on no panel of the user survey, and the commissioning body before it is asked.
    audited = refusals(app, MODERATOR)
    not_found(people(MODERATOR), f"/procurements/{SURVEY}/bids")
    assert len(new_refusals(app, MODERATOR, audited)) == 1
    audited = refusals(app, BODY)
    body = people(BODY)
    not_found(body, f"/procurements/{HUNTS}/bids")
    not_found(body, f"/evaluations/{HUNTS}/results")
    assert len(new_refusals(app, BODY, audited)) == 2


def test_a_moderator_who_declares_a_conflict_no_longer_sees_that_bid_or_its_price(
    people: People, app: Flask
) -> None:
    moderator = people(MODERATOR)
    # Where the moderator has already agreed a bidder's scores, a conflict declared now is
    # refused: the results rest on their judgment, so the lead must decide.
    agreed = bid_of(app, YARMOUTH, "Breydon Floating Support CIC")
    moderator.goto(f"/evaluations/{YARMOUTH}/conflicts")
    moderator.get_by_role(
        "group", name="Do you have a conflict of interest with Breydon Floating Support CIC?"
    ).get_by_label("Yes", exact=True).check()
    moderator.get_by_label("Describe your conflict with Breydon Floating Support CIC").fill(
        "My sister joined the bidder's board this month."
    )
    moderator.get_by_role("button", name="Record my declaration").click()
    expect(moderator.locator(".govuk-error-summary")).to_contain_text(
        "You have agreed consensus scores for this bidder: tell the procurement lead"
    )
    moderator.goto(f"/procurements/{YARMOUTH}/bids/{agreed.id}")
    expect(moderator.get_by_text(gbp(agreed.price))).to_be_visible()

    # In a moderation still under way, a bidder whose scores they have not agreed (the
    # moderation journey agrees the Huntingdon Night Light Trust's Q1 before this module).
    conflicted = bid_of(app, HUNTS, "Ouse Valley Housing Support")
    moderator.goto(f"/procurements/{HUNTS}/bids/{conflicted.id}")
    expect(moderator.get_by_text(gbp(conflicted.price))).to_be_visible()
    moderator.goto(f"/evaluations/{HUNTS}/conflicts")
    moderator.get_by_role(
        "group", name="Do you have a conflict of interest with Ouse Valley Housing Support?"
    ).get_by_label("Yes", exact=True).check()
    moderator.get_by_label("Describe your conflict with Ouse Valley Housing Support").fill(
        "My sister joined the bidder's board this month."
    )
    moderator.get_by_role("button", name="Record my declaration").click()
    expect(moderator.get_by_text("Your declaration of interests is recorded.")).to_be_visible()

    audited = refusals(app, MODERATOR)
    not_found(moderator, f"/procurements/{HUNTS}/bids/{conflicted.id}")
    assert gbp(conflicted.price) not in moderator.content()
    moderator.goto(f"/procurements/{HUNTS}/bids")
    expect(moderator.get_by_text("1 bid is withheld from you")).to_be_visible()
    expect(moderator.get_by_role("link", name="Ouse Valley Housing Support")).to_have_count(0)
    expect(moderator.get_by_role("link", name="St Neots Pathways")).to_be_visible()
    moderator.goto(f"/evaluations/{HUNTS}/results")
    expect(moderator.get_by_test_id("withheld")).to_be_visible()
    assert "Ouse Valley Housing Support" not in moderator.content()
    assert gbp(conflicted.price) not in moderator.content()
    assert len(new_refusals(app, MODERATOR, audited)) == 1


# Attacks 3 and 4: opening too much, then changing the method ----------------------------------


def record_bid(lead: Page, bidder: str) -> None:
    lead.goto(f"/procurements/{REVIEW}/bids/new")
    lead.get_by_label("Bidder").select_option(label=bidder)
    lead.get_by_role("button", name="Record the bid").click()
    expect(lead.get_by_text(f"Bid from {bidder} recorded.")).to_be_visible()


def model_versions(app: Flask, reference: str) -> list[str]:
    with database(app) as session:
        return list(
            session.scalars(
                select(EvaluationModelVersion.source)
                .where(EvaluationModelVersion.procurement_id == procurement_id(session, reference))
                .order_by(EvaluationModelVersion.version)
            )
        )


def kept_sealed(app: Flask, reference: str) -> list[str]:
    with database(app) as session:
        return list(
            session.scalars(
                select(AuditEvent.entity_id).where(
                    AuditEvent.action == "kept sealed",
                    AuditEvent.procurement_id == procurement_id(session, reference),
                )
            )
        )


def test_opening_opens_only_what_may_be_opened_and_then_the_method_cannot_change(
    people: People, app: Flask, clock_at: Any
) -> None:
    lead = people(LEAD)
    # Before the tender deadline (30 November 2026, 12pm): the model is published with the
    # ITT, two bids arrive on time and one of them is excluded.
    lead.goto(f"/evaluations/{REVIEW}/model")
    lead.get_by_label("Housing-related support services: quality 60%, price 40%").check()
    lead.get_by_role("button", name="Save the model").click()
    lead.get_by_role("button", name="Publish the model with the ITT").click()
    expect(lead.get_by_text("The evaluation model is published with the ITT.")).to_be_visible()
    record_bid(lead, "Fen Edge Research Ltd")
    record_bid(lead, "Ouse Consulting LLP")
    lead.get_by_role("link", name="Exclude the bid").click()
    lead.get_by_label("Why is the bid excluded?").fill("The supplier is on the debarment list.")
    lead.get_by_role("button", name="Exclude the bid").click()
    expect(lead.get_by_text("The bid from Ouse Consulting LLP is excluded.")).to_be_visible()
    # A second tab keeps the model form open from before the deadline.
    stale = people.another_tab(LEAD)
    stale.goto(f"/evaluations/{REVIEW}/model")
    expect(stale.get_by_role("button", name="Save the model")).to_be_visible()

    # Seven minutes after the deadline a third bid arrives: late.
    clock_at("2026-11-30T12:07:00+00:00")
    record_bid(lead, "Cam Valley Evaluation CIC")
    expect(lead.get_by_text("It arrived after the tender deadline")).to_be_visible()

    # Attack 3: opening opens the bid on time only.
    clock_at("2026-11-30T13:00:00+00:00")
    audited = refusals(app, LEAD)
    lead.goto(f"/procurements/{REVIEW}/bids")
    expect(lead.get_by_text("2 bids stay sealed")).to_be_visible()
    lead.get_by_role("button", name="Open the bids").click()
    expect(lead.get_by_text("1 bid opened.")).to_be_visible()
    rows = lead.get_by_role("row")
    expect(rows.filter(has_text="Fen Edge Research Ltd")).to_contain_text(
        "30 November 2026 at 1:00pm"
    )
    expect(rows.filter(has_text="Ouse Consulting LLP")).to_contain_text("Sealed")
    expect(rows.filter(has_text="Cam Valley Evaluation CIC")).to_contain_text("Sealed")
    late = bid_of(app, REVIEW, "Cam Valley Evaluation CIC")
    excluded = bid_of(app, REVIEW, "Ouse Consulting LLP")
    assert bid_of(app, REVIEW, "Fen Edge Research Ltd").opened_at is not None
    assert late.late and late.opened_at is None
    assert excluded.excluded and excluded.opened_at is None
    assert sorted(kept_sealed(app, REVIEW)) == sorted([str(late.id), str(excluded.id)])

    # Having seen the price of the one opened, the lead tries to let the late bid in.
    lead.get_by_role("link", name="Cam Valley Evaluation CIC").click()
    lead.get_by_role("link", name="Accept the late bid").click()
    lead.get_by_label("Why is the late bid accepted?").fill("Our portal was slow at 11:58.")
    lead.get_by_role("button", name="Accept the late bid").click()
    expect(error_summary(lead)).to_contain_text(
        "A late bid cannot be accepted once the bids have been opened"
    )
    lead.goto(f"/procurements/{REVIEW}/bids/{late.id}")
    expect(lead.get_by_text("Late: excluded unless an acceptance is recorded")).to_be_visible()
    price = lead.locator(".govuk-summary-list__row").filter(has_text="Price")
    expect(price).to_contain_text("Sealed")
    after = bid_of(app, REVIEW, "Cam Valley Evaluation CIC")
    assert after.late_acceptance_reason is None and after.opened_at is None
    [refusal] = new_refusals(app, LEAD, audited)
    assert refusal.startswith("Refused to accept the late bid from Cam Valley Evaluation CIC")

    # Nor can a new bid join those opened by being dated before the deadline.
    lead.goto(f"/procurements/{REVIEW}/bidders/new")
    lead.get_by_label("Organisation name").fill("Granta Friends Ltd")
    lead.get_by_role("button", name="Add the supplier").click()
    expect(lead.get_by_text("Granta Friends Ltd has been added.")).to_be_visible()
    lead.goto(f"/procurements/{REVIEW}/bids/new")
    lead.get_by_label("Bidder").select_option(label="Granta Friends Ltd")
    fill_date(lead, "Date received", date(2026, 11, 30))
    lead.get_by_label("Time received").fill("11:30")
    lead.get_by_role("button", name="Record the bid").click()
    expect(error_summary(lead)).to_contain_text(
        "a bid recorded since then cannot be dated before the tender deadline"
    )
    with database(app) as session:
        assert not session.scalar(
            select(func.count(Bid.id))
            .join(Bidder, Bid.bidder_id == Bidder.id)
            .where(Bidder.name == "Granta Friends Ltd")
        )
    assert new_refusals(app, LEAD, audited)[1].startswith(
        "Refused to record a bid from Granta Friends Ltd as received on 30 November 2026"
    )
    audited = refusals(app, LEAD)

    # Attack 4: from the form left open, the lead changes the weights and the price formula.
    stale.get_by_label(re.compile("Support service tender with interviews")).check()
    stale.get_by_label("Reason for the change (optional)").fill("Interviews would help.")
    stale.get_by_role("button", name="Save the model").click()
    summary = error_summary(stale)
    expect(summary).to_contain_text("The evaluation method is fixed")
    expect(summary).to_contain_text("and bids have been opened")
    expect(summary).to_contain_text("terminate the procurement with its reason")
    assert model_versions(app, REVIEW) == ["housing-support-60-40"]
    stale.goto(f"/evaluations/{REVIEW}/model")
    expect(stale.get_by_text("Quality 60%, price 40% (social value 0%)")).to_be_visible()
    expect(stale.get_by_role("button", name="Save the model")).to_have_count(0)
    [refusal] = new_refusals(app, LEAD, audited)
    assert refusal.startswith("Refused to change the evaluation model: The evaluation method")
    assert "and bids have been opened" in refusal
    # The way out is to terminate the procurement, with its reason.
    stale.get_by_role("link", name="Terminate the procurement").click()
    stale.get_by_label("Why is the procurement terminated?").fill(
        "The evaluation needs interviews; the procurement starts again with a new model."
    )
    stale.get_by_role("button", name="Terminate the procurement").click()
    expect(stale.get_by_text(f"{REVIEW} is terminated.")).to_be_visible()
    expect(stale.get_by_text(re.compile("Terminated on 30 November 2026"))).to_be_visible()
    stale.close()


# Attack 5: scores in someone else's name ------------------------------------------------------


def scores_of(app: Flask, reference: str, email: str) -> list[tuple[Any, ...]]:
    with database(app) as session:
        return [
            (s.bid_id, s.criterion_id, s.score, s.status, s.entered_by_id)
            for s in session.scalars(
                select(EvaluatorScore)
                .join(PanelMember, EvaluatorScore.panel_member_id == PanelMember.id)
                .join(User, PanelMember.user_id == User.id)
                .where(
                    PanelMember.procurement_id == procurement_id(session, reference),
                    User.email == email,
                )
                .order_by(EvaluatorScore.bid_id, EvaluatorScore.criterion_id)
            )
        ]


def user_id(app: Flask, email: str) -> int:
    with database(app) as session:
        found = session.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return found


def test_the_lead_cannot_submit_an_evaluators_scores_and_drafts_show_who_entered_them(
    people: People, app: Flask, tmp_path: Path
) -> None:
    lead = people(LEAD)
    before, audited = scores_of(app, SCORING, EVALUATOR2), refusals(app, LEAD)
    lead.goto(f"/evaluations/{SCORING}/panel")
    row = lead.get_by_role("row").filter(has_text="Daniel Hughes")
    with lead.expect_download() as download:
        row.get_by_role("link", name="Download workbook").click()
    workbook = tmp_path / "daniel-hughes.xlsx"
    download.value.save_as(workbook)
    book = openpyxl.load_workbook(workbook)
    rows = list(book["Scores"].iter_rows(min_row=2))
    for cells in rows:
        cells[3].value, cells[4].value = 4, "Read out at the panel day."
    book.save(workbook)

    # The form offers drafts only; the lead adds the "submit" answer to it in the browser.
    row.get_by_role("link", name="Import workbook").click()
    expect(lead.get_by_text("Only Daniel Hughes can submit them")).to_be_visible()
    expect(lead.get_by_label("Submit the scores on import (they are then locked)")).to_have_count(0)
    lead.get_by_label("Scoring workbook (.xlsx)").set_input_files(str(workbook))
    add_to_form(lead.locator("form[enctype='multipart/form-data']"), "submit_scores", "yes")
    lead.get_by_role("button", name="Import the workbook").click()
    expect(error_summary(lead)).to_contain_text("Only Daniel Hughes can submit their scores")
    assert scores_of(app, SCORING, EVALUATOR2) == before
    [refusal] = new_refusals(app, LEAD, audited)
    assert "only the evaluator submits their scores" in refusal

    # As drafts, the scores are entered in the lead's name, and the evaluator is told.
    lead.get_by_label("Scoring workbook (.xlsx)").set_input_files(str(workbook))
    lead.get_by_role("button", name="Import the workbook").click()
    expect(lead.get_by_text(f"{len(rows)} scores imported as drafts.")).to_be_visible()
    entered = scores_of(app, SCORING, EVALUATOR2)
    assert len(entered) == len(rows)
    assert {(s[3], s[4]) for s in entered} == {("draft", user_id(app, LEAD))}
    evaluator = people(EVALUATOR2)
    evaluator.goto(f"/evaluations/{SCORING}/criteria/Q2/scores")
    expect(
        evaluator.get_by_text("by Priya Raman: check it before you submit").first
    ).to_be_visible()
    evaluator.goto(f"/evaluations/{SCORING}/submit")
    expect(
        evaluator.get_by_text(re.compile(r"entered by Priya Raman from a workbook"))
    ).to_be_visible()


# Attack 6: capital scoring is blind -----------------------------------------------------------


def test_a_scorer_who_has_not_scored_a_scheme_sees_no_scores_so_far(
    people: People, app: Flask
) -> None:
    with database(app) as session:
        scheme = session.scalar(
            select(CapitalScheme.id).where(CapitalScheme.name == "St Ives extra care courtyard")
        )
    audited = refusals(app, SECOND_SCORER)
    scorer = people(SECOND_SCORER)
    scorer.goto(f"/capital/schemes/{scheme}")
    expect(
        scorer.get_by_text("Other scorers' marks are hidden until you have scored this scheme")
    ).to_be_visible()
    expect(scorer.get_by_text("Scores so far")).to_have_count(0)
    # Nor can the scorer open the agreement, where the marks would show.
    scorer.goto(f"/capital/schemes/{scheme}/agree")
    expect(scorer).to_have_url(re.compile(rf"/capital/schemes/{scheme}/score$"))
    expect(
        scorer.get_by_text("Score this scheme yourself before you see or agree other scores.")
    ).to_be_visible()
    assert "Scored 3 on the evidence in the matrix." not in scorer.content()  # the other's marks
    [refusal] = new_refusals(app, SECOND_SCORER, audited)
    assert refusal.startswith("Agreeing scores on St Ives extra care courtyard refused")


# Attack 7: results that ignore a declared conflict --------------------------------------------


def test_the_results_leave_out_the_bid_an_evaluator_declared_a_conflict_with(
    people: People, app: Flask
) -> None:
    lead = people(LEAD)
    lead.goto(f"/evaluations/{KENT}/results")
    expect(lead.get_by_test_id("ranking").first).to_contain_text("Weald Refuge Partnership")

    evaluator = people(EVALUATOR2)
    evaluator.goto(f"/evaluations/{KENT}/results")
    expect(evaluator.get_by_role("heading", name="Evaluation results")).to_be_visible()
    expect(evaluator.get_by_test_id("withheld")).to_contain_text("1 bid is withheld from you")
    weald = bid_of(app, KENT, "Weald Refuge Partnership")
    assert "Weald Refuge Partnership" not in evaluator.content()
    assert gbp(weald.price) not in evaluator.content()
    expect(evaluator.get_by_test_id("winner")).to_have_count(1)  # the other lot's only


# Attack 8: approval out of order --------------------------------------------------------------


def test_the_commissioning_body_cannot_record_approval_of_an_award_at_itt(
    people: People, app: Flask
) -> None:
    audited = refusals(app, BODY)
    body = people(BODY)
    body.goto(f"/procurements/{NEEDS}")
    expect(
        body.get_by_role("button", name="Record the commissioning body's decision")
    ).to_have_count(0)
    body.goto(f"/procurements/{NEEDS}/approval")
    expect(body.get_by_text("The lead has not asked for approval yet")).to_be_visible()
    body.get_by_label("Approved").check()
    body.get_by_role("button", name="Record the decision").click()
    expect(error_summary(body)).to_contain_text(
        "The lead has not asked the commissioning body for approval"
    )
    with database(app) as session:
        approvals = session.scalar(
            select(func.count(AwardApproval.id)).where(
                AwardApproval.procurement_id == procurement_id(session, NEEDS)
            )
        )
    assert approvals == 0
    [refusal] = new_refusals(app, BODY, audited)
    assert refusal.startswith("Refused to record the commissioning body's decision (approved)")


# Attack 9: lost updates -----------------------------------------------------------------------


def consensus(app: Flask, reference: str, bidder: str, criterion: str) -> tuple[Any, ...] | None:
    bid = bid_of(app, reference, bidder)
    with database(app) as session:
        found = session.scalar(
            select(ConsensusScore).where(
                ConsensusScore.bid_id == bid.id, ConsensusScore.criterion_id == criterion
            )
        )
        return None if found is None else (found.score, found.rationale, found.version)


def test_a_second_save_of_the_same_consensus_form_sees_who_changed_it_and_loses_nothing(
    people: People, app: Flask
) -> None:
    url = f"/evaluations/{HUNTS}/moderation/Q3"
    bidder = "St Neots Pathways"
    assert consensus(app, HUNTS, bidder, "Q3") is None
    moderator, admin = people(MODERATOR), people(ADMIN)
    moderator.goto(url)
    admin.goto(url)  # both have the form open

    moderator.get_by_label(f"Consensus score for {bidder}").fill("4")
    moderator.get_by_label(f"Rationale for {bidder}").fill("Agreed at the panel meeting.")
    moderator.get_by_role("button", name="Save consensus scores").click()
    expect(moderator.locator(".govuk-error-summary")).to_have_count(0)

    audited = refusals(app, ADMIN)
    admin.get_by_label(f"Consensus score for {bidder}").fill("2")
    admin.get_by_label(f"Rationale for {bidder}").fill("My own reading of the evidence.")
    admin.get_by_role("button", name="Save consensus scores").click()
    expect(error_summary(admin)).to_contain_text(
        "was changed by Rachel Penrose at 16 November 2026 at 10:00am since you opened this page"
    )
    # What the second person typed is still on the page; what the first saved is kept.
    expect(admin.get_by_label(f"Rationale for {bidder}")).to_have_value(
        "My own reading of the evidence."
    )
    assert consensus(app, HUNTS, bidder, "Q3") == (Decimal(4), "Agreed at the panel meeting.", 1)
    moderator.goto(url)
    expect(moderator.get_by_label(f"Rationale for {bidder}")).to_have_value(
        "Agreed at the panel meeting."
    )
    assert len(new_refusals(app, ADMIN, audited)) == 1


# Attack 10: editing the audit log -------------------------------------------------------------


@pytest.fixture
def verify(app: Flask, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    """Run `tenderflow audit verify` on the live server's database; return (status, out, err)."""
    monkeypatch.setenv("DATABASE_URL", str(app.config["SQLALCHEMY_DATABASE_URI"]))
    monkeypatch.setenv("SECRET_KEY", "e2e-only-secret")

    def run() -> tuple[int, str, str]:
        status = main(["audit", "verify"])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_no_page_edits_the_audit_log_and_verify_names_a_changed_entry(
    people: People, app: Flask, verify: Any
) -> None:
    admin = people(ADMIN)
    admin.goto("/admin/audit")
    expect(admin.get_by_role("heading", name="Audit log")).to_be_visible()
    content = admin.locator("main")
    expect(content.get_by_role("row")).not_to_have_count(0)
    expect(content.locator("form, input, textarea, select, button")).to_have_count(0)
    edits = content.get_by_role("link", name=re.compile("edit|change|delete", re.I))
    expect(edits).to_have_count(0)
    # No route of the app writes to the audit log.
    writes = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "audit" in rule.rule and (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
    ]
    assert writes == []

    # Someone with the database file changes an entry behind the app's back.
    with database(app) as session:
        entry, summary = session.execute(
            select(AuditEvent.id, AuditEvent.summary).order_by(AuditEvent.id.desc()).limit(1)
        ).one()
        session.execute(
            text("UPDATE audit_events SET summary = 'Nothing happened' WHERE id = :id"),
            {"id": entry},
        )
        session.commit()
    try:
        status, _, err = verify()
        assert status == 1, err
        assert f"broken at entry {entry}: its content does not match its hash" in err
    finally:
        with database(app) as session:
            session.execute(
                text("UPDATE audit_events SET summary = :summary WHERE id = :id"),
                {"id": entry, "summary": summary},
            )
            session.commit()
    status, out, _ = verify()
    assert status == 0 and "The audit log is intact" in out
