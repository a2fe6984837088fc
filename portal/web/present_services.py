"""Turn service suggestions into the short texts one reader sees: when, why, how to reach.

The client's result page, the slip and the professional's summary show the same suggestions
(the professional's in their own language), so the two sides always talk about the same list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain.questionnaire import Questionnaire
from portal.domain.scoring import Result
from portal.domain.service_directory import ServiceDirectory
from portal.domain.services import HELSINKI, Suggestion, suggest
from portal.i18n import _
from portal.locale_words import weekday_date
from portal.web import context

SITUATION_TEXTS = {
    "injecting": _l("For people who inject drugs"),
    "overdose": _l("Help after an overdose"),
    "acute": _l("Urgent help"),
    "housing_crisis": _l("Help when housing is at risk"),
    "unsafe_home": _l("Help when home is not safe"),
}
KIND_TEXTS = {
    "substance_outpatient": _l("Substance use outpatient care"),
    "health_counselling_point": _l("Health counselling point, needle and syringe exchange"),
    "low_threshold_day_centre": _l("Low-threshold day centre"),
    "adult_social_work": _l("Adult social work"),
    "social_crisis_emergency": _l("Social and crisis emergency"),
    "housing_advice": _l("Housing advice"),
    "debt_advice": _l("Debt and money advice"),
    "peer_support": _l("Peer support"),
    "health_helpline": _l("Health advice by phone"),
    "national_phone": _l("National phone service"),
    "national_online": _l("National online service"),
}
LANGUAGE_TEXTS = {
    "fi": _l("Serves in Finnish"),
    "sv": _l("Serves in Swedish"),
    "en": _l("Serves in English"),
}


@dataclass(frozen=True)
class ServiceView:
    id: str
    name: str
    description: str
    when: str  # "Open now, until 15.00", "Open day and night", or what is known of the hours
    open_now: bool
    why: str
    phone: str | None
    tel: str | None
    address: str | None
    web: str | None  # shown as text: the person copies it when they want to
    facts: str  # "Free of charge · No name needed · Step-free access", only what is known
    verified: bool


def directory() -> ServiceDirectory:
    return cast(ServiceDirectory, current_app.extensions["portal.services"])


def _clock(moment: dt.datetime, lang: str) -> str:
    sep = ":" if lang == "en" else "."
    return f"{moment.hour}{sep}{moment.minute:02d}"


def _when(found: Suggestion, lang: str, now: dt.datetime) -> str:
    state, service = found.open, found.service
    if state.status == "always":
        if service.access == ("online",):
            return _("Available at any time")
        return _("Open day and night")
    if state.status == "open" and state.closes is not None:
        return _("Open now, until %(time)s", time=_clock(state.closes, lang))
    if state.status == "opens" and state.opens is not None:
        today = now.astimezone(HELSINKI).date()
        time = _clock(state.opens, lang)
        if state.opens.date() == today:
            return _("Closed now. Opens today at %(time)s", time=time)
        if state.opens.date() == today + dt.timedelta(days=1):
            return _("Closed now. Opens tomorrow at %(time)s", time=time)
        day = weekday_date(state.opens.date(), lang)
        return _("Closed now. Next open: %(day)s at %(time)s", day=day, time=time)
    if service.hours_note is not None:
        return service.hours_note[lang]
    return _("Opening hours not known: check before you go.")


def _why(found: Suggestion, topic_names: Mapping[str, str], lang: str) -> str:
    reasons = []
    if found.topics:
        names = ", ".join(topic_names.get(t, t) for t in found.topics)
        reasons.append(_("Helps with: %(topics)s", topics=names))
    reasons += [str(SITUATION_TEXTS[s]) for s in found.situations]
    if found.open.open_now:
        reasons.append(_("Open now"))
    if found.speaks_language and lang in LANGUAGE_TEXTS:
        reasons.append(str(LANGUAGE_TEXTS[lang]))
    if found.walk_in:
        reasons.append(_("Walk in without an appointment"))
    return ". ".join(reasons) + "." if reasons else ""


def topic_names(q: Questionnaire, lang: str) -> dict[str, str]:
    item = next((i for i in q.items if i.role == "topics"), None)
    return {} if item is None else {o.value: o.text[lang].lower() for o in item.options}


def service_views(
    q: Questionnaire,
    result: Result,
    answers: Mapping[str, Any],
    *,
    lang: str,
    client_lang: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[ServiceView, ...]:
    """The suggestions for one record, in the reader's language `lang`; `client_lang` is the
    language the person answered in (what "speaks your language" is about)."""
    now = now or context.now().replace(tzinfo=dt.UTC)
    spoken = client_lang or lang
    municipality = answers.get("municipality")
    found = suggest(
        directory(),
        segment=None if result.segment is None else str(result.segment),
        topics=result.topics,
        answers=answers,
        language=spoken,
        municipality=municipality if isinstance(municipality, str) else None,
        now=now,
    )
    names = topic_names(q, lang)
    return tuple(
        ServiceView(
            id=s.service.id,
            name=s.service.name[lang],
            description=s.service.description[lang],
            when=_when(s, lang, now),
            open_now=s.open.open_now,
            why=_why(s, names, spoken),
            phone=s.service.phone,
            tel=None if s.service.phone is None else "tel:" + s.service.phone.replace(" ", ""),
            address=s.service.address,
            web=None if s.service.web is None else _web_text(s.service.web),
            facts=" · ".join(
                str(text)
                for known, text in (
                    (s.service.free, _l("Free of charge")),
                    (s.service.anonymous, _l("No name needed")),
                    (s.service.step_free, _l("Step-free access")),
                )
                if known
            ),
            verified=s.service.verified,
        )
        for s in found
    )


def _web_text(url: str) -> str:
    text = url.split("://", 1)[-1].rstrip("/")
    return text.removeprefix("www.")
