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
    set_milestone,
    set_stage_dates,
)
from tenderflow.models import (
    Bid,
    Bidder,
    EvaluationModelVersion,
    EvaluatorScore,
    PanelMember,
    PassFailRecord,
    Procurement,
    User,
)

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
    session.add(
        EvaluationModelVersion(
            procurement_id=survey.id,
            version=1,
            source=MODEL_NAME,
            yaml_text=model_yaml(),
            created_by_id=people[LEAD].id,
            created_at=at(d(-13)),
            published_at=at(d(-12)),
            guidance_published_at=at(d(-4)),
            frozen_at=at(d(-5), 13),
        )
    )
    members = {}
    for email in EVALUATORS:
        member = PanelMember(
            procurement_id=survey.id,
            user_id=people[email].id,
            role="evaluator",
            confidentiality_signed_at=at(d(-6)),
            conflicts_declared_at=at(d(-4), 9),
        )
        session.add(member)
        members[email] = member
    session.flush()
    for n, (name, price, agreed) in enumerate(SURVEY_QUOTES):
        bidder = Bidder(
            procurement_id=survey.id,
            name=name,
            contact_email=f"quotes{n}@survey.example",
            registered_at=at(d(-12)),
            selection="passed",
            shortlisted=True,
            invited_at=at(d(-12)),
        )
        session.add(bidder)
        session.flush()
        bid = Bid(
            procurement_id=survey.id,
            bidder_id=bidder.id,
            received_at=at(d(-6), 10 + n),
            received_by_id=people[LEAD].id,
            price=price,
            opened_at=at(d(-5), 13),
            opened_by_id=people[LEAD].id,
        )
        session.add(bid)
        session.flush()
        for gateway in GATEWAYS:
            session.add(
                PassFailRecord(
                    bid_id=bid.id,
                    question_id=gateway,
                    passed=True,
                    recorded_by_id=people[LEAD].id,
                    recorded_at=at(d(-4)),
                )
            )
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
    survey.stage = "evaluation"
    return f"{REFERENCE} in evaluation, half scored"
