"""Before a pause ends a visit or a sign-in, the page offers more time (WCAG 2.2.1).

The warning is a form in every page that has something to lose; its script shows it two minutes
before the end and sends it with X-Keep. Asking for more time renews the session on the server.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.models import VisitSession
from tests.pro_support import make_account, sign_in
from tests.web.test_client_path import Q, start, token


def _warning(html: str) -> re.Match[str] | None:
    return re.search(r'<div id="time-warning"[^>]*data-expire="(\d+)"', html)


def _expiries(app: Flask) -> list[dt.datetime]:
    with app.extensions["portal.sessionmaker"]() as db:
        return list(db.scalars(select(VisitSession.expires_at)))


def _about_to_end(app: Flask) -> None:
    soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=30)
    with app.extensions["portal.sessionmaker"]() as db:
        db.execute(update(VisitSession).values(expires_at=soon))
        db.commit()


def test_no_warning_where_there_is_nothing_to_lose(client: FlaskClient) -> None:
    for path in ("/", "/about", "/accessibility", "/delete", "/pro/"):
        assert _warning(client.get(path).get_data(as_text=True)) is None, path


def test_a_visit_in_progress_carries_the_warning_with_the_visit_lifetime(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    html = client.get(f"/q/{Q.items[0].id}").get_data(as_text=True)
    found = _warning(html)
    assert found and int(found.group(1)) == 60 * app.extensions["portal.settings"].visit_minutes
    assert "Do you need more time?" in html and "forgotten in 2 minutes" in html
    assert f'name="next" value="/q/{Q.items[0].id}"' in html


def test_more_time_renews_the_visit_on_the_server(app: Flask, client: FlaskClient) -> None:
    start(client)
    html = client.get(f"/q/{Q.items[0].id}").get_data(as_text=True)
    _about_to_end(app)
    response = client.post("/keep", data={"csrf_token": token(html)}, headers={"X-Keep": "1"})
    assert response.status_code == 204
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    minutes = app.extensions["portal.settings"].visit_minutes
    assert all(e > now + dt.timedelta(minutes=minutes - 1) for e in _expiries(app))
    assert client.get(f"/q/{Q.items[0].id}").status_code == 200  # the visit goes on


def test_without_script_more_time_goes_back_to_the_page_and_never_elsewhere(
    client: FlaskClient,
) -> None:
    start(client)
    html = client.get(f"/q/{Q.items[0].id}").get_data(as_text=True)
    back = client.post("/keep", data={"csrf_token": token(html), "next": f"/q/{Q.items[0].id}"})
    assert back.status_code == 303 and back.location == f"/q/{Q.items[0].id}"
    for elsewhere in ("https://example.org/", "//example.org/", "/\\example.org", ""):
        response = client.post("/keep", data={"csrf_token": token(html), "next": elsewhere})
        assert response.status_code == 303 and response.location == "/", elsewhere


def test_nothing_left_to_keep_says_so(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    response = client.post("/keep", data={"csrf_token": token(html)}, headers={"X-Keep": "1"})
    assert response.status_code == 410


def test_keep_without_a_valid_form_token_is_refused(client: FlaskClient) -> None:
    start(client)
    response = client.post("/keep", data={"csrf_token": "forged"}, headers={"X-Keep": "1"})
    assert response.status_code == 400


def test_a_professional_is_warned_before_being_signed_out(app: Flask, client: FlaskClient) -> None:
    make_account(app, "anna", language="en")
    sign_in(client)
    html = client.get("/pro/").get_data(as_text=True)
    found = _warning(html)
    assert found and int(found.group(1)) == 60 * app.extensions["portal.settings"].staff_idle_minutes
    assert "you will be signed out in 2 minutes" in html
