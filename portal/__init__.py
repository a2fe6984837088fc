"""The anonymous self-assessment portal: `create_app()` wires settings, storage, i18n and pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.config import ConfigError, Settings, load_settings
from portal.db import make_engine, make_session_factory

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ConfigError", "Settings", "create_app"]


def _settings_for(app: Flask, config: Settings | Mapping[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    settings = load_settings(Path(app.instance_path))
    if config:
        settings = settings.with_overrides(**dict(config))
    return settings


def _service_directory(settings: Settings) -> Any:
    """Read and check the service directory once, at start: a broken file stops start-up."""
    from portal.domain import service_directory

    try:
        if settings.services_path is None:
            return service_directory.load_default()
        return service_directory.load(settings.services_path)
    except service_directory.ServiceDirectoryError as exc:
        raise ConfigError(f"PORTAL_SERVICES: {exc.one_line()}") from None


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    from portal import i18n, security
    from portal.sessions import (
        RedisSessionStore,
        ServerSideSessionInterface,
        SessionStore,
        SqlSessionStore,
        VisitSessionData,
    )
    from portal.web import register_blueprints

    app = Flask(
        "portal",
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    settings = _settings_for(app, config)
    app.instance_path = str(settings.instance_path)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=64 * 1024,  # the biggest honest form is a few kilobytes
        WTF_CSRF_TIME_LIMIT=None,  # the token dies with the session, which has its own expiry
        PREFERRED_URL_SCHEME="https" if settings.production else "http",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT,
    )
    app.extensions["portal.settings"] = settings
    app.extensions["portal.services"] = _service_directory(settings)

    schema = settings.extra.get("schema")
    engine = make_engine(settings.database_url, schema=schema)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") else exc).strip().splitlines()[0]
        raise ConfigError(f"PORTAL_DATABASE_URL: cannot connect to the database ({reason})") from None
    app.extensions["portal.engine"] = engine
    app.extensions["portal.sessionmaker"] = make_session_factory(engine)

    redis_client = None
    if settings.redis_url:
        import redis

        redis_client = redis.Redis.from_url(settings.redis_url)
        try:
            redis_client.ping()
        except redis.RedisError as exc:
            raise ConfigError(f"PORTAL_REDIS_URL: cannot reach Redis ({exc})") from None
    app.extensions["portal.redis"] = redis_client

    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    store: SessionStore = (
        RedisSessionStore(redis_client) if redis_client is not None else SqlSessionStore(engine, now)
    )

    def lifetime(session: VisitSessionData) -> int:
        minutes = settings.staff_idle_minutes if "_user_id" in session else settings.visit_minutes
        return minutes * 60

    app.session_interface = ServerSideSessionInterface(
        store,
        secret=settings.secret_key.encode(),
        cookie_name="__Host-portal" if settings.production else "portal",
        secure=settings.production,
        lifetime=lifetime,
    )

    i18n.compile_catalogues(ROOT / "translations")
    Babel(app, locale_selector=i18n.select_locale)
    CSRFProtect(app)
    limiter = security.make_limiter(app, settings.redis_url or "memory://")
    app.extensions["portal.limits"] = security.RateLimits(
        limiter,
        {
            "login": settings.login_limit,
            "login_global": settings.login_limit_global,
            "redeem": settings.redeem_limit,
            "client_code": "120 per hour",
        },
    )
    app.after_request(security.set_headers)
    if settings.production:
        app.after_request(security.add_hsts)
    security.keep_addresses_out_of_logs()

    register_blueprints(app)

    from portal.cli import register_commands

    register_commands(app)
    return app
