"""The procurement page is built from sections each feature registers.

A feature adds a section with :func:`section`: a template under ``templates/`` and a
function returning that template's variables for one procurement and the signed-in user,
or ``None`` when the section has nothing to show to that user. Sections are shown in
``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenderflow.models import Procurement, User

SectionContext = Callable[[Procurement, User], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: SectionContext


SECTIONS: list[Section] = []


def section(order: int, template: str) -> Callable[[SectionContext], SectionContext]:
    """Register ``function`` as the context of a procurement-page section."""

    def register(function: SectionContext) -> SectionContext:
        SECTIONS[:] = [s for s in SECTIONS if s.template != template]
        SECTIONS.append(Section(order, template, function))
        SECTIONS.sort(key=lambda s: s.order)
        return function

    return register


def sections_for(procurement: Procurement, user: User) -> list[tuple[str, dict[str, Any]]]:
    """Return (template, variables) for every section this user sees on this procurement."""
    shown = []
    for entry in SECTIONS:
        variables = entry.context(procurement, user)
        if variables is not None:
            shown.append((entry.template, variables))
    return shown
