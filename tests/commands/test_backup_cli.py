"""`portal backup PATH`: an online copy of SQLite that holds the records; pg_dump is named."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from flask import Flask

from portal.config import Settings
from tests.pro_support import sessions, store


def test_backup_copies_the_live_sqlite_database(
    app: Flask, settings: Settings, backend: str, tmp_path: Path
) -> None:
    with sessions(app)() as db:
        store(db, settings)
    target = tmp_path / "copy.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    if backend == "postgres":
        assert result.exit_code == 1 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from submissions").fetchone() == (1,)
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "exists already" in again.output
