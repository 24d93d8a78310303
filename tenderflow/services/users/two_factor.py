"""Two-factor sign-in with time-based codes (TOTP, RFC 6238) from an authenticator app."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
from flask import current_app
from sqlalchemy.orm import Session

from tenderflow.domain.accounts import TWO_FACTOR_ROLES_IN_PRODUCTION, two_factor_required
from tenderflow.domain.roles import Role
from tenderflow.models import User
from tenderflow.services import ServiceError

# Codes one step either side of now are accepted, for clocks that drift a little.
DRIFT_STEPS = 1


def required_roles() -> frozenset[Role]:
    """Return the roles that must use two-factor sign-in under the app's configuration."""
    roles = {Role(name) for name in current_app.config.get("TWO_FACTOR_ROLES", [])}
    if current_app.config.get("TENDERFLOW_ENV") == "production":
        roles |= TWO_FACTOR_ROLES_IN_PRODUCTION
    return frozenset(roles)


def is_required(user: User) -> bool:
    """Say whether this person must use two-factor sign-in."""
    return two_factor_required(user.roles, required_roles())


def new_secret() -> str:
    """Return a new random secret for an authenticator app."""
    return pyotp.random_base32()


def setup_uri(secret: str, email: str) -> str:
    """Return the otpauth:// address an authenticator app reads (as text or a QR code)."""
    issuer = str(current_app.config.get("SERVICE_NAME", "tenderflow"))
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def setup_qr_svg(uri: str) -> str:
    """Return the setup address as a QR code, an SVG element to place in the page."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, border=4, omitsize=False))


def matching_step(secret: str, code: str, now: datetime, after_step: int | None) -> int | None:
    """Return the time step a code belongs to, if it is current and newer than ``after_step``."""
    digits = "".join(code.split())
    if not digits.isdigit() or len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def enable(session: Session, user: User, secret: str, code: str, now: datetime) -> None:
    """Turn on two-factor sign-in once the person has shown a code from the new secret."""
    step = matching_step(secret, code, now, None)
    if step is None:
        raise ServiceError(
            "Two-factor sign-in was not set up",
            {"code": "Enter the 6-digit code shown in your authenticator app"},
        )
    user.totp_secret = secret
    user.totp_last_step = step
    session.flush()


def accept_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Check a sign-in code against the person's secret; a code is accepted only once."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    session.flush()
    return True


def turn_off(session: Session, user: User) -> None:
    """Remove someone's authenticator (an administrator does this when a phone is lost)."""
    user.totp_secret = None
    user.totp_last_step = None
    user.end_sessions()
    session.flush()
