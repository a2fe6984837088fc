"""Administration under /pro/admin/: make and disable staff accounts, read and download the audit log.

The audit log is read-only here: there is no route that edits or deletes an entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from portal.domain import accounts, audit, second_factor
from portal.domain.audit import Action
from portal.i18n import lang
from portal.web.context import db, now, today
from portal.web.present_services import KIND_TEXTS, directory
from portal.web.pro_access import admin_only, hasher, staff
from portal.web.staff_forms import (
    ROLE_TEXTS,
    WEAK_PASSWORD_TEXTS,
    AccountForm,
    ConfirmForm,
)

bp = Blueprint("admin", __name__, url_prefix="/pro/admin")
PAGE_SIZE = 50

ACTION_TEXTS = {
    Action.LOGIN: _l("Signed in"),
    Action.LOGIN_FAILED: _l("Sign-in failed"),
    Action.LOGOUT: _l("Signed out"),
    Action.REDEEM: _l("Opened a client's answers"),
    Action.REDEEM_FAILED: _l("Could not open answers"),
    Action.CONFIRM: _l("Confirmed the segment"),
    Action.CORRECT: _l("Corrected the segment"),
    Action.EXPORT_PRINT: _l("Opened the print view"),
    Action.EXPORT_FHIR: _l("Downloaded FHIR"),
    Action.PASSWORD_CHANGED: _l("Changed own password"),
    Action.ACCOUNT_CREATED: _l("Made an account"),
    Action.ACCOUNT_DISABLED: _l("Disabled an account"),
    Action.AUDIT_DOWNLOADED: _l("Downloaded the audit log"),
    Action.SECOND_FACTOR_ON: _l("Set up a second factor"),
    Action.SECOND_FACTOR_OFF: _l("Turned the second factor off"),
    Action.SECOND_FACTOR_REQUIRED: _l("Changed the second-factor rule"),
}


def _accounts_page(form: AccountForm | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "admin/accounts.html",
            form=form or AccountForm(formdata=None),
            accounts=accounts.list_accounts(db()),
            role_texts=ROLE_TEXTS,
            disable_form=ConfirmForm(),
            min_length=accounts.MIN_PASSWORD_LENGTH,
            second_factor_required=second_factor.required(db()),
            without_second_factor=second_factor.accounts_without(db()),
        ),
        status,
    )


@bp.get("/")
@admin_only
def home() -> tuple[str, int]:
    return _accounts_page()


@bp.post("/accounts")
@admin_only
def create_account() -> Response | tuple[str, int]:
    form = AccountForm()
    if not form.validate_on_submit():
        return _accounts_page(form, 400)
    try:
        made = accounts.create(
            db(),
            username=form.username.data,
            password=form.password.data,
            role=form.role.data,
            language=form.language.data,
            today=now().date(),
            hasher=hasher(),
        )
    except accounts.BadName:
        form.username.errors = [
            _(
                "Use 2 to 64 characters: small letters a–z, digits, dots, dashes or underscores, "
                "starting with a letter or a digit."
            )
        ]
    except accounts.NameTaken:
        form.username.errors = [_("There is already an account with this user name.")]
    except accounts.WeakPassword as weak:
        form.password.errors = [str(WEAK_PASSWORD_TEXTS[weak.reason])]
    else:
        audit.record(
            db(),
            Action.ACCOUNT_CREATED,
            at=now(),
            account=staff().account,
            detail=f"{made.role}:{made.username}"[:64],
        )
        db().commit()
        flash(_("The account %(name)s has been made.", name=made.username))
        return redirect(url_for("admin.home"), code=303)
    db().rollback()
    return _accounts_page(form, 400)


@bp.post("/accounts/<int:account_id>/disable")
@admin_only
def disable_account(account_id: int) -> Response:
    target = accounts.get(db(), account_id)
    if not ConfirmForm().validate_on_submit() or target is None:
        flash(_("Nothing was changed. Try again."))
    elif target.id == staff().account.id:
        flash(_("You cannot disable your own account. Ask another administrator."))
    else:
        accounts.disable(db(), target.username)
        audit.record(
            db(),
            Action.ACCOUNT_DISABLED,
            at=now(),
            account=staff().account,
            detail=target.username,
        )
        db().commit()
        flash(_("The account %(name)s has been disabled.", name=target.username))
    return redirect(url_for("admin.home"), code=303)


@bp.post("/second-factor")
@admin_only
def require_second_factor() -> Response:
    """Require a second factor of every account (or stop requiring it)."""
    if ConfirmForm().validate_on_submit():
        on = request.form.get("require") == "1"
        second_factor.set_required(db(), on)
        audit.record(
            db(),
            Action.SECOND_FACTOR_REQUIRED,
            at=now(),
            account=staff().account,
            detail="on" if on else "off",
        )
        db().commit()
        flash(_("Saved."))
    return redirect(url_for("admin.home"), code=303)


@bp.get("/audit")
@admin_only
def audit_log() -> str:
    action = request.args.get("action", "")
    action = action if action in {a.value for a in Action} else ""
    total = audit.count(db(), action=action or None)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = audit.entries(
        db(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, action=action or None
    )
    return render_template(
        "admin/audit.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        action=action,
        action_texts=ACTION_TEXTS,
    )


@bp.get("/services")
@admin_only
def services_directory() -> str:
    """The service directory, read-only: every entry with its checked date; due ones flagged."""
    found = directory()
    return render_template(
        "admin/services.html",
        directory=found,
        stale={s.id for s in found.stale(today())},
        kind_texts=KIND_TEXTS,
        lang=lang(),
    )


@bp.get("/audit.csv")
@admin_only
def audit_csv() -> Response:
    audit.record(db(), Action.AUDIT_DOWNLOADED, at=now(), account=staff().account)
    db().commit()

    def lines() -> Iterator[str]:
        yield from audit.csv_lines(audit.all_entries(db()))

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    stamp = now().strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
