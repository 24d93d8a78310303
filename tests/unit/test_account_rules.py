"""Account rules: passwords, session lifetimes, throttling, two-factor codes, production checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tenderflow.domain.accounts import (
    ProductionSettings,
    SessionLimits,
    ThrottleLimits,
    is_common_password,
    password_problem,
    production_problems,
    session_end_reason,
    sign_in_throttled,
    two_factor_required,
)
from tenderflow.domain.roles import Role
from tenderflow.services.users.two_factor import matching_step

NOON = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LIMITS = SessionLimits(idle=timedelta(minutes=60), absolute=timedelta(hours=12))


def test_a_password_shorter_than_ten_characters_is_refused() -> None:
    assert password_problem("nine char") == "Password must be 10 characters or more"
    assert password_problem("ten chars!") is None


def test_common_passwords_come_from_the_maintained_list_whatever_their_case() -> None:
    assert is_common_password("password123")
    assert is_common_password("QWERTYUIOP")
    assert not is_common_password("lantern marsh cobble")
    assert "list of common passwords" in (password_problem("1234567890") or "")


def test_a_password_containing_the_email_address_is_refused() -> None:
    assert password_problem("casey.morgan-2026", "casey.morgan@council.example") == (
        "Choose a password that does not contain your email address"
    )
    assert password_problem("casey.morgan-2026", "someone@council.example") is None


def test_a_very_long_password_is_refused_but_a_long_passphrase_is_not() -> None:
    assert password_problem("x" * 257) == "Password must be 256 characters or fewer"
    assert password_problem("three random words " * 10) is None


def test_a_session_ends_when_idle_for_the_limit_and_not_a_second_before() -> None:
    began = NOON - timedelta(hours=1)
    assert session_end_reason(began, NOON - timedelta(minutes=59, seconds=59), NOON, LIMITS) is None
    assert session_end_reason(began, NOON - timedelta(minutes=60), NOON, LIMITS) == "idle"


def test_a_session_ends_at_the_absolute_limit_however_busy() -> None:
    assert session_end_reason(NOON - timedelta(hours=12), NOON, NOON, LIMITS) == "absolute"
    assert session_end_reason(NOON - timedelta(hours=11, minutes=59), NOON, NOON, LIMITS) is None


def test_a_session_without_its_times_has_ended() -> None:
    assert session_end_reason(None, NOON, NOON, LIMITS) == "unknown"


def test_sign_in_pauses_at_either_limit() -> None:
    limits = ThrottleLimits(per_account=5, per_address=20, window=timedelta(minutes=15))
    assert not sign_in_throttled(4, 19, limits)
    assert sign_in_throttled(5, 0, limits)
    assert sign_in_throttled(0, 20, limits)


def test_two_factor_is_required_when_any_role_is_listed() -> None:
    required = {Role.ADMIN, Role.PROCUREMENT_LEAD}
    assert two_factor_required({Role.PROCUREMENT_LEAD, Role.MODERATOR}, required)
    assert not two_factor_required({Role.EVALUATOR}, required)


def test_production_names_every_reason_it_will_not_start() -> None:
    problems = production_problems(
        ProductionSettings(
            secret_key_from_environment=False,
            session_cookie_secure=False,
            remember_cookie_secure=False,
            demo_accounts=13,
        )
    )
    assert len(problems) == 4
    assert "13 demonstration account(s)" in problems[0]
    assert "SECRET_KEY" in problems[1]
    assert "SESSION_COOKIE_SECURE" in problems[2]
    assert "REMEMBER_COOKIE_SECURE" in problems[3]
    safe = ProductionSettings(
        secret_key_from_environment=True,
        session_cookie_secure=True,
        remember_cookie_secure=True,
        demo_accounts=0,
    )
    assert production_problems(safe) == []


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_a_code_from_the_step_before_now_or_after_is_accepted(offset: int) -> None:
    totp = pyotp.TOTP(SECRET)
    code = totp.at(NOON + timedelta(seconds=offset))
    assert matching_step(SECRET, code, NOON, None) == totp.timecode(NOON) + offset // 30


def test_an_old_code_a_reused_code_and_a_malformed_code_are_refused() -> None:
    totp = pyotp.TOTP(SECRET)
    assert matching_step(SECRET, totp.at(NOON - timedelta(seconds=90)), NOON, None) is None
    step = totp.timecode(NOON)
    assert matching_step(SECRET, totp.at(NOON), NOON, after_step=step) is None
    assert matching_step(SECRET, "12345", NOON, None) is None
    assert matching_step(SECRET, "abcdef", NOON, None) is None
    spaced = totp.at(NOON)[:3] + " " + totp.at(NOON)[3:]
    assert matching_step(SECRET, spaced, NOON, None) == step
