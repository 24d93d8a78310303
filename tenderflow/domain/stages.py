"""Which stages a procurement passes through, from its route decision.

A quotes route has no EOI (the lead asks suppliers for quotes directly) and no mandatory
standstill; an exempt or direct award skips competition altogether; tender routes select
candidates at EOI first. A standstill stage is planned whenever the route decision holds one,
mandatory or voluntary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

QUOTE_ROUTES = frozenset({"oral-quote", "written-quotes"})
SELECTION_ROUTES = frozenset({"invited-tender", "advertised-tender", "national-procedure"})


def stages_for(route: str, decision: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Return the stages, in order, that a procurement on ``route`` moves through."""
    if route == "exempt":
        return ("planning", "award", "contract")
    if route == "direct-award":
        # No competition; the standstill follows the contract award notice unless the
        # ground for the award sets it aside.
        held = decision is not None and decision.get("standstill")
        return (
            ("planning", "standstill", "award", "contract")
            if held
            else ("planning", "award", "contract")
        )
    stages = ["planning"]
    if route in SELECTION_ROUTES:
        stages.append("eoi")
    stages += ["itt", "evaluation", "moderation"]
    if route not in QUOTE_ROUTES and decision is not None and decision.get("standstill"):
        stages.append("standstill")
    stages += ["award", "contract"]
    return tuple(stages)


def next_stage(stages: tuple[str, ...], current: str) -> str | None:
    """Return the stage after ``current``, or None at the end."""
    index = stages.index(current)
    return stages[index + 1] if index + 1 < len(stages) else None
