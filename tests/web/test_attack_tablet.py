"""Attacks on the shared tablet: it forgets on time on the server, its set-up link works once
and holds no secret, its cookies are __Host- in production, and the delete form keeps no code."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.config import Settings
from portal.models import Tablet
from tests.pro_support import stored_code
from tests.web.test_attack_limits import try_code
from tests.web.test_client_path import Q, answer, answer_all, submit, token
from tests.web.test_tablet import enroll_link, enrolled, new_person


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 1, 12, 0)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: int) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(app: Flask) -> Clock:
    clock = Clock()
    app.extensions["portal.clock"] = clock
    return clock


@pytest.fixture
def quick(settings: Settings) -> Iterator[Flask]:
    """An app whose tablets forget after 30 s (the shortest allowed)."""
    app = create_app(dataclasses.replace(settings, tablet_idle_seconds=30))
    yield app
    app.extensions["portal.engine"].dispose()


def test_a_closed_tab_does_not_keep_a_tablet_visit_past_its_idle_limit(quick: Flask) -> None:
    """Before: 45 s after person A closed the tab (limit 30 s), /check showed all A's answers."""
    clock = Clock()
    quick.extensions["portal.clock"] = clock
    client = quick.test_client()
    enrolled(quick, client)
    new_person(client)
    answer(client, "housing", Q.item("housing").options[0].value)
    clock.advance(20)
    assert client.get("/check").status_code == 200  # within the limit: still there
    clock.advance(25)  # 25 s since the last request: still within
    assert client.get("/check").status_code == 200
    clock.advance(45)  # person A has gone; a new tab opens /check
    response = client.get("/check")
    assert response.status_code == 302 and response.location.endswith("/over")
    assert b"housing" not in client.get("/over").data


def test_i_am_still_here_can_restart_the_servers_idle_clock(quick: Flask) -> None:
    """The page's "I am still here" must reach the server, or the server forgets anyway."""
    clock = Clock()
    quick.extensions["portal.clock"] = clock
    client = quick.test_client()
    enrolled(quick, client)
    new_person(client)
    html = client.get("/check").get_data(as_text=True)
    for _ in range(3):  # 75 s in all, never more than 25 s without a request
        clock.advance(25)
        kept = client.post("/keep", data={"csrf_token": token(html)}, headers={"X-Keep": "1"})
        assert kept.status_code == 204
    assert client.get("/check").status_code == 200
    clock.advance(31)
    kept = client.post("/keep", data={"csrf_token": token(html)}, headers={"X-Keep": "1"})
    assert kept.status_code == 410  # too late: forgotten, and the page is told so


def test_a_finished_tablet_result_is_forgotten_on_time_too(quick: Flask) -> None:
    clock = Clock()
    quick.extensions["portal.clock"] = clock
    client = quick.test_client()
    enrolled(quick, client)
    new_person(client)
    answer_all(client)
    submit(client)
    assert client.get("/result").status_code == 200
    clock.advance(31)
    assert client.get("/result").location.endswith("/over")


@pytest.mark.parametrize("step", ["new", "start", "finish", "clear", "reset"])
def test_every_start_finish_and_reset_on_a_tablet_clears_site_data(
    app: Flask, client: FlaskClient, step: str
) -> None:
    """Before: POST /tablet/new and POST /finish sent no Clear-Site-Data."""
    enrolled(app, client)
    html = client.get("/tablet/").get_data(as_text=True)
    if step == "new":
        response = client.post("/tablet/new", data={"csrf_token": token(html)})
    elif step == "start":
        response = client.post("/start", data={"csrf_token": token(html)})
    elif step == "finish":
        new_person(client)
        submit(client)
        html = client.get("/result").get_data(as_text=True)
        response = client.post("/finish", data={"csrf_token": token(html)})
    elif step == "clear":
        response = client.post("/tablet/clear", data={"csrf_token": token(html)})
    else:
        response = client.get("/tablet/reset")
    assert response.status_code == 303
    assert response.headers.get("Clear-Site-Data") == '"cache", "storage"'


def test_the_set_up_link_works_once_and_only_on_the_first_browser(app: Flask) -> None:
    """Before: the enrollment link enrolled a second browser."""
    _tablet_id, link = enroll_link(app)
    first, second = app.test_client(), app.test_client()
    html = first.get(link).get_data(as_text=True)
    html_second = second.get(link).get_data(as_text=True)  # opening it spends nothing
    assert first.post(link, data={"csrf_token": token(html)}).status_code == 303
    assert second.post(link, data={"csrf_token": token(html_second)}).status_code == 400
    assert second.get(link).status_code == 400
    assert second.get("/tablet/").status_code == 403
    assert first.get("/tablet/").status_code == 200


def test_the_set_up_link_holds_no_device_secret(app: Flask, client: FlaskClient) -> None:
    """Before: the link's payload was readable base64 holding the device secret itself."""
    _tablet_id, link = enroll_link(app)
    raw = link.rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    assert len(decoded) == 32 and "." not in raw  # 32 random bytes; no signed payload inside
    html = client.get(link).get_data(as_text=True)
    response = client.post(link, data={"csrf_token": token(html)})
    cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert cookie not in link and raw not in cookie and cookie not in response.location
    with app.extensions["portal.sessionmaker"]() as db:
        tablet = db.scalars(select(Tablet)).one()
        assert tablet.enroll_hash is None and tablet.enroll_until is None


def test_an_expired_set_up_link_says_so(app: Flask, clock: Clock) -> None:
    _tablet_id, link = enroll_link(app)
    clock.at = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=2)
    response = app.test_client().get(link + "?lang=en")
    assert response.status_code == 400 and b"expired" in response.data


def test_every_cookie_is_host_prefixed_in_production(settings: Settings) -> None:
    """Before: in production the tablet cookie had no __Host- prefix."""
    app = create_app(dataclasses.replace(settings, production=True))
    client = app.test_client()
    _tablet_id, link = enroll_link(app)
    page = client.get(link, base_url="https://localhost")
    response = client.post(
        link,
        data={"csrf_token": token(page.get_data(as_text=True))},
        base_url="https://localhost",
        headers={"Referer": "https://localhost" + link},
    )
    assert response.status_code == 303
    cookies = page.headers.getlist("Set-Cookie") + response.headers.getlist("Set-Cookie")
    assert any(c.startswith("__Host-portal_tablet=") for c in cookies)
    for cookie in cookies:
        assert cookie.startswith("__Host-"), cookie
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    app.extensions["portal.engine"].dispose()


def test_the_delete_form_never_sends_a_typed_code_back_into_the_page(
    app: Flask, settings: Settings, client: FlaskClient
) -> None:
    """Before: a code typed into "Delete my answers" stayed in the browser's restore data."""
    html = client.get("/delete").get_data(as_text=True)
    assert 'autocomplete="off"' in html.split('id="code"')[0].rsplit("<form", 1)[1]
    field = re.search(r'<input[^>]*id="code"[^>]*>', html)
    assert field and 'autocomplete="off"' in field.group(0)
    real = stored_code(app, settings)
    typo = real.canonical[:-1] + ("A" if real.canonical[-1] != "A" else "B")
    again = client.post("/delete", data={"csrf_token": token(html), "code": typo})
    assert typo not in again.get_data(as_text=True)
    confirm = client.post("/delete", data={"csrf_token": token(html), "code": real.grouped})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert real.grouped not in page and real.canonical not in page
    done = client.post("/delete/confirm", data={"csrf_token": token(page)})
    assert done.location.endswith("/delete/done")
    assert try_code(app.test_client(), real.grouped) == 404
