"""Month and day names, list words and the English clock, from CLDR, without loading CLDR.

Babel loads a language's whole CLDR file (every territory, currency, time zone…) to name one
month: about 2 MB of objects for each of fi, sv and en in every worker (7 MB measured). The few
words the pages use are in `portal/data/locale_words.json`, made from the pinned Babel by

    .venv/bin/python -m portal.locale_words > portal/data/locale_words.json

and a test checks that the file and the formatting below still give exactly what Babel gives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "locale_words.json"
# Our long date, CLDR tokens: Finnish and Swedish as CLDR's "long"; English day first
# (31 December 2026) rather than CLDR's US order.
LONG_DATE = {"fi": "d. MMMM y", "sv": "d MMMM y", "en": "d MMMM y"}


def build() -> dict[str, Any]:
    """The words, read from Babel's CLDR data (run by hand when Babel is upgraded)."""
    import babel
    from babel import Locale

    from portal.i18n import LANGUAGES  # imported here: portal.i18n imports this module

    words: dict[str, Any] = {
        "_source": f"Unicode CLDR, read through Babel {babel.__version__} by portal/locale_words.py"
    }
    for code in LANGUAGES:
        locale = Locale.parse(code)
        patterns = locale.list_patterns["standard"]
        words[code] = {
            "months": [locale.months["format"]["wide"][m] for m in range(1, 13)],
            "weekdays": [locale.days["format"]["wide"][d] for d in range(7)],
            "weekdays_alone": [locale.days["stand-alone"]["wide"][d] for d in range(7)],
            "list": {key: patterns[key] for key in ("2", "start", "middle", "end")},
            "am_pm": [
                locale.day_periods["format"]["abbreviated"][period] for period in ("am", "pm")
            ],
        }
    return words


@functools.cache
def _words() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _of(lang: str) -> dict[str, Any]:
    words = _words()
    found: dict[str, Any] = words.get(lang) or words["fi"]
    return found


def long_date(day: dt.date, lang: str) -> str:
    """31. joulukuuta 2026 · 31 december 2026 · 31 December 2026."""
    month = _of(lang)["months"][day.month - 1]
    return (
        LONG_DATE.get(lang, LONG_DATE["fi"])
        .replace("MMMM", "\x00")
        .replace("d", str(day.day))
        .replace("y", str(day.year))
        .replace("\x00", month)
    )


def weekday_date(day: dt.date, lang: str) -> str:
    """CLDR's "EEEE d.M.": maanantaina 7.12. · måndag 7.12. · Monday 7.12."""
    return f"{_of(lang)['weekdays'][day.weekday()]} {day.day}.{day.month}."


def day_names(lang: str) -> tuple[str, ...]:
    """Weekday names standing alone, Monday first (maanantai, måndag, Monday)."""
    return tuple(_of(lang)["weekdays_alone"])


def join_list(items: Sequence[str], lang: str) -> str:
    """CLDR's standard list: "a, b ja c" · "a, b och c" · "a, b, and c"."""
    patterns = _of(lang)["list"]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return str(patterns["2"]).format(items[0], items[1])
    text = str(patterns["end"]).format(items[-2], items[-1])
    for item in reversed(items[1:-2]):
        text = str(patterns["middle"]).format(item, text)
    return str(patterns["start"]).format(items[0], text)


def clock_12h(t: dt.time, lang: str = "en") -> str:
    """CLDR pattern "h:mm a": 9:00 AM, 12:30 PM."""
    am, pm = _of(lang)["am_pm"]
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {am if t.hour < 12 else pm}"


if __name__ == "__main__":
    print(json.dumps(build(), ensure_ascii=False, indent=1, sort_keys=True))
