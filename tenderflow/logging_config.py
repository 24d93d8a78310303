"""Logging for a served app: application logs and the access log go to standard output."""

from __future__ import annotations

import logging.config
import os

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logging_settings(level: str | None = None) -> dict[str, object]:
    """Return the dictConfig settings: one handler on standard output, the access log bare."""
    chosen = (level or os.environ.get("TENDERFLOW_LOG_LEVEL") or "INFO").upper()
    if chosen not in logging.getLevelNamesMapping():
        raise ValueError(
            f"TENDERFLOW_LOG_LEVEL must be a logging level such as INFO, not {chosen!r}"
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "app": {"format": FORMAT},
            # The combined format carries its own date and time.
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "app",
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "access",
            },
        },
        "loggers": {
            "tenderflow.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["stdout"], "level": chosen},
    }


def configure_logging(level: str | None = None) -> None:
    """Send application logs (at ``TENDERFLOW_LOG_LEVEL``, default INFO) and the access log to
    standard output."""
    logging.config.dictConfig(logging_settings(level))
