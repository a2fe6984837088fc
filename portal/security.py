"""One place for response headers and log hygiene (rate limits: portal/rate_limits.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from flask import Flask, Response, abort, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response as BaseResponse

R = TypeVar("R", bound=BaseResponse)

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    is_page = response.mimetype == "text/html"
    if request.endpoint == "static" and response.status_code < 400 and not is_page:
        # CSS and scripts hold nothing personal; caching them saves prepaid data. The document
        # policies below mean nothing on a stylesheet or a script, and every cold page load
        # would carry them twice more (about 400 bytes each).
        headers["Cache-Control"] = "public, max-age=86400"
        headers.pop("Content-Disposition", None)
        return response
    headers.setdefault("Content-Security-Policy", CSP)
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    # No page may come back from the cache or the Back button after a person has left.
    headers["Cache-Control"] = "no-store"
    headers["Pragma"] = "no-cache"
    return response


def add_hsts(response: Response) -> Response:
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


_PATH = re.compile(r"(?<![\w/])/[^\s'\"]*")
_WERKZEUG_ADDRESS = re.compile(r"^\S+ - - \[")
_IP_FIELD = re.compile(r"ip=(?:\[[^\]]*\]|[0-9A-Fa-f:.]+)")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


class LogHygiene(logging.Filter):
    """Request lines and server messages say nothing identifying before they are written.

    - Werkzeug's request log starts with the client's address: dropped.
    - A query string may hold a pasted code: logged as `?…`.
    - A path segment that is not a word of our own routes (a tablet set-up token, a code typed
      into the address bar) is logged as `…`; `/q/housing` stays readable.
    """

    # The words of our own routes, shared by every instance: the handlers that logging's
    # configuration makes (portal/logs.py) exist before the app knows its routes.
    words: ClassVar[set[str]] = set()

    def __init__(self, words: Iterable[str] = ()) -> None:
        super().__init__()
        LogHygiene.words.update(words)

    def clean_path(self, path: str) -> str:
        bare, query, _ = path.partition("?")
        kept = "/".join(s if s in self.words or s == "" else "…" for s in bare.split("/"))
        return kept + ("?…" if query else "")

    def clean(self, message: str) -> str:
        message = _WERKZEUG_ADDRESS.sub("- - [", message, count=1)
        # Werkzeug's date ("[01/Dec/2026 22:40:00]") is not a path: keep it as it is.
        head, sep, rest = message.partition("] ")
        if not sep:
            head, rest = "", message
        return head + sep + _PATH.sub(lambda m: self.clean_path(m.group(0)), rest)

    def _clean_atoms(self, atoms: dict[str, Any]) -> dict[str, Any]:
        """gunicorn's access-log atoms, whatever the format: no address, user agent, referrer
        or header; the request line and path as in `clean`."""
        kept = {k: v for k, v in atoms.items() if not k.startswith("{")}
        for key in ("h", "a", "f", "u"):
            kept[key] = "-"
        if isinstance(kept.get("r"), str):
            kept["r"] = _PATH.sub(lambda m: self.clean_path(m.group(0)), kept["r"])
        if isinstance(kept.get("U"), str):
            kept["U"] = self.clean_path(kept["U"])
        if kept.get("q"):
            kept["q"] = "…"
        return type(atoms)(kept)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = self._clean_atoms(record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # pragma: no cover - a broken format: leave it be
            return True
        cleaned = self.clean(message)
        if record.name.startswith("gunicorn"):
            # gunicorn's error log names the peer ("Invalid request from ip=203.0.113.9: …").
            cleaned = _IPV4.sub("-", _IP_FIELD.sub("ip=-", cleaned))
        record.msg, record.args = cleaned, ()
        return True


def install_log_hygiene(app: Flask, extra_words: Iterable[str] = ()) -> LogHygiene:
    """Put the filter on the development server's and gunicorn's loggers; SQL errors never
    carry their parameters (a typed user name, sometimes a password)."""
    words: set[str] = set(extra_words)
    for rule in app.url_map.iter_rules():
        words.update(p for p in rule.rule.split("/") if p and not p.startswith("<"))
    static = Path(app.static_folder or "static")
    words.update(p.name for p in static.rglob("*"))
    hygiene = LogHygiene(words)
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, LogHygiene)]:
            logger.removeFilter(old)
        logger.addFilter(hygiene)
    return hygiene


def forget_browser_data(response: R) -> R:
    """Tell the browser to drop what it holds for this site besides cookies: its HTTP cache and
    any page storage (a shared tablet's next person must find nothing of the last)."""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# Ids in URLs fit a 32-bit signed integer (PostgreSQL's INTEGER); anything bigger is no id of
# ours and would make the database raise (2**63 on SQLite, 2**31 on PostgreSQL): a 404 instead.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


# C0 control characters and DEL other than tab, CR and LF: no honest form or address holds
# them, PostgreSQL refuses NUL in text, and a terminal or log reader may act on them.
_CONTROL = frozenset(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))


# The signed form of each recent visit's CSRF token, per worker: {(secret, token): signed}.
_SIGNED_CSRF: dict[tuple[object, str], str] = {}
_SIGNED_CSRF_MAX = 2048


def csrf_token() -> str:
    """Flask-WTF's `generate_csrf`, with the signed token of a visit kept for its next pages.

    Signing is most of a page's CSRF cost: itsdangerous builds a serializer and tries zlib on
    every token (about 90 µs a page, more than the rest of the session's handling). The raw
    token is derived from the visit's id (portal/sessions.py) and WTF_CSRF_TIME_LIMIT is None,
    so the signature's timestamp is never checked and one signed form serves every page of the
    visit. The worker already holds the secret the raw tokens come from: keeping their signed
    forms exposes nothing more.
    """
    if "csrf_token" in g:
        return str(g.csrf_token)
    # [], not .get(): reading it marks the token as shown (portal/sessions.py keeps the id).
    raw = session["csrf_token"] if "csrf_token" in session else None  # noqa: SIM401
    secret: object = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    signed = _SIGNED_CSRF.get((secret, raw)) if isinstance(raw, str) else None
    if signed is None:
        signed = str(generate_csrf())
        if len(_SIGNED_CSRF) >= _SIGNED_CSRF_MAX:
            _SIGNED_CSRF.clear()  # bounded; a visit's next page signs its token again
        _SIGNED_CSRF[(secret, str(session["csrf_token"]))] = signed
    g.csrf_token = signed
    return signed


def install_csrf_token(app: Flask) -> None:
    """Templates' `csrf_token()`. After CSRFProtect(app), which puts Flask-WTF's own both in
    the globals and in a context processor (the later context processor wins)."""
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return  # timed tokens must be signed afresh
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})


def has_control_characters(values: Iterable[str]) -> bool:
    return any(not _CONTROL.isdisjoint(value) for value in values)


def refuse_control_characters() -> None:
    """Before every request: a form or query with a control character gets the 400 page."""
    fields = (*request.args.items(multi=True), *request.form.items(multi=True))
    if has_control_characters(part for pair in fields for part in pair):
        abort(400)
