"""The CPV and ITL codes the notices may use, read from ``tenderflow/notice_codes.yaml``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CODES_FILE = Path(__file__).resolve().parent.parent / "notice_codes.yaml"
CPV_PATTERN = re.compile(r"^\d{8}-\d$")


@cache
def _codes() -> dict[str, Any]:
    with CODES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def cpv_codes() -> dict[str, str]:
    """Return the CPV codes offered, code to title."""
    return {str(k): str(v) for k, v in _codes()["cpv"]["codes"].items()}


def itl_regions() -> dict[str, str]:
    """Return the ITL regions offered, code to name."""
    return {str(k): str(v) for k, v in _codes()["itl"]["codes"].items()}

