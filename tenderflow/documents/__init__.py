"""Word documents: plain content built from inputs, then written with python-docx.

No Flask, SQLAlchemy or Prefect here: callers load the data, build the inputs in ``inputs``,
call a builder, and pass the resulting ``content.Document`` to ``writer.write_docx``.
"""

from tenderflow.documents.assessment_summary import build_assessment_summaries
from tenderflow.documents.committee_report import build_committee_report
from tenderflow.documents.evaluation_report import build_evaluation_report
from tenderflow.documents.feedback import FeedbackRules, feedback_rules
from tenderflow.documents.pdf import PdfConversionError, convert_to_pdf, pdf_page_count, pdf_text
from tenderflow.documents.procurement_plan import build_procurement_plan
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
    "PdfConversionError",
    "TemplateError",
    "build_assessment_summaries",
    "build_committee_report",
    "build_evaluation_report",
    "build_procurement_plan",
    "check_template",
    "convert_to_pdf",
    "feedback_rules",
    "missing_styles",
    "pdf_page_count",
    "pdf_text",
    "render_docx",
    "write_docx",
]
