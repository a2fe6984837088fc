"""Fixtures: a fresh, migrated database per test on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from portal import create_app, migrate
from portal.config import Settings
from portal.db import Base, make_engine, make_session_factory

PG_URL = os.environ.get("PORTAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BACKENDS = ["sqlite", "postgres"]


def _pg_reachable() -> bool:
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def _require_service(name: str, ok: bool) -> None:
    if ok:
        return
    message = f"{name} is not reachable on this machine"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must test the production path for real)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextlib.contextmanager
def migrated_pg_schema(prefix: str) -> Iterator[str]:
    """A new, migrated PostgreSQL schema, dropped afterwards (parallel runs never collide)."""
    _require_service("PostgreSQL", _pg_reachable())
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, schema=schema)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    """One migrated PostgreSQL schema per test session."""
    with migrated_pg_schema("t") as schema:
        yield schema


def _truncate_pg(engine: Engine) -> None:
    names = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of an empty, migrated database for this test."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "portal.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}", None
        return
    schema = request.getfixturevalue("pg_schema")
    engine = make_engine(PG_URL, schema=schema)
    _truncate_pg(engine)
    engine.dispose()
    yield PG_URL, schema


@pytest.fixture
def db_engine(database_url: tuple[str, str | None]) -> Iterator[Engine]:
    url, schema = database_url
    engine = make_engine(url, schema=schema)
    assert "submissions" in inspect(engine).get_table_names()
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A session on a fresh database; the test commits as the app would."""
    session = make_session_factory(db_engine)()
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: tuple[str, str | None]) -> Settings:
    url, schema = database_url
    return Settings(
        instance_path=tmp_path / "instance",
        secret_key=secrets.token_hex(16),
        code_secret=secrets.token_bytes(32),
        database_url=url,
        kdf_log2n=10,  # cheap KDF in tests; the benchmark measures the real cost
        testing=True,
        extra={"schema": schema} if schema else {},
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """A fresh app on a fresh database (SQLite and PostgreSQL), CSRF on as in production."""
    application = create_app(settings)
    yield application
    application.extensions["portal.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the form on `path`, read as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)
