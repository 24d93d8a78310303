"""Which stages a procurement passes through, from its route decision and its procedure.

A quotes route has no EOI (the lead asks suppliers for quotes directly) and no mandatory
standstill; an exempt or direct award skips competition altogether. Whether a tender route
selects candidates at an EOI stage follows the procedure:

- the open procedure has no participation stage: conditions of participation are assessed
  with the tenders;
- the competitive flexible procedure has the stages the lead chose, as the tender notice
  states: a participation stage (EOI), shortlisting at its end, negotiation and a further
  tendering round after the first tenders;
- a regulated below-threshold contract under the Procurement Act 2023 (s.85; the decision's
  ``shortlisting_allowed`` is false) is not shortlisted on suitability, so it has no EOI;
  where the council's rules allow shortlisting (PCR 2015, small contracts) the EOI stays.

Procurements created before the stages followed the procedure keep the stages they were
planned with (``legacy``): an EOI on every tender route. A standstill stage is planned
whenever the route decision holds one, mandatory or voluntary.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

QUOTE_ROUTES = frozenset({"oral-quote", "written-quotes"})
SELECTION_ROUTES = frozenset({"invited-tender", "advertised-tender", "national-procedure"})

# The stages a lead may choose for a competitive flexible procedure, in the order they run.
# Tendering itself is always there; shortlisting happens at the end of the participation stage.
FLEXIBLE_STAGES = ("participation", "shortlisting", "negotiation", "further-tendering")


class StageChoiceError(ValueError):
    """The competitive flexible stages chosen do not fit together."""


def check_flexible_stages(chosen: Collection[str]) -> None:
    """Raise StageChoiceError when the chosen competitive flexible stages cannot run."""
    unknown = sorted(set(chosen) - set(FLEXIBLE_STAGES))
    if unknown:
        raise StageChoiceError(
            f"unknown competitive flexible stage {unknown[0]!r}: use {', '.join(FLEXIBLE_STAGES)}"
        )
    if "shortlisting" in chosen and "participation" not in chosen:
        raise StageChoiceError("shortlisting needs a participation stage to shortlist from")


def has_participation_stage(
    route: str,
    decision: Mapping[str, Any] | None = None,
    chosen: Collection[str] = (),
    *,
    legacy: bool = False,
) -> bool:
    """Say whether candidates register interest and are selected in an EOI stage."""
    if route not in SELECTION_ROUTES:
        return False
    if legacy:
        return True
    decision = decision or {}
    if route == "national-procedure":
        return decision.get("procedure") == "competitive-flexible" and "participation" in chosen
    return bool(decision.get("shortlisting_allowed", True))


def shortlists(
    route: str,
    decision: Mapping[str, Any] | None = None,
    chosen: Collection[str] = (),
    *,
    legacy: bool = False,
) -> bool:
    """Say whether a shortlist decides who is invited to tender (so the shortlist gate applies)."""
    if not has_participation_stage(route, decision, chosen, legacy=legacy):
        return False
    if route == "national-procedure" and not legacy:
        return "shortlisting" in chosen
    return True


def stages_for(
    route: str,
    decision: Mapping[str, Any] | None = None,
    chosen: Collection[str] = (),
    *,
    legacy: bool = False,
) -> tuple[str, ...]:
    """Return the stages, in order, that a procurement on ``route`` moves through.

    ``chosen`` are the competitive flexible stages the lead chose (``FLEXIBLE_STAGES``);
    ``legacy`` keeps the stages of a procurement planned before they followed the procedure.
    """
    held = decision is not None and bool(decision.get("standstill"))
    if route == "exempt":
        return ("planning", "award", "contract")
    if route == "direct-award":
        # No competition; the standstill follows the contract award notice unless the
        # ground for the award sets it aside.
        return (
            ("planning", "standstill", "award", "contract")
            if held
            else (
                "planning",
                "award",
                "contract",
            )
        )
    stages = ["planning"]
    if has_participation_stage(route, decision, chosen, legacy=legacy):
        stages.append("eoi")
    stages.append("itt")
    flexible = (decision or {}).get("procedure") == "competitive-flexible"
    if flexible and not legacy and route == "national-procedure":
        stages += [stage for stage in ("negotiation", "further-tendering") if stage in chosen]
    stages += ["evaluation", "moderation"]
    if route not in QUOTE_ROUTES and held:
        stages.append("standstill")
    stages += ["award", "contract"]
    return tuple(stages)


def next_stage(stages: tuple[str, ...], current: str) -> str | None:
    """Return the stage after ``current``, or None at the end."""
    index = stages.index(current)
    return stages[index + 1] if index + 1 < len(stages) else None
