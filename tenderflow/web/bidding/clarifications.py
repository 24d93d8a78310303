"""Clarifications: bidders' questions logged with who asked, the answers, and the published log.

The published log never shows who asked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain import bidding
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.services.bidding import bidders
from tenderflow.services.bidding import clarifications as questions
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import ActionForm, WhenForm, optional_int, render_form
from tenderflow.web.forms import GovDateField

bp = Blueprint("clarifications", __name__, url_prefix="/procurements/<reference>")


@bp.route("/clarifications")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    return render_template(
        "bidding/clarifications.html",
        procurement=procurement,
        items=questions.clarifications_of(db.session, procurement),
        label=bidding.clarification_label,
        can_manage=kit.runs(procurement),
        action=ActionForm(),
    )


class QuestionForm(WhenForm):
    bidder_id = SelectField("Who asked", coerce=optional_int, widget=GovSelect())
    question = TextAreaField(
        "Question", widget=GovTextArea(), validators=[InputRequired("Enter the question")]
    )
    asked_on = GovDateField(
        "Date asked",
        invalid="Date asked must be a real date",
        description="For example 12 2 2027. Leave blank for today.",
    )
    asked_time = StringField("Time asked (optional)", widget=GovTextInput())
    submit = SubmitField("Log the question", widget=GovSubmitInput())


@bp.route("/clarifications/new", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def new_question(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = QuestionForm()
    form.bidder_id.choices = [("", "Not recorded")] + [
        (b.id, b.name) for b in bidders.bidders_of(db.session, procurement)
    ]
    if form.validate_on_submit():
        try:
            when = form.instant(form.asked_on, form.asked_time)
        except ValueError:
            pass
        else:
            bidder = (
                bidders.get_bidder(db.session, procurement, form.bidder_id.data)
                if form.bidder_id.data
                else None
            )
            done = kit.save(
                form,
                lambda: questions.log_question(
                    db.session,
                    procurement,
                    bidder=bidder,
                    question=form.question.data or "",
                    asked_at=when,
                    now=clock.now(),
                ),
                message=lambda item: f"Question {bidding.clarification_label(item.number)} logged.",
                to=url_for("clarifications.index", reference=reference),
                fields={"asked_at": "asked_on"},
            )
            if done is not None:
                return done
    return render_form(
        procurement,
        form,
        "Log a clarification question",
        url_for("clarifications.index", reference=reference),
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "Answer", widget=GovTextArea(), validators=[InputRequired("Enter the answer")]
    )
    submit = SubmitField("Save the answer", widget=GovSubmitInput())


@bp.route("/clarifications/<int:clarification_id>/answer", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def answer(reference: str, clarification_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    item = questions.get_clarification(db.session, procurement, clarification_id)
    if item is None:
        abort(404)
    form = AnswerForm()
    if request.method == "GET":
        form.answer.data = item.answer
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: questions.answer(
                db.session, item, form.answer.data or "", current_user, clock.now()
            ),
            message=f"Answer to {bidding.clarification_label(item.number)} saved.",
            to=url_for("clarifications.index", reference=reference),
        )
        if done is not None:
            return done
    return render_form(
        procurement,
        form,
        f"Answer {bidding.clarification_label(item.number)}",
        url_for("clarifications.index", reference=reference),
        intro=item.question,
    )


@bp.route("/clarifications/<int:clarification_id>/publish", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def publish(reference: str, clarification_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    item = questions.get_clarification(db.session, procurement, clarification_id)
    if item is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return kit.act(
        lambda: questions.publish(db.session, item, clock.now()),
        message=f"{bidding.clarification_label(item.number)} is published to every bidder, "
        "without who asked.",
        to=url_for("clarifications.index", reference=reference),
    )


@bp.route("/clarifications/published")
@allow(*PROCUREMENT_READERS)
def published(reference: str) -> Any:
    procurement = kit.procurement_or_404(reference)
    return render_template(
        "bidding/published.html",
        procurement=procurement,
        items=questions.published_log(db.session, procurement),
    )
