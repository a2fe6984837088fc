"""Find stigmatising words in a text, per language, from questionnaires/forbidden_words.yaml."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

# Letters only (digits and punctuation split words); a hyphen joins the parts of one word.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class WordListError(ValueError):
    """The forbidden-words file is not shaped as documented at its top."""


@dataclass(frozen=True)
class ForbiddenWords:
    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()
    substrings: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    def find(self, text: str) -> list[str]:
        """The forbidden entries that occur in text (empty when the text is fine)."""
        found: list[str] = []
        tokens = _WORD.findall(text.casefold())
        for token in tokens:
            parts = [token, *token.split("-")] if "-" in token else [token]
            found += [p for p in parts if p in self.words]
            found += [s for s in self.stems if any(p.startswith(s) for p in parts)]
            found += [s for s in self.substrings if s in token]
        joined = f" {' '.join(tokens)} "
        found += [p for p in self.phrases if f" {p} " in joined]
        return sorted(set(found))


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "questionnaires" / "forbidden_words.yaml"


def load(path: Path) -> Mapping[str, ForbiddenWords]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, Mapping):
        raise WordListError(f"{path}: expected a mapping of languages")
    result: dict[str, ForbiddenWords] = {}
    for lang, entries in raw.items():
        if not isinstance(entries, Mapping):
            raise WordListError(f"{path}: {lang}: expected words, stems, substrings, phrases")

        where = f"{path}: {lang}"
        result[str(lang)] = ForbiddenWords(
            words=frozenset(_entries(entries, "words", where)),
            stems=tuple(_entries(entries, "stems", where)),
            substrings=tuple(_entries(entries, "substrings", where)),
            phrases=tuple(_entries(entries, "phrases", where)),
        )
    return result


def _entries(entries: Mapping[str, object], kind: str, where: str) -> list[str]:
    value = entries.get(kind) or []
    if not isinstance(value, Mapping | list):
        raise WordListError(f"{where}.{kind}: expected a mapping or a list")
    return [str(k).casefold() for k in value]  # a mapping gives its keys, a list its items


@functools.cache
def load_default() -> Mapping[str, ForbiddenWords]:
    return load(default_path())


def find_forbidden(text: str, lang: str) -> list[str]:
    """Forbidden words of the given language found in text, using the packaged list."""
    words = load_default().get(lang)
    return [] if words is None else words.find(text)


def forbidden_in(path: Path, texts: Iterable[tuple[str, Mapping[str, str]]]) -> list[str]:
    """One line per text of a content file (questionnaire, service directory) that holds a
    forbidden word, in any of its languages."""
    return [
        f"{path}: {where} ({lang}): forbidden word {', '.join(found)}"
        for where, text in texts
        for lang, value in text.items()
        if (found := find_forbidden(value, lang))
    ]
