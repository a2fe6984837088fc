"""`portal translations update|check`: keep the fi, sv and en catalogues in step with the code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from portal.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(argv: list[str]) -> None:
    """Babel's own command line, called in-process (no subprocess, no PATH lookup)."""
    CommandLineInterface().run(argv)  # type: ignore[no-untyped-call]


def extract(output: Path = POT) -> None:
    _pybabel(
        [
            "pybabel", "-q", "extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
            "--no-location", "--sort-by-file", "--omit-header", "--add-comments", "Translators:", "-o", str(output), str(ROOT),
        ]
    )  # fmt: skip


def missing(language: str, pot: Path = POT) -> list[str]:
    """Message ids of the template that have no translation in `language`."""
    with pot.open("rb") as fh:
        template = read_po(fh)
    po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return [str(m.id) for m in template if m.id]
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    gaps = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found is not None else None
        values = strings if isinstance(strings, (list, tuple)) else [strings]
        if found is None or found.fuzzy or not all(values):
            gaps.append(str(message.id))
    return gaps


@click.group("translations", help="Translation catalogues (fi, sv, en).")
def translations_group() -> None:
    pass


@translations_group.command("update", help="Extract messages and merge them into every catalogue.")
def update() -> None:
    extract()
    for language in LANGUAGES:
        po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            _pybabel(
                ["pybabel", "-q", "init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language]
            )
        else:
            _pybabel(
                ["pybabel", "-q", "update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language,
                 "--no-fuzzy-matching", "--ignore-obsolete", "--omit-header"]
            )  # fmt: skip
    # English is the source language: its catalogue repeats the ids, so "translated" is checkable.
    en_path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with en_path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    for message in catalog:
        if isinstance(message.id, tuple) and not all(message.string or ("",)):
            message.string = message.id  # plural: (singular, plural)
        elif message.id and not message.string:
            message.string = message.id
    with en_path.open("wb") as fh:
        write_po(fh, catalog, omit_header=True, sort_by_file=True, no_location=True)
    for language in LANGUAGES:
        click.echo(f"{language}: {len(missing(language))} message(s) without a translation")


@translations_group.command("check", help="Exit 1 if any message lacks a translation.")
def check() -> None:
    extract()
    failed = False
    for language in LANGUAGES:
        for message_id in missing(language):
            failed = True
            click.echo(f"{language}: no translation for {message_id!r}")
    sys.exit(1 if failed else 0)


@translations_group.command(
    "import",
    help="Fill translations from a JSON file {lang: {msgid: text}}; a key 'context\\u0004msgid' "
    "fills a pgettext message; keys starting with _ (like _removed) are skipped.",
)
@click.argument("source", type=click.File("r", encoding="utf-8"))
def import_json(source: TextIO) -> None:
    import json

    data = json.load(source)
    for language, texts in data.items():
        if language.startswith("_"):
            continue
        po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        unknown = 0
        for message_id, text in texts.items():
            context, _sep, plain = message_id.rpartition("\x04")
            message = catalog.get(plain, context or None)
            if message is None:
                unknown += 1
                continue
            # A plural message takes a list: one text per plural form of the language.
            message.string = tuple(text) if isinstance(text, list) else text
            message.flags.discard("fuzzy")
        with po_path.open("wb") as fh:
            write_po(fh, catalog, omit_header=True, sort_by_file=True, no_location=True)
        click.echo(f"{language}: {len(texts) - unknown} set, {unknown} not in the catalogue")
