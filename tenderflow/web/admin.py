"""Administration: accounts and roles, contract-regulation rule sets, the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired

from tenderflow import clock
from tenderflow.domain import regulations
from tenderflow.domain.roles import ROLE_LABELS, Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, District, User
from tenderflow.services import users as service
from tenderflow.services.email import preferences
from tenderflow.services.users import account_links, two_factor
from tenderflow.web import navigation, sessions
from tenderflow.web.access import allow
from tenderflow.web.kit import act, attempt, save

bp = Blueprint("admin", __name__, url_prefix="/admin")
navigation.register(
    "Users", "admin.users", {Role.ADMIN}, 80, also_for=("admin.new_user", "admin.edit_user")
)
navigation.register("Audit log", "admin.audit", {Role.ADMIN}, 90)
navigation.register(
    "Regulations",
    "admin.rule_sets",
    {Role.ADMIN, Role.PROCUREMENT_LEAD},
    70,
    also_for=("admin.rule_set",),
)

AUDIT_PAGE_SIZE = 100


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name")],
    )
    email = StringField(
        "Email address", widget=GovTextInput(), validators=[InputRequired("Enter an email address")]
    )
    job_title = StringField("Job title (optional)", widget=GovTextInput())
    organisation = StringField("Organisation (optional)", widget=GovTextInput())
    roles = SelectMultipleField(
        "Roles",
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one role")],
    )
    district = SelectField(
        "District council (district council officers only)",
        widget=GovSelect(),
        description="A district council officer sees only their own district's schemes",
    )
    active = BooleanField("Account is active", default=True, widget=GovCheckboxInput())
    submit = SubmitField("Save account", widget=GovSubmitInput())

    def set_choices(self) -> None:
        self.district.choices = [("", "None")] + [
            (d.code, f"{d.name} ({d.county})")
            for d in db.session.scalars(select(District).order_by(District.county, District.name))
        ]

    def to_input(self) -> service.UserInput:
        return service.UserInput(
            email=self.email.data or "",
            name=self.name.data or "",
            roles={Role(r) for r in self.roles.data or []},
            job_title=self.job_title.data or None,
            organisation=self.organisation.data or None,
            district_code=self.district.data or None,
            active=bool(self.active.data),
        )


@bp.route("/users")
@allow(Role.ADMIN)
def users() -> Any:
    people = list(db.session.scalars(select(User).order_by(User.name)))
    return render_template("admin/users.html", people=people, labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user() -> Any:
    form = UserForm()
    form.set_choices()

    def create() -> tuple[User, str]:
        user = service.create_user(db.session, form.to_input())
        return user, _send_link(user, account_links.INVITATION)

    if form.validate_on_submit() and (
        done := save(
            form,
            create,
            message=lambda made: (
                f"Account created for {made[0].name}, and an invitation sent "
                f"to {made[0].email}{_how_the_link_goes(made[1])}"
            ),
            to=url_for("admin.users"),
        )
    ):
        return done
    return render_template("admin/user_form.html", form=form, person=None)


def _how_the_link_goes(link: str) -> str:
    """Say how the one-time link reaches its person: by email, or handed on while email is off."""
    if preferences.email_enabled():
        return " by email."
    return f". Email is off, so give them this link yourself: {link}"


def _send_link(user: User, purpose: str) -> str:
    lifetime = timedelta(hours=float(current_app.config["ACCOUNT_LINK_HOURS"]))
    return account_links.issue(
        db.session,
        user,
        purpose,
        by=current_user,
        now=clock.wall_now(),
        lifetime=lifetime,
        link_for=lambda token: url_for("auth.set_password", token=token, _external=True),
    )


def _keeps_own_access(form: UserForm, person: User) -> bool:
    # Administrators cannot lock themselves out: another administrator has to do that.
    if person.id != current_user.id:
        return True
    if not form.active.data:
        form.active.errors = [*form.active.errors, "You cannot disable your own account"]
        return False
    if Role.ADMIN.value not in (form.roles.data or []):
        form.roles.errors = [*form.roles.errors, "You cannot remove your own administrator role"]
        return False
    return True


class ActionForm(FlaskForm):
    """A button that changes something, carrying only the CSRF token."""


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@allow(Role.ADMIN)
def send_link(user_id: int) -> Any:
    person = _person(user_id)
    if ActionForm().validate_on_submit():
        purpose = account_links.RESET if person.has_password else account_links.INVITATION
        link, refused = attempt(lambda: _send_link(person, purpose))
        if refused:
            flash(f"{person.name}'s account is disabled: enable it before sending a link.", "info")
        else:
            what = "A password reset" if purpose == account_links.RESET else "An invitation"
            flash(f"{what} has been sent to {person.email}{_how_the_link_goes(link)}", "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@allow(Role.ADMIN)
def reset_two_factor(user_id: int) -> Any:
    person = _person(user_id)
    if ActionForm().validate_on_submit() and person.two_factor_enabled:
        return act(
            lambda: two_factor.turn_off(db.session, person),
            message=lambda _: (
                f"Two-factor sign-in is reset for {person.name}: "
                "they set it up again when they next sign in"
                + ("." if two_factor.is_required(person) else ", if they choose to.")
            ),
            to=url_for("admin.edit_user", user_id=person.id),
        )
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int) -> Any:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = UserForm(obj=None)
    form.set_choices()
    if request.method == "GET":
        form.name.data, form.email.data = person.name, person.email
        form.job_title.data, form.organisation.data = person.job_title, person.organisation
        form.roles.data = sorted(r.value for r in person.roles)
        form.district.data = person.district.code if person.district else ""
        form.active.data = person.active
    if (
        form.validate_on_submit()
        and _keeps_own_access(form, person)
        and (
            done := save(
                form,
                lambda: service.update_user(db.session, person, form.to_input()),
                message=lambda _: f"Account for {person.name} saved.",
                to=url_for("admin.users"),
            )
        )
    ):
        if person.id == current_user.id:
            # An administrator changing their own roles keeps this session.
            sessions.keep_after_own_change(person)
        return done
    return render_template("admin/user_form.html", form=form, person=person, action=ActionForm())


@bp.route("/rule-sets")
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD)
def rule_sets() -> Any:
    sets = [regulations.load_rule_set(name) for name in regulations.available_rule_sets()]
    return render_template("admin/rule_sets.html", sets=sets)


@bp.route("/rule-sets/<name>")
@allow(Role.ADMIN, Role.PROCUREMENT_LEAD)
def rule_set(name: str) -> Any:
    if name not in regulations.available_rule_sets():
        abort(404)
    path = regulations.rule_set_path(name)
    return render_template(
        "admin/rule_set.html",
        rule_set=regulations.load_rule_set(name),
        source=path.read_text(encoding="utf-8"),
    )


@bp.route("/audit")
@allow(Role.ADMIN)
def audit() -> Any:
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    entity = request.args.get("entity")
    if entity:
        query = query.where(AuditEvent.entity == entity)
    procurement_id = request.args.get("procurement", type=int)
    if procurement_id:
        query = query.where(AuditEvent.procurement_id == procurement_id)
    page = max(request.args.get("page", 1, type=int), 1)
    events = list(
        db.session.scalars(query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE))
    )
    return render_template(
        "admin/audit.html",
        events=events[:AUDIT_PAGE_SIZE],
        page=page,
        has_next=len(events) > AUDIT_PAGE_SIZE,
        entity=entity,
    )
