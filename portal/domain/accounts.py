"""Staff accounts: create, disable, list, check a password, change a password or a language.

Passwords are hashed with Argon2id (argon2-cffi). Every operation flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Account

ROLES: tuple[str, ...] = ("pro", "admin")
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # far above any passphrase; keeps a hostile input from costing much
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

WeakReason = Literal["too_short", "too_long", "common", "contains_name"]


class AccountError(Exception):
    """Base of the small exceptions about accounts; each carries a stable `reason` to translate."""


class WeakPassword(AccountError):
    def __init__(self, reason: WeakReason) -> None:
        super().__init__(reason)
        self.reason: WeakReason = reason


class BadName(AccountError):
    """A user name must be 2-64 characters: a-z, 0-9, dot, dash, underscore; letters first."""


class NameTaken(AccountError):
    pass


class UnknownAccount(AccountError):
    pass


class BadChoice(AccountError):
    """A role or a language that is not one of the allowed values."""


class WrongPassword(AccountError):
    pass


def password_hasher(cheap: bool = False) -> PasswordHasher:
    """Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile, ~50-150 ms here).

    `cheap` is for tests only: the same algorithm with a tiny cost, so a test run stays fast.
    """
    if cheap:
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def normalise_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_password_strength(password: str, username: str = "") -> None:
    """Raise WeakPassword if the password is too short, too long, common or holds the name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("too_short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword("too_long")
    folded = unicodedata.normalize("NFKC", password).lower()
    common = common_passwords()
    # A listed word with digits or symbols at the end ("Password2024!") is no stronger than the word.
    stem = folded.rstrip("0123456789!@#$%^&*()-_=+.,;:?/ ")
    half = folded[: len(folded) // 2]
    doubled = folded == half * 2  # "passwordpassword"
    if folded in common or stem in common or (doubled and half in common) or len(set(folded)) <= 2:
        raise WeakPassword("common")
    name = normalise_name(username)
    if len(name) >= 3 and name in folded:
        raise WeakPassword("contains_name")


def create(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    today: dt.date,
    hasher: PasswordHasher,
    language: str = "fi",
) -> Account:
    """Add an account; BadName, NameTaken, BadChoice or WeakPassword if something is wrong."""
    name = normalise_name(username)
    if not _NAME.fullmatch(name):
        raise BadName(name)
    if role not in ROLES or language not in LANGUAGES:
        raise BadChoice(role if role not in ROLES else language)
    check_password_strength(password, name)
    if find(session, name) is not None:
        raise NameTaken(name)
    account = Account(
        username=name,
        password_hash=hasher.hash(password),
        role=role,
        language=language,
        active=True,
        created_on=today,
    )
    session.add(account)
    session.flush()
    return account


def find(session: Session, username: str) -> Account | None:
    name = normalise_name(username)
    return session.scalars(select(Account).where(Account.username == name)).one_or_none()


def get(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def list_accounts(session: Session) -> Sequence[Account]:
    return session.scalars(select(Account).order_by(Account.username)).all()


def disable(session: Session, username: str) -> Account:
    """Switch an account off for good (its audit entries stay); UnknownAccount if there is none."""
    account = find(session, username)
    if account is None:
        raise UnknownAccount(normalise_name(username))
    account.active = False
    session.flush()
    return account


def verify(
    session: Session, username: str, password: str, *, hasher: PasswordHasher
) -> Account | None:
    """The active account if the name and password match, else None.

    An unknown or disabled name still costs one hash, so timing does not tell which names exist.
    An old hash is upgraded to the current parameters on a successful check.
    """
    account = find(session, username) if len(password) <= MAX_PASSWORD_LENGTH else None
    if account is None or not account.active:
        _burn(hasher, password)
        return None
    try:
        hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
        session.flush()
    return account


def change_password(
    session: Session, account: Account, *, current: str, new: str, hasher: PasswordHasher
) -> None:
    """WrongPassword if `current` does not match; WeakPassword if `new` is not good enough."""
    try:
        hasher.verify(account.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise WrongPassword(account.username) from None
    check_password_strength(new, account.username)
    account.password_hash = hasher.hash(new)
    session.flush()


def set_language(session: Session, account: Account, language: str) -> None:
    if language not in LANGUAGES:
        raise BadChoice(language)
    account.language = language
    session.flush()


@functools.cache
def _dummy_hash(hasher_params: tuple[int, int, int]) -> str:
    time_cost, memory_cost, parallelism = hasher_params
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return str(hasher.hash("not a real password, only a timing stand-in"))


def _burn(hasher: PasswordHasher, password: str) -> None:
    dummy = _dummy_hash((hasher.time_cost, hasher.memory_cost, hasher.parallelism))
    try:
        hasher.verify(dummy, password[:MAX_PASSWORD_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass
