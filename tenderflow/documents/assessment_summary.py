"""Assessment summaries (or standstill letters): one per assessed bidder.

Each tells the bidder about their own tender and, where the regime's ``FeedbackRules`` ask, the
winning tender; it never mentions any other unsuccessful bidder, not even how many there were.
"""

from __future__ import annotations

from tenderflow.documents.content import (
    Block,
    Bullets,
    Document,
    Heading,
    KeyValue,
    Paragraph,
    Run,
    Table,
    Title,
)
from tenderflow.documents.evaluation_report import method_blocks
from tenderflow.documents.formatting import (
    DASH,
    format_date,
    format_per_point,
    format_percent,
    format_score,
    format_total,
)
from tenderflow.documents.inputs import AssessmentSummaryInput, BidderResult, ConsensusScore

KIND = "assessment-summary"


def build_assessment_summaries(data: AssessmentSummaryInput) -> dict[str, Document]:
    """Build one summary per assessed bidder, keyed by bidder, the winner first."""
    results = {r.bidder: r for r in data.results}
    if data.winner not in results:
        raise ValueError(f"the winner {data.winner!r} has no result")
    order = [data.winner] + sorted((b for b in results if b != data.winner), key=str.casefold)
    return {bidder: build_assessment_summary(data, bidder) for bidder in order}


def build_assessment_summary(data: AssessmentSummaryInput, bidder: str) -> Document:
    """Build the summary for one bidder, holding only their own and the winner's assessment."""
    results = {r.bidder: r for r in data.results}
    own, winner = results[bidder], results[data.winner]
    won = bidder == data.winner
    rules = data.feedback
    lot = f": {data.lot.title} lot" if data.lot else ""
    blocks: list[Block] = [
        Title(rules.document_title, f"{data.procurement.title}{lot}"),
        KeyValue(
            (
                ("To", bidder),
                ("From", f"{data.contact.name}, {data.contact.role}, {data.procurement.council}"),
                ("Date", format_date(data.issued_on)),
                ("Reference", data.procurement.reference),
            )
        ),
        Paragraph.of(_outcome(data, own, won)),
        Heading("How tenders were assessed", 1),
        Paragraph.of(
            "Tenders were assessed against the award criteria below, each scored from "
            f"{_scale_range(data)} and weighted. The criteria and method are set out in full in "
            f"{data.criteria_published_in}."
        ),
        _scale_table(data),
        *method_blocks(data.method),
        Heading("The assessment of your tender", 1),
        _own_table(data, own),
    ]
    if own.disqualified:
        blocks.append(
            Paragraph.of(Run("Why your tender was disqualified. ", bold=True), Run(own.reason))
        )
    if not won and rules.winner_scores:
        blocks += [Heading("The most advantageous tender", 1), *_winner_blocks(data, own, winner)]
    if not won and rules.relative_advantages:
        blocks += _advantages(data, own)
    blocks += _standstill(data, won)
    blocks += [
        Heading("Questions", 1),
        Paragraph.of(
            f"Please direct any questions about this {rules.document_title.lower()} to "
            f"{data.contact.name}, {data.contact.role}"
            + (f", at {data.contact.email}" if data.contact.email else "")
            + (f" or on {data.contact.phone}" if data.contact.phone else "")
            + "."
        ),
        Paragraph.of(f"This {rules.document_title.lower()} is provided under {rules.legal_basis}."),
    ]
    return Document(
        kind=KIND,
        title=f"{rules.document_title}: {bidder}",
        blocks=tuple(blocks),
        dated=data.issued_on,
    )


def _outcome(data: AssessmentSummaryInput, own: BidderResult, won: bool) -> str:
    contract = f"the {data.procurement.title} contract" + (
        f" for the {data.lot.title} lot" if data.lot else ""
    )
    if won:
        return (
            f"Thank you for your tender for {contract}. We are pleased to tell you that your "
            "tender was the most advantageous tender and the Council intends to award the "
            "contract to you, subject to the standstill period below."
        )
    return (
        f"Thank you for your tender for {contract}. We are sorry to tell you that your tender "
        f"was not successful. The Council intends to award the contract to {data.winner}, "
        "whose tender was the most advantageous."
    )


def _scale_range(data: AssessmentSummaryInput) -> str:
    scale = sorted(data.method.scale, key=lambda level: level.score)
    return f"{scale[0].score} ({scale[0].label.lower()}) to {scale[-1].score} ({scale[-1].label.lower()})"


def _scale_table(data: AssessmentSummaryInput) -> Table:
    return Table(
        columns=("Score", "Meaning"),
        rows=tuple((str(s.score), f"{s.label}: {s.descriptor}") for s in data.method.scale),
        caption="Scoring scale",
        widths=(1.2, 14.8),
        numeric_columns=frozenset({0}),
    )


def _scores_for(data: AssessmentSummaryInput, bidder: str) -> dict[str, ConsensusScore]:
    return {c.criterion: c for c in data.consensus if c.bidder == bidder}


def _own_table(data: AssessmentSummaryInput, own: BidderResult) -> Table:
    scores = _scores_for(data, own.bidder)
    top = data.method.max_score
    rows = [
        (
            f"{c.code} {c.title}",
            format_percent(c.weight),
            f"{format_score(scores[c.code].score)} of {top}"
            if c.code in scores
            else "Not assessed",
            format_total(scores[c.code].weighted) if c.code in scores else DASH,
            scores[c.code].rationale if c.code in scores else DASH,
        )
        for c in data.method.criteria
    ]
    if data.method.per_quality_point:
        rows.append(("Quality score", "", "", format_total(own.quality), ""))
        rows.append(
            (
                "Price per quality point",
                DASH,
                DASH,
                format_per_point(own.price_per_quality_point),
                "Your price divided by your quality score; tenders are ranked on it, lowest first.",
            )
        )
    else:
        rows.append(
            (
                "Price",
                format_percent(data.method.price_weight),
                DASH,
                format_total(own.price_score),
                "Scored by the price formula above.",
            )
        )
        rows.append(("Total", "100%", "", format_total(own.total), ""))
    return Table(
        columns=("Criterion", "Weight", "Your score", "Weighted score", "Reasons for the score"),
        rows=tuple(rows),
        caption="Your scores and the reasons for them",
        widths=(3.4, 1.4, 1.7, 1.8, 7.7),
        numeric_columns=frozenset({1, 2, 3}),
        emphasis_rows=frozenset({len(rows) - 1}),
    )


def _winner_blocks(
    data: AssessmentSummaryInput, own: BidderResult, winner: BidderResult
) -> list[Block]:
    mine, theirs = _scores_for(data, own.bidder), _scores_for(data, winner.bidder)
    with_reasons = data.feedback.winner_reasons
    rows = []
    for c in data.method.criteria:
        row: tuple[str, ...] = (
            f"{c.code} {c.title}",
            format_percent(c.weight),
            format_total(mine[c.code].weighted) if c.code in mine else DASH,
            format_total(theirs[c.code].weighted) if c.code in theirs else DASH,
        )
        if with_reasons:
            row += (theirs[c.code].rationale if c.code in theirs else DASH,)
        rows.append(row)
    per_point = data.method.per_quality_point
    # The last two rows: price and total, or under price per quality point (where price earns
    # no points) the quality score and the price per quality point that bids are ranked on.
    second_last: tuple[str, ...] = (
        ("Quality score", "", format_total(own.quality), format_total(winner.quality))
        if per_point
        else (
            "Price",
            format_percent(data.method.price_weight),
            format_total(own.price_score),
            format_total(winner.price_score),
        )
    )
    last: tuple[str, ...] = (
        (
            "Price per quality point",
            DASH,
            format_per_point(own.price_per_quality_point),
            format_per_point(winner.price_per_quality_point),
        )
        if per_point
        else ("Total", "100%", format_total(own.total), format_total(winner.total))
    )
    columns: tuple[str, ...] = (
        "Criterion",
        "Weight",
        "Your weighted score",
        "Winning tender's weighted score",
    )
    widths: tuple[float, ...] = (4.0, 1.5, 2.6, 2.8)
    if with_reasons:
        second_last += ("" if per_point else "Scored by the price formula.",)
        last += ("",)
        columns += ("Reasons for the winning tender's score",)
        widths += (6.0,)
    rows += [second_last, last]
    compared = (
        f"The most advantageous tender, from {winner.bidder}, cost "
        f"{format_per_point(winner.price_per_quality_point)} per quality point; your tender cost "
        f"{format_per_point(own.price_per_quality_point)}."
        if per_point
        else f"The most advantageous tender, from {winner.bidder}, scored "
        f"{format_total(winner.total)} out of 100; your tender scored {format_total(own.total)}."
    )
    return [
        Paragraph.of(compared),
        Table(
            columns=columns,
            rows=tuple(rows),
            caption="Your tender beside the most advantageous tender",
            widths=widths,
            numeric_columns=frozenset({1, 2, 3}),
            emphasis_rows=frozenset({len(rows) - 1}),
        ),
    ]


def _advantages(data: AssessmentSummaryInput, own: BidderResult) -> list[Block]:
    mine, theirs = _scores_for(data, own.bidder), _scores_for(data, data.winner)
    points = [
        f"{c.code} {c.title}: the successful tender scored {format_score(theirs[c.code].score)} "
        f"against your {format_score(mine[c.code].score)}. {theirs[c.code].rationale}"
        for c in data.method.criteria
        if c.code in mine and c.code in theirs and theirs[c.code].score > mine[c.code].score
    ]
    blocks: list[Block] = [
        Heading("Characteristics and relative advantages of the successful tender", 1)
    ]
    if data.winner_characteristics:
        blocks.append(Paragraph.of(data.winner_characteristics))
    if points:
        blocks += [
            Paragraph.of("The successful tender scored higher than yours on:"),
            Bullets.of(*points),
        ]
    return blocks


def _standstill(data: AssessmentSummaryInput, won: bool) -> list[Block]:
    period = data.standstill
    if period is None:
        return [
            Heading("Standstill period", 1),
            Paragraph.of("No standstill period applies to this contract."),
        ]
    return [
        Heading("Standstill period", 1),
        Paragraph.of(period.description),
        KeyValue(
            (
                ("Begins", format_date(period.start)),
                ("Ends", f"midnight at the end of {format_date(period.last_day)}"),
                ("Contract from", format_date(period.earliest_contract_date)),
            )
        ),
        Paragraph.of(
            "The Council will not enter into the contract before "
            f"{format_date(period.earliest_contract_date)}."
            + (
                ""
                if won
                else " If you have concerns about the decision, please raise them before the standstill period ends."
            )
        ),
    ]
