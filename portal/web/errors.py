"""Every error becomes a page in the person's language that says what to do next."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from flask import Flask, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.db import is_unavailable
from portal.sessions import StoreUnavailable

log = logging.getLogger(__name__)

# (title, what happened, what to do next) for each status a person may meet.
MESSAGES = {
    400: (
        _l("Something in the request was not right"),
        _l("The page could not read what was sent."),
        _l("Go back, check the page and try again."),
    ),
    403: (
        _l("This page is not open to you"),
        _l("You do not have access to this page."),
        _l("If you work here, sign in first. Otherwise, go to the front page."),
    ),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. It may have moved, or the address may have a typo."),
        _l("Check the address, or go to the front page."),
    ),
    405: (
        _l("This page cannot be used like that"),
        _l("The page was opened in a way it does not support."),
        _l("Go back and use the buttons on the page."),
    ),
    413: (
        _l("Too much was sent"),
        _l("The form was bigger than this service accepts."),
        _l("Go back and try again with shorter answers."),
    ),
    414: (
        _l("The address is too long"),
        _l("The address of the page was longer than this service accepts."),
        _l("Check the address, or go to the front page."),
    ),
    429: (
        _l("Too many tries"),
        _l("There have been too many tries in a short time."),
        _l("Wait a while and try again."),
    ),
    431: (
        _l("Too much was sent"),
        _l("The browser sent more information with the page than this service accepts."),
        _l("Close the browser, open it again and go to the front page."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("The service had a problem. Nothing you did caused it."),
        _l("Try again in a moment. If it keeps happening, go to the front page and start again."),
    ),
    503: (
        _l("The service is not available right now"),
        _l("The service is being updated or is very busy."),
        _l("Try again in a few minutes."),
    ),
}
# What the reverse proxy may have to show on its own (deploy/: `error_page`), and gunicorn's
# limits behind it: the same texts, as static pages in all three languages.
MESSAGES[502] = MESSAGES[504] = MESSAGES[503]
STATIC_PAGES = (400, 413, 414, 431, 500, 502, 503, 504)


# The database or Redis is busy, down or not answering: the visit is kept, so say so.
BUSY = (
    _l("The service is busy for a moment"),
    _l("We could not reach our records just now. Nothing you have already answered is lost."),
    _l("Please try again in a moment."),
)
RETRY_AFTER_SECONDS = 5


def render_unavailable() -> tuple[str, int, dict[str, str]]:
    title, what, todo = BUSY
    html = render_template("errors/error.html", status=503, title=title, what=what, todo=todo)
    return html, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def turn_into_unavailable(response: Response) -> None:
    """Make an already built response the "try again" page (the visit could not be saved)."""
    html, status, headers = render_unavailable()
    response.set_data(html)
    response.status_code = status
    response.headers.pop("Location", None)
    response.headers.update(headers)
    response.headers["Content-Type"] = "text/html; charset=utf-8"


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    title, what, todo = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title, what=detail or what, todo=todo
        ),
        status,
    )


def static_page(status: int) -> str:
    """The page for `status` in Finnish, Swedish and English at once, for the proxy to serve
    when the app cannot answer (no language can be chosen there). No script, no form."""
    from flask_babel import force_locale

    from portal.i18n import LANGUAGES

    parts = []
    for code in LANGUAGES:
        with force_locale(code):
            title, what, todo = MESSAGES[status]
            parts.append(
                {
                    "lang": code,
                    "title": str(title),
                    "what": str(what),
                    "todo": str(todo),
                    "front": str(_l("Go to the front page")),
                    "code": str(_l("Error code: %(status)s", status=status)),
                }
            )
    return render_template("errors/static.html", status=status, parts=parts)


def write_static_pages(folder: Path) -> list[Path]:
    """Write static/errors/<status>.html for every status the proxy may show itself."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for status in STATIC_PAGES:
        path = folder / f"{status}.html"
        path.write_text(static_page(status) + "\n", encoding="utf-8")
        written.append(path)
    return written


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            str(_l("The page had been open for a long time, so it could not be sent safely.")),
        )

    @app.before_request
    def session_store_answered() -> None:
        # The visit could not be read: showing the page would look like a lost visit.
        if getattr(session, "unavailable", False) and request.blueprint != "health":
            raise StoreUnavailable("the session store did not answer")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        original = getattr(exc, "original_exception", None)
        if original is not None and is_unavailable(original):
            log.warning("storage unavailable: %s", type(original).__name__)
            return render_unavailable()
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        if is_unavailable(exc):
            log.warning("storage unavailable: %s", type(exc).__name__)
            return render_unavailable()
        log_unexpected(exc)
        return render_error(500)


def log_unexpected(exc: BaseException) -> None:
    """Log an error's type and where it happened, never its message: a message may echo what a
    person typed, and a database's own message can hold a value ("Key (username)=(anna)")
    even with the parameters hidden."""
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 5:
        frames = "".join(traceback.format_tb(seen.__traceback__))
        chain.append(f"{type(seen).__module__}.{type(seen).__qualname__}\n{frames}")
        seen = seen.__cause__ or seen.__context__
    log.error("unhandled %s", "\ncaused by ".join(chain))
