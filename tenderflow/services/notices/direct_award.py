"""A direct award's transparency notice (Procurement Act 2023, s.44)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from tenderflow.models import Procurement, User
from tenderflow.services import ServiceError, notices


def needs_transparency_notice(procurement: Procurement) -> bool:
    """Say whether the procurement is a direct award, which publishes a transparency notice."""
    return procurement.route == "direct-award"


def record_transparency_notice(
    session: Session,
    procurement: Procurement,
    reference: str,
    published_on: date | None,
    today: date,
    *,
    user: User | None = None,
    now: datetime | None = None,
) -> Procurement:
    """Keep the notice's reference and publication date; raise ServiceError naming each problem.

    It is the procurement's UK5 notice: recorded here, it shows as published on the Notices
    page, and the one gate on it (tenderflow.services.notices.gates) sees it.
    """
    errors: dict[str, str] = {}
    if not needs_transparency_notice(procurement):
        raise ServiceError("Only a direct award publishes a transparency notice")
    text = reference.strip()
    if not text:
        errors["reference"] = "Enter the transparency notice's reference"
    elif len(text) > 100:
        errors["reference"] = "The reference must be 100 characters or fewer"
    if published_on is None:
        errors["published_on"] = "Enter the date the transparency notice was published"
    elif published_on > today:
        errors["published_on"] = "The date the notice was published must be today or in the past"
    if errors:
        raise ServiceError("The transparency notice was not recorded", errors)
    assert published_on is not None
    problems = notices.record_publication(
        session,
        procurement,
        "UK5",
        text,
        published_on,
        user,
        now or datetime.combine(today, time(12, 0), tzinfo=UTC),
    )
    if problems:
        raise ServiceError(
            "The transparency notice was not recorded", {"reference": " ".join(problems)}
        )
    procurement.transparency_notice_reference = text
    procurement.transparency_notice_published_on = published_on
    session.flush()
    return procurement
