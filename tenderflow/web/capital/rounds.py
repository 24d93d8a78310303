"""Administrators open bid rounds and watch them; anyone reviewing sees a round's progress."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tenderflow import clock
from tenderflow.domain.capital import default_matrix
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest
from tenderflow.services import flow_runs
from tenderflow.services.capital import counties, matrix_for
from tenderflow.services.capital import rounds as service
from tenderflow.services.capital.notices import notices_for
from tenderflow.services.capital.priority import scoring_complete
from tenderflow.services.capital.scoring import open_flag_count
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web.access import allow
from tenderflow.web.capital import ActionForm, bp, context, posted, round_or_404
from tenderflow.web.forms import GovDateField, MoneyField, apply_errors
from tenderflow.web.kit import attempt
from tenderflow.web.submitting import submit_without_waiting

REVIEWERS = (Role.ADMIN, Role.SP_SCORER, Role.PARTNERSHIP_OFFICER, Role.COMMISSIONING_BODY)


class RoundForm(FlaskForm):
    title = StringField(
        "Title",
        description="For example Capital bid round 2027 to 2028",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a title for the round"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    county = SelectField(
        "County",
        description="The district councils of this county can put schemes forward",
        widget=GovSelect(),
        validators=[InputRequired("Select the county whose districts can bid")],
    )
    deadline = GovDateField(
        "Deadline for submissions",
        invalid="Deadline must be a real date",
        description="Schemes can be submitted until the end of this day, for example 30 9 2027",
        validators=[InputRequired("Enter the deadline")],
    )
    revenue_budget = MoneyField(
        "Revenue budget available a year",
        missing="Enter the revenue budget available",
        description="Supporting People revenue available for new schemes, in pounds a year",
        widget=GovTextInput(),
    )
    submit = SubmitField("Open the round", widget=GovSubmitInput())


def request_advance(round_id: int, key: str, description: str) -> FlowRunRequest:
    """Ask the workflow to advance a round now; never wait for it."""
    return flow_runs.start(
        db.session,
        flow_runs.CAPITAL_ROUND,
        {"round_id": round_id},
        key=key,
        description=description,
        who=current_user,
        now=clock.now(),
        sender=submit_without_waiting,
    )


@bp.route("/rounds")
@allow(*REVIEWERS)
def rounds() -> Any:
    return render_template("capital/rounds.html", **context(rounds=service.all_rounds(db.session)))


@bp.route("/rounds/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_round() -> Any:
    form = RoundForm()
    form.county.choices = [("", "Select a county")] + [(c, c) for c in counties(db.session)]
    if form.validate_on_submit():
        data = service.RoundInput(
            title=form.title.data or "",
            county=form.county.data or "",
            deadline=form.deadline.data,
            revenue_budget=form.revenue_budget.amount,
        )
        round_, refused = attempt(
            lambda: service.open_round(db.session, data, current_user, clock.today(), clock.now())
        )
        if refused is not None:
            apply_errors(form, refused.errors)
        else:
            request_advance(round_.id, f"capital-round:{round_.id}:opened", f"Open {round_.title}")
            flash(f"{round_.title} is open to the district councils of {round_.county}.", "success")
            return redirect(url_for("capital.round", round_id=round_.id))
    return render_template("capital/round_new.html", form=form, matrix=default_matrix())


@bp.route("/rounds/<int:round_id>")
@allow(*REVIEWERS)
def round(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    runs = list(
        db.session.scalars(
            select(FlowRunRequest)
            .where(FlowRunRequest.key.like(f"capital-round:{round_.id}:%"))
            .order_by(FlowRunRequest.id.desc())
            .limit(5)
        )
    )
    return render_template(
        "capital/round.html",
        **context(
            round=round_,
            matrix=matrix_for(round_),
            progress=service.progress(db.session, round_),
            notices=notices_for(db.session, round_)[:30],
            runs=runs,
            open_flags=open_flag_count(round_),
            complete=scoring_complete(round_),
            form=ActionForm(),
        ),
    )


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@allow(Role.ADMIN)
def close_round(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    posted()
    with unit_of_work(db.session):
        closed = service.close_round(db.session, round_, clock.now())
    if closed:
        request_advance(round_.id, f"capital-round:{round_.id}:closed", f"Close {round_.title}")
        flash(f"{round_.title} is closed to new schemes.", "success")
    else:
        flash("The round was already closed.", "error")
    return redirect(url_for("capital.round", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/advance", methods=["POST"])
@allow(Role.ADMIN, Role.SP_SCORER)
def advance_round(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    posted()
    if round_.status not in (st.ROUND_OPEN, st.ROUND_CLOSED):
        flash("There is nothing left for the workflow to do in this round.", "error")
        return redirect(url_for("capital.round", round_id=round_.id))
    now = clock.now()
    request_advance(
        round_.id,
        f"capital-round:{round_.id}:advance:{now.isoformat()}",
        f"Bring {round_.title} up to date",
    )
    flash("Asked the workflow to bring the round up to date.", "success")
    return redirect(url_for("capital.round", round_id=round_.id))
