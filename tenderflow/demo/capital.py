"""Demonstration capital-bid rounds: last year's, decided, and this year's, under way.

Schemes come from Fenland and Huntingdonshire and draw on the Cambridgeshire development
priorities (young people at risk, offenders, women at risk of domestic abuse, mental health).
Revenue figures sit in the range of the strategy's spend table (tens to low hundreds of
thousands of pounds a year). Every provider and scheme name is invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import statuses as st
from tenderflow.models import CapitalRound, CapitalScheme, User
from tenderflow.services.capital import checks, priority, rounds, scoring
from tenderflow.services.capital.schemes import start_scheme, submit_scheme

COUNTY = "Cambridgeshire"
CRITERIA = (
    "strategic_relevance",
    "evidence_of_need",
    "added_value",
    "deliverability",
    "unique_factors",
)
NORFOLK_TEST = (
    "floating_support_cannot_deliver",
    "no_suitable_accommodation",
    "intensive_or_specialist_support",
)


def at(day: date, hour: int = 10) -> datetime:
    """Return a moment on a day, for back-dated demonstration records."""
    return datetime.combine(day, time(hour), UTC)


def answers(district: str, **facts: Any) -> dict[str, Any]:
    """A complete matrix for a scheme; ``facts`` (its name among them) change the defaults."""
    values: dict[str, Any] = {
        "district": district,
        "provider": "Ouse Valley Homes",
        "client_group": "young-people-at-risk",
        "service_type": "accommodation-based",
        "development": "new",
        "units": 12,
        "description": "Self-contained flats with on-site support.",
        "capital_sought": "950000",
        "capital_source": "homes-england",
        "revenue_per_year": "96000",
        "start_date": "2028-04-01",
        "gateway_revenue_funding": "yes",
        "gateway_revenue_funding_details": "A variation to the district's Supporting People contract.",
        "criterion_strategic_relevance": "Meets a Supporting People development priority and the district's homelessness strategy.",
        "criterion_evidence_of_need": "Referrals turned away over the last two years, from the district's housing register.",
        "criterion_added_value": "Partners offer training and employment support to every resident.",
        "criterion_deliverability": "The provider owns the site; outline planning permission is granted.",
        "criterion_unique_factors": "No comparable service in the district.",
    }
    for question in NORFOLK_TEST:
        values[f"gateway_{question}"] = "yes"
        values[f"gateway_{question}_details"] = (
            "Set out in the district's needs analysis for the client group."
        )
    values.update(facts)
    return values


def sheet(points: tuple[int, ...], gateways: dict[str, str] | None = None) -> dict[str, str]:
    """A scorer's sheet: every gateway passed unless said otherwise, a score per criterion."""
    found = {f"pass_{g}": "pass" for g in ("revenue_funding", *NORFOLK_TEST)}
    found.update({f"pass_{k}": v for k, v in (gateways or {}).items()})
    if "fail" in found.values():
        for key, value in list(found.items()):
            if value == "fail":
                found["comment_" + key.removeprefix("pass_")] = (
                    "The district has not identified revenue funding."
                )
        return found
    for criterion, point in zip(CRITERIA, points, strict=True):
        found[f"score_{criterion}"] = str(point)
        found[f"comment_{criterion}"] = f"Scored {point} on the evidence in the matrix."
    return found


def _scheme(
    session: Session, round_: CapitalRound, officer: User, day: date, submit: bool, **facts: Any
) -> CapitalScheme:
    scheme = start_scheme(
        session, round_, officer, answers(district=officer.district.code, **facts), at(day), day
    )
    if submit:
        submit_scheme(session, scheme, officer, at(day, 15), day)
    return scheme


def _last_year(session: Session, today: date, people: dict[str, User]) -> CapitalRound:
    opened = today - timedelta(days=420)
    admin, fenland, hunts = (
        people[k]
        for k in (
            "admin@tenderflow.example",
            "fenland@tenderflow.example",
            "huntingdonshire@tenderflow.example",
        )
    )
    partnership, scorer = (
        people["partnership@tenderflow.example"],
        people["spteam@tenderflow.example"],
    )
    body = people["commissioning@tenderflow.example"]
    round_ = rounds.open_round(
        session,
        rounds.RoundInput(
            f"Capital bid round {opened.year + 1} to {opened.year + 2}",
            COUNTY,
            opened + timedelta(days=60),
            Decimal("200000"),
        ),
        admin,
        opened,
        at(opened),
    )
    day = opened + timedelta(days=30)
    refuge = _scheme(
        session,
        round_,
        hunts,
        day,
        True,
        scheme_name="St Neots women's refuge",
        provider="Great Ouse Women's Aid Housing",
        client_group="domestic-abuse",
        service_type="accommodation-with-floating",
        units=8,
        capital_sought="1100000",
        revenue_per_year="142000",
    )
    foyer = _scheme(
        session,
        round_,
        fenland,
        day,
        True,
        scheme_name="Wisbech young people's supported housing",
        provider="Fenland Foyer Housing Association",
        revenue_per_year="101000",
    )
    hostel = _scheme(
        session,
        round_,
        fenland,
        day,
        True,
        scheme_name="March offenders' hostel",
        provider="Nene Support Trust",
        client_group="offenders",
        revenue_per_year="59000",
        gateway_revenue_funding="no",
        gateway_revenue_funding_details="Revenue funding is still being discussed.",
    )
    for scheme in (refuge, foyer, hostel):
        checks.record_check(
            session, scheme, partnership, st.ACCEPT, "", at(day + timedelta(days=5))
        )
    scored = day + timedelta(days=40)
    scoring.save_score_sheet(session, refuge, scorer, sheet((5, 4, 4, 4, 4)), at(scored))
    scoring.save_score_sheet(session, foyer, scorer, sheet((4, 4, 3, 3, 3)), at(scored))
    scoring.save_score_sheet(
        session, hostel, scorer, sheet((), {"revenue_funding": "fail"}), at(scored)
    )
    rounds.close_round(session, round_, at(opened + timedelta(days=61)))
    priority.produce_priority_list(session, round_, at(opened + timedelta(days=62)))
    decided = opened + timedelta(days=80)
    outcomes = (
        (
            refuge,
            st.APPROVED,
            "Top of the list and within the budget; joint commissioning with the neighbouring authority agreed.",
        ),
        (
            foyer,
            st.DEFERRED,
            "Below the cut line; kept in the pipeline until revenue is available.",
        ),
        (hostel, st.REJECTED, "Failed the revenue-funding gateway."),
    )
    for scheme, outcome, reasons in outcomes:
        priority.record_decision(session, scheme, body, outcome, reasons, decided, at(decided))
    reviewed = refuge.decision.next_review_on if refuge.decision else None
    if reviewed is not None and reviewed <= today:
        priority.record_review(
            session,
            refuge,
            body,
            st.REVIEW_KEEP,
            "Planning permission granted; the provider expects to start on site in the spring.",
            reviewed,
            at(reviewed),
        )
    return round_


def _this_year(session: Session, today: date, people: dict[str, User]) -> CapitalRound:
    opened = today - timedelta(days=21)
    admin, fenland, hunts = (
        people[k]
        for k in (
            "admin@tenderflow.example",
            "fenland@tenderflow.example",
            "huntingdonshire@tenderflow.example",
        )
    )
    partnership = people["partnership@tenderflow.example"]
    scorer, second = people["spteam@tenderflow.example"], people["spteam2@tenderflow.example"]
    round_ = rounds.open_round(
        session,
        rounds.RoundInput(
            f"Capital bid round {today.year + 1} to {today.year + 2}",
            COUNTY,
            today + timedelta(days=21),
            Decimal("250000"),
        ),
        admin,
        opened,
        at(opened),
    )
    rounds.send_opening_notices(session, round_, at(opened, 11))
    day = opened + timedelta(days=7)
    start_scheme(
        session,
        round_,
        fenland,
        {
            "scheme_name": "Chatteris move-on flats",
            "district": "fenland",
            "client_group": "single-homeless",
            "units": 6,
        },
        at(day),
        day,
    )
    _scheme(
        session,
        round_,
        fenland,
        day,
        True,
        scheme_name="Whittlesey mental health supported housing",
        provider="Fen Edge Care and Support",
        client_group="mental-health",
        units=10,
        capital_sought="1300000",
        revenue_per_year="115000",
    )
    foyer = _scheme(
        session,
        round_,
        fenland,
        day,
        True,
        scheme_name="Wisbech foyer for young people",
        provider="Fenland Foyer Housing Association",
        units=14,
        capital_sought="1250000",
        revenue_per_year="96000",
    )
    returned = _scheme(
        session,
        round_,
        hunts,
        day,
        True,
        scheme_name="Ramsey young offenders' supported housing",
        provider="Nene Support Trust",
        client_group="offenders",
        units=8,
        revenue_per_year="64000",
    )
    refuge = _scheme(
        session,
        round_,
        hunts,
        day,
        True,
        scheme_name="Huntingdon refuge extension",
        provider="Great Ouse Women's Aid Housing",
        client_group="domestic-abuse",
        service_type="accommodation-with-floating",
        development="remodel",
        units=5,
        capital_sought="600000",
        revenue_per_year="48000",
    )
    extra_care = _scheme(
        session,
        round_,
        hunts,
        day,
        True,
        scheme_name="St Ives extra care courtyard",
        provider="Hunts Haven Housing",
        client_group="older-people",
        development="remodel",
        units=30,
        capital_sought="2400000",
        revenue_per_year="72000",
    )
    checked = at(day + timedelta(days=3))
    checks.record_check(
        session,
        returned,
        partnership,
        st.RETURN,
        "Give the number of young people leaving custody referred to the district each year, and the source.",
        checked,
    )
    for scheme in (foyer, refuge, extra_care):
        checks.record_check(session, scheme, partnership, st.ACCEPT, "", checked)
    scored = at(day + timedelta(days=6))
    scoring.save_score_sheet(session, extra_care, scorer, sheet((3, 4, 3, 4, 2)), scored)
    # The second SP team officer has scored the foyer; the first has still to.
    scoring.save_score_sheet(session, foyer, second, sheet((5, 4, 3, 4, 3)), scored)
    return round_


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Load last year's decided round and this year's open one, once."""
    if session.scalar(select(CapitalRound.id).limit(1)) is not None:
        return ""
    _last_year(session, today, people)
    current = _this_year(session, today, people)
    session.flush()
    return f"2 capital bid rounds ({len(current.schemes)} schemes in the open one)"
