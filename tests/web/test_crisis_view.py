"""Crisis lines as one reader sees them: hours in words, open now, language, cost said once."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from portal.domain import crisis
from portal.domain.crisis import HELSINKI
from portal.domain.questionnaire import LANGUAGES
from portal.web.crisis_view import contact_view, hours_text

CONTACTS = crisis.load_default()
HELPLINE = CONTACTS.contact("crisis_helpline")
MONDAY = dt.datetime(2026, 11, 30, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", "maanantai ja keskiviikko klo 16–20; tiistai, torstai ja perjantai klo 9–13"),
        ("sv", "måndag och onsdag kl. 16–20; tisdag, torsdag och fredag kl. 9–13"),
        (
            "en",
            "Monday and Wednesday 4:00 PM–8:00 PM; Tuesday, Thursday, and Friday 9:00 AM–1:00 PM",
        ),
    ],
)
def test_hours_are_written_out_in_the_readers_language(
    app: Flask, lang: str, expected: str
) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        text = hours_text(HELPLINE.lines[1].hours, lang)
    assert text.replace("\u202f", " ") == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_at_every_hour_of_the_week_the_panel_offers_an_open_confirmed_crisis_line(
    app: Flask, lang: str
) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        for hour in range(7 * 24):
            when = MONDAY + dt.timedelta(hours=hour)
            lines = contact_view(HELPLINE, lang, when, only_open=True).lines
            assert any(
                not line.unconfirmed and line.open_now is not False for line in lines
            ), when
            assert all(line.open_now is not False for line in lines), when


@pytest.mark.parametrize(("lang", "label"), [("sv", "på finska"), ("en", "in Finnish")])
def test_the_finnish_line_is_labelled_in_finnish_24_7_for_other_readers(
    app: Flask, lang: str, label: str
) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        finnish = contact_view(HELPLINE, lang, MONDAY).lines[-1]
    assert finnish.number == "09 2525 0111"
    assert finnish.label == label and finnish.hours in ("dygnet runt", "24/7")


def test_the_poison_centre_backup_number_carries_its_own_cost_and_the_free_one_none(
    app: Flask,
) -> None:
    with app.test_request_context("/?lang=en"):
        view = contact_view(CONTACTS.contact("poison_centre"), "en", MONDAY)
    free, backup = view.lines
    assert view.cost == "Free of charge." and free.cost == ""
    assert backup.cost == "normal call charge" and backup.label == "backup number"
