"""Messages by email: which kinds a person may turn off, and what an email says.

Every message is kept in the app's outbox and shown under Messages. When email is configured
it also goes by email, unless the person has turned that kind off; security messages
(invitations, password resets, sign-in alerts) always go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

# Delivery statuses of an outbox message.
IN_APP = "in-app"  # email is off, or the person turned this kind off
QUEUED = "queued"  # waiting for the delivery workflow
SENDING = "sending"  # claimed by a delivery run: never sent twice
SENT = "sent"  # the mail relay or Notify accepted it
DELIVERED = "delivered"  # Notify reports it reached the inbox
FAILED = "failed"  # failed permanently, with the reason

DELIVERY_STATUSES = (IN_APP, QUEUED, SENDING, SENT, DELIVERED, FAILED)
DELIVERY_LABELS = {
    IN_APP: ("In the app only", "govuk-tag--grey"),
    QUEUED: ("Email queued", "govuk-tag--blue"),
    SENDING: ("Email sending", "govuk-tag--light-blue"),
    SENT: ("Email sent", "govuk-tag--turquoise"),
    DELIVERED: ("Email delivered", "govuk-tag--green"),
    FAILED: ("Email failed", "govuk-tag--red"),
}

SECURITY = "security"


@dataclass(frozen=True)
class Category:
    """A group of message kinds that a person turns email on or off for together."""

    code: str
    label: str
    hint: str
    prefixes: tuple[str, ...]


CATEGORIES = (
    Category(
        "stage-moves",
        "Moves between stages",
        "When a procurement you lead or asked to move moves on, or the move is refused.",
        ("transition-",),
    ),
    Category(
        "deadlines",
        "Deadlines and reminders",
        "Milestones coming up or passed, stages running late, standstills ending, notices due.",
        ("milestone-", "stage-overdue", "standstill-ended", "notice-"),
    ),
    Category(
        "approvals",
        "Approvals",
        "When the commissioning body is asked to approve an award, and its decision.",
        ("award-", "approval-"),
    ),
    Category(
        "capital-rounds",
        "Capital bid rounds",
        "A round opening, reminders before its deadline, and its close.",
        ("capital-",),
    ),
    Category(
        "contracts",
        "Contract management",
        "Returns and meetings due, contracts nearing their end, extensions to decide.",
        ("contract-",),
    ),
    Category(
        "workflows",
        "Workflow problems",
        "For administrators: an email that could not be delivered, a workflow that failed.",
        ("delivery-", "workflow-"),
    ),
)
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)

# Always sent by email, whatever the person's choices: they are how people get in safely.
SECURITY_KINDS = frozenset(
    {"account-link", "invitation", "password-reset", "sign-in-alert", "account-change"}
)
OTHER = "other"


def category_of(kind: str) -> str:
    """Return the category a message kind belongs to (security kinds have their own)."""
    if kind in SECURITY_KINDS:
        return SECURITY
    for category in CATEGORIES:
        if any(kind.startswith(prefix) for prefix in category.prefixes):
            return category.code
    return OTHER


def wants_email(kind: str, turned_off: frozenset[str] | set[str]) -> bool:
    """Say whether a message of ``kind`` goes by email to someone who turned ``turned_off`` off."""
    category = category_of(kind)
    return category == SECURITY or category not in turned_off


@dataclass(frozen=True)
class Email:
    """A plain email in GOV.UK style: a clear subject, a sentence or two, a link."""

    to: str
    subject: str
    body: str


def compose(
    *,
    to: str,
    subject: str,
    text: str,
    link: str | None,
    preferences_url: str | None,
    security: bool,
) -> Email:
    """Write the email for a message: its text, the page to go to, and why it was sent."""
    parts = [text.strip()]
    if link:
        parts.append(f"Go to the page:\n{link}")
    if security:
        parts.append("You cannot turn these emails off: they keep your account safe.")
    elif preferences_url:
        parts.append(f"To choose which emails you get from tenderflow, go to:\n{preferences_url}")
    parts.append("tenderflow")
    return Email(to=to, subject=subject.strip(), body="\n\n".join(parts) + "\n")


# A message that could not be sent for a passing reason is tried again after these waits;
# after the last it has failed permanently.
RETRY_WAITS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1


def next_attempt_after(attempts: int) -> timedelta | None:
    """Return how long to wait after ``attempts`` failed tries, or None when it is time to give up."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_WAITS[attempts - 1]
