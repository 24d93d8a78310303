"""A one-time account link for the access test's world, so the set-password route has one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services.users import account_links


def extend(world: dict[str, Any]) -> None:
    """Send the evaluator a password reset link and name its token."""
    tokens: list[str] = []

    def keep(token: str) -> str:
        tokens.append(token)
        return f"/account/set-password/{token}"

    account_links.issue(
        db.session,
        world["people"][Role.EVALUATOR],
        account_links.RESET,
        by=world["people"][Role.ADMIN],
        now=clock.wall_now(),
        lifetime=timedelta(hours=1),
        link_for=keep,
    )
    world["url_args"]["token"] = tokens[0]
