"""The tender evaluation report: recommends the award for the commissioning body to review."""

from __future__ import annotations

from functools import partial

from tenderflow.documents.content import (
    Block,
    Bullets,
    Cover,
    Document,
    NumberedSection,
    Paragraph,
    Run,
    SignOff,
    Table,
)
from tenderflow.documents.evaluation_process import (
    bids_section,
    clarifications_section,
    panel_section,
    route_section,
    timetable_section,
)
from tenderflow.documents.evaluation_scores import (
    evaluator_refs,
    flagged_spreads,
    price_section,
    quality_weight,
    ranked,
    ranking_section,
    scores_section,
    sensitivity_section,
)
from tenderflow.documents.formatting import (
    DASH,
    format_date,
    format_gbp,
    format_per_point,
    format_percent,
    format_score,
    format_total,
)
from tenderflow.documents.inputs import BidderResult, EvaluationMethod, EvaluationReportInput
from tenderflow.documents.prose import number_sections, plural

KIND = "tender-evaluation-report"


def build_evaluation_report(data: EvaluationReportInput, draw_charts: bool = True) -> Document:
    """Build the tender evaluation report; ``draw_charts=False`` leaves the charts out."""
    check_evaluation_input(data)
    procurement = data.procurement
    subject = procurement.title + (f": {data.lot.title}" if data.lot else "")
    sections = number_sections(
        [
            partial(_summary, data),
            partial(route_section, data),
            partial(timetable_section, data),
            partial(panel_section, data),
            partial(bids_section, data),
            partial(_method, data),
            partial(_pass_fail, data),
            partial(scores_section, data, draw=draw_charts),
            partial(price_section, data),
            partial(ranking_section, data, draw=draw_charts),
            partial(sensitivity_section, data),
            partial(clarifications_section, data),
            partial(_recommendation, data),
        ]
    )
    return Document(
        kind=KIND,
        title=f"Tender evaluation report: {subject}",
        cover=Cover(
            title="Tender evaluation report",
            subtitle=subject,
            organisation=procurement.council,
            details=(
                ("Reference", procurement.reference),
                ("For", procurement.commissioning_body),
                ("Version", data.version),
                ("Date", format_date(data.report_date)),
            ),
            classification=data.classification,
        ),
        toc=True,
        blocks=sections,
        sign_off=SignOff(
            title="Sign-off",
            statement=(
                "We confirm that the evaluation was carried out as this report describes and "
                "recommend the award set out in it."
            ),
            signatories=data.sign_off,
        ),
        dated=data.report_date,
    )


def check_evaluation_input(data: EvaluationReportInput) -> None:
    """Raise ValueError if the input contradicts itself (a report must never guess)."""
    bidders = {r.bidder for r in data.results}
    codes = {c.code for c in data.method.criteria}
    problems = []
    recommended = [r for r in data.results if r.bidder == data.recommended_bidder]
    if not recommended:
        problems.append(f"the recommended bidder {data.recommended_bidder!r} has no result")
    elif recommended[0].disqualified:
        problems.append(f"the recommended bidder {data.recommended_bidder!r} is disqualified")
    scorers = set(evaluator_refs(data))
    for item in data.evaluator_scores:
        if item.evaluator not in scorers:
            problems.append(f"{item.evaluator!r} scored but is not a scoring panel member")
    for score in (*data.evaluator_scores, *data.consensus):
        if score.bidder not in bidders or score.criterion not in codes:
            problems.append(
                f"a score for {score.bidder!r} {score.criterion!r} matches no bid or criterion"
            )
    if problems:
        raise ValueError("; ".join(sorted(set(problems))))


# --- sections -------------------------------------------------------------------------------


def _summary(data: EvaluationReportInput, number: str) -> NumberedSection:
    bids = data.bids
    late = [b for b in bids if b.late and not b.accepted_late_reason]
    excluded = [b for b in bids if b.excluded]
    assessed = [r for r in data.results if not r.disqualified]
    winner = next(r for r in data.results if r.bidder == data.recommended_bidder)
    scorers = len(evaluator_refs(data))
    flagged = flagged_spreads(data)
    lot = f", {data.lot.title} lot," if data.lot else ""
    blocks: list[Block] = [
        Paragraph.of(
            f"This report sets out how the tenders for the {data.procurement.title} "
            f"({data.procurement.reference}){lot} were evaluated, and recommends the award of "
            f"the contract for approval by the {data.procurement.commissioning_body}."
        ),
        Paragraph.of(
            f"{plural(len(bids), 'tender')} {'was' if len(bids) == 1 else 'were'} received: "
            f"{len(late)} late and not opened, {len(excluded)} excluded and "
            f"{len(assessed)} evaluated in full by a panel of "
            f"{plural(scorers, 'evaluator')} against the published model "
            f"({format_percent(quality_weight(data))} quality, "
            f"{format_percent(data.method.price_weight)} price)."
        ),
        Paragraph.of(_first_place(data, winner)),
        Paragraph.of(
            f"{plural(len(flagged), 'score')} showed a spread between evaluators of "
            f"{format_score(data.method.spread_threshold)} points or more; each was resolved "
            "at moderation"
            + (f" on {format_date(data.moderation_date)}" if data.moderation_date else "")
            + "."
        ),
        Paragraph.of(Run("Recommendation: ", bold=True), Run(data.recommendation, bold=True)),
    ]
    return NumberedSection(number, "Summary and recommendation", tuple(blocks))


def _first_place(data: EvaluationReportInput, winner: BidderResult) -> str:
    if data.method.per_quality_point:
        return (
            f"{winner.bidder} ranked first at "
            f"{format_per_point(winner.price_per_quality_point)} per quality point (quality {format_total(winner.quality)} of "
            f"{format_score(quality_weight(data))}) at a whole-life price of "
            f"{format_gbp(winner.price)}."
        )
    return (
        f"{winner.bidder} ranked first with {format_total(winner.total)} out of 100 "
        f"(quality {format_total(winner.quality)}, price {format_total(winner.price_score)}) "
        f"at a whole-life price of {format_gbp(winner.price)}."
    )


def method_blocks(method: EvaluationMethod) -> list[Block]:
    """Return how bids are ranked and how published figures are rounded, as paragraphs."""
    blocks: list[Block] = [Paragraph.of(Run("Price. ", bold=True), Run(method.price_formula))]
    if method.ranking_rule:
        blocks.append(Paragraph.of(Run("Ranking. ", bold=True), Run(method.ranking_rule)))
    if method.rounding_rule:
        blocks.append(Paragraph.of(Run("Rounding. ", bold=True), Run(method.rounding_rule)))
    return blocks


def _method(data: EvaluationReportInput, number: str) -> NumberedSection:
    method = data.method
    criteria_rows = [
        (c.section, c.code, c.title, format_percent(c.weight), format_score(c.minimum))
        for c in method.criteria
    ]
    criteria_rows.append(("Price", "P", "Price", format_percent(method.price_weight), DASH))
    criteria_rows.append(
        ("Total", "", "", format_percent(quality_weight(data) + method.price_weight), "")
    )
    blocks: list[Block] = [
        Paragraph.of(
            "Bids were evaluated on the model and weightings published with the invitation to "
            "tender, for quality of service and value for money."
        ),
        Table(
            columns=("Section", "Ref", "Criterion", "Weight", "Minimum score"),
            rows=tuple(criteria_rows),
            caption="Award criteria and weights",
            widths=(2.8, 1.2, 7.0, 1.6, 2.0),
            numeric_columns=frozenset({3, 4}),
            emphasis_rows=frozenset({len(criteria_rows) - 1}),
        ),
        Table(
            columns=("Score", "Meaning", "Descriptor"),
            rows=tuple((str(s.score), s.label, s.descriptor) for s in method.scale),
            caption="Scoring scale",
            widths=(1.2, 2.6, 12.0),
            numeric_columns=frozenset({0}),
        ),
        *method_blocks(method),
    ]
    if method.minimum_quality is not None:
        blocks.append(
            Paragraph.of(
                f"A bid scoring below {format_total(method.minimum_quality)} for quality is disqualified."
            )
        )
    blocks.extend(Paragraph.of(note) for note in method.notes)
    return NumberedSection(number, "Evaluation method", tuple(blocks))


def _pass_fail(data: EvaluationReportInput, number: str) -> NumberedSection:
    questions = data.method.pass_fail_questions
    results = {(r.bidder, r.question): r for r in data.pass_fail}
    bidders = sorted({r.bidder for r in data.pass_fail}, key=str.casefold)
    rows, highlight, notes = [], set(), []
    for row_index, bidder in enumerate(bidders):
        cells = []
        for column, question in enumerate(questions, start=1):
            result = results.get((bidder, question))
            cells.append(DASH if result is None else ("Pass" if result.passed else "Fail"))
            if result is not None and not result.passed:
                highlight.add((row_index, column))
                notes.append(
                    f"{bidder} failed PF{column} ({question}): {result.note or 'no note recorded'}"
                )
        rows.append((bidder, *cells))
    blocks: list[Block] = [
        Paragraph.of("Gateway questions were marked pass or fail before any scoring:"),
        Bullets.of(*(f"PF{i}: {q}" for i, q in enumerate(questions, start=1))),
        Table(
            columns=("Bidder", *(f"PF{i}" for i in range(1, len(questions) + 1))),
            rows=tuple(rows),
            caption="Pass/fail results",
            widths=(6.0, *(1.4 for _ in questions)),
            highlight=frozenset(highlight),
        ),
    ]
    if notes:
        blocks += [Paragraph.of("A failed question excludes the bid:"), Bullets.of(*notes)]
    return NumberedSection(number, "Pass/fail results", tuple(blocks))


def _recommendation(data: EvaluationReportInput, number: str) -> NumberedSection:
    winner = next(r for r in ranked(data) if r.bidder == data.recommended_bidder)
    lot = f" for {data.lot.title}" if data.lot else ""
    return NumberedSection(
        number,
        "Recommendation for contract award",
        (
            Paragraph.of(Run(data.recommendation, bold=True)),
            Paragraph.of(
                f"The contract{lot} would be awarded to {winner.bidder} at a whole-life price of "
                f"{format_gbp(winner.price)}, subject to the standstill period and to approval "
                f"by the {data.procurement.commissioning_body}."
            ),
        ),
    )
