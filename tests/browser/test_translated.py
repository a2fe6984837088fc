"""No English left on a Finnish or Swedish page.

Every page state is checked where test_axe's walk reaches it in fi and sv (JavaScript on) with
`english_on_page(page.evaluate(PAGE_TEXT), lang)`; this file holds the check and its own test.
Each page state is reached in fi and sv, and its text as a person or a screen reader gets it
(visible text, visually hidden text, the title, aria-label, alt and placeholder) is searched for
every English source text: the msgids of translations/en/…/messages.po and the "en" texts of the
questionnaire files. An English text counts only where it differs from its own translation and
is not also a word of the language's own texts (names such as "AUDIT-C" are the same everywhere).
Text inside an element marked with another language (the language switcher's "English") is
skipped, since it is correctly marked up as English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

from portal.domain.questionnaire import default_path

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")

PAGE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const body = document.body.cloneNode(true);
  for (const el of body.querySelectorAll('script, style, [lang]')) {
    if (el.matches('script, style') || el.getAttribute('lang') !== lang) el.remove();
  }
  const attrs = [...body.querySelectorAll('[aria-label], [alt], [placeholder], [title]')]
    .map((el) => ['aria-label', 'alt', 'placeholder', 'title'].map((a) => el.getAttribute(a) || '').join(' '));
  return [document.title, body.textContent, ...attrs].join('\\n').replace(/\\s+/g, ' ');
}"""


def _localized(node: Any) -> Iterator[dict[str, str]]:
    if isinstance(node, dict):
        if {"fi", "sv", "en"} <= node.keys() and all(
            isinstance(node[k], str) for k in ("fi", "sv", "en")
        ):
            yield node
        for value in node.values():
            yield from _localized(value)
    elif isinstance(node, list):
        for value in node:
            yield from _localized(value)


@functools.cache
def english_texts(lang: str) -> tuple[list[str], str]:
    """(English fragments that must not appear, all of the language's own texts)."""
    pairs: list[tuple[str, str]] = []
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        english = read_po(fh)
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        own = read_po(fh, locale=lang)
    for message in english:
        if message.id and isinstance(message.id, str):
            found = own.get(message.id, message.context)
            pairs.append((message.id, str(found.string) if found and found.string else ""))
    for path in sorted(default_path().parent.glob("*.yaml")):
        for node in _localized(yaml.safe_load(path.read_text(encoding="utf-8"))):
            pairs.append((node["en"], node[lang]))
    vocabulary = " ".join(text for _en, text in pairs)
    fragments = set()
    for en, translated in pairs:
        if en.strip() == translated.strip():
            continue
        for fragment in PLACEHOLDER.split(en):
            fragment = fragment.strip(" .,:;–-()\n")
            if len(fragment) >= 3 and not has_words(vocabulary, fragment):
                fragments.add(fragment)
    return sorted(fragments, key=len, reverse=True), vocabulary


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def has_words(text: str, words: str) -> bool:
    """`words` in `text` with no letter or digit glued on either side: the regex
    (?<!\\w)words(?!\\w), with str.find doing the searching (a regex per fragment over every
    page took over a second a page)."""
    start = text.find(words)
    while start != -1:
        end = start + len(words)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not (before and _word_char(before)) and not (after and _word_char(after)):
            return True
        start = text.find(words, start + 1)
    return False


def english_on_page(text: str, lang: str) -> list[str]:
    fragments, _vocabulary = english_texts(lang)
    return [f for f in fragments if has_words(text, f)]


def test_the_check_finds_english_left_on_a_finnish_page() -> None:
    fragments, _vocabulary = english_texts("fi")
    assert "Check your answers" in fragments
    page = "Tarkista vastauksesi – Itsearvio. Voit vielä muuttaa mitä tahansa vastausta. Continue"
    assert english_on_page(page, "fi") == ["Continue"]
    assert english_on_page("Jatka", "fi") == []
