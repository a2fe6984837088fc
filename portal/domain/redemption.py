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

from portal.domain import rating, stats
from portal.domain.codes import ClientCode
from portal.domain.questionnaire import Questionnaire
from portal.domain.scoring import Result, assess
from portal.domain.submissions import open_submission
from portal.models import CountedRedemption, Review, Submission

# The fixed lists live with the rating; kept here under their old names for callers.
UNDETERMINED = rating.UNDETERMINED  # "cannot say yet"
DECISIONS = rating.DECISIONS
REASONS = rating.OVERRIDE_REASONS


class RecordGone(Exception):
    """The record was deleted by the client or purged after expiry while it was open."""


InvalidReview = rating.InvalidRating  # a value that is not on the fixed lists


@dataclass(frozen=True)
class Opened:
    """What a redeemed code gives the session: the record id and its answers. Never the code."""

    submission_id: int
    answers: dict[str, Any]
    code_tail: str  # the last group of the code, for the print view


@dataclass(frozen=True)
class Summary:
    submission: Submission
    answers: Mapping[str, Any]
    result: Result
    reviews: Sequence[Review]

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None


def redeem(
    session: Session, code: ClientCode, *, today: dt.date, secret: bytes, log2n: int
) -> Opened:
    """Open the record a code answers to; UnknownCode or ExpiredCode from the submissions module."""
    opened = open_submission(session, code, today=today, secret=secret, log2n=log2n)
    row = opened.submission
    if session.get(CountedRedemption, row.id) is None:
        # Counted once per record, in the month of its first redemption.
        session.add(CountedRedemption(submission_id=row.id))
        stats.count_redemption(session, day=today, assessed_on=row.created_on)
        session.flush()
    return Opened(row.id, dict(opened.answers), code.last_group)


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
    given: rating.Rating,
    provisional: str | None,
    today: dt.date,
) -> Review:
    """Record the professional's rating, segment and routing with its date (no time).

    `provisional` is the segment the client's answers give, as scored from the opened answers
    (Summary.result), so nothing here needs the record to keep its segment in clear.

    Only a record's first review is counted in the statistics: a second look at the same person
    must not count them twice (their later reviews are kept on the record all the same).
    """
    row = session.get(Submission, submission_id)
    if row is None:
        raise RecordGone(submission_id)
    first = not reviews_of(session, submission_id)
    decision = given.segment
    entry = Review(
        submission_id=submission_id,
        account_id=account_id,
        reviewed_on=today,
        segment=decision,
        agrees=agrees(provisional, decision),
        reason=given.reason,
        capability=given.capability,
        risk=given.risk,
        overridden=given.override is not None,
        routed=",".join(given.routed),
        appointment=given.appointment,
    )
    session.add(entry)
    if first:
        sides = rating.client_sides(provisional)
        stats.count_review(
            session,
            day=today,
            provisional=provisional,
            decision=decision,
            axes={
                "capability": rating.axis_outcome(
                    "capability", given.capability, sides["capability"]
                ),
                "risk": rating.axis_outcome("risk", given.risk, sides["risk"]),
            },
            routed=given.routed,
            appointment=given.appointment,
        )
    session.flush()
    return entry
