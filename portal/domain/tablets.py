"""Shared outreach tablets: enroll with a one-time link, recognise by a device secret, revoke.

The set-up link holds only a random one-time token (its hash is stored). Opening the link and
pressing "Set up" exchanges the token, once, for a fresh device secret that goes straight into
the tablet's cookie and never appears in a URL; the token is then dead. So whoever sees the
link later (a browser history, a proxy log, a chat where it was pasted) has nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Tablet

ENROLL_SECONDS = 24 * 3600
_MAX_TOKEN = 100  # a token is 43 characters; anything much longer is not one


class EnrollmentError(Exception):
    """A set-up link is broken, used, expired or for a revoked tablet; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "revoked"


@dataclass(frozen=True)
class Enrollment:
    tablet: Tablet
    token: str  # the one-time set-up token, shown once in the link; only its hash is kept


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def enroll(session: Session, label: str, *, today: dt.date, now: dt.datetime) -> Enrollment:
    """A new tablet and its one-time, one-day set-up token (flushes; the caller commits)."""
    token = secrets.token_urlsafe(32)
    tablet = Tablet(
        label=label,
        token_hash=None,
        enroll_hash=_hash(token),
        enroll_until=now + dt.timedelta(seconds=ENROLL_SECONDS),
        enrolled_on=today,
        active=True,
    )
    session.add(tablet)
    session.flush()
    return Enrollment(tablet, token)


def _pending(session: Session, token: str, now: dt.datetime) -> Tablet:
    if not token or len(token) > _MAX_TOKEN:
        raise EnrollmentError("invalid")
    tablet = session.scalars(select(Tablet).where(Tablet.enroll_hash == _hash(token))).one_or_none()
    if tablet is None or tablet.enroll_until is None:
        raise EnrollmentError("invalid")  # never made, or used already
    if not tablet.active:
        raise EnrollmentError("revoked")
    if tablet.enroll_until < now:
        raise EnrollmentError("expired")
    return tablet


def check_enrollment(session: Session, token: str, *, now: dt.datetime) -> Tablet:
    """The tablet a set-up token would enroll, without using the token up."""
    return _pending(session, token, now)


def redeem_enrollment(session: Session, token: str, *, now: dt.datetime) -> tuple[Tablet, str]:
    """Use the token up and give the tablet a fresh device secret, for its cookie (flushes)."""
    tablet = _pending(session, token, now)
    device_secret = secrets.token_urlsafe(32)
    tablet.token_hash = _hash(device_secret)
    tablet.enroll_hash = None
    tablet.enroll_until = None
    session.flush()
    return tablet, device_secret


def recognise(session: Session, device_secret: str | None) -> Tablet | None:
    """The active tablet whose cookie this is, or None."""
    if not device_secret or len(device_secret) > _MAX_TOKEN:
        return None
    tablet = session.scalars(
        select(Tablet).where(Tablet.token_hash == _hash(device_secret))
    ).one_or_none()
    return tablet if tablet is not None and tablet.active else None


def revoke(session: Session, tablet_id: int) -> bool:
    tablet = session.get(Tablet, tablet_id) if 0 < tablet_id < 2**31 else None
    if tablet is None:
        return False
    tablet.active = False
    return True


def all_tablets(session: Session) -> list[Tablet]:
    return list(session.scalars(select(Tablet).order_by(Tablet.id)))
