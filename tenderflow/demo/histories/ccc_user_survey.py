"""Service user involvement survey (CCC-USER-SURVEY): in evaluation, half scored.

Three quotes are opened; two evaluators have submitted every score and the third is halfway,
in draft.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.demo.histories.common import (
    CRITERIA,
    EVALUATORS,
    GATEWAYS,
    LEAD,
    LEANING,
    MODEL_NAME,
    at,
    comment,
    model_yaml,
    reach_stage,
    set_milestone,
    set_stage_dates,
)
from tenderflow.models import (
    Bid,
    Bidder,
    EvaluatorScore,
    Procurement,
    User,
)
from tenderflow.services.bidding import bidders, bids
from tenderflow.services.evaluation import model_versions, moderation, panel

REFERENCE = "CCC-USER-SURVEY"
SURVEY_QUOTES = (
    ("Fenland Voices Research CIC", Decimal("16800"), (4, 3, 4, 3, 3, 4)),
    ("Granta Fieldwork Ltd", Decimal("17950"), (3, 4, 3, 4, 4, 3)),
    ("Ouse Valley Surveys LLP", Decimal("15400"), (3, 3, 3, 3, 2, 3)),
)


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Put the user survey in evaluation: quotes opened, two evaluators done, one halfway (once)."""
    survey = session.scalar(select(Procurement).where(Procurement.reference == REFERENCE))
    if survey is None or session.scalar(
        select(Bidder.id).where(Bidder.procurement_id == survey.id).limit(1)
    ):
        return ""

    def d(offset: int) -> date:
        return today + timedelta(days=offset)

    set_stage_dates(session, survey, "planning", 0, (d(-14), d(-13)), (d(-14), d(-13)))
    set_stage_dates(session, survey, "itt", 1, (d(-12), d(-5)), (d(-12), d(-5)))
    set_stage_dates(session, survey, "evaluation", 2, (d(-4), d(3)), (d(-4), None))
    set_milestone(session, survey, "tender-deadline", at(d(-5), 12), at(d(-5), 12))
    lead = people[LEAD]
    model_versions.save_model(
        session, survey, lead, at(d(-13)), source=MODEL_NAME, yaml_text=model_yaml()
    )
    model_versions.publish_model(session, survey, at(d(-12)))
    quotes = []
    for n, (name, price, _agreed) in enumerate(SURVEY_QUOTES):
        bidder = bidders.add_bidder(
            session,
            survey,
            bidders.BidderInput(
                name=name, contact_email=f"quotes{n}@survey.example", registered_at=at(d(-12))
            ),
            at(d(-12)),
        )
        # Chosen by the lead and asked to quote: the result carries no note.
        bidders.record_selection(session, bidder, "passed", "")
        quotes.append((bidder, price))
    bidders.issue_itt(
        session, survey, advertised=False, advert_reference="", user=lead, now=at(d(-12))
    )
    received = []
    for n, (bidder, price) in enumerate(quotes):
        when = at(d(-6), 10 + n)
        bid = bids.record_bid(
            session, survey, bidder, received_at=when, lot=None, user=lead, now=when
        )
        received.append((bid, price))
    bids.open_bids(session, survey, lead, at(d(-5), 13))
    for bid, price in received:
        bids.record_price(session, bid, price, None, None, at(d(-5), 13))
    answers = {(bid.id, gateway): ("pass", "") for bid, _ in received for gateway in GATEWAYS}
    moderation.record_pass_fail(session, survey, answers, lead, at(d(-4)))
    model_versions.publish_guidance(session, survey, at(d(-4)))
    _half_scored(session, survey, [bid for bid, _ in received], today, people)
    reach_stage(survey, "evaluation")
    return f"{REFERENCE} in evaluation, half scored"


def _half_scored(
    session: Session, survey: Procurement, quotes: list[Bid], today: date, people: dict[str, User]
) -> None:
    """Put the three evaluators on the panel, two with every score submitted, one halfway.

    Written here rather than through the panel and scoring services: the members declared
    no conflicts and were assigned no criteria, which the scoring service needs before it
    takes a score.
    """

    def d(offset: int) -> date:
        return today + timedelta(days=offset)

    members = {}
    for email in EVALUATORS:
        member = panel.add_member(session, survey, people[email].id, "evaluator")
        panel.sign_confidentiality(member, at(d(-6)))
        member.conflicts_declared_at = at(d(-4), 9)
        members[email] = member
    session.flush()
    for bid, (_name, _price, agreed) in zip(quotes, SURVEY_QUOTES, strict=True):
        for e, email in enumerate(EVALUATORS):
            # The first two evaluators have submitted every score; the third is halfway, in draft.
            criteria = CRITERIA if e < 2 else CRITERIA[:3]
            for index, criterion in enumerate(CRITERIA):
                if criterion not in criteria:
                    continue
                own = max(1, min(5, agreed[index] + LEANING[e][index]))
                session.add(
                    EvaluatorScore(
                        panel_member_id=members[email].id,
                        bid_id=bid.id,
                        criterion_id=criterion,
                        score=Decimal(own),
                        comment=comment(criterion, own, ""),
                        status="submitted" if e < 2 else "draft",
                        saved_at=at(d(-2)),
                        submitted_at=at(d(-1)) if e < 2 else None,
                    )
                )
