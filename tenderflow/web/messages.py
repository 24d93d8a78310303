"""Messages: each person sees the reminders and notices sent to them; administrators see all."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectMultipleField, SubmitField

from tenderflow import clock
from tenderflow.domain import messages as message_rules
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import OutboxMessage
from tenderflow.services.email import delivery, outbox, preferences
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web import navigation
from tenderflow.web.access import signed_in, signed_in_per_object
from tenderflow.web.kit import save

bp = Blueprint("messages", __name__, url_prefix="/messages")
navigation.register("Messages", "messages.index", set(Role), 90)


class ReadForm(FlaskForm):
    pass


@bp.route("")
@signed_in
def index() -> Any:
    return render_template(
        "timetable/messages.html",
        messages=outbox.messages_for(db.session, current_user),
        all_messages=current_user.has_role(Role.ADMIN),
        form=ReadForm(),
    )


@bp.route("/<int:message_id>/read", methods=["POST"])
@signed_in_per_object
def mark_read(message_id: int) -> Any:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if not ReadForm().validate_on_submit():
        abort(400)
    with unit_of_work(db.session):
        if not outbox.mark_read(db.session, message, current_user, clock.now()):
            abort(403)
    return redirect(url_for("messages.index"))


class EmailChoicesForm(FlaskForm):
    categories = SelectMultipleField(
        "Send me an email about",
        choices=[(c.code, c.label) for c in message_rules.CATEGORIES],
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save my email choices", widget=GovSubmitInput())


@bp.route("/email", methods=["GET", "POST"])
@signed_in
def email_choices() -> Any:
    """Let each person choose which kinds of message they also get by email."""
    form = EmailChoicesForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: preferences.choose_email(
                db.session, current_user, set(form.categories.data or []), clock.now()
            ),
            message="Your email choices have been saved.",
            to=url_for("messages.email_choices"),
        )
    ):
        return done
    if not form.is_submitted():
        off = preferences.turned_off(db.session, current_user)
        form.categories.data = [c for c in message_rules.CATEGORY_CODES if c not in off]
    settings_text = delivery.describe_email()
    return render_template(
        "timetable/email_choices.html",
        form=form,
        categories=message_rules.CATEGORIES,
        settings_text=settings_text,
    )
