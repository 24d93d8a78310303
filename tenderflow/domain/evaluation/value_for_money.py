"""Value-for-money checks from the costing model in ``scoring_matrices/costing-model.yaml``.

A bid's hourly rate is checked against the hourly cap, and its contact hours per person per
week against the service type's maximum and target range. A price far below the other
compliant bids is flagged as possibly abnormally low: a prompt to investigate, never a
rejection.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files
from tenderflow.domain.data_files import DataFileError
from tenderflow.domain.evaluation.model import plain
from tenderflow.domain.evaluation.records import BidPrice
from tenderflow.domain.money import format_gbp, parse_money
from tenderflow.paths import SCORING_MATRICES_DIR

COSTING_MODEL_PATH = SCORING_MATRICES_DIR / "costing-model.yaml"
SCHEMA_PATH = SCORING_MATRICES_DIR / "costing-model.schema.json"


class CostingModelError(DataFileError):
    """The costing model is malformed, or a service type is unknown."""


@dataclass(frozen=True)
class ServiceType:
    """A type of service with its contact hours per person per week."""

    code: str
    title: str
    group: str
    maximum_hours: Decimal
    target_from: Decimal
    target_to: Decimal
    note: str | None = None


@dataclass(frozen=True)
class CostingModel:
    """The hourly cap, the abnormally-low rule and the service types, by code."""

    name: str
    title: str
    hourly_rate_cap: Decimal
    abnormally_low_percent: Decimal
    compared_with: str  # "mean" or "median" of the other compliant bids
    service_types: Mapping[str, ServiceType]

    def service_type(self, code: str) -> ServiceType:
        """Return service type ``code``, or raise CostingModelError listing the codes."""
        try:
            return self.service_types[code]
        except KeyError:
            codes = ", ".join(self.service_types)
            raise CostingModelError(f"unknown service type {code!r}: choose from {codes}") from None


@dataclass(frozen=True)
class Finding:
    """One value-for-money finding about a bid."""

    bidder: str | None
    code: str  # over-cap, over-maximum, below-target, above-target, ok, abnormally-low
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {"bidder": self.bidder, "code": self.code, "message": self.message}


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))  # str() keeps YAML's 15.5 as written


def load_costing_model(path: Path | None = None) -> CostingModel:
    """Load and check the costing model (by default the one in ``scoring_matrices``)."""
    path = path or COSTING_MODEL_PATH
    text = data_files.read_text(path, source=path.name, error=CostingModelError)
    return _costing_model(text, path.name)


@lru_cache(maxsize=8)
def _costing_model(text: str, name: str) -> CostingModel:
    # Keyed on the file's text, so a changed file is read afresh; the model is immutable.
    data = data_files.parse_yaml(text, source=name, error=CostingModelError)
    data = data_files.check(
        data,
        SCHEMA_PATH,
        what="costing model",
        source=name,
        error=CostingModelError,
        best_first=True,
    )
    service_types: dict[str, ServiceType] = {}
    for group in data["groups"]:
        for item in group["service_types"]:
            target = item["target_hours"]
            service = ServiceType(
                code=item["code"],
                title=item["title"],
                group=group["title"],
                maximum_hours=_decimal(item["maximum_hours"]),
                target_from=_decimal(target["from"]),
                target_to=_decimal(target["to"]),
                note=item.get("note"),
            )
            if service.code in service_types:
                raise CostingModelError(f"service type {service.code!r} appears twice", name)
            if not service.target_from <= service.target_to <= service.maximum_hours:
                raise CostingModelError(
                    f"{service.code}: the target range must run upwards and not exceed the maximum",
                    name,
                )
            service_types[service.code] = service
    return CostingModel(
        name=data["name"],
        title=data["title"],
        hourly_rate_cap=Decimal(data["hourly_rate_cap"]),
        abnormally_low_percent=_decimal(data["abnormally_low"]["percent_below"]),
        compared_with=data["abnormally_low"]["compared_with"],
        service_types=service_types,
    )


def _hours(value: Decimal) -> str:
    return plain(value)


def check_bid(
    costing: CostingModel,
    *,
    hourly_rate: Decimal | None,
    contact_hours: Decimal | None,
    service_type: str | None,
    bidder: str | None = None,
) -> list[Finding]:
    """Check a bid's hourly rate against the cap and its contact hours against the service type."""
    found: list[Finding] = []
    checked: list[str] = []
    if hourly_rate is not None:
        cap = costing.hourly_rate_cap
        checked.append(f"hourly rate {format_gbp(hourly_rate)} within the {format_gbp(cap)} cap")
        if hourly_rate > cap:
            found.append(
                Finding(
                    bidder,
                    "over-cap",
                    f"Hourly rate {format_gbp(hourly_rate)} is over the {format_gbp(cap)} per "
                    "hour cap",
                )
            )
    if contact_hours is not None and service_type is not None:
        found += _check_hours(costing.service_type(service_type), contact_hours, bidder, checked)
    if not found and checked:
        found.append(Finding(bidder, "ok", f"Within the costing model: {'; '.join(checked)}"))
    return found


def _check_hours(
    service: ServiceType, hours: Decimal, bidder: str | None, checked: list[str]
) -> list[Finding]:
    given = f"{_hours(hours)} contact hours per person per week"
    target = f"{_hours(service.target_from)}-{_hours(service.target_to)}"
    where = f"for {service.title.lower()}"
    checked.append(f"{given} within the target of {target} {where}")
    note = f" (the costing model notes: {service.note})" if service.note else ""
    if hours > service.maximum_hours:
        maximum = _hours(service.maximum_hours)
        return [
            Finding(bidder, "over-maximum", f"{given} is over the maximum of {maximum} {where}")
        ]
    if hours < service.target_from:
        return [
            Finding(
                bidder, "below-target", f"{given} is below the target of {target} {where}{note}"
            )
        ]
    if hours > service.target_to:
        return [Finding(bidder, "above-target", f"{given} is above the target of {target} {where}")]
    return []


def abnormally_low_prices(
    prices: Mapping[str, Decimal], percent: Decimal, compared_with: str = "mean"
) -> list[Finding]:
    """Flag each price more than ``percent`` below the mean (or median) of the other prices."""
    found = []
    for bidder, price in prices.items():
        others = [p for b, p in prices.items() if b != bidder]
        if not others:
            continue
        average = (
            statistics.median(others) if compared_with == "median" else statistics.mean(others)
        )
        if price < average * (1 - percent / 100):
            below = (1 - price / average) * 100
            found.append(
                Finding(
                    bidder,
                    "abnormally-low",
                    f"Price {format_gbp(price)} is {below:.1f}% below the {compared_with} of the "
                    f"other compliant bids ({format_gbp(average)}): possibly abnormally low: "
                    "investigate before rejecting",
                )
            )
    return found


def _amount(price: Decimal | str) -> Decimal:
    return parse_money(price) if isinstance(price, str) else price


def value_for_money_checks(
    costing: CostingModel,
    prices: Sequence[BidPrice],
    compliant: Iterable[str],
    *,
    service_type: str | None = None,
    abnormally_low_percent: Decimal | None = None,
) -> list[Finding]:
    """Run every check on the bids: costing figures for each bid, low prices among compliant ones."""
    if service_type is not None:
        costing.service_type(service_type)  # an unknown code is an error even with no hours given
    found: list[Finding] = []
    for bid in prices:
        found += check_bid(
            costing,
            hourly_rate=bid.hourly_rate,
            contact_hours=bid.contact_hours,
            service_type=service_type,
            bidder=bid.bidder,
        )
    allowed = set(compliant)
    percent = abnormally_low_percent or costing.abnormally_low_percent
    among = {bid.bidder: _amount(bid.price) for bid in prices if bid.bidder in allowed}
    return found + abnormally_low_prices(among, percent, costing.compared_with)
