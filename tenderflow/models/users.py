"""People and their roles."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models.types import UTCDateTime


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Raised whenever every session of this person must end: sign-out, disabling, a role or
    # password change. A session carries the version it began with and ends when it differs.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The shared secret of their authenticator app, once two-factor sign-in is set up.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step whose code was accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column()

    district = relationship("District")
    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    audit_redact = frozenset({"password_hash", "totp_secret"})

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(link.role) for link in self.role_links)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        keep = {r.value for r in roles}
        self.role_links = [link for link in self.role_links if link.role in keep]
        have = {link.role for link in self.role_links}
        for role in sorted(keep - have):
            self.role_links.append(UserRole(role=role))

    def set_password(self, password: str) -> None:
        # scrypt, a standard key-derivation function; tests may choose a cheaper one for speed.
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        # An invited account has no usable password until the person sets one.
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    def end_sessions(self) -> None:
        """End every session of this person (each carries the version it began with)."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):  # type: ignore[name-defined]
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_links")


class AccountLink(db.Model):  # type: ignore[name-defined]
    """A one-time link that lets someone set their password: an invitation or a reset."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invitation" or "reset"
    # Only the SHA-256 of the link's token is kept: the database alone cannot be used to sign in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    audit_redact = frozenset({"token_hash"})


class SignInAttempt(db.Model):  # type: ignore[name-defined]
    """One try at signing in, kept to count failures; the audit log has each one too."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # success, wrong-password, wrong-code, refused-throttled or refused-disabled
    outcome: Mapped[str] = mapped_column(String(30))

    # The sign-in itself is written to the audit log; the attempt row is its working copy.
    audit_exempt = True
