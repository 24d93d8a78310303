"""The contract register and managing a contract: priority reviews and quarterly returns.

A contract's commercial details are for those who manage it (its contract manager and
administrators) and the lead of the procurement it came from; anyone else is answered 404 and
the attempt audited. The Transparency Code's register is published information: any signed-in
person sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from tenderflow import audit, clock
from tenderflow.domain.contract_changes import GROUNDS
from tenderflow.domain.contract_priority import default_matrix
from tenderflow.domain.contract_returns import ReturnRow, ReturnsError, check_returns
from tenderflow.domain.money import format_gbp
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ClientGroup, District, ManagedContract, ServiceType
from tenderflow.services import ServiceError, contracts
from tenderflow.services.contracts import changes as contract_changes
from tenderflow.services.contracts import meetings as contract_meetings
from tenderflow.services.contracts import monitoring as contract_monitoring
from tenderflow.services.contracts import performance as contract_performance
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web import navigation
from tenderflow.web.access import allow, signed_in
from tenderflow.web.contracts import fields as field
from tenderflow.web.forms import YES_NO_UNKNOWN, MoneyField, answer_of, choice_for
from tenderflow.web.kit import Said, Where, act, attempt, refuse_404, save

bp = Blueprint("contracts", __name__)

READERS = (Role.ADMIN, Role.PROCUREMENT_LEAD, Role.CONTRACT_MANAGER)
MANAGERS = (Role.ADMIN, Role.CONTRACT_MANAGER)

navigation.register(
    "Contracts", "contracts.index", set(READERS), order=35, also_for=("contracts.",)
)


def _codes(model: Any) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in db.session.scalars(select(model).order_by(model.name))]


def contract_or_404(reference: str, attempt: str, work: bool = False) -> ManagedContract:
    """Return the contract if the person may see it (or, with ``work``, manage it); else 404.

    The refusal is audited; so is a GET by someone let in.
    """
    contract = contracts.get_by_reference(db.session, reference)
    if contract is None:
        abort(404)
    allowed = (contracts.may_work if work else contracts.may_see)(
        db.session, current_user, contract
    )
    if not allowed:
        refuse_404(lambda: contracts.record_refusal(db.session, current_user, contract, attempt))
    if request.method == "GET":
        _viewed(contract, f"Viewed: {attempt}")
    return contract


def _viewed(contract: ManagedContract, summary: str) -> None:
    with unit_of_work(db.session):
        audit.viewed(db.session, "contract_register", contract.id, summary, contract.procurement_id)


def contract_url(contract: ManagedContract, anchor: str = "") -> str:
    """Return the address of the contract's page, at ``anchor`` (like "#meetings") if given."""
    return url_for("contracts.show", reference=contract.reference) + anchor


def form_page(
    form: Any,
    contract: ManagedContract | None,
    heading: str,
    intro: str | None,
    back_url: str | None = None,
) -> str:
    """Show a form about the contract (or a new one), going back to the contract by default."""
    return render_template(
        "contracts/form.html",
        form=form,
        heading=heading,
        intro=intro,
        contract=contract,
        back_url=back_url or contract_url(contract),  # type: ignore[arg-type]
    )


def saved_or_form(
    form: Any,
    change: Callable[[], Any],
    *,
    message: Said,
    to: Where,
    contract: ManagedContract | None,
    heading: str,
    intro: str | None,
    back_url: str | None = None,
) -> Any:
    """Save the posted form's change and go ``to``; else show the form page (with any errors)."""
    if form.validate_on_submit() and (done := save(form, change, message=message, to=to)):
        return done
    return form_page(form, contract, heading, intro, back_url)


# --- the register -----------------------------------------------------------------------------


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField(
        "Search",
        description="Reference, title, supplier or description",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    service_type = SelectField(
        "Service type", widget=GovSelect(), validators=[Optional()], validate_choice=False
    )
    client_group = SelectField(
        "Client group", widget=GovSelect(), validators=[Optional()], validate_choice=False
    )
    district = SelectField(
        "District", widget=GovSelect(), validators=[Optional()], validate_choice=False
    )
    band = SelectField(
        "Priority band", widget=GovSelect(), validators=[Optional()], validate_choice=False
    )
    status = SelectField(
        "Status", widget=GovSelect(), validators=[Optional()], validate_choice=False
    )
    submit = field.submit("Filter")


@bp.route("/contracts")
@allow(*READERS)
def index() -> Any:
    form = FilterForm(request.args)
    form.service_type.choices = [("", "Any")] + _codes(ServiceType)
    form.client_group.choices = [("", "Any")] + _codes(ClientGroup)
    form.district.choices = [("", "Any")] + _codes(District)
    form.band.choices = [("", "Any")] + [(b.code, b.title) for b in default_matrix().bands]
    form.status.choices = [("", "Any"), *contracts.STATUSES.items()]
    filters = contracts.Filters(
        text=form.text.data or "",
        service_type=form.service_type.data or "",
        client_group=form.client_group.data or "",
        district=form.district.data or "",
        band=form.band.data or "",
        status=form.status.data or "",
    )
    found = contracts.visible_contracts(db.session, current_user, filters)
    return render_template(
        "contracts/index.html",
        form=form,
        contracts=found,
        format_gbp=format_gbp,
        may_enter=current_user.has_role(Role.ADMIN, Role.PROCUREMENT_LEAD),
    )


def _at_most(label: str, length: int) -> str:
    return f"{label} must be {length} characters or fewer"


class ContractForm(FlaskForm):
    reference = field.text(
        "Contract reference",
        "Enter the contract reference",
        max_length=60,
        too_long=_at_most("Contract reference", 60),
    )
    title = field.text(
        "Title", "Enter the contract title", max_length=200, too_long=_at_most("Title", 200)
    )
    description = field.area("Description")
    supplier_name = field.text(
        "Supplier", "Enter the supplier's name", max_length=200, too_long=_at_most("Supplier", 200)
    )
    supplier_companies_house_number = field.text(
        "Supplier's Companies House number (optional)", max_length=20
    )
    supplier_ppon = field.text(
        "Supplier's Public Procurement Organisation Number (optional)", max_length=40
    )
    supplier_is_sme = RadioField(
        "Is the supplier a small or medium-sized enterprise (SME)?",
        choices=YES_NO_UNKNOWN,
        default="unknown",
        widget=GovRadioInput(),
    )
    supplier_is_vcse = RadioField(
        "Is the supplier a voluntary, community or social enterprise (VCSE)?",
        choices=YES_NO_UNKNOWN,
        default="unknown",
        widget=GovRadioInput(),
    )
    value = MoneyField(
        "Whole-life value, excluding VAT", missing="Enter the contract value", widget=GovTextInput()
    )
    start_date = field.date(
        "Start date", "Enter the start date", description="For example 1 4 2024"
    )
    end_date = field.date("End date", "Enter the end date", description="For example 31 3 2027")
    extension_count = IntegerField(
        "Extension options",
        description="How many times the contract may be extended, "
        "for example 2 for '3 years plus 2 x 1 year'",
        default=0,
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the number of extension options, or 0"),
            NumberRange(min=0, max=10, message="Extension options must be between 0 and 10"),
        ],
    )
    extension_months = IntegerField(
        "Length of each extension, in months",
        default=12,
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=60, message="Each extension must be between 1 and 60 months"),
        ],
    )
    review_date = field.date("Review date (optional)")
    service_type = SelectField("Service type", widget=GovSelect(), validators=[Optional()])
    client_group = SelectField("Client group", widget=GovSelect(), validators=[Optional()])
    districts = SelectMultipleField(
        "Districts", widget=GovCheckboxesInput(), validators=[Optional()]
    )
    department = field.text("Department", max_length=200, too_long=_at_most("Department", 200))
    procurement_route = field.text(
        "Procurement route",
        max_length=60,
        too_long=_at_most("Procurement route", 60),
        description="For example open tender, or direct award",
    )
    manager_id = SelectField(
        "Contract manager",
        coerce=lambda v: int(v) if v else None,
        widget=GovSelect(),
        validators=[Optional()],
    )
    submit = field.submit("Enter the contract")


@bp.route("/contracts/new", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD)
def new() -> Any:
    form = ContractForm()
    form.service_type.choices = [("", "Select a service type")] + _codes(ServiceType)
    form.client_group.choices = [("", "Select a client group")] + _codes(ClientGroup)
    form.districts.choices = _codes(District)
    form.manager_id.choices = [("", "Not yet assigned")] + [
        (m.id, m.name) for m in contracts.contract_managers(db.session)
    ]

    def enter() -> ManagedContract:
        data = contracts.ContractInput(
            reference=form.reference.data or "",
            title=form.title.data or "",
            description=form.description.data or "",
            supplier_name=form.supplier_name.data or "",
            supplier_companies_house_number=form.supplier_companies_house_number.data or "",
            supplier_ppon=form.supplier_ppon.data or "",
            supplier_is_sme=answer_of(form.supplier_is_sme.data),
            supplier_is_vcse=answer_of(form.supplier_is_vcse.data),
            value=form.value.amount,  # type: ignore[arg-type]
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            review_date=form.review_date.data,
            extension_count=form.extension_count.data or 0,
            extension_months=form.extension_months.data or 0,
            service_type=form.service_type.data or "",
            client_group=form.client_group.data or "",
            districts=list(form.districts.data or []),
            department=form.department.data or "",
            procurement_route=form.procurement_route.data or "",
            manager_id=form.manager_id.data,
        )
        return contracts.create_contract(db.session, data, current_user, clock.now())

    return saved_or_form(
        form,
        enter,
        message=lambda contract: f"{contract.reference} is in the contract register.",
        to=contract_url,
        contract=None,
        heading="Enter an existing contract",
        intro="For a contract let before tenderflow was used. Contracts awarded through "
        "tenderflow enter the register when they are awarded.",
        back_url=url_for("contracts.index"),
    )


@bp.route("/transparency/contracts")
@signed_in
def transparency() -> Any:
    return render_template(
        "contracts/transparency.html",
        rows=contracts.transparency_register(db.session),
        columns=contracts.REGISTER_COLUMNS,
        threshold=format_gbp(contracts.TRANSPARENCY_THRESHOLD),
    )


@bp.route("/transparency/contracts.csv")
@signed_in
def transparency_csv() -> Any:
    text = contracts.register_csv(contracts.transparency_register(db.session))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=contract-register.csv"},
    )


# --- one contract -----------------------------------------------------------------------------


@bp.route("/contracts/<reference>")
@allow(*READERS, per_object=True)
def show(reference: str) -> Any:
    contract = contract_or_404(reference, "see the contract")
    matrix = default_matrix()
    band = matrix.band(contract.priority_band) if contract.priority_band else None
    reviews = contract_monitoring.reviews_of(db.session, contract)
    names = {
        "service_type": dict(_codes(ServiceType)).get(contract.service_type, ""),
        "client_group": dict(_codes(ClientGroup)).get(contract.client_group, ""),
        "districts": ", ".join(n for c, n in _codes(District) if c in (contract.districts or [])),
    }
    return render_template(
        "contracts/show.html",
        contract=contract,
        band=band,
        reviews=reviews,
        quarters=contract_monitoring.returns_by_quarter(db.session, contract),
        names=names,
        format_gbp=format_gbp,
        meetings=contract_meetings.meetings_of(db.session, contract),
        meeting_due=contract_meetings.next_due(db.session, contract),
        upcoming=contract_meetings.upcoming(db.session, contract),
        plan=contract_meetings.improvement_plan(db.session, contract),
        grades=contract_meetings.grades_of(db.session, contract),
        needs_kpis=contract_performance.needs_kpis(contract),
        assessments=contract_performance.assessments_of(db.session, contract),
        assessment_due=contract_performance.assessment_due(db.session, contract, clock.today()),
        ratings=contract_performance.RATINGS,
        changes=contract_changes.changes_of(db.session, contract),
        extensions_left=contract_changes.extensions_left(db.session, contract),
        pending_extension=contract_changes.pending_extension(db.session, contract),
        grounds=GROUNDS,
        today=clock.today(),
        may_work=contracts.may_work(db.session, current_user, contract),
        may_assign=current_user.has_role(Role.ADMIN, Role.PROCUREMENT_LEAD),
    )


class DetailsForm(FlaskForm):
    description = field.area("Description")
    supplier_companies_house_number = ContractForm.supplier_companies_house_number
    supplier_ppon = ContractForm.supplier_ppon
    supplier_is_sme = ContractForm.supplier_is_sme
    supplier_is_vcse = ContractForm.supplier_is_vcse
    review_date = ContractForm.review_date
    department = ContractForm.department
    procurement_route = ContractForm.procurement_route
    submit = field.submit("Save the details")


@bp.route("/contracts/<reference>/details", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD, per_object=True)
def details(reference: str) -> Any:
    contract = contract_or_404(reference, "change the contract's register details")
    form = DetailsForm()
    if request.method == "GET":
        form.description.data = contract.description
        form.supplier_companies_house_number.data = contract.supplier_companies_house_number
        form.supplier_ppon.data = contract.supplier_ppon
        form.supplier_is_sme.data = choice_for(contract.supplier_is_sme, "unknown")
        form.supplier_is_vcse.data = choice_for(contract.supplier_is_vcse, "unknown")
        form.review_date.data = contract.review_date
        form.department.data = contract.department
        form.procurement_route.data = contract.procurement_route

    def update() -> None:
        data = contracts.DetailsInput(
            description=form.description.data or "",
            supplier_companies_house_number=form.supplier_companies_house_number.data or "",
            supplier_ppon=form.supplier_ppon.data or "",
            supplier_is_sme=answer_of(form.supplier_is_sme.data),
            supplier_is_vcse=answer_of(form.supplier_is_vcse.data),
            review_date=form.review_date.data,
            department=form.department.data or "",
            procurement_route=form.procurement_route.data or "",
        )
        contracts.update_details(db.session, contract, data)

    return saved_or_form(
        form,
        update,
        message="The contract's details are saved.",
        to=contract_url(contract),
        contract=contract,
        heading="Change the register details",
        intro="What the contract register publishes under the Local Government Transparency "
        "Code. The value and term change only by a modification or an extension.",
    )


class ManagerForm(FlaskForm):
    manager_id = SelectField(
        "Contract manager",
        coerce=lambda v: int(v) if v else None,
        widget=GovSelect(),
        validators=[InputRequired("Select a contract manager")],
    )
    submit = field.submit("Assign the contract manager")


@bp.route("/contracts/<reference>/manager", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD, per_object=True)
def manager(reference: str) -> Any:
    contract = contract_or_404(reference, "assign the contract's manager")
    form = ManagerForm()
    form.manager_id.choices = [("", "Select a contract manager")] + [
        (m.id, m.name) for m in contracts.contract_managers(db.session)
    ]
    if request.method == "GET" and contract.manager_id:
        form.manager_id.data = contract.manager_id

    def assign() -> None:
        errors = contracts.assign_manager(db.session, contract, form.manager_id.data or 0)
        if errors:
            raise ServiceError("The contract manager is not assigned", errors)

    return saved_or_form(
        form,
        assign,
        message="The contract manager is assigned.",
        to=contract_url(contract),
        contract=contract,
        heading="Assign the contract manager",
        intro=None,
    )


def _factor_field(factor_id: str) -> str:
    return f"factor_{factor_id.replace('-', '_')}"


def _priority_form(contract: ManagedContract) -> Any:
    factors = [
        (
            _factor_field(factor.id),
            field.choice(
                factor.title,
                [(o.id, f"{o.title} ({o.points} points)") for o in factor.options],
                f"Select an answer for {factor.title.lower()}",
            ),
        )
        for factor in default_matrix().factors
    ]
    return field.form(
        "PriorityForm",
        [
            *factors,
            ("reviewed_on", field.date("Date of the review", "Enter the date of the review")),
            (
                "reason",
                field.area(
                    "Reason for a change of band",
                    description="Needed when the review moves the contract to another band",
                ),
            ),
            ("submit", field.submit("Record the review")),
        ],
    )


@bp.route("/contracts/<reference>/priority", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def priority(reference: str) -> Any:
    contract = contract_or_404(reference, "review the contract's priority", work=True)
    form = _priority_form(contract)
    matrix = default_matrix()
    if request.method == "GET":
        form.reviewed_on.data = clock.today()
    if form.validate_on_submit() and (
        done := save(
            form,
            lambda: contract_monitoring.record_review(
                db.session,
                contract,
                {f.id: getattr(form, _factor_field(f.id)).data for f in matrix.factors},
                form.reason.data or "",
                current_user,
                form.reviewed_on.data,
                clock.now(),
            ),
            message=lambda review: (
                f"The review is recorded: {review.score} points, {review.band} priority."
            ),
            to=contract_url(contract),
        )
    ):
        return done
    return render_template(
        "contracts/priority.html",
        form=form,
        contract=contract,
        matrix=matrix,
        value_points=matrix.value_points(
            contract_monitoring.annual_value(contract.value, contract.start_date, contract.end_date)
        ),
    )


QUARTERS = [
    ("1", "January to March"),
    ("2", "April to June"),
    ("3", "July to September"),
    ("4", "October to December"),
]


def _indicator_field(code: str) -> str:
    return f"indicator_{code.replace('-', '_')}"


def _return_form(contract: ManagedContract) -> Any:
    year = field.year()
    quarter = field.choice("Quarter", QUARTERS, "Select the quarter")
    figures = [
        (
            _indicator_field(i.code),
            field.text(
                f"{i.title} (target {i.target.normalize():f}{'%' if i.unit == 'percent' else ''})",
                f"Enter the figure for {i.title.lower()}",
            ),
        )
        for i in contract.indicators
    ]
    return field.form(
        "ReturnForm",
        [
            ("year", year),
            ("quarter", quarter),
            *figures,
            ("submit", field.submit("Record the return")),
        ],
    )


@bp.route("/contracts/<reference>/returns/new", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def record_return(reference: str) -> Any:
    contract = contract_or_404(reference, "record a quarterly return", work=True)
    form = _return_form(contract)
    if form.validate_on_submit():
        rows = [
            (
                i + 1,
                {
                    "year": form.year.data,
                    "quarter": form.quarter.data,
                    "indicator": ind.code,
                    "value": getattr(form, _indicator_field(ind.code)).data,
                },
            )
            for i, ind in enumerate(contract.indicators)
        ]
        try:
            checked = check_returns(
                rows,
                contract_monitoring.indicator_titles(contract),
                contract.start_date,
                contract.end_date,
                clock.today(),
            )
        except ReturnsError as exc:
            _show_problems(form, contract, exc)
        else:
            return _saved_returns(contract, checked)
    return form_page(
        form,
        contract,
        "Record a quarterly return",
        "One figure for each performance indicator for a quarter that has ended.",
    )


def _show_problems(form: Any, contract: ManagedContract, error: ReturnsError) -> None:
    """Put each problem with a typed return against the field it is about."""
    period_errors: list[str] = []
    for problem in error.problems:
        indicator = contract.indicators[(problem.row or 1) - 1]
        figure = getattr(form, _indicator_field(indicator.code))
        for part in problem.message.split("; "):
            text = part[:1].upper() + part[1:]
            if "year" in part or "quarter" in part or " Q" in part:
                if text not in period_errors:
                    period_errors.append(text)
            else:
                figure.errors = [*figure.errors, text]
    form.year.errors = [*form.year.errors, *period_errors]


def _saved_returns(contract: ManagedContract, rows: list[ReturnRow]) -> Any:
    return act(
        lambda: contract_monitoring.save_returns(
            db.session, contract, rows, current_user, clock.now()
        ),
        message=lambda count: f"{count} {'figure' if count == 1 else 'figures'} recorded.",
        to=contract_url(contract, "#returns"),
    )


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a file of returns",
        description="A CSV file or Excel workbook (.xlsx) with the columns year, quarter, "
        "indicator and value",
        widget=GovFileInput(),
    )
    submit = field.submit("Upload the returns")


@bp.route("/contracts/<reference>/returns/upload", methods=["GET", "POST"])
@allow(*MANAGERS, per_object=True)
def upload_returns(reference: str) -> Any:
    contract = contract_or_404(reference, "upload quarterly returns", work=True)
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = ["Select a file of returns"]
        else:
            try:
                rows = contract_monitoring.check_file(
                    contract, upload.filename, upload.read(), clock.today()
                )
            except ReturnsError as exc:
                problems = [str(p) for p in exc.problems]
                form.file.errors = [
                    f"The file has {len(problems)} "
                    f"{'problem' if len(problems) == 1 else 'problems'}; nothing was saved"
                ]
            else:
                return _saved_returns(contract, rows)
    return render_template(
        "contracts/upload.html",
        form=form,
        contract=contract,
        problems=problems,
        indicators=contract.indicators,
    )


class ReprocureForm(FlaskForm):
    submit = field.submit("Start the re-procurement")


@bp.route("/contracts/<reference>/reprocurement", methods=["POST"])
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD, per_object=True)
def reprocure(reference: str) -> Any:
    from tenderflow.services.contracts import reprocurement

    contract = contract_or_404(reference, "start the contract's re-procurement")
    if not ReprocureForm().validate_on_submit():
        abort(400)
    lead = current_user
    if current_user.has_role(Role.ADMIN) and contract.owner is not None:
        lead = contract.owner
    procurement, refused = attempt(
        lambda: reprocurement.start_reprocurement(
            db.session, contract, lead, clock.today(), clock.now()
        )
    )
    if refused:
        flash(next(iter(refused.errors.values()), str(refused)), "error")
        return redirect(contract_url(contract))
    flash(
        f"{procurement.reference} is created in planning, its timetable planned back from "
        f"the end of {contract.reference}.",
        "success",
    )
    return redirect(url_for("procurements.show", reference=procurement.reference))


@bp.route("/contracts/<reference>/review.docx")
@allow(*READERS, Role.COMMISSIONING_BODY, per_object=True)
def review_report(reference: str) -> Any:
    from tenderflow.services.contracts import review as contract_review

    contract = contracts.get_by_reference(db.session, reference)
    if contract is None:
        abort(404)
    # The commissioning body reads the review of a contract it is asked to decide on.
    asked = current_user.has_role(Role.COMMISSIONING_BODY) and (
        contract_changes.pending_extension(db.session, contract) is not None
    )
    if asked:
        _viewed(contract, "Viewed: the contract review report, to decide on an extension")
    else:
        contract = contract_or_404(reference, "download the contract review report")
    content = contract_review.render_review(db.session, contract, current_user, clock.today())
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename={contract.reference}-review.docx"},
    )
