"""Great Yarmouth floating support re-tender (NCC-GY-FS-2026), taken to standstill."""

from __future__ import annotations

from decimal import Decimal

from tenderflow.demo.histories.standstill import DemoBid, DemoHistory

YARMOUTH = DemoHistory(
    reference="NCC-GY-FS-2026",
    lots={
        None: (
            DemoBid(
                "Yare Valley Support Ltd",
                Decimal("376000"),
                (4, 4, 4, 4, 3, 4),
                Decimal("18.20"),
                notes={
                    "Q1": "Support plans reviewed every eight weeks, with step-down to drop-in support."
                },
            ),
            DemoBid(
                "Breydon Floating Support CIC",
                Decimal("359000"),
                (3, 3, 3, 4, 3, 3),
                Decimal("17.40"),
            ),
            DemoBid(
                "Gorleston Community Trust", Decimal("386000"), (3, 4, 3, 3, 4, 3), Decimal("19.10")
            ),
            DemoBid(
                "Northgate Care Partnership",
                Decimal("331000"),
                excluded="No employer's liability insurance from the contract start.",
            ),
        )
    },
    not_shortlisted=(),
    conflict=(
        "evaluator3@tenderflow.example",
        "Gorleston Community Trust",
        "Partner works for the bidder as a support worker",
    ),
    plan={
        "funding": "Supporting People grant for Norfolk, Great Yarmouth share.",
        "business_objectives": "Sustained tenancies, fewer evictions and timely move-on for people with housing-related support needs.",
        "current_supply": "One generic floating support contract, ending next year.",
        "market_position": "Several providers deliver comparable services across Greater Norwich and Rural East Anglia.",
        "risks_and_controls": "Service users' support disrupted at transfer: a 12-week mobilisation plan and joint visits.\nFew bids: early market engagement with the providers' forum.",
        "route_options": "Re-tender on the sub-regional model used for Greater Norwich.",
        "value_for_money": "Prices are checked against the £20 per hour cap of the costing model.",
        "route_recommendation": "An open tender, one contract for the district.",
        "resources": "Procurement officer and contract monitoring officer time.",
        "reviews_planned": "Monthly progress check by the commissioning team.",
    },
    client_lead="Head of Housing-related Support",
    clarifications=(
        (
            "Is the service expected to work with people in temporary accommodation?",
            "Yes, where they are referred through the district's housing options team.",
            True,
        ),
    ),
    query=(
        "Breydon Floating Support CIC",
        "Q4",
        "Is the lone-working policy referred to in Q4 included in the tender?",
        "Yes: it is appendix 7; the panel read it before agreeing the score.",
    ),
    slip_reason="The moderation meeting moved a week because a panel member was ill.",
    deadline_extended=False,
)
