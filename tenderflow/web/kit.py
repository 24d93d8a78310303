"""What every view uses: find the procurement, check who runs it, and save a change.

A view that changes something calls :func:`save` (a form) or :func:`act` (a button) with the
service call; the change runs in a unit of work, so the view never commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from flask import abort, flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Procurement
from tenderflow.services import ServiceError
from tenderflow.services import procurements as procurement_service
from tenderflow.services.unit_of_work import keep_only, unit_of_work
from tenderflow.web.forms import apply_errors

Said = str | Callable[[Any], str]
Where = str | Callable[[Any], str]

# The roles of those who may run a procurement: ``@allow(*RUNNERS, per_object=True)`` on a view
# that changes one, which then asks :func:`run_by_me_or_403` whether this person runs it.
RUNNERS = (Role.PROCUREMENT_LEAD, Role.ADMIN)


def procurement_or_404(reference: str) -> Procurement:
    """Return the procurement with this reference, or answer 404."""
    found = procurement_service.get_by_reference(db.session, reference)
    if found is None:
        abort(404)
    return found


def runs(procurement: Procurement, user: Any = None) -> bool:
    """Say whether the person (the signed-in one by default) runs this procurement.

    Its lead, a co-lead or an administrator: only they change its bidders, bids, questions,
    panel and timetable.
    """
    return procurement_service.is_run_by(procurement, current_user if user is None else user)


def run_by_me_or_403(reference: str) -> Procurement:
    """Return the procurement if the signed-in person runs it; refuse anyone else (403)."""
    procurement = procurement_or_404(reference)
    if not runs(procurement):
        abort(403)
    return procurement


def refuse_404(record: Callable[[], Any]) -> NoReturn:
    """Answer 404 to an attempt the person may not make, keeping only the refusal's audit entry.

    As with a refused change (:func:`~tenderflow.services.probity.keep_refusal`), whatever the
    request left unsaved is undone; then only what ``record`` writes is committed.
    """
    keep_only(db.session, record)
    abort(404)


def _said(said: Said, result: Any) -> str:
    return said(result) if callable(said) else said


def save(
    form: Any,
    change: Callable[[], Any],
    *,
    message: Said,
    to: Where,
    fields: Mapping[str, str] | None = None,
) -> Response | None:
    """Make the change in a unit of work, then flash ``message`` and go ``to``.

    If the service refuses, its errors go on the form's fields (renamed by ``fields`` where
    the form calls a field otherwise) and None is returned, so the view shows the form again.
    A refusal naming no field is shown above the form, or on the field ``fields[""]`` names.
    ``message`` and ``to`` may be functions of what the change returned.
    """
    try:
        with unit_of_work(db.session):
            result = change()
    except ServiceError as exc:
        errors = exc.errors or {"": str(exc)}
        apply_errors(form, {(fields or {}).get(name, name): text for name, text in errors.items()})
        return None
    if message:
        flash(_said(message, result), "success")
    return redirect(_said(to, result))


def act(
    change: Callable[[], Any],
    *,
    message: Said,
    to: Where,
    refused_to: str | None = None,
    explain: Callable[[ServiceError], str] = str,
) -> Response:
    """Make a button's change in a unit of work and go back; a refusal is flashed as an error.

    The error flashed is the refusal's message, or what ``explain`` (such as
    :func:`every_error`) makes of it.
    """
    try:
        with unit_of_work(db.session):
            result = change()
    except ServiceError as exc:
        flash(explain(exc), "error")
        return redirect(refused_to or (to if isinstance(to, str) else to(None)))
    if message:
        flash(_said(message, result), "success")
    return redirect(_said(to, result))


def every_error(exc: ServiceError) -> str:
    """Say every field's error of a refusal in one line, or its message if it names none."""
    return " ".join(exc.errors.values()) or str(exc)


def attempt(change: Callable[[], Any]) -> tuple[Any, ServiceError | None]:
    """Make the change in a unit of work; return (result, None), or (None, the refusal)."""
    try:
        with unit_of_work(db.session):
            return change(), None
    except ServiceError as exc:
        return None, exc
