"""Staff accounts: strong passwords only, Argon2id hashes, a disabled account cannot sign in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from portal.domain import accounts
from portal.models import Account

TODAY = dt.date(2025, 3, 1)
HASHER = accounts.password_hasher(cheap=True)
GOOD = "river stone lantern"


def make(session: Session, name: str = "anna", password: str = GOOD, role: str = "pro") -> Account:
    return accounts.create(
        session, username=name, password=password, role=role, today=TODAY, hasher=HASHER
    )


def test_a_password_is_stored_as_an_argon2id_hash_never_as_itself(db_session: Session) -> None:
    account = make(db_session)
    assert account.password_hash.startswith("$argon2id$")
    assert GOOD not in account.password_hash


def test_the_real_hasher_is_argon2id_at_the_library_defaults() -> None:
    real = accounts.password_hasher()
    assert real.hash(GOOD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short one", "too_short"),
        ("x" * 257, "too_long"),
        ("password1234", "common"),
        ("Salasana2024!", "common"),
        ("qwertyuiop123", "common"),
        ("passwordpassword", "common"),
        ("aaaaaaaaaaaaaa", "common"),
        ("abababababababab", "common"),
        ("anna-the-social-worker", "contains_name"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, reason: str) -> None:
    with pytest.raises(accounts.WeakPassword) as caught:
        accounts.check_password_strength(password, "anna")
    assert caught.value.reason == reason


def test_the_common_password_list_is_short_lower_case_and_shipped() -> None:
    common = accounts.common_passwords()
    assert 200 <= len(common) <= 2000
    assert all(word == word.lower() for word in common)
    assert {"123456", "password", "salasana", "lösenord", "qwerty"} <= common


def test_names_are_case_insensitive_and_unique(db_session: Session) -> None:
    make(db_session, name="Anna.K")
    with pytest.raises(accounts.NameTaken):
        make(db_session, name="anna.k")
    assert accounts.find(db_session, "ANNA.K") is not None


@pytest.mark.parametrize("name", ["a", "-anna", "anna smith", "änna", "x" * 65])
def test_odd_names_are_refused(db_session: Session, name: str) -> None:
    with pytest.raises(accounts.BadName):
        make(db_session, name=name)


def test_an_unknown_role_is_refused(db_session: Session) -> None:
    with pytest.raises(accounts.BadChoice):
        make(db_session, role="root")


def test_verify_returns_the_account_only_for_the_right_password(db_session: Session) -> None:
    make(db_session)
    assert accounts.verify(db_session, "ANNA", GOOD, hasher=HASHER) is not None
    assert accounts.verify(db_session, "anna", GOOD + "!", hasher=HASHER) is None
    assert accounts.verify(db_session, "nobody", GOOD, hasher=HASHER) is None


def test_a_disabled_account_cannot_sign_in(db_session: Session) -> None:
    make(db_session)
    accounts.disable(db_session, "anna")
    assert accounts.verify(db_session, "anna", GOOD, hasher=HASHER) is None
    with pytest.raises(accounts.UnknownAccount):
        accounts.disable(db_session, "nobody")


def test_an_old_hash_is_upgraded_on_a_successful_sign_in(db_session: Session) -> None:
    account = make(db_session)
    stronger = accounts.PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    before = account.password_hash
    assert accounts.verify(db_session, "anna", GOOD, hasher=stronger) is account
    assert account.password_hash != before
    assert "t=2" in account.password_hash


def test_changing_a_password_needs_the_current_one_and_a_strong_new_one(
    db_session: Session,
) -> None:
    account = make(db_session)
    with pytest.raises(accounts.WrongPassword):
        accounts.change_password(
            db_session, account, current="not it at all", new="a new long phrase", hasher=HASHER
        )
    with pytest.raises(accounts.WeakPassword):
        accounts.change_password(
            db_session, account, current=GOOD, new="password123", hasher=HASHER
        )
    accounts.change_password(
        db_session, account, current=GOOD, new="a new long phrase", hasher=HASHER
    )
    assert accounts.verify(db_session, "anna", "a new long phrase", hasher=HASHER) is account


def test_the_language_sticks_to_the_account(db_session: Session) -> None:
    account = make(db_session)
    accounts.set_language(db_session, account, "sv")
    db_session.commit()
    assert accounts.find(db_session, "anna").language == "sv"  # type: ignore[union-attr]
    with pytest.raises(accounts.BadChoice):
        accounts.set_language(db_session, account, "de")


def test_accounts_are_listed_by_name(db_session: Session) -> None:
    make(db_session, name="ville")
    make(db_session, name="anna", role="admin")
    assert [a.username for a in accounts.list_accounts(db_session)] == ["anna", "ville"]
