"""Validate OCDS releases and release packages against the official schemas and codelists.

The schemas are not kept in this repository: they come from the public repositories
open-contracting/standard (branch 1.1: schema/release-schema.json, release-package-schema.json,
record-package-schema.json, schema/codelists/) and cabinetoffice/ocds_uk_extension
(release-schema.json, extension.json, codelists/), laid out as ``standard-1.1/`` and
``uk-extension/`` in the folder ``TENDERFLOW_OCDS_SCHEMAS`` names, by default
``../shared/ocds-schemas`` beside the checkout. Where they are absent the tests that need them
are skipped, saying so.

The UK extension's release schema is a JSON Merge Patch (RFC 7386) on the core release
schema: it is applied before validating. Open codelists are not enforced by the schema, so
their values are checked here against the core codelists plus the extension's additions.
"""

from __future__ import annotations

import csv
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(
    os.environ.get("TENDERFLOW_OCDS_SCHEMAS")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "ocds-schemas"
)
CORE = SCHEMAS / "standard-1.1"
UK = SCHEMAS / "uk-extension"


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7386)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def require_schemas() -> None:
    """Skip the calling test, saying why, when the official schemas are not on this machine."""
    import pytest

    if not (CORE / "release-schema.json").exists() or not (UK / "release-schema.json").exists():
        pytest.skip(
            f"the official OCDS 1.1 schemas and the UK extension are not at {SCHEMAS} "
            "(set TENDERFLOW_OCDS_SCHEMAS; see tests/ocds_validation.py)"
        )


def _load(path: Path) -> Any:
    require_schemas()
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def release_schema() -> dict[str, Any]:
    """Return the core OCDS 1.1 release schema with the UK extension applied."""
    return merge_patch(_load(CORE / "release-schema.json"), _load(UK / "release-schema.json"))


@cache
def _validators() -> tuple[Draft4Validator, Draft4Validator]:
    release = release_schema()
    package = _load(CORE / "release-package-schema.json")
    registry = Registry().with_resource(release["id"], Resource(release, specification=DRAFT4))
    checker = FormatChecker()
    return (
        Draft4Validator(release, format_checker=checker, registry=registry),
        Draft4Validator(package, format_checker=checker, registry=registry),
    )


@cache
def codelist(name: str) -> frozenset[str]:
    """Return the codes of a codelist, the UK extension's additions included."""
    require_schemas()
    codes: set[str] = set()
    for path in (CORE / "codelists" / name, UK / "codelists" / f"+{name}", UK / "codelists" / name):
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                codes.update(row["Code"] for row in csv.DictReader(handle))
    return frozenset(codes)


def _codelist_problems(release: dict[str, Any]) -> list[str]:
    problems = []

    def check(where: str, value: Any, name: str) -> None:
        if value is not None and value not in codelist(name):
            problems.append(f"{where}: {value!r} is not in {name}")

    for party in release.get("parties", []):
        for role in party.get("roles", []):
            check(f"parties/{party['id']}/roles", role, "partyRole.csv")
    tender = release.get("tender", {})
    check("tender/awardCriteria", tender.get("awardCriteria"), "awardCriteria.csv")
    for item in tender.get("items", []):
        for c in [item.get("classification"), *item.get("additionalClassifications", [])]:
            if c:
                check(
                    "tender/items/classification/scheme",
                    c["scheme"],
                    "itemClassificationScheme.csv",
                )
    sections = [
        release.get("planning", {}),
        tender,
        *release.get("awards", []),
        *release.get("contracts", []),
    ]
    for section in sections:
        for document in section.get("documents", []):
            check("documents/documentType", document.get("documentType"), "documentType.csv")
    return problems


def release_problems(release: dict[str, Any]) -> list[str]:
    """Return every way ``release`` breaks the schemas or the codelists."""
    validator, _ = _validators()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(release)
    ]
    return errors + _codelist_problems(release)


def package_problems(package: dict[str, Any]) -> list[str]:
    """Return every way ``package`` breaks the release-package schema, its releases included."""
    _, validator = _validators()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(package)
    ]
    for release in package.get("releases", []):
        errors += _codelist_problems(release)
    return errors
