"""Published notices as open data: a release package of every published notice, and records.

These are public: they hold only what the council has already published on Find a Tender or
Contracts Finder (a notice appears here once its publication is recorded), as OCDS asks.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for

from tenderflow import clock
from tenderflow.domain.ocds import OCDS_VERSION, UK_EXTENSION, release_package
from tenderflow.extensions import db
from tenderflow.services import contracts, notices
from tenderflow.services.contracts import ocds as contract_ocds
from tenderflow.services.notices import open_data
from tenderflow.web.access import public

bp = Blueprint("ocds", __name__, url_prefix="/ocds")

PAGE_SIZE = 100
PUBLISHER = "tenderflow"


def _page() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(404)
    if page < 1:
        abort(404)
    return page


@bp.route("/releases.json")
@public
def releases() -> Any:
    page = _page()
    found, total = open_data.published_releases(db.session, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    if page > 1 and not found:
        abort(404)
    if not found:
        # A release package holds at least one release: with nothing published yet, say so.
        return jsonify({"error": "no notice has been published yet"}), 404
    package = release_package(
        found,
        uri=url_for("ocds.releases", page=page, _external=True),
        publisher=PUBLISHER,
        published=clock.today(),
    )
    links: dict[str, str] = {}
    if page * PAGE_SIZE < total:
        links["next"] = url_for("ocds.releases", page=page + 1, _external=True)
    if page > 1:
        links["prev"] = url_for("ocds.releases", page=page - 1, _external=True)
    if links:
        package["links"] = links
    return jsonify(package)


@bp.route("/records/<ocid>.json")
@public
def record(ocid: str) -> Any:
    procurement = notices.procurement_by_ocid(db.session, ocid)
    if procurement is not None:
        compiled = open_data.compiled_record(db.session, procurement)
    else:
        contract = contract_ocds.contract_by_ocid(db.session, ocid)
        compiled = contract_ocds.contract_record(db.session, contract) if contract else None
    if compiled is None:
        abort(404)
    return jsonify(
        {
            "uri": url_for("ocds.record", ocid=ocid, _external=True),
            "version": OCDS_VERSION,
            "extensions": [UK_EXTENSION],
            "publisher": {"name": PUBLISHER},
            "publishedDate": f"{clock.today().isoformat()}T00:00:00Z",
            "records": [compiled],
        }
    )


@bp.route("/contracts/<reference>/releases.json")
@public
def contract_releases(reference: str) -> Any:
    """The published contract performance, change and termination notices of one contract."""
    contract = contracts.get_by_reference(db.session, reference)
    if contract is None:
        abort(404)
    found = contract_ocds.contract_releases(db.session, contract)
    if not found:
        return jsonify({"error": "no notice about this contract has been published yet"}), 404
    return jsonify(
        release_package(
            found,
            uri=url_for("ocds.contract_releases", reference=reference, _external=True),
            publisher=PUBLISHER,
            published=clock.today(),
        )
    )
