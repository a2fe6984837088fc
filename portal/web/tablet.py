"""Assisted mode on a shared outreach tablet: start for a new person, idle reset, clear now.

The idle reset is the server's, not only the page's: every request of a tablet visit notes the
time in the (server-side) visit, and a request that comes more than PORTAL_TABLET_IDLE_SECONDS
after the last one finds the visit forgotten, whatever the browser did meanwhile (a closed tab,
a script that never ran, a clock that was stopped).
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.domain import tablets
from portal.security import forget_browser_data
from portal.web.client import forget_visit, start_new_visit
from portal.web.context import db, now, questionnaire, settings
from portal.web.errors import render_error

bp = Blueprint("tablet", __name__, url_prefix="/tablet")

SEEN = "tablet_seen"  # when this tablet visit last made a request (seconds since the epoch)


def cookie_name() -> str:
    # __Host-: sent only over HTTPS, only to this host, for every path; no subdomain can set it.
    return "__Host-portal_tablet" if settings().production else "portal_tablet"


@bp.before_app_request
def recognise_tablet() -> None:
    name = cookie_name()
    g.tablet = tablets.recognise(db(), request.cookies.get(name)) if name in request.cookies else None
    if session.get("tablet"):
        _forget_when_idle()


def _forget_when_idle() -> None:
    moment = now().timestamp()
    seen = session.get(SEEN)
    if not isinstance(seen, int | float) or moment - seen > settings().tablet_idle_seconds:
        forget_visit()
        return
    session[SEEN] = moment


def mark_tablet_visit() -> None:
    """Called when a visit starts on a tablet: the idle clock starts now."""
    session[SEEN] = now().timestamp()


@bp.app_context_processor
def tablet_context() -> dict[str, object]:
    config = settings()
    return {
        "tablet": g.get("tablet"),
        "tablet_idle": config.tablet_idle_seconds,
        "tablet_warning": config.tablet_warning_seconds,
    }


def _forget_person(response: Response) -> Response:
    """Nothing of the last person may stay: session gone, and the browser told to drop its data."""
    forget_visit()
    return forget_browser_data(response)


@bp.get("/enroll/<token>")
def enroll(token: str) -> str | tuple[str, int]:
    """The set-up link's page: it only asks; the token is used up by the button (a POST), so
    a link preview or a prefetch cannot spend it."""
    try:
        tablets.check_enrollment(db(), token, now=now())
    except tablets.EnrollmentError as exc:
        return render_template("tablet/enroll_failed.html", reason=exc.reason), 400
    return render_template("tablet/enroll.html", token=token)


@bp.post("/enroll/<token>")
def enroll_confirm(token: str) -> Response | tuple[str, int]:
    if not FlaskForm().validate_on_submit():
        return render_error(400)
    try:
        tablet, device_secret = tablets.redeem_enrollment(db(), token, now=now())
    except tablets.EnrollmentError as exc:
        return render_template("tablet/enroll_failed.html", reason=exc.reason), 400
    db().commit()
    response = redirect(url_for("tablet.home", enrolled=1), code=303)
    response.set_cookie(
        cookie_name(),
        device_secret,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=settings().production,
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
    mark_tablet_visit()
    first = url_for("client.question", item_id=questionnaire().items[0].id)
    return forget_browser_data(redirect(first, code=303))


@bp.post("/clear")
def clear() -> Response:
    return _forget_person(redirect(url_for("tablet.home", cleared=1), code=303))


@bp.get("/reset")
def idle_reset() -> Response:
    """Reached after inactivity (JavaScript's timer, or a <noscript> refresh without it)."""
    return _forget_person(redirect(url_for("tablet.home", cleared=1), code=303))
