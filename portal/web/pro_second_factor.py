"""The staff second factor on the web: after the password, a code from an authenticator app
(or a one-time recovery code); setting it up shows a QR made on our server.

Between the password and the code the session holds only the account id and the time, never a
signed-in user: a stolen password alone opens nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from portal.domain import accounts, audit, second_factor
from portal.domain.audit import Action
from portal.models import Account
from portal.web.context import db, keyring, limits, now
from portal.web.present import qr_svg
from portal.web.pro_access import bp, signed_in, staff, start_session
from portal.web.staff_forms import SecondFactorForm

PENDING = "second_factor_pending"  # {"id": account id, "at": epoch seconds, "new": secret}
NEW = "second_factor_new"  # a signed-in person's secret being set up, until confirmed
PENDING_SECONDS = 300


def needs_second_factor(account: Account) -> bool:
    return second_factor.has_second_factor(account) or second_factor.required(db())


def hold_for_second_factor(account: Account) -> Response:
    """The password was right: wait for the second factor, signed in to nothing yet."""
    session.clear_and_rotate()  # type: ignore[attr-defined]
    session["lang"] = account.language
    session[PENDING] = {"id": account.id, "at": now().timestamp()}
    return redirect(url_for("pro.second_factor_page"), code=303)


def _pending() -> Account | None:
    held = session.get(PENDING)
    if not isinstance(held, dict) or now().timestamp() - float(held.get("at", 0)) > PENDING_SECONDS:
        return None
    account = accounts.get(db(), int(held.get("id", 0)))
    return account if account is not None and account.active else None


def _setup_view(secret: str, username: str) -> dict[str, object]:
    uri = second_factor.provisioning_uri(secret, username)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr": qr_svg(uri, _("QR code for the authenticator app")), "secret": grouped}


def _too_many(account: Account) -> str | None:
    blocked = limits().exceeded("second_factor", str(account.id))
    if blocked is None:
        return None
    return str(
        ngettext(
            "There have been too many wrong codes. Try again in %(num)s minute.",
            "There have been too many wrong codes. Try again in %(num)s minutes.",
            blocked.minutes,
        )
    )


def _wrong(account: Account, form: SecondFactorForm) -> None:
    limits().hit("second_factor", str(account.id))
    audit.record(
        db(), Action.LOGIN_FAILED, at=now(), account=account, detail="second_factor"
    )
    db().commit()
    form.code.errors = [_("The code is not right. Check the app and try again.")]


def _recovery_page(codes: list[str]) -> str:
    return render_template("pro/recovery_codes.html", codes=codes)


@bp.route("/second-factor", methods=["GET", "POST"])
def second_factor_page() -> Response | str | tuple[str, int]:
    account = _pending()
    if account is None:
        session.pop(PENDING, None)
        return redirect(url_for("pro.home"), code=303)
    held = dict(session[PENDING])
    enrolling = not second_factor.has_second_factor(account)
    if enrolling and "new" not in held:
        held["new"] = second_factor.new_secret()
        session[PENDING] = held
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        typed = form.code.data or ""
        problem = _too_many(account)
        if problem is not None:
            form.code.errors = [problem]
            status = 429
        elif enrolling and second_factor.code_fits(held["new"], typed, now()):
            codes = second_factor.enable(db(), account, held["new"], keyring(), now())
            start_session(account)
            audit.record(db(), Action.SECOND_FACTOR_ON, at=now(), account=account)
            audit.record(db(), Action.LOGIN, at=now(), account=account)
            db().commit()
            return _recovery_page(codes)
        elif not enrolling and (used := second_factor.verify(db(), account, typed, keyring(), now())):
            start_session(account)
            detail = "recovery_code" if used == "recovery" else None
            audit.record(db(), Action.LOGIN, at=now(), account=account, detail=detail)
            db().commit()
            return redirect(url_for("pro.home"), code=303)
        else:
            _wrong(account, form)
            status = 400
    view = _setup_view(held["new"], account.username) if enrolling else {}
    html = render_template("pro/second_factor.html", form=form, enrolling=enrolling, **view)
    return html, status


@bp.route("/account/second-factor", methods=["GET", "POST"])
@signed_in
def account_second_factor() -> Response | str | tuple[str, int]:
    me = staff().account
    secret = session.get(NEW)
    if not isinstance(secret, str):
        secret = second_factor.new_secret()
        session[NEW] = secret
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if second_factor.code_fits(secret, form.code.data or "", now()):
            codes = second_factor.enable(db(), me, secret, keyring(), now())
            session.pop(NEW, None)
            audit.record(db(), Action.SECOND_FACTOR_ON, at=now(), account=me)
            db().commit()
            return _recovery_page(codes)
        form.code.errors = [_("The code is not right. Check the app and try again.")]
        status = 400
    view = _setup_view(secret, me.username)
    html = render_template(
        "pro/second_factor.html", form=form, enrolling=True, from_account=True, **view
    )
    return html, status


@bp.post("/account/second-factor/off")
@signed_in
def turn_off_second_factor() -> Response | str | tuple[str, int]:
    """Back to a password only, with a current code (not while an administrator requires it)."""
    me = staff().account
    form = SecondFactorForm()
    if second_factor.required(db()) or not second_factor.has_second_factor(me):
        return redirect(url_for("pro.account"), code=303)
    if form.validate_on_submit():
        problem = _too_many(me)
        if problem is None and second_factor.verify(db(), me, form.code.data or "", keyring(), now()):
            second_factor.disable(db(), me)
            audit.record(db(), Action.SECOND_FACTOR_OFF, at=now(), account=me)
            db().commit()
            flash(_("The second factor is off. Your account asks only for a password."))
            return redirect(url_for("pro.account"), code=303)
        if problem is None:
            _wrong(me, form)
    return redirect(url_for("pro.account", off_failed=1), code=303)
