"""Delete my answers: a person types their code, confirms, and the record is gone."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.domain import codes, submissions
from portal.i18n import _
from portal.web.context import db, limits, settings
from portal.web.errors import render_error
from portal.web.forms import CodeForm

bp = Blueprint("deletion", __name__)


def code_error_message(error: codes.InvalidCode) -> str:
    """What went wrong with a typed code, and what to do — one message per reason."""
    if error.reason == "empty":
        return _("Write your code in the box.")
    if error.reason == "bad_character" and error.group:
        return _(
            "Group %(group)s of the code has a character that codes do not use. "
            "Check that group against your slip.",
            group=error.group,
        )
    if error.reason == "wrong_length":
        return _(
            "A code has 13 letters and numbers, like 7KQM-4PXR-9T3W-V (the dashes do not count). "
            "Check that none is missing or extra."
        )
    return _(
        "The code has a typo: the last character does not match the rest. "
        "Check each character against your slip."
    )


def _render_form(form: CodeForm, error: str | None, status: int = 200) -> tuple[str, int]:
    return render_template("client/delete.html", form=form, error=error), status


def _checked_code(form: CodeForm) -> codes.ClientCode | tuple[str, int]:
    """The typed code, or the page to show instead (a typo, or too many tries overall).

    The check character is verified and the limit counted before the slow key derivation; the
    limit is overall, since we keep no addresses.
    """
    try:
        code = codes.parse_code(form.code.data or "")
    except codes.InvalidCode as exc:
        return _render_form(form, code_error_message(exc), 400)
    if limits().hit("client_code", "all"):
        return render_error(429)
    return code


@bp.get("/delete")
def delete() -> tuple[str, int]:
    return _render_form(CodeForm(), None)


@bp.post("/delete")
def delete_check() -> Response | tuple[str, int]:
    form = CodeForm()
    code = _checked_code(form)
    if not isinstance(code, codes.ClientCode):
        return code
    config = settings()
    today = dt.date.today()
    try:
        opened = submissions.open_submission(
            db(), code, today=today, secret=config.code_secret, log2n=config.kdf_log2n
        )
    except submissions.ExpiredCode:
        # An expired record is deleted at once: nobody may read it any more anyway.
        submissions.delete(db(), code, secret=config.code_secret, log2n=config.kdf_log2n, today=today)
        db().commit()
        return redirect(url_for("deletion.done", expired=1), code=303)
    except submissions.UnknownCode:
        if code.legacy:  # passed only the old check and found nothing: most likely a typo
            return _render_form(form, code_error_message(codes.InvalidCode("check_failed")), 400)
        message = _(
            "We found no answers with this code. They may have been deleted already, "
            "or the code may be mistyped."
        )
        return _render_form(form, message, 404)
    return render_template(
        "client/delete_confirm.html", code_text=code.grouped, created_on=opened.submission.created_on
    ), 200


@bp.post("/delete/confirm")
def delete_confirm() -> Response | tuple[str, int]:
    form = CodeForm()
    code = _checked_code(form)
    if not isinstance(code, codes.ClientCode):
        return code
    config = settings()
    try:
        submissions.delete(
            db(), code, secret=config.code_secret, log2n=config.kdf_log2n, today=dt.date.today()
        )
    except submissions.UnknownCode:
        return redirect(url_for("deletion.done"), code=303)  # already gone: the wish is met
    db().commit()
    return redirect(url_for("deletion.done"), code=303)


@bp.get("/delete/done")
def done() -> str:
    return render_template("client/delete_done.html", expired=request.args.get("expired") == "1")
