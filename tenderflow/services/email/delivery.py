"""Email delivery of outbox messages, by SMTP or GOV.UK Notify, each message once.

A message is claimed (``queued`` to ``sending``, committed) before it is handed to the mail
relay or Notify, and recorded as ``sent`` afterwards. A run that dies in between leaves it
``sending``: it is never claimed again, so never sent twice. Notify is asked whether it has
the message (each carries its outbox key as Notify's ``reference``); a mail relay cannot be
asked, so such a message is marked failed, saying it may have been sent, and an
administrator is told.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenderflow.domain import messages as rules
from tenderflow.domain.roles import Role
from tenderflow.models import OutboxMessage, Procurement, User, UserRole
from tenderflow.services.email import outbox

# A message still "sending" this long after it was claimed belongs to a run that died.
INTERRUPTED_AFTER = timedelta(minutes=10)
# Notify's delivery receipts are looked for this long after sending.
RECEIPTS_FOR = timedelta(days=3)
BATCH = 50
NOTIFY_API = "https://api.notifications.service.gov.uk"


class ConfigurationError(ValueError):
    """The email settings in the environment cannot work."""


class TemporaryFailure(Exception):
    """The relay or Notify could not take the message now; try again later."""


class PermanentFailure(Exception):
    """The message can never be sent as it is (a refused address, say)."""


@dataclass(frozen=True)
class EmailSettings:
    """How email goes out, read from the environment."""

    mode: str  # "off", "smtp" or "notify"
    base_url: str
    sender: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls", "tls" or "none"
    smtp_username: str = ""
    smtp_password: str = ""
    # A CA bundle for a relay whose certificate a council signs itself.
    smtp_ca_file: str = ""
    notify_api_key: str = ""
    notify_template_id: str = ""
    notify_base_url: str = NOTIFY_API
    timeout: float = 20.0

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def describe(self) -> str:
        """Say in words how email goes out (no secrets)."""
        if self.mode == "smtp":
            return (
                f"Email is on: sent by SMTP through {self.smtp_host}:{self.smtp_port}"
                f" ({self.smtp_security}) from {self.sender}."
            )
        if self.mode == "notify":
            return "Email is on: sent by GOV.UK Notify."
        return (
            "Email is off: messages stay in the app under Messages. Set TENDERFLOW_SMTP_HOST "
            "or TENDERFLOW_NOTIFY_API_KEY to send them by email."
        )


def email_settings(env: Mapping[str, str] = os.environ) -> EmailSettings:
    """Read the email settings; raise ConfigurationError naming what is wrong."""
    base_url = (env.get("TENDERFLOW_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    smtp_host = env.get("TENDERFLOW_SMTP_HOST", "").strip()
    api_key = env.get("TENDERFLOW_NOTIFY_API_KEY", "").strip()
    if smtp_host and api_key:
        raise ConfigurationError(
            "Set TENDERFLOW_SMTP_HOST or TENDERFLOW_NOTIFY_API_KEY, not both: email goes one way."
        )
    if smtp_host:
        security = env.get("TENDERFLOW_SMTP_SECURITY", "starttls").strip().lower()
        if security not in {"starttls", "tls", "none"}:
            raise ConfigurationError(
                f"TENDERFLOW_SMTP_SECURITY must be starttls, tls or none, not {security!r}."
            )
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        port_text = env.get("TENDERFLOW_SMTP_PORT", "").strip() or str(default_port)
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigurationError(
                f"TENDERFLOW_SMTP_PORT must be a port number, not {port_text!r}."
            )
        sender = env.get("TENDERFLOW_EMAIL_FROM", "").strip()
        if "@" not in sender:
            raise ConfigurationError(
                "TENDERFLOW_EMAIL_FROM must be the address emails come from, "
                "for example tenderflow@council.gov.uk."
            )
        username = env.get("TENDERFLOW_SMTP_USERNAME", "")
        password = env.get("TENDERFLOW_SMTP_PASSWORD", "")
        if bool(username) != bool(password):
            raise ConfigurationError(
                "Set both TENDERFLOW_SMTP_USERNAME and TENDERFLOW_SMTP_PASSWORD, or neither."
            )
        ca_file = env.get("TENDERFLOW_SMTP_CA_FILE", "").strip()
        if ca_file and not os.path.isfile(ca_file):
            raise ConfigurationError(f"TENDERFLOW_SMTP_CA_FILE names no file: {ca_file}")
        return EmailSettings(
            mode="smtp",
            base_url=base_url,
            sender=sender,
            smtp_ca_file=ca_file,
            smtp_host=smtp_host,
            smtp_port=int(port_text),
            smtp_security=security,
            smtp_username=username,
            smtp_password=password,
        )
    if api_key:
        template = env.get("TENDERFLOW_NOTIFY_TEMPLATE_ID", "").strip()
        if len(api_key) < 74:
            raise ConfigurationError(
                "TENDERFLOW_NOTIFY_API_KEY is not a GOV.UK Notify API key "
                "(name-service id-secret, as Notify shows it)."
            )
        if not template:
            raise ConfigurationError(
                "TENDERFLOW_NOTIFY_TEMPLATE_ID must name the Notify email template "
                "whose subject is ((subject)) and whose message is ((body))."
            )
        return EmailSettings(
            mode="notify",
            base_url=base_url,
            notify_api_key=api_key,
            notify_template_id=template,
            notify_base_url=(env.get("TENDERFLOW_NOTIFY_BASE_URL") or NOTIFY_API).rstrip("/"),
        )
    return EmailSettings(mode="off", base_url=base_url)


def describe_email(env: Mapping[str, str] = os.environ) -> str:
    """Say in words how email goes out, or why the settings cannot work."""
    try:
        return email_settings(env).describe()
    except ConfigurationError as exc:
        return f"Email is not working: {exc}"


class Sender(Protocol):
    def send(self, email: rules.Email, reference: str) -> str: ...


class SmtpSender:
    """Send through any mail relay: STARTTLS, TLS or plain, with credentials if given."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    def message(self, email: rules.Email, reference: str) -> EmailMessage:
        domain = self.settings.sender.rsplit("@", 1)[-1]
        message = EmailMessage()
        message["From"] = formataddr(("tenderflow", self.settings.sender))
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        # The same message always has the same Message-ID, so a relay or inbox can spot a copy.
        digest = hashlib.sha256(reference.encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{domain}>"
        message.set_content(email.body)
        return message

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.smtp_ca_file or None)

    def send(self, email: rules.Email, reference: str) -> str:
        settings = self.settings
        message = self.message(email, reference)
        try:
            if settings.smtp_security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.smtp_host,
                    settings.smtp_port,
                    timeout=settings.timeout,
                    context=self._tls(),
                )
            else:
                client = smtplib.SMTP(
                    settings.smtp_host, settings.smtp_port, timeout=settings.timeout
                )
            with client:
                if settings.smtp_security == "starttls":
                    client.starttls(context=self._tls())
                if settings.smtp_username:
                    client.login(settings.smtp_username, settings.smtp_password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reason = "; ".join(
                f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values()
            )
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"The mail relay refused {email.to}: {reason}") from exc
            raise TemporaryFailure(f"The mail relay deferred {email.to}: {reason}") from exc
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(
                    f"The mail relay refused the email: {exc.smtp_code} {text}"
                ) from exc
            raise TemporaryFailure(f"The mail relay answered {exc.smtp_code} {text}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(
                f"The mail relay at {settings.smtp_host}:{settings.smtp_port} could not be reached "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        return str(message["Message-ID"])


class NotifySender:
    """Send through GOV.UK Notify with its own client, one email template for every message."""

    def __init__(self, settings: EmailSettings) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.settings = settings
        self.client = NotificationsAPIClient(
            settings.notify_api_key, base_url=settings.notify_base_url, timeout=settings.timeout
        )

    def _call(self, what: str, call: Any) -> Any:
        from notifications_python_client.errors import APIError

        try:
            return call()
        except APIError as exc:
            status = exc.status_code
            detail = f"GOV.UK Notify answered {status} to {what}: {exc.message}"
            # 400 is a message Notify will never take; a bad key (403) or a busy or broken
            # service (429, 5xx) may come right, so those are tried again.
            if status == 400:
                raise PermanentFailure(detail) from exc
            raise TemporaryFailure(detail) from exc
        except OSError as exc:
            raise TemporaryFailure(f"GOV.UK Notify could not be reached ({exc})") from exc

    def send(self, email: rules.Email, reference: str) -> str:
        response = self._call(
            "sending an email",
            lambda: self.client.send_email_notification(
                email_address=email.to,
                template_id=self.settings.notify_template_id,
                personalisation={"subject": email.subject, "body": email.body},
                reference=reference,
            ),
        )
        return str(response["id"])

    def find(self, reference: str) -> str | None:
        """Return the id of the notification Notify holds with this reference, if any."""
        response = self._call(
            "looking up a notification",
            lambda: self.client.get_all_notifications(template_type="email", reference=reference),
        )
        found = response.get("notifications") or []
        return str(found[0]["id"]) if found else None

    def status(self, notification_id: str) -> str:
        """Return Notify's status for a notification (delivered, permanent-failure, ...)."""
        response = self._call(
            "reading a notification",
            lambda: self.client.get_notification_by_id(notification_id),
        )
        return str(response["status"])


def sender_for(settings: EmailSettings) -> SmtpSender | NotifySender:
    """Return the sender the settings ask for."""
    if settings.mode == "smtp":
        return SmtpSender(settings)
    if settings.mode == "notify":
        return NotifySender(settings)
    raise ConfigurationError("Email is off: there is nothing to send with.")


# Choosing what goes by email ------------------------------------------------------------


# Sending, once -------------------------------------------------------------------------


def claim(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Claim queued messages that are due for this run; return their ids (commit next)."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.delivery_status == rules.QUEUED)
        .where((OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for message_id in list(session.scalars(query)):
        # Only one run wins a message, even if two runs read it at once.
        won = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.delivery_status == rules.QUEUED)
            .values(
                delivery_status=rules.SENDING,
                claimed_at=now,
                delivery_attempts=OutboxMessage.delivery_attempts + 1,
            )
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(message_id)
    session.flush()
    return claimed


def link_for(session: Session, message: OutboxMessage, base_url: str) -> str:
    """Return the full address of the page a message is about."""
    path = message.link
    if not path and message.procurement_id:
        reference = session.scalar(
            select(Procurement.reference).where(Procurement.id == message.procurement_id)
        )
        path = f"/procurements/{reference}" if reference else None
    return f"{base_url}{path or '/messages'}"


def email_for(session: Session, message: OutboxMessage, settings: EmailSettings) -> rules.Email:
    """Return the email that carries a message."""
    return rules.compose(
        to=message.recipient_email,
        subject=message.subject,
        text=message.body,
        link=link_for(session, message, settings.base_url),
        preferences_url=f"{settings.base_url}/messages/email",
        security=rules.category_of(message.kind) == rules.SECURITY,
    )


def send(session: Session, message_id: int, sender: Sender, settings: EmailSettings) -> str | None:
    """Send one claimed message; return the provider's reference (None if it was not ours).

    Raises TemporaryFailure or PermanentFailure when it could not be sent.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None or message.delivery_status != rules.SENDING:
        return None
    return sender.send(email_for(session, message, settings), message.key)


def record_sent(session: Session, message_id: int, reference: str, now: datetime) -> None:
    """Record that the relay or Notify took the message."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return
    message.delivery_status = rules.SENT
    message.provider_reference = reference[:200]
    message.sent_at = now
    message.delivery_error = None
    session.flush()


def record_failure(
    session: Session, message_id: int, error: str, now: datetime, *, permanent: bool
) -> str:
    """Record a failed try: queue it again after a wait, or fail it and tell an administrator."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return rules.FAILED
    message.delivery_error = error[:2000]
    wait = None if permanent else rules.next_attempt_after(max(message.delivery_attempts, 1))
    if wait is None:
        _fail(session, message, error, now)
    else:
        message.delivery_status = rules.QUEUED
        message.next_attempt_at = now + wait
    session.flush()
    return message.delivery_status


def _fail(session: Session, message: OutboxMessage, reason: str, now: datetime) -> None:
    message.delivery_status = rules.FAILED
    message.delivery_error = reason[:2000]
    message.next_attempt_at = None
    if message.kind == "delivery-failed":
        return  # never a chain of failures about failures
    admins = session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.id)
    )
    who = message.recipient.name if message.recipient else message.recipient_email
    for admin in admins:
        outbox.queue_message(
            session,
            key=f"delivery-failed:{message.id}:{admin.id}",
            kind="delivery-failed",
            recipient=admin,
            subject=f"An email to {who} could not be delivered",
            body=(
                f"The email \u201c{message.subject}\u201d to {who} ({message.recipient_email}) "
                f"failed: {reason}\nIt is still in the app under Messages."
            ),
            now=now,
            link="/messages",
        )


def recover_interrupted(
    session: Session, now: datetime, sender: Sender | None, settings: EmailSettings
) -> dict[str, int]:
    """Settle messages left "sending" by a run that died, without sending any of them twice."""
    stuck = list(
        session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.delivery_status == rules.SENDING,
                OutboxMessage.claimed_at < now - INTERRUPTED_AFTER,
            )
        )
    )
    found = {"found_sent": 0, "queued_again": 0, "failed": 0}
    for message in stuck:
        if isinstance(sender, NotifySender):
            notification = sender.find(message.key)
            if notification:
                record_sent(session, message.id, notification, now)
                found["found_sent"] += 1
            else:
                message.delivery_status = rules.QUEUED
                message.next_attempt_at = None
                found["queued_again"] += 1
            continue
        _fail(
            session,
            message,
            "The delivery run stopped while sending this email, so it may or may not have "
            "been sent; it is not sent again, so that nobody gets it twice.",
            now,
        )
        found["failed"] += 1
    session.flush()
    return found


# Notify's statuses once it has taken a message: "delivered", or it gave up for good.
NOTIFY_FAILED = {
    "permanent-failure": "The email address does not exist or cannot receive email.",
    "temporary-failure": "The recipient's inbox was full or their email provider refused it for now; Notify gave up.",
    "technical-failure": "GOV.UK Notify had a technical failure and did not send it.",
}


def refresh_receipts(session: Session, now: datetime, sender: NotifySender) -> dict[str, int]:
    """Ask Notify what became of the messages it took lately."""
    sent = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.delivery_status == rules.SENT,
                OutboxMessage.sent_at >= now - RECEIPTS_FOR,
                OutboxMessage.provider_reference.is_not(None),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        )
    )
    found = {"delivered": 0, "failed": 0}
    for message in sent:
        status = sender.status(str(message.provider_reference))
        if status == "delivered":
            message.delivery_status = rules.DELIVERED
            message.delivered_at = now
            found["delivered"] += 1
        elif status in NOTIFY_FAILED:
            _fail(session, message, f"{status}: {NOTIFY_FAILED[status]}", now)
            found["failed"] += 1
    session.flush()
    return found
