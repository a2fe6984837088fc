"""Redeem a code, see the one-screen summary, rate and route, print, export FHIR.

The code is read, checked and used once, in `redeem`; it is never stored or logged. What the
session keeps is the record id, its decrypted answers and the code's last group (for the print
view), until the professional closes the record, opens another one or signs out.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from portal.domain import audit, fhir, rating, redemption, stats
from portal.domain.audit import Action
from portal.domain.codes import InvalidCode, parse_code
from portal.domain.submissions import ExpiredCode, UnknownCode
from portal.i18n import lang as current_lang
from portal.models import Submission
from portal.web.advice_view import advice_view
from portal.web.context import db, keyring, limits, now, questionnaire_for, settings, today
from portal.web.present import present_answers, present_result
from portal.web.present_services import service_views
from portal.web.pro_access import bp, redeem_page, signed_in, staff
from portal.web.staff_forms import (
    APPOINTMENT_TEXTS,
    CAPABILITY_TEXTS,
    LANGUAGE_NAMES,
    REASON_TEXTS,
    RISK_TEXTS,
    ROUTE_KIND_TEXTS,
    ConfirmForm,
    HelpedForm,
    RedeemForm,
    ReviewForm,
)

OPEN = "pro_record"
ASK_HELPED = "pro_ask_helped"  # the record id whose review was just saved: ask "did it help?"


def _code_problem(error: InvalidCode) -> str:
    return str(_code_problem_text(error))


def _code_problem_text(error: InvalidCode) -> object:
    if error.reason == "empty":
        return _("Enter the client's code.")
    if error.reason == "wrong_length":
        return _(
            "A code has 13 letters and numbers, like 7KQM-4PXR-9T3W-V (the dashes do not count). "
            "Check that none is missing or extra."
        )
    if error.reason == "bad_character" and error.group is not None:
        return _(
            "Group %(group)s of the code has a character that is not used in codes. "
            "Check that group against the slip.",
            group=error.group,
        )
    return _(
        "The code has a typo: its last character does not match the others. "
        "Check each group against the slip."
    )


def _log(action: Action, submission_id: int | None = None, detail: str | None = None) -> None:
    """One audit entry for the signed-in professional, committed with whatever went before."""
    audit.record(
        db(),
        action,
        at=now(),
        account=staff().account,
        record_ref=None if submission_id is None else keyring().record_ref(submission_id),
        detail=detail,
    )
    db().commit()


def _failed(form: RedeemForm, message: str, detail: str, status: int) -> tuple[str, int]:
    _log(Action.REDEEM_FAILED, detail=detail)
    form.code.errors = [message]
    return redeem_page(form, status)


@bp.route("/redeem", methods=["GET", "POST"])
@signed_in
def redeem() -> Response | tuple[str, int]:
    if request.method == "GET":  # an error page's address, opened again from history
        return redirect(url_for("pro.home"), code=303)
    form = RedeemForm()
    if not form.validate_on_submit():
        return redeem_page(form, 400)
    # Counted before anything else, so a flood of guesses never reaches the slow derivation.
    blocked = limits().hit("redeem", str(staff().account.id))
    if blocked is not None:
        message = ngettext(
            "You have tried many codes in a short time. Try again in %(num)s minute.",
            "You have tried many codes in a short time. Try again in %(num)s minutes.",
            blocked.minutes,
        )
        return _failed(form, message, "rate_limited", 429)
    try:
        code = parse_code(form.code.data or "")
    except InvalidCode as error:
        return _failed(form, _code_problem(error), error.reason, 400)
    try:
        opened = redemption.redeem(db(), code, today=today(), keyring=keyring())
    except UnknownCode:
        if code.legacy:  # passed only the old check and found nothing: most likely a typo
            return _failed(form, _code_problem(InvalidCode("check_failed")), "check_failed", 400)
        message = _(
            "No answers were found with this code. Check the code with the client: "
            "the answers may also have been deleted."
        )
        return _failed(form, message, "unknown", 404)
    except ExpiredCode:
        message = _(
            "This code has expired, so its answers can no longer be seen. "
            "The client can answer again to get a new code."
        )
        return _failed(form, message, "expired", 410)
    _log(Action.REDEEM, submission_id=opened.submission_id)
    session[OPEN] = {
        "id": opened.submission_id,
        "answers": opened.answers,
        "tail": opened.code_tail,
        "segment": opened.provisional_segment,
    }
    return redirect(url_for("pro.record"), code=303)


def _open_summary() -> redemption.Summary | None:
    held = session.get(OPEN)
    if not held:
        flash(_("Enter a code to open a client's answers."))
        return None
    row = db().get(Submission, held["id"])
    if row is None:
        session.pop(OPEN, None)
        flash(_("These answers are no longer available: the client deleted them, or they expired."))
        return None
    q = questionnaire_for(row.questionnaire_id, row.questionnaire_version)
    return redemption.summary(db(), held["id"], held["answers"], q)


def _provisional(found: redemption.Summary) -> str | None:
    """The client's provisional segment, scored from the opened answers (not read off the row)."""
    segment = found.result.segment
    return None if segment is None else str(segment)


def _context(found: redemption.Summary) -> dict[str, Any]:
    row = found.submission
    q = questionnaire_for(row.questionnaire_id, row.questionnaire_version)
    lang = current_lang()
    view = present_result(q, found.result, lang)
    names = {**view.segment_names, redemption.UNDETERMINED: _("Cannot say yet")}
    return {
        "view": view,
        "record": row,
        "answers": present_answers(q, found.answers, lang),
        "advice": advice_view(found.answers, row.questionnaire_version, lang),  # issue 11
        "client_language": LANGUAGE_NAMES.get(row.language, row.language),
        "reviews": found.reviews,
        "segment_names": names,
        "reason_texts": REASON_TEXTS,
        "capability_texts": CAPABILITY_TEXTS,
        "risk_texts": RISK_TEXTS,
        "kind_texts": ROUTE_KIND_TEXTS,
        "appointment_texts": APPOINTMENT_TEXTS,
        "client_sides": rating.client_sides(_provisional(found)),
        "code_tail": session.get(OPEN, {}).get("tail", ""),
        "services": service_views(
            q, found.result, found.answers, lang=lang, client_lang=row.language
        ),
    }


def _record_page(found: redemption.Summary, form: ReviewForm, status: int = 200) -> tuple[str, int]:
    context = _context(found)
    ask = session.get(ASK_HELPED) == found.submission.id
    html = render_template(
        "pro/record.html",
        form=form,
        close_form=ConfirmForm(),
        helped_form=HelpedForm(formdata=None) if ask else None,
        **context,
    )
    return html, status


@bp.get("/record")
@signed_in
def record() -> Response | tuple[str, int]:
    found = _open_summary()
    if found is None:
        return redirect(url_for("pro.home"), code=303)
    # Nothing chosen beforehand, not even the last review's values: each Save is a fresh view.
    form = ReviewForm.build(_context(found)["view"].segment_names)
    return _record_page(found, form)


@bp.post("/record/review")
@signed_in
def review() -> Response | tuple[str, int]:
    found = _open_summary()
    if found is None:
        return redirect(url_for("pro.home"), code=303)
    names = _context(found)["view"].segment_names
    form = ReviewForm.build(names)
    if not form.validate_on_submit():
        return _record_page(found, form, 400)
    try:
        given = rating.make_rating(
            capability=form.capability.data,
            risk=form.risk.data,
            override=form.override.data or None,
            reason=form.reason.data or None,
            routed=form.routed.data or (),
            appointment=form.appointment.data or None,
        )
    except rating.InvalidRating:
        form.override.errors = [_("Choose the reason for another segment")]
        return _record_page(found, form, 400)
    saved = redemption.review(
        db(),
        submission_id=found.submission.id,
        account_id=staff().account.id,
        given=given,
        provisional=_provisional(found),
        today=today(),
    )
    action = Action.CONFIRM if saved.agrees else Action.CORRECT
    detail = saved.segment if given.reason is None else f"{saved.segment}:{given.reason}"
    _log(action, submission_id=found.submission.id, detail=detail)
    session[ASK_HELPED] = found.submission.id
    flash(_("Saved. Thank you."))
    return redirect(url_for("pro.record"), code=303)


@bp.post("/record/helped")
@signed_in
def helped() -> Response:
    """ "Did the summary help you?": counted for the month, never kept with the record."""
    form = HelpedForm()
    asked = session.get(ASK_HELPED)
    held = session.get(OPEN)
    if form.validate_on_submit() and asked is not None and held and held.get("id") == asked:
        stats.count_experience(db(), day=today(), who="pro", answer=form.helped.data)
        db().commit()
        session.pop(ASK_HELPED, None)
        flash(_("Thank you for your answer."))
    return redirect(url_for("pro.record"), code=303)


@bp.get("/record/print")
@signed_in
def print_view() -> Response | str:
    found = _open_summary()
    if found is None:
        return redirect(url_for("pro.home"), code=303)
    _log(Action.EXPORT_PRINT, submission_id=found.submission.id)
    return render_template("pro/print.html", **_context(found))


@bp.get("/record/fhir")
@signed_in
def fhir_export() -> Response:
    found = _open_summary()
    if found is None:
        return redirect(url_for("pro.home"), code=303)
    row = found.submission
    q = questionnaire_for(row.questionnaire_id, row.questionnaire_version)
    latest = found.latest_review
    assessment = None
    if latest is not None:
        assessment = fhir.Assessment(
            reviewed_on=latest.reviewed_on,
            segment=latest.segment,
            provisional=_provisional(found),
            capability=latest.capability,
            risk=latest.risk,
            overridden=latest.overridden,
            reason=latest.reason,
            routed=tuple(k for k in latest.routed.split(",") if k),
            appointment=latest.appointment,
        )
    resource = fhir.export_bundle(
        q,
        answers=found.answers,
        instruments=found.result.instruments,
        authored=row.created_on,
        language=row.language,
        base=settings().canonical_base,
        assessment=assessment,
    )
    _log(Action.EXPORT_FHIR, submission_id=row.id)
    body = json.dumps(resource, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/fhir+json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="selfassessment-{row.created_on.isoformat()}.json"'
    )
    return response


@bp.post("/record/close")
@signed_in
def close() -> Response:
    if ConfirmForm().validate_on_submit():
        session.pop(OPEN, None)
        session.pop(ASK_HELPED, None)
    return redirect(url_for("pro.home"), code=303)
