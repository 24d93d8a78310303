"""Signing in: throttling by account and by address, and an audit entry for every attempt.

Failures are counted from the ``sign_in_attempts`` table, so the limits hold across every
process and thread serving the app, and survive a restart. Every refusal gives the same
message, whether the account exists, the password is wrong or sign-in is paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.domain.accounts import ThrottleLimits, sign_in_throttled
from tenderflow.models import SignInAttempt, User
from tenderflow.services import users

FAILURES = ("wrong-password", "wrong-code")
# Attempts are working copies for counting failures (the audit log keeps every sign-in), so
# an account's or an address's attempts older than this are removed as new ones arrive.
KEEP_ATTEMPTS_FOR = timedelta(days=30)


def limits() -> ThrottleLimits:
    """Return the throttling limits from the app's configuration."""
    config = current_app.config
    return ThrottleLimits(
        per_account=int(config["SIGN_IN_FAILURES_PER_ACCOUNT"]),
        per_address=int(config["SIGN_IN_FAILURES_PER_ADDRESS"]),
        window=timedelta(minutes=float(config["SIGN_IN_WINDOW_MINUTES"])),
    )


def _failures(session: Session, now: datetime, rules: ThrottleLimits, **match: str) -> int:
    since = now - rules.window
    ((column, value),) = match.items()
    key = getattr(SignInAttempt, column)
    if column == "email":
        # A success ends the account's run of failures.
        last_success = session.scalar(
            select(func.max(SignInAttempt.at)).where(
                key == value, SignInAttempt.outcome == "success"
            )
        )
        if last_success is not None and last_success > since:
            since = last_success
    return (
        session.scalar(
            select(func.count(SignInAttempt.id)).where(
                key == value, SignInAttempt.outcome.in_(FAILURES), SignInAttempt.at > since
            )
        )
        or 0
    )


def is_throttled(session: Session, email: str, address: str, now: datetime) -> bool:
    """Say whether sign-in is paused for this account or this address."""
    rules = limits()
    return sign_in_throttled(
        _failures(session, now, rules, email=users.normalise_email(email)[:254]),
        _failures(session, now, rules, address=address[:64]),
        rules,
    )


def _record(
    session: Session, email: str, address: str, user: User | None, outcome: str, now: datetime
) -> None:
    email = users.normalise_email(email)[:254]
    _prune(session, email, address[:64], now - max(KEEP_ATTEMPTS_FOR, limits().window))
    session.add(
        SignInAttempt(
            at=now,
            email=email,
            address=address[:64],
            user_id=user.id if user else None,
            outcome=outcome,
        )
    )
    summaries = {
        "success": "Signed in",
        "wrong-password": "Sign-in refused: wrong email address or password",
        "wrong-code": "Sign-in refused: wrong two-factor code",
        "refused-throttled": "Sign-in refused: paused after too many failed attempts",
    }
    action = "sign-in" if outcome == "success" else "sign-in-failed"
    with audit.acting_as(user if user else email or "(no email given)"):
        audit.record(
            session,
            action,
            "users",
            user.id if user else email[:60],
            f"{summaries[outcome]} (from {address[:64]})",
        )
    session.flush()
    if outcome in FAILURES:
        _note_lockout(session, email, address, user, now)


def _prune(session: Session, email: str, address: str, before: datetime) -> None:
    # Through the (email, at) and (address, at) indexes: cheap on every attempt.
    session.execute(
        delete(SignInAttempt)
        .where(
            or_(SignInAttempt.email == email, SignInAttempt.address == address),
            SignInAttempt.at < before,
        )
        .execution_options(synchronize_session=False)
    )


def _note_lockout(
    session: Session, email: str, address: str, user: User | None, now: datetime
) -> None:
    # Recorded once, by the failure that reaches a limit.
    rules = limits()
    reached = []
    if _failures(session, now, rules, email=email) == rules.per_account:
        reached.append(f"account {email}")
    if _failures(session, now, rules, address=address[:64]) == rules.per_address:
        reached.append(f"address {address[:64]}")
    if reached:
        minutes = int(rules.window.total_seconds() // 60)
        with audit.acting_as(user if user else email or "(no email given)"):
            audit.record(
                session,
                "lockout",
                "users",
                user.id if user else email[:60],
                f"Sign-in paused for {minutes} minutes after too many failures: "
                + " and ".join(reached),
            )


def check_password(
    session: Session, email: str, password: str, address: str, now: datetime
) -> User | None:
    """Check an email and password; return the user, or None (recorded) when refused."""
    if is_throttled(session, email, address, now):
        users.authenticate(session, "", password)  # the same work, so the timing says nothing
        _record(
            session, email, address, users.find_by_email(session, email), "refused-throttled", now
        )
        return None
    user = users.authenticate(session, email, password)
    if user is None:
        _record(session, email, address, users.find_by_email(session, email), "wrong-password", now)
    return user


def record_success(session: Session, user: User, address: str, now: datetime) -> None:
    """Record a completed sign-in."""
    _record(session, user.email, address, user, "success", now)


def record_wrong_code(session: Session, user: User, address: str, now: datetime) -> None:
    """Record a wrong two-factor code, which counts towards the account's limit."""
    _record(session, user.email, address, user, "wrong-code", now)


def record_throttled(session: Session, user: User, address: str, now: datetime) -> None:
    """Record a two-factor code refused unchecked because sign-in is paused."""
    _record(session, user.email, address, user, "refused-throttled", now)
