"""Assisted mode on a shared outreach tablet: start for a new person, idle reset, clear now."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.domain import tablets
from portal.web.client import forget_visit, start_new_visit
from portal.web.context import db, questionnaire, settings
from portal.web.errors import render_error

bp = Blueprint("tablet", __name__, url_prefix="/tablet")

COOKIE = "portal_tablet"


@bp.before_app_request
def recognise_tablet() -> None:
    g.tablet = (
        tablets.recognise(db(), request.cookies.get(COOKIE)) if COOKIE in request.cookies else None
    )


@bp.app_context_processor
def tablet_context() -> dict[str, object]:
    config = settings()
    return {
        "tablet": g.get("tablet"),
        "tablet_idle": config.tablet_idle_seconds,
        "tablet_warning": config.tablet_warning_seconds,
    }


def _forget_person(response: Response) -> Response:
    """Nothing of the last person may stay: session gone, and the browser told to drop its cache."""
    forget_visit()
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/enroll/<token>")
def enroll(token: str) -> Response | tuple[str, int]:
    config = settings()
    try:
        tablet, device_secret = tablets.redeem_enrollment(db(), token, secret_key=config.secret_key)
    except tablets.EnrollmentError as exc:
        return render_template("tablet/enroll_failed.html", reason=exc.reason), 400
    response = redirect(url_for("tablet.home", enrolled=1), code=303)
    response.set_cookie(
        COOKIE,
        device_secret,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=config.production,
        samesite="Lax",
        path="/",
    )
    g.tablet = tablet
    return response


@bp.get("/")
def home() -> str | tuple[str, int]:
    if g.tablet is None:
        return render_error(403)
    return render_template(
        "tablet/home.html",
        enrolled=request.args.get("enrolled") == "1",
        cleared=request.args.get("cleared") == "1",
    )


@bp.post("/new")
def new_person() -> Response | tuple[str, int]:
    if g.tablet is None:
        return render_error(403)
    start_new_visit(assisted=True)
    return redirect(url_for("client.question", item_id=questionnaire().items[0].id), code=303)


@bp.post("/clear")
def clear() -> Response:
    return _forget_person(redirect(url_for("tablet.home", cleared=1), code=303))


@bp.get("/reset")
def idle_reset() -> Response:
    """Reached after inactivity (JavaScript's timer, or a <noscript> refresh without it)."""
    return _forget_person(redirect(url_for("tablet.home", cleared=1), code=303))
