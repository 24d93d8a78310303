"""The priority list with its cut line, the commissioning body's decisions, and the pipeline."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.attachments import MEDIA_TYPES
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalRound
from tenderflow.services import documents
from tenderflow.services.capital import matrix_for
from tenderflow.services.capital import priority as service
from tenderflow.services.capital.documents import (
    decided_since,
    newest_priority_list_document,
    save_priority_list,
)
from tenderflow.services.capital.rounds import all_rounds
from tenderflow.services.capital.workbooks import priority_list_workbook
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web import kept_pages
from tenderflow.web.access import allow
from tenderflow.web.capital import bp, context, posted, round_or_404, scheme_or_404
from tenderflow.web.kit import save

READERS = (Role.COMMISSIONING_BODY, Role.SP_SCORER, Role.ADMIN)


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "What did the commissioning body decide?",
        choices=list(st.DECISION_LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the commissioning body's decision")],
    )
    reasons = TextAreaField(
        "Reasons for the decision",
        description="These are recorded with the decision and shown to the district",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reasons for the decision")],
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    outcome = RadioField(
        "What is the outcome of the review?",
        choices=list(st.REVIEW_LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the outcome of the review")],
    )
    notes = TextAreaField(
        "Notes from the review",
        description="For example progress on the site, planning or funding, and any delay",
        widget=GovTextArea(),
        validators=[InputRequired("Enter notes from the review")],
    )
    submit = SubmitField("Record the review", widget=GovSubmitInput())


@bp.route("/priority-list")
@allow(*READERS)
def latest_priority_list() -> Any:
    rounds = all_rounds(db.session)
    listed = service.listed_rounds(db.session)
    chosen = listed[0] if listed else (rounds[0] if rounds else None)
    if chosen is None:
        return render_template("capital/no_priority_list.html", **context())
    return redirect(url_for("capital.priority_list", round_id=chosen.id))


@bp.route("/rounds/<int:round_id>/priority-list")
@allow(*READERS)
def priority_list(round_id: int) -> Any:
    written = kept_pages.token()  # before any data is read
    round_ = round_or_404(round_id)
    return kept_pages.page(written, lambda: _priority_list_page(round_))


def _priority_list_page(round_: CapitalRound) -> str:
    view = service.priority_list_view(db.session, round_)
    document = newest_priority_list_document(db.session, round_)
    return render_template(
        "capital/priority_list.html",
        **context(
            view=view,
            matrix=matrix_for(round_),
            rounds=all_rounds(db.session),
            document=document,
            document_lacks_decisions=decided_since(view, document),
        ),
    )


@bp.route("/rounds/<int:round_id>/priority-list.xlsx")
@allow(*READERS)
def priority_list_xlsx(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if round_.priority_list is None:
        abort(404)
    content = priority_list_workbook(
        service.priority_list_view(db.session, round_), matrix_for(round_)
    )
    return send_file(
        BytesIO(content),
        mimetype=MEDIA_TYPES["xlsx"],
        as_attachment=True,
        download_name=f"capital-priority-list-round-{round_.id}.xlsx",
        max_age=0,
    )


@bp.route("/rounds/<int:round_id>/priority-list.docx")
@allow(*READERS)
def priority_list_docx(round_id: int) -> Any:
    # Only downloads: the workflow writes the document when it produces the list, and
    # readers write a new version with the POST below.
    round_ = round_or_404(round_id)
    record = newest_priority_list_document(db.session, round_)
    if round_.priority_list is None or record is None:
        abort(404)
    return send_file(
        BytesIO(documents.read_document(_storage(), record)),
        mimetype=documents.DOCX_TYPE,
        as_attachment=True,
        download_name=record.filename,
        max_age=0,
    )


@bp.route("/rounds/<int:round_id>/priority-list/document", methods=["POST"])
@allow(*READERS)
def write_priority_list_document(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    posted()
    if round_.priority_list is None:
        abort(404)
    with unit_of_work(db.session):
        save_priority_list(
            db.session, _storage(), round_, clock.now(), clock.today(), user=current_user
        )
    return redirect(url_for("capital.priority_list_docx", round_id=round_.id))


def _storage() -> documents.Storage:
    return documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))


@bp.route("/schemes/<int:scheme_id>/decision", methods=["GET", "POST"])
@allow(Role.COMMISSIONING_BODY, per_object=True)
def decide(scheme_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    if scheme.round.status not in (st.ROUND_LISTED, st.ROUND_COMPLETE):
        flash("Decisions are recorded once the priority list is produced.", "error")
        return redirect(url_for("capital.scheme", scheme_id=scheme.id))
    form = DecisionForm()
    if not form.is_submitted() and scheme.decision is not None:
        form.outcome.data, form.reasons.data = scheme.decision.outcome, scheme.decision.reasons
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: service.record_decision(
                db.session,
                scheme,
                current_user,
                form.outcome.data or "",
                form.reasons.data or "",
                clock.today(),
                clock.now(),
            ),
            message=lambda _: (
                f"Decision recorded for {scheme.name}: {st.DECISION_LABELS[form.outcome.data or '']}."
            ),
            to=url_for("capital.priority_list", round_id=scheme.round_id),
        )
        if saved:
            return saved
    view = service.priority_list_view(db.session, scheme.round)
    row = next((r for r in view.rows if r.scheme_id == scheme.id), None)
    return render_template(
        "capital/decision_form.html",
        **context(scheme=scheme, form=form, row=row, matrix=matrix_for(scheme.round)),
    )


@bp.route("/pipeline")
@allow(*READERS)
def pipeline() -> Any:
    return render_template(
        "capital/pipeline.html", **context(items=service.pipeline(db.session, clock.today()))
    )


@bp.route("/schemes/<int:scheme_id>/review", methods=["GET", "POST"])
@allow(Role.COMMISSIONING_BODY, per_object=True)
def review_scheme(scheme_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    decision = scheme.decision
    if (
        decision is None
        or decision.outcome not in st.PIPELINE_DECISIONS
        or decision.left_pipeline_on
    ):
        flash("This scheme is not in the pipeline.", "error")
        return redirect(url_for("capital.pipeline"))
    form = ReviewForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: service.record_review(
                db.session,
                scheme,
                current_user,
                form.outcome.data or "",
                form.notes.data or "",
                clock.today(),
                clock.now(),
            ),
            message=f"Review recorded for {scheme.name}.",
            to=url_for("capital.pipeline"),
        )
        if saved:
            return saved
    return render_template("capital/review_form.html", **context(scheme=scheme, form=form))
