"""Shared outreach tablets: enroll with a signed link, recognise by a device token, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Tablet

ENROLL_SALT = "portal/tablet-enroll/v1"
ENROLL_SECONDS = 24 * 3600


class EnrollmentError(Exception):
    """An enrollment link is broken, expired or for a revoked tablet; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "revoked"


@dataclass(frozen=True)
class Enrollment:
    tablet: Tablet
    token: str  # the signed link's token; holds the device secret, so shown once only


def _hash(device_secret: str) -> bytes:
    return hashlib.sha256(device_secret.encode()).digest()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=ENROLL_SALT)


def enroll(session: Session, label: str, *, secret_key: str, today: dt.date) -> Enrollment:
    """A new tablet and its one-day enrollment token (flushes; the caller commits)."""
    device_secret = secrets.token_urlsafe(32)
    tablet = Tablet(label=label, token_hash=_hash(device_secret), enrolled_on=today, active=True)
    session.add(tablet)
    session.flush()
    token = _serializer(secret_key).dumps({"id": tablet.id, "s": device_secret})
    return Enrollment(tablet, token)


def redeem_enrollment(
    session: Session, token: str, *, secret_key: str, max_age: int = ENROLL_SECONDS
) -> tuple[Tablet, str]:
    """The tablet and the device secret to keep in the tablet's cookie."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise EnrollmentError("expired") from None
    except BadSignature:
        raise EnrollmentError("invalid") from None
    tablet = session.get(Tablet, data.get("id"))
    device_secret = str(data.get("s", ""))
    if tablet is None or tablet.token_hash != _hash(device_secret):
        raise EnrollmentError("invalid")
    if not tablet.active:
        raise EnrollmentError("revoked")
    return tablet, device_secret


def recognise(session: Session, device_secret: str | None) -> Tablet | None:
    """The active tablet whose cookie this is, or None."""
    if not device_secret or len(device_secret) > 100:
        return None
    tablet = session.scalars(
        select(Tablet).where(Tablet.token_hash == _hash(device_secret))
    ).one_or_none()
    return tablet if tablet is not None and tablet.active else None


def revoke(session: Session, tablet_id: int) -> bool:
    tablet = session.get(Tablet, tablet_id)
    if tablet is None:
        return False
    tablet.active = False
    return True


def all_tablets(session: Session) -> list[Tablet]:
    return list(session.scalars(select(Tablet).order_by(Tablet.id)))
