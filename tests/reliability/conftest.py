"""Fixtures for the reliability tests: a PostgreSQL schema of their own, the environment."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from portal import migrate
from portal.db import make_engine
from tests.conftest import PG_URL, _pg_reachable, _require_service

REDIS_DB = 0  # issue 16 (CONTRACT.md: issue number mod 16)


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


@pytest.fixture(params=["sqlite", "postgres+redis"])
def load_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        yield portal_env(url, PORTAL_REDEEM_LIMIT="100000 per hour")
        return
    import redis

    schema = request.getfixturevalue("fresh_pg_schema")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        # No FLUSHDB: tests running in parallel share this database; their keys never collide
        # (sessions are keyed by random ids, limits by names unique to each test).
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    yield portal_env(url, PORTAL_REDIS_URL=redis_url, PORTAL_REDEEM_LIMIT="100000 per hour")
