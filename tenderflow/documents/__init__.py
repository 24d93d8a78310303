"""Word documents: plain content built from inputs, then written with python-docx.

No Flask, SQLAlchemy or Prefect here: callers build a ``content.Document`` and pass it to
``writer.write_docx``.
"""

from tenderflow.documents.feedback import FeedbackRules, feedback_rules
from tenderflow.documents.templates import (
    DEFAULT_TEMPLATE,
    REQUIRED_STYLES,
    TemplateError,
    check_template,
    missing_styles,
)
from tenderflow.documents.writer import render_docx, write_docx

__all__ = [
    "DEFAULT_TEMPLATE",
    "REQUIRED_STYLES",
    "FeedbackRules",
    "TemplateError",
    "check_template",
    "feedback_rules",
    "missing_styles",
    "render_docx",
    "write_docx",
]
