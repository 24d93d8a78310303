"""The SP team's score sheet and agreement form, generated from the matrix, and their checks.

A score sheet asks for a pass or fail on each gateway that applies to the scheme and, when all
pass, a score on the scale for every criterion with a comment. A failed gateway needs a comment
saying why, and the criteria are then not scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tenderflow.domain.capital.forms import GATEWAY_SECTION, Section
from tenderflow.domain.capital.matrix import CapitalMatrix, Criterion, Field, Gateway, Option, snake
from tenderflow.domain.capital.scoring import Flag

PASS_FAIL = (Option("pass", "Pass"), Option("fail", "Fail"))
COMMENT_LIMIT = 3000


def result_field(gateway: Gateway) -> str:
    return f"pass_{snake(gateway.id)}"


def score_field(criterion: Criterion) -> str:
    return f"score_{snake(criterion.id)}"


def comment_field(item_id: str) -> str:
    return f"comment_{snake(item_id)}"


def _comment(item_id: str, label: str, required: str, hint: str | None = None) -> Field:
    return Field(
        id=comment_field(item_id),
        section="",
        label=label,
        hint=hint,
        type="textarea",
        max_length=COMMENT_LIMIT,
        errors={
            "required": required,
            "too_long": f"Comment must be {COMMENT_LIMIT:,} characters or fewer",
        },
        about=item_id,
    )


def _scale_options(matrix: CapitalMatrix, criterion: Criterion) -> tuple[Option, ...]:
    return tuple(
        Option(str(point), str(point), criterion.descriptors.get(point)) for point in matrix.scale
    )


def score_sheet_sections(matrix: CapitalMatrix, gateways: Sequence[Gateway]) -> list[Section]:
    """Return the score sheet's questions: the applicable gateways, then each criterion."""
    sections = []
    if gateways:
        items: list[Field] = []
        for gateway in gateways:
            items.append(
                Field(
                    id=result_field(gateway),
                    section=GATEWAY_SECTION,
                    label=gateway.title,
                    hint=gateway.question,
                    type="choice",
                    widget="radios",
                    options=PASS_FAIL,
                    errors={"required": f"Select pass or fail for {gateway.title.lower()}"},
                    about=gateway.id,
                )
            )
            items.append(
                _comment(
                    gateway.id,
                    f"Comment on {gateway.title.lower()}",
                    f"Enter why the scheme fails: {gateway.title.lower()}",
                    hint="Needed if the scheme fails this gateway",
                )
            )
        sections.append(Section(GATEWAY_SECTION, tuple(items)))
    for criterion in matrix.criteria:
        score = Field(
            id=score_field(criterion),
            section=criterion.title,
            label=f"Score for {criterion.title}",
            hint=criterion.guidance,
            type="choice",
            widget="radios",
            options=_scale_options(matrix, criterion),
            errors={"required": f"Select a score for {criterion.title}"},
            about=criterion.id,
        )
        comment = _comment(
            criterion.id,
            f"Comment on the {criterion.title} score",
            f"Enter a comment on the {criterion.title} score",
        )
        sections.append(Section(f"{criterion.title} ({criterion.weight} points)", (score, comment)))
    return sections


@dataclass(frozen=True)
class SheetCheck:
    """A checked score sheet: gateway results, scores and comments, or the problems found."""

    gateways: dict[str, bool] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def check_score_sheet(
    matrix: CapitalMatrix, gateways: Sequence[Gateway], answers: Mapping[str, Any]
) -> SheetCheck:
    """Check a score sheet; criteria are needed only when every gateway passes."""
    result = SheetCheck()
    for gateway in gateways:
        name = result_field(gateway)
        answer = _text(answers.get(name)).lower()
        comment = _text(answers.get(comment_field(gateway.id)))
        if answer not in ("pass", "fail"):
            result.errors[name] = f"Select pass or fail for {gateway.title.lower()}"
            continue
        result.gateways[gateway.id] = answer == "pass"
        if answer == "fail" and not comment:
            result.errors[comment_field(gateway.id)] = (
                f"Enter why the scheme fails: {gateway.title.lower()}"
            )
        if comment:
            result.comments[gateway.id] = comment[:COMMENT_LIMIT]
    if any(passed is False for passed in result.gateways.values()):
        return result
    for criterion in matrix.criteria:
        name = score_field(criterion)
        text = _text(answers.get(name))
        if not text.isdigit() or int(text) not in matrix.scale:
            result.errors[name] = f"Select a score for {criterion.title}"
        else:
            result.scores[criterion.id] = int(text)
        comment = _text(answers.get(comment_field(criterion.id)))
        if not comment:
            result.errors[comment_field(criterion.id)] = (
                f"Enter a comment on the {criterion.title} score"
            )
        elif len(comment) > COMMENT_LIMIT:
            result.errors[comment_field(criterion.id)] = (
                f"Comment must be {COMMENT_LIMIT:,} characters or fewer"
            )
        else:
            result.comments[criterion.id] = comment
    return result


def agreement_fields(matrix: CapitalMatrix, flags: Sequence[Flag]) -> list[Section]:
    """Return a question for each flag: the agreed score (or result) and the reason for it."""
    sections = []
    for flag in flags:
        options: tuple[Option, ...]
        if flag.kind == "gateway":
            gateway = matrix.gateway(flag.item)
            title, options = gateway.title, PASS_FAIL
            label = f"Agreed result for {gateway.title.lower()}"
        else:
            criterion = matrix.criterion(flag.item)
            title, options = criterion.title, _scale_options(matrix, criterion)
            label = f"Agreed score for {criterion.title}"
        choice = Field(
            id=f"agreed_{snake(flag.item)}",
            section=title,
            label=label,
            type="choice",
            widget="radios",
            options=options,
            errors={
                "required": f"Select the agreed {'result' if flag.kind == 'gateway' else 'score'} for {title}"
            },
            about=flag.item,
        )
        reason = _comment(
            flag.item,
            "Why the scorers agreed this",
            f"Enter why the scorers agreed this for {title}",
        )
        sections.append(Section(title, (choice, reason)))
    return sections


@dataclass(frozen=True)
class AgreedAnswer:
    item: str
    kind: str
    score: int | None
    passed: bool | None
    rationale: str


def check_agreement(
    matrix: CapitalMatrix, flags: Sequence[Flag], answers: Mapping[str, Any]
) -> tuple[list[AgreedAnswer], dict[str, str]]:
    """Check the agreement form: every flag needs an agreed answer and a reason."""
    agreed: list[AgreedAnswer] = []
    errors: dict[str, str] = {}
    for section, flag in zip(agreement_fields(matrix, flags), flags, strict=True):
        choice, reason = section.fields
        value = _text(answers.get(choice.id)).lower()
        rationale = _text(answers.get(reason.id))
        valid = {o.value for o in choice.options}
        if value not in valid:
            errors[choice.id] = choice.errors["required"]
        if not rationale:
            errors[reason.id] = reason.errors["required"]
        elif len(rationale) > COMMENT_LIMIT:
            errors[reason.id] = reason.errors["too_long"]
        if choice.id in errors or reason.id in errors:
            continue
        if flag.kind == "gateway":
            agreed.append(AgreedAnswer(flag.item, "gateway", None, value == "pass", rationale))
        else:
            agreed.append(AgreedAnswer(flag.item, "criterion", int(value), None, rationale))
    return agreed, errors
