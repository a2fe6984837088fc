"""The professional side's blueprint and who may use it: sign-in state, roles, the password hasher.

The pages are in `pro.py` (signing in and out, one's account) and `pro_records.py` (a client's
record); both build on this module and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import LoginManager, UserMixin, current_user, login_user
from werkzeug.wrappers import Response

from portal.domain import accounts
from portal.models import Account
from portal.web.context import db
from portal.web.staff_forms import RedeemForm

bp = Blueprint("pro", __name__, url_prefix="/pro")
login_manager = LoginManager()
# Flask-Login would keep a hash of the address and browser in the session; we keep neither.
login_manager.session_protection = None

F = TypeVar("F", bound=Callable[..., Any])


class Staff(UserMixin):
    """The signed-in account, as Flask-Login sees it."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = account.id

    @property
    def is_admin(self) -> bool:
        return self.account.role == "admin"


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    # No template reads current_user: without its context processor a client's page does not
    # look up a signed-in account it never has.
    login_manager.init_app(state.app, add_context_processor=False)
    # Argon2 at full cost; tests run the same algorithm at a tiny cost to stay fast.
    state.app.extensions["portal.password_hasher"] = accounts.password_hasher(
        cheap=state.app.config["TESTING"]
    )


def _load(user_id: str) -> Staff | None:
    account = accounts.get(db(), int(user_id)) if user_id.isdigit() else None
    return Staff(account) if account is not None and account.active else None


def _unauthorized() -> Response:
    return redirect(url_for("pro.home"), code=303)


login_manager.user_loader(_load)
login_manager.unauthorized_handler(_unauthorized)


def hasher() -> PasswordHasher:
    return cast(PasswordHasher, current_app.extensions["portal.password_hasher"])


def staff() -> Staff:
    return cast(Staff, current_user._get_current_object())


def signed_in(view: F) -> F:
    """Only for a signed-in, active account; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def admin_only(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if not staff().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


@bp.app_context_processor
def _staff_globals() -> dict[str, object]:
    # A client's page never has a signed-in account: no account lookup without its session key.
    if "_user_id" not in session:
        return {"staff": None}
    return {"staff": staff() if current_user.is_authenticated else None}


def redeem_page(form: RedeemForm | None = None, status: int = 200) -> tuple[str, int]:
    """A signed-in professional's home: the one-field code form."""
    return render_template("pro/redeem.html", form=form or RedeemForm(formdata=None)), status


def start_session(account: Account) -> None:
    """A new session id for every sign-in (and password change), in the account's language."""
    session.clear_and_rotate()  # type: ignore[attr-defined]
    login_user(Staff(account))
    session.pop("_id", None)  # Flask-Login's address-and-browser hash: not kept
    session["lang"] = account.language
