"""Per-request access to the settings, the database session and the rate limits."""

from __future__ import annotations

import functools
from typing import cast

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from portal.config import Settings
from portal.domain.questionnaire import Questionnaire, load, load_default, load_version
from portal.security import RateLimits


def settings() -> Settings:
    return cast(Settings, current_app.extensions["portal.settings"])


def limits() -> RateLimits:
    return cast(RateLimits, current_app.extensions["portal.limits"])


def db() -> Session:
    """The request's database session, opened on first use and closed at teardown."""
    if "db" not in g:
        factory = cast(sessionmaker[Session], current_app.extensions["portal.sessionmaker"])
        g.db = factory()
    return cast(Session, g.db)


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
