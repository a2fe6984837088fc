"""The professional's and the administrator's forms (CSRF-protected, labels translated lazily)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired

from portal.domain.accounts import LANGUAGES
from portal.domain.redemption import REASONS, UNDETERMINED
from portal.i18n import NATIVE_NAMES

_NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}

REASON_TEXTS = {
    "more_risk": _l("Risks or service needs are greater than the answers show"),
    "less_risk": _l("Risks or service needs are smaller than the answers show"),
    "more_capability": _l("The client copes better in everyday life than the answers show"),
    "less_capability": _l("The client copes less well in everyday life than the answers show"),
    "client_view": _l("The client sees their situation differently"),
    "situation_changed": _l("The situation has changed since the answers were given"),
    "need_more_information": _l("More information is needed first"),
}
assert set(REASON_TEXTS) == set(REASONS)  # noqa: S101 - a wrong edit must fail at import

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
    decision = RadioField(
        _l("Which segment fits, in your view?"),
        validators=[InputRequired(_l("Choose a segment, or “Cannot say yet”"))],
    )
    # A list box, not radios: the summary must fit one screen, and the reason is optional.
    reason = SelectField(_l("Reason (optional)"), default="")

    @classmethod
    def build(cls, segment_names: Mapping[str, str], current: str | None) -> ReviewForm:
        """`current`: the latest professional decision, else the provisional segment."""
        form = cls(data={"decision": current or UNDETERMINED, "reason": ""})
        form.decision.choices = _choices(
            [*segment_names.items(), (UNDETERMINED, _l("Cannot say yet"))]
        )
        form.reason.choices = _choices([("", _l("No reason given")), *REASON_TEXTS.items()])
        return form


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


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code"))],
        render_kw={**_NO_AUTOFILL, "autocomplete": "one-time-code", "autofocus": True},
    )
