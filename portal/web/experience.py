"""The client's "Was this useful to you?" at the end of the path: one optional question.

The answer is only added to the month's count: it is never kept with the record, the visit or
anywhere else, and it can be skipped by simply finishing.
"""

from __future__ import annotations

from flask import Blueprint, redirect, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.domain import stats
from portal.domain.rating import EXPERIENCE
from portal.web.client import DONE
from portal.web.context import db, today

bp = Blueprint("experience", __name__)
ANSWERED = "useful_answered"

USEFUL_TEXTS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
assert tuple(USEFUL_TEXTS) == EXPERIENCE  # noqa: S101 - the list and its texts move together


class UsefulForm(FlaskForm):
    useful = RadioField(
        _l("Was this useful to you?"),
        choices=[SelectChoice(k, v) for k, v in USEFUL_TEXTS.items()],
        validators=[InputRequired(_l("Choose an answer, or just finish"))],
    )


@bp.app_context_processor
def _useful_question() -> dict[str, object]:
    def useful_question() -> UsefulForm | str | None:
        """The form while it can be answered, "answered" afterwards, None outside a result."""
        if DONE not in session:
            return None
        if session.get(ANSWERED):
            return "answered"
        return UsefulForm(formdata=None)

    return {"useful_question": useful_question}


@bp.post("/useful")
def useful() -> Response:
    form = UsefulForm()
    if DONE in session and not session.get(ANSWERED) and form.validate_on_submit():
        stats.count_experience(db(), day=today(), who="client", answer=form.useful.data)
        db().commit()
        session[ANSWERED] = True
    target = "client.result" if DONE in session else "client.visit_over"
    return redirect(url_for(target) + ("#useful" if DONE in session else ""), code=303)
