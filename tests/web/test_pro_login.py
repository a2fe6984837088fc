"""Signing in and out: a new session id, the account's language, rate limits, idle timeout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal import create_app
from portal.config import Settings
from portal.models import AuditEntry, VisitSession
from tests.conftest import REDIS_URL, csrf_token
from tests.pro_support import PASSWORD, make_account, sessions, sign_in
from tests.web.test_foundation import h1


def cookie(client: FlaskClient) -> str | None:
    found = client.get_cookie("portal")
    return None if found is None else found.value


def audit_rows(app: Flask) -> list[tuple[str | None, str, str | None]]:
    with sessions(app)() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(r.username, r.action, r.detail) for r in rows]


def test_signed_out_the_pro_home_is_the_sign_in_page(client: FlaskClient) -> None:
    html = client.get("/pro/?lang=en").get_data(as_text=True)
    assert h1(html) == "Sign in for professionals"
    assert "<title>Sign in for professionals – Self-check</title>" in html
    assert 'autocomplete="current-password"' in html
    assert "quick-exit" not in html  # the client's quick exit has no place here


def test_signing_in_gives_a_new_session_id_and_the_account_language(
    app: Flask, client: FlaskClient
) -> None:
    make_account(app, language="sv")
    client.get("/pro/?lang=en")
    before = cookie(client)
    response = sign_in(client, "Anna")
    assert response.status_code == 303 and response.headers["Location"] == "/pro/"
    assert cookie(client) not in (None, before)
    html = client.get("/pro/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert h1(html) == "Öppna en klients svar"
    assert audit_rows(app)[-1] == ("anna", "login", None)


def test_a_wrong_password_is_refused_and_logged_without_the_password(
    app: Flask, client: FlaskClient
) -> None:
    make_account(app)
    response = sign_in(client, "anna", "not the password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in html and 'href="#password"' in html
    assert h1(html) == "Ammattilaisten kirjautuminen"
    assert "<title>Virhe: " in html
    assert audit_rows(app) == [("anna", "login_failed", "wrong_password")]


def test_an_unknown_name_is_logged_without_the_name(app: Flask, client: FlaskClient) -> None:
    # What is typed into the name field may be a password typed in the wrong place.
    sign_in(client, "correct-horse-battery", PASSWORD)
    assert audit_rows(app) == [(None, "login_failed", "unknown_name")]


def test_signing_out_ends_the_session_for_good(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    old = cookie(client)
    token = csrf_token(client, "/pro/")
    response = client.post("/pro/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert h1(client.get("/pro/").get_data(as_text=True)) == "Ammattilaisten kirjautuminen"
    # The old session id is dead even if someone kept it.
    thief = app.test_client()
    thief.set_cookie("portal", old or "")
    assert h1(thief.get("/pro/").get_data(as_text=True)) == "Ammattilaisten kirjautuminen"
    assert [a for _, a, _ in audit_rows(app)] == ["login", "logout"]


def test_the_staff_session_lasts_the_idle_time_and_then_ends(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    make_account(app)
    sign_in(client)
    client.get("/pro/")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sessions(app)() as session:
        expiry = session.scalars(select(VisitSession.expires_at)).one()
        idle = dt.timedelta(minutes=settings.staff_idle_minutes)
        assert now + idle - dt.timedelta(minutes=1) < expiry <= now + idle + dt.timedelta(minutes=1)
        # 30 idle minutes later:
        session.execute(update(VisitSession).values(expires_at=now - dt.timedelta(seconds=1)))
        session.commit()
    assert h1(client.get("/pro/").get_data(as_text=True)) == "Ammattilaisten kirjautuminen"


def test_a_disabled_account_is_signed_out_at_its_next_request(
    app: Flask, client: FlaskClient
) -> None:
    account = make_account(app)
    sign_in(client)
    with sessions(app)() as session:
        from portal.domain import accounts

        accounts.disable(session, account.username)
        session.commit()
    response = client.get("/pro/record")
    assert response.status_code == 303 and response.headers["Location"] == "/pro/"
    assert sign_in(client).status_code == 200  # refused


@dataclasses.dataclass
class Limited:
    app: Flask
    tag: str  # in every name a test signs in with, so Redis keys never meet another test's

    def name(self, base: str) -> str:
        return f"{base}-{self.tag}"


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Limited]:
    """An app with small login limits, counting in memory or in the real Redis (db 15).

    The overall limit gets a period of its own (8 per N minutes, N random), so its Redis key is
    this test's alone even when other test runs share the Redis.
    """
    minutes = 1000 + secrets.randbelow(10**6)
    changes: dict[str, object] = {
        "login_limit": "3 per 15 minutes",
        "login_limit_global": f"8 per {minutes} minutes",
    }
    if request.param == "redis":
        changes["redis_url"] = REDIS_URL
    app = create_app(dataclasses.replace(settings, **changes))  # type: ignore[arg-type]
    tag = secrets.token_hex(4)
    yield Limited(app, tag)
    redis = app.extensions["portal.redis"]
    if redis is not None:
        for key in redis.scan_iter("LIMITS:*login*"):
            if tag.encode() in key or f"/8/{minutes}/minute".encode() in key:
                redis.delete(key)
    app.extensions["portal.engine"].dispose()


def test_failed_sign_ins_are_limited_per_account_with_a_time_to_wait(limited: Limited) -> None:
    app, name = limited.app, limited.name("anna")
    make_account(app, name)
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, name, "wrong password!").status_code == 200
    blocked = sign_in(client, name, PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert re.search(r"Yritä uudelleen 1[45] minuutin päästä\.", html)
    assert audit_rows(app)[-1] == (name, "login_failed", "rate_limited")
    other = limited.name("ville")
    make_account(app, other)
    assert sign_in(app.test_client(), other).status_code == 303


def test_a_successful_sign_in_clears_the_account_count(limited: Limited) -> None:
    app, name = limited.app, limited.name("anna")
    make_account(app, name)
    client = app.test_client()
    for _ in range(2):
        sign_in(client, name, "wrong password!")
    assert sign_in(client, name).status_code == 303
    fresh = app.test_client()
    for _ in range(2):
        sign_in(fresh, name, "wrong password!")
    assert sign_in(fresh, name).status_code == 303


def test_sign_ins_are_limited_overall(limited: Limited) -> None:
    client = limited.app.test_client()
    statuses = [
        sign_in(client, limited.name(f"x{n}"), "wrong password!").status_code for n in range(9)
    ]
    assert statuses[:8] == [200] * 8 and statuses[8] == 429
