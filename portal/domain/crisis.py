"""Crisis and help lines read from data: languages, structured hours, cost, source, checked date.

"Open now" is computed from the hours in Europe/Helsinki time with a clock the caller passes in,
so a test can fix the time and the web layer passes the real one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from portal.domain.questionnaire_types import LANGUAGES, Localized

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HELSINKI = ZoneInfo("Europe/Helsinki")
KINDS = ("emergency", "crisis", "poison", "social", "advice")


class CrisisContactsError(ValueError):
    """The crisis contacts file is wrong; the message names the file, the contact and the problem."""


@dataclass(frozen=True)
class Opening:
    """One weekly opening: on these weekdays (0 = Monday), from `start` up to (not incl.) `end`."""

    days: frozenset[int]
    start: dt.time
    end: dt.time | None  # None: until midnight

    def contains(self, local: dt.datetime) -> bool:
        t = local.time()
        return (
            local.weekday() in self.days
            and t >= self.start
            and (self.end is None or t < self.end)
        )


@dataclass(frozen=True)
class Hours:
    always: bool
    openings: tuple[Opening, ...] = ()

    def is_open(self, now: dt.datetime) -> bool:
        """Whether the line answers at `now` (an aware datetime, any zone)."""
        if now.tzinfo is None:
            raise ValueError("pass an aware datetime (with a time zone)")
        if self.always:
            return True
        local = now.astimezone(HELSINKI)
        return any(opening.contains(local) for opening in self.openings)


ALWAYS = Hours(always=True)


@dataclass(frozen=True)
class CrisisLine:
    number: str
    languages: tuple[str, ...]  # languages the line is known to answer in; () = not stated
    hours: Hours
    verified: bool
    source: str
    cost: Localized | None = None  # overrides the contact's cost, e.g. a backup number
    label: Localized | None = None  # e.g. "backup number"

    @property
    def tel(self) -> str:
        return "tel:" + self.number.replace(" ", "")

    def answers_in(self, lang: str) -> bool:
        return lang in self.languages

    def open_now(self, now: dt.datetime) -> bool:
        """Open at `now` as far as we know: a line whose hours are not verified never counts."""
        return self.verified and self.hours.is_open(now)


@dataclass(frozen=True)
class CrisisContact:
    id: str
    kind: str
    name: Localized
    description: Localized
    cost: Localized
    lines: tuple[CrisisLine, ...]
    source: str
    checked: str
    note: str = ""
    website: str = ""  # where a reader checks hours we could not confirm

    def lines_for(self, lang: str) -> tuple[CrisisLine, ...]:
        """The lines one reader is shown.

        A crisis helpline: the lines in the reader's language and, for everyone, the lines that
        answer day and night (in whatever language), so someone is always reachable. Other
        contacts: every line (their languages are shown with them).
        """
        if self.kind != "crisis":
            return self.lines
        own = [line for line in self.lines if line.answers_in(lang)]
        round_the_clock = [
            line for line in self.lines if line.hours.always and line.verified and line not in own
        ]
        return tuple(own + round_the_clock) or self.lines

    def cost_of(self, line: CrisisLine) -> Localized:
        return line.cost or self.cost


@dataclass(frozen=True)
class CrisisContacts:
    checked: str
    contacts: tuple[CrisisContact, ...]
    with_every_flag: tuple[str, ...] = ()
    non_urgent: tuple[str, ...] = ()
    source: str = ""

    def contact(self, contact_id: str) -> CrisisContact:
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        raise KeyError(contact_id)

    def for_flags(
        self, flag_contacts: list[tuple[str, ...]], with_every_flag: bool = True
    ) -> tuple[CrisisContact, ...]:
        """The contacts to show for some acute flags, each once, then those shown with every flag."""
        ids: list[str] = []
        for contact_ids in flag_contacts:
            ids += [c for c in contact_ids if c not in ids]
        if ids and with_every_flag:
            ids += [c for c in self.with_every_flag if c not in ids]
        return tuple(self.contact(c) for c in ids)


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "questionnaires" / "crisis_contacts.yaml"


def load(path: Path) -> CrisisContacts:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CrisisContactsError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("contacts"), list):
        raise CrisisContactsError(f"{path}: expected a mapping with a list of contacts")
    if raw.get("timezone", "Europe/Helsinki") != "Europe/Helsinki":
        raise CrisisContactsError(f"{path}: hours are read in Europe/Helsinki time only")
    contacts = tuple(_contact(path, c) for c in raw["contacts"])
    ids = [c.id for c in contacts]
    if len(set(ids)) != len(ids):
        raise CrisisContactsError(f"{path}: two contacts have the same id")
    lists = {}
    for key in ("with_every_flag", "non_urgent"):
        listed = raw.get(key, [])
        if not isinstance(listed, list) or any(c not in ids for c in listed):
            raise CrisisContactsError(f"{path}: {key} must list ids of contacts in this file")
        lists[key] = tuple(str(c) for c in listed)
    return CrisisContacts(
        checked=str(raw.get("checked", "")),
        contacts=contacts,
        with_every_flag=lists["with_every_flag"],
        non_urgent=lists["non_urgent"],
        source=str(path),
    )


@functools.cache
def load_default() -> CrisisContacts:
    return load(default_path())


def _localized(path: Path, where: str, raw: Any) -> Localized:
    if not isinstance(raw, Mapping) or any(
        not isinstance(raw.get(lang), str) or not raw[lang].strip() for lang in LANGUAGES
    ):
        raise CrisisContactsError(
            f"{path}: {where}: needs a text in each of {', '.join(LANGUAGES)}"
        )
    return {lang: str(raw[lang]) for lang in LANGUAGES}


def _time(path: Path, where: str, raw: Any) -> dt.time | None:
    text = str(raw)
    if text == "24:00":
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CrisisContactsError(f"{path}: {where}: {text!r} is not a time HH:MM") from None


def _hours(path: Path, where: str, raw: Any) -> Hours:
    if raw == "always":
        return ALWAYS
    if not isinstance(raw, list) or not raw:
        raise CrisisContactsError(f"{path}: {where}: hours are 'always' or a list of openings")
    openings = []
    for opening in raw:
        days = opening.get("days") if isinstance(opening, Mapping) else None
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            raise CrisisContactsError(f"{path}: {where}: days must be a list of {WEEKDAYS}")
        start = _time(path, where, opening.get("from"))
        end = _time(path, where, opening.get("to"))
        if start is None or (end is not None and end <= start):
            raise CrisisContactsError(f"{path}: {where}: an opening must end after it starts")
        openings.append(Opening(frozenset(WEEKDAYS.index(d) for d in days), start, end))
    return Hours(always=False, openings=tuple(openings))


def _https(path: Path, where: str, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.startswith(("https://", "http://")):
        raise CrisisContactsError(f"{path}: {where}: needs a source URL")
    return raw


def _line(path: Path, where: str, line: Any) -> CrisisLine:
    if not isinstance(line, Mapping) or not isinstance(line.get("number"), str):
        raise CrisisContactsError(f"{path}: {where}: every line needs a quoted number")
    where = f"{where}: line {line['number']}"
    languages = line.get("languages")
    if not isinstance(languages, list) or any(lang not in LANGUAGES for lang in languages):
        raise CrisisContactsError(f"{path}: {where}: languages must be a list of {LANGUAGES}")
    if not isinstance(line.get("verified"), bool):
        raise CrisisContactsError(f"{path}: {where}: say verified: true or false")
    return CrisisLine(
        number=line["number"],
        languages=tuple(languages),
        hours=_hours(path, where, line.get("hours")),
        verified=line["verified"],
        source=_https(path, where, line.get("source")),
        cost=_localized(path, f"{where}: cost", line["cost"]) if "cost" in line else None,
        label=_localized(path, f"{where}: label", line["label"]) if "label" in line else None,
    )


def _contact(path: Path, raw: Any) -> CrisisContact:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise CrisisContactsError(f"{path}: every contact needs an id")
    where = f"contact {raw['id']!r}"
    if raw.get("kind") not in KINDS:
        raise CrisisContactsError(f"{path}: {where}: kind must be one of {KINDS}")
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines:
        raise CrisisContactsError(f"{path}: {where}: needs at least one line")
    checked = str(raw.get("checked", ""))
    try:
        dt.date.fromisoformat(checked)
    except ValueError:
        raise CrisisContactsError(f"{path}: {where}: needs a checked date YYYY-MM-DD") from None
    return CrisisContact(
        id=raw["id"],
        kind=str(raw["kind"]),
        name=_localized(path, f"{where}: name", raw.get("name")),
        description=_localized(path, f"{where}: description", raw.get("description")),
        cost=_localized(path, f"{where}: cost", raw.get("cost")),
        lines=tuple(_line(path, where, line) for line in lines),
        source=_https(path, where, raw.get("source")),
        checked=checked,
        note=str(raw.get("note", "")).strip(),
        website=_https(path, f"{where}: website", raw["website"]) if "website" in raw else "",
    )
