"""The committee report and the procurement plan, from a procurement's records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.documents import charts
from tenderflow.documents import inputs as doc
from tenderflow.documents.content import Bullets, Chart, Table
from tenderflow.documents.formatting import format_gbp, format_per_point
from tenderflow.documents.prose import plural
from tenderflow.domain import council_papers as papers
from tenderflow.domain.vocabulary import STAGE_LABELS
from tenderflow.models import AwardApproval, PanelMember, Procurement
from tenderflow.services import ServiceError
from tenderflow.services.documents.reports import facts
from tenderflow.services.documents.reports.evaluation import LotEvaluation, results_of


def _lot_label(evaluation: LotEvaluation) -> str:
    return papers.short_lot(evaluation.lot.title) if evaluation.lot is not None else "The contract"


def _ranking(evaluation: LotEvaluation, price_weight: str) -> Table:
    ranked = [r for r in results_of(evaluation) if not r.disqualified]
    if evaluation.model.ranks_on_price_per_quality_point:
        return Table(
            columns=("Rank", "Bidder", "Quality", "Whole-life price", "Price per quality point"),
            rows=tuple(
                (
                    str(r.rank),
                    r.bidder,
                    f"{r.quality:.2f}",
                    format_gbp(r.price),
                    format_per_point(r.price_per_quality_point),
                )
                for r in ranked
            ),
            caption=f"{_lot_label(evaluation)}: ranking of the evaluated tenders",
            widths=(1.0, 6.0, 2.5, 2.5, 2.5),
            numeric_columns=frozenset({0, 2, 3, 4}),
            emphasis_rows=frozenset({0}),
        )
    return Table(
        columns=("Rank", "Bidder", "Quality", f"Price (of {price_weight})", "Total (of 100)"),
        rows=tuple(
            (str(r.rank), r.bidder, f"{r.quality:.2f}", f"{r.price_score:.2f}", f"{r.total:.2f}")
            for r in ranked
        ),
        caption=f"{_lot_label(evaluation)}: ranking of the evaluated tenders",
        widths=(1.0, 6.0, 2.5, 2.5, 2.5),
        numeric_columns=frozenset({0, 2, 3, 4}),
        emphasis_rows=frozenset({0}),
    )


def _chart(evaluation: LotEvaluation) -> Chart:
    ranked = [r for r in results_of(evaluation) if not r.disqualified]
    if evaluation.model.ranks_on_price_per_quality_point:
        return _per_point_chart(evaluation, ranked)
    bars = charts.BarChartData(
        title=f"{_lot_label(evaluation)}: total scores",
        labels=tuple(r.bidder for r in ranked),
        values=tuple(float(r.total) for r in ranked),
        highlight=0,
        value_label="Total score (out of 100)",
        maximum=100.0,
    )
    return Chart(
        title=bars.title,
        png=charts.bar_chart_png(bars),
        caption=f"{_lot_label(evaluation)}: total scores by bidder",
        alt_text="; ".join(f"{r.bidder} {r.total:.2f}" for r in ranked),
    )


def _per_point_chart(evaluation: LotEvaluation, ranked: list[doc.BidderResult]) -> Chart:
    priced = [r for r in ranked if r.price_per_quality_point is not None]
    values = tuple(float(r.price_per_quality_point or 0) for r in priced)
    bars = charts.BarChartData(
        title=f"{_lot_label(evaluation)}: price per quality point",
        labels=tuple(r.bidder for r in priced),
        values=values,
        highlight=0,
        value_label="Price per quality point (£, lowest is best)",
        maximum=max(values, default=1.0) * 1.1,
    )
    return Chart(
        title=bars.title,
        png=charts.bar_chart_png(bars),
        caption=f"{_lot_label(evaluation)}: price per quality point by bidder",
        alt_text="; ".join(
            f"{r.bidder} {format_per_point(r.price_per_quality_point)}" for r in priced
        ),
    )


def _bids_paragraphs(evaluation: LotEvaluation) -> list[str | Bullets]:
    bids = evaluation.bids
    late = [b for b in bids if b.late and not b.late_acceptance_reason]
    excluded = [b for b in bids if b.excluded]
    assessed = [b for b in bids if b.in_evaluation]
    items = [f"{len(assessed)} {'was' if len(assessed) == 1 else 'were'} evaluated in full;"]
    items += [
        f"{b.bidder.name} was excluded: {b.exclusion_reason or 'see the report'};" for b in excluded
    ]
    items += [f"{b.bidder.name} arrived after the deadline and was not opened;" for b in late]
    where = f" for the {papers.short_lot(evaluation.lot.title)} lot" if evaluation.lot else ""
    return [
        f"{plural(len(bids), 'tender')} {'was' if len(bids) == 1 else 'were'} received{where}:",
        Bullets.of(*items),
    ]


def committee_report_input(
    session: Session,
    procurement: Procurement,
    evaluations: list[LotEvaluation],
    today: date,
) -> doc.CommitteeReportInput:
    """Return the award report to the commissioning body, one recommendation per lot."""
    facts_ = facts.procurement_facts(session, procurement)
    approval = session.scalar(
        select(AwardApproval)
        .where(AwardApproval.procurement_id == procurement.id)
        .order_by(AwardApproval.decided_on.desc())
        .limit(1)
    )
    meeting = approval.decided_on if approval is not None else today
    terms = papers.award_terms(
        procurement.term_years,
        procurement.extension_years,
        facts.contract_start(session, procurement),
    )
    recommendations = tuple(
        f"Approve the award of the "
        f"{papers.contract_name(procurement.title, e.lot.title if e.lot else None)} contract to "
        f"{e.winner} {terms};"
        for e in evaluations
    ) + ("Note how the tenders were evaluated, as set out in this report.",)
    model = evaluations[0].model
    price_weight = f"{model.price.weight.normalize():f}"
    procurement_section: list[str | Bullets | Table | Chart] = [
        facts_.route.explanation,
    ]
    outcome: list[str | Bullets | Table | Chart] = [
        "Each tender was scored independently by every evaluator and the panel agreed consensus "
        f"scores at moderation against the published model ({model.title}).",
    ]
    prices: list[tuple[str, str, str]] = []
    for evaluation in evaluations:
        procurement_section += _bids_paragraphs(evaluation)
        outcome += [_ranking(evaluation, price_weight), _chart(evaluation)]
        robust = evaluation.result.sensitivity is None or evaluation.result.sensitivity.robust
        outcome.append(
            f"{evaluation.winner} ranked first"
            + (
                " under every weighting tested."
                if robust
                else "; the sensitivity check shows the result depends on the weighting, as the evaluation report explains."
            )
        )
        winner = next(r for r in results_of(evaluation) if r.bidder == evaluation.winner)
        annual = papers.annual_price(
            winner.price, procurement.term_years, procurement.extension_years
        )
        prices.append((_lot_label(evaluation), format_gbp(annual), format_gbp(winner.price)))
    years = (procurement.term_years or 1) + procurement.extension_years
    financial: list[str | Bullets | Table | Chart] = [
        f"The estimated value was {format_gbp(procurement.value)}"
        f"{' a year' if procurement.value_basis == 'annual' else ' over the whole life'}. "
        "The recommended tenders are priced as follows:",
        Table(
            columns=("Contract", "Annual price", f"Whole-life price ({plural(years, 'year')})"),
            rows=tuple(prices),
            caption="Prices of the recommended tenders",
            widths=(5.0, 4.0, 5.0),
            numeric_columns=frozenset({1, 2}),
        ),
    ]
    named = [papers.short_lot(e.lot.title) for e in evaluations if e.lot]
    lots = f"the {papers.join_words(named)} contracts" if named else "the contract"
    return doc.CommitteeReportInput(
        by=(
            f"{facts_.procurement_lead.name}, {facts_.procurement_lead.role}"
            if facts_.procurement_lead
            else "The procurement lead"
        ),
        to=facts.COMMISSIONING_BODY,
        meeting_date=meeting,
        subject=f"{procurement.title}: award of contract{'s' if len(evaluations) > 1 else ''}",
        classification="Unrestricted (the tender evaluation report is exempt)",
        summary=(
            f"This report summarises the tender for the {procurement.title} ({procurement.reference}) "
            f"and recommends the award of {lots}.",
        ),
        recommendations=recommendations,
        sections=(
            doc.ReportSection("Introduction", (procurement.description,)),
            doc.ReportSection("The procurement", tuple(procurement_section)),
            doc.ReportSection("Evaluation outcome", tuple(outcome)),
            doc.ReportSection("Financial implications", tuple(financial)),
        ),
        contact=facts_.procurement_lead or doc.Person("Procurement team", "", facts_.council),
        conclusion=(
            "The procurement was run openly and fairly against the published model, and the "
            "recommended tenders offer the best value for the Council.",
        ),
        background_documents=(
            f"Procurement plan: {procurement.title}",
            *(
                f"Tender evaluation report{': ' + papers.short_lot(e.lot.title) if e.lot else ''} (exempt)"
                for e in evaluations
            ),
        ),
        body=facts.COMMISSIONING_BODY,
        asked_to="approve",
        author=facts_.client_lead,
    )


def procurement_plan_input(
    session: Session, procurement: Procurement, today: date
) -> doc.ProcurementPlanInput:
    """Return the procurement plan in the Kent shape; raise ServiceError when none is written."""
    plan = facts.plan_of(session, procurement)
    if plan is None:
        raise ServiceError("No procurement plan has been written for this procurement yet")
    facts_ = facts.procurement_facts(session, procurement)
    lead = facts_.procurement_lead or doc.Person("Not assigned", "Procurement lead")
    client = facts_.client_lead or doc.Person("Not named", "Client lead")
    years = (procurement.term_years or 1) + procurement.extension_years
    if procurement.value_basis == "annual":
        value_summary = (
            f"Up to {format_gbp(procurement.value)} a year "
            f"({format_gbp(procurement.whole_life_value)} over {plural(years, 'year')})"
        )
    else:
        value_summary = f"{format_gbp(procurement.whole_life_value)} over the whole life"
    members = session.scalars(
        select(PanelMember)
        .where(PanelMember.procurement_id == procurement.id)
        .order_by(PanelMember.id)
    )
    team = [f"{m.user.name}, {m.user.job_title or m.role}" for m in members]
    evaluation_team: tuple[str | Bullets, ...] = (
        ("The evaluation panel:", Bullets.of(*team))
        if team
        else ("The evaluation panel will be named before tenders are opened.",)
    )
    rows = facts.stage_dates(session, procurement)
    return doc.ProcurementPlanInput(
        title=procurement.title,
        council=facts_.council,
        reference=procurement.reference,
        plan_date=plan.agreed_at.date() if plan.agreed_at else today,
        status="Agreed" if plan.agreed_at else "Draft",
        value_summary=value_summary,
        procurement_lead=lead,
        client_lead=client,
        description=papers.paragraphs(procurement.description),
        funding=papers.paragraphs(plan.funding),
        value=(value_summary + ".",),
        business_objectives=papers.paragraphs(plan.business_objectives),
        current_supply=papers.paragraphs(plan.current_supply),
        market_position=papers.paragraphs(plan.market_position),
        risks=tuple(doc.Risk(r, c) for r, c in papers.risks_and_controls(plan.risks_and_controls)),
        route_options=papers.paragraphs(plan.route_options),
        route=facts_.route,
        evaluation_team=evaluation_team,
        value_for_money=papers.paragraphs(plan.value_for_money),
        route_recommendation=papers.paragraphs(plan.route_recommendation),
        timetable=tuple(
            doc.PlanTask(STAGE_LABELS.get(r.stage, r.stage), r.planned_start, r.planned_end)
            for r in rows
        ),
        resources=papers.paragraphs(plan.resources),
        reviews=papers.paragraphs(plan.reviews_planned),
        lots=facts_.lots,
    )
