"""`portal users create|disable|list`: accounts from the command line, passwords never echoed."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.commands import users
from portal.domain import accounts
from portal.models import AuditEntry
from tests.pro_support import PASSWORD, sessions


def run(app: Flask, *args: str, stdin: str = "") -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["users", *args], input=stdin)
    return result.exit_code, result.output


def test_create_reads_one_line_from_a_pipe(app: Flask) -> None:
    code, output = run(app, "create", "Anna", "--role", "admin", stdin=PASSWORD + "\n")
    assert code == 0, output
    assert output == "Made the admin account anna.\n"
    assert PASSWORD not in output
    with sessions(app)() as session:
        assert accounts.verify(
            session, "anna", PASSWORD, hasher=accounts.password_hasher(cheap=True)
        )
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.detail) == ("account_created", "admin:anna")


def test_create_asks_twice_on_a_terminal(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_on_terminal", lambda: True)
    stdin = f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n"
    code, output = run(app, "create", "anna", stdin=stdin)
    assert code == 0, output
    assert "Repeat password" in output and "Made the pro account anna." in output
    assert PASSWORD not in output


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("anna", "short", "at least 12 characters"),
        ("anna", "password2024", "too common"),
        ("a b", PASSWORD, "a user name has 2-64 characters"),
    ],
)
def test_create_refuses_with_one_clear_line(
    app: Flask, name: str, password: str, message: str
) -> None:
    code, output = run(app, "create", name, stdin=password + "\n")
    assert code == 1
    assert message in output and "Traceback" not in output


def test_create_refuses_a_taken_name_and_an_empty_stdin(app: Flask) -> None:
    run(app, "create", "anna", stdin=PASSWORD + "\n")
    assert "already an account" in run(app, "create", "ANNA", stdin=PASSWORD + "\n")[1]
    assert "no password on standard input" in run(app, "create", "ville")[1]


def test_disable_and_list(app: Flask) -> None:
    assert "No accounts yet" in run(app, "list")[1]
    run(app, "create", "anna", stdin=PASSWORD + "\n")
    run(app, "create", "boss", "--role", "admin", "--language", "sv", stdin=PASSWORD + "\n")
    assert run(app, "disable", "anna") == (0, "Disabled the account anna.\n")
    assert run(app, "list")[1].splitlines() == [
        "anna  pro    fi  disabled",
        "boss  admin  sv  active",
    ]
    assert run(app, "disable", "nobody")[0] == 1


def test_reset_second_factor_for_a_lost_phone(app: Flask) -> None:
    """Before: a professional who lost the phone and the recovery codes could never sign in
    again, and nobody could help short of editing the database."""
    import datetime as dt

    from portal.domain import second_factor

    run(app, "create", "anna", stdin=PASSWORD + "\n")
    with sessions(app)() as session:
        account = accounts.find(session, "anna")
        assert account is not None
        second_factor.enable(
            session, account, second_factor.new_secret(), app.extensions["portal.keyring"],
            dt.datetime(2026, 12, 1, 12, 0),
        )
        session.commit()
    code, output = run(app, "reset-second-factor", "Anna")
    assert code == 0, output
    assert output.startswith("Removed the second factor and the recovery codes of anna;")
    with sessions(app)() as session:
        account = accounts.find(session, "anna")
        assert account is not None and not second_factor.has_second_factor(account)
        assert account.recovery_hashes is None
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.detail, entry.username) == (
            "second_factor_off", "reset:anna", "(command line)"
        )
    assert "has no second factor: nothing to reset" in run(app, "reset-second-factor", "anna")[1]
    code, output = run(app, "reset-second-factor", "nobody")
    assert code == 1 and "there is no account named 'nobody'" in output
