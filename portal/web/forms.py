"""The answer form of a questionnaire item (a plain view, no WTForms class), plus small fixed forms.

The forms shape and render the controls; whether an answer is valid is the domain's rule
(`questionnaire.parse_answer`), so the web and the CLI can never disagree about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.domain.questionnaire_types import Item


class Choice(NamedTuple):
    value: str
    label: str


@dataclass(frozen=True)
class AnswerField:
    """What the question template reads: the options, the kept answer, what was just sent."""

    choices: list[Choice]
    data: Any
    raw_data: list[str]


@dataclass(frozen=True)
class AnswerForm:
    answer: AnswerField


def answer_form(item: Item, lang: str, data: Any = None, sent: list[str] | None = None) -> AnswerForm:
    """The one-field answer form, shaped like the item, without building a WTForms class per
    request (the template writes its own controls; CSRF is checked for every POST anyway)."""
    choices = [Choice(option.value, option.text[lang]) for option in item.options]
    if sent is not None:
        values = [v.strip() for v in sent if v.strip()]
        if item.kind == "multiple":
            data = values
        elif item.kind == "single":
            data = values[0] if values else None
        else:
            data = None
        return AnswerForm(AnswerField(choices, data, list(sent)))
    return AnswerForm(AnswerField(choices, data, []))


def raw_answer(form: AnswerForm, item: Item) -> str | list[str] | None:
    """What the person sent, before the domain checks it."""
    values = [v.strip() for v in form.answer.raw_data if v.strip()]
    if item.kind == "multiple":
        return values
    return values[0] if values else None


class CodeForm(FlaskForm):
    code = StringField(
        _l("Your code"),
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "autocorrect": "off",
        },
    )
