"""Attacks with bad input: every one is a page in the person's language, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.web.errors import STATIC_PAGES, static_page
from tests.conftest import csrf_token
from tests.web.test_admin import admin

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("account_id", [2**31, 2**31 - 1, 2**63, 2**64 + 5, 10**30])
def test_a_huge_account_id_in_an_admin_url_is_a_not_found_page(
    app: Flask, client: FlaskClient, account_id: int
) -> None:
    """Before: 2**63 on SQLite and 2**31 on PostgreSQL were a 500."""
    admin(app, client)
    token = csrf_token(client, "/pro/admin/")
    response = client.post(
        f"/pro/admin/accounts/{account_id}/disable", data={"csrf_token": token}
    )
    assert response.status_code in (303, 404)
    if response.status_code == 303:  # 2**31 - 1 is a possible id: "nothing was changed"
        assert response.location.endswith("/pro/admin/")
    else:
        assert "Page not found" in response.get_data(as_text=True)  # the admin's English


@pytest.mark.parametrize("name", ["anna\x00", "\x00", "an\x01na", "anna\x1b[31m", "a\x7f"])
def test_a_control_character_in_the_sign_in_name_is_a_page_in_the_persons_language(
    client: FlaskClient, name: str
) -> None:
    """Before: a sign-in name with NUL was a 500 on PostgreSQL."""
    token = csrf_token(client, "/pro/?lang=sv")
    response = client.post(
        "/pro/", data={"csrf_token": token, "username": name, "password": "whatever it is"}
    )
    assert response.status_code == 400
    assert "Något i begäran var fel" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["lang=%00", "change=%01", "x%00=1", "page=%7F"])
def test_a_control_character_in_the_query_is_a_page_too(client: FlaskClient, query: str) -> None:
    response = client.get(f"/q/housing?{query}", headers={"Accept-Language": "fi"})
    assert response.status_code == 400
    assert "Pyynnössä oli jotain vialla" in response.get_data(as_text=True)


def test_a_code_field_with_nul_is_refused_before_any_lookup(client: FlaskClient) -> None:
    token = csrf_token(client, "/delete")
    response = client.post("/delete", data={"csrf_token": token, "code": "7KQM\x00-4PXR"})
    assert response.status_code == 400


def test_a_missing_static_file_gets_our_headers_and_no_store(client: FlaskClient) -> None:
    """Before: Cache-Control: public, max-age=86400 and none of our security headers."""
    response = client.get("/static/no-such-file.css")
    assert response.status_code == 404
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    ok = client.get("/static/portal.css")
    assert ok.headers["Cache-Control"].startswith("public")  # real files still cache
    page = client.get("/static/errors/503.html")  # a static page is a document: our headers
    assert page.status_code == 200 and "frame-ancestors" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("status", STATIC_PAGES)
def test_the_proxys_static_error_pages_are_current_and_in_three_languages(
    app: Flask, status: int
) -> None:
    """gunicorn's own 400, 414 and 431 were bare English: the proxy shows these instead."""
    path = ROOT / "static" / "errors" / f"{status}.html"
    with app.test_request_context("/"):
        fresh = static_page(status) + "\n"
    assert path.read_text(encoding="utf-8") == fresh, "run `portal errors write`"
    for lang in ("fi", "sv", "en"):
        assert f'<section lang="{lang}">' in fresh
    assert "<script" not in fresh and "<form" not in fresh
