"""The professional's side under /pro/: sign in and out, and one's own password and language.

The blueprint and the sign-in checks are in `pro_access.py`; a client's record is in
`pro_records.py`, on the same blueprint.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from portal.domain import accounts, audit, second_factor
from portal.domain.audit import Action
from portal.web.context import db, limits, now
from portal.web.pro_access import (
    admin_only,
    bp,
    hasher,
    redeem_page,
    signed_in,
    staff,
    start_session,
)
from portal.web.pro_second_factor import hold_for_second_factor, needs_second_factor
from portal.web.staff_forms import WEAK_PASSWORD_TEXTS, LanguageForm, LoginForm, PasswordForm

__all__ = ["admin_only", "bp", "hasher", "signed_in", "staff"]

FAILED = "login_failed"  # this browser has failed a sign-in (see the circuit breaker in _sign_in)


def _sign_in(form: LoginForm) -> Response | int:
    """Sign in, or put the reason on the form and return the status to show it with."""
    name = accounts.normalise_name(form.username.data or "")[:64]
    known = accounts.find(db(), name)
    # Only failures count, per account name: a correct sign-in never adds to any count. The
    # overall count is a circuit breaker: past it, a browser that has already failed gets no
    # more tries, while one that has not is always heard (so it never refuses a correct
    # sign-in on a first try). Both are checked before the password is hashed.
    blocked = limits().exceeded("login", name)
    if blocked is None and session.get(FAILED):
        blocked = limits().exceeded("login_global", "all")
    if blocked is not None:
        audit.record(
            db(), Action.LOGIN_FAILED, at=now(), account=known, detail="rate_limited"
        )
        db().commit()
        message = ngettext(
            "There have been too many sign-in attempts. Try again in %(num)s minute.",
            "There have been too many sign-in attempts. Try again in %(num)s minutes.",
            blocked.minutes,
        )
        form.password.errors = [message]
        return 429
    account = accounts.verify(db(), name, form.password.data or "", hasher=hasher())
    if account is None:
        reason = (
            "unknown_name"
            if known is None
            else "disabled"
            if not known.active
            else "wrong_password"
        )
        # An unknown name is not written down: it may be a password typed in the wrong field.
        audit.record(db(), Action.LOGIN_FAILED, at=now(), account=known, detail=reason)
        db().commit()
        limits().hit("login", name)
        limits().hit("login_global", "all")
        session[FAILED] = True
        form.password.errors = [
            _("The user name or the password is not right. Check both and try again.")
        ]
        return 200
    limits().clear("login", name)
    if needs_second_factor(account):
        return hold_for_second_factor(account)
    start_session(account)
    audit.record(db(), Action.LOGIN, at=now(), account=account)
    db().commit()
    return redirect(url_for("pro.home"), code=303)


@bp.route("/", methods=["GET", "POST"])
def home() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redeem_page()
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        outcome = _sign_in(form)
        if isinstance(outcome, Response):
            return outcome
        status = outcome
    return render_template("pro/login.html", form=form), status


@bp.post("/logout")
@signed_in
def logout() -> Response:
    audit.record(db(), Action.LOGOUT, at=now(), account=staff().account)
    db().commit()
    lang = session.get("lang")
    logout_user()
    session.clear_and_rotate()  # type: ignore[attr-defined]
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."))
    return redirect(url_for("pro.home"), code=303)


def _account_page(
    language: LanguageForm | None = None, password: PasswordForm | None = None
) -> str:
    return render_template(
        "pro/account.html",
        language_form=language or LanguageForm(data={"language": staff().account.language}),
        password_form=password or PasswordForm(formdata=None),
        min_length=accounts.MIN_PASSWORD_LENGTH,
        second_factor_required=second_factor.required(db()),
        off_failed=request.args.get("off_failed") == "1",
    )


@bp.get("/account")
@signed_in
def account() -> str:
    return _account_page()


@bp.post("/account/language")
@signed_in
def change_language() -> Response | str:
    form = LanguageForm()
    if not form.validate_on_submit():
        return _account_page(language=form)
    accounts.set_language(db(), staff().account, form.language.data)
    db().commit()
    session["lang"] = form.language.data
    flash(_("Your language has been saved."))
    return redirect(url_for("pro.account"), code=303)


@bp.post("/account/password")
@signed_in
def change_password() -> Response | str:
    form = PasswordForm()
    if form.validate_on_submit():
        me = staff().account
        try:
            accounts.change_password(
                db(), me, current=form.current.data, new=form.new.data, hasher=hasher()
            )
        except accounts.WrongPassword:
            form.current.errors = [_("The current password is not right.")]
        except accounts.WeakPassword as weak:
            form.new.errors = [str(WEAK_PASSWORD_TEXTS[weak.reason])]
        else:
            audit.record(db(), Action.PASSWORD_CHANGED, at=now(), account=me)
            db().commit()
            start_session(me)
            flash(_("Your password has been changed."))
            return redirect(url_for("pro.account"), code=303)
    return _account_page(password=form)
