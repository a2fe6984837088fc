"""The client's path: start → one question per page → check answers → result and code."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal.domain import codes, scoring, submissions
from portal.domain.keys import CodeKeys
from portal.domain.questionnaire import (
    Answer,
    InvalidAnswer,
    Item,
    Questionnaire,
    RawAnswer,
    asked_items,
    effective_answers,
    parse_answer,
)
from portal.i18n import _, lang
from portal.security import forget_browser_data
from portal.web import acute_panel
from portal.web.advice_view import advice_view
from portal.web.context import (
    VISIT_KEY,
    db,
    keyring,
    limits,
    one_write,
    questionnaire,
    questionnaire_for,
    settings,
    today,
)
from portal.web.errors import render_error
from portal.web.forms import answer_form, raw_answer
from portal.web.present import present_answers, present_result, qr_svg
from portal.web.present_services import service_views

bp = Blueprint("client", __name__)

VISIT = "visit"  # {"code": canonical code, "answers": {item_id: answer}}
DONE = "done"  # the canonical code of the finished visit, until the visit ends
DONE_KEYS = "done_keys"  # its derived keys, so the result and slip pages derive nothing again
HELD_LIMITS = "held_limits"  # per-visit limits counted in the visit: {name: [count, window end]}
LEFT = "left"  # set by a quick exit: the finished visit's pages wait for "Show my code"


def _visit() -> dict[str, Any] | None:
    visit = session.get(VISIT)
    return visit if isinstance(visit, dict) else None


def forget_visit() -> None:
    """Forget everything about the person on this browser (new session id); keep the language
    and the random name the rate limits know this browser by."""
    keep_lang = lang()
    keep_key = session.get(VISIT_KEY)
    keep_held = session.get(HELD_LIMITS)
    session.clear_and_rotate()  # type: ignore[attr-defined]
    session["lang"] = keep_lang
    # On a shared tablet each person gets a fresh one: the last person's tries are not theirs.
    if g.get("tablet") is None:
        if isinstance(keep_key, str):
            session[VISIT_KEY] = keep_key
        if isinstance(keep_held, dict):
            session[HELD_LIMITS] = keep_held


def start_new_visit(assisted: bool = False) -> None:
    """Forget everything about any earlier person on this browser, then begin afresh."""
    forget_visit()
    if assisted:
        session["tablet"] = True
    # The code is drawn now and kept (sealed) in the visit, so a double-tapped or re-sent
    # Submit finds the same code and the idempotent store makes one record.
    session[VISIT] = {"code": codes.new_code().canonical, "answers": {}}


def _position(q: Questionnaire, item_id: str) -> int:
    for index, item in enumerate(q.items):
        if item.id == item_id:
            return index
    abort(404)


def _parsed(answers: dict[str, Any]) -> dict[str, Answer]:
    """The session's answers as the domain reads them (lists of choices become tuples)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}


def _path(q: Questionnaire, answers: dict[str, Any]) -> tuple[Item, ...]:
    """The questions this person is asked, given their answers so far (the file's skip logic)."""
    return asked_items(q, _parsed(answers))


def _after(q: Questionnaire, answers: dict[str, Any], index: int) -> Item | None:
    """The next question on the person's path after q.items[index] (None: go to check)."""
    asked = {item.id for item in _path(q, answers)}
    return next((item for item in q.items[index + 1 :] if item.id in asked), None)


def _error_message(item: Item, reason: str) -> str:
    if reason == "too_many_choices":
        return _("Choose at most %(n)s. Untick one or more.", n=item.max_choices)
    if reason == "exclusive_choice":
        alone = next((o.text[lang()] for o in item.options if o.exclusive), "")
        return _("“%(option)s” cannot be chosen together with other options.", option=alone)
    if reason in ("not_a_number", "out_of_range"):
        return _(
            "Write a whole number from %(low)s to %(high)s, or leave it empty.",
            low=item.minimum,
            high=item.maximum,
        )
    return _("Choose one of the options shown, or leave the question unanswered.")


@bp.post("/start")
def start() -> Response:
    on_tablet = g.get("tablet") is not None
    start_new_visit(assisted=on_tablet)
    response = redirect(url_for("client.question", item_id=questionnaire().items[0].id), code=303)
    if on_tablet:
        from portal.web.tablet import mark_tablet_visit

        mark_tablet_visit()
        forget_browser_data(response)
    return response


@bp.get("/start")
def start_page() -> Response:
    return redirect(url_for("pages.landing"))


@bp.route("/q/<item_id>", methods=["GET", "POST"])
def question(item_id: str) -> Response | str | tuple[str, int]:
    visit = _visit()
    if visit is None:
        return redirect(url_for("client.visit_over"))
    q = questionnaire()
    index = _position(q, item_id)
    item = q.items[index]
    answers: dict[str, Any] = visit["answers"]
    changing = request.args.get("change") == "1"
    sent = request.form.getlist("answer") if request.method == "POST" else None
    form = answer_form(item, lang(), data=answers.get(item_id), sent=sent)
    error = None
    if request.method == "POST":
        raw = None if "skip" in request.form else raw_answer(form, item)
        try:
            answer = parse_answer(item, raw)
        except InvalidAnswer as exc:
            error = _error_message(item, exc.reason)
        else:
            was_asked = {i.id for i in _path(q, answers)}
            if answer is None:
                answers.pop(item_id, None)
            else:
                answers[item_id] = list(answer) if isinstance(answer, tuple) else answer
            session.modified = True
            # An acute answer: the next page opens with crisis help (issue 11).
            panel = "#" + acute_panel.ANCHOR if acute_panel.note_answers(visit, q) else ""
            following = _after(q, answers, index)
            # A changed answer may open a question that was not asked before (e.g. "never"
            # drinking changed to "monthly"): ask it next, then go back to check.
            opened = following is not None and following.id not in was_asked
            if following is None or (changing and not opened):
                return redirect(url_for("client.check") + panel, code=303)
            next_url = url_for(
                "client.question", item_id=following.id, change=1 if changing else None
            )
            return redirect(next_url + panel, code=303)
    path = _path(q, answers)
    asked = {i.id for i in path}
    previous = next((i for i in reversed(q.items[:index]) if i.id in asked), None)
    back = (
        url_for("client.check")
        if changing
        else url_for("client.question", item_id=previous.id)
        if previous is not None
        else url_for("pages.landing")
    )
    number = next((n for n, i in enumerate(path, start=1) if i.id == item.id), index + 1)
    html = render_template(
        "client/question.html",
        q=q,
        item=item,
        form=form,
        number=number,
        total=len(path),
        section=next(s for s in q.sections if s.id == item.section),
        error=error,
        back=back,
        changing=changing,
        acute_panel=acute_panel.take(visit, q, lang()),
    )
    return (html, 400) if error else html


@bp.get("/check")
def check() -> Response | str:
    visit = _visit()
    if visit is None:
        return redirect(url_for("client.visit_over"))
    q = questionnaire()
    rows = present_answers(q, visit["answers"], lang(), asked=_path(q, visit["answers"]))
    return render_template(
        "client/check.html",
        rows=rows,
        q=q,
        acute_panel=acute_panel.take(visit, q, lang()),
    )


@bp.post("/submit")
def submit() -> Response | tuple[str, int]:
    visit = _visit()
    if visit is None:
        # A re-sent Submit after the record was made: show the same result again.
        return redirect(url_for("client.result" if DONE in session else "client.visit_over"), 303)
    tablet = g.get("tablet")
    if tablet is not None:
        blocked = limits().hit("submit_tablet", str(tablet.id))
    else:
        # Records per visit: counted in the visit itself, which outlives "a new person" on
        # this browser as the visit's shared-counter key did (no database write per submit).
        blocked, held = limits().hit_held(session.get(HELD_LIMITS) or {}, "submit")
        session[HELD_LIMITS] = held
    if blocked is not None:
        return render_error(429)
    q = questionnaire()
    # Only the questions this person was asked are kept: an answer the skip logic hid since
    # (e.g. drug questions after choosing "none") is neither stored nor scored.
    asked = effective_answers(q, _parsed(visit["answers"]))
    answers: dict[str, Any] = {k: v for k, v in visit["answers"].items() if k in asked}
    provisional = scoring.segment_of_asked(q, answers)
    segment = None if provisional is None else str(provisional)
    code = codes.parse_code(visit["code"])
    config = settings()
    keys = keyring().keys(code)
    submissions.store_and_count(
        one_write(),
        keys=keys,
        answers=answers,
        questionnaire_id=q.id,
        version=q.version,
        language=lang(),
        assisted=bool(session.get("tablet")),
        provisional_segment=segment,
        today=today(),
        days=config.code_days,
    )
    # From here on the visit holds no answers: only the code, so the result can be shown again.
    session.pop(VISIT)
    session[DONE] = code.canonical
    session[DONE_KEYS] = {"lookup": keys.lookup, "seal": keys.seal}
    return redirect(url_for("client.result"), code=303)


def _finished() -> tuple[codes.ClientCode, submissions.OpenedSubmission] | None:
    canonical = session.get(DONE)
    if not isinstance(canonical, str):
        return None
    code = codes.parse_code(canonical)
    held = session.get(DONE_KEYS)
    if isinstance(held, dict):
        keys = CodeKeys(lookup=bytes(held["lookup"]), seal=bytes(held["seal"]))
    else:
        keys = keyring().keys(code)
        session[DONE_KEYS] = {"lookup": keys.lookup, "seal": keys.seal}
    try:
        opened = submissions.open_with_keys(db(), keys, today=today())
    except (submissions.UnknownCode, submissions.ExpiredCode):
        return None  # deleted meanwhile, or the visit outlived the record
    return code, opened


@bp.get("/result")
def result() -> Response | str:
    return _show_finished("client/result.html", with_result=True)


@bp.get("/slip")
def slip() -> Response | str:
    return _show_finished("client/slip.html", with_result=False)


@bp.post("/code")
def show_code() -> Response:
    """Coming back after a quick exit: open the finished visit's result (and code) again."""
    session.pop(LEFT, None)
    return redirect(url_for("client.result" if DONE in session else "client.visit_over"), 303)


def _show_finished(template: str, with_result: bool) -> Response | str:
    if LEFT in session:  # left quickly: show nothing until the person asks for the code
        return redirect(url_for("pages.landing"))
    finished = _finished()
    if finished is None:
        return redirect(url_for("client.visit_over"))
    code, opened = finished
    view = None
    # Scored and shown by the version the record was answered with.
    row = opened.submission
    q = questionnaire_for(row.questionnaire_id, row.questionnaire_version)
    answers = cast(dict[str, RawAnswer], opened.answers)
    result = scoring.assess(q, answers)
    reader = lang()
    if with_result:
        view = present_result(q, result, reader)
    return render_template(
        template,
        view=view,
        services=service_views(q, result, answers, lang=reader),
        advice=advice_view(answers, row.questionnaire_version, reader),
        code=code,
        expires_on=row.expires_on,
        qr=qr_svg(code.grouped, _("QR code of your code")),
    )


@bp.post("/finish")
def finish() -> Response:
    """The person is done: forget the visit, so the next person on this device sees nothing."""
    forget_visit()
    if g.get("tablet") is not None:
        target = url_for("tablet.home", cleared=1)
    else:
        target = url_for("client.visit_over", finished=1)
    return forget_browser_data(redirect(target, code=303))


@bp.get("/over")
def visit_over() -> str:
    return render_template("client/over.html", finished=request.args.get("finished") == "1")
