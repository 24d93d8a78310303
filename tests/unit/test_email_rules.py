"""Which messages go by email, what an email says, and how email is configured."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tenderflow.domain import messages as rules
from tenderflow.services.email.delivery import ConfigurationError, email_settings

SMTP = {
    "TENDERFLOW_SMTP_HOST": "relay.council.example",
    "TENDERFLOW_EMAIL_FROM": "tenderflow@council.example",
}
KEY = "tenderflow_live-" + "1" * 36 + "-" + "2" * 36


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("transition-applied", "stage-moves"),
        ("transition-refused", "stage-moves"),
        ("milestone-reminder", "deadlines"),
        ("milestone-passed", "deadlines"),
        ("stage-overdue", "deadlines"),
        ("standstill-ended", "deadlines"),
        ("award-approval", "approvals"),
        ("capital-round-opened", "capital-rounds"),
        ("contract-expiry", "contracts"),
        ("contract-extension-asked", "contracts"),
        ("delivery-failed", "workflows"),
        ("account-link", rules.SECURITY),
        ("invitation", rules.SECURITY),
        ("password-reset", rules.SECURITY),
        ("sign-in-alert", rules.SECURITY),
        ("something-new", rules.OTHER),
    ],
)
def test_each_kind_of_message_belongs_to_one_category(kind: str, category: str) -> None:
    assert rules.category_of(kind) == category


def test_security_messages_go_by_email_whatever_the_person_turned_off() -> None:
    everything = set(rules.CATEGORY_CODES)
    assert rules.wants_email("password-reset", everything)
    assert not rules.wants_email("standstill-ended", {"deadlines"})
    assert rules.wants_email("standstill-ended", {"stage-moves"})
    assert rules.wants_email("something-new", everything)  # nobody can turn off what is unnamed


def test_an_email_has_the_text_the_link_and_how_to_choose() -> None:
    email = rules.compose(
        to="lead@council.example",
        subject=" CCC-NEEDS-2027 moved to Invitation to tender ",
        text="Needs assessment moved from EOI to ITT.",
        link="https://tf.example/procurements/CCC-NEEDS-2027",
        preferences_url="https://tf.example/messages/email",
        security=False,
    )
    assert email.subject == "CCC-NEEDS-2027 moved to Invitation to tender"
    assert email.body == (
        "Needs assessment moved from EOI to ITT.\n\n"
        "Go to the page:\nhttps://tf.example/procurements/CCC-NEEDS-2027\n\n"
        "To choose which emails you get from tenderflow, go to:\nhttps://tf.example/messages/email\n\n"
        "tenderflow\n"
    )
    security = rules.compose(
        to="a@b.example",
        subject="Reset your password",
        text="Choose a new password.",
        link=None,
        preferences_url="https://tf.example/messages/email",
        security=True,
    )
    assert "messages/email" not in security.body
    assert "You cannot turn these emails off" in security.body


def test_a_passing_failure_is_tried_again_after_longer_waits_then_given_up() -> None:
    assert [rules.next_attempt_after(n) for n in range(1, rules.MAX_ATTEMPTS + 1)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        None,
    ]
    with pytest.raises(ValueError):
        rules.next_attempt_after(0)


def test_with_nothing_set_email_is_off_and_says_how_to_turn_it_on() -> None:
    settings = email_settings({})
    assert settings.mode == "off" and not settings.enabled
    assert "TENDERFLOW_SMTP_HOST" in settings.describe()


def test_smtp_settings_default_to_starttls_on_587() -> None:
    settings = email_settings(SMTP)
    assert (settings.mode, settings.smtp_port, settings.smtp_security) == ("smtp", 587, "starttls")
    assert email_settings({**SMTP, "TENDERFLOW_SMTP_SECURITY": "tls"}).smtp_port == 465
    assert "relay.council.example:587" in settings.describe()


def test_notify_settings_need_a_key_and_a_template() -> None:
    settings = email_settings(
        {"TENDERFLOW_NOTIFY_API_KEY": KEY, "TENDERFLOW_NOTIFY_TEMPLATE_ID": "t"}
    )
    assert settings.mode == "notify"
    assert settings.notify_base_url == "https://api.notifications.service.gov.uk"
    assert KEY not in settings.describe()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**SMTP, "TENDERFLOW_NOTIFY_API_KEY": KEY}, "not both"),
        ({**SMTP, "TENDERFLOW_SMTP_SECURITY": "ssl3"}, "starttls, tls or none"),
        ({**SMTP, "TENDERFLOW_SMTP_PORT": "smtp"}, "must be a port number"),
        ({"TENDERFLOW_SMTP_HOST": "relay.example"}, "TENDERFLOW_EMAIL_FROM"),
        ({**SMTP, "TENDERFLOW_SMTP_USERNAME": "me"}, "both TENDERFLOW_SMTP_USERNAME"),
        ({**SMTP, "TENDERFLOW_SMTP_CA_FILE": "/nowhere/ca.pem"}, "names no file"),
        ({"TENDERFLOW_NOTIFY_API_KEY": "short"}, "not a GOV.UK Notify API key"),
        ({"TENDERFLOW_NOTIFY_API_KEY": KEY}, "TENDERFLOW_NOTIFY_TEMPLATE_ID"),
    ],
)
def test_settings_that_cannot_work_are_refused_naming_the_problem(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        email_settings(env)


def test_a_ca_bundle_for_a_councils_own_relay_is_taken(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("certificate")
    assert email_settings({**SMTP, "TENDERFLOW_SMTP_CA_FILE": str(ca)}).smtp_ca_file == str(ca)
