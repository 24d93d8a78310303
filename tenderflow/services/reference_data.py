"""Load the reference data (districts, service types, client groups) idempotently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain import data_files
from tenderflow.models import ClientGroup, District, ServiceType
from tenderflow.paths import REFERENCE_DATA_FILE


def read_reference_data() -> dict[str, Any]:
    """Return the reference data file's contents."""
    return data_files.load(REFERENCE_DATA_FILE)


def load_reference_data(session: Session) -> int:
    """Insert or update every reference record; return how many were added."""
    data = read_reference_data()
    added = 0
    existing_districts = {d.code: d for d in session.scalars(select(District))}
    for county, districts in data["districts"].items():
        for code, name in districts.items():
            district = existing_districts.get(code)
            if district is None:
                session.add(District(code=code, name=name, county=county))
                added += 1
            else:
                district.name, district.county = name, county
    for model, key in ((ServiceType, "service_types"), (ClientGroup, "client_groups")):
        existing = {r.code: r for r in session.scalars(select(model))}
        for code, name in data[key].items():
            if code in existing:
                existing[code].name = name
            else:
                session.add(model(code=code, name=name))
                added += 1
    session.flush()
    return added
