"""Every text exists in fi, sv and en, and no text uses a word from the forbidden list."""

from __future__ import annotations

import re

import pytest

from portal.domain import crisis, wording
from portal.domain.questionnaire import LANGUAGES, load_default

Q = load_default()
TEXTS = list(Q.texts())


def crisis_texts() -> list[tuple[str, dict[str, str]]]:
    found = []
    for contact in crisis.load_default().contacts:
        found += [
            (f"{contact.id}.name", dict(contact.name)),
            (f"{contact.id}.description", dict(contact.description)),
        ]
        found.append((f"{contact.id}.cost", dict(contact.cost)))
        found += [
            (f"{contact.id}.{line.number}.{part}", dict(text))
            for line in contact.lines
            for part, text in (("label", line.label), ("cost", line.cost))
            if text
        ]
    return found


def test_every_text_is_there_in_finnish_swedish_and_english() -> None:
    assert len(TEXTS) > 150
    for where, text in TEXTS + crisis_texts():
        for lang in LANGUAGES:
            assert text.get(lang, "").strip(), f"{where}: {lang} missing"


def test_finnish_and_swedish_are_translated_not_copied_from_english() -> None:
    for where, text in TEXTS:
        if len(text["en"]) > 12:
            assert text["fi"] != text["en"] and text["sv"] != text["en"], where


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_forbidden_word_appears_in_any_text(lang: str) -> None:
    offending = [
        (where, found)
        for where, text in TEXTS + crisis_texts()
        if (found := wording.find_forbidden(text[lang], lang))
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Addicts", "en"),
        ("substance abuse", "en"),
        ("clean", "en"),
        ("a drug user", "en"),
        ("Narkomaani", "fi"),
        ("huumenarkomaanit", "fi"),
        ("väärinkäyttäjä", "fi"),
        ("nistit", "fi"),
        ("alkoholistit", "fi"),
        ("missbrukare", "sv"),
        ("sprutnarkoman", "sv"),
        ("pundare", "sv"),
        ("knarkare", "sv"),
    ],
)
def test_the_list_catches_stigmatising_words_and_their_inflections(text: str, lang: str) -> None:
    assert wording.find_forbidden(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("cleaning the flat", "en"),
        ("a user-friendly page", "fi"),
        ("alkoholista ja huumeista", "fi"),
        ("ministeri", "fi"),
        ("juomisesta", "fi"),
        ("bruk av läkemedel", "sv"),
        ("förlängare", "sv"),
        ("renare luft", "sv"),
    ],
)
def test_the_list_leaves_innocent_words_alone(text: str, lang: str) -> None:
    assert wording.find_forbidden(text, lang) == []


def test_segment_names_are_the_chosen_ones() -> None:
    names = {seg: dict(text.name) for seg, text in Q.segment_texts.items()}
    assert names["self_care"] == {
        "fi": "Omatoimiasiakkuus",
        "sv": "Självständig kundrelation",
        "en": "Self-care",
    }
    assert names["supported"]["fi"] == "Tukiasiakkuus"
    assert names["collaborative"]["fi"] == "Yhteistyöasiakkuus"
    assert names["intensive"] == {
        "fi": "Huolenpitoasiakkuus",
        "sv": "Kundrelation med omfattande omsorg",
        "en": "Comprehensive care",
    }


def test_our_own_sentences_stay_short_for_plain_language() -> None:
    # Instrument wording is quoted as published; our own texts keep sentences short.
    own = [
        (w, t)
        for w, t in TEXTS
        if not any(f"items.{i.id}." in w + "." for i in Q.items if i.instrument)
    ]
    for where, text in own:
        for lang in LANGUAGES:
            for sentence in re.split(r"[.?!:]\s", text[lang]):
                assert len(sentence.split()) <= 22, f"{where} ({lang}): {sentence}"


def _catalogue_texts(lang: str) -> list[tuple[str, str]]:
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[2] / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    texts = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(str(message.id), s) for s in strings if s]
    return texts


# Staff pages speak of a sign-in's "user name": about an account, never about a person's use.
_ACCOUNT_TERMS = ("user names", "user name")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_forbidden_word_appears_in_the_translation_catalogues(lang: str) -> None:
    def plain(text: str) -> str:
        for term in _ACCOUNT_TERMS:
            text = text.replace(term, "").replace(term.capitalize(), "")
        return text

    offending = [
        (msgid[:60], found)
        for msgid, text in _catalogue_texts(lang)
        if (found := wording.find_forbidden(plain(text), lang))
    ]
    assert offending == []
