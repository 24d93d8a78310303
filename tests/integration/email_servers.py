"""Real parts for the email tests: an SMTP relay (aiosmtpd) and a server that answers as
GOV.UK Notify's API does, both on loopback.

The Notify stand-in checks the client's JSON Web Token with the client library's own
decoder and answers with the status codes and bodies of Notify's API documentation
(POST /v2/notifications/email, GET /v2/notifications/{id}, GET /v2/notifications).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "tenderflow"
SMTP_PASSWORD = "relay-password"
SERVICE_ID = "0bd0b9e4-5b45-4d5b-8f38-1d2a0a3f6c11"
SECRET = "7c8c2f1e-6a3b-4f8e-9d0a-2b4c6e8f0a1c"
API_KEY = f"tenderflow_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Make a certificate for 127.0.0.1 and its key, as a council's own relay might have."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "relay.pem"
    key_path = folder / "relay-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()


@dataclass
class Relay:
    """What the SMTP relay received, and how it should answer."""

    port: int
    ca_file: Path
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    # Addresses refused for good (550), and how many times to defer (451) before accepting.
    refuse: set[str] = field(default_factory=set)
    defer_next: int = 0

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


class _Handler:
    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.relay.refuse:
            return "550 5.1.1 The email account that you tried to reach does not exist"
        if self.relay.defer_next > 0:
            self.relay.defer_next -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.relay.received.append(
            Received(
                envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content)
            )
        )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_relay(folder: Path) -> Iterator[Relay]:
    """Run an SMTP relay on loopback that wants STARTTLS and a login, as councils' relays do."""
    cert, key = self_signed_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    relay = Relay(port=free_port(), ca_file=cert)

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode() == SMTP_USER and data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            relay.logins.append(data.login.decode())
        return AuthResult(success=ok)

    controller = Controller(
        _Handler(relay),
        hostname="127.0.0.1",
        port=relay.port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
        server_hostname="127.0.0.1",
    )
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()


@dataclass
class Notify:
    """What the Notify stand-in holds, and how it should answer."""

    url: str
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: int = 0
    # Answer the next POSTs with these statuses (429 rate limit, 500 server error) first.
    fail_next: list[int] = field(default_factory=list)

    def by_reference(self, reference: str) -> list[dict[str, Any]]:
        return [n for n in self.notifications.values() if n["reference"] == reference]

    def set_status(self, to: str, status: str) -> None:
        for notification in self.notifications.values():
            if notification["email_address"] == to:
                notification["status"] = status


_ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


def _error(status: int, error: str | None = None, message: str | None = None) -> dict[str, Any]:
    default_error, default_message = _ERRORS[status]
    return {
        "errors": [{"error": error or default_error, "message": message or default_message}],
        "status_code": status,
    }


@contextmanager
def notify_api() -> Iterator[Notify]:
    """Run a server on loopback that answers as GOV.UK Notify's API does."""
    from notifications_python_client.authentication import decode_jwt_token
    from notifications_python_client.errors import TokenError

    port = free_port()
    notify = Notify(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                self._answer(
                    401,
                    _error(403, "AuthError", "Unauthorized: authentication token must be provided"),
                )
                return False
            try:
                decode_jwt_token(header.removeprefix("Bearer "), SECRET)
            except TokenError:
                self._answer(403, _error(403))
                return False
            return True

        def do_POST(self) -> None:  # noqa: N802
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if urlsplit(self.path).path != "/v2/notifications/email":
                self._answer(
                    404,
                    {"errors": [{"error": "NotFound", "message": "Not found"}], "status_code": 404},
                )
                return
            notify.posts += 1
            if notify.fail_next:
                self._answer(status := notify.fail_next.pop(0), _error(status))
                return
            if request.get("template_id") != TEMPLATE_ID:
                self._answer(400, _error(400, "BadRequestError", "Template not found"))
                return
            if "@" not in str(request.get("email_address", "")):
                self._answer(
                    400, _error(400, "ValidationError", "email_address Not a valid email address")
                )
                return
            personalisation = request.get("personalisation") or {}
            notification_id = str(uuid.uuid4())
            notify.notifications[notification_id] = {
                "id": notification_id,
                "reference": request.get("reference"),
                "email_address": request["email_address"],
                "type": "email",
                "status": "sending",
                "template": {
                    "id": TEMPLATE_ID,
                    "version": 1,
                    "uri": f"{notify.url}/v2/template/{TEMPLATE_ID}",
                },
                "subject": personalisation.get("subject"),
                "body": personalisation.get("body"),
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
            }
            self._answer(
                201,
                {
                    "id": notification_id,
                    "reference": request.get("reference"),
                    "content": {
                        "subject": personalisation.get("subject"),
                        "body": personalisation.get("body"),
                        "from_email": "tenderflow@notifications.service.gov.uk",
                        "one_click_unsubscribe_url": None,
                    },
                    "uri": f"{notify.url}/v2/notifications/{notification_id}",
                    "template": {
                        "id": TEMPLATE_ID,
                        "version": 1,
                        "uri": f"{notify.url}/v2/template/{TEMPLATE_ID}",
                    },
                },
            )

        def do_GET(self) -> None:  # noqa: N802
            if not self._authorised():
                return
            parts = urlsplit(self.path)
            if parts.path == "/v2/notifications":
                query = parse_qs(parts.query)
                reference = (query.get("reference") or [None])[0]
                found = [
                    n
                    for n in notify.notifications.values()
                    if reference is None or n["reference"] == reference
                ]
                self._answer(
                    200,
                    {
                        "notifications": found,
                        "links": {"current": f"{notify.url}/v2/notifications?{parts.query}"},
                    },
                )
                return
            notification_id = parts.path.rsplit("/", 1)[-1]
            if notification_id not in notify.notifications:
                self._answer(
                    404,
                    {
                        "errors": [{"error": "NoResultFound", "message": "No result found"}],
                        "status_code": 404,
                    },
                )
                return
            self._answer(200, notify.notifications[notification_id])

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield notify
    finally:
        server.shutdown()
        server.server_close()
