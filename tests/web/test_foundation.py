"""The ground every page stands on: language choice, headers, sessions, errors, configuration."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import ConfigError, create_app
from portal.config import load_settings


def h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    assert match, "page has no h1"
    return match.group(1).strip()


def test_landing_is_finnish_when_nothing_else_is_known(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert h1(html) == "Millainen apu sopisi sinulle?"


def test_accept_language_picks_swedish(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).get_data(as_text=True)
    assert '<html lang="sv">' in html


def test_lang_parameter_is_remembered_for_the_visit(client: FlaskClient) -> None:
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    html = client.get("/about", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_language_links_keep_the_page_and_name_each_language_in_itself(
    client: FlaskClient,
) -> None:
    html = client.get("/about?lang=sv").get_data(as_text=True)
    for code, name in (("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")):
        assert f'<a href="/about?lang={code}" lang="{code}" hreflang="{code}"' in html
        assert f">{name}</a>" in html


@pytest.mark.parametrize("path", ["/", "/about", "/accessibility", "/no-such-page"])
def test_every_page_gets_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_are_cacheable_and_carry_no_document_policies(client: FlaskClient) -> None:
    for path in ("/static/portal.css", "/static/portal.js"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in response.headers
        assert "Content-Disposition" not in response.headers


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    for path in ("/", "/about", "/accessibility", "/missing"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        # Nothing is *loaded* from another host (a plain link to another site is fine).
        assert not re.search(r"\bsrc=\"(https?:)?//", html), path
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", html), path


def test_the_session_cookie_holds_only_a_random_id(client: FlaskClient) -> None:
    response = client.get("/?lang=sv")
    cookie = response.headers["Set-Cookie"]
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == "portal"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), "the cookie must be a bare random id"
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_store_holds_neither_the_cookie_value_nor_the_data(app: Flask) -> None:
    from sqlalchemy import select

    from portal.models import VisitSession

    client = app.test_client()
    response = client.get("/?lang=sv")
    value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.extensions["portal.sessionmaker"]() as db:
        rows = db.execute(select(VisitSession)).scalars().all()
    assert len(rows) == 1
    assert rows[0].id != value and value.encode() not in rows[0].data
    assert b'"lang"' not in rows[0].data


def test_production_cookie_is_host_prefixed_and_secure(settings: object) -> None:
    from dataclasses import replace

    app = create_app(replace(settings, production=True))  # type: ignore[type-var]
    response = app.test_client().get("/?lang=sv", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-portal=") and "Secure" in cookie and "Path=/" in cookie
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Sivua ei löydy"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_not_found_page_is_in_the_persons_language(
    client: FlaskClient, lang: str, title: str
) -> None:
    response = client.get(f"/nowhere?lang={lang}")
    assert response.status_code == 404
    assert h1(response.get_data(as_text=True)) == title


def test_wrong_method_and_too_large_get_their_own_pages(client: FlaskClient) -> None:
    assert client.post("/about").status_code == 405
    response = client.post("/", data=b"x" * (70 * 1024), content_type="text/plain")
    assert response.status_code in (405, 413)


def test_a_crash_shows_a_calm_page_and_no_traceback(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "secret detail" not in html


def test_a_missing_csrf_token_is_a_clear_400(app: Flask) -> None:
    @app.post("/form-test")
    def form_test() -> str:
        return "ok"

    response = app.test_client().post("/form-test?lang=en", data={"a": "b"})
    assert response.status_code == 400
    assert "could not be sent safely" in response.get_data(as_text=True)


def test_first_start_generates_secrets_readable_only_by_the_owner(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "inst", env={})
    key_file = tmp_path / "inst" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(tmp_path / "inst", env={}).secret_key == settings.secret_key
    assert settings.database_url.startswith("sqlite:///") and "inst" in settings.database_url


def test_bad_settings_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PORTAL_VISIT_MINUTES"):
        load_settings(tmp_path, env={"PORTAL_VISIT_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="PORTAL_DATABASE_URL"):
        load_settings(tmp_path, env={"PORTAL_DATABASE_URL": "mysql://x"})


def test_unreachable_database_stops_a_command_that_needs_it_with_one_clear_line(
    tmp_path: Path,
) -> None:
    env = dict(
        os.environ,
        PORTAL_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        PORTAL_SECRET_KEY="x" * 32,
        PORTAL_CODE_SECRET="ab" * 32,
    )
    # Start-up itself checks configuration only: the app (and a gunicorn worker) starts.
    routes = subprocess.run(
        [sys.executable, "-m", "portal.cli", "routes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert routes.returncode == 0, routes.stderr
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "users", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("portal: configuration error: PORTAL_DATABASE_URL")


def test_werkzeug_request_log_never_holds_the_address(app: Flask) -> None:
    import logging

    logger = logging.getLogger("werkzeug")
    record = logger.makeRecord(
        "werkzeug", logging.INFO, __file__, 1,
        '203.0.113.9 - - [23/Nov/2026 18:00:00] "GET / HTTP/1.1" 200 -', (), None,
    )  # fmt: skip
    for f in logger.filters:
        f.filter(record)
    assert "203.0.113.9" not in record.getMessage()


def test_every_message_has_fi_sv_and_en_translations(tmp_path: Path) -> None:
    from portal.commands.translations import extract, missing

    pot = tmp_path / "messages.pot"
    extract(pot)
    gaps = {lang: missing(lang, pot) for lang in ("fi", "sv", "en")}
    assert gaps == {"fi": [], "sv": [], "en": []}
