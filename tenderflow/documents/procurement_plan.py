"""The procurement plan, in the shape of the Kent draft plan."""

from __future__ import annotations

from functools import partial

from tenderflow.documents.content import (
    Block,
    Document,
    KeyValue,
    NumberedSection,
    Paragraph,
    Run,
    Table,
    Title,
)
from tenderflow.documents.formatting import DASH, format_date, format_gbp, yes_no
from tenderflow.documents.inputs import Person, ProcurementPlanInput, Prose, RouteFacts
from tenderflow.documents.prose import number_sections, prose_blocks, short_date
from tenderflow.domain.vocabulary import ROUTE_LABELS

KIND = "procurement-plan"


def build_procurement_plan(data: ProcurementPlanInput) -> Document:
    """Build the procurement plan: every heading of the Kent plan, in its order."""
    sections = number_sections(
        [
            partial(_prose, "Description", data.description),
            partial(_prose, "Funding", data.funding),
            partial(_value, data),
            partial(_prose, "Business objectives", data.business_objectives),
            partial(_prose, "Current supply arrangements", data.current_supply),
            partial(_prose, "Market position", data.market_position),
            partial(_risks, data),
            partial(_route, data),
            partial(_prose, "Evaluation team", data.evaluation_team),
            partial(_prose, "Value for money", data.value_for_money),
            partial(_prose, "Procurement route recommendation", data.route_recommendation),
            partial(_timetable, data),
            partial(_prose, "Resources required", data.resources),
            partial(_prose, "Reviews planned", data.reviews),
        ]
    )
    header = KeyValue(
        (
            ("Title", data.title),
            ("Value", data.value_summary),
            ("Reference", data.reference),
            ("Procurement lead", _who(data.procurement_lead)),
            ("Client lead", _who(data.client_lead)),
            ("Date", format_date(data.plan_date)),
            ("Status", data.status),
        )
    )
    title = Title(f"{data.status} procurement plan", data.title)
    return Document(
        kind=KIND,
        title=f"Procurement plan: {data.title}",
        blocks=(title, header, *sections),
        dated=data.plan_date,
    )


def _who(person: Person) -> str:
    return f"{person.name}, {person.role}"


def _prose(title: str, prose: Prose, number: str) -> NumberedSection:
    return NumberedSection(number, title, prose_blocks(prose) or (Paragraph.of(DASH),))


def _value(data: ProcurementPlanInput, number: str) -> NumberedSection:
    blocks: list[Block] = list(prose_blocks(data.value))
    if data.lots:
        blocks.append(
            Table(
                columns=("Lot", "Title", "Annual value"),
                rows=tuple(
                    (
                        str(lot.number),
                        lot.title,
                        format_gbp(lot.annual_value) if lot.annual_value is not None else DASH,
                    )
                    for lot in data.lots
                ),
                caption="Lots",
                widths=(1.2, 9.0, 3.5),
                numeric_columns=frozenset({0, 2}),
            )
        )
    return NumberedSection(number, "Value", tuple(blocks))


def _risks(data: ProcurementPlanInput, number: str) -> NumberedSection:
    table = Table(
        columns=("Risk", "Controls and mitigating action"),
        rows=tuple((r.risk, r.controls) for r in data.risks),
        caption="Procurement risks and controls",
        widths=(5.0, 11.0),
    )
    intro = Paragraph.of(
        "The main risks in carrying out this procurement, and how they are controlled:"
    )
    return NumberedSection(number, "Procurement risks", (intro, table))


def _route(data: ProcurementPlanInput, number: str) -> NumberedSection:
    blocks: list[Block] = list(prose_blocks(data.route_options))
    if data.route:
        blocks += _route_facts(data.route)
    return NumberedSection(number, "Procurement route options and evaluation", tuple(blocks))


def _route_facts(route: RouteFacts) -> list[Block]:
    rows = (
        ("Rules applied", route.rule_set_title),
        ("Whole-life value", format_gbp(route.whole_life_value)),
        ("Value including VAT", format_gbp(route.value_including_vat)),
        (f"{route.national_regime_title} threshold", format_gbp(route.national_threshold)),
        ("Above the threshold", yes_no(route.above_national_threshold)),
        ("Route", ROUTE_LABELS.get(route.route, route.route)),
        ("Standstill", route.standstill),
    )
    return [
        Table(("Item", "Detail"), rows, caption="Route decision", widths=(5.0, 11.0)),
        Paragraph.of(Run("Why this route applies. ", bold=True), Run(route.explanation)),
    ]


def _timetable(data: ProcurementPlanInput, number: str) -> NumberedSection:
    table = Table(
        columns=("Task", "Start", "End"),
        rows=tuple((t.task, short_date(t.start), short_date(t.end)) for t in data.timetable),
        caption="Estimated outline timescales",
        widths=(9.0, 3.0, 3.0),
    )
    return NumberedSection(number, "Estimated timetable", (table,))
