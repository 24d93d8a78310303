"""SP team scoring: each scorer's sheet for a scheme, the flags between them, agreed scores.

Scoring is blind: a scorer sees no one else's marks on a scheme until they have submitted
their own sheet for it. A form carries the version of the sheet (or agreed scores) it
showed; one changed since is refused, naming who changed it and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import Agreed, FinalScores, ScoreSheet, final_scores
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.score_sheets import (
    check_agreement,
    check_score_sheet,
    comment_field,
    result_field,
    score_field,
)
from tenderflow.domain.roles import Role
from tenderflow.models import (
    CapitalAgreedScore,
    CapitalRound,
    CapitalScheme,
    CapitalScore,
    CapitalScoreSheet,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services.capital import matrix_for
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    changed_message,
    check_opened,
    versions_of,
)

ROUNDS_STILL_SCORING = (st.ROUND_OPEN, st.ROUND_CLOSED)


def applicable_gateways(scheme: CapitalScheme) -> tuple[Any, ...]:
    """Return the gateways that apply to the scheme, from its answers."""
    return matrix_for(scheme.round).applicable_gateways(scheme.answers)


def sheet_of(scheme: CapitalScheme, scorer: User) -> CapitalScoreSheet | None:
    """Return the scorer's sheet for the scheme, if they have scored it."""
    return next((s for s in scheme.score_sheets if s.scorer_id == scorer.id), None)


def scores_hidden_from(scheme: CapitalScheme, user: User) -> bool:
    """Say whether other scorers' marks on the scheme are hidden from the user: a scorer who
    has not yet submitted their own sheet, while the round is still being scored."""
    return (
        user.has_role(Role.SP_SCORER)
        and scheme.round.status in ROUNDS_STILL_SCORING
        and sheet_of(scheme, user) is None
    )


def agreed_version(scheme: CapitalScheme) -> str:
    """Return one text that changes whenever any agreed score on the scheme changes."""
    return versions_of(scheme.agreed_scores)


def sheet_answers(scheme: CapitalScheme, sheet: CapitalScoreSheet | None) -> dict[str, str]:
    """Return a saved sheet as the form's answers, to show it again."""
    if sheet is None:
        return {}
    matrix = matrix_for(scheme.round)
    answers: dict[str, str] = {}
    for row in sheet.scores:
        if row.kind == "gateway":
            answers[result_field(matrix.gateway(row.item))] = "pass" if row.passed else "fail"
        else:
            answers[score_field(matrix.criterion(row.item))] = str(row.score)
        if row.comment:
            answers[comment_field(row.item)] = row.comment
    return answers


def save_score_sheet(
    session: Session,
    scheme: CapitalScheme,
    scorer: User,
    answers: Mapping[str, Any],
    now: datetime,
    *,
    opened: str | None = None,
) -> CapitalScoreSheet:
    """Record (or replace) a scorer's sheet for an accepted scheme; raise ServiceError if incomplete.

    ``opened`` is the sheet's version when the form was opened ("" for none yet): a sheet
    saved since (in another tab) is refused with ChangedMeanwhile, not overwritten.
    """
    if scheme.status not in st.SCORABLE or scheme.round.status not in ROUNDS_STILL_SCORING:
        raise ServiceError("This scheme cannot be scored now")
    matrix = matrix_for(scheme.round)
    checked = check_score_sheet(matrix, applicable_gateways(scheme), answers)
    if checked.errors:
        raise ServiceError("The scores could not be saved", checked.errors)
    sheet = sheet_of(scheme, scorer)
    if opened is not None:
        check_opened(
            session,
            {"sheet": opened},
            {"sheet": sheet},
            lambda _: "Your score sheet for this scheme",
        )
    if sheet is None:
        sheet = CapitalScoreSheet(scheme=scheme, scorer=scorer, submitted_at=now)
        session.add(sheet)
    else:
        # The old scores go first: each (sheet, item) is unique, and a flush would otherwise
        # insert the new rows before deleting the old ones.
        sheet.scores.clear()
        session.flush()
    sheet.submitted_at = now
    sheet.scores = [
        *(
            CapitalScore(
                item=gateway_id,
                kind="gateway",
                passed=passed,
                comment=checked.comments.get(gateway_id, ""),
            )
            for gateway_id, passed in checked.gateways.items()
        ),
        *(
            CapitalScore(
                item=criterion_id,
                kind="criterion",
                score=score,
                comment=checked.comments.get(criterion_id, ""),
            )
            for criterion_id, score in checked.scores.items()
        ),
    ]
    scheme.status = st.SCORED
    scheme.updated_at = now
    session.flush()
    return sheet


def final_for(scheme: CapitalScheme) -> FinalScores:
    """Combine a scheme's score sheets and agreed scores."""
    matrix = matrix_for(scheme.round)
    sheets = [
        ScoreSheet(
            scorer=sheet.scorer.name,
            gateways={r.item: bool(r.passed) for r in sheet.scores if r.kind == "gateway"},
            scores={r.item: Decimal(r.score or 0) for r in sheet.scores if r.kind == "criterion"},
        )
        for sheet in scheme.score_sheets
    ]
    agreed = [
        Agreed(a.item, Decimal(a.score) if a.score is not None else None, a.passed)
        for a in scheme.agreed_scores
    ]
    return final_scores(matrix, sheets, agreed, [g.id for g in applicable_gateways(scheme)])


def record_agreement(
    session: Session,
    scheme: CapitalScheme,
    user: User,
    answers: Mapping[str, Any],
    now: datetime,
    *,
    opened: str | None = None,
) -> list[CapitalAgreedScore]:
    """Record the agreed score or result for every open flag; raise ServiceError if any is missing.

    Only a scorer who has submitted their own sheet agrees. ``opened`` is ``agreed_version``
    when the form was opened: agreed scores changed since are refused, not overwritten.
    """
    if scheme.round.status not in ROUNDS_STILL_SCORING:
        raise ServiceError("Scores cannot be changed once the priority list is produced")
    if sheet_of(scheme, user) is None:
        raise ServiceError("Score the scheme yourself before you agree scores on it")
    if opened is not None and opened != agreed_version(scheme):
        latest = max(scheme.agreed_scores, key=lambda a: (a.agreed_at, a.id), default=None)
        message = changed_message(session, "The agreed scores", latest)
        raise ChangedMeanwhile({"agreed": message}, {"agreed": agreed_version(scheme)})
    flags = final_for(scheme).open_flags
    if not flags:
        raise ServiceError("There is nothing to agree for this scheme")
    agreed, errors = check_agreement(matrix_for(scheme.round), flags, answers)
    if errors:
        raise ServiceError("The agreed scores could not be saved", errors)
    saved = []
    for answer in agreed:
        row = next((a for a in scheme.agreed_scores if a.item == answer.item), None)
        if row is None:
            row = CapitalAgreedScore(scheme=scheme, item=answer.item, kind=answer.kind)
            session.add(row)
        row.score, row.passed, row.rationale = answer.score, answer.passed, answer.rationale
        row.agreed_by, row.agreed_at = user, now
        saved.append(row)
    scheme.updated_at = now
    session.flush()
    return saved


@dataclass(frozen=True)
class QueueItem:
    """A scheme on the SP team's list, with where its scoring has got to."""

    scheme: CapitalScheme
    scorers: tuple[str, ...]
    scored_by_me: bool
    open_flags: int


def scoring_queue(session: Session, user: User) -> list[QueueItem]:
    """Return schemes accepted for scoring or scored, in rounds still being scored."""
    schemes = session.scalars(
        select(CapitalScheme)
        .join(CapitalRound)
        .where(
            CapitalScheme.status.in_(st.SCORABLE),
            CapitalRound.status.in_(ROUNDS_STILL_SCORING),
        )
        .order_by(CapitalScheme.submitted_at, CapitalScheme.id)
    )
    return [
        QueueItem(
            scheme=scheme,
            scorers=tuple(s.scorer.name for s in scheme.score_sheets),
            scored_by_me=any(s.scorer_id == user.id for s in scheme.score_sheets),
            open_flags=len(final_for(scheme).open_flags),
        )
        for scheme in schemes
    ]


def open_flag_count(round_: CapitalRound) -> int:
    """Return how many flags in the round's scored schemes still need agreeing."""
    return sum(
        len(final_for(scheme).open_flags) for scheme in round_.schemes if scheme.status == st.SCORED
    )
