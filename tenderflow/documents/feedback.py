"""What each national regime asks an unsuccessful bidder to be told about the winning tender.

- Procurement Act 2023, section 50(4) and Procurement Regulations 2024, regulation 31: the
  assessment summary covers the bidder's own tender and, if different, the most advantageous
  tender: its score for each award criterion and the reasons. No side-by-side comparison is
  required; showing the two sets of scores together is allowed and helps the reader.
- Public Contracts Regulations 2015, regulation 86: the standstill letter gives the bidder's
  scores, the winner's, and "the characteristics and relative advantages" of the winning tender.
- Below the threshold the council's standing orders decide; by default the bidder is told only
  about their own tender.

A council may choose differently (for example to withhold the winner's reasons as
commercially sensitive): pass ``dataclasses.replace(feedback_rules(...), ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedbackRules:
    """What an assessment summary or standstill letter includes about the winning tender."""

    regime: str
    document_title: str
    winner_scores: bool  # the winner's score for each criterion, beside the bidder's own
    winner_reasons: bool  # the winner's moderated reasons for each criterion
    relative_advantages: bool  # where and why the winning tender scored higher
    legal_basis: str


FEEDBACK_RULES: dict[str, FeedbackRules] = {
    "procurement-act-2023": FeedbackRules(
        regime="procurement-act-2023",
        document_title="Assessment summary",
        winner_scores=True,
        winner_reasons=True,
        relative_advantages=False,
        legal_basis=(
            "section 50 of the Procurement Act 2023 and regulation 31 of the Procurement "
            "Regulations 2024"
        ),
    ),
    "pcr-2015": FeedbackRules(
        regime="pcr-2015",
        document_title="Standstill letter",
        winner_scores=True,
        winner_reasons=False,
        relative_advantages=True,
        legal_basis="regulation 86 of the Public Contracts Regulations 2015",
    ),
}

BELOW_THRESHOLD = FeedbackRules(
    regime="below-threshold",
    document_title="Assessment summary",
    winner_scores=False,
    winner_reasons=False,
    relative_advantages=False,
    legal_basis="the council's contract standing orders",
)


def feedback_rules(regime: str | None) -> FeedbackRules:
    """Return the default rules for a national regime; ``None`` means below the threshold."""
    if regime is None:
        return BELOW_THRESHOLD
    try:
        return FEEDBACK_RULES[regime]
    except KeyError:
        known = ", ".join(sorted(FEEDBACK_RULES))
        raise ValueError(f"no feedback rules for regime {regime!r}: use {known}") from None
