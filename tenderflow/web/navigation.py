"""The service navigation: each journey registers its own entries and who sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from tenderflow.domain.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]
    order: int = 50
    # Other pages, by endpoint or "blueprint." prefix, under which this entry shows as current.
    also_for: tuple[str, ...] = ()

    def is_current(self, endpoint: str) -> bool:
        return endpoint == self.endpoint or any(
            endpoint == other or (other.endswith(".") and endpoint.startswith(other))
            for other in self.also_for
        )


_ITEMS: list[NavItem] = []


def register(
    label: str,
    endpoint: str,
    roles: set[Role] | frozenset[Role],
    order: int = 50,
    also_for: tuple[str, ...] = (),
) -> None:
    """Add an entry to the service navigation, shown to users holding any of ``roles``."""
    item = NavItem(label, endpoint, frozenset(roles), order, also_for)
    if item not in _ITEMS:
        _ITEMS.append(item)


def items_for(user: Any) -> list[dict[str, Any]]:
    """Return the GOV.UK service-navigation items the user may see."""
    if not user.is_authenticated:
        return []
    visible = sorted((i for i in _ITEMS if user.has_role(*i.roles)), key=lambda i: i.order)
    current = request.endpoint or ""
    return [
        {
            "href": url_for(item.endpoint),
            "text": item.label,
            "active": item.is_current(current),
        }
        for item in visible
    ]
