"""Our small CLDR word file gives exactly what Babel gives (Babel itself is not loaded at run time)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list

from portal import locale_words
from portal.i18n import LANGUAGES

DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(0, 400, 7)]


def test_the_word_file_is_what_the_pinned_babel_says() -> None:
    """Fails after a Babel upgrade until the file is made again (see portal/locale_words.py)."""
    assert json.loads(locale_words.DATA.read_text(encoding="utf-8")) == locale_words.build()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_read_as_babel_writes_them(lang: str) -> None:
    for day in DAYS:
        assert locale_words.long_date(day, lang) == format_date(
            day, locale_words.LONG_DATE[lang], locale=lang
        )
        assert locale_words.weekday_date(day, lang) == format_date(day, "EEEE d.M.", locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_day_names_and_lists_as_babel(lang: str) -> None:
    names = get_day_names("wide", context="stand-alone", locale=lang)
    assert locale_words.day_names(lang) == tuple(names[d] for d in range(7))
    for count in range(6):
        items = [f"x{n}" for n in range(count)]
        assert locale_words.join_list(items, lang) == format_list(items, locale=lang)


def test_the_english_clock_as_babel() -> None:
    for hour in range(24):
        for minute in (0, 5, 30, 59):
            t = dt.time(hour, minute)
            assert locale_words.clock_12h(t) == format_time(t, "h:mm a", locale="en")


def test_known_forms() -> None:
    day = dt.date(2026, 12, 31)
    assert locale_words.long_date(day, "fi") == "31. joulukuuta 2026"
    assert locale_words.long_date(day, "sv") == "31 december 2026"
    assert locale_words.long_date(day, "en") == "31 December 2026"
    assert locale_words.join_list(["ma", "ti", "ke"], "fi") == "ma, ti ja ke"
