"""The web app for a WSGI server: `gunicorn tenderflow.wsgi:app` (as `tenderflow serve` runs it)."""

from __future__ import annotations

from tenderflow import create_app

app = create_app()
