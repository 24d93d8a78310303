"""Messages reach people by email: a real SMTP relay and a stand-in for GOV.UK Notify's API.

Messages are made by the services that make them in use (a stage move, the deadline watcher,
a capital round opening), then the delivery workflow sends them; the tests read what arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain import messages as rules
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import OutboxMessage
from tenderflow.services.capital.rounds import send_opening_notices
from tenderflow.services.email import delivery, outbox, preferences
from tests.integration.capital_world import a_round
from tests.integration.conftest import sign_in_as
from tests.integration.email_servers import (
    API_KEY,
    SMTP_PASSWORD,
    SMTP_USER,
    TEMPLATE_ID,
    Notify,
    Relay,
    notify_api,
    smtp_relay,
)
from tests.integration.test_deadline_watcher import in_standstill
from tests.integration.timetable_data import frozen_at, move, national_procurement
from workflows.email import deliver_messages
from workflows.timetable import watch_deadlines

BASE = "https://tenderflow.council.example"


@pytest.fixture
def relay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Relay]:
    with smtp_relay(tmp_path) as running:
        for name, value in {
            "TENDERFLOW_SMTP_HOST": "127.0.0.1",
            "TENDERFLOW_SMTP_PORT": str(running.port),
            "TENDERFLOW_SMTP_SECURITY": "starttls",
            "TENDERFLOW_SMTP_USERNAME": SMTP_USER,
            "TENDERFLOW_SMTP_PASSWORD": SMTP_PASSWORD,
            "TENDERFLOW_SMTP_CA_FILE": str(running.ca_file),
            "TENDERFLOW_EMAIL_FROM": "tenderflow@council.example",
            "TENDERFLOW_BASE_URL": BASE,
        }.items():
            monkeypatch.setenv(name, value)
        yield running


@pytest.fixture
def notify(monkeypatch: pytest.MonkeyPatch) -> Iterator[Notify]:
    with notify_api() as running:
        monkeypatch.setenv("TENDERFLOW_NOTIFY_API_KEY", API_KEY)
        monkeypatch.setenv("TENDERFLOW_NOTIFY_TEMPLATE_ID", TEMPLATE_ID)
        monkeypatch.setenv("TENDERFLOW_NOTIFY_BASE_URL", running.url)
        monkeypatch.setenv("TENDERFLOW_BASE_URL", BASE)
        yield running


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "lead": make_user(Role.PROCUREMENT_LEAD, name="Lead Person"),
        "admin": make_user(Role.ADMIN, name="Admin Person"),
        "officer": make_user(Role.DISTRICT_OFFICER, district="fenland", name="Fenland Officer"),
    }


def statuses() -> dict[str, str]:
    db.session.expire_all()
    return {m.key: m.delivery_status for m in db.session.scalars(select(OutboxMessage))}


def test_each_kind_of_message_arrives_by_smtp_with_its_subject_text_and_link(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    lead, officer = people["lead"], people["officer"]
    procurement = national_procurement(lead)
    move(procurement, "eoi", lead)  # a stage move: the lead is told
    in_standstill(procurement, date(2026, 6, 16))
    watch_deadlines.fn(now="2026-06-26T00:15:00+01:00")  # the standstill ends
    round_ = a_round(people["admin"])
    send_opening_notices(db.session, round_, clock.now())  # a capital round opens
    outbox.queue_message(  # a security message: an invitation
        db.session,
        key="invitation:test",
        kind="invitation",
        recipient=officer,
        subject="You have been invited to use tenderflow",
        body="Set your password to start.",
        now=clock.now(),
        link="/account/invitation/abc",
    )
    db.session.commit()
    assert set(statuses().values()) == {rules.QUEUED}

    outcome = deliver_messages.fn()
    assert outcome["email"] == "smtp"
    assert set(statuses().values()) == {rules.SENT}, statuses()
    assert relay.logins, "the relay was signed in to over STARTTLS"

    (moved,) = [r for r in relay.to(lead.email) if "moved to" in r.subject]
    assert moved.subject == f"{procurement.reference} moved to Expressions of interest"
    assert moved.message["From"] == "tenderflow <tenderflow@council.example>"
    assert f"{BASE}/procurements/{procurement.reference}" in moved.body
    assert f"{BASE}/messages/email" in moved.body  # how to choose what comes by email

    (ended,) = [r for r in relay.to(lead.email) if "standstill" in r.subject]
    assert ended.subject == f"{procurement.reference}: the standstill has ended"
    assert "The award may proceed" in ended.body

    opened = [r for r in relay.to(officer.email) if "round" in r.subject.lower()]
    assert len(opened) == 1 and f"{BASE}/capital/schemes" in opened[0].body

    (invited,) = [r for r in relay.to(officer.email) if "invited" in r.subject]
    assert f"{BASE}/account/invitation/abc" in invited.body
    assert "You cannot turn these emails off" in invited.body
    assert "/messages/email" not in invited.body

    # A second run sends nothing again.
    before = len(relay.received)
    deliver_messages.fn()
    assert len(relay.received) == before


def test_a_person_who_turned_a_kind_off_gets_it_only_in_the_app_but_security_always_goes(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    lead = people["lead"]
    preferences.choose_email(
        db.session, lead, set(rules.CATEGORY_CODES) - {"deadlines"}, clock.now()
    )
    procurement = national_procurement(lead)
    in_standstill(procurement, date(2026, 6, 16))
    watch_deadlines.fn(now="2026-06-26T00:15:00+01:00")
    outbox.queue_message(
        db.session,
        key="password-reset:test",
        kind="password-reset",
        recipient=lead,
        subject="Reset your tenderflow password",
        body="Choose a new password.",
        now=clock.now(),
    )
    db.session.commit()
    found = statuses()
    assert found["password-reset:test"] == rules.QUEUED
    assert [s for k, s in found.items() if k.startswith("standstill-ended")] == [rules.IN_APP]

    deliver_messages.fn()
    assert [r.subject for r in relay.to(lead.email)] == ["Reset your tenderflow password"]


def test_a_refused_address_fails_for_good_and_an_administrator_is_told(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    lead = people["lead"]
    relay.refuse.add(lead.email)
    procurement = national_procurement(lead)
    move(procurement, "eoi", lead)
    deliver_messages.fn()
    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == lead.id))
    assert message is not None and message.delivery_status == rules.FAILED
    assert "550" in (message.delivery_error or "")
    assert message.delivery_attempts == 1  # a refused address is not tried again
    alert = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "delivery-failed"))
    assert alert is not None and alert.recipient_id == people["admin"].id
    assert alert.subject == "An email to Lead Person could not be delivered"
    assert "550" in alert.body


def test_a_relay_that_defers_is_tried_again_with_back_off_within_the_run(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    relay.defer_next = 1
    move(national_procurement(people["lead"]), "eoi", people["lead"])
    deliver_messages.fn()
    assert set(statuses().values()) == {rules.SENT}
    assert len(relay.received) == 1


def test_a_relay_that_is_down_leaves_the_message_queued_for_later_with_the_reason(
    app: Any, relay: Relay, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.email_servers import free_port

    monkeypatch.setenv("TENDERFLOW_SMTP_PORT", str(free_port()))  # nothing listens there
    move(national_procurement(people["lead"]), "eoi", people["lead"])
    now = clock.now()
    (message_id,) = delivery.claim(db.session, now)
    db.session.commit()
    settings = delivery.email_settings()
    with pytest.raises(delivery.TemporaryFailure, match="could not be reached"):
        delivery.send(db.session, message_id, delivery.sender_for(settings), settings)
    delivery.record_failure(db.session, message_id, "relay down", now, permanent=False)
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    assert message.delivery_status == rules.QUEUED
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert delivery.claim(db.session, now) == []  # not before its time
    assert delivery.claim(db.session, now + timedelta(minutes=1)) == [message_id]
    # The last try fails it for good.
    message.delivery_attempts = rules.MAX_ATTEMPTS
    delivery.record_failure(db.session, message_id, "relay down", now, permanent=False)
    assert message.delivery_status == rules.FAILED


def test_a_crash_between_sending_and_recording_sends_no_second_email(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    move(national_procurement(people["lead"]), "eoi", people["lead"])
    now = clock.now()
    (message_id,) = delivery.claim(db.session, now)
    db.session.commit()
    settings = delivery.email_settings()
    delivery.send(db.session, message_id, delivery.sender_for(settings), settings)
    db.session.rollback()  # the run dies here: the email went, nothing was recorded
    assert len(relay.received) == 1

    deliver_messages.fn()  # a run straight after leaves it alone
    assert statuses()[db.session.get(OutboxMessage, message_id).key] == rules.SENDING
    with frozen_at("2026-06-15T10:11:00+01:00"):
        outcome = deliver_messages.fn()
    assert outcome["recovered"] == {"found_sent": 0, "queued_again": 0, "failed": 1}
    assert len(relay.to(people["lead"].email)) == 1, "no duplicate"
    (alert,) = relay.to(people["admin"].email)  # an administrator is told it may not have gone
    assert alert.subject == "An email to Lead Person could not be delivered"
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None and message.delivery_status == rules.FAILED
    assert "may or may not have been sent" in (message.delivery_error or "")


def test_notify_sends_with_its_client_and_reports_delivery(
    app: Any, notify: Notify, people: dict[str, Any]
) -> None:
    lead = people["lead"]
    procurement = national_procurement(lead)
    move(procurement, "eoi", lead)
    outcome = deliver_messages.fn()
    assert outcome["email"] == "notify"
    (sent,) = notify.notifications.values()
    assert sent["email_address"] == lead.email
    assert sent["subject"] == f"{procurement.reference} moved to Expressions of interest"
    assert f"{BASE}/procurements/{procurement.reference}" in sent["body"]
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    assert sent["reference"] == message.key
    assert message.provider_reference == sent["id"] and message.delivery_status == rules.SENT

    notify.set_status(lead.email, "delivered")
    deliver_messages.fn()
    db.session.expire_all()
    assert message.delivery_status == rules.DELIVERED


def test_notify_permanent_failure_and_rate_limits(
    app: Any, notify: Notify, people: dict[str, Any]
) -> None:
    lead = people["lead"]
    move(national_procurement(lead), "eoi", lead)
    notify.fail_next = [429]  # rate-limited once: retried within the run
    deliver_messages.fn()
    assert notify.posts == 2 and set(statuses().values()) == {rules.SENT}

    notify.set_status(lead.email, "permanent-failure")
    deliver_messages.fn()
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == lead.id))
    assert failed is not None and failed.delivery_status == rules.FAILED
    assert "permanent-failure" in (failed.delivery_error or "")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "delivery-failed"))


def test_notify_after_a_crash_finds_the_sent_message_by_its_reference(
    app: Any, notify: Notify, people: dict[str, Any]
) -> None:
    move(national_procurement(people["lead"]), "eoi", people["lead"])
    now = clock.now()
    (message_id,) = delivery.claim(db.session, now)
    db.session.commit()
    settings = delivery.email_settings()
    delivery.send(db.session, message_id, delivery.sender_for(settings), settings)
    db.session.rollback()  # died before recording

    with frozen_at("2026-06-15T10:11:00+01:00"):
        outcome = deliver_messages.fn()
    assert outcome["recovered"]["found_sent"] == 1
    assert notify.posts == 1, "no duplicate"
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None and message.delivery_status == rules.SENT
    assert message.provider_reference == next(iter(notify.notifications))


def test_with_email_off_messages_stay_in_the_app_and_the_workflows_page_says_so(
    app: Any, client: Any, people: dict[str, Any]
) -> None:
    move(national_procurement(people["lead"]), "eoi", people["lead"])
    assert set(statuses().values()) == {rules.IN_APP}
    assert deliver_messages.fn()["email"] == "off"
    assert set(statuses().values()) == {rules.IN_APP}
    sign_in_as(client, people["admin"])
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert "Email is off: messages stay in the app" in page


def test_everyone_chooses_their_email_on_a_form_and_administrators_see_delivery(
    app: Any, client: Any, relay: Relay, people: dict[str, Any]
) -> None:
    lead = people["lead"]
    sign_in_as(client, lead)
    page = client.get("/messages/email").get_data(as_text=True)
    assert "Email is on: sent by SMTP" in page
    assert page.count("checked") == len(rules.CATEGORIES)
    response = client.post("/messages/email", data={"categories": ["stage-moves"]})
    assert response.status_code == 302
    assert preferences.turned_off(db.session, lead) == set(rules.CATEGORY_CODES) - {"stage-moves"}
    page = client.get("/messages/email").get_data(as_text=True)
    assert page.count("checked") == 1

    relay.refuse.add(lead.email)
    move(national_procurement(lead), "eoi", lead)
    deliver_messages.fn()
    sign_in_as(client, people["admin"])
    page = client.get("/messages").get_data(as_text=True)
    assert "Email failed" in page and "550" in page


def test_an_invitation_and_a_password_reset_go_by_email_even_with_every_kind_turned_off(
    app: Any, relay: Relay, people: dict[str, Any]
) -> None:
    from tenderflow.services.users import account_links

    officer = people["officer"]
    preferences.choose_email(db.session, officer, set(), clock.now())  # every kind turned off
    for purpose in (account_links.INVITATION, account_links.RESET):
        account_links.issue(
            db.session,
            officer,
            purpose,
            by=people["admin"],
            now=clock.now(),
            lifetime=timedelta(hours=72),
            link_for=lambda token: f"{BASE}/account/link/{token}",
        )
    db.session.commit()
    deliver_messages.fn()
    received = relay.to(officer.email)
    assert [r.subject for r in received] == [
        "You have been invited to tenderflow",
        "Reset your tenderflow password",
    ]
    assert all(f"{BASE}/account/link/" in r.body for r in received)
    assert all("You cannot turn these emails off" in r.body for r in received)
