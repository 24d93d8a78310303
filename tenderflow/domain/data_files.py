"""The project's YAML data files, read and checked against their JSON Schemas the one way.

Rule sets, evaluation models, capital-bid matrices, the costing model and the contract-priority
matrix are all read here: the file's text, then its YAML, then a check against its schema
(JSON Schema draft 2020-12). A file that fails raises ``DataFileError`` (or the subclass the
caller names) listing every problem with where it is, after the file's name::

    rule_sets/pcr-2015.yaml: bands[1]: Additional properties are not allowed ('max' was unexpected)

Each module then checks what a schema cannot say, and raises the same error type.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tenderflow.paths import PROJECT_ROOT


class DataFileError(ValueError):
    """A data file cannot be read or breaks a rule; ``errors`` names each problem.

    The message is ``source: first problem; second problem`` (without ``source: `` when
    there is no file, as when checking data held in the database).
    """

    def __init__(self, errors: str | Sequence[str], source: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        self.source = source
        text = "; ".join(self.errors)
        super().__init__(f"{source}: {text}" if source else text)


def shown(path: Path) -> str:
    """Name a file as messages do: relative to the project when inside it, else in full."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def read_text(
    path: Path, *, source: str | None = None, error: type[DataFileError] = DataFileError
) -> str:
    """Return a file's text, or raise ``error``: "<source>: cannot be read (<reason>)"."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _one_line(exc)
        raise error([f"cannot be read ({reason})"], source or shown(path)) from None


def parse_yaml(
    text: str, *, source: str | None = None, error: type[DataFileError] = DataFileError
) -> Any:
    """Return YAML text's data, or raise ``error``: "cannot be read as YAML (<reason>)"."""
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date, say
        raise error([f"cannot be read as YAML ({_one_line(exc)})"], source) from None


@lru_cache(maxsize=16)
def _validator(schema: Path) -> Any:
    return jsonschema.Draft202012Validator(json.loads(schema.read_text(encoding="utf-8")))


def where(path: Sequence[Any]) -> str:
    """Write a location in the data as messages do: ``sections[0].criteria[1]``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _text(error: Any) -> str:
    """Write one schema error as "where: what is wrong" (just what, at the top level)."""
    message = error.message
    if error.validator in ("oneOf", "anyOf") and "description" in error.schema:
        # "Not valid under any of the given schemas" helps nobody: say what is wanted.
        message = f"{error.instance!r} is not valid: {error.schema['description'].rstrip('.')}"
    elif error.context:
        # Otherwise report the choice that came nearest, where it went wrong.
        error = jsonschema.exceptions.best_match([error])
        message = error.message
    place = where(error.absolute_path)
    return f"{place}: {message}" if place else message


def schema_errors(
    data: Any, schema: Path | None, *, what: str = "file", best_first: bool = False
) -> list[str]:
    """Return every way ``data`` breaks ``schema``, each after where it is, in text order.

    With ``best_first`` the problem that jsonschema ranks most relevant leads (a missing
    ``name`` before the keys after it), for messages that people read from the start.
    Data that is not a mapping is refused before the schema is consulted: "the <what> must be
    a YAML mapping of keys to values". With no schema, that is the only check.
    """
    if not isinstance(data, dict):
        return [f"the {what} must be a YAML mapping of keys to values"]
    if schema is None:
        return []
    errors = list(_validator(schema).iter_errors(data))
    found = sorted({_text(error) for error in errors})
    best = max(errors, key=jsonschema.exceptions.relevance, default=None) if best_first else None
    if best is not None:
        first = _text(best)
        found = [first, *(text for text in found if text != first)]
    return found


def check(
    data: Any,
    schema: Path | None,
    *,
    what: str = "file",
    source: str | None = None,
    error: type[DataFileError] = DataFileError,
    best_first: bool = False,
) -> dict[str, Any]:
    """Return ``data`` if it fits ``schema``, or raise ``error`` listing every problem."""
    problems = schema_errors(data, schema, what=what, best_first=best_first)
    if problems:
        raise error(problems, source)
    checked: dict[str, Any] = data
    return checked


def load(
    path: Path,
    schema: Path | None = None,
    *,
    what: str = "file",
    source: str | None = None,
    error: type[DataFileError] = DataFileError,
) -> dict[str, Any]:
    """Read a YAML file and check it against ``schema`` (if any); return its data.

    Problems are reported as ``error`` (a ``DataFileError``) naming ``source``, by default the
    file's path within the project.
    """
    source = source or shown(path)
    text = read_text(path, source=source, error=error)
    data = parse_yaml(text, source=source, error=error)
    return check(data, schema, what=what, source=source, error=error)
