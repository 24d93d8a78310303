"""Where the project's data, templates and instance files live."""

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
RULE_SETS_DIR = PROJECT_ROOT / "rule_sets"
SCORING_MATRICES_DIR = PROJECT_ROOT / "scoring_matrices"
INSTANCE_DIR = PROJECT_ROOT / "instance"
REFERENCE_DATA_FILE = Path(__file__).resolve().parent / "reference_data.yaml"


def logs_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Return where `tenderflow run` keeps the workflow server's and the worker's logs."""
    return Path(env.get("TENDERFLOW_LOG_DIR") or INSTANCE_DIR / "logs")
