"""Signing in (with a two-factor code where set up or required), signing out, one-time links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.extensions import db, login_manager
from tenderflow.models import User
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.services.users import account_links, sign_in, two_factor
from tenderflow.web import sessions
from tenderflow.web.access import public
from tenderflow.web.kit import attempt, save

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"

# The one message for every refused sign-in, so a refusal says nothing about the account.
SIGN_IN_REFUSED = "Enter a correct email address and password"
CODE_REFUSED = "Enter the correct 6-digit code from your authenticator app"
PENDING = "_pending_sign_in"
# Time allowed between the password and the two-factor code.
PENDING_MINUTES = 5


class LoginForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from your authenticator app")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def new_password_field() -> PasswordField:
    """Return the new-password field shared by the set and change password forms."""
    return PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password")],
    )


def confirm_password_field() -> PasswordField:
    """Return the field that repeats a new password."""
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Confirm your new password")],
    )


class NewPasswordForm(FlaskForm):
    new_password = new_password_field()
    confirm_password = confirm_password_field()
    submit = SubmitField("Set password", widget=GovSubmitInput())


def _safe_next(target: str | None) -> str:
    # Only follow local paths, so a crafted link cannot send people elsewhere.
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("home.index")


def client_address() -> str:
    """Return the address the request came from (the proxy's view, where one is trusted)."""
    return (request.remote_addr or "unknown")[:64]


def _record_success(user: User) -> None:
    sign_in.record_success(db.session, user, client_address(), clock.wall_now())


def _needs_code(user: User) -> bool:
    return user.two_factor_enabled or two_factor.is_required(user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        # One unit for the whole attempt: a refused one is recorded (and counted) too.
        with unit_of_work(db.session):
            user = sign_in.check_password(
                db.session,
                form.email.data or "",
                form.password.data or "",
                client_address(),
                clock.wall_now(),
            )
            if user is not None and not _needs_code(user):
                _record_success(user)
        target = _safe_next(request.args.get("next"))
        if user is None:
            form.email.errors = [SIGN_IN_REFUSED]
        elif _needs_code(user):
            session.clear()
            session[PENDING] = {
                "user_id": user.id,
                "version": user.session_version,
                "at": clock.wall_now().timestamp(),
                "next": target,
            }
            return redirect(url_for("auth.two_factor_step"))
        else:
            sessions.start(user)
            return redirect(target)
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    user = db.session.get(User, pending.get("user_id"))
    started = pending.get("at")
    if (
        user is None
        or not user.active
        or user.session_version != pending.get("version")
        or not isinstance(started, int | float)
        or clock.wall_now().timestamp() - started > PENDING_MINUTES * 60
    ):
        return None
    return user


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def two_factor_step() -> Any:
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in to continue.", "info")
        return redirect(url_for("auth.login"))
    pending = session[PENDING]
    form = CodeForm()
    setting_up = not user.two_factor_enabled
    if setting_up and "secret" not in pending:
        pending["secret"] = two_factor.new_secret()
        session[PENDING] = pending
    if form.validate_on_submit():
        if _code_passes(user, pending, form.code.data or "", setting_up):
            if setting_up:
                flash("Two-factor sign-in is set up.", "success")
            sessions.start(user)
            return redirect(pending["next"])
        form.code.errors = [CODE_REFUSED]
    return render_template(
        "auth/two_factor.html",
        form=form,
        secret=pending.get("secret") if setting_up else None,
        setup_uri=(
            uri := two_factor.setup_uri(pending["secret"], user.email) if setting_up else None
        ),
        setup_qr=two_factor.setup_qr_svg(uri) if uri else None,
    )


def _code_passes(user: User, pending: dict[str, Any], code: str, setting_up: bool) -> bool:
    """Check the code (setting up the authenticator with it if need be) and record the outcome.

    A refused code is recorded, and counts towards the limit, in a unit of its own.
    """
    now = clock.wall_now()
    if sign_in.is_throttled(db.session, user.email, client_address(), now):
        with unit_of_work(db.session):
            sign_in.record_throttled(db.session, user, client_address(), now)
        return False

    def check() -> bool:
        if setting_up:
            two_factor.enable(db.session, user, pending["secret"], code, now)
        elif not two_factor.accept_code(db.session, user, code, now):
            return False
        _record_success(user)
        return True

    passed, refused = attempt(check)
    if refused or not passed:
        with unit_of_work(db.session):
            sign_in.record_wrong_code(db.session, user, client_address(), now)
        return False
    return True


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Any:
    if current_user.is_authenticated:
        # Signing out ends every session of this person, not just this browser's.
        with unit_of_work(db.session):
            current_user.end_sessions()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> Any:
    now = clock.wall_now()
    link = account_links.find_usable(db.session, token, now)
    if link is None:
        return render_template("auth/link_expired.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: account_links.use(
                db.session,
                link,
                form.new_password.data or "",
                form.confirm_password.data or "",
                now,
            ),
            message="",  # flashed below, once the session it would be kept in is cleared
            to=url_for("auth.login"),
        )
    ):
        logout_user()
        session.clear()
        flash("Your password is set. Sign in with it now.", "success")
        return done
    return render_template(
        "auth/set_password.html",
        form=form,
        person=link.user,
        invitation=link.purpose == account_links.INVITATION,
        expires_in=link.expires_at - now if link.expires_at > now else timedelta(0),
    )
