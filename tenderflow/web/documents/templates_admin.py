"""Administrators upload a council's own Word template; the default one is always available."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.documents.templates import DEFAULT_TEMPLATE, REQUIRED_STYLES
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import DocumentTemplate
from tenderflow.services import documents as service
from tenderflow.web import navigation
from tenderflow.web.access import allow
from tenderflow.web.kit import act, save

bp = Blueprint("doc_templates", __name__, url_prefix="/admin/templates")
navigation.register("Templates", "doc_templates.index", {Role.ADMIN}, 88)


def storage() -> service.Storage:
    """Return where this app keeps documents."""
    return service.Storage(Path(current_app.config["DOCUMENTS_DIR"]))


class UploadForm(FlaskForm):
    name = StringField(
        "Template name",
        description="For example, Kent County Council committee papers",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a name for the template")],
    )
    template = FileField(
        "Upload a Word template (.docx)",
        widget=GovFileInput(),
        validators=[InputRequired("Select a Word template")],
    )
    submit = SubmitField("Upload template", widget=GovSubmitInput())


class ChooseForm(FlaskForm):
    template_id = HiddenField()


@bp.route("/", methods=["GET", "POST"])
@allow(Role.ADMIN)
def index() -> Any:
    form = UploadForm()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: service.upload_template(
                db.session,
                storage(),
                name=form.name.data or "",
                filename=form.template.data.filename or "template.docx",
                data=form.template.data.read(),
                uploaded_by=current_user,
                now=clock.now(),
            ),
            message=lambda template: f"{template.name} is now the template for new documents.",
            to=url_for("doc_templates.index"),
        )
    ):
        return done
    uploaded = list(
        db.session.scalars(select(DocumentTemplate).order_by(DocumentTemplate.id.desc()))
    )
    return render_template(
        "admin/templates.html",
        form=form,
        choose=ChooseForm(),
        uploaded=uploaded,
        required=list(REQUIRED_STYLES),
    )


@bp.route("/choose", methods=["POST"])
@allow(Role.ADMIN)
def choose() -> Any:
    form = ChooseForm()
    if form.validate_on_submit():
        chosen = int(form.template_id.data) if form.template_id.data else None
        return act(
            lambda: service.choose_template(db.session, chosen),
            message="Template for new documents changed.",
            to=url_for("doc_templates.index"),
        )
    return redirect(url_for("doc_templates.index"))


@bp.route("/default.docx")
@allow(Role.ADMIN)
def download_default() -> Any:
    return send_file(DEFAULT_TEMPLATE, as_attachment=True, download_name="tenderflow-template.docx")
