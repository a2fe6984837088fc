"""The tables. Client records hold a date, never a time, and never the code itself."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (
    BigInteger,
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


# 64-bit ids: PostgreSQL's BIGINT; on SQLite an INTEGER primary key already holds 64 bits.
RecordId = BigInteger().with_variant(Integer(), "sqlite")


def new_record_id() -> int:
    """A random record id: a sequential one would tell the order (and number) of visits."""
    return 1 + secrets.randbelow(2**63 - 1)


class Submission(Base):
    """One finished self-assessment. Found by `lookup_key` (derived from the code with a slow KDF);
    the answers (and the provisional segment) are in `sealed_answers`, encrypted with a second
    key derived from the code and padded to a fixed size."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(
        RecordId, primary_key=True, autoincrement=False, default=new_record_id
    )
    lookup_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    sealed_answers: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    assisted: Mapped[bool] = mapped_column(Boolean, default=False)


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
    # The second factor (portal/domain/second_factor.py): a sealed TOTP secret, the last time
    # step used (a code works once), and the hashes of the unused recovery codes.
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary(128), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    recovery_hashes: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class Review(Base):
    """A professional's confirmation or correction of a provisional segment (date only)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RecordId, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
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
    """Who did what to which record, when. Never a code.

    `record_ref` is a keyed hash (code secret) of the record id, so the database alone cannot
    join an entry to a record; `at` is to the hour for record actions, to the minute otherwise.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    record_ref: Mapped[str | None] = mapped_column(String(16), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Tablet(Base):
    """A shared outreach tablet, enrolled by an administrator; its secrets are stored hashed.

    `enroll_hash` is the hash of the one-time set-up token until it is used (then None);
    `token_hash` is the hash of the device secret the tablet got in exchange (None until then).
    """

    __tablename__ = "tablets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True, nullable=True)
    enroll_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True, nullable=True)
    enroll_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
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
        RecordId, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )


class RateCounter(Base):
    """A rate-limit counter shared by every app instance when Redis is not configured.

    `key` is an HMAC (server secret) of the limit, its subject (a visit, an account name) and
    the time window, so the table never shows a name as typed.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class StaffPolicy(Base):
    """Settings an administrator chooses for every staff account (e.g. a second factor)."""

    __tablename__ = "staff_policy"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
