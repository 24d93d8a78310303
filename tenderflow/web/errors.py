"""Error pages in GOV.UK wording."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template

PAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: (
        "You do not have permission to see this page",
        "Ask an administrator if you need access.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    413: ("The file is too big", "Choose a smaller file."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def init_app(app: Flask) -> None:
    """Register an error page for each status above."""
    for status, (heading, message) in PAGES.items():

        def handler(
            error: Any, status: int = status, heading: str = heading, message: str = message
        ) -> Any:
            return render_template("errors/error.html", heading=heading, message=message), status

        app.register_error_handler(status, handler)

    from sqlalchemy.orm.exc import StaleDataError

    def changed_meanwhile(error: StaleDataError) -> Any:
        # A write that lost a race on a versioned record where the page has no form of its
        # own to say so: nothing was written; say why rather than fail.
        from tenderflow.extensions import db

        db.session.rollback()
        return (
            render_template(
                "errors/error.html",
                heading="Someone else changed this while you were saving",
                message="Nothing was saved. Go back, reload the page to see their change, and "
                "try again.",
            ),
            409,
        )

    app.register_error_handler(StaleDataError, changed_meanwhile)
