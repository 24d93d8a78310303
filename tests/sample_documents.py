"""Sample inputs for the four documents, shared by tests and benchmarks.

The realistic sample uses the public figures of the Kent Integrated Domestic Abuse Service
(East and West Kent lots, up to £3.5 million a year). Every bidder and person is invented. One
bidder is called "Smith & Jones <Ltd>" so that escaping is tested end to end.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from tenderflow.documents import charts
from tenderflow.documents.content import Bullets, Chart, Signatory, Table
from tenderflow.documents.feedback import feedback_rules
from tenderflow.documents.inputs import (
    AssessmentSummaryInput,
    BidderResult,
    BidReceived,
    Clarification,
    CommitteeReportInput,
    ConsensusScore,
    Criterion,
    EvaluationMethod,
    EvaluationReportInput,
    EvaluatorScore,
    Lot,
    PanelMember,
    PassFailResult,
    Person,
    PlanTask,
    PriceAnalysis,
    ProcurementFacts,
    ProcurementPlanInput,
    ReportSection,
    Risk,
    ScaleLevel,
    SensitivityScenario,
    StandstillDates,
    TimetableRow,
    VfmCheck,
    route_facts,
)
from tenderflow.domain.regulations import RouteRequest, decide_route
from tenderflow.domain.standstill import standstill_period

D = Decimal
CENT = D("0.01")
REGIME = "procurement-act-2023"

WINNER = "Harbour Light Housing Trust"
AWKWARD = "Smith & Jones <Ltd>"
OASTHOUSE = "Oasthouse Women's Aid"
WEALD = "Weald Refuge Partnership"
EXCLUDED = "Brightwater Support Ltd"
LATE = "Medway Valley Support CIC"
ALL_BIDDERS = (WINNER, AWKWARD, OASTHOUSE, WEALD, EXCLUDED, LATE)
ASSESSED = (WINNER, AWKWARD, OASTHOUSE, WEALD)

LEAD = Person(
    "Tom Ashdown",
    "Procurement Manager",
    "Kent County Council",
    phone="01632 960 118",
    email="tom.ashdown@kent.example",
)
CLIENT = Person("Rachel Whitfield", "Director of Commissioning", "Kent County Council")
CONTACT = Person(
    "Sam Oduya",
    "Commissioning Officer",
    "Kent County Council",
    phone="01632 960 412",
    email="sam.oduya@kent.example",
)
EAST = Lot(1, "East Kent", D("1900000"))
WEST = Lot(2, "West Kent", D("1600000"))

RECOMMENDATION = (
    "The panel recommends that the Supporting People Commissioning Body approves the award of "
    f"the East Kent Integrated Domestic Abuse Service contract to {WINNER} for three years from "
    "1 April 2027, with the option to extend for up to two further years."
)


def money(value: Decimal) -> Decimal:
    """Round to the penny, as the scoring rules do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def procurement() -> ProcurementFacts:
    """Return the Kent procurement, routed under the Procurement Act 2023."""
    request = RouteRequest(
        D("3500000"),
        date(2026, 3, 2),
        annual=True,
        years=3,
        extension_years=2,
        vat_rate=D(0),
        category="light-touch",
    )
    return ProcurementFacts(
        reference="KCC-SP-2026-014",
        title="Kent Integrated Domestic Abuse Service",
        description="Refuge, outreach, sanctuary and move-on support for people affected by domestic abuse.",
        council="Kent County Council",
        commissioning_body="Supporting People Commissioning Body",
        category="light-touch",
        start_date=date(2026, 3, 2),
        estimated_value=D("3500000"),
        value_basis="annual",
        term_years=3,
        extension_years=2,
        route=route_facts(decide_route(request, REGIME)),
        districts=("Ashford", "Canterbury", "Dover", "Folkestone and Hythe", "Swale", "Thanet"),
        lots=(EAST, WEST),
        procurement_lead=LEAD,
        client_lead=CLIENT,
    )


CRITERIA = (
    Criterion("Q1", "Service model and outcomes", "Quality", D(15)),
    Criterion("Q2", "Safeguarding and risk management", "Quality", D(15), minimum=D(2)),
    Criterion("Q3", "Refuge and safe accommodation", "Quality", D(10)),
    Criterion("Q4", "Partnership working across East Kent", "Quality", D(10)),
    Criterion("Q5", "Mobilisation and TUPE", "Quality", D(10)),
    Criterion("SV1", "Local employment and volunteering", "Social value", D(10)),
)
SCALE = (
    ScaleLevel(0, "Unacceptable", "No response, or a response that does not address the question."),
    ScaleLevel(1, "Very poor", "Major gaps; little confidence the requirement would be met."),
    ScaleLevel(2, "Poor", "Some gaps or weak evidence; limited confidence."),
    ScaleLevel(3, "Satisfactory", "Meets the requirement with adequate evidence."),
    ScaleLevel(4, "Good", "Meets the requirement fully with good evidence and some added value."),
    ScaleLevel(
        5, "Excellent", "Exceeds the requirement with strong evidence and clear added value."
    ),
)
PASS_FAIL = (
    "Mandatory and discretionary exclusion grounds",
    "Insurance: £10m public liability and £5m employer's liability",
    "Safeguarding policies for adults and children",
)
METHOD = EvaluationMethod(
    criteria=CRITERIA,
    scale=SCALE,
    price_weight=D(30),
    price_formula="The lowest whole-life price scores 30; each other bid scores 30 × lowest price ÷ its price.",
    pass_fail_questions=PASS_FAIL,
    notes=(
        "Bidders were interviewed face to face on 10 and 11 August 2026; interviews informed Q1 and Q2.",
    ),
)

# Each evaluator's own scores (E1, E2, E3) per criterion; None where a conflict kept them out.
OWN_SCORES: dict[str, tuple[tuple[int | None, ...], ...]] = {
    WINNER: ((4, 4, 3), (5, 4, 5), (4, 4, 4), (3, 4, 4), (3, 1, 3), (4, 4, 5)),
    AWKWARD: ((4, 3, 4), (3, 3, 4), (2, 3, 4), (4, 4, 4), (4, 4, 3), (3, 3, 3)),
    OASTHOUSE: ((3, 3, 3), (4, 4, 3), (4, 5, 4), (3, 3, 2), (2, 2, 3), (4, 3, 4)),
    WEALD: ((3, None, 3), (3, None, 2), (2, None, 2), (3, None, 3), (3, None, 4), (3, None, 3)),
}
AGREED: dict[str, tuple[int, ...]] = {
    WINNER: (4, 5, 4, 4, 3, 4),
    AWKWARD: (4, 3, 3, 4, 4, 3),
    OASTHOUSE: (3, 4, 4, 3, 2, 4),
    WEALD: (3, 3, 2, 3, 3, 3),
}
RATIONALE: dict[str, tuple[str, ...]] = {
    WINNER: (
        "A hub-and-spoke model with refuges in Canterbury, Thanet and Dover and outreach in every district; outcomes reported quarterly.",
        "Named safeguarding leads, MARAC attendance in all six districts and a tested out-of-hours risk escalation route.",
        "Thirty-two refuge units, including four for male victims and two adapted for wheelchair users.",
        "Written agreements with district housing teams and Kent Police; joint triage proposed with health visitors.",
        "A 12-week mobilisation plan; the TUPE approach is sound but relies on one HR adviser.",
        "Twelve local apprenticeships over the contract and a volunteer scheme with accredited training.",
    ),
    AWKWARD: (
        "A clear model built on existing Thanet and Swale services; outcome measures are specific and dated.",
        "Safeguarding policies meet the requirement; escalation out of hours relies on a single on-call manager.",
        "Adequate refuge capacity, but no provision yet for male victims.",
        "Strong links with Ashford and Canterbury housing teams evidenced by letters of support.",
        "Detailed week-by-week mobilisation with TUPE consultation costed and resourced.",
        "Commits to local recruitment but gives no targets or measures.",
    ),
    OASTHOUSE: (
        "A sound model focused on refuge provision; outreach coverage in Folkestone and Hythe is thin.",
        "Good safeguarding practice with a specialist children's worker in each refuge.",
        "Twenty-eight refuge units in good condition, with a plan to add dispersed units in Dover.",
        "Partnerships are described in general terms with little evidence of joint working.",
        "Mobilisation in 16 weeks exceeds the 12 weeks required; TUPE risks are not addressed.",
        "A survivor-led volunteer programme with paid progression routes.",
    ),
    WEALD: (
        "An adequate model transferred from a West Sussex service; local adaptation is limited.",
        "Meets the minimum requirement; risk assessment tools are named but training is not described.",
        "Relies on properties not yet secured; two landlords have not confirmed.",
        "Good relationships in Swale; other districts are not covered in detail.",
        "A standard mobilisation plan with TUPE addressed in outline.",
        "Volunteering offer meets the requirement without local targets.",
    ),
}
ANNUAL_PRICE = {
    WINNER: D("1842000"),
    AWKWARD: D("1695500"),
    OASTHOUSE: D("1880000"),
    WEALD: D("1402000"),
}
PANEL = (
    PanelMember(
        "Priya Natarajan",
        "Commissioning Manager",
        "Kent County Council",
        date(2026, 7, 20),
        date(2026, 7, 20),
    ),
    PanelMember(
        "Gareth Lowe",
        "Housing Options Manager",
        "Swale Borough Council",
        date(2026, 7, 21),
        date(2026, 7, 21),
        conflicts=(f"Trustee of {WEALD} until March 2025",),
        excluded_from=(WEALD,),
    ),
    PanelMember(
        "Helen Okafor",
        "Public Health Specialist",
        "Kent County Council",
        date(2026, 7, 20),
        date(2026, 7, 20),
    ),
    PanelMember(
        "Tom Ashdown",
        "Procurement Manager and moderator",
        "Kent County Council",
        date(2026, 7, 17),
        date(2026, 7, 17),
        scores=False,
    ),
)
SCORERS = tuple(m.name for m in PANEL if m.scores)


def _weighted(score: int, weight: Decimal) -> Decimal:
    return money(D(score) / 5 * weight)


def _results(quality_weight: Decimal = D(70), price_weight: Decimal = D(30)) -> list[BidderResult]:
    """Work out totals as the scoring rules would, optionally with other weights."""
    lowest = min(ANNUAL_PRICE.values()) * 5
    scored = []
    for bidder in ASSESSED:
        quality = sum(
            (_weighted(s, c.weight) for s, c in zip(AGREED[bidder], CRITERIA, strict=True)), D(0)
        )
        quality = money(quality * quality_weight / 70)
        price = ANNUAL_PRICE[bidder] * 5
        price_score = money(price_weight * lowest / price)
        scored.append((quality + price_score, bidder, quality, price_score, price))
    scored.sort(reverse=True)
    return [
        BidderResult(bidder, rank, quality, price_score, total, price)
        for rank, (total, bidder, quality, price_score, price) in enumerate(scored, start=1)
    ]


def _sensitivity() -> tuple[SensitivityScenario, ...]:
    scenarios = []
    for quality, price in ((70, 30), (60, 40), (50, 50), (80, 20)):
        first = _results(D(quality), D(price))[0].bidder
        scenarios.append(
            SensitivityScenario(
                f"Quality {quality}%, price {price}%",
                first,
                first != WINNER,
                "Published weights" if quality == 70 else "",
            )
        )
    scenarios.append(
        SensitivityScenario(
            f"{WINNER} Q5 at the lowest evaluator score (1)", WINNER, False, "Total falls to 75.83"
        )
    )
    return tuple(scenarios)


def evaluation_input() -> EvaluationReportInput:
    """Return the East Kent lot's evaluation, ready for the report."""
    results = tuple(_results())
    consensus, own = [], []
    for bidder in ASSESSED:
        for index, criterion in enumerate(CRITERIA):
            score = AGREED[bidder][index]
            consensus.append(
                ConsensusScore(
                    bidder,
                    criterion.code,
                    D(score),
                    _weighted(score, criterion.weight),
                    RATIONALE[bidder][index],
                )
            )
            for evaluator, value in zip(SCORERS, OWN_SCORES[bidder][index], strict=True):
                if value is not None:
                    own.append(EvaluatorScore(bidder, criterion.code, evaluator, D(value)))
    return EvaluationReportInput(
        procurement=procurement(),
        lot=EAST,
        report_date=date(2026, 9, 18),
        version="Final 1.0",
        classification="OFFICIAL-SENSITIVE: COMMERCIAL",
        timetable=(
            TimetableRow(
                "Market engagement event",
                date(2026, 3, 9),
                date(2026, 3, 9),
                date(2026, 3, 9),
                date(2026, 3, 9),
            ),
            TimetableRow(
                "Invite tenders",
                date(2026, 6, 1),
                date(2026, 6, 1),
                date(2026, 6, 1),
                date(2026, 6, 1),
            ),
            TimetableRow(
                "Prepare tenders and clarifications",
                date(2026, 6, 1),
                date(2026, 7, 17),
                date(2026, 6, 1),
                date(2026, 7, 31),
                "Deadline extended by two weeks after clarification CQ03 changed the TUPE information; every bidder was told on 3 July 2026.",
            ),
            TimetableRow(
                "Evaluate tenders and interviews",
                date(2026, 7, 20),
                date(2026, 8, 21),
                date(2026, 8, 3),
                date(2026, 9, 4),
                "Follows the extended tender deadline.",
            ),
            TimetableRow(
                "Moderation meeting",
                date(2026, 8, 25),
                date(2026, 8, 25),
                date(2026, 9, 8),
                date(2026, 9, 8),
                "Follows the extended tender deadline.",
            ),
            TimetableRow(
                "Draft tender evaluation report",
                date(2026, 8, 26),
                date(2026, 9, 4),
                date(2026, 9, 9),
                date(2026, 9, 18),
                "Follows the moderation meeting.",
            ),
            TimetableRow(
                "Review the report and agree the award", date(2026, 9, 29), date(2026, 9, 29)
            ),
            TimetableRow("Standstill period", date(2026, 10, 14), date(2026, 10, 23)),
            TimetableRow("Award contract", date(2026, 10, 26), date(2026, 10, 26)),
        ),
        panel=PANEL,
        bids=(
            BidReceived(WINNER, datetime(2026, 7, 31, 11, 2)),
            BidReceived(AWKWARD, datetime(2026, 7, 30, 16, 40)),
            BidReceived(OASTHOUSE, datetime(2026, 7, 31, 9, 15)),
            BidReceived(WEALD, datetime(2026, 7, 29, 14, 20)),
            BidReceived(
                EXCLUDED,
                datetime(2026, 7, 31, 11, 48),
                excluded=True,
                exclusion_reason="Failed PF2: insurance cover below the level required.",
            ),
            BidReceived(LATE, datetime(2026, 7, 31, 12, 7), late=True),
        ),
        method=METHOD,
        pass_fail=tuple(
            PassFailResult(
                bidder,
                question,
                not (bidder == EXCLUDED and index == 1),
                "Public liability cover of £2m only; the bidder confirmed it would not increase it."
                if bidder == EXCLUDED and index == 1
                else "",
            )
            for bidder in (*ASSESSED, EXCLUDED)
            for index, question in enumerate(PASS_FAIL)
        ),
        evaluator_scores=tuple(own),
        consensus=tuple(consensus),
        results=results,
        prices=tuple(
            PriceAnalysis(
                r.bidder,
                r.price,
                ANNUAL_PRICE[r.bidder],
                r.price_score,
                abnormally_low=r.bidder == WEALD,
                investigation="Explained by donated refuge properties and a volunteer night service; costs verified and accepted."
                if r.bidder == WEALD
                else "",
            )
            for r in results
        ),
        vfm_checks=tuple(
            check
            for bidder, hourly, hours in (
                (WINNER, "£18.40", "2.5"),
                (AWKWARD, "£17.95", "3.0"),
                (OASTHOUSE, "£19.60", "3.5"),
                (WEALD, "£15.10", "1.0"),
            )
            for check in (
                VfmCheck(bidder, "Support cost per hour", "£20.00 cap", hourly, True),
                VfmCheck(
                    bidder,
                    "Outreach contact hours per person per week",
                    "Maximum 6, target 1 to 3",
                    hours,
                    D(hours) <= 3,
                    "" if D(hours) <= 3 else "Above the target range; within the maximum",
                ),
            )
        ),
        sensitivity=_sensitivity(),
        clarifications=(
            Clarification(
                "CQ01",
                date(2026, 6, 8),
                "Can refuge properties in Dover be sub-let to a partner organisation?",
                "Yes, with the Council's written consent; the lease terms are in Schedule 4.",
                date(2026, 6, 10),
                True,
            ),
            Clarification(
                "CQ02",
                date(2026, 6, 15),
                "Is the countywide IDVA service in scope for the East Kent lot?",
                "No. The countywide IDVA service is commissioned separately.",
                date(2026, 6, 16),
                True,
            ),
            Clarification(
                "CQ03",
                date(2026, 6, 29),
                "Please confirm the number of staff in scope for TUPE.",
                "Updated TUPE information for 23 staff is published with this answer; the tender deadline moves to 31 July 2026.",
                date(2026, 7, 3),
                True,
            ),
            Clarification(
                "CQ04",
                date(2026, 7, 6),
                'Will the Council accept a bid for a single district ("partial lot")?',
                "No. Bids must cover the whole lot.",
                date(2026, 7, 7),
                True,
            ),
        ),
        recommended_bidder=WINNER,
        recommendation=RECOMMENDATION,
        sign_off=(
            Signatory("Chair of the evaluation panel", "Priya Natarajan", "Kent County Council"),
            Signatory("Procurement Manager", "Tom Ashdown", "Kent County Council"),
            Signatory("Director of Commissioning", "Rachel Whitfield", "Kent County Council"),
        ),
        moderation_date=date(2026, 9, 8),
    )


def assessment_input(**changes: object) -> AssessmentSummaryInput:
    """Return the East Kent lot's assessment summaries input (Procurement Act 2023 rules)."""
    report = evaluation_input()
    period = standstill_period(REGIME, date(2026, 10, 14))
    summary = AssessmentSummaryInput(
        procurement=report.procurement,
        lot=EAST,
        feedback=feedback_rules(REGIME),
        method=METHOD,
        consensus=report.consensus,
        results=report.results,
        winner=WINNER,
        issued_on=date(2026, 10, 12),
        standstill=StandstillDates.from_period(
            period,
            "A voluntary standstill of 8 working days, beginning with the day the contract award "
            "notice is published. The Procurement Act 2023 does not require one for light-touch "
            "contracts; the Council observes it so that bidders can raise concerns before the "
            "contract is entered into.",
        ),
        contact=LEAD,
        criteria_published_in="section 4 of the invitation to tender published on 1 June 2026",
        winner_characteristics=(
            "A hub-and-spoke service across all six East Kent districts with the largest refuge "
            "capacity offered and a tested out-of-hours safeguarding route."
        ),
    )
    return dataclasses.replace(summary, **changes)  # type: ignore[arg-type]


def committee_report_input() -> CommitteeReportInput:
    """Return the award report to the Supporting People Commissioning Body."""
    results = _results()
    ranking = Table(
        columns=("Rank", "Bidder", "Quality (of 70)", "Price (of 30)", "Total (of 100)"),
        rows=tuple(
            (str(r.rank), r.bidder, f"{r.quality:.2f}", f"{r.price_score:.2f}", f"{r.total:.2f}")
            for r in results
        ),
        caption="East Kent lot: ranking of the evaluated tenders",
        widths=(1.0, 6.0, 2.5, 2.5, 2.5),
        numeric_columns=frozenset({0, 2, 3, 4}),
        emphasis_rows=frozenset({0}),
    )
    bars = charts.BarChartData(
        title="East Kent lot: total scores",
        labels=tuple(r.bidder for r in results),
        values=tuple(float(r.total) for r in results),
        highlight=0,
        value_label="Total score (out of 100)",
        maximum=100.0,
    )
    chart = Chart(
        title=bars.title,
        png=charts.bar_chart_png(bars),
        caption="East Kent lot: total scores by bidder",
        alt_text="; ".join(f"{r.bidder} {r.total:.2f}" for r in results),
    )
    return CommitteeReportInput(
        by="Rachel Whitfield, Director of Commissioning, Adult Social Care and Health",
        to="Supporting People Commissioning Body",
        meeting_date=date(2026, 9, 29),
        subject="Kent Integrated Domestic Abuse Service: award of contracts",
        classification="Unrestricted (Appendix 1, the tender evaluation report, is exempt)",
        summary=(
            "This report summarises the tender for the Kent Integrated Domestic Abuse Service "
            "and recommends the award of the East Kent and West Kent contracts.",
        ),
        recommendations=(
            f"Approve the award of the East Kent contract to {WINNER} for three years from "
            "1 April 2027, with the option to extend for up to two further years;",
            "Approve the award of the West Kent contract to Greensand Housing Association on "
            "the same terms;",
            "Note the lessons learnt from the evaluation set out in section 5.",
        ),
        sections=(
            ReportSection(
                "Introduction",
                (
                    "The Commissioning Body agreed the procurement plan for an integrated domestic "
                    "abuse service in March 2026, with one contract for East Kent and one for West "
                    "Kent and a maximum budget of £3.5 million a year.",
                    "The service brings together refuge accommodation, outreach, a consistent "
                    "sanctuary scheme and move-on support, which are now delivered through twelve "
                    "separate contracts.",
                ),
            ),
            ReportSection(
                "The procurement",
                (
                    "The tender was advertised on 1 June 2026 under the Procurement Act 2023 as a "
                    "light-touch contract. The deadline was extended to 31 July 2026 after updated "
                    "TUPE information was published.",
                    "Six tenders were received for the East Kent lot:",
                    Bullets.of(
                        "four were evaluated in full;",
                        f"one ({EXCLUDED}) was excluded for insufficient insurance cover;",
                        f"one ({LATE}) arrived after the deadline and was not opened.",
                    ),
                ),
            ),
            ReportSection(
                "Evaluation outcome",
                (
                    "A panel drawn from commissioning, district housing and public health scored "
                    "each tender independently before agreeing consensus scores at moderation on "
                    "8 September 2026.",
                    ranking,
                    chart,
                    f"{WINNER} offered the strongest quality score and ranked first under every "
                    "weighting tested.",
                ),
            ),
            ReportSection(
                "Financial implications",
                (
                    "The recommended tenders are within the maximum budget:",
                    Table(
                        columns=("Lot", "Annual price", "Whole-life price (5 years)"),
                        rows=(
                            ("East Kent", "£1,842,000.00", "£9,210,000.00"),
                            ("West Kent", "£1,566,000.00", "£7,830,000.00"),
                            ("Total", "£3,408,000.00", "£17,040,000.00"),
                        ),
                        caption="Contract prices",
                        widths=(4.0, 4.0, 5.0),
                        numeric_columns=frozenset({1, 2}),
                        emphasis_rows=frozenset({2}),
                    ),
                ),
            ),
            ReportSection(
                "Lessons learnt",
                (
                    "The evaluation panel reviewed the process and recommends that future "
                    "procurements:",
                    Bullets.of(
                        "publish the evaluation guidance before evaluation starts;",
                        "allow time in the plan to agree the guidance;",
                        "resolve all queries and scores before moderation ends.",
                    ),
                ),
            ),
        ),
        conclusion=(
            "The procurement attracted a competitive field and the recommended providers offer "
            "good quality within budget.",
        ),
        background_documents=(
            "Draft procurement plan: Kent Integrated Domestic Abuse Service (March 2026)",
            "Tender evaluation report: East Kent lot (September 2026), exempt",
        ),
        contact=CONTACT,
        author=CLIENT,
    )


def procurement_plan_input() -> ProcurementPlanInput:
    """Return the draft procurement plan, in the Kent shape."""
    return ProcurementPlanInput(
        title="Kent Integrated Domestic Abuse Service",
        council="Kent County Council",
        reference="KCC-SP-2026-014",
        plan_date=date(2026, 3, 2),
        status="Draft",
        value_summary="Up to £3.5 million a year (£17.5 million over five years)",
        procurement_lead=LEAD,
        client_lead=CLIENT,
        description=(
            "The Kent Integrated Domestic Abuse Service is commissioned by the Kent Commissioned "
            "Services Team, which works in partnership to deliver needs-led, value for money, "
            "high quality housing support services for vulnerable people.",
            "The contract provides a full range of services to support those affected by "
            "domestic abuse, including:",
            Bullets.of(
                "refuge accommodation for women and their children fleeing domestic abuse;",
                "safe accommodation for groups that are hard to reach, such as male victims and "
                "Gypsy and Traveller communities;",
                "outreach support for people in their own homes;",
                "a consistent sanctuary scheme across the county;",
                "a rent deposit scheme to help people move on to privately rented homes.",
            ),
        ),
        funding=(
            "Most of the funding comes from the Supporting People budget, currently around "
            "£2 million a year. There may be scope to draw in external funding for additional "
            "services.",
        ),
        value=("The contract has a maximum budget of £3.5 million a year across both lots.",),
        business_objectives=(
            "The supplier will contribute to these outcomes:",
            Bullets.of(
                "improved long-term health, well-being and quality of life for people affected "
                "by domestic abuse;",
                "fewer repeat victims and fewer domestic homicides;",
                "better access to and exit from domestic abuse services;",
                "less homelessness caused by domestic abuse.",
            ),
        ),
        current_supply=(
            "There are ten refuge contracts and two floating support contracts, delivered by five "
            "organisations. There is no refuge in Tonbridge and Malling, a known gap in supply, "
            "and sanctuary provision is inconsistent across the county.",
        ),
        market_position=(
            "The market is mainly registered social landlords and the third sector. A market "
            "engagement event will test the appetite for larger, integrated contracts.",
        ),
        risks=(
            Risk(
                "TUPE: bidders put off by the costs",
                "All TUPE information is provided on request; money is set aside for additional costs.",
            ),
            Risk(
                "Bidders not aware of the opportunity",
                "An open day is held and providers who attend are emailed when the tender notice is published.",
            ),
            Risk(
                "Risk of challenge",
                "The procurement follows best practice, openly and transparently, with oversight by a procurement manager.",
            ),
            Risk(
                "Landlords withdrawing properties",
                "Consultation with building owners from the outset and contingency provision.",
            ),
        ),
        route_options=(
            "The contract will be awarded to one supplier for East Kent and one for West Kent, "
            "which replicates the current floating support model and gives consistency and "
            "value for money.",
            "Evaluation follows the model and weightings published with the invitation to "
            "tender, with strategic procurement overseeing the process.",
        ),
        route=procurement().route,
        evaluation_team=(
            "The evaluation team includes Commissioned Services, district housing, criminal "
            "justice and public health partners, and the Kent and Medway domestic abuse "
            "co-ordinator. After evaluation and interviews an evaluation report will recommend "
            "the award.",
        ),
        value_for_money=(
            "The evaluation assesses quality of service and value for money. Suppliers must meet "
            "minimum service levels throughout the contract; unit costs will be analysed to "
            "inform the next contract price.",
        ),
        route_recommendation=(
            "Advertise on the Kent business portal and the central digital platform and award "
            "one contract per lot, for economies of scale and continuity across Kent.",
        ),
        timetable=(
            PlanTask("Market engagement event", date(2026, 3, 9)),
            PlanTask("Invite tenders", date(2026, 6, 1)),
            PlanTask("Prepare tenders and clarifications", date(2026, 6, 1), date(2026, 7, 17)),
            PlanTask("Evaluate tenders and interviews", date(2026, 7, 20), date(2026, 8, 21)),
            PlanTask("Draft tender evaluation report", date(2026, 8, 26), date(2026, 9, 4)),
            PlanTask("Review the report and agree the award", date(2026, 9, 29)),
            PlanTask("Standstill period", date(2026, 10, 14), date(2026, 10, 23)),
            PlanTask("Award contract", date(2026, 10, 26)),
        ),
        resources=(
            "Procurement manager support throughout the procurement.",
            "Consultation team support for market engagement events.",
            "Commissioned Services administration support for events and minutes.",
        ),
        reviews=(
            "The Supporting People Commissioning Body receives regular progress reports. The "
            "evaluation team and the procurement manager review progress regularly.",
        ),
        lots=(EAST, WEST),
    )


# --- a large synthetic evaluation for the benchmark ------------------------------------------


def synthetic_evaluation(
    bids: int = 30, criteria: int = 40, evaluators: int = 3
) -> EvaluationReportInput:
    """Return a large, consistent evaluation: ``bids`` bids, ``criteria`` criteria, 3 evaluators."""
    base = evaluation_input()
    weight = money(D(70) / criteria)
    items = tuple(
        Criterion(
            f"Q{n:02d}",
            f"Quality question {n} on service delivery",
            "Quality" if n % 5 else "Social value",
            weight,
        )
        for n in range(1, criteria + 1)
    )
    names = tuple(f"Provider {n:02d} Housing & Support Ltd" for n in range(1, bids + 1))
    panel = tuple(
        PanelMember(
            f"Evaluator {n}",
            "Commissioning Officer",
            "Kent County Council",
            date(2026, 7, 20),
            date(2026, 7, 20),
        )
        for n in range(1, evaluators + 1)
    )
    rng = random.Random(2026)  # fixed seed: the same evaluation on every run
    own, consensus, totals = [], [], []
    for bidder in names:
        quality, strength = D(0), rng.choice((2, 3, 3, 4, 4))
        for criterion in items:
            scores = [min(5, max(0, strength + rng.choice((-1, 0, 0, 0, 1)))) for _ in panel]
            agreed = sorted(scores)[len(scores) // 2]
            weighted = money(D(agreed) / 5 * criterion.weight)
            quality += weighted
            consensus.append(
                ConsensusScore(
                    bidder,
                    criterion.code,
                    D(agreed),
                    weighted,
                    f"The tender from {bidder} addresses {criterion.title.lower()} with evidence from current contracts; the panel agreed {agreed} after discussing the evaluators' notes.",
                )
            )
            own += [
                EvaluatorScore(bidder, criterion.code, m.name, D(s))
                for m, s in zip(panel, scores, strict=True)
            ]
        price = D(rng.randrange(7_500_000, 10_500_000, 1_000))
        totals.append((bidder, quality, price))
    lowest = min(price for _, _, price in totals)
    scored = sorted(
        (
            (q + money(30 * lowest / p), bidder, q, money(30 * lowest / p), p)
            for bidder, q, p in totals
        ),
        reverse=True,
    )
    results = tuple(
        BidderResult(bidder, rank, q, ps, total, p)
        for rank, (total, bidder, q, ps, p) in enumerate(scored, start=1)
    )
    winner = results[0].bidder
    method = dataclasses.replace(METHOD, criteria=items)
    return dataclasses.replace(
        base,
        panel=panel,
        bids=tuple(
            BidReceived(name, datetime(2026, 7, 31, 9, n % 60)) for n, name in enumerate(names)
        ),
        method=method,
        pass_fail=tuple(PassFailResult(name, q, True) for name in names for q in PASS_FAIL),
        evaluator_scores=tuple(own),
        consensus=tuple(consensus),
        results=results,
        prices=tuple(
            PriceAnalysis(r.bidder, r.price, money(r.price / 5), r.price_score) for r in results
        ),
        vfm_checks=tuple(
            VfmCheck(r.bidder, "Support cost per hour", "£20.00 cap", "£18.00", True)
            for r in results
        ),
        sensitivity=(SensitivityScenario("Published weights", winner, False),),
        recommended_bidder=winner,
        recommendation=f"The panel recommends the award of the contract to {winner}.",
    )
