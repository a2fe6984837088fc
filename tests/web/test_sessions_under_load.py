"""Sessions under load: reads write nothing, empty sessions have no row, concurrent answers merge,
and a busy or absent store gives the "try again" page (503) with the visit kept."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.config import Settings
from portal.models import VisitSession
from portal.sessions import ServerSideSessionInterface
from tests.web.test_client_path import Q, answer, count, first_option, start, token


def rows(app: Flask) -> list[tuple[str, bytes, dt.datetime]]:
    with app.extensions["portal.sessionmaker"]() as db:
        return [(r.id, r.data, r.expires_at) for r in db.scalars(select(VisitSession))]


def test_a_first_visit_to_the_landing_page_creates_no_session_row(
    app: Flask, client: FlaskClient
) -> None:
    html = client.get("/").get_data(as_text=True)
    client.get("/about")
    assert count(app, VisitSession) == 0
    # ...and its form still works: the token is derived from the id the cookie carries.
    response = client.post("/start", data={"csrf_token": token(html)})
    assert response.status_code == 303
    assert count(app, VisitSession) == 1


def test_health_endpoints_answer_without_a_session(app: Flask, client: FlaskClient) -> None:
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and "Set-Cookie" not in ready.headers
    assert count(app, VisitSession) == 0


def test_a_page_that_changes_nothing_writes_nothing(app: Flask, client: FlaskClient) -> None:
    start(client)
    assert answer(client, Q.items[0].id, first_option(Q.items[0].id)).status_code == 303
    before = rows(app)
    for _ in range(3):
        assert client.get(f"/q/{Q.items[1].id}").status_code == 200
        assert client.get(f"/q/{Q.items[0].id}").status_code == 200
    assert rows(app) == before


def test_an_unchanged_session_renews_its_expiry_after_a_minute(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    interface = app.session_interface
    assert isinstance(interface, ServerSideSessionInterface)
    (key, blob, expires), = rows(app)
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=90)
    interface.now = lambda: later
    assert client.get(f"/q/{Q.items[0].id}").status_code == 200
    ((key2, blob2, expires2),) = rows(app)
    assert (key2, blob2) == (key, blob) and expires2 > expires


def _stored_answers(app: Flask, cookie: str) -> dict[str, Any]:
    interface = app.session_interface
    with app.test_request_context("/", headers={"Cookie": f"portal={cookie}"}):
        session = interface.open_session(app, request)
        assert session is not None
        return dict(session["visit"]["answers"])


def _concurrent_answers(app: Flask, cookie: str, first: str, second: str) -> None:
    """Two requests on one visit that both read before either writes (a double tap, two tabs)."""
    interface = app.session_interface
    contexts = [
        app.test_request_context("/", method="POST", headers={"Cookie": f"portal={cookie}"})
        for _ in range(2)
    ]
    sessions = []
    for ctx in contexts:
        with ctx:
            sessions.append(interface.open_session(app, request))
    for ctx, session, item_id in zip(contexts, sessions, (first, second), strict=True):
        with ctx:
            assert session is not None
            session["visit"]["answers"][item_id] = first_option(item_id)
            session.modified = True
            interface.save_session(app, session, app.response_class())


def test_two_answers_sent_at_once_on_one_visit_are_both_kept(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    cookie = client.get_cookie("portal")
    assert cookie is not None
    a, b = Q.items[0].id, Q.items[1].id
    _concurrent_answers(app, cookie.value, a, b)
    assert set(_stored_answers(app, cookie.value)) == {a, b}


@pytest.mark.redis
def test_two_answers_sent_at_once_are_both_kept_in_redis(settings: Settings) -> None:
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")
    app = create_app(settings.with_overrides(redis_url=url))
    client = app.test_client()
    start(client)
    cookie = client.get_cookie("portal")
    assert cookie is not None
    a, b = Q.items[0].id, Q.items[1].id
    _concurrent_answers(app, cookie.value, a, b)
    assert set(_stored_answers(app, cookie.value)) == {a, b}
    app.extensions["portal.engine"].dispose()


@pytest.fixture
def locked_sqlite(
    settings: Settings, backend: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Flask, sqlite3.Connection]]:
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    monkeypatch.setattr("portal.db.BUSY_TIMEOUT_MS", 200)
    app = create_app(settings)
    holder = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), timeout=0.1)
    holder.isolation_level = None
    yield app, holder
    holder.close()
    app.extensions["portal.engine"].dispose()


def test_a_held_write_lock_gives_the_try_again_page_and_keeps_the_visit(
    locked_sqlite: tuple[Flask, sqlite3.Connection],
) -> None:
    app, holder = locked_sqlite
    client = app.test_client()
    start(client, lang="sv")
    first, second = Q.items[0].id, Q.items[1].id
    assert answer(client, first, first_option(first)).status_code == 303
    html = client.get(f"/q/{second}").get_data(as_text=True)
    holder.execute("BEGIN IMMEDIATE")
    # Reading pages still work: they write nothing.
    assert client.get(f"/q/{first}").status_code == 200
    busy = client.post(
        f"/q/{second}", data={"csrf_token": token(html), "answer": first_option(second)}
    )
    assert busy.status_code == 503
    assert busy.headers["Retry-After"].isdigit()
    assert "Location" not in busy.headers
    assert "Försök igen om en liten stund." in busy.get_data(as_text=True)
    holder.execute("ROLLBACK")
    # Afterwards the visit is as it was, and the same answer goes through.
    cookie = client.get_cookie("portal")
    assert cookie is not None
    assert set(_stored_answers(app, cookie.value)) == {first}
    assert answer(client, second, first_option(second)).status_code == 303


def test_a_database_that_is_away_gives_503_not_500(settings: Settings, tmp_path: Any) -> None:
    away = settings.with_overrides(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", extra={}
    )
    app = create_app(away)  # start-up checks configuration, not reachability
    client = app.test_client()
    landing = client.get("/")
    assert landing.status_code == 200  # a page that needs no database still serves
    assert client.get("/readyz").status_code == 503
    html = landing.get_data(as_text=True)
    response = client.post("/start", data={"csrf_token": token(html)})
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()


def test_a_professionals_pages_write_nothing_when_nothing_changed(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    from tests.pro_support import make_account, redeem, sign_in, stored_code

    make_account(app)
    code = stored_code(app, settings)
    assert sign_in(client).status_code in (302, 303)
    assert redeem(client, code.grouped).status_code in (302, 303)
    client.get("/pro/record")
    before = rows(app)
    for _ in range(3):
        assert client.get("/pro/record").status_code == 200
        assert client.get("/pro/").status_code == 200
    assert rows(app) == before


def test_readyz_says_when_the_schema_is_behind(settings: Settings, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough")
    from portal import migrate

    app = create_app(settings)
    migrate.downgrade(app.extensions["portal.engine"], "base")
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert "portal db upgrade" in ready.get_data(as_text=True)
    app.extensions["portal.engine"].dispose()


def test_no_translation_file_is_read_again_once_warm(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel import support

    start(client)
    item = Q.items[0].id
    client.get(f"/q/{item}")  # warm: each catalogue read once per process
    client.get("/pro/")
    loads: list[object] = []
    original = support.Translations.load

    def counting(*args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counting)
    assert client.get(f"/q/{item}").status_code == 200
    assert answer(client, item, first_option(item)).status_code == 303
    assert client.get("/pro/").status_code == 200  # a WTForms form (sign-in) is built here
    assert loads == []


def test_wtforms_messages_come_without_a_catalogue_read(app: Flask) -> None:
    # Flask-WTF's own i18n would load the WTForms .mo file from disk in every request that
    # needs one of WTForms' messages; ours carry their own translated texts.
    from flask_wtf import FlaskForm

    with app.test_request_context("/?lang=fi"):
        form = FlaskForm(meta={"csrf": False})
        assert form.meta.get_translations(form) is None
