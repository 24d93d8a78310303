"""The busy pages are made once per person, per session, per minute, until anything is
written: the database's WRITES token changes in every commit that wrote through the ORM, in
any process, and each web process keeps what it rendered under it. The view's own checks and
audit entries, and each response's script nonce, are never kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tenderflow import audit, clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, DataVersion, Procurement
from tenderflow.services import computed
from tenderflow.services import procurements as procurements_service
from tenderflow.web import kept_pages
from tests.integration.conftest import sign_in_as
from tests.integration.world import procurement_input

REFERENCE = "TEST-FS-1"


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    kept_pages.KEPT.clear()
    yield
    kept_pages.KEPT.clear()


def token() -> str | None:
    return db.session.scalar(
        select(DataVersion.token).where(DataVersion.scope == computed.WRITES)
    )


def kept() -> tuple[int, int]:
    return kept_pages.KEPT.counts.hits, kept_pages.KEPT.counts.misses


def main(answer: Any) -> str:
    """The page's main content (the rest carries each response's own script nonce)."""
    text = answer.get_data(as_text=True)
    return text[text.index("<main") : text.index("</main>")]


def a_procurement(lead: Any) -> Procurement:
    procurement = procurements_service.create_procurement(
        db.session, procurement_input(lead_id=lead.id), lead, clock.now()
    )
    db.session.commit()
    return procurement


def test_every_committed_write_changes_the_writes_token_and_nothing_else_does(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    first = token()
    assert first is not None, "the commit that created the procurement set the token"

    db.session.scalar(select(Procurement.title))
    db.session.commit()
    assert token() == first, "a commit that only read leaves it"

    procurement.description = "Changed, then rolled back."
    db.session.flush()
    db.session.rollback()
    assert token() == first, "a rolled-back change leaves it"

    audit.viewed(db.session, "procurements", procurement.id, "Viewed: the bids", procurement.id)
    db.session.commit()
    assert token() == first, "an audit entry alone (a view) leaves it"

    procurement = db.session.get(Procurement, procurement.id)
    procurement.description = "Changed through the ORM."
    db.session.commit()
    second = token()
    assert second not in (None, first)

    db.session.execute(
        update(Procurement).where(Procurement.id == procurement.id).values(title="Bulk")
    )
    db.session.commit()
    assert token() not in (None, first, second), "an UPDATE statement changes it too"


def test_the_procurement_page_is_made_once_until_something_is_written(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD, name="Lee Lead")
    co_lead = make_user(Role.PROCUREMENT_LEAD, name="Cora Colead")
    a_procurement(lead)
    sign_in_as(client, lead)

    first = client.get(f"/procurements/{REFERENCE}")
    assert first.status_code == 200
    assert kept() == (0, 1)
    again = client.get(f"/procurements/{REFERENCE}")
    assert kept() == (1, 1), "asked again, nothing written: the kept page"
    assert main(again) == main(first)
    assert "No co-leads." in main(again) and "Remove Cora Colead" not in main(again)

    # The lead adds a co-lead through the page: the commit changes the token.
    added = client.post(
        f"/procurements/{REFERENCE}/co-leads",
        data={"user_id": str(co_lead.id)},
    )
    assert added.status_code == 302
    with_message = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
    assert "Remove Cora Colead" in with_message  # made afresh for its message
    after = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
    assert kept() == (1, 2), "made again after the write, not the page kept before it"
    assert "No co-leads." not in after and "Remove Cora Colead" in after


def test_a_change_in_another_process_is_seen_at_once(
    app: Any, client: Any, database_url: str, make_user: Callable[..., Any], tmp_path: Any
) -> None:
    from tenderflow import create_app
    from tests.integration.conftest import config_for

    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    sign_in_as(client, lead)
    assert "Generic floating support." in client.get(f"/procurements/{REFERENCE}").get_data(
        as_text=True
    )
    # Another process (a flow run, a second web worker) writes through its own app and engine.
    other = create_app({**config_for(database_url, tmp_path), "WEB_PAGES": False})
    with other.app_context():
        row = db.session.get(Procurement, procurement.id)
        row.description = "Changed by a flow run."
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    db.session.expire_all()
    page_text = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
    assert "Changed by a flow run." in page_text
    assert kept() == (0, 2)


def test_each_person_and_each_minute_has_their_own_page(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    make_user(Role.PROCUREMENT_LEAD)  # someone the lead could add as a co-lead
    other = make_user(Role.COMMISSIONING_BODY)
    a_procurement(lead)
    start = clock.now().replace(second=5, microsecond=0)
    app.config["FROZEN_NOW"] = start.isoformat()
    try:
        sign_in_as(client, lead)
        as_lead = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
        sign_in_as(client, other)
        as_other = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
        assert kept() == (0, 2), "the second person is not given the first's page"
        assert "Add a co-lead" in as_lead and "Add a co-lead" not in as_other

        app.config["FROZEN_NOW"] = (start + timedelta(seconds=50)).isoformat()
        client.get(f"/procurements/{REFERENCE}")
        assert kept() == (1, 2), "later in the same minute: kept"
        app.config["FROZEN_NOW"] = (start + timedelta(seconds=60)).isoformat()
        client.get(f"/procurements/{REFERENCE}")
        assert kept() == (1, 3), "the next minute: made again, for what time has brought"
    finally:
        app.config.pop("FROZEN_NOW", None)


def test_each_answer_has_its_own_nonce_and_a_waiting_message_is_shown(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    a_procurement(lead)
    sign_in_as(client, lead)
    nonces = []
    for _ in range(2):
        answer = client.get(f"/procurements/{REFERENCE}")
        nonce = re.search(r'<script nonce="([^"]+)"', answer.get_data(as_text=True)).group(1)
        assert f"'nonce-{nonce}'" in answer.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert kept() == (1, 1) and nonces[0] != nonces[1]

    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Co-lead removed.")]
    shown = client.get(f"/procurements/{REFERENCE}").get_data(as_text=True)
    assert "Co-lead removed." in shown
    assert kept() == (1, 1), "a page with a message waiting is made afresh, and not kept"
    assert "Co-lead removed." not in client.get(f"/procurements/{REFERENCE}").get_data(
        as_text=True
    )


def test_a_kept_page_still_audits_each_view_and_refuses_everyone_else(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    other_lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)

    def audited(action: str) -> int:
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == action, AuditEvent.procurement_id == procurement.id
            )
        )

    sign_in_as(client, lead)
    for _ in range(2):
        assert client.get(f"/procurements/{REFERENCE}/bids").status_code == 200
    assert kept() == (1, 1)
    assert audited("viewed") == 2, "the view of the bids is audited when the page is kept too"

    sign_in_as(client, other_lead)
    assert client.get(f"/procurements/{REFERENCE}/bids").status_code == 404
    assert audited("refused") == 1
    assert kept() == (1, 1), "refused before any page is asked for"


def test_the_priority_list_page_is_kept_until_a_capital_score_is_recorded(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    from tests.integration.capital_world import score, two_schemes

    world = two_schemes(make_user)
    sign_in_as(client, world.admin)
    url = f"/capital/rounds/{world.round.id}/priority-list"

    def ranked() -> list[str]:
        text = main(client.get(url))
        return sorted(
            (name for name in ("Wisbech foyer", "March flats") if name in text),
            key=text.index,
        )

    assert ranked() == ["Wisbech foyer"]
    assert ranked() == ["Wisbech foyer"] and kept() == (1, 1)
    score(world.flats, world.scorer, 5, 5, 5, 5, 5)  # recorded by a scorer: March flats leads
    assert ranked() == ["March flats", "Wisbech foyer"] and kept() == (1, 2)
