"""The busiest pages, made once while nothing is written: home, the procurement page, its
bids, an evaluator's scoring page, moderation, the results and the capital priority list.

A page asked again by the same person, in the same session, in the same minute, with nothing
written to the database since, is the same page. Each web process keeps what it rendered
under the database's :data:`~tenderflow.services.computed.WRITES` token, which every
committed write through the ORM changes, in any process (a flow run, another web worker).
The minute is in the key because a page also says what time has brought (a deadline passed,
a milestone overdue); it also bounds how long a page is kept, were the database changed some
other way than through the app (an operator's SQL).

What each response must have of its own is never kept:

- the script nonce (the Content-Security-Policy's), put back into each answer;
- the checks and audit entries of the view: it runs them before asking for the page, so a
  refusal is refused and a view of commercial information audited on every request;
- messages waiting to be shown (a page with one is made afresh), and anything but a GET.

Nothing is shared between people: the key holds the person, their session's version and
its CSRF secret (the page's forms carry a token made from it), and the address asked.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tenderflow import audit, clock
from tenderflow.extensions import db
from tenderflow.services import computed
from tenderflow.web.headers import csp_nonce

# A page is kept for a minute at most; this many are enough for a hundred people at work at
# once, five pages each (a page is 5 to 30 KB).
KEPT = computed.ComputedCache(size=512)
# Stands for the nonce in a kept page; no page shows this text.
NONCE = "\x00csp-nonce\x00"


def token() -> str | None:
    """Return the writes token: read it before the view reads any data for the page."""
    return computed.data_version(db.session, computed.WRITES)


def page(written: str | None, render: Callable[[], str]) -> str:
    """Return ``render()``, or the page it gave this person before under the token ``written``."""
    if written is None or request.method != "GET" or session.get("_flashes"):
        return render()
    generate_csrf()  # the session's CSRF secret exists before it is read into the key
    key = (
        request.host,
        request.full_path,
        current_user.id,
        current_user.session_version,
        session.get("csrf_token"),
        clock.now().replace(second=0, microsecond=0),
        written,
    )
    nonce = csp_nonce()

    def make() -> str:
        return render().replace(nonce, NONCE)

    # A page that wrote while it was made (or left an audit entry) is made on every request.
    html = KEPT.get_or_compute(key, make, keep=lambda _: not audit.writing(db.session))
    return html.replace(NONCE, nonce)
