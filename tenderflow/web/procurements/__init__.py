"""The procurement journeys: create a procurement, see it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from tenderflow import clock
from tenderflow.domain import regulations, vocabulary
from tenderflow.domain.notice_codes import cpv_codes, itl_regions
from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.extensions import db
from tenderflow.models import ClientGroup, District, Procurement, ServiceType
from tenderflow.services import ServiceError, users
from tenderflow.services import procurements as service
from tenderflow.services.procurements.drafts import discard_draft, draft_of, keep_draft
from tenderflow.web import kept_pages, kit, navigation
from tenderflow.web.access import allow
from tenderflow.web.bidding.forms import optional_int
from tenderflow.web.forms import GovDateField, MoneyField, NamedDateInput
from tenderflow.web.procurements import page as procurement_page

bp = Blueprint("procurements", __name__, url_prefix="/procurements")
navigation.register(
    "New procurement",
    "procurements.new",
    {Role.PROCUREMENT_LEAD, Role.ADMIN},
    20,
    also_for=("procurements.check",),
)

VAT_CHOICES = [
    ("0.20", "20% (standard rate)"),
    ("0.05", "5% (reduced rate)"),
    ("0", "0% (exempt or zero-rated, as many care and support services are)"),
]


def direct_award_choices() -> list[tuple[str, str]]:
    """Return the Procurement Act 2023's direct award justifications, as (code, label)."""
    regime = regulations.load_rule_set(DIRECT_AWARD_REGIME)
    route = getattr(regime, "direct_award", None)
    if route is None:
        return []
    return [
        (code, f"{ground.description[:1].upper()}{ground.description[1:]} ({ground.source})")
        for code, ground in route.justifications.items()
    ]


# Direct award is a route of the Procurement Act 2023 alone; PCR 2015 has none here.
DIRECT_AWARD_REGIME = "procurement-act-2023"


class ProcurementForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    reference = StringField(
        "Reference",
        description="Letters, numbers and hyphens, for example KCC-IDAS-2026",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a reference"),
            Length(max=40, message="Reference must be 40 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                message="Reference must only include letters, numbers and hyphens",
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What is being bought and why",
        widget=GovTextArea(),
        validators=[InputRequired("Enter a description")],
    )
    rule_set = SelectField(
        "Contract regulations",
        description="The standing orders that set the route below the national threshold",
        widget=GovSelect(),
        validators=[InputRequired("Select a rule set")],
    )
    service_type = SelectField(
        "Service type", widget=GovSelect(), validators=[InputRequired("Select a service type")]
    )
    client_group = SelectField(
        "Client group", widget=GovSelect(), validators=[InputRequired("Select a client group")]
    )
    districts = SelectMultipleField(
        "Districts served",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one district")],
    )
    value = MoneyField(
        "Estimated contract value",
        missing="Enter the contract value",
        description="In pounds, for example 75000 or 75000.50",
        widget=GovTextInput(),
    )
    value_basis = RadioField(
        "Is this the value per year or for the whole life of the contract?",
        choices=list(vocabulary.VALUE_BASIS_LABELS.items()),
        widget=GovRadioInput(),
        validators=[
            InputRequired(
                "Select whether the value is per year or for the whole life of the contract"
            )
        ],
    )
    term_years = IntegerField(
        "Contract term in years",
        description="Not counting extensions",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the contract term in years"),
            NumberRange(min=1, max=25, message="Contract term must be between 1 and 25 years"),
        ],
    )
    extension_years = IntegerField(
        "Optional extensions in years",
        default=0,
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=10, message="Extensions must be between 0 and 10 years"),
        ],
    )
    vat_rate = RadioField(
        "VAT rate",
        choices=VAT_CHOICES,
        default="0.20",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the VAT rate")],
    )
    category = RadioField(
        "Category",
        choices=list(vocabulary.CATEGORY_LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select a category")],
    )
    authority_type = RadioField(
        "Type of contracting authority",
        choices=list(vocabulary.AUTHORITY_LABELS.items()),
        default="sub-central",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the type of contracting authority")],
    )
    start_date = GovDateField(
        "Procurement start date",
        invalid="Procurement start date must be a real date",
        description="The date the procurement begins, for example 27 3 2026. It decides which national regime applies.",
        validators=[InputRequired("Enter the procurement start date")],
    )
    procedure = RadioField(
        "Procedure, if the contract reaches the national threshold",
        choices=list(vocabulary.PROCEDURE_LABELS.items()),
        default="open",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    procedure_stages = SelectMultipleField(
        "Stages of the competitive flexible procedure",
        choices=list(vocabulary.FLEXIBLE_STAGE_LABELS.items()),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    tendering = RadioField(
        "Tendering period",
        choices=list(vocabulary.TENDERING_LABELS.items()),
        default="electronic",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    planned_procurement_notice = GovDateField(
        "Date the planned procurement notice was published",
        invalid="Date the planned procurement notice was published must be a real date",
        widget=NamedDateInput("notice"),
        validators=[Optional()],
    )
    direct_award = SelectField(
        "Direct award, if the contract reaches the national threshold",
        widget=GovSelect(),
        validators=[Optional()],
    )
    exemption = RadioField(
        "Is an exemption from competition needed?",
        choices=[("", "No"), *vocabulary.EXEMPTION_LABELS.items()],
        default="",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    exemption_reason = TextAreaField("Why the exemption is needed", widget=GovTextArea())
    exemption_approver = StringField("Who approved the exemption", widget=GovTextInput())
    lots = TextAreaField(
        "Lots (optional)",
        description="One lot per line, for example East Kent and West Kent",
        widget=GovTextArea(),
    )
    lead_id = SelectField(
        "Procurement lead",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[Optional()],
    )
    cpv_codes = SelectMultipleField(
        "CPV codes",
        description="What the notices classify the contract as; the first ticked is the main one",
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
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def set_choices(self) -> None:
        self.rule_set.choices = [("", "Select contract regulations")] + [
            (r.name, r.title) for r in regulations.standing_orders()
        ]
        self.service_type.choices = [("", "Select a service type")] + [
            (s.code, s.name)
            for s in db.session.scalars(db.select(ServiceType).order_by(ServiceType.name))
        ]
        self.client_group.choices = [("", "Select a client group")] + [
            (c.code, c.name)
            for c in db.session.scalars(db.select(ClientGroup).order_by(ClientGroup.name))
        ]
        self.districts.choices = [
            (d.code, f"{d.name} ({d.county})")
            for d in db.session.scalars(
                db.select(District).order_by(District.county, District.name)
            )
        ]
        self.direct_award.choices = [("", "No: a competitive procedure")] + direct_award_choices()
        self.cpv_codes.choices = [(c, f"{c} {t}") for c, t in cpv_codes().items()]
        self.delivery_regions.choices = [(c, f"{c} {n}") for c, n in itl_regions().items()]
        self.lead_id.choices = [("", "Select a procurement lead")] + [
            (u.id, u.name) for u in users.users_with_role(db.session, Role.PROCUREMENT_LEAD)
        ]

    def to_input(self) -> service.ProcurementInput:
        return service.ProcurementInput(
            title=self.title.data or "",
            reference=(self.reference.data or "").strip().upper(),
            description=self.description.data or "",
            rule_set=self.rule_set.data or "",
            service_type=self.service_type.data or None,
            client_group=self.client_group.data or None,
            districts=list(self.districts.data or []),
            value=self.value.amount or Decimal("0"),
            value_basis=self.value_basis.data or "",
            term_years=self.term_years.data,
            extension_years=self.extension_years.data or 0,
            vat_rate=Decimal(self.vat_rate.data or "0.20"),
            category=self.category.data or "",
            authority_type=self.authority_type.data or "sub-central",
            start_date=self.start_date.data or date.today(),
            exemption=self.exemption.data or None,
            exemption_reason=self.exemption_reason.data or None,
            exemption_approver=self.exemption_approver.data or None,
            lots=[line for line in (self.lots.data or "").splitlines() if line.strip()],
            lead_id=self.lead_id.data,
            procedure=self.procedure.data or "open",
            tendering=self.tendering.data or "electronic",
            planned_procurement_notice=self.planned_procurement_notice.data,
            procedure_stages=list(self.procedure_stages.data or []),
            direct_award=self.direct_award.data or None,
            cpv_codes=list(self.cpv_codes.data or []),
            delivery_regions=list(self.delivery_regions.data or []),
        )

    def fill_from(self, data: service.ProcurementInput) -> None:
        self.title.data = data.title
        self.reference.data = data.reference
        self.description.data = data.description
        self.rule_set.data = data.rule_set
        self.service_type.data = data.service_type
        self.client_group.data = data.client_group
        self.districts.data = data.districts
        self.cpv_codes.data = data.cpv_codes
        self.delivery_regions.data = data.delivery_regions
        self.value.data = str(data.value)
        self.value_basis.data = data.value_basis
        self.term_years.data = data.term_years
        self.extension_years.data = data.extension_years
        self.vat_rate.data = {Decimal("0.20"): "0.20", Decimal("0.05"): "0.05"}.get(
            data.vat_rate, "0"
        )
        self.category.data = data.category
        self.authority_type.data = data.authority_type
        self.start_date.data = data.start_date
        self.exemption.data = data.exemption or ""
        self.exemption_reason.data = data.exemption_reason
        self.exemption_approver.data = data.exemption_approver
        self.lots.data = "\n".join(data.lots)
        self.lead_id.data = data.lead_id
        self.procedure.data = data.procedure
        self.tendering.data = data.tendering
        self.planned_procurement_notice.data = data.planned_procurement_notice
        self.procedure_stages.data = list(data.procedure_stages)
        self.direct_award.data = data.direct_award or ""


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.PROCUREMENT_LEAD, Role.ADMIN)
def new() -> Any:
    form = ProcurementForm()
    form.set_choices()
    if request.method == "GET":
        pending = draft_of(db.session, current_user) if request.args.get("change") else None
        if pending is not None:
            form.fill_from(pending)
        elif current_user.has_role(Role.PROCUREMENT_LEAD):
            form.lead_id.data = current_user.id
    if (
        request.method == "POST"
        and not form.lead_id.data
        and current_user.has_role(Role.PROCUREMENT_LEAD)
    ):
        form.lead_id.data = current_user.id
    if form.validate_on_submit():
        data = form.to_input()

        def keep() -> None:
            errors = service.check_input(db.session, data)
            if data.lead_id is None:
                errors["lead_id"] = "Select a procurement lead"
            if errors:
                raise ServiceError("The procurement could not be checked", errors)
            service.decide(data)  # refuses what no route can be decided for, by field
            keep_draft(db.session, current_user, data, clock.now())

        done = kit.save(form, keep, message="", to=url_for("procurements.check"))
        if done is not None:
            return done
    return render_template("procurements/new.html", form=form)


class ConfirmForm(FlaskForm):
    submit = SubmitField("Create procurement", widget=GovSubmitInput())


@bp.route("/new/check", methods=["GET", "POST"])
@allow(Role.PROCUREMENT_LEAD, Role.ADMIN)
def check() -> Any:
    data = draft_of(db.session, current_user)
    if data is None:
        return redirect(url_for("procurements.new"))
    form = ConfirmForm()
    if form.validate_on_submit():

        def create() -> Procurement:
            procurement = service.create_procurement(db.session, data, current_user, clock.now())
            discard_draft(db.session, current_user)
            return procurement

        return kit.act(
            create,
            message=lambda procurement: f"Procurement {procurement.reference} created.",
            to=lambda procurement: url_for("procurements.show", reference=procurement.reference),
            refused_to=url_for("procurements.new", change=1),
            explain=kit.every_error,
        )
    decision = service.decide(data)
    return render_template(
        "procurements/check.html",
        data=data,
        decision=decision,
        form=form,
        lookups=_lookups(data),
    )


def _lookups(data: service.ProcurementInput) -> dict[str, Any]:
    return {
        "rule_set": regulations.load_rule_set(data.rule_set).title,
        "service_type": db.session.scalar(
            db.select(ServiceType.name).where(ServiceType.code == data.service_type)
        ),
        "client_group": db.session.scalar(
            db.select(ClientGroup.name).where(ClientGroup.code == data.client_group)
        ),
        "districts": list(
            db.session.scalars(
                db.select(District.name)
                .where(District.code.in_(data.districts))
                .order_by(District.name)
            )
        ),
        "lead": db.session.get(users.User, data.lead_id).name if data.lead_id else "",
    }


@bp.route("/<reference>")
@allow(*PROCUREMENT_READERS)
def show(reference: str) -> Any:
    written = kept_pages.token()  # before any data is read
    procurement = kit.procurement_or_404(reference)
    return kept_pages.page(
        written,
        lambda: render_template(
            "procurements/show.html",
            procurement=procurement,
            sections=procurement_page.sections_for(procurement, current_user),
        ),
    )
