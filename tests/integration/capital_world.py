"""Capital-bid records for the integration tests, and the access test's world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import current_app

from tenderflow import clock
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalRound, CapitalScheme, User
from tenderflow.services.capital import checks, scoring
from tenderflow.services.capital.attachments import add_attachment
from tenderflow.services.capital.rounds import RoundInput, open_round
from tenderflow.services.capital.schemes import start_scheme, submit_scheme
from tests.capital_data import complete_answers, score_answers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_round(
    admin: User | None,
    *,
    deadline_days: int = 30,
    budget: str = "200000",
    county: str = "Cambridgeshire",
) -> CapitalRound:
    """Open a round for a county's districts."""
    today = clock.today()
    round_ = open_round(
        db.session,
        RoundInput(
            title=f"Capital bid round {today.year + 1}",
            county=county,
            deadline=today + timedelta(days=deadline_days),
            revenue_budget=Decimal(budget),
        ),
        admin,
        today,
        clock.now(),
    )
    db.session.commit()
    return round_


def a_scheme(
    round_: CapitalRound, officer: User, name: str, *, submit: bool = True, **changes: Any
) -> CapitalScheme:
    """Start (and by default submit) a complete scheme in the officer's district."""
    answers = complete_answers(scheme_name=name, district=officer.district.code, **changes)
    scheme = start_scheme(db.session, round_, officer, answers, clock.now(), clock.today())
    if submit:
        submit_scheme(db.session, scheme, officer, clock.now(), clock.today())
    db.session.commit()
    return scheme


def accept(scheme: CapitalScheme, partnership: User) -> None:
    checks.record_check(db.session, scheme, partnership, st.ACCEPT, "", clock.now())
    db.session.commit()


def score(
    scheme: CapitalScheme, scorer: User, *points: int, gateways: dict[str, str] | None = None
) -> None:
    answers = (
        score_answers(*points, gateways=gateways) if points else score_answers(gateways=gateways)
    )
    scoring.save_score_sheet(db.session, scheme, scorer, answers, clock.now())
    db.session.commit()


def close(round_: CapitalRound) -> None:
    round_.status = st.ROUND_CLOSED
    round_.deadline = clock.today() - timedelta(days=1)
    db.session.commit()


def extend(world: dict[str, Any]) -> None:
    """Add a round, a submitted Fenland scheme with a document, to the access test's world."""
    people = world["people"]
    round_ = a_round(people[Role.ADMIN])
    officer = people[Role.DISTRICT_OFFICER]
    scheme = a_scheme(round_, officer, "Access test scheme", submit=False)
    attachment = add_attachment(
        db.session, scheme, officer, "plan.pdf", PDF, current_app.config["UPLOAD_DIR"], clock.now()
    )
    submit_scheme(db.session, scheme, officer, clock.now(), clock.today())
    world["capital_round"] = round_
    world["capital_scheme"] = scheme
    world["url_args"].update(round_id=round_.id, scheme_id=scheme.id, attachment_id=attachment.id)


@dataclass(frozen=True)
class TwoSchemes:
    """An open round with two accepted Fenland schemes, the foyer scored 3 throughout."""

    admin: User
    round: CapitalRound
    foyer: CapitalScheme
    flats: CapitalScheme
    scorer: User


def two_schemes(make_user: Callable[..., User]) -> TwoSchemes:
    """Return a round where March flats, once scored, can overtake Wisbech foyer."""
    admin = make_user(Role.ADMIN)
    fenland = make_user(Role.DISTRICT_OFFICER, district="fenland")
    partnership = make_user(Role.PARTNERSHIP_OFFICER)
    scorer = make_user(Role.SP_SCORER, name="Pat Scorer")
    round_ = a_round(admin)
    foyer = a_scheme(round_, fenland, "Wisbech foyer", revenue_per_year="96000")
    flats = a_scheme(round_, fenland, "March flats", revenue_per_year="40000")
    for scheme in (foyer, flats):
        accept(scheme, partnership)
    score(foyer, scorer, 3, 3, 3, 3, 3)
    return TwoSchemes(admin, round_, foyer, flats, scorer)
