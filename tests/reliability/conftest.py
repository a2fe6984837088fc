"""Fixtures for the reliability tests: a PostgreSQL schema of their own, the environment."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_URL, migrated_pg_schema

REDIS_DB = 0  # shared, never flushed: every key name is unique per run


@pytest.fixture
def fresh_pg_schema() -> Iterator[str]:
    with migrated_pg_schema("r") as schema:
        yield schema


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
