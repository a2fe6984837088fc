"""The tables. Client records hold a date, never a time, and never the code itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class VisitSession(Base):
    """A server-side session. `id` is a keyed hash of the cookie value, never the value itself;
    `data` is encrypted with a key derived from the cookie value, so the table alone is opaque."""

    __tablename__ = "visit_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Submission(Base):
    """One finished self-assessment. Found by `lookup_key` (derived from the code with a slow KDF);
    the answers are in `sealed_answers`, encrypted with a second key derived from the code."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lookup_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    sealed_answers: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    assisted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Coarse, non-identifying result kept in clear for aggregate statistics only.
    provisional_segment: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Account(Base):
    """A professional or an administrator. Clients never have accounts."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # "pro" | "admin"
    language: Mapped[str] = mapped_column(String(2), default="fi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[dt.date] = mapped_column(Date)


class Review(Base):
    """A professional's confirmation or correction of a provisional segment (date only)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    segment: Mapped[str] = mapped_column(String(32))  # a Segment value or "undetermined"
    agrees: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The professional's own rating of each axis (portal.domain.rating); None on older reviews.
    capability: Mapped[str | None] = mapped_column(String(16), nullable=True)
    risk: Mapped[str | None] = mapped_column(String(16), nullable=True)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kinds of service the person was guided to, comma-separated ids from a fixed list.
    routed: Mapped[str] = mapped_column(String(400), default="")
    appointment: Mapped[str | None] = mapped_column(String(16), nullable=True)


class AuditEntry(Base):
    """Who did what to which record, when. Staff actions may carry a time; never a code."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Tablet(Base):
    """A shared outreach tablet, enrolled by an administrator; its token is stored hashed."""

    __tablename__ = "tablets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MonthlyCount(Base):
    """Aggregate counters for statistics: a month and coarse categories, never a record id.

    Kept apart from the records so statistics outlive the records' short retention, and so no
    statistic can be joined back to a client record.
    """

    __tablename__ = "monthly_counts"
    __table_args__ = (
        UniqueConstraint("month", "event", "segment", "outcome", "language", "assisted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    event: Mapped[str] = mapped_column(String(16))  # "assessment" | "review"
    segment: Mapped[str] = mapped_column(String(32))  # provisional segment or "none"
    outcome: Mapped[str] = mapped_column(String(32), default="")  # see portal.domain.stats
    language: Mapped[str] = mapped_column(String(2), default="")
    assisted: Mapped[bool] = mapped_column(Boolean, default=False)
    count: Mapped[int] = mapped_column(Integer, default=0)


class CountedRedemption(Base):
    """A record whose first redemption has been counted, so opening it again is not counted
    twice. Only the record id (no date, no account): it goes with the record."""

    __tablename__ = "counted_redemptions"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
