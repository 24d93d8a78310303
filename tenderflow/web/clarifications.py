"""Clarifications: bidders' questions logged with who asked, the answers, and the published log.

The published log never shows who asked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain import bidding
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.services import ServiceError, bidders
from tenderflow.services import clarifications as questions
from tenderflow.web.access import allow
from tenderflow.web.bidders import (
    MANAGERS,
    ActionForm,
    WhenForm,
    can_manage,
    load_procurement,
    managed_or_403,
    optional_int,
    render_form,
)
from tenderflow.web.forms import GovDateField, apply_errors

bp = Blueprint("clarifications", __name__, url_prefix="/procurements/<reference>")


@bp.route("/clarifications")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    procurement = load_procurement(reference)
    return render_template(
        "bidding/clarifications.html",
        procurement=procurement,
        items=questions.clarifications_of(db.session, procurement),
        label=bidding.clarification_label,
        can_manage=can_manage(procurement),
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
@allow(*MANAGERS, per_object=True)
def new_question(reference: str) -> Any:
    procurement = managed_or_403(reference)
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
            try:
                item = questions.log_question(
                    db.session,
                    procurement,
                    bidder=bidder,
                    question=form.question.data or "",
                    asked_at=when,
                    now=clock.now(),
                )
            except ServiceError as exc:
                db.session.rollback()
                apply_errors(
                    form, {("asked_on" if k == "asked_at" else k): v for k, v in exc.errors.items()}
                )
            else:
                db.session.commit()
                flash(f"Question {bidding.clarification_label(item.number)} logged.", "success")
                return redirect(url_for("clarifications.index", reference=reference))
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
@allow(*MANAGERS, per_object=True)
def answer(reference: str, clarification_id: int) -> Any:
    procurement = managed_or_403(reference)
    item = questions.get_clarification(db.session, procurement, clarification_id)
    if item is None:
        abort(404)
    form = AnswerForm()
    if request.method == "GET":
        form.answer.data = item.answer
    if form.validate_on_submit():
        try:
            questions.answer(db.session, item, form.answer.data or "", current_user, clock.now())
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(f"Answer to {bidding.clarification_label(item.number)} saved.", "success")
            return redirect(url_for("clarifications.index", reference=reference))
    return render_form(
        procurement,
        form,
        f"Answer {bidding.clarification_label(item.number)}",
        url_for("clarifications.index", reference=reference),
        intro=item.question,
    )


@bp.route("/clarifications/<int:clarification_id>/publish", methods=["POST"])
@allow(*MANAGERS, per_object=True)
def publish(reference: str, clarification_id: int) -> Any:
    procurement = managed_or_403(reference)
    item = questions.get_clarification(db.session, procurement, clarification_id)
    if item is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        questions.publish(db.session, item, clock.now())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            f"{bidding.clarification_label(item.number)} is published to every bidder, without who asked.",
            "success",
        )
    return redirect(url_for("clarifications.index", reference=reference))


@bp.route("/clarifications/published")
@allow(*PROCUREMENT_READERS)
def published(reference: str) -> Any:
    procurement = load_procurement(reference)
    return render_template(
        "bidding/published.html",
        procurement=procurement,
        items=questions.published_log(db.session, procurement),
    )
