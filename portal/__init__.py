"""The anonymous self-assessment portal: `create_app()` wires settings, storage, i18n and pages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from portal import clock
from portal.config import ConfigError, Settings, load_settings
from portal.db import (
    CONNECT_TIMEOUT_S,
    STATEMENT_TIMEOUT_MS,
    make_engine,
    make_session_factory,
    write_engine,
)

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def asset_dir(name: str) -> Path:
    """templates/, static/ or translations/: inside the package when installed from the wheel,
    at the top of the checkout otherwise."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else ROOT / name


def default_instance_path() -> Path:
    """PORTAL_INSTANCE_PATH, else instance/ in a checkout, else instance/ in the working folder."""
    chosen = os.environ.get("PORTAL_INSTANCE_PATH")
    if chosen:
        return Path(chosen)
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / "instance"
    return Path.cwd() / "instance"

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
    from portal.rate_limits import Counters, RateLimits, RedisCounters, SqlCounters, limits_of
    from portal.sessions import (
        RedisSessionStore,
        ServerSideSessionInterface,
        SessionStore,
        SqlSessionStore,
        VisitSessionData,
    )
    from portal.web import register_blueprints
    from portal.web.context import request_db
    from portal.web.errors import turn_into_unavailable

    app = Flask(
        "portal",
        instance_path=str(default_instance_path()),
        template_folder=str(asset_dir("templates")),
        static_folder=str(asset_dir("static")),
    )
    settings = _settings_for(app, config)
    app.instance_path = str(settings.instance_path)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=64 * 1024,  # the biggest honest form is a few kilobytes
        WTF_CSRF_TIME_LIMIT=None,  # the token dies with the session, which has its own expiry
        PREFERRED_URL_SCHEME="https" if settings.production else "http",
        BABEL_TRANSLATION_DIRECTORIES=str(asset_dir("translations")),
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT,
        # Our forms carry their own translated messages; Flask-WTF's own i18n would load a
        # WTForms .mo file from disk on every request.
        WTF_I18N_ENABLED=False,
    )
    app.extensions["portal.settings"] = settings
    app.extensions["portal.services"] = _service_directory(settings)
    app.url_map.converters["int"] = security.BoundedIntConverter

    schema = settings.extra.get("schema")
    # Start-up checks the configuration, never whether the database answers: a worker that
    # boots while the database is away serves the "try again" page and recovers by itself.
    engine = make_engine(settings.database_url, schema=schema)
    # An SQL error's message must not carry its parameters (a typed user name, a password).
    engine.hide_parameters = True
    app.extensions["portal.engine"] = engine
    app.extensions["portal.sessionmaker"] = make_session_factory(engine)
    # Requests that may write: made once (an engine with options per request cost 0.1 ms).
    writes = write_engine(engine)
    app.extensions["portal.write_engine"] = writes
    app.extensions["portal.write_sessionmaker"] = make_session_factory(writes)

    redis_client = None
    if settings.redis_url:
        import redis

        redis_client = redis.Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=STATEMENT_TIMEOUT_MS / 1000,
        )
    app.extensions["portal.redis"] = redis_client

    app.extensions.setdefault("portal.clock", clock.utc_now)

    def now() -> dt.datetime:
        return cast(dt.datetime, app.extensions["portal.clock"]())

    store: SessionStore
    session_engine = engine
    if redis_client is not None:
        store = RedisSessionStore(redis_client, now=now)
    else:
        if engine.dialect.name == "sqlite":  # visits need no fsync per write; records do
            session_engine = make_engine(settings.database_url, durable=False)
        store = SqlSessionStore(session_engine, now)
    # Every pool this app holds, for after_fork.
    app.extensions["portal.engines"] = [engine] if session_engine is engine else [engine, session_engine]

    def lifetime(session: VisitSessionData) -> int:
        minutes = settings.staff_idle_minutes if "_user_id" in session else settings.visit_minutes
        return minutes * 60

    app.session_interface = ServerSideSessionInterface(
        store,
        secret=settings.secret_key.encode(),
        cookie_name="__Host-portal" if settings.production else "portal",
        secure=settings.production,
        lifetime=lifetime,
        now=now,
        on_unavailable=turn_into_unavailable,
    )

    i18n.compile_catalogues(asset_dir("translations"))
    Babel(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)
    CSRFProtect(app)
    security.install_csrf_token(app)
    app.extensions["portal.keyring"] = settings.code_keyring()
    counters: Counters = (
        RedisCounters(redis_client)
        if redis_client is not None
        else SqlCounters(engine, current=request_db, now=now)
    )
    app.extensions["portal.limits"] = RateLimits(
        counters, settings.secret_key.encode(), limits_of(settings), now=now
    )
    app.before_request(security.refuse_control_characters)
    from portal.web.context import end_db_before_saving_session

    app.after_request(security.set_headers)
    app.after_request(end_db_before_saving_session)
    if settings.production:
        app.after_request(security.add_hsts)
    register_blueprints(app)
    from portal.web.context import questionnaire

    with app.app_context():
        item_ids = [item.id for item in questionnaire().items]
    security.install_log_hygiene(app, item_ids)

    from portal.cli import register_commands

    register_commands(app)
    return app


def warm_up(app: Any) -> None:
    """Compile every template and load every language's catalogue now, not at the first
    request that needs them: run in a forking server's master, before its workers exist."""
    if not isinstance(app, Flask) or "portal.settings" not in app.extensions:
        return  # not the portal (the benchmark's bare page runs with this config too)
    from flask_babel import force_locale, get_translations

    from portal.i18n import LANGUAGES

    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    with app.test_request_context("/"):
        for code in LANGUAGES:
            with force_locale(code):
                get_translations()


def after_fork(app: Any) -> None:
    """In a newly forked worker: drop the database connections inherited from the parent, so
    two processes never share one (SQLAlchemy's advice for os.fork). None are expected, since
    setting up opens none, but a pool must never be shared by accident."""
    for engine in getattr(app, "extensions", {}).get("portal.engines", ()):
        engine.dispose(close=False)
