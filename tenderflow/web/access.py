"""Access rules: every route declares who may use it, and routes without one are refused.

``allow(*roles)`` admits signed-in users holding any of the roles; ``signed_in`` admits
any signed-in user; ``public`` admits anyone. Object-level checks (a district officer's
own district, an evaluator's assigned bids) live in the services and views that load
the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from tenderflow.domain.roles import Role

F = TypeVar("F", bound=Callable[..., Any])

# Flask's own static view, and the GOV.UK assets, carry no rule of ours.
PUBLIC_ENDPOINTS = frozenset({"static", "assets"})


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset[Role] = frozenset()
    public: bool = False
    any_signed_in: bool = False
    # The role rule admits; the view then decides per object (its own tests cover that).
    per_object: bool = False

    def admits(self, user: Any) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.any_signed_in or user.has_role(*self.roles)

    def describe(self) -> str:
        if self.public:
            return "anyone"
        if self.any_signed_in:
            return "any signed-in user"
        return ", ".join(sorted(r.value for r in self.roles))


def _apply(rule: AccessRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not rule.public and not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not rule.admits(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def allow(*roles: Role, per_object: bool = False) -> Callable[[F], F]:
    """Admit signed-in users who hold any of ``roles`` (``per_object``: the view checks further)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use signed_in for everyone")
    return _apply(AccessRule(roles=frozenset(roles), per_object=per_object))


def signed_in(view: F) -> F:
    """Admit any signed-in user."""
    return _apply(AccessRule(any_signed_in=True))(view)


def signed_in_per_object(view: F) -> F:
    """Admit any signed-in user to a view that then checks the object they ask for."""
    return _apply(AccessRule(any_signed_in=True, per_object=True))(view)


def public(view: F) -> F:
    """Admit anyone, signed in or not."""
    return _apply(AccessRule(public=True))(view)


def rule_for(endpoint: str) -> AccessRule | None:
    """Return the access rule declared on an endpoint's view, if any."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def refuse_undeclared_routes() -> None:
    """Fail closed: refuse any request to a route that declares no access rule."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return
    if rule_for(endpoint) is None:
        current_app.logger.error("route %s has no access rule; refusing", endpoint)
        abort(403)
