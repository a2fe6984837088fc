"""`portal …` commands, built on Flask's CLI so `portal run`, `routes` and `shell` need no --app."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, cast

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command
from flask.cli import run_command as flask_run
from sqlalchemy import Engine

from portal.config import ConfigError


def _engine() -> Engine:
    return cast(Engine, current_app.extensions["portal.engine"])


@click.group("db", help="Database schema.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Bring the database schema to the newest version.")
def db_upgrade() -> None:
    from portal import migrate

    migrate.upgrade(_engine())
    click.echo("Database schema is up to date.")


@click.command("run", params=list(flask_run.params), help="Apply migrations, then serve the portal.")
@click.pass_context
def run_command(ctx: click.Context, /, **kwargs: Any) -> None:
    from portal import migrate

    app = ctx.ensure_object(ScriptInfo).load_app()
    migrate.upgrade(cast(Engine, app.extensions["portal.engine"]))
    ctx.invoke(flask_run, **kwargs)


@click.command("purge", help="Delete expired client records and abandoned visits.")
def purge_command() -> None:
    from sqlalchemy import delete

    from portal.models import VisitSession

    engine = _engine()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        visits = conn.execute(delete(VisitSession).where(VisitSession.expires_at <= now)).rowcount
    from portal.db import make_session_factory
    from portal.domain import submissions

    with make_session_factory(engine)() as session:
        removed = submissions.purge_expired(session, today=dt.date.today())
        session.commit()
    click.echo(f"Removed {removed} expired record(s) and {visits} abandoned visit(s).")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(purge_command)
    from portal.commands import questionnaire, services, stats, tablets, translations, users

    for command in (
        questionnaire.questionnaire_group,
        questionnaire.assess_command,
        users.users_group,
        stats.stats_command,
        translations.translations_group,
        tablets.tablets_group,
        services.services_group,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from portal import create_app

    return create_app()


cli = FlaskGroup(
    name="portal",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    help="The anonymous self-assessment portal.",
)
cli.add_command(run_command)
cli.add_command(shell_command)
cli.add_command(routes_command)


def main() -> None:
    try:
        cli.main(prog_name="portal")
    except ConfigError as exc:
        click.echo(f"portal: configuration error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
