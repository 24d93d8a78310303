"""The CPV and ITL codes the notices may use, read from ``tenderflow/notice_codes.yaml``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files

CODES_FILE = Path(__file__).resolve().parent.parent / "notice_codes.yaml"
CPV_PATTERN = re.compile(r"^\d{8}-\d$")


@cache
def _codes() -> dict[str, Any]:
    return data_files.load(CODES_FILE)


def cpv_codes() -> dict[str, str]:
    """Return the CPV codes offered, code to title."""
    return {str(k): str(v) for k, v in _codes()["cpv"]["codes"].items()}


def itl_regions() -> dict[str, str]:
    """Return the ITL regions offered, code to name."""
    return {str(k): str(v) for k, v in _codes()["itl"]["codes"].items()}
