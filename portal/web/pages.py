"""Pages every visitor can reach: landing, about, accessibility statement, quick exit."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from portal.web.context import close_db, questionnaire, settings

bp = Blueprint("pages", __name__)
bp.teardown_app_request(close_db)


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
    return render_template("pages/accessibility.html", contact=settings().accessibility_contact)


@bp.get("/exit")
def quick_exit() -> Response:
    """Forget the visit on the server, then leave for a neutral site."""
    session.clear_and_rotate()  # type: ignore[attr-defined]
    return redirect(settings().quick_exit_url, code=303)
