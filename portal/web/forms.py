"""WTForms classes built at run time from a questionnaire item, plus the small fixed forms.

The forms shape and render the controls; whether an answer is valid is the domain's rule
(`questionnaire.parse_answer`), so the web and the CLI can never disagree about it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms import widgets as w
from wtforms.fields.choices import SelectChoice

from portal.domain.questionnaire_types import Item


class CheckboxesField(SelectMultipleField):
    widget = w.ListWidget(prefix_label=False)
    option_widget = w.CheckboxInput()


def answer_form(item: Item, lang: str, data: Any = None) -> FlaskForm:
    """A form with one field, `answer`, shaped like the item (radios, checkboxes or a number)."""
    choices = [SelectChoice(option.value, option.text[lang]) for option in item.options]
    field: Field
    if item.kind == "single":
        field = RadioField(choices=choices, validate_choice=False)
    elif item.kind == "multiple":
        field = CheckboxesField(choices=choices, validate_choice=False)
    else:
        field = IntegerField(
            render_kw={"inputmode": "numeric", "min": item.minimum, "max": item.maximum}
        )
    form_class = type("AnswerForm", (FlaskForm,), {"answer": field})
    form: FlaskForm = form_class(data={"answer": data} if data is not None else None)
    return form


def raw_answer(form: FlaskForm, item: Item) -> str | list[str] | None:
    """What the person sent, before the domain checks it."""
    values = [v.strip() for v in (form.answer.raw_data or []) if v.strip()]
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
