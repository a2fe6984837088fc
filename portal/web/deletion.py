"""Delete my answers: a person types their code, confirms, and the record is gone."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.domain import codes, submissions
from portal.i18n import _
from portal.web.context import db, keyring, limits, today, visit_key
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


PENDING = "pending_delete"  # the lookup key of the record the person is about to delete
MISSED = "code_missed"  # this visit has typed a code that opened nothing


def _render_form(form: CodeForm, error: str | None, status: int = 200) -> tuple[str, int]:
    # The typed code is never sent back into the page: on a shared tablet the field's value
    # would stay in the browser's form and session-restore data after the person has gone.
    form.code.data = ""
    return render_template("client/delete.html", form=form, error=error), status


def _checked_code(form: CodeForm) -> codes.ClientCode | tuple[str, int]:
    """The typed code, or the page to show instead (a typo, or too many tries).

    The check character is verified and the limits counted before the slow key derivation.
    The limit is this visit's own, so one browser's guessing never stops another person. The
    service-wide count of unknown codes is only a circuit breaker: past it, a visit that has
    already typed an unknown code gets no more tries, while a visit that has not (a person
    with their real code) is always heard.
    """
    try:
        code = codes.parse_code(form.code.data or "")
    except codes.InvalidCode as exc:
        return _render_form(form, code_error_message(exc), 400)
    if session.get(MISSED) and limits().exceeded("client_code_global", "all"):
        return render_error(429)
    if limits().hit("client_code", visit_key()):
        return render_error(429)
    return code


@bp.get("/delete")
def delete() -> tuple[str, int]:
    session.pop(PENDING, None)
    return _render_form(CodeForm(), None)


@bp.post("/delete")
def delete_check() -> Response | tuple[str, int]:
    form = CodeForm()
    code = _checked_code(form)
    if not isinstance(code, codes.ClientCode):
        return code
    keys = keyring().keys(code)
    try:
        opened = submissions.open_with_keys(db(), keys, today=today())
    except submissions.ExpiredCode:
        # An expired record is deleted at once: nobody may read it any more anyway.
        submissions.delete_by_lookup_key(db(), keys.lookup)
        db().commit()
        return redirect(url_for("deletion.done", expired=1), code=303)
    except submissions.UnknownCode:
        limits().hit("client_code_global", "all")
        session[MISSED] = True
        if code.legacy:  # passed only the old check and found nothing: most likely a typo
            return _render_form(form, code_error_message(codes.InvalidCode("check_failed")), 400)
        message = _(
            "We found no answers with this code. They may have been deleted already, "
            "or the code may be mistyped."
        )
        return _render_form(form, message, 404)
    # The confirmation page holds no code: the server keeps which record it is for this visit.
    session[PENDING] = keys.lookup
    return render_template(
        "client/delete_confirm.html", created_on=opened.submission.created_on
    ), 200


@bp.post("/delete/confirm")
def delete_confirm() -> Response | tuple[str, int]:
    if not FlaskForm().validate_on_submit():
        return render_error(400)
    pending = session.pop(PENDING, None)
    if not isinstance(pending, bytes):
        return redirect(url_for("deletion.delete"), code=303)  # nothing chosen on this visit
    try:
        submissions.delete_by_lookup_key(db(), pending)
    except submissions.UnknownCode:
        return redirect(url_for("deletion.done"), code=303)  # already gone: the wish is met
    db().commit()
    return redirect(url_for("deletion.done"), code=303)


@bp.get("/delete/done")
def done() -> str:
    return render_template("client/delete_done.html", expired=request.args.get("expired") == "1")
