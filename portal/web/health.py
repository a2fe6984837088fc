"""Health endpoints for the process manager and the load balancer: plain text, no session."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, current_app
from sqlalchemy import Engine, text

from portal.db import is_unavailable

bp = Blueprint("health", __name__)


def _plain(body: str, status: int) -> tuple[str, int, dict[str, str]]:
    return body + "\n", status, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """The process answers (says nothing about the database: a restart would not help it)."""
    return _plain("ok", 200)


@bp.get("/readyz")
def readyz() -> tuple[str, int, dict[str, str]]:
    """The database (and Redis, when configured) answer now; 503 naming what does not."""
    from portal import migrate  # Alembic is loaded only when a probe asks, not in every worker

    problems: list[str] = []
    engine = cast(Engine, current_app.extensions["portal.engine"])
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
            try:
                current = set(conn.execute(text("select version_num from alembic_version")).scalars())
            except Exception as exc:
                if is_unavailable(exc):
                    raise
                current = set()
        if current != migrate.head_revisions():
            problems.append("database: schema is not at the newest version (run portal db upgrade)")
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        problems.append("database: not reachable")
    redis_client: Any = current_app.extensions.get("portal.redis")
    if redis_client is not None:
        try:
            redis_client.ping()
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            problems.append("redis: not reachable")
    if problems:
        return _plain("\n".join(problems), 503)
    return _plain("ready", 200)
