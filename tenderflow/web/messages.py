"""Messages: each person sees the reminders and notices sent to them; administrators see all."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import OutboxMessage
from tenderflow.services import outbox
from tenderflow.web import navigation
from tenderflow.web.access import signed_in, signed_in_per_object

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
    if not outbox.mark_read(db.session, message, current_user, clock.now()):
        abort(403)
    db.session.commit()
    return redirect(url_for("messages.index"))
