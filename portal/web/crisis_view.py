"""Crisis and help lines as one reader sees them: hours in words, open now, cost, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from portal.domain import crisis
from portal.domain.crisis import CrisisContact, CrisisLine, Hours
from portal.i18n import _
from portal.locale_words import clock_12h, day_names, join_list
from portal.web import context


@dataclass(frozen=True)
class ContactLine:
    number: str
    tel: str
    hours: str
    label: str = ""  # "backup number", "in Finnish, 24/7", ...
    cost: str = ""  # only when it differs from the contact's own cost
    open_now: bool | None = None  # None: day and night, or hours not confirmed
    unconfirmed: bool = False  # hours (or number) not confirmed on the service's own page


@dataclass(frozen=True)
class ContactView:
    id: str
    name: str
    description: str
    lines: tuple[ContactLine, ...]
    cost: str = ""
    website: str = ""


def _language_name(lang: str) -> str:
    return {"fi": _("in Finnish"), "sv": _("in Swedish"), "en": _("in English")}[lang]


def _clock(t: dt.time | None, lang: str) -> str:
    if t is None:
        t = dt.time(0, 0)
    if lang == "en":
        return clock_12h(t)
    return str(t.hour) if t.minute == 0 else f"{t.hour}.{t.minute:02d}"


def hours_text(hours: Hours, lang: str) -> str:
    """The hours in words: "24/7", or "Friday 9:00 AM–1:00 PM" / "perjantai klo 9–13"."""
    if hours.always:
        return _("24/7")
    names = day_names(lang)
    parts = []
    for opening in hours.openings:
        days = join_list([names[d] for d in sorted(opening.days)], lang)
        parts.append(
            _(
                "%(days)s %(start)s–%(end)s",
                days=days,
                start=_clock(opening.start, lang),
                end=_clock(opening.end, lang),
            )
        )
    return "; ".join(parts)


def line_view(contact: CrisisContact, line: CrisisLine, lang: str, now: dt.datetime) -> ContactLine:
    hours = hours_text(line.hours, lang)
    labels = [line.label[lang]] if line.label else []
    if contact.kind == "crisis" and line.languages and not line.answers_in(lang):
        # The reader's own line may be closed: say plainly that this one answers in Finnish.
        labels.append(_language_name(line.languages[0]))
    cost = contact.cost_of(line)[lang] if line.cost else ""
    return ContactLine(
        number=line.number,
        tel=line.tel,
        hours=hours,
        label=", ".join(labels),
        cost=cost,
        open_now=None if line.hours.always or not line.verified else line.open_now(now),
        unconfirmed=not line.verified,
    )


def contact_view(
    contact: CrisisContact, lang: str, now: dt.datetime, only_open: bool = False
) -> ContactView:
    """One contact for one reader. `only_open`: leave out lines that are closed now (the panel)."""
    lines = [line_view(contact, line, lang, now) for line in contact.lines_for(lang)]
    if only_open and contact.kind == "crisis":
        lines = [line for line in lines if line.open_now is not False] or lines
    elif only_open:
        lines = lines[:1]  # the panel is short: a backup number waits for the result page
    return ContactView(
        id=contact.id,
        name=contact.name[lang],
        description=contact.description[lang],
        lines=tuple(lines),
        cost=contact.cost[lang],
        website=contact.website,
    )


def now() -> dt.datetime:
    """The app's clock, as an aware UTC time (opening hours are worked out in Helsinki time)."""
    return context.now().replace(tzinfo=dt.UTC)


def contacts_for_flags(
    flag_contacts: Iterable[tuple[str, ...]],
    lang: str,
    when: dt.datetime | None = None,
    only_open: bool = False,
    with_every_flag: bool = True,
) -> tuple[ContactView, ...]:
    """`with_every_flag`: add the contacts shown with every flag (not in the short panel)."""
    contacts = crisis.load_default()
    moment = when or now()
    chosen = contacts.for_flags(list(flag_contacts), with_every_flag=with_every_flag)
    return tuple(contact_view(c, lang, moment, only_open) for c in chosen)


def non_urgent(lang: str, when: dt.datetime | None = None) -> tuple[ContactView, ...]:
    contacts = crisis.load_default()
    moment = when or now()
    return tuple(contact_view(contacts.contact(c), lang, moment) for c in contacts.non_urgent)
