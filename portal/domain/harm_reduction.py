"""Harm-reduction advice fitted to the answers: which patterns an answer set matches, and the advice.

Matching takes a plain mapping of answers (item id -> value, or a list of values), so it works the
same for every questionnaire version and for records stored long ago.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from portal.domain.questionnaire_types import LANGUAGES, Localized


class AdviceFileError(ValueError):
    """The advice file is wrong; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    lang: str = "fi"  # the language of the title, for the page's markup


@dataclass(frozen=True)
class Advice:
    id: str
    title: Localized
    text: Localized
    short: Localized
    sources: tuple[Source, ...]
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Pattern:
    id: str
    reason: Localized
    clauses: tuple[Mapping[str, frozenset[str]], ...]
    advice: tuple[str, ...]
    versions: frozenset[str] | None = None  # None: every version

    def matches(self, answers: Mapping[str, Any], version: str) -> bool:
        if self.versions is not None and version not in self.versions:
            return False
        return any(
            all(_chosen(answers.get(item)) & accepted for item, accepted in clause.items())
            for clause in self.clauses
        )


@dataclass(frozen=True)
class Matched:
    patterns: tuple[Pattern, ...]
    advice: tuple[Advice, ...]


@dataclass(frozen=True)
class HarmReduction:
    checked: str
    patterns: tuple[Pattern, ...]
    advice: tuple[Advice, ...]

    def piece(self, advice_id: str) -> Advice:
        for advice in self.advice:
            if advice.id == advice_id:
                return advice
        raise KeyError(advice_id)

    def match(self, answers: Mapping[str, Any], version: str) -> Matched:
        """The patterns these answers match, and their advice once each in the file's order."""
        patterns = tuple(p for p in self.patterns if p.matches(answers, version))
        wanted = {advice_id for p in patterns for advice_id in p.advice}
        return Matched(patterns, tuple(a for a in self.advice if a.id in wanted))


def _chosen(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset((value,))
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(str(v) for v in value)
    return frozenset((str(value),))


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "questionnaires" / "harm_reduction.yaml"


@functools.cache
def load_default() -> HarmReduction:
    return load(default_path())


def load(path: Path) -> HarmReduction:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AdviceFileError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(raw, Mapping):
        raise AdviceFileError(f"{path}: expected a mapping with patterns and advice")
    try:
        dt.date.fromisoformat(str(raw.get("checked")))
    except ValueError:
        raise AdviceFileError(f"{path}: needs a checked date YYYY-MM-DD") from None
    advice = tuple(_advice(path, a) for a in _list(path, raw, "advice"))
    ids = [a.id for a in advice]
    if len(set(ids)) != len(ids):
        raise AdviceFileError(f"{path}: two advice pieces have the same id")
    patterns = tuple(_pattern(path, p, set(ids)) for p in _list(path, raw, "patterns"))
    return HarmReduction(checked=str(raw["checked"]), patterns=patterns, advice=advice)


def _list(path: Path, raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise AdviceFileError(f"{path}: {key} must be a non-empty list")
    return value


def _localized(path: Path, where: str, raw: Any) -> Localized:
    if not isinstance(raw, Mapping) or any(
        not isinstance(raw.get(lang), str) or not raw[lang].strip() for lang in LANGUAGES
    ):
        raise AdviceFileError(f"{path}: {where}: needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _advice(path: Path, raw: Any) -> Advice:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise AdviceFileError(f"{path}: every advice piece needs an id")
    where = f"advice {raw['id']!r}"
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise AdviceFileError(f"{path}: {where}: needs at least one source")
    parsed = []
    for source in sources:
        url = source.get("url") if isinstance(source, Mapping) else None
        title = source.get("title") if isinstance(source, Mapping) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or not title:
            raise AdviceFileError(f"{path}: {where}: every source needs a url and a title")
        lang = source.get("lang", "fi")
        if lang not in LANGUAGES:
            raise AdviceFileError(f"{path}: {where}: a source's lang must be one of {LANGUAGES}")
        parsed.append(Source(url, str(title), str(lang)))
    verified = raw.get("verified", True)
    note = str(raw.get("note", "")).strip()
    if verified is not True and not note:
        raise AdviceFileError(f"{path}: {where}: verified: false needs a note saying why")
    return Advice(
        id=raw["id"],
        title=_localized(path, f"{where}: title", raw.get("title")),
        text=_localized(path, f"{where}: text", raw.get("text")),
        short=_localized(path, f"{where}: short", raw.get("short")),
        sources=tuple(parsed),
        verified=verified is True,
        note=note,
    )


def _pattern(path: Path, raw: Any, advice_ids: set[str]) -> Pattern:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise AdviceFileError(f"{path}: every pattern needs an id")
    where = f"pattern {raw['id']!r}"
    clauses = raw.get("any")
    if not isinstance(clauses, list) or not clauses:
        raise AdviceFileError(f"{path}: {where}: needs a list 'any' of clauses")
    parsed = []
    for clause in clauses:
        if not isinstance(clause, Mapping) or not clause or any(
            not isinstance(values, list) or not values for values in clause.values()
        ):
            raise AdviceFileError(f"{path}: {where}: a clause maps item ids to lists of values")
        parsed.append({str(k): frozenset(str(v) for v in vs) for k, vs in clause.items()})
    advice = raw.get("advice")
    if not isinstance(advice, list) or not advice or any(a not in advice_ids for a in advice):
        raise AdviceFileError(f"{path}: {where}: advice must list ids of advice in this file")
    versions = raw.get("versions")
    return Pattern(
        id=raw["id"],
        reason=_localized(path, f"{where}: reason", raw.get("reason")),
        clauses=tuple(parsed),
        advice=tuple(str(a) for a in advice),
        versions=None if versions is None else frozenset(str(v) for v in versions),
    )
