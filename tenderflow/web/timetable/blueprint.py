"""The blueprint the timetable's pages and the award's governance pages share.

Both add their routes to it, so every endpoint is ``timetable.<name>``;
:mod:`tenderflow.web.timetable`, which the app registers, imports :mod:`tenderflow.web.timetable.award`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("timetable", __name__, url_prefix="/procurements")
