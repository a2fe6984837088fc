"""What a professional does with a code: open the record, see the summary, confirm or correct.

Every operation flushes and never commits: the caller owns the transaction (and the audit entry
that goes with it). A code opens the record as often as the professional needs until it expires;
the code itself is never kept: only the record id and its decrypted answers travel on, in the
professional's sealed server-side session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import stats
from portal.domain.codes import ClientCode
from portal.domain.keys import CodeKeyring
from portal.domain.questionnaire import Questionnaire
from portal.domain.scoring import Result, Segment, assess
from portal.domain.submissions import open_submission
from portal.models import Review, Submission

UNDETERMINED = "undetermined"  # "cannot say yet"
DECISIONS: tuple[str, ...] = (*(str(s) for s in Segment), UNDETERMINED)
# Why the professional's view differs, from a short fixed list: free text about a client would be
# personal data, so there is none.
REASONS: tuple[str, ...] = (
    "more_risk",
    "less_risk",
    "more_capability",
    "less_capability",
    "client_view",
    "situation_changed",
    "need_more_information",
)


class RecordGone(Exception):
    """The record was deleted by the client or purged after expiry while it was open."""


class InvalidReview(ValueError):
    """A decision or a reason that is not on the fixed lists."""


@dataclass(frozen=True)
class Opened:
    """What a redeemed code gives the session: the record id and its answers. Never the code."""

    submission_id: int
    answers: dict[str, Any]
    code_tail: str  # the last group of the code, for the print view
    provisional_segment: str | None = None  # sealed with the answers, not in clear


@dataclass(frozen=True)
class Summary:
    submission: Submission
    answers: Mapping[str, Any]
    result: Result
    reviews: Sequence[Review]

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None


def redeem(session: Session, code: ClientCode, *, today: dt.date, keyring: CodeKeyring) -> Opened:
    """Open the record a code answers to; UnknownCode or ExpiredCode from the submissions module."""
    opened = open_submission(session, code, today=today, keyring=keyring)
    return Opened(
        opened.submission.id, dict(opened.answers), code.last_group, opened.provisional_segment
    )


def summary(
    session: Session, submission_id: int, answers: Mapping[str, Any], questionnaire: Questionnaire
) -> Summary:
    """The one-screen summary of an open record; RecordGone if it no longer exists."""
    row = session.get(Submission, submission_id)
    if row is None:
        raise RecordGone(submission_id)
    if (row.questionnaire_id, row.questionnaire_version) != (
        questionnaire.id,
        questionnaire.version,
    ):
        raise LookupError("the record was answered with another questionnaire version")
    return Summary(row, answers, assess(questionnaire, answers), reviews_of(session, submission_id))


def reviews_of(session: Session, submission_id: int) -> Sequence[Review]:
    """Oldest first: a client may see more than one professional."""
    query = select(Review).where(Review.submission_id == submission_id).order_by(Review.id)
    return session.scalars(query).all()


def agrees(provisional: str | None, decision: str) -> bool:
    """A decision confirms the provisional segment when it is the same (no segment = undetermined)."""
    return decision == (provisional or UNDETERMINED)


def review(
    session: Session,
    *,
    submission_id: int,
    account_id: int | None,
    provisional: str | None,
    decision: str,
    reason: str | None,
    today: dt.date,
) -> Review:
    """Record a confirmation or a correction with its date (no time: it is about a client).

    `provisional` is the record's provisional segment, from its sealed answers (the database
    keeps it nowhere in clear)."""
    if decision not in DECISIONS:
        raise InvalidReview(decision)
    if reason is not None and reason not in REASONS:
        raise InvalidReview(reason)
    row = session.get(Submission, submission_id)
    if row is None:
        raise RecordGone(submission_id)
    entry = Review(
        submission_id=submission_id,
        account_id=account_id,
        reviewed_on=today,
        segment=decision,
        agrees=agrees(provisional, decision),
        reason=reason,
    )
    session.add(entry)
    # Counted apart from the record, so "how often the provisional segment held" outlives it.
    stats.count_review(session, day=today, provisional=provisional, decision=decision)
    session.flush()
    return entry
