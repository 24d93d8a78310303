"""People: signing in, creating accounts and changing roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tenderflow import clock
from tenderflow.domain.accounts import DEMO_EMAIL_DOMAIN, password_problem
from tenderflow.domain.roles import Role
from tenderflow.models import District, User
from tenderflow.services import ServiceError


@dataclass
class UserInput:
    email: str
    name: str
    roles: set[Role]
    password: str | None = None
    job_title: str | None = None
    organisation: str | None = None
    district_code: str | None = None
    active: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def normalise_email(email: str) -> str:
    """Return an email address as stored: trimmed and lower case."""
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    """Return the user with this email address, if any."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user whose email and password match, or None."""
    user = find_by_email(session, email)
    if user is None or not user.has_password:
        # Check a password anyway, so the response time does not reveal which emails exist
        # (or which accounts are still waiting for their holder to set a password).
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def _district(session: Session, code: str | None) -> District | None:
    if not code:
        return None
    district = session.scalar(select(District).where(District.code == code))
    if district is None:
        raise ServiceError("Unknown district", {"district": "Select a district from the list"})
    return district


def _check(session: Session, data: UserInput, existing: User | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Enter the person's full name"
    email = normalise_email(data.email)
    if "@" not in email:
        errors["email"] = "Enter an email address in the correct format, like name@example.gov.uk"
    else:
        other = find_by_email(session, email)
        if other is not None and other is not existing:
            errors["email"] = "An account with this email address already exists"
    if not data.roles:
        errors["roles"] = "Select at least one role"
    if Role.DISTRICT_OFFICER in data.roles and not data.district_code:
        errors["district"] = "Select the district council this officer works for"
    if data.password is not None:
        problem = password_problem(data.password, email)
        if problem:
            errors["password"] = problem
    return errors


def create_user(session: Session, data: UserInput) -> User:
    """Create an account; raise ServiceError listing every problem.

    Without a password the account cannot sign in until its holder sets one through
    an invitation link.
    """
    errors = _check(session, data, None)
    if errors:
        raise ServiceError("The account could not be created", errors)
    user = User(
        email=normalise_email(data.email),
        name=data.name.strip(),
        job_title=data.job_title or None,
        organisation=data.organisation or None,
        district=_district(session, data.district_code),
        active=data.active,
        created_at=clock.now(),
        password_hash="",
        session_version=1,
    )
    if data.password is not None:
        user.set_password(data.password)
        user.password_set_at = user.created_at
    user.set_roles(data.roles)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, data: UserInput) -> User:
    """Change an account's details, roles, district or password.

    Disabling the account, changing its roles or its password ends its sessions.
    """
    errors = _check(session, data, user)
    if errors:
        raise ServiceError("The account could not be changed", errors)
    if (user.active and not data.active) or user.roles != frozenset(data.roles) or data.password:
        user.end_sessions()
    user.email = normalise_email(data.email)
    user.name = data.name.strip()
    user.job_title = data.job_title or None
    user.organisation = data.organisation or None
    user.district = (
        _district(session, data.district_code) if Role.DISTRICT_OFFICER in data.roles else None
    )
    user.active = data.active
    user.set_roles(data.roles)
    if data.password:
        user.set_password(data.password)
        user.password_set_at = clock.now()
    session.flush()
    return user


def change_password(
    session: Session, user: User, current: str, new: str, confirmation: str
) -> None:
    """Change someone's own password after checking the current one; end their other sessions."""
    errors: dict[str, str] = {}
    if not user.check_password(current):
        errors["current_password"] = "Your current password is not correct"
    problem = password_problem(new, user.email)
    if problem:
        errors["new_password"] = problem
    elif new != confirmation:
        errors["confirm_password"] = "The passwords you entered do not match"
    elif new == current:
        errors["new_password"] = "Choose a password that is different from your current one"
    if errors:
        raise ServiceError("Your password was not changed", errors)
    user.set_password(new)
    user.password_set_at = clock.now()
    user.end_sessions()
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends every session it has."""
    if user.active and not active:
        user.end_sessions()
    user.active = active
    session.flush()


def count_demo_accounts(session: Session) -> int:
    """Count the demonstration accounts in the database (none, in a clean install)."""
    from sqlalchemy import inspect

    if not inspect(session.get_bind()).has_table("users"):
        return 0
    return (
        session.scalar(
            select(func.count(User.id)).where(User.email.endswith("@" + DEMO_EMAIL_DOMAIN))
        )
        or 0
    )


def users_with_role(session: Session, role: Role) -> list[User]:
    """Return active users holding a role, by name."""
    from tenderflow.models import UserRole

    return list(
        session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == role.value, User.active.is_(True))
            .order_by(User.name)
        )
    )
