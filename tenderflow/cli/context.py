"""Run command-line work inside the app, acting as a named system user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from tenderflow import audit


@contextmanager
def app_context(actor: str = "command line") -> Iterator[Flask]:
    """Create the app, push its context, and attribute changes to ``actor``.

    The production checks that stop the web app from starting are skipped here, so an
    operator can still migrate, back up or mend what those checks name.
    """
    from tenderflow import create_app

    app = create_app({"SKIP_PRODUCTION_CHECKS": True})
    with app.app_context(), audit.acting_as(actor):
        yield app
