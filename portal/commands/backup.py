"""`portal backup PATH`: a consistent copy of the SQLite database while the site runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine


@click.command("backup", help="Copy the SQLite database to PATH while the portal runs.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    engine = cast(Engine, current_app.extensions["portal.engine"])
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "PostgreSQL: use pg_dump, e.g. `pg_dump --format=custom --file=portal.dump \"$URL\"`"
        )
    source = engine.url.database
    if not source:
        raise click.ClickException("the database is in memory: nothing to back up")
    if path.exists():
        raise click.ClickException(f"{path} exists already; choose a new file")
    # Records are sealed, but the copy is still personal data: only the owner may read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    # SQLite's online backup copies a consistent snapshot page by page, a few pages at a time,
    # so writers on the live site wait for milliseconds only.
    with sqlite3.connect(source, timeout=5) as live, sqlite3.connect(path) as copy:
        live.backup(copy, pages=256)
    with sqlite3.connect(path) as copy:
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {ok}")
    click.echo(f"Backed up to {path} (the code secret is not in it: keep that apart).")
