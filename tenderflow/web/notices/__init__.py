"""A procurement's transparency notices: status, preview, OCDS release, publication recorded."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tenderflow import clock
from tenderflow.domain.notice_codes import cpv_codes, itl_regions
from tenderflow.domain.notices import STATUS_LABELS
from tenderflow.domain.ocds import describe
from tenderflow.domain.roles import PROCUREMENT_READERS
from tenderflow.extensions import db
from tenderflow.models import Bidder, Procurement, User
from tenderflow.services import ServiceError, need_to_know, notices
from tenderflow.web import kit
from tenderflow.web.access import allow
from tenderflow.web.forms import YES_NO, YES_NO_UNKNOWN, GovDateField, answer_of, choice_for
from tenderflow.web.need_to_know import refuse, viewed
from tenderflow.web.procurements import page as procurement_page

bp = Blueprint("notices", __name__, url_prefix="/procurements/<reference>/notices")

STATUS_TAGS = {
    "due": "govuk-tag--blue",
    "drafted": "govuk-tag--yellow",
    "published": "govuk-tag--green",
    "overdue": "govuk-tag--red",
    "if-needed": "govuk-tag--grey",
}


@procurement_page.section(27, "notices/_section.html")
def page_section(procurement: Procurement, user: User) -> dict[str, Any] | None:
    """How many of the procurement's notices are published, due or overdue."""
    if not user.has_role(*PROCUREMENT_READERS) or not _may_read(procurement, user):
        return None
    found = notices.notices_of(db.session, procurement, clock.today())
    counts = {s: sum(1 for n in found if n.status == s) for s in STATUS_LABELS}
    return {"procurement": procurement, "counts": counts, "total": len(found)}


def _may_read(procurement: Procurement, user: User) -> bool:
    # Before publication a notice is commercial information (an award notice names the winner
    # and the price), and each covers every bid: read like the procurement's papers.
    return need_to_know.may_see_papers(db.session, user, procurement, clock.now())


def _readable(reference: str) -> Procurement:
    """Return the procurement if the signed-in person may read its notices; else 404, audited."""
    procurement = kit.procurement_or_404(reference)
    if not _may_read(procurement, current_user):
        refuse(procurement, "read its notices", "procurements", procurement.id)
    viewed(procurement, "read its notices", "procurements", procurement.id)
    return procurement


def _refused_if(errors: dict[str, str]) -> None:
    """Raise the errors a notices service returned by field: it wrote nothing, so nothing is saved."""
    if errors:
        raise ServiceError("Not saved", errors)


def _notice(procurement: Procurement, notice_type: str) -> Any:
    found = {n.notice_type: n for n in notices.notices_of(db.session, procurement, clock.today())}
    if notice_type not in found:
        abort(404)
    return found[notice_type]


@bp.route("")
@allow(*PROCUREMENT_READERS)
def index(reference: str) -> Any:
    procurement = _readable(reference)
    return render_template(
        "notices/index.html",
        procurement=procurement,
        notices=notices.notices_of(db.session, procurement, clock.today()),
        labels=STATUS_LABELS,
        tags=STATUS_TAGS,
        can_manage=kit.runs(procurement),
        facts=notices.ocds_facts(db.session, procurement),
        suppliers=notices.suppliers_of(db.session, procurement),
    )


class SupplierForm(FlaskForm):
    companies_house_number = StringField(
        "Companies House number (GB-COH)",
        description="8 letters or digits, if the supplier is registered",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    ppon = StringField(
        "Public Procurement Organisation Number (GB-PPON)",
        description="From the supplier's registration on the Central Digital Platform",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    is_sme = RadioField(
        "Is the supplier a small or medium-sized enterprise (SME)?",
        choices=YES_NO_UNKNOWN,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    is_vcse = RadioField(
        "Is the supplier a voluntary, community or social enterprise (VCSE)?",
        choices=YES_NO_UNKNOWN,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Save the supplier's details", widget=GovSubmitInput())


@bp.route("/suppliers/<int:bidder_id>", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def supplier(reference: str, bidder_id: int) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    bidder = db.session.get(Bidder, bidder_id)
    if bidder is None or bidder.procurement_id != procurement.id:
        abort(404)
    form = SupplierForm()
    if request.method == "GET":
        form.companies_house_number.data = bidder.companies_house_number
        form.ppon.data = bidder.ppon
        form.is_sme.data = choice_for(bidder.is_sme, "unknown")
        form.is_vcse.data = choice_for(bidder.is_vcse, "unknown")
    if form.validate_on_submit():
        done = kit.save(
            form,
            lambda: _refused_if(
                notices.save_supplier(
                    bidder,
                    form.companies_house_number.data or "",
                    form.ppon.data or "",
                    answer_of(form.is_sme.data),
                    answer_of(form.is_vcse.data),
                )
            ),
            message=f"The details of {bidder.name} are saved.",
            to=url_for("notices.index", reference=reference),
        )
        if done is not None:
            return done
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading=f"What the notices say about {bidder.name}",
        back_url=url_for("notices.index", reference=reference),
        intro="The award and contract notices identify each supplier where its numbers are known.",
    )


@bp.route("/<notice_type>")
@allow(*PROCUREMENT_READERS)
def preview(reference: str, notice_type: str) -> Any:
    procurement = _readable(reference)
    notice = _notice(procurement, notice_type)
    release = notices.release_of(db.session, procurement, notice_type, clock.today())
    return render_template(
        "notices/preview.html",
        procurement=procurement,
        notice=notice,
        rows=[
            {"key": {"text": label}, "value": {"text": text}}
            for label, text in describe(release or {"ocid": ""})
        ],
        labels=STATUS_LABELS,
        tags=STATUS_TAGS,
        can_manage=kit.runs(procurement),
        drafted_form=DraftedForm(),
    )


@bp.route("/<notice_type>/release.json")
@allow(*PROCUREMENT_READERS)
def release(reference: str, notice_type: str) -> Any:
    procurement = _readable(reference)
    found = notices.release_of(db.session, procurement, notice_type, clock.today())
    if found is None:
        abort(404)
    return Response(
        json.dumps(found, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{reference}-{notice_type}.json"'},
    )


class PublicationForm(FlaskForm):
    published_id = StringField(
        "Notice ID on the platform",
        description="As the platform shows it, for example 012345-2027",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the notice ID"),
            Length(max=60, message="The notice ID must be 60 characters or fewer"),
        ],
    )
    published_on = GovDateField(
        "Date published",
        invalid="Date published must be a real date",
        description="For example 27 3 2027",
        validators=[DataRequired(message="Enter the date the notice was published")],
    )
    submit = SubmitField("Record the publication", widget=GovSubmitInput())


@bp.route("/<notice_type>/publish", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def publish(reference: str, notice_type: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    notice = _notice(procurement, notice_type)
    form = PublicationForm()
    if form.validate_on_submit():
        problems: list[str] = []

        def record() -> None:
            problems.extend(
                notices.record_publication(
                    db.session,
                    procurement,
                    notice_type,
                    form.published_id.data or "",
                    form.published_on.data,
                    current_user,
                    clock.now(),
                )
            )
            if problems:
                raise ServiceError("Not recorded")  # nothing was written: the unit rolls back

        _, refused = kit.attempt(record)
        if refused is None:
            flash(
                f"The {notice.title.lower()} ({notice_type}) is recorded as published.", "success"
            )
            return redirect(url_for("notices.index", reference=reference))
        for message in problems:
            target = form.published_on if "date" in message.lower() else form.published_id
            target.errors = [*list(target.errors), message]
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading=f"Record the {notice.title.lower()} ({notice_type}) as published",
        back_url=url_for("notices.preview", reference=reference, notice_type=notice_type),
        intro=(
            f"Publish the notice on {notice.kind.platform} first, then enter the notice ID the "
            "platform gave it and the day it was published."
        ),
    )


class DraftedForm(FlaskForm):
    submit = SubmitField("Mark as drafted on the platform", widget=GovSubmitInput())


@bp.route("/<notice_type>/drafted", methods=["POST"])
@allow(*kit.RUNNERS, per_object=True)
def drafted(reference: str, notice_type: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    _notice(procurement, notice_type)
    back = url_for("notices.preview", reference=reference, notice_type=notice_type)
    if not DraftedForm().validate_on_submit():
        return redirect(back)
    return kit.act(
        lambda: notices.mark_drafted(
            db.session, procurement, notice_type, current_user, clock.now()
        ),
        message=f"{notice_type} is marked as drafted.",
        to=back,
    )


class DetailsForm(FlaskForm):
    cpv_codes = SelectMultipleField(
        "CPV codes",
        description="The first one ticked is the main classification",
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    delivery_regions = SelectMultipleField(
        "Where the contract is delivered (ITL regions)",
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    suitable_for_sme = RadioField(
        "Is the contract suitable for small and medium-sized enterprises (SMEs)?",
        choices=YES_NO,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    suitable_for_vcse = RadioField(
        "Is the contract suitable for voluntary, community and social enterprises (VCSEs)?",
        choices=YES_NO,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    buyer_name = StringField(
        "The buyer's name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the buyer's name"), Length(max=200)],
    )
    buyer_ppon = StringField(
        "The buyer's Public Procurement Organisation Number (GB-PPON)",
        description="From the Central Digital Platform, for example PXYZ-1234-ABCD",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=40, message="The PPON must be 40 characters or fewer")],
    )
    buyer_coh = StringField(
        "The buyer's Companies House number (GB-COH), if it has one",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Regexp(
                r"^[A-Z0-9]{8}$", message="Enter a Companies House number of 8 letters or digits"
            ),
        ],
    )
    ocid_prefix = StringField(
        "The buyer's OCID prefix",
        description="Registered with the Open Contracting Partnership, for example ocds-a1b2c3",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the OCID prefix"),
            Regexp(r"^ocds-[a-z0-9]{6}$", message="Enter an OCID prefix like ocds-a1b2c3"),
        ],
    )
    submit = SubmitField("Save the notice details", widget=GovSubmitInput())


@bp.route("/details", methods=["GET", "POST"])
@allow(*kit.RUNNERS, per_object=True)
def details(reference: str) -> Any:
    procurement = kit.run_by_me_or_403(reference)
    form = DetailsForm()
    form.cpv_codes.choices = [(c, f"{c} {t}") for c, t in cpv_codes().items()]
    form.delivery_regions.choices = [(c, f"{c} {n}") for c, n in itl_regions().items()]
    if request.method == "GET":
        identifiers = procurement.buyer_identifiers or {}
        form.cpv_codes.data = list(procurement.cpv_codes or [])
        form.delivery_regions.data = list(procurement.delivery_regions or [])
        form.suitable_for_sme.data = choice_for(procurement.suitable_for_sme)
        form.suitable_for_vcse.data = choice_for(procurement.suitable_for_vcse)
        form.buyer_name.data = procurement.buyer_name
        form.buyer_ppon.data = identifiers.get("GB-PPON", "")
        form.buyer_coh.data = identifiers.get("GB-COH", "")
        form.ocid_prefix.data = procurement.ocid_prefix or notices.DEFAULT_OCID_PREFIX
    if form.validate_on_submit():
        wanted = notices.NoticeDetails(
            cpv_codes=tuple(form.cpv_codes.data or ()),
            delivery_regions=tuple(form.delivery_regions.data or ()),
            suitable_for_sme=answer_of(form.suitable_for_sme.data),
            suitable_for_vcse=answer_of(form.suitable_for_vcse.data),
            buyer_name=form.buyer_name.data or "",
            buyer_identifiers={
                "GB-PPON": (form.buyer_ppon.data or "").strip(),
                "GB-COH": (form.buyer_coh.data or "").strip(),
            },
            ocid_prefix=form.ocid_prefix.data or "",
        )
        done = kit.save(
            form,
            lambda: _refused_if(notices.save_details(db.session, procurement, wanted)),
            message="The notice details are saved.",
            to=url_for("notices.index", reference=reference),
        )
        if done is not None:
            return done
    return render_template(
        "bidding/form.html",
        procurement=procurement,
        form=form,
        heading="What the notices say",
        back_url=url_for("notices.index", reference=reference),
        intro=(
            "Every notice for this procurement gives these: the CPV codes, where the contract is "
            "delivered, whether it suits SMEs and VCSEs, and who the buyer is on the platform."
        ),
    )
