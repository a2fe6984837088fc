"""Crisis contacts (112, the crisis helpline, the Poison Information Centre) read from data."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from portal.domain.questionnaire_types import LANGUAGES, Localized

ANY_LANGUAGE = "any"


class CrisisContactsError(ValueError):
    """The crisis contacts file is wrong; the message names the file, the contact and the problem."""


@dataclass(frozen=True)
class CrisisLine:
    language: str  # the language the line answers in, or "any"
    number: str
    hours: Localized
    verified: bool


@dataclass(frozen=True)
class CrisisContact:
    id: str
    name: Localized
    description: Localized
    lines: tuple[CrisisLine, ...]
    source: str
    note: str = ""

    def lines_for(self, lang: str) -> tuple[CrisisLine, ...]:
        """The lines that answer in the reader's language (or in any); else every line."""
        fitting = tuple(line for line in self.lines if line.language in (lang, ANY_LANGUAGE))
        return fitting or self.lines


@dataclass(frozen=True)
class CrisisContacts:
    checked: str
    contacts: tuple[CrisisContact, ...]
    source: str = ""

    def contact(self, contact_id: str) -> CrisisContact:
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        raise KeyError(contact_id)


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "questionnaires" / "crisis_contacts.yaml"


def load(path: Path) -> CrisisContacts:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CrisisContactsError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("contacts"), list):
        raise CrisisContactsError(f"{path}: expected a mapping with a list of contacts")
    contacts = tuple(_contact(path, c) for c in raw["contacts"])
    ids = [c.id for c in contacts]
    if len(set(ids)) != len(ids):
        raise CrisisContactsError(f"{path}: two contacts have the same id")
    return CrisisContacts(checked=str(raw.get("checked", "")), contacts=contacts, source=str(path))


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


def _contact(path: Path, raw: Any) -> CrisisContact:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise CrisisContactsError(f"{path}: every contact needs an id")
    where = f"contact {raw['id']!r}"
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines:
        raise CrisisContactsError(f"{path}: {where}: needs at least one line")
    parsed = []
    for line in lines:
        if not isinstance(line, Mapping) or not isinstance(line.get("number"), str):
            raise CrisisContactsError(f"{path}: {where}: every line needs a quoted number")
        language = str(line.get("language", ANY_LANGUAGE))
        if language not in (*LANGUAGES, ANY_LANGUAGE):
            raise CrisisContactsError(f"{path}: {where}: unknown line language {language!r}")
        parsed.append(
            CrisisLine(
                language=language,
                number=line["number"],
                hours=_localized(path, f"{where}: hours", line.get("hours")),
                verified=line.get("verified") is True,
            )
        )
    if not isinstance(raw.get("source"), str) or not raw["source"].startswith("https://"):
        raise CrisisContactsError(f"{path}: {where}: needs a source URL (https://...)")
    return CrisisContact(
        id=raw["id"],
        name=_localized(path, f"{where}: name", raw.get("name")),
        description=_localized(path, f"{where}: description", raw.get("description")),
        lines=tuple(parsed),
        source=raw["source"],
        note=str(raw.get("note", "")).strip(),
    )
