"""The regional capital-bid matrix: gateway questions, weighted criteria and the form's fields.

A matrix is YAML checked against ``scoring_matrices/capital-matrix.schema.json`` and then for
the rules a schema cannot express (see ``matrix_loading``). A round keeps the matrix it was
opened with, so its ``data`` and ``fingerprint`` travel with the round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tenderflow.domain.data_files import DataFileError

TOTAL_WEIGHT = 100
DEFAULT_SPREAD_FLAG = 2

FIELD_TYPES = ("text", "textarea", "number", "money", "date", "choice", "district", "attachments")

# The fields the service relies on (to list, rank and filter schemes), with the types allowed.
CORE_FIELDS: dict[str, tuple[str, ...]] = {
    "scheme_name": ("text",),
    "district": ("district",),
    "provider": ("text",),
    "client_group": ("choice",),
    "service_type": ("choice",),
    "units": ("number",),
    "capital_sought": ("money",),
    "capital_source": ("choice", "text"),
    "revenue_per_year": ("money",),
    "start_date": ("date",),
}


class MatrixError(DataFileError):
    """A capital-bid matrix breaks a rule; ``errors`` names each rule broken."""


def snake(identifier: str) -> str:
    """Turn a criterion or gateway id such as ``evidence-of-need`` into ``evidence_of_need``."""
    return identifier.replace("-", "_")


@dataclass(frozen=True)
class Option:
    """One answer a choice field offers."""

    value: str
    label: str
    hint: str | None = None


@dataclass(frozen=True)
class Field:
    """A question on the district's form; ``errors`` maps each failed check to its message."""

    id: str
    section: str
    label: str
    type: str
    errors: Mapping[str, str]
    hint: str | None = None
    required: bool = True
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    width: str | None = None
    widget: str | None = None
    options: tuple[Option, ...] = ()
    max_files: int | None = None
    max_size_mb: int | None = None
    file_types: tuple[str, ...] = ()
    # Only for the questions made from gateways and criteria: when the question is asked,
    # and which gateway or criterion it belongs to.
    applies_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    about: str | None = None

    def option_label(self, value: str) -> str:
        """Return the label of the option ``value``, or the value itself if unknown."""
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class Gateway:
    """A pass/fail question; it may apply only to some schemes (see ``applies_when``)."""

    id: str
    title: str
    question: str
    details_label: str
    errors: Mapping[str, str]
    hint: str | None = None
    details_max_length: int | None = None
    applies_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    applies_hint: str | None = None

    @property
    def answer_field(self) -> str:
        """The form field holding the district's yes or no."""
        return f"gateway_{snake(self.id)}"

    @property
    def details_field(self) -> str:
        """The form field holding the district's explanation."""
        return f"gateway_{snake(self.id)}_details"

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Say whether the gateway applies to a scheme with these answers."""
        return all(answers.get(name) in values for name, values in self.applies_when.items())

    def condition_text(self, fields: Mapping[str, Field]) -> str | None:
        """Describe when the gateway applies, in the matrix's words or from its condition."""
        if not self.applies_when:
            return None
        if self.applies_hint:
            return self.applies_hint
        parts = []
        for name, values in self.applies_when.items():
            question = fields[name]
            labels = " or ".join(question.option_label(v) for v in values)
            parts.append(f"{question.label.rstrip('?')}: {labels}")
        return "Only when " + "; ".join(parts) + "."


@dataclass(frozen=True)
class Evidence:
    """What the form asks the district for under one criterion."""

    label: str
    errors: Mapping[str, str]
    hint: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Criterion:
    """A scored criterion: ``weight`` points out of 100, a descriptor for each point."""

    id: str
    title: str
    weight: int
    guidance: str
    evidence: Evidence
    descriptors: Mapping[int, str]

    @property
    def evidence_field(self) -> str:
        """The form field holding the district's evidence for this criterion."""
        return f"criterion_{snake(self.id)}"


@dataclass(frozen=True)
class RoundRules:
    """When reminders go out and when the pipeline is reviewed."""

    reminder_days: tuple[int, ...] = (14, 7, 2)
    pipeline_reviews: tuple[tuple[int, int], ...] = ((4, 1), (10, 1))


@dataclass(frozen=True)
class CapitalMatrix:
    """A checked capital-bid matrix."""

    name: str
    title: str
    scale_min: int
    scale_max: int
    gateways: tuple[Gateway, ...]
    criteria: tuple[Criterion, ...]
    fields: tuple[Field, ...]
    data: Mapping[str, Any]
    fingerprint: str
    spread_flag: int = DEFAULT_SPREAD_FLAG
    tie_break: tuple[str, ...] = ()
    rules: RoundRules = RoundRules()
    version: str | None = None
    description: str | None = None

    def criterion(self, criterion_id: str) -> Criterion:
        """Return the criterion with this id, or raise KeyError."""
        for item in self.criteria:
            if item.id == criterion_id:
                return item
        raise KeyError(criterion_id)

    def gateway(self, gateway_id: str) -> Gateway:
        """Return the gateway with this id, or raise KeyError."""
        for item in self.gateways:
            if item.id == gateway_id:
                return item
        raise KeyError(gateway_id)

    @property
    def fields_by_id(self) -> dict[str, Field]:
        """Every declared field, by id."""
        return {f.id: f for f in self.fields}

    def field(self, field_id: str) -> Field:
        """Return the declared field with this id, or raise KeyError."""
        return self.fields_by_id[field_id]

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def gateway_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.gateways)

    @property
    def scale(self) -> range:
        """The whole points of the scale."""
        return range(self.scale_min, self.scale_max + 1)

    def scale_label(self) -> str:
        return f"{self.scale_min} to {self.scale_max}"

    def weighted(self, criterion: Criterion, score: Decimal | Fraction) -> Fraction:
        """Return a criterion's contribution to the total, exactly: weight x score / scale max."""
        return Fraction(criterion.weight) * Fraction(score) / self.scale_max

    def applicable_gateways(self, answers: Mapping[str, Any]) -> tuple[Gateway, ...]:
        """Return the gateways that apply to a scheme with these answers."""
        return tuple(g for g in self.gateways if g.applies(answers))
