"""A second factor for staff: TOTP (an authenticator app, RFC 6238) and one-time recovery codes.

A stolen password alone must not open health data. The TOTP secret is stored sealed (AES-GCM
under a key derived from the code secret, bound to the account), so a copy of the database
alone cannot make codes; a code is accepted once (replay refused) and within one 30-second step
of the server's clock. Recovery codes are stored only as hashes and each works once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.codes import DATA_SYMBOLS
from portal.domain.keys import CodeKeyring
from portal.models import Account, StaffPolicy

ISSUER = "Self-check"
RECOVERY_CODES = 10
_REQUIRED = "second_factor_required"
_STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """What the enrolment QR holds (otpauth://), made and drawn on our server."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _normal(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def _matching_step(secret: str, typed: str, now: dt.datetime) -> int | None:
    digits = _normal(typed)
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = now.replace(tzinfo=dt.UTC).timestamp()
    for drift in (-1, 0, 1):
        at = moment + drift * _STEP
        if hmac.compare_digest(totp.at(at), digits):
            return int(at // _STEP)
    return None


def code_fits(secret: str, typed: str, now: dt.datetime) -> bool:
    """For enrolment: does the typed code fit a secret not saved yet?"""
    return _matching_step(secret, typed, now) is not None


def has_second_factor(account: Account) -> bool:
    return account.totp_secret is not None


def enable(
    session: Session, account: Account, secret: str, keyring: CodeKeyring, now: dt.datetime
) -> list[str]:
    """Save the (confirmed) secret and make fresh recovery codes; returns them, to show once."""
    account.totp_secret = keyring.seal_staff_secret(secret, account.id)
    account.totp_last_step = int(now.replace(tzinfo=dt.UTC).timestamp() // _STEP) + 1
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    account.recovery_hashes = ",".join(_hash(code) for code in codes)
    session.flush()
    return codes


def disable(session: Session, account: Account) -> None:
    account.totp_secret = None
    account.totp_last_step = None
    account.recovery_hashes = None
    session.flush()


def verify(
    session: Session, account: Account, typed: str, keyring: CodeKeyring, now: dt.datetime
) -> str | None:
    """"totp" or "recovery" if the typed code opens the account (and is used up), else None."""
    if account.totp_secret is None:
        return None
    secret = keyring.open_staff_secret(account.totp_secret, account.id)
    step = _matching_step(secret, typed, now)
    if step is not None and step > (account.totp_last_step or 0):
        account.totp_last_step = step
        session.flush()
        return "totp"
    hashes = (account.recovery_hashes or "").split(",")
    typed_hash = _hash(_normal(typed))
    if len(_normal(typed)) == 10 and typed_hash in hashes:
        hashes.remove(typed_hash)
        account.recovery_hashes = ",".join(hashes) or None
        session.flush()
        return "recovery"
    return None


def recovery_codes_left(account: Account) -> int:
    return len([h for h in (account.recovery_hashes or "").split(",") if h])


def required(session: Session) -> bool:
    """Has an administrator required a second factor of every account?"""
    row = session.get(StaffPolicy, _REQUIRED)
    return row is not None and row.value == "1"


def set_required(session: Session, on: bool) -> None:
    row = session.get(StaffPolicy, _REQUIRED)
    if row is None:
        session.add(StaffPolicy(key=_REQUIRED, value="1" if on else "0"))
    else:
        row.value = "1" if on else "0"
    session.flush()


def accounts_without(session: Session) -> int:
    query = select(Account).where(Account.active.is_(True), Account.totp_secret.is_(None))
    return len(session.scalars(query).all())


def _recovery_code() -> str:
    raw = "".join(secrets.choice(DATA_SYMBOLS) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(b"portal/recovery/v1:" + _normal(code).encode()).hexdigest()
