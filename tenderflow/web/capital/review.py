"""The partnership checks submitted schemes; the SP team scores accepted ones and agrees flags."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from tenderflow import audit, clock
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.score_sheets import agreement_fields, score_sheet_sections
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services.capital import checks as check_service
from tenderflow.services.capital import matrix_for
from tenderflow.services.capital import scoring as scoring_service
from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    guarded,
    version_text,
)
from tenderflow.services.unit_of_work import unit_of_work
from tenderflow.web.access import allow
from tenderflow.web.capital import bp, context, posted, scheme_or_404
from tenderflow.web.capital.answers import answer_sections, evidence_for, gateway_answers
from tenderflow.web.capital.fields import MatrixForm, filled, matrix_form
from tenderflow.web.forms import audit_lost_race
from tenderflow.web.kit import attempt, save


class CheckForm(FlaskForm):
    outcome = RadioField(
        "What is the outcome of your check?",
        choices=[
            (st.ACCEPT, "Accept the scheme for scoring"),
            (st.RETURN, "Return it to the district to correct"),
        ],
        widget=GovRadioInput(),
        validators=[
            InputRequired("Select whether to accept the scheme or return it to the district")
        ],
    )
    comments = TextAreaField(
        "Comments for the district",
        description="Needed when you return the scheme: say what the district needs to correct",
        widget=GovTextArea(),
    )
    submit = SubmitField("Record the check", widget=GovSubmitInput())


class ScoringForm(MatrixForm):
    """A score sheet or agreement form, with the version of what it showed.

    The page writes the version into the form itself; a form posted without it is checked
    on write only.
    """

    version = HiddenField()

    def opened(self) -> str | None:
        """Return the version the form was opened with, or None if none was posted."""
        return self.version.data if self.version.raw_data else None


@bp.route("/checks")
@allow(Role.PARTNERSHIP_OFFICER)
def checks() -> Any:
    return render_template(
        "capital/checks.html",
        **context(
            waiting=check_service.waiting_for_check(db.session),
            recent=check_service.recently_checked(db.session),
        ),
    )


@bp.route("/schemes/<int:scheme_id>/check", methods=["GET", "POST"])
@allow(Role.PARTNERSHIP_OFFICER, per_object=True)
def check_scheme(scheme_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    if scheme.status != st.SUBMITTED:
        flash("This scheme is not waiting for a check.", "error")
        return redirect(url_for("capital.scheme", scheme_id=scheme.id))
    form = CheckForm()
    if form.validate_on_submit():
        done = (
            "accepted for scoring" if form.outcome.data == st.ACCEPT else "returned to the district"
        )
        saved = save(
            form,
            lambda: check_service.record_check(
                db.session,
                scheme,
                current_user,
                form.outcome.data or "",
                form.comments.data or "",
                clock.now(),
            ),
            message=f"{scheme.name} has been {done}.",
            to=url_for("capital.checks"),
        )
        if saved:
            return saved
    return render_template(
        "capital/check_form.html",
        **context(scheme=scheme, form=form, answers=answer_sections(scheme)),
    )


@bp.route("/scoring")
@allow(Role.SP_SCORER)
def scoring() -> Any:
    return render_template(
        "capital/scoring.html",
        **context(queue=scoring_service.scoring_queue(db.session, current_user)),
    )


@bp.route("/schemes/<int:scheme_id>/score", methods=["GET", "POST"])
@allow(Role.SP_SCORER, per_object=True)
def score_scheme(scheme_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    if (
        scheme.status not in st.SCORABLE
        or scheme.round.status not in scoring_service.ROUNDS_STILL_SCORING
    ):
        flash("This scheme cannot be scored now.", "error")
        return redirect(url_for("capital.scheme", scheme_id=scheme.id))
    matrix = matrix_for(scheme.round)
    sections = score_sheet_sections(matrix, scoring_service.applicable_gateways(scheme))
    sheet = scoring_service.sheet_of(scheme, current_user)
    version = version_text(sheet)
    form = filled(
        matrix_form(sections, textarea_rows=3, base=ScoringForm),
        scoring_service.sheet_answers(scheme, sheet),
    )
    if posted():
        values = form.answers()
        opened = form.opened()
        version = opened if opened is not None else version

        def save_sheet() -> None:
            with guarded(
                db.session,
                lambda: check_opened(
                    db.session,
                    {"sheet": version},
                    {"sheet": scoring_service.sheet_of(scheme, current_user)},
                    lambda _: "Your score sheet for this scheme",
                ),
            ):
                scoring_service.save_score_sheet(
                    db.session, scheme, current_user, values, clock.now(), opened=opened
                )

        _, refused = attempt(save_sheet)
        if isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "capital_score_sheets", scheme.id)
            # Saving again, knowingly, replaces the sheet as it is now.
            version = refused.current.get("sheet") or version_text(
                scoring_service.sheet_of(scheme, current_user)
            )
        if refused is not None:
            form.show_errors(refused.errors)
        else:
            flags = scoring_service.final_for(scheme).open_flags
            if flags:
                flash(
                    f"Your scores for {scheme.name} are saved. They differ from another scorer's by "
                    f"{matrix.spread_flag} points or more on {len(flags)} item(s): agree them next.",
                    "success",
                )
                return redirect(url_for("capital.agree", scheme_id=scheme.id))
            flash(f"Your scores for {scheme.name} are saved.", "success")
            return redirect(url_for("capital.scoring"))
    return render_template(
        "capital/score_form.html",
        **context(
            scheme=scheme,
            matrix=matrix,
            form=form,
            evidence=evidence_for(scheme),
            gateways=gateway_answers(scheme),
            others=[s for s in scheme.score_sheets if s.scorer_id != current_user.id],
            version=version,
        ),
    )


@bp.route("/schemes/<int:scheme_id>/agree", methods=["GET", "POST"])
@allow(Role.SP_SCORER, per_object=True)
def agree(scheme_id: int) -> Any:
    scheme = scheme_or_404(scheme_id)
    if scheme.status not in st.SCORABLE:
        abort(404)
    if scoring_service.scores_hidden_from(scheme, current_user):
        # Blind scoring: the others' marks stay hidden until this scorer has scored.
        with unit_of_work(db.session):
            audit.refused(
                db.session,
                "capital_schemes",
                scheme.id,
                f"Agreeing scores on {scheme.name} refused: the scorer has not scored it yet",
            )
        flash("Score this scheme yourself before you see or agree other scores.", "error")
        return redirect(url_for("capital.score_scheme", scheme_id=scheme.id))
    final = scoring_service.final_for(scheme)
    matrix = matrix_for(scheme.round)
    flags = final.open_flags
    form = filled(
        matrix_form(agreement_fields(matrix, flags), textarea_rows=3, base=ScoringForm), {}
    )
    version = scoring_service.agreed_version(scheme)
    if posted() and flags:
        values, opened = form.answers(), form.opened()

        def agree_scores() -> None:
            with guarded(db.session):
                scoring_service.record_agreement(
                    db.session, scheme, current_user, values, clock.now(), opened=opened
                )

        _, refused = attempt(agree_scores)
        if isinstance(refused, ChangedMeanwhile):
            audit_lost_race(str(refused), "capital_agreed_scores", scheme.id)
            version = scoring_service.agreed_version(scheme)
        if refused is not None:
            form.show_errors(refused.errors)
        else:
            flash(f"The agreed scores for {scheme.name} are saved.", "success")
            return redirect(url_for("capital.scoring"))
    comments = {
        sheet.scorer.name: {row.item: row.comment for row in sheet.scores}
        for sheet in scheme.score_sheets
    }
    return render_template(
        "capital/agree.html",
        **context(
            scheme=scheme,
            matrix=matrix,
            flags=flags,
            agreed_flags=[f for f in final.flags if f.agreed],
            items=list(zip(flags, form.sections(), strict=True)),
            form=form,
            comments=comments,
            still_scoring=scheme.round.status in scoring_service.ROUNDS_STILL_SCORING,
            version=version,
        ),
    )
