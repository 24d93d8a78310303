"""Your account: change your password, set up or turn off two-factor sign-in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain.roles import ROLE_LABELS
from tenderflow.extensions import db
from tenderflow.services import users as service
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.services.users import two_factor
from tenderflow.web import sessions
from tenderflow.web.access import signed_in
from tenderflow.web.kit import save
from tenderflow.web.users.auth import CodeForm, confirm_password_field, new_password_field

bp = Blueprint("account", __name__, url_prefix="/account")
SETUP_SECRET = "_two_factor_setup"


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    new_password = new_password_field()
    confirm_password = confirm_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class TurnOffForm(FlaskForm):
    submit = SubmitField("Turn off two-factor sign-in", widget=GovSubmitInput())


@bp.route("")
@signed_in
def show() -> Any:
    return render_template(
        "account/show.html",
        labels=ROLE_LABELS,
        required=two_factor.is_required(current_user),
        turn_off=TurnOffForm(),
    )


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: service.change_password(
                db.session,
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.confirm_password.data or "",
            ),
            message="Your password has been changed. You have been signed out everywhere else.",
            to=url_for("account.show"),
        )
    ):
        # Every other session of this person has ended; this one goes on.
        sessions.keep_after_own_change(current_user)
        return done
    return render_template("account/password.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
@signed_in
def two_factor_setup() -> Any:
    if current_user.two_factor_enabled:
        return redirect(url_for("account.show"))
    secret = session.get(SETUP_SECRET)
    if not isinstance(secret, str):
        secret = session[SETUP_SECRET] = two_factor.new_secret()
    form = CodeForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: two_factor.enable(
                db.session, current_user, secret, form.code.data or "", clock.wall_now()
            ),
            message="Two-factor sign-in is set up. You will be asked for a code when you sign in.",
            to=url_for("account.show"),
        )
    ):
        session.pop(SETUP_SECRET, None)
        return done
    return render_template(
        "account/two_factor.html",
        form=form,
        secret=secret,
        setup_uri=(uri := two_factor.setup_uri(secret, current_user.email)),
        setup_qr=two_factor.setup_qr_svg(uri),
    )


@bp.route("/two-factor/off", methods=["POST"])
@signed_in
def two_factor_off() -> Any:
    form = TurnOffForm()
    if form.validate_on_submit() and current_user.two_factor_enabled:
        if two_factor.is_required(current_user):
            flash("Your roles need two-factor sign-in, so it cannot be turned off.", "info")
        else:
            with unit_of_work(db.session):
                two_factor.turn_off(db.session, current_user)
            sessions.keep_after_own_change(current_user)
            flash("Two-factor sign-in is turned off.", "success")
    return redirect(url_for("account.show"))
