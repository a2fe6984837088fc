"""`portal users create|disable|reset-second-factor|list`: staff accounts from the command line."""

from __future__ import annotations

import sys
from typing import cast

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session, sessionmaker

from portal.clock import utc_now
from portal.domain import accounts, audit, second_factor
from portal.domain.audit import Action

# Plain English, as every `portal` command speaks: the operator reads these, not a client.
WEAK = {
    "too_short": f"the password must have at least {accounts.MIN_PASSWORD_LENGTH} characters",
    "too_long": f"the password must have at most {accounts.MAX_PASSWORD_LENGTH} characters",
    "common": "the password is too common or too easy to guess",
    "contains_name": "the password must not contain the user name",
}


def _session() -> Session:
    factory = cast(sessionmaker[Session], current_app.extensions["portal.sessionmaker"])
    return factory()


def _audited(session: Session, action: Action, detail: str) -> None:
    """Write the command's audit entry (the actor is the command line) and commit with it."""
    audit.record(
        session, action, at=utc_now().replace(microsecond=0), username="(command line)",
        detail=detail[:64],
    )
    session.commit()


def _on_terminal() -> bool:
    return sys.stdin.isatty()


def _read_password() -> str:
    """Twice, hidden, on a terminal; one line from standard input otherwise (for scripts)."""
    if _on_terminal():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password"))
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException("no password on standard input")
    return line.rstrip("\r\n")


@click.group("users", cls=AppGroup, help="Staff accounts (professionals and administrators).")
def users_group() -> None:
    pass


@users_group.command("create", help="Make an account; asks for its password.")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), default="pro", show_default=True)
@click.option("--language", type=click.Choice(accounts.LANGUAGES), default="fi", show_default=True)
def create(name: str, role: str, language: str) -> None:
    password = _read_password()
    cheap = bool(current_app.config.get("TESTING"))
    with _session() as session:
        try:
            made = accounts.create(
                session,
                username=name,
                password=password,
                role=role,
                language=language,
                today=utc_now().replace(microsecond=0).date(),
                hasher=accounts.password_hasher(cheap=cheap),
            )
        except accounts.WeakPassword as weak:
            raise click.ClickException(WEAK[weak.reason]) from None
        except accounts.BadName:
            raise click.ClickException(
                "a user name has 2-64 characters: a-z, 0-9, dot, dash or underscore, "
                "starting with a letter or a digit"
            ) from None
        except accounts.NameTaken:
            raise click.ClickException(f"there is already an account named {name!r}") from None
        _audited(session, Action.ACCOUNT_CREATED, f"{made.role}:{made.username}")
        click.echo(f"Made the {made.role} account {made.username}.")


@users_group.command("disable", help="Switch an account off (its audit entries stay).")
@click.argument("name")
def disable(name: str) -> None:
    with _session() as session:
        try:
            gone = accounts.disable(session, name)
        except accounts.UnknownAccount:
            raise click.ClickException(f"there is no account named {name!r}") from None
        _audited(session, Action.ACCOUNT_DISABLED, gone.username)
        click.echo(f"Disabled the account {gone.username}.")


@users_group.command(
    "reset-second-factor",
    help="For a professional who lost the phone and the recovery codes: remove the account's "
    "second factor; the next sign-in sets a new one up (when one is required) or goes on "
    "without. Check who is asking first, in person or by a known number.",
)
@click.argument("name")
def reset_second_factor(name: str) -> None:
    with _session() as session:
        account = accounts.find(session, name)
        if account is None:
            raise click.ClickException(f"there is no account named {name!r}")
        if not second_factor.has_second_factor(account):
            click.echo(f"The account {account.username} has no second factor: nothing to reset.")
            return
        second_factor.disable(session, account)
        _audited(session, Action.SECOND_FACTOR_OFF, f"reset:{account.username}")
        required = second_factor.required(session)
        then = "sets a new one up" if required else "needs the password only"
        click.echo(
            f"Removed the second factor and the recovery codes of {account.username}; "
            f"the next sign-in {then}."
        )


@users_group.command("list", help="Every account, with its role, language and status.")
def list_command() -> None:
    with _session() as session:
        rows = accounts.list_accounts(session)
        if not rows:
            click.echo("No accounts yet. Make one with: portal users create NAME --role admin")
            return
        width = max(len(a.username) for a in rows)
        for a in rows:
            status = "active" if a.active else "disabled"
            click.echo(f"{a.username:<{width}}  {a.role:<5}  {a.language}  {status}")
