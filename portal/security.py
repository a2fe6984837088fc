"""One place for response headers, session cookie settings and rate limits."""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter
from limits import parse

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint == "static":
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


class _NoAddresses(logging.Filter):
    """Werkzeug's request log starts with the client's address; drop it before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and " - - [" in record.msg:
            record.msg = "-" + record.msg[record.msg.index(" - - [") :]
        return True


def keep_addresses_out_of_logs() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoAddresses) for f in logger.filters):
        logger.addFilter(_NoAddresses())


@dataclass(frozen=True)
class Blocked:
    """A rate limit was reached; `retry_at` says when the next try is allowed."""

    retry_at: dt.datetime

    @property
    def minutes(self) -> int:
        seconds = (self.retry_at - dt.datetime.now(dt.UTC)).total_seconds()
        return max(1, math.ceil(seconds / 60))


class RateLimits:
    """Named limits checked by hand, so a check can come *before* expensive work (the KDF).

    Keys are account names or a constant for overall limits: never an IP address.
    """

    def __init__(self, limiter: Limiter, limits: dict[str, str]) -> None:
        self.limiter = limiter
        self.items = {name: parse(text) for name, text in limits.items()}

    def hit(self, name: str, key: str) -> Blocked | None:
        item = self.items[name]
        strategy = self.limiter.limiter
        if strategy.hit(item, name, key):
            return None
        reset, _remaining = strategy.get_window_stats(item, name, key)
        return Blocked(dt.datetime.fromtimestamp(reset, dt.UTC))

    def clear(self, name: str, key: str) -> None:
        self.limiter.limiter.clear(self.items[name], name, key)


def make_limiter(app: Flask, storage_uri: str) -> Limiter:
    def no_key() -> str:
        return "global"

    options: dict[str, Any] = {"storage_uri": storage_uri, "key_prefix": "portal", "app": app}
    if storage_uri.startswith("memory"):
        options.pop("key_prefix")
    return Limiter(no_key, default_limits=[], headers_enabled=False, **options)
