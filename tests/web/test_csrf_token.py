"""The pages' CSRF token: signed once per visit and worker (portal/security.py), still checked."""

from __future__ import annotations

import re
import secrets

import pytest
from flask import Flask, session
from flask.testing import FlaskClient

from portal import security

pytestmark = pytest.mark.usefixtures("backend")


def _token(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _start(client: FlaskClient) -> str:
    started = client.post("/start", data={"csrf_token": _token(client, "/")})
    assert started.status_code in (302, 303)
    return str(started.headers["Location"])


def test_pages_of_a_visit_share_one_signed_token_that_still_validates(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _start(client)
    signed: list[str] = []
    original = security.generate_csrf
    monkeypatch.setattr(security, "generate_csrf", lambda: signed.append("x") or original())
    tokens = {_token(client, first) for _ in range(5)}
    assert len(tokens) == 1
    assert len(signed) <= 1  # signed at most once for the visit's pages here
    answered = client.post(first, data={"csrf_token": tokens.pop(), "skip": "1"})
    assert answered.status_code == 303  # the cached token is accepted


def test_two_visits_get_different_tokens_and_cannot_use_each_others(app: Flask) -> None:
    one, other = app.test_client(), app.test_client()
    path_one, path_other = _start(one), _start(other)
    token_one, token_other = _token(one, path_one), _token(other, path_other)
    assert token_one != token_other
    refused = other.post(path_other, data={"csrf_token": token_one, "skip": "1"})
    assert refused.status_code == 400
    # In the visit's language (Finnish by default): the CSRF error page, no answer saved.
    assert "ei voitu lähettää turvallisesti" in refused.get_data(as_text=True)


def test_a_new_visit_after_finishing_gets_a_fresh_token(client: FlaskClient) -> None:
    before = _token(client, _start(client))
    left = client.post("/finish", data={"csrf_token": before})
    assert left.status_code in (302, 303)
    after = _token(client, _start(client))
    assert after != before


def test_the_cache_stays_bounded(app: Flask) -> None:
    security._SIGNED_CSRF.clear()
    for _ in range(security._SIGNED_CSRF_MAX + 5):
        with app.test_request_context("/"):
            session["csrf_token"] = secrets.token_hex(20)
            security.csrf_token()
    assert len(security._SIGNED_CSRF) <= security._SIGNED_CSRF_MAX
