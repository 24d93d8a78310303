"""Where a round and its schemes are, what may happen next, and the words shown for each."""

from __future__ import annotations

from collections.abc import Iterable

# A round: open for submissions, closed (checking and scoring go on), listed (the priority
# list is produced), complete (the commissioning body has decided on every scheme listed).
ROUND_OPEN = "open"
ROUND_CLOSED = "closed"
ROUND_LISTED = "listed"
ROUND_COMPLETE = "complete"

# A scheme.
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
ACCEPTED = "accepted"
SCORED = "scored"
DECIDED = "decided"
WITHDRAWN = "withdrawn"

# Partnership checks.
ACCEPT = "accept"
RETURN = "return"

# The commissioning body's decisions; approved and deferred schemes stay in the pipeline.
APPROVED = "approved"
DEFERRED = "deferred"
REJECTED = "rejected"
DECISIONS = (APPROVED, DEFERRED, REJECTED)
PIPELINE_DECISIONS = frozenset({APPROVED, DEFERRED})

# What a pipeline review can conclude.
REVIEW_KEEP = "keep"
REVIEW_APPROVE = "approve"
REVIEW_REMOVE = "remove"
REVIEW_OUTCOMES = (REVIEW_KEEP, REVIEW_APPROVE, REVIEW_REMOVE)

ROUND_LABELS: dict[str, tuple[str, str]] = {
    ROUND_OPEN: ("Open", "govuk-tag--green"),
    ROUND_CLOSED: ("Closed: checking and scoring", "govuk-tag--yellow"),
    ROUND_LISTED: ("Priority list produced", "govuk-tag--blue"),
    ROUND_COMPLETE: ("Decided", "govuk-tag--grey"),
}

SCHEME_LABELS: dict[str, tuple[str, str]] = {
    DRAFT: ("Draft", "govuk-tag--grey"),
    SUBMITTED: ("Submitted", "govuk-tag--blue"),
    RETURNED: ("Returned to the district", "govuk-tag--orange"),
    ACCEPTED: ("Accepted for scoring", "govuk-tag--light-blue"),
    SCORED: ("Scored", "govuk-tag--turquoise"),
    DECIDED: ("Decided", "govuk-tag--green"),
    WITHDRAWN: ("Withdrawn", "govuk-tag--grey"),
}

DECISION_LABELS: dict[str, str] = {
    APPROVED: "Approved for bidding",
    DEFERRED: "Deferred to the pipeline",
    REJECTED: "Rejected",
}

REVIEW_LABELS: dict[str, str] = {
    REVIEW_KEEP: "Keep in the pipeline",
    REVIEW_APPROVE: "Approve for bidding now",
    REVIEW_REMOVE: "Remove from the pipeline",
}

# Schemes the district may change and submit; schemes the SP team may score.
EDITABLE = frozenset({DRAFT, RETURNED})
SCORABLE = frozenset({ACCEPTED, SCORED})
# Schemes that still need a partnership check, a district's correction or a score.
IN_PROGRESS = frozenset({SUBMITTED, RETURNED, ACCEPTED})


def may_submit(status: str, round_status: str, deadline_open: bool) -> bool:
    """Say whether a scheme may be submitted now.

    New schemes only while the round is open; a scheme returned for correction may be
    resubmitted until the priority list is produced.
    """
    if status == DRAFT:
        return round_status == ROUND_OPEN and deadline_open
    if status == RETURNED:
        return round_status in (ROUND_OPEN, ROUND_CLOSED)
    return False


def scoring_complete(round_status: str, scheme_statuses: Iterable[str], open_flags: int) -> bool:
    """Say whether the priority list can be produced.

    The round must be closed, no scheme may wait for a check, a correction or a score, every
    flag must be agreed, and at least one scheme must be scored.
    """
    statuses = list(scheme_statuses)
    return (
        round_status == ROUND_CLOSED
        and not any(s in IN_PROGRESS for s in statuses)
        and open_flags == 0
        and SCORED in statuses
    )
