"""The process sections of the evaluation report: route, timetable, panel, bids, clarifications."""

from __future__ import annotations

from tenderflow.documents.content import Bullets, NumberedSection, Paragraph, Run, Table
from tenderflow.documents.evaluation_scores import evaluator_refs
from tenderflow.documents.formatting import (
    DASH,
    format_datetime,
    format_gbp,
    yes_no,
)
from tenderflow.documents.inputs import EvaluationReportInput, TimetableRow
from tenderflow.documents.prose import plural, short_date
from tenderflow.domain.council_papers import join_words
from tenderflow.domain.vocabulary import CATEGORY_LABELS, ROUTE_LABELS


def route_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """The route decision, why it applies, and the compliance checks."""
    procurement, route = data.procurement, data.procurement.route
    rows = (
        ("Rules applied", route.rule_set_title),
        ("National regime", route.national_regime_title),
        ("Category", CATEGORY_LABELS.get(procurement.category, procurement.category)),
        (
            "Estimated value",
            f"{format_gbp(procurement.estimated_value)} ({procurement.value_basis})",
        ),
        ("Whole-life value", format_gbp(route.whole_life_value)),
        ("Value including VAT", format_gbp(route.value_including_vat)),
        ("National threshold", format_gbp(route.national_threshold)),
        ("Above the threshold", yes_no(route.above_national_threshold)),
        ("Route", ROUTE_LABELS.get(route.route, route.route)),
        ("Minimum candidates", str(route.min_candidates) if route.min_candidates else DASH),
        ("Standstill", route.standstill),
        ("Notices", "; ".join(route.notices) or DASH),
        ("Feedback to bidders", route.bidder_feedback.capitalize()),
    )
    return NumberedSection(
        number,
        "Procurement route and compliance",
        (
            Table(("Item", "Detail"), rows, caption="Route decision", widths=(4.0, 12.0)),
            Paragraph.of(Run("Why this route applies. ", bold=True), Run(route.explanation)),
            Paragraph.of("Compliance checks:"),
            Bullets.of(*_compliance(data)),
        ),
    )


def _compliance(data: EvaluationReportInput) -> list[str]:
    unsigned = [m.name for m in data.panel if m.confidentiality_signed_on is None]
    undeclared = [m.name for m in data.panel if m.conflicts_declared_on is None]
    unexplained = [r.stage for r in data.timetable if _slip(r) > 0 and not r.delay_reason]
    unpublished = [c.reference for c in data.clarifications if not c.published]
    return [
        "Every panel member signed a confidentiality agreement."
        if not unsigned
        else f"No signed confidentiality agreement is recorded for {join_words(unsigned)}.",
        "Every panel member declared their interests; conflicts are listed in section 4."
        if not undeclared
        else f"No declaration of interests is recorded for {join_words(undeclared)}.",
        "Every delay in the timetable has a recorded reason."
        if not unexplained
        else f"No reason is recorded for the delay to {join_words(unexplained)}.",
        "Every clarification answer was published to all bidders."
        if not unpublished
        else f"Clarifications {join_words(unpublished)} were not published to all bidders.",
    ]


def _slip(row: TimetableRow) -> int:
    return (row.actual_end - row.planned_end).days if row.actual_end else 0


def timetable_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """The timetable planned against actual, every slip with its reason."""
    rows, highlight = [], set()
    for index, row in enumerate(data.timetable):
        slip = _slip(row)
        if row.actual_end is None:
            slip_text = "In progress" if row.actual_start else "Not started"
        else:
            slip_text = (
                "On time"
                if slip == 0
                else (f"{slip} days late" if slip > 0 else f"{-slip} days early")
            )
        reason = row.delay_reason or ("No reason recorded" if slip > 0 else "")
        if slip > 0 and not row.delay_reason:
            highlight.add((index, 6))
        rows.append(
            (
                row.stage,
                short_date(row.planned_start),
                short_date(row.planned_end),
                short_date(row.actual_start),
                short_date(row.actual_end),
                slip_text,
                reason,
            )
        )
    table = Table(
        columns=(
            "Stage",
            "Planned start",
            "Planned end",
            "Actual start",
            "Actual end",
            "Slip",
            "Reason for delay",
        ),
        rows=tuple(rows),
        caption="Timetable: planned against actual",
        widths=(3.0, 2.1, 2.1, 2.1, 2.1, 1.6, 3.0),
        highlight=frozenset(highlight),
    )
    return NumberedSection(number, "Timetable", (table,))


def panel_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """The panel, each member's declarations and the bids they did not score."""
    refs = evaluator_refs(data)
    rows = tuple(
        (
            refs.get(m.name, DASH),
            m.name,
            f"{m.role}, {m.organisation}" + ("" if m.scores else " (non-scoring)"),
            short_date(m.confidentiality_signed_on),
            short_date(m.conflicts_declared_on),
            "; ".join(m.conflicts) or "None declared",
            ", ".join(m.excluded_from) or DASH,
        )
        for m in data.panel
    )
    table = Table(
        columns=(
            "Ref",
            "Name",
            "Role",
            "Confidentiality signed",
            "Interests declared",
            "Conflicts",
            "Did not score",
        ),
        rows=rows,
        caption="Evaluation panel and declarations",
        widths=(0.9, 2.6, 3.0, 2.5, 2.1, 2.9, 2.0),
        highlight=frozenset(
            (i, c)
            for i, m in enumerate(data.panel)
            for c, missing in (
                (3, m.confidentiality_signed_on is None),
                (4, m.conflicts_declared_on is None),
            )
            if missing
        ),
    )
    intro = Paragraph.of(
        "Each member signed a confidentiality agreement and declared any conflict of interest "
        "before seeing the bids. A member with a conflict did not score the bid concerned."
    )
    return NumberedSection(number, "The panel and their declarations", (intro, table))


def bids_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """Every bid received: when, whether late, and whether excluded and why."""
    rows = []
    for bid in sorted(data.bids, key=lambda b: b.received_at):
        if bid.late and not bid.accepted_late_reason:
            status, reason = "Rejected: late", "Received after the deadline"
        elif bid.excluded:
            status, reason = "Excluded", bid.exclusion_reason or DASH
        elif bid.late:
            status, reason = "Evaluated (accepted late)", bid.accepted_late_reason or DASH
        else:
            status, reason = "Evaluated", ""
        rows.append(
            (bid.bidder, format_datetime(bid.received_at), yes_no(bid.late), status, reason)
        )
    table = Table(
        columns=("Bidder", "Received", "Late", "Status", "Reason"),
        rows=tuple(rows),
        caption="Tenders received",
        widths=(4.0, 3.4, 1.0, 3.0, 4.6),
    )
    return NumberedSection(number, "Bids received, late and excluded", (table,))


def clarifications_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """The clarification questions, answers and whether all bidders saw them."""
    items = data.clarifications
    rows = tuple(
        (
            c.reference,
            short_date(c.asked_on),
            c.question,
            c.answer,
            short_date(c.answered_on),
            yes_no(c.published),
        )
        for c in items
    )
    table = Table(
        columns=("Ref", "Asked", "Question", "Answer", "Answered", "Published to all"),
        rows=rows,
        caption="Clarifications log",
        widths=(1.1, 1.9, 5.0, 5.0, 1.9, 1.5),
        highlight=frozenset((i, 5) for i, c in enumerate(items) if not c.published),
    )
    intro = Paragraph.of(
        f"{plural(len(items), 'clarification question')} {'was' if len(items) == 1 else 'were'} asked during the tender period."
    )
    return NumberedSection(number, "Clarifications log", (intro, table))
