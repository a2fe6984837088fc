"""Where to go next on the result page, the slip, the professional's summary and the admin page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.config import ConfigError, Settings
from tests.pro_support import AFTER_OVERDOSE, make_account, redeem, sign_in, stored_code
from tests.web.test_admin import admin
from tests.web.test_client_path import answer, start, submit

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _finish(client: FlaskClient, lang: str) -> None:
    start(client, lang)
    assert answer(client, "topics", ["housing", "money"]).status_code == 303
    assert submit(client).status_code == 303


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Mihin seuraavaksi"), ("sv", "Vart härnäst"), ("en", "Where to go next")],
)
def test_the_result_page_suggests_services_between_the_segment_and_the_code(
    client: FlaskClient, lang: str, title: str
) -> None:
    _finish(client, lang)
    html = client.get("/result").get_data(as_text=True)
    assert title in html
    # The code's panel comes first (issue 15: found without scrolling); the services follow the
    # segment and come before the code's QR and deletion part.
    assert html.index('id="code-title"') < html.index('id="segment-title"')
    assert html.index('id="segment-title"') < html.index('class="panel services"')
    assert html.index('class="panel services"') < html.index('id="code-more"')
    assert html.count("<li><h3>") in (3, 4, 5)
    assert "Aikuissosiaalityö" in html or "Adult social work" in html or "Socialt arbete" in html


def test_the_slip_lists_names_and_phone_numbers_only(client: FlaskClient) -> None:
    _finish(client, "en")
    html = client.get("/slip").get_data(as_text=True)
    assert "Where to go next" in html
    assert "Why this" not in html and "<h3>" not in html


def test_the_professional_sees_services_that_fit(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings, answers=AFTER_OVERDOSE)
    make_account(app, language="en")
    sign_in(client)
    assert redeem(client, code.grouped).status_code == 303
    html = client.get("/pro/record?lang=en").get_data(as_text=True)
    assert "Services that fit" in html
    assert "Help after an overdose" in html  # the overdose answer brought a service up


def test_the_admin_page_lists_every_entry_with_its_checked_date(
    app: Flask, client: FlaskClient
) -> None:
    html = admin(app, client).get("/pro/admin/services?lang=en").get_data(as_text=True)
    assert "Service directory" in html
    assert html.count('<tr><th scope="row">') >= 10
    assert "Not fully confirmed" in html and "1 December 2026" in html


def test_the_admin_page_is_for_administrators_only(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    assert client.get("/pro/admin/services").status_code == 403


def test_a_broken_directory_stops_start_up_with_one_clear_line(
    settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "services.yaml"
    broken.write_text("region: x\nservices:\n  - id: one\n    kind: shop\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        create_app(settings.with_overrides(services_path=broken))
    message = str(caught.value)
    assert message.startswith("PORTAL_SERVICES: ") and "\n" not in message
    assert "service 'one'" in message and "portal services check" in message


def test_the_admin_page_flags_an_entry_not_checked_for_twelve_months(
    settings: Settings, tmp_path: Path
) -> None:
    from portal.domain.service_directory import default_path
    from tests.pro_support import make_account as account
    from tests.pro_support import sign_in as signed_in

    old = tmp_path / "old.yaml"
    text = default_path().read_text(encoding="utf-8")
    old.write_text(text.replace('checked: "2026-12-01"', 'checked: "2024-05-01"', 1), "utf-8")
    app = create_app(settings.with_overrides(services_path=old))
    client = app.test_client()
    account(app, "boss", role="admin", language="en")
    signed_in(client, "boss")
    html = client.get("/pro/admin/services?lang=en").get_data(as_text=True)
    assert html.count("<strong>Check again</strong>") == 1
    assert "1 entry is due a re-check." in html
    app.extensions["portal.engine"].dispose()


def test_when_a_service_is_open_is_said_in_the_readers_words(
    settings: Settings, tmp_path: Path
) -> None:
    import datetime as dt

    import yaml

    from portal.domain.questionnaire import load_default
    from portal.domain.scoring import assess
    from portal.domain.services import HELSINKI
    from portal.web.present_services import service_views
    from tests.domain.test_services import _one

    path = tmp_path / "hours.yaml"
    data = {"region": "t", "title": {"fi": "t", "sv": "t", "en": "t"}, "services": [_one()]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(settings.with_overrides(services_path=path))
    q = load_default()
    answers = {"topics": ["alcohol"]}
    result = assess(q, answers)
    tuesday = dt.datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI)
    friday_night = dt.datetime(2026, 12, 4, 23, 30, tzinfo=HELSINKI)
    with app.test_request_context("/?lang=en"):
        (open_view,) = service_views(q, result, answers, lang="en", now=tuesday)
        (closed,) = service_views(q, result, answers, lang="en", now=friday_night)
    with app.test_request_context("/?lang=fi"):
        (finnish,) = service_views(q, result, answers, lang="fi", now=tuesday)
    assert open_view.when == "Open now, until 15:00"
    assert "Helps with: alcohol" in open_view.why and "Open now" in open_view.why
    assert closed.when == "Closed now. Next open: Tuesday 8.12. at 9:00"
    assert finnish.when == "Auki nyt, klo 15.00 asti"
    app.extensions["portal.engine"].dispose()
