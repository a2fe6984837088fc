"""`portal …` commands, built on Flask's CLI so `portal run`, `routes` and `shell` need no --app."""

from __future__ import annotations

import sys
from typing import Any, cast

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command, with_appcontext
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


@click.command(
    "purge", help="Delete expired client records, ended visits and old audit entries, in batches."
)
@with_appcontext
def purge_command() -> None:
    from portal.clock import utc_now
    from portal.config import Settings
    from portal.housekeeping import purge

    settings = cast(Settings, current_app.extensions["portal.settings"])
    now = utc_now()
    done = purge(_engine(), now=now, today=now.date(), audit_days=settings.audit_days)
    click.echo(
        f"Removed {done.records} expired record(s), {done.visits} ended visit(s) and "
        f"{done.audit_entries} audit entr{'y' if done.audit_entries == 1 else 'ies'} "
        f"older than {settings.audit_days} days."
    )


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(purge_command)
    from portal.commands import (
        backup,
        errors,
        questionnaire,
        services,
        stats,
        tablets,
        translations,
        users,
    )

    for command in (
        questionnaire.questionnaire_group,
        questionnaire.assess_command,
        users.users_group,
        stats.stats_command,
        translations.translations_group,
        tablets.tablets_group,
        services.services_group,
        errors.errors_group,
        backup.backup_command,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from portal import create_app

    return create_app()


# Commands that read no table; every other one first brings the schema to the newest version,
# so `portal users create` works on a fresh clone without a separate `portal db upgrade`.
NO_SCHEMA_NEEDED = {"routes", "shell", "translations", "questionnaire", "assess", "db", "run"}


class PortalGroup(FlaskGroup):
    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and name not in NO_SCHEMA_NEEDED and "--help" not in rest:
            from portal import migrate

            app = ctx.ensure_object(ScriptInfo).load_app()
            migrate.upgrade(cast(Engine, app.extensions["portal.engine"]))
        return name, command, rest


cli = PortalGroup(
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
    except Exception as exc:
        from portal.db import is_unavailable

        if not is_unavailable(exc):
            raise
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        click.echo(
            f"portal: configuration error: PORTAL_DATABASE_URL: cannot reach the database ({reason})",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
