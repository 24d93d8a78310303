"""The home page: the procurement board for those who run procurements, and each role's work."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from tenderflow.domain.roles import PROCUREMENT_READERS, Role
from tenderflow.extensions import db
from tenderflow.services import procurements
from tenderflow.web import kept_pages, navigation
from tenderflow.web.access import public, signed_in

bp = Blueprint("home", __name__)
navigation.register(
    "Procurements", "home.index", set(PROCUREMENT_READERS), 10, also_for=("procurements.show",)
)


@bp.route("/")
@signed_in
def index() -> Any:
    written = kept_pages.token()  # before any data is read

    def page() -> str:
        board = (
            procurements.by_stage(db.session)
            if current_user.has_role(*PROCUREMENT_READERS)
            else None
        )
        return render_template("home/index.html", board=board, Role=Role)

    return kept_pages.page(written, page)


@bp.route("/accessibility")
@public
def accessibility() -> Any:
    return render_template("home/accessibility.html")


@bp.route("/healthz")
@public
def healthz() -> Any:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
