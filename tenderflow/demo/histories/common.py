"""What the demonstration procurements share: the panel, the scoring model and its wording,
and the one place their records are back-dated to where time passing would have put them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import Milestone, Procurement, StageDates
from tenderflow.paths import SCORING_MATRICES_DIR

MODEL_NAME = "housing-support-60-40"
CRITERIA = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
GATEWAYS = ("PF1", "PF2", "PF3", "PF4")
EVALUATORS = (
    "evaluator1@tenderflow.example",
    "evaluator2@tenderflow.example",
    "evaluator3@tenderflow.example",
)
MODERATOR = "moderator@tenderflow.example"
LEAD = "lead@tenderflow.example"
COMMISSIONING = "commissioning@tenderflow.example"

FOCUS = {
    "Q1": "the service model, support planning and contact hours",
    "Q2": "understanding of the client groups and access to the service",
    "Q3": "outcomes, move-on and how they are evidenced",
    "Q4": "safeguarding, risk assessment and escalation",
    "Q5": "staffing, caseloads, training and supervision",
    "Q6": "mobilisation and the transfer of staff under TUPE",
}
LEVEL = {
    5: "Excellent: comprehensive, with strong evidence from comparable services and added value",
    4: "Good: meets the requirement in full, with clear detail and relevant evidence",
    3: "Satisfactory: meets the requirement with adequate detail and some evidence",
    2: "Poor: addresses part of the requirement and relies on statements of intent",
    1: "Very poor: significant gaps and little evidence",
}
# How each evaluator's own view differs from the agreed score, criterion by criterion.
LEANING = ((0, 0, -1, 0, 1, 0), (0, 1, 0, 0, -1, 0), (-1, 0, 0, 1, 0, -1))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return a moment on a day, for back-dated demonstration records."""
    return datetime.combine(day, time(hour, minute), UTC)


def model_yaml() -> str:
    """Return the text of the ready-made evaluation model every demo tender uses."""
    return (SCORING_MATRICES_DIR / "models" / f"{MODEL_NAME}.yaml").read_text(encoding="utf-8")


def comment(criterion: str, score: int, note: str) -> str:
    """Return an evaluator's comment on a criterion, in the words of the scoring levels."""
    text = f"{LEVEL[score].split(':')[0]} on {FOCUS[criterion]}."
    return f"{text} {note}" if note else text


# Time passing. A user plans a stage's dates and moves the procurement on today; only time
# passing makes those dates and moves lie weeks in the past. The demo starts its procurements
# part-way through their lives, so it writes the dates time would have reached here, and
# nowhere else.


def set_stage_dates(
    session: Session,
    procurement: Procurement,
    stage: str,
    position: int,
    planned: tuple[date, date],
    actual: tuple[date | None, date | None] = (None, None),
    delay_reason: str | None = None,
) -> StageDates:
    """Write a stage's planned and actual dates as time passing would have left them.

    Planned dates in the past and actual dates recorded weeks ago cannot be entered today
    through the timetable's use cases; a stage the timetable has no row for gets one.
    """
    row = session.scalar(
        select(StageDates).where(
            StageDates.procurement_id == procurement.id, StageDates.stage == stage
        )
    )
    if row is None:
        row = StageDates(procurement_id=procurement.id, stage=stage, position=position)
        session.add(row)
    row.planned_start, row.planned_end = planned
    row.actual_start, row.actual_end = actual
    row.delay_reason = delay_reason
    return row


def set_milestone(
    session: Session, procurement: Procurement, kind: str, due: datetime, done: datetime | None
) -> Milestone:
    """Write a milestone as time passing would have left it: due (and met) on a past day."""
    row = session.scalar(
        select(Milestone).where(Milestone.procurement_id == procurement.id, Milestone.kind == kind)
    )
    if row is None:
        row = Milestone(procurement_id=procurement.id, kind=kind)
        session.add(row)
    row.due_at, row.done_at, row.overdue = due, done, False
    return row


def reach_stage(procurement: Procurement, stage: str) -> None:
    """Put the procurement at the stage its history has reached.

    A user moves a procurement on by asking for the move, which a flow run checks and makes
    when it is due; the demo's moves were due weeks ago, so it records where they led.
    """
    procurement.stage = stage
