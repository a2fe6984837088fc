"""Per-request access to the settings, the database session and the rate limits."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import cast

from flask import current_app, g, has_request_context, request, session
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from portal.config import Settings
from portal.domain.keys import CodeKeyring
from portal.domain.questionnaire import Questionnaire, load, load_default, load_version
from portal.rate_limits import RateLimits

VISIT_KEY = "limit_key"


def settings() -> Settings:
    return cast(Settings, current_app.extensions["portal.settings"])


def limits() -> RateLimits:
    return cast(RateLimits, current_app.extensions["portal.limits"])


def now() -> dt.datetime:
    """The current time from the app's one clock (UTC, naive; see portal/clock.py)."""
    return cast(dt.datetime, current_app.extensions["portal.clock"]())


def today() -> dt.date:
    """Today's date in UTC, from the same clock."""
    return now().date()


def keyring() -> CodeKeyring:
    """The one holder of the code secret and the key-derivation cost, made at start-up."""
    return cast(CodeKeyring, current_app.extensions["portal.keyring"])


def visit_key() -> str:
    """A random name for this browser's visits, for per-visit rate limits.

    It outlives "a new person" on the same browser (forget_visit keeps it, as it keeps the
    language), so starting afresh does not reset the visit's limits. It says nothing about
    the person and is stored only hashed in the counters.
    """
    key = session.get(VISIT_KEY)
    if not isinstance(key, str):
        key = secrets.token_urlsafe(16)
        session[VISIT_KEY] = key
    return key


def db() -> Session:
    """The request's database session, opened on first use and closed at teardown."""
    if "db" not in g:
        # A request that may write takes SQLite's write lock when its transaction begins
        # (BEGIN IMMEDIATE, waiting its turn); pages that only read never block a writer.
        reads = request.method in ("GET", "HEAD")
        name = "portal.sessionmaker" if reads else "portal.write_sessionmaker"
        g.db = cast(sessionmaker[Session], current_app.extensions[name])()
    return cast(Session, g.db)


def one_write() -> Session | Engine:
    """Where a request's single write goes (a submission): the request's database session if
    it has opened one (so the write keeps to its transaction), else the writing engine, so
    that no ORM session is made for statements that do not need one."""
    if "db" in g:
        return cast(Session, g.db)
    return cast(Engine, current_app.extensions["portal.write_engine"])


def request_db() -> Session | None:
    """The request's database session, or None outside a request (the command line)."""
    return db() if has_request_context() else None


def end_db_before_saving_session(response: Response) -> Response:
    """End the request's transaction once the page is made, before the session is saved:
    on SQLite a write lock held until teardown would make the session's own write wait."""
    close_db()
    return response


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def questionnaire() -> Questionnaire:
    """The questionnaire new visits answer (a deployment may point PORTAL_QUESTIONNAIRE elsewhere)."""
    path = settings().questionnaire_path
    return _load_once(path) if path is not None else load_default()


# Read a deployment's own questionnaire file once per process, not on every request.
_load_once = functools.cache(load)


def questionnaire_for(questionnaire_id: str, version: str) -> Questionnaire:
    """The questionnaire a stored record was answered with (scoring is tied to the version)."""
    current = questionnaire()
    if (current.id, current.version) == (questionnaire_id, version):
        return current
    # Every packaged version stays installed (v1 for its open records); LookupError otherwise.
    return load_version(questionnaire_id, version)
