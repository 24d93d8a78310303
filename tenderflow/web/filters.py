"""Jinja filters and globals for money, dates and codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from markupsafe import Markup

from tenderflow import clock
from tenderflow.domain import dates, messages, vocabulary
from tenderflow.domain.exact import published, score_text
from tenderflow.web import navigation


def gbp(value: Decimal | None) -> str:
    """Format pounds as £1,234.56."""
    if value is None:
        return ""
    return f"£{Decimal(value):,.2f}"


def points(value: Decimal | Fraction | None) -> str:
    """Format a weighted score or total as published: two decimals, halves up (75.08)."""
    return "" if value is None else f"{published(value):f}"


def long_date(value: date | datetime | None) -> str:
    """Format a date the GOV.UK way: 4 June 2026 (an instant on its day in the UK)."""
    if value is None:
        return ""
    return dates.long_date(clock.local(value) if isinstance(value, datetime) else value)


def date_time(value: datetime | None) -> str:
    """Format an instant in UK time: 4 June 2026 at 2:05pm."""
    return "" if value is None else dates.long_date_time(value)


def percent(value: Decimal | None) -> str:
    """Format a rate such as 0.2 as 20%."""
    if value is None:
        return ""
    return f"{(Decimal(value) * 100).normalize():f}%"


def link(text: object, href: str, classes: str = "govuk-link") -> Markup:
    """Return a GOV.UK link as safe markup, with its text and address escaped."""
    return Markup('<a class="{}" href="{}">{}</a>').format(classes, href, text)


def rule_set_title(name: str | None) -> str:
    """Return a rule set's title (such as "Procurement Act 2023"), or the name if unknown."""
    if not name:
        return ""
    from tenderflow.domain import regulations

    try:
        return regulations.load_rule_set(name).title
    except regulations.RuleSetError:
        return name


def init_app(app: Flask) -> None:
    """Register the filters and the page globals."""
    app.add_template_global(link)
    app.add_template_filter(gbp)
    app.add_template_filter(rule_set_title)
    app.add_template_filter(long_date)
    app.add_template_filter(date_time)
    app.add_template_filter(percent)
    app.add_template_filter(points)
    app.add_template_filter(score_text, "score")
    app.add_template_filter(lambda c: vocabulary.label(vocabulary.STAGE_LABELS, c), "stage_label")
    app.add_template_filter(lambda c: vocabulary.label(vocabulary.ROUTE_LABELS, c), "route_label")
    app.add_template_filter(
        lambda c: vocabulary.label(vocabulary.PROCEDURE_LABELS, c).split(":")[0], "procedure_label"
    )
    app.add_template_filter(
        lambda c: vocabulary.label(vocabulary.CATEGORY_LABELS, c), "category_label"
    )
    app.add_template_filter(
        lambda c: vocabulary.label(vocabulary.FLEXIBLE_STAGE_LABELS, c).split(":")[0],
        "flexible_stage_label",
    )

    # A global, not a context variable, so imported macros see it too.
    app.jinja_env.globals["flow_run_labels"] = vocabulary.FLOW_RUN_STATUS_LABELS
    app.jinja_env.globals["delivery_labels"] = messages.DELIVERY_LABELS

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "navigation_items": navigation.items_for(current_user),
            "today": clock.today(),
        }
