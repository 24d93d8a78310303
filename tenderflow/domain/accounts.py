"""Account rules: passwords, session lifetimes, sign-in throttling and the production checks.

Passwords follow the NCSC's guidance: a minimum length, no composition rules, and a check
against a list of the most common passwords (the one the zxcvbn package maintains).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from tenderflow.domain.roles import Role

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

# Every demonstration account, and no real one, has an address at this invented domain.
DEMO_EMAIL_DOMAIN = "tenderflow.example"

# Roles that must use two-factor sign-in in production, whatever the configuration adds.
TWO_FACTOR_ROLES_IN_PRODUCTION = frozenset({Role.ADMIN, Role.PROCUREMENT_LEAD})


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """Say whether a password is on the list of common passwords (ignoring case)."""
    return password.lower() in _common_passwords()


def password_problem(password: str, email: str = "") -> str | None:
    """Return the GOV.UK error message for a password that breaks the rules, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if is_common_password(password):
        return (
            "Choose a password that is harder to guess: this one is on a list of common passwords"
        )
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        return "Choose a password that does not contain your email address"
    return None


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def session_end_reason(
    signed_in_at: datetime | None, last_seen: datetime | None, now: datetime, limits: SessionLimits
) -> str | None:
    """Return why a session has ended (idle or too old), or None while it may go on."""
    if signed_in_at is None or last_seen is None:
        return "unknown"
    if now - signed_in_at >= limits.absolute:
        return "absolute"
    if now - last_seen >= limits.idle:
        return "idle"
    return None


@dataclass(frozen=True)
class ThrottleLimits:
    per_account: int
    per_address: int
    window: timedelta


def sign_in_throttled(account_failures: int, address_failures: int, limits: ThrottleLimits) -> bool:
    """Say whether sign-in is paused, given the failures counted within the window."""
    return account_failures >= limits.per_account or address_failures >= limits.per_address


def two_factor_required(roles: Iterable[Role], required: Iterable[Role]) -> bool:
    """Say whether someone holding ``roles`` must use two-factor sign-in."""
    return bool(set(roles) & set(required))


@dataclass(frozen=True)
class ProductionSettings:
    secret_key_from_environment: bool
    session_cookie_secure: bool
    remember_cookie_secure: bool
    demo_accounts: int


def production_problems(settings: ProductionSettings) -> list[str]:
    """Return every reason the app must not start in production (empty when it may)."""
    problems = []
    if settings.demo_accounts:
        problems.append(
            f"{settings.demo_accounts} demonstration account(s) exist in the database; "
            "production needs a database without the demo data"
        )
    if not settings.secret_key_from_environment:
        problems.append("SECRET_KEY is not set in the environment")
    if not settings.session_cookie_secure:
        problems.append("SESSION_COOKIE_SECURE is off, so the session cookie would not be Secure")
    if not settings.remember_cookie_secure:
        problems.append("REMEMBER_COOKIE_SECURE is off, so the remember cookie would not be Secure")
    return problems
