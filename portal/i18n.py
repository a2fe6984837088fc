"""Locale choice (?lang= → the visit's session → Accept-Language → Finnish), the request's cached
catalogue and the templates' gettext, catalogue compiling."""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from portal import locale_words

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT = "fi"
# Each language is named in itself, so a person finds their own without reading another.
NATIVE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


class _Chosen:
    """This request's locale, its name and its catalogue, worked out once.

    A page asks for a translation a few dozen times; Flask-Babel's own path looks the request up
    again each time (about a tenth of a question page's time). The entry is keyed by the locale
    object itself, so `force_locale` (a new object) is honoured.
    """

    __slots__ = ("locale", "name", "translations")

    def __init__(self, locale: Any) -> None:
        self.locale = locale
        self.name = str(locale)
        self.translations = get_translations()


def _chosen() -> _Chosen | None:
    try:
        here = g._get_current_object().__dict__  # one context lookup, not one per attribute
    except RuntimeError:  # outside an app context
        return None
    # Flask-Babel keeps the request's locale on g._flask_babel; if that ever moves, the public
    # get_locale() below still gives the right answer, only slower.
    locale = getattr(here.get("_flask_babel"), "babel_locale", None) or get_locale()
    if locale is None:
        return None
    cached: _Chosen | None = here.get("_portal_i18n")
    if cached is None or cached.locale is not locale:
        cached = here["_portal_i18n"] = _Chosen(locale)
    return cached


def translations() -> Any:
    chosen = _chosen()
    return get_translations() if chosen is None else chosen.translations


def lang() -> str:
    """The language of this request's pages: the one place that answers it."""
    chosen = _chosen()
    return DEFAULT if chosen is None else chosen.name


def _filled(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    # As Jinja's own gettext: the catalogue's text is ours (trusted markup); the variables are
    # escaped by Markup's % when autoescaping is on.
    marked = Markup(text) if eval_ctx.autoescape else text  # noqa: S704
    return marked % variables


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    text = translations().ugettext(string)
    return _filled(eval_ctx, text, variables)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return _filled(eval_ctx, text, variables)


@pass_eval_context
def _template_pgettext(eval_ctx: EvalContext, context: str, string: str, **variables: Any) -> str:
    text = translations().upgettext(context, string)
    return _filled(eval_ctx, text, variables)


@pass_eval_context
def _template_npgettext(
    eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = translations().unpgettext(context, singular, plural, num)
    return _filled(eval_ctx, text, variables)


def install_template_gettext(app: Flask) -> None:
    """Templates translate through the request's cached catalogue (after Babel(app)).

    Jinja's own "new style" callables take the whole template context, and inside a block each
    call copies that context first (about a tenth of a page's time); these take only what they
    use, the autoescape flag, and otherwise do what Jinja's do.
    """
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )


def long_date(day: dt.date) -> str:
    """A date as a person writes it: 31. joulukuuta 2026, 31 december 2026, 31 December 2026."""
    return locale_words.long_date(day, lang())


def select_locale() -> str:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        if session.get("lang") != asked:
            session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return str(remembered)
    return _best_language(request.headers.get("Accept-Language", "")) or DEFAULT


@functools.lru_cache(maxsize=256)
def _best_language(header: str) -> str | None:
    # Browsers send a handful of distinct headers; parsing one (6-30 µs) on every page of
    # every visit is wasted. Bounded: an unusual header only pushes an older one out.
    return parse_accept_header(header, LanguageAccept).best_match(LANGUAGES)


def compile_catalogues(translations: Path) -> int:
    """Compile every .po whose .mo is missing or older; returns how many were written.

    Runs at start-up so a fresh clone never serves stale or missing translations and nobody
    has to remember `pybabel compile`.
    """
    written = 0
    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        # A name of its own per process: parallel workers may compile at the same moment.
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written += 1
    return written


def _(message: str, **variables: Any) -> str:
    """gettext with a typed result, as Flask-Babel's but through the request's cached catalogue."""
    text = str(translations().ugettext(message))
    return text % variables if variables else text
