"""Pages every visitor can reach: landing, about, accessibility statement, quick exit."""

from __future__ import annotations

import datetime as dt
from typing import cast

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal.sessions import ServerSideSessionInterface, VisitSessionData
from portal.web.client import DONE, LEFT, VISIT
from portal.web.context import close_db, questionnaire, settings
from portal.web.redirects import path_of_request, safe_path

bp = Blueprint("pages", __name__)
bp.teardown_app_request(close_db)

# What a pause would make a person lose: answers in progress or a result's code, or a
# professional's sign-in (Flask-Login's key, the one the session lifetime is chosen by).
_WORTH_KEEPING = (VISIT, DONE, "_user_id")
# The accessibility statement's dates: change the second whenever what it says changes.
STATEMENT_MADE = dt.date(2026, 11, 23)
STATEMENT_UPDATED = dt.date(2026, 12, 1)
# How long before the end the warning shows (the page's script reads it from data-warn).
WARNING_SECONDS = 120


def expiry_seconds() -> int | None:
    """Seconds of inactivity after which this session is forgotten, if it holds anything a
    person would lose; None if there is nothing to warn about. A shared tablet has its own,
    much shorter idle reset with its own warning."""
    if g.get("tablet") is not None or not any(k in session for k in _WORTH_KEEPING):
        return None
    interface = cast(ServerSideSessionInterface, current_app.session_interface)
    return interface.lifetime(cast(VisitSessionData, session))


@bp.app_context_processor
def _expiry_globals() -> dict[str, object]:
    seconds = expiry_seconds()
    here = None
    if seconds is not None and request.endpoint and request.url_rule is not None:
        here = path_of_request(request.script_root + request.path)
    return {
        "expiry": seconds,
        "expiry_warning": WARNING_SECONDS,
        "expiry_here": here,
        "expiry_staff": "_user_id" in session,
    }


@bp.post("/keep")
def keep() -> Response | tuple[str, int]:
    """More time, asked for from the warning before a pause ends a visit or a sign-in.

    This request itself renews the session's lifetime (every response saves the session).
    The page's script asks with X-Keep and gets 204, or 410 if there is nothing left to keep;
    without script the form is a plain POST that goes back to the page it came from.
    """
    if request.headers.get("X-Keep") == "1":
        # A shared tablet's visit counts too: this request has just restarted its idle clock
        # (portal/web/tablet.py), so "I am still here" can tell the server, not only the page.
        alive = expiry_seconds() is not None or bool(session.get("tablet"))
        return ("", 204) if alive else ("", 410)
    target = safe_path(request.form.get("next"), url_for("pages.landing"))
    return redirect(target, code=303)


@bp.get("/")
def landing() -> Response | str:
    if g.get("tablet") is not None:  # a shared tablet always opens on its own start page
        return redirect(url_for("tablet.home"))
    return render_template("pages/landing.html")


@bp.get("/about")
def about() -> str:
    return render_template("pages/about.html", q=questionnaire(), days=settings().code_days)


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template(
        "pages/accessibility.html",
        contact=settings().accessibility_contact,
        made_on=STATEMENT_MADE,
        updated_on=STATEMENT_UPDATED,
    )


@bp.get("/exit")
def quick_exit() -> Response:
    """Leave for a neutral site at once, and never lose a finished visit's code.

    Answers in progress are forgotten. A finished visit keeps only its code, under a new session
    id, until the visit would have ended anyway; its pages stay closed until the person comes
    back and asks for them ("Show my code" on the start page), so Back or a glance at the
    screen shows nothing. On a shared tablet leaving clears everything: the next person must
    find nothing.
    """
    done = session.get(DONE)
    language = session.get("lang")
    session.clear_and_rotate()  # type: ignore[attr-defined]
    if isinstance(done, str) and g.get("tablet") is None:
        session[DONE] = done
        session[LEFT] = True
        if language:
            session["lang"] = language
    return redirect(settings().quick_exit_url, code=303)


@bp.app_context_processor
def _came_back() -> dict[str, object]:
    """After a quick exit, the start page offers the code again (until the visit ends)."""
    return {"left_with_code": LEFT in session and DONE in session}
