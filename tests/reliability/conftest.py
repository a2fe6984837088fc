"""Fixtures for the reliability tests: a PostgreSQL schema of their own, the environment."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from portal import migrate
from portal.db import make_engine
from tests.conftest import PG_URL, _pg_reachable, _require_service


@pytest.fixture
def fresh_pg_schema() -> Iterator[str]:
    _require_service("PostgreSQL", _pg_reachable())
    schema = f"r_{secrets.token_hex(5)}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, schema=schema)
    migrate.upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def portal_env(database_url: str, **more: str) -> dict[str, str]:
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": secrets.token_hex(16),
        "PORTAL_CODE_SECRET": secrets.token_hex(32),
        "PORTAL_KDF_LOG2N": "10",
        **more,
    }
