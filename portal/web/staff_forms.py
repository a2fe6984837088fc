"""The professional's and the administrator's forms (CSRF-protected, labels translated lazily)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.domain import rating
from portal.domain.accounts import LANGUAGES
from portal.domain.rating import UNDETERMINED
from portal.i18n import NATIVE_NAMES
from portal.web.present_services import KIND_TEXTS

_NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}

# Why the segment differs from the one the two ratings give (a fixed list: no free text).
REASON_TEXTS = {
    "whole_picture": _l("The whole picture fits another segment better"),
    "services_in_place": _l("The services already in place change what is needed"),
    "client_view": _l("The client sees their situation differently"),
    "situation_changed": _l("The situation has changed since the answers were given"),
    "need_more_information": _l("More information is needed first"),
}
assert set(REASON_TEXTS) == set(rating.OVERRIDE_REASONS)  # noqa: S101 - a wrong edit must fail at import

CAPABILITY_TEXTS = {
    "copes": _l("Copes"),
    "some_help": _l("Copes with some help"),
    "lots_of_help": _l("Needs a lot of help"),
    rating.CANNOT_SAY: _l("Cannot say yet"),
}
RISK_TEXTS = {
    "few": _l("Few"),
    "some": _l("Some"),
    "many": _l("Many"),
    rating.CANNOT_SAY: _l("Cannot say yet"),
}
ROUTE_KIND_TEXTS = {
    **KIND_TEXTS,
    "health_centre": _l("Health station"),
    "mental_health": _l("Mental health service"),
    "other": _l("Other service"),
}
APPOINTMENT_TEXTS = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "not_needed": _l("Not needed"),
}
EXPERIENCE_TEXTS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
for _texts, _ids in (
    (CAPABILITY_TEXTS, rating.CAPABILITY_RATINGS),
    (RISK_TEXTS, rating.RISK_RATINGS),
    (ROUTE_KIND_TEXTS, rating.SERVICE_KINDS),
    (APPOINTMENT_TEXTS, rating.APPOINTMENT),
    (EXPERIENCE_TEXTS, rating.EXPERIENCE),
):
    assert tuple(_texts) == _ids  # noqa: S101 - the lists and their texts move together

# A language named in the reader's language (the client's language on the summary, statistics).
LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}

ROLE_TEXTS = {"pro": _l("Professional"), "admin": _l("Administrator")}


def _choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _languages() -> list[SelectChoice]:
    return _choices((code, NATIVE_NAMES[code]) for code in LANGUAGES)


class LoginForm(FlaskForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter your user name"))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password"))],
        render_kw={"autocomplete": "current-password"},
    )


class RedeemForm(FlaskForm):
    code = StringField(
        _l("The client's code"),
        validators=[DataRequired(_l("Enter the client's code"))],
        render_kw={**_NO_AUTOFILL, "autocapitalize": "characters", "autofocus": True},
    )


class ReviewForm(FlaskForm):
    """The professional's rating, segment and routing. Nothing is chosen beforehand: a Save
    that was not thought about must not count as agreement."""

    capability = RadioField(
        _l("Everyday coping, in your view"),
        choices=_choices(CAPABILITY_TEXTS.items()),
        validators=[InputRequired(_l("Rate everyday coping, or choose “Cannot say yet”"))],
    )
    risk = RadioField(
        _l("Health and wellbeing risks, in your view"),
        choices=_choices(RISK_TEXTS.items()),
        validators=[InputRequired(_l("Rate the risks, or choose “Cannot say yet”"))],
    )
    # List boxes, not radios: the form must fit one screen, and both are needed only rarely.
    override = SelectField(_l("Another segment than the ratings give"), default="")
    reason = SelectField(_l("Reason for another segment"), default="")
    routed = SelectMultipleField(
        _l("Where did you guide the person?"),
        choices=_choices(ROUTE_KIND_TEXTS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    appointment = RadioField(
        _l("Was an appointment made?"),
        choices=_choices(APPOINTMENT_TEXTS.items()),
        validators=[Optional()],
    )

    @classmethod
    def build(cls, segment_names: Mapping[str, str]) -> ReviewForm:
        form = cls()
        form.override.choices = _choices(
            [
                ("", _l("No: the segment the ratings give")),
                *segment_names.items(),
                (UNDETERMINED, _l("Cannot say yet")),
            ]
        )
        form.reason.choices = _choices([("", _l("No reason needed")), *REASON_TEXTS.items()])
        return form

    def validate_reason(self, field: Field) -> None:
        if self.override.data and not field.data:
            raise ValidationError(_l("Choose the reason for another segment"))


class HelpedForm(FlaskForm):
    helped = RadioField(
        _l("Did the summary help you?"),
        choices=_choices(EXPERIENCE_TEXTS.items()),
        validators=[InputRequired(_l("Choose an answer, or leave the question"))],
    )


class LanguageForm(FlaskForm):
    language = RadioField(_l("Language of the service"), choices=_languages())


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password"))],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again")),
            EqualTo("new", _l("The two new passwords are not the same")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AccountForm(FlaskForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter a user name"))],
        render_kw=_NO_AUTOFILL,
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password"))],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Enter the password again")),
            EqualTo("password", _l("The two passwords are not the same")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    role = RadioField(_l("Role"), choices=_choices(ROLE_TEXTS.items()), default="pro")
    language = RadioField(_l("Language"), choices=_languages(), default="fi")


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


WEAK_PASSWORD_TEXTS = {
    "too_short": _l(
        "Use at least 12 characters. A few ordinary words in a row are easy to remember."
    ),
    "too_long": _l("Use at most 256 characters."),
    "common": _l("This password is too common or too easy to guess. Choose another one."),
    "contains_name": _l("The password must not contain the user name."),
}
