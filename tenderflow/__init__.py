"""tenderflow: procurement and tender evaluation for UK councils."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints() -> list[Blueprint]:
    """Return every journey's blueprint, in the order they are registered.

    Imported here, not at the top: a flow run's process needs the database, not the pages.
    """
    from tenderflow.web import (
        admin,
        capital,
        contracts,
        documents,
        evaluation,
        home,
        messages,
        notices,
        procurements,
        runs,
        timetable,
    )
    from tenderflow.web.bidding import bidders, bids, clarifications
    from tenderflow.web.contracts import changes as contract_changes
    from tenderflow.web.contracts import management as contract_management
    from tenderflow.web.documents import templates_admin
    from tenderflow.web.notices import ocds
    from tenderflow.web.procurements import act_gates
    from tenderflow.web.procurements import co_leads as need_to_know_pages
    from tenderflow.web.users import account, auth

    return [
        auth.bp,
        account.bp,
        home.bp,
        procurements.bp,
        admin.bp,
        runs.bp,
        templates_admin.bp,
        capital.bp,
        timetable.bp,
        messages.bp,
        bidders.bp,
        bids.bp,
        clarifications.bp,
        act_gates.bp,
        notices.bp,
        ocds.bp,
        evaluation.bp,
        documents.bp,
        need_to_know_pages.bp,
        contracts.bp,
        contract_management.bp,
        contract_changes.bp,
    ]


class ProductionConfigError(RuntimeError):
    """The app was asked to start in production with settings that are not safe."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the tenderflow web app.

    In production (``TENDERFLOW_ENV=production``) raise :class:`ProductionConfigError`,
    naming every reason, when the app would not be safe to serve.
    """
    # Imported here so the domain rules and the command line can load without Flask.
    from flask import Flask, send_from_directory
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from tenderflow import audit
    from tenderflow.config import load_config
    from tenderflow.extensions import csrf, db, login_manager, migrate
    from tenderflow.paths import INSTANCE_DIR, MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR
    from tenderflow.services import computed
    from tenderflow.web import access, access_log, filters, headers

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
    headers.init_app(app)
    access_log.init_app(app)

    from flask_sqlalchemy.session import Session as FlaskSession

    audit.install(FlaskSession, db.Model)
    computed.install(FlaskSession)

    @app.route("/assets/<path:filename>")
    def assets(filename: str) -> Any:
        # GOV.UK Frontend's stylesheet looks for its fonts and images under /assets.
        return send_from_directory(STATIC_DIR / "govuk" / "assets", filename, max_age=86400)

    app.before_request(access.refuse_undeclared_routes)

    # A flow run's process needs the database, not the pages: importing every journey's
    # views and forms would add most of a second to each run's start.
    if app.config.get("WEB_PAGES", True):
        for blueprint in blueprints():
            app.register_blueprint(blueprint)

    from tenderflow.web import errors, sessions

    errors.init_app(app)
    sessions.init_app(app)
    if app.config["TENDERFLOW_ENV"] == "production" and not app.config.get(
        "SKIP_PRODUCTION_CHECKS"
    ):
        _refuse_unsafe_production(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    from tenderflow.domain.accounts import ProductionSettings, production_problems
    from tenderflow.services.users import count_demo_accounts

    with app.app_context():
        from tenderflow.extensions import db

        demo_accounts = count_demo_accounts(db.session())
        db.session.remove()
    problems = production_problems(
        ProductionSettings(
            secret_key_from_environment=bool(app.config.get("SECRET_KEY_FROM_ENVIRONMENT")),
            session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
            remember_cookie_secure=bool(app.config.get("REMEMBER_COOKIE_SECURE")),
            demo_accounts=demo_accounts,
        )
    )
    if problems:
        raise ProductionConfigError(
            "tenderflow will not start in production: " + "; ".join(problems)
        )
