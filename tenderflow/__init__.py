"""tenderflow: procurement and tender evaluation for UK councils."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# Journeys, each a module with a ``bp`` blueprint; imported inside the factory.
BLUEPRINTS = [
    "tenderflow.web.auth",
    "tenderflow.web.home",
    "tenderflow.web.procurements",
    "tenderflow.web.admin",
    "tenderflow.web.runs",
    "tenderflow.web.templates_admin",
    "tenderflow.web.capital",
    "tenderflow.web.timetable",
    "tenderflow.web.messages",
    "tenderflow.web.bidders",
    "tenderflow.web.bids",
    "tenderflow.web.clarifications",
    "tenderflow.web.act_gates",
    "tenderflow.web.evaluation",
    "tenderflow.web.documents",
]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the tenderflow web app."""
    # Imported here so the domain rules and the command line can load without Flask.
    from flask import Flask, send_from_directory
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from tenderflow import audit
    from tenderflow.config import load_config
    from tenderflow.extensions import csrf, db, login_manager, migrate
    from tenderflow.paths import INSTANCE_DIR, MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR
    from tenderflow.web import access, filters

    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    app.config.from_mapping(load_config(test_config))

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    import tenderflow.models  # noqa: F401  (register every table)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)
    filters.init_app(app)

    from flask_sqlalchemy.session import Session as FlaskSession

    audit.install(FlaskSession, db.Model)

    @app.route("/assets/<path:filename>")
    def assets(filename: str) -> Any:
        # GOV.UK Frontend's stylesheet looks for its fonts and images under /assets.
        return send_from_directory(STATIC_DIR / "govuk" / "assets", filename, max_age=86400)

    app.before_request(access.refuse_undeclared_routes)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)

    from tenderflow.web import errors

    errors.init_app(app)
    return app
