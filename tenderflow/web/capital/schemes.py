"""District council officers put their schemes forward: the form, checking answers, submitting."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import RadioField, StringField

from tenderflow import clock
from tenderflow.domain.capital import attachments_field, form_sections, gateways_answered_no
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.attachments import MEDIA_TYPES
from tenderflow.domain.capital.timetable import is_open_for_submissions
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalAttachment, CapitalScheme
from tenderflow.services.capital import can_edit, is_own_district, matrix_for
from tenderflow.services.capital import rounds as round_service
from tenderflow.services.capital import schemes as service
from tenderflow.services.capital.attachments import add_attachment, remove_attachment, stored_path
from tenderflow.services.capital.imports import ImportRefused, import_workbook
from tenderflow.services.capital.scoring import final_for, scores_hidden_from
from tenderflow.services.capital.workbooks import template_workbook
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web.access import allow
from tenderflow.web.capital import ActionForm, bp, context, posted, round_or_404, scheme_or_404
from tenderflow.web.capital.answers import answer_sections, gateway_answers
from tenderflow.web.capital.fields import MatrixForm, Radios, filled, matrix_form
from tenderflow.web.forms import apply_errors
from tenderflow.web.kit import act, attempt

CAPITAL_ROLES = (
    Role.DISTRICT_OFFICER,
    Role.PARTNERSHIP_OFFICER,
    Role.SP_SCORER,
    Role.COMMISSIONING_BODY,
    Role.ADMIN,
)


class SchemeForm(MatrixForm):
    """The district's form; which button was pressed says where to go next."""

    action = StringField()


class DocumentForm(FlaskForm):
    file = FileField("Upload a document", widget=GovFileInput())


class ImportForm(FlaskForm):
    file = FileField("Spreadsheet (.xlsx)", widget=GovFileInput())
    after = RadioField(
        "What should happen to the schemes?",
        choices=[
            ("draft", "Save them as drafts, to check and submit one by one"),
            ("submit", "Submit them now"),
        ],
        default="draft",
        widget=Radios(),
    )


def _own_scheme(scheme_id: int) -> CapitalScheme:
    """Return the officer's own district's scheme, or 404 for anyone else's."""
    scheme = scheme_or_404(scheme_id)
    if not is_own_district(current_user, scheme):
        abort(404)
    return scheme


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@bp.route("/schemes")
@allow(Role.DISTRICT_OFFICER)
def district_home() -> Any:
    today = clock.today()
    rounds = [
        {
            "round": r,
            "schemes": service.district_schemes(db.session, current_user, r),
            "may_start": service.may_start(current_user, r, today),
        }
        for r in round_service.rounds_for(db.session, current_user)
    ]
    return render_template(
        "capital/district.html",
        **context(
            rounds=rounds, district=current_user.district, latest_return=service.latest_return
        ),
    )


def scheme_form(round_: Any, values: dict[str, Any]) -> SchemeForm:
    """Return the round's scheme form: what was posted, or else ``values``."""
    matrix = matrix_for(round_)
    hints = {
        g.answer_field: f"{g.hint + ' ' if g.hint else ''}{g.condition_text(matrix.fields_by_id)}"
        for g in matrix.gateways
        if g.applies_when
    }
    made = matrix_form(form_sections(matrix), hints=hints, base=SchemeForm)
    return filled(made, values)


def _form_page(round_: Any, scheme: CapitalScheme | None, form: SchemeForm) -> Any:
    return render_template(
        "capital/scheme_form.html",
        **context(
            round=round_,
            scheme=scheme,
            matrix=matrix_for(round_),
            form=form,
            district=current_user.district,
        ),
    )


def _after_save(form: SchemeForm, scheme: CapitalScheme) -> Any:
    if form.action.data == "continue":
        return redirect(url_for("capital.submit_scheme", scheme_id=scheme.id))
    flash(f"Draft saved: {scheme.name}. You can come back to it until the deadline.", "success")
    return redirect(url_for("capital.district_home"))


@bp.route("/rounds/<int:round_id>/schemes/new", methods=["GET", "POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def new_scheme(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if not service.may_start(current_user, round_, clock.today()):
        abort(404)
    form = scheme_form(round_, {})
    if posted():
        answers = form.answers()
        scheme, refused = attempt(
            lambda: service.start_scheme(
                db.session, round_, current_user, answers, clock.now(), clock.today()
            )
        )
        if refused is None:
            return _after_save(form, scheme)
        form.show_errors(refused.errors)
    return _form_page(round_, None, form)


@bp.route("/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def edit_scheme(scheme_id: int) -> Any:
    scheme = _own_scheme(scheme_id)
    if not can_edit(current_user, scheme):
        flash("This scheme is locked: it has been submitted.", "error")
        return redirect(url_for("capital.scheme", scheme_id=scheme.id))
    form = scheme_form(scheme.round, dict(scheme.answers))
    if posted():
        answers = form.answers()
        _, refused = attempt(
            lambda: service.save_scheme(db.session, scheme, current_user, answers, clock.now())
        )
        if refused is None:
            return _after_save(form, scheme)
        form.show_errors(refused.errors)
    return _form_page(scheme.round, scheme, form)


@bp.route("/schemes/<int:scheme_id>/submit", methods=["GET", "POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def submit_scheme(scheme_id: int) -> Any:
    scheme = _own_scheme(scheme_id)
    if not can_edit(current_user, scheme):
        return redirect(url_for("capital.scheme", scheme_id=scheme.id))
    today = clock.today()
    made = matrix_form(form_sections(matrix_for(scheme.round)), base=MatrixForm)
    form = made()
    if posted():
        _, refused = attempt(
            lambda: service.submit_scheme(db.session, scheme, current_user, clock.now(), today)
        )
        if refused is None:
            flash(
                f"{scheme.name} has been submitted. The partnership will check it next.", "success"
            )
            return redirect(url_for("capital.scheme", scheme_id=scheme.id))
        form.show_errors(refused.errors or {"status": str(refused)})
    # The questions are on the form page: the summary and the list of problems link there.
    edit = url_for("capital.edit_scheme", scheme_id=scheme.id)
    missing = made()
    missing.show_errors(service.submission_problems(scheme, current_user))
    matrix = matrix_for(scheme.round)
    return render_template(
        "capital/scheme_check.html",
        **context(
            scheme=scheme,
            answers=answer_sections(scheme),
            attachments_field=attachments_field(matrix),
            problems=_linked(wtforms_errors(missing)["errorList"], edit),
            summary=_linked(wtforms_errors(form)["errorList"], edit),
            form=form,
            answered_no=gateways_answered_no(matrix, scheme.answers),
            open_for_submissions=is_open_for_submissions(scheme.round.deadline, today),
            may_submit=st.may_submit(
                scheme.status,
                scheme.round.status,
                is_open_for_submissions(scheme.round.deadline, today),
            ),
            returned=service.latest_return(scheme),
            action=ActionForm(),
        ),
    )


def _linked(errors: list[dict[str, str]], page: str) -> list[dict[str, str]]:
    return [{**error, "href": page + error["href"]} for error in errors]


@bp.route("/schemes/<int:scheme_id>/withdraw", methods=["POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def withdraw_scheme(scheme_id: int) -> Any:
    scheme = _own_scheme(scheme_id)
    posted()
    return act(
        lambda: service.withdraw_scheme(db.session, scheme, current_user, clock.now()),
        message=f"{scheme.name} has been withdrawn.",
        to=url_for("capital.district_home"),
        refused_to=url_for("capital.scheme", scheme_id=scheme.id),
    )


@bp.route("/schemes/<int:scheme_id>/documents", methods=["GET", "POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def documents(scheme_id: int) -> Any:
    scheme = _own_scheme(scheme_id)
    item = attachments_field(matrix_for(scheme.round))
    if item is None:
        abort(404)
    form = DocumentForm()
    if posted():
        upload = form.file.data
        if upload is None:
            apply_errors(form, {"file": "Select a file to upload"})
        else:
            limit = (item.max_size_mb or 10) * 1024 * 1024
            content = upload.stream.read(limit + 1)
            _, refused = attempt(
                lambda: add_attachment(
                    db.session,
                    scheme,
                    current_user,
                    upload.filename,
                    content,
                    _upload_dir(),
                    clock.now(),
                )
            )
            if refused is None:
                flash(f"{upload.filename} has been added.", "success")
                return redirect(url_for("capital.documents", scheme_id=scheme.id))
            apply_errors(form, refused.errors or {"file": str(refused)})
    return render_template(
        "capital/documents.html",
        **context(
            scheme=scheme,
            item=item,
            form=form,
            editable=can_edit(current_user, scheme),
            action=ActionForm(),
        ),
    )


@bp.route("/schemes/<int:scheme_id>/documents/<int:attachment_id>/remove", methods=["POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def remove_document(scheme_id: int, attachment_id: int) -> Any:
    scheme = _own_scheme(scheme_id)
    posted()
    attachment = db.session.get(CapitalAttachment, attachment_id)
    if attachment is None or attachment.scheme_id != scheme.id:
        abort(404)
    return act(
        lambda: remove_attachment(db.session, scheme, attachment, current_user, _upload_dir()),
        message=f"{attachment.filename} has been removed.",
        to=url_for("capital.documents", scheme_id=scheme.id),
    )


@bp.route("/schemes/<int:scheme_id>/documents/<int:attachment_id>")
@allow(*CAPITAL_ROLES, per_object=True)
def document(scheme_id: int, attachment_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    attachment = db.session.get(CapitalAttachment, attachment_id)
    if attachment is None or attachment.scheme_id != scheme.id:
        abort(404)
    path = stored_path(_upload_dir(), attachment)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=MEDIA_TYPES[attachment.kind],
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )


@bp.route("/rounds/<int:round_id>/template.xlsx")
@allow(Role.DISTRICT_OFFICER, Role.ADMIN, per_object=True)
def template(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    district = service.own_district(current_user)
    if district and current_user.district.county != round_.county:
        abort(404)
    content = template_workbook(matrix_for(round_), next(iter(district.values()), ""))
    return send_file(
        BytesIO(content),
        mimetype=MEDIA_TYPES["xlsx"],
        as_attachment=True,
        download_name=f"capital-bid-matrix-round-{round_.id}.xlsx",
        max_age=0,
    )


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
@allow(Role.DISTRICT_OFFICER, per_object=True)
def import_schemes(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if not service.may_start(current_user, round_, clock.today()):
        abort(404)
    form = ImportForm()
    problems: list[Any] = []
    submit_now = form.after.data == "submit"
    if posted():
        upload = form.file.data
        if upload is None:
            apply_errors(form, {"file": "Select the spreadsheet to upload"})
        else:
            try:
                with unit_of_work(db.session):
                    saved = import_workbook(
                        db.session,
                        round_,
                        current_user,
                        upload.stream.read(6 * 1024 * 1024),
                        clock.now(),
                        clock.today(),
                        submit=submit_now,
                    )
            except ImportRefused as exc:
                problems = exc.problems
                apply_errors(
                    form,
                    {
                        "file": f"The spreadsheet was not imported: correct the {len(problems)} problem{'s' if len(problems) != 1 else ''} listed and upload it again"
                    },
                )
            else:
                done = "submitted" if submit_now else "saved as drafts"
                flash(
                    f"{len(saved)} scheme{'s' if len(saved) != 1 else ''} {done} from the spreadsheet.",
                    "success",
                )
                return redirect(url_for("capital.district_home"))
    return render_template(
        "capital/import.html",
        **context(round=round_, form=form, problems=problems, action=ActionForm()),
    )


@bp.route("/schemes/<int:scheme_id>")
@allow(*CAPITAL_ROLES, per_object=True)
def scheme(scheme_id: int) -> Any:
    found = scheme_or_404(scheme_id)
    matrix = matrix_for(found.round)
    # Blind scoring: a scorer sees the others' marks only once they have scored it themselves.
    blind = scores_hidden_from(found, current_user)
    sees_scores = (
        current_user.has_role(Role.SP_SCORER, Role.ADMIN, Role.COMMISSIONING_BODY) and not blind
    )
    return render_template(
        "capital/scheme.html",
        **context(
            scheme=found,
            matrix=matrix,
            answers=answer_sections(found),
            gateways=gateway_answers(found),
            own=is_own_district(current_user, found),
            editable=can_edit(current_user, found),
            final=final_for(found) if sees_scores and found.score_sheets else None,
            sees_scores=sees_scores,
            blind=blind,
            returned=service.latest_return(found),
            action=ActionForm(),
        ),
    )
