"""Kent Integrated Domestic Abuse Service (KCC-IDAS-2026): an East Kent and a West Kent lot, taken to standstill."""

from __future__ import annotations

from decimal import Decimal

from tenderflow.demo.histories.standstill import DemoBid, DemoHistory

KENT = DemoHistory(
    reference="KCC-IDAS-2026",
    lots={
        1: (
            DemoBid(
                "Harbour Light Housing Trust",
                Decimal("1842000"),
                (5, 4, 4, 5, 4, 4),
                Decimal("18.40"),
                notes={
                    "Q1": "A hub-and-spoke model with refuges in Canterbury, Thanet and Dover and outreach in every district.",
                    "Q4": "Named safeguarding leads, MARAC attendance in all six districts and a tested out-of-hours escalation route.",
                },
            ),
            DemoBid(
                "Smith & Jones <Ltd>",
                Decimal("1695500"),
                (4, 4, 3, 3, 4, 4),
                Decimal("17.95"),
                notes={
                    "Q6": "Week-by-week mobilisation with TUPE consultation costed and resourced."
                },
            ),
            DemoBid(
                "Oasthouse Women's Aid",
                Decimal("1880000"),
                (3, 4, 4, 3, 3, 3),
                Decimal("19.60"),
                notes={"Q6": "Mobilisation in 16 weeks exceeds the 12 weeks required."},
            ),
            DemoBid(
                "Weald Refuge Partnership",
                Decimal("1402000"),
                (3, 3, 2, 3, 3, 2),
                Decimal("15.10"),
                notes={
                    "Q3": "Relies on refuge properties not yet secured; two landlords have not confirmed."
                },
            ),
            DemoBid(
                "Brightwater Support Ltd",
                Decimal("1760000"),
                excluded="Public liability cover of £2 million only, below the £5 million required.",
            ),
            DemoBid("Medway Valley Support CIC", Decimal("1790000"), late=True),
        ),
        2: (
            DemoBid(
                "Greensand Housing Association",
                Decimal("1566000"),
                (4, 5, 4, 4, 4, 4),
                Decimal("18.10"),
                notes={
                    "Q2": "Specialist provision for male victims and for Gypsy and Traveller communities."
                },
            ),
            DemoBid(
                "Smith & Jones <Ltd>", Decimal("1540000"), (4, 3, 3, 4, 3, 3), Decimal("17.95")
            ),
            DemoBid(
                "Oasthouse Women's Aid", Decimal("1610000"), (3, 4, 3, 3, 3, 4), Decimal("19.20")
            ),
        ),
    },
    not_shortlisted=(
        ("Thanet Together Ltd", "No experience of refuge or domestic abuse services."),
    ),
    conflict=(
        "evaluator2@tenderflow.example",
        "Weald Refuge Partnership",
        "Trustee of the bidder until March 2025",
    ),
    plan={
        "funding": "Most of the funding comes from the Supporting People budget, about £2 million a year.\n\nThere may be scope to draw in external funding for additional services.",
        "business_objectives": "Improved long-term health, well-being and quality of life for people affected by domestic abuse; fewer repeat victims; better access to and exit from services; less homelessness caused by domestic abuse.",
        "current_supply": "Ten refuge contracts and two floating support contracts, delivered by five organisations. There is no refuge in Tonbridge and Malling, and sanctuary provision is inconsistent across the county.",
        "market_position": "The market is mainly registered social landlords and the third sector. A market engagement event will test the appetite for larger, integrated contracts.",
        "risks_and_controls": "TUPE costs put bidders off: all TUPE information is provided on request and money is set aside.\nBidders not aware of the opportunity: an open day is held and attendees are told when the tender notice is published.\nRisk of challenge: the procurement follows the rules openly, overseen by a procurement manager.\nLandlords withdrawing properties: owners are consulted from the outset and contingency provision is planned.",
        "route_options": "One contract for East Kent and one for West Kent, which replicates the current floating support model and gives consistency and value for money.",
        "value_for_money": "The evaluation assesses quality and price; unit costs will be analysed to inform the next contract price.",
        "route_recommendation": "Advertise on the Kent business portal and the central digital platform and award one contract per lot.",
        "resources": "Procurement manager support throughout.\n\nCommissioned Services administration support for events and minutes.",
        "reviews_planned": "The Supporting People Commissioning Body receives progress reports at each meeting.",
    },
    client_lead="Director of Commissioning, Adult Social Care and Health",
    clarifications=(
        (
            "Can refuge properties in Dover be sub-let to a partner organisation?",
            "Yes, with the Council's written consent; the lease terms are in Schedule 4.",
            True,
        ),
        (
            "Please confirm the number of staff in scope for TUPE.",
            "Updated TUPE information for 23 staff is published with this answer; the tender deadline moves back one week.",
            True,
        ),
        (
            "Can we see our own organisation's past contract monitoring returns?",
            "Yes: they have been sent to you directly, as they concern only your organisation.",
            False,
        ),
    ),
    query=(
        "Oasthouse Women's Aid",
        "Q6",
        "Evaluators differ by two points on mobilisation: does the 16-week plan meet the 12-week requirement?",
        "The panel checked appendix C: the plan takes 16 weeks, so the requirement is not met in full; agreed at 3.",
    ),
    slip_reason="Tender deadline extended by one week after clarification CQ-002 changed the TUPE information; every bidder was told the same day.",
    lot_values={1: Decimal("1900000"), 2: Decimal("1600000")},
)
