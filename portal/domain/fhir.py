"""FHIR R4 resources: the questionnaire as a `Questionnaire`, a record as a `QuestionnaireResponse`.

Plain dicts, ready for JSON. The response has no `subject`: the record belongs to no one we know.
Its date is a date (no time), as on the record. Answers are `valueCoding`s from one small code
system per item (`{canonical}/{item}`), plus the LOINC code on the item where LOINC has one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from portal.domain.questionnaire import Item, Localized, Questionnaire
from portal.domain.scoring import InstrumentScore

LOINC = "http://loinc.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
PRIMARY_LANGUAGE = "fi"  # the portal's default language; sv and en come as translations

# LOINC codes for the items whose wording is the instrument's own (checked against published
# FHIR implementation guides: AUDIT-C panel 72109-2, items 68518-0/68519-8/68520-6, total
# 75626-2; PHQ-2 items 44250-9/44255-8). Keyed by questionnaire id, then item id.
ITEM_LOINC: Mapping[str, Mapping[str, str]] = {
    "selfassessment": {
        "audit_c_1": "68518-0",
        "audit_c_2": "68519-8",
        "audit_c_3": "68520-6",
        "phq2_1": "44250-9",
        "phq2_2": "44255-8",
    }
}
# Instrument totals that LOINC codes; they are read-only items of the questionnaire.
TOTAL_LOINC: Mapping[str, tuple[str, str]] = {"audit_c": ("75626-2", "Total score [AUDIT-C]")}


def canonical_url(base: str, q: Questionnaire) -> str:
    return f"{base.rstrip('/')}/fhir/Questionnaire/{q.id}"


def canonical_reference(base: str, q: Questionnaire) -> str:
    """`url|version`, so a response points at exactly the version it answered."""
    return f"{canonical_url(base, q)}|{q.version}"


def resource_id(q: Questionnaire) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", f"{q.id}-{q.version}")[:64]


def option_system(base: str, q: Questionnaire, item: Item) -> str:
    return f"{canonical_url(base, q)}/{item.id}"


def total_link_id(instrument_id: str) -> str:
    return f"{instrument_id}_total"


def _translations(text: Localized, primary: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": lang},
                    {"url": "content", "valueString": text[lang]},
                ],
            }
            for lang in ("fi", "sv", "en")
            if lang != primary and lang in text
        ]
    }


def _localized(name: str, text: Localized) -> dict[str, Any]:
    """`name` in the primary language, `_name` with the other languages as translations."""
    return {name: text[PRIMARY_LANGUAGE], f"_{name}": _translations(text, PRIMARY_LANGUAGE)}


def _computable_name(q: Questionnaire) -> str:
    words = re.split(r"[^A-Za-z0-9]+", f"{q.id} {q.version}")
    name = "".join(word[:1].upper() + word[1:] for word in words if word)
    return name if name[:1].isalpha() else "Q" + name


def questionnaire(q: Questionnaire, base: str) -> dict[str, Any]:
    """The `Questionnaire` resource for one version, with every text in fi (sv, en translated)."""
    items: list[dict[str, Any]] = []
    loinc = ITEM_LOINC.get(q.id, {})
    for item in q.items:
        entry: dict[str, Any] = {"linkId": item.id, **_localized("text", item.text)}
        if item.id in loinc:
            entry["code"] = [{"system": LOINC, "code": loinc[item.id]}]
        if item.kind == "number":
            entry["type"] = "integer"
        else:
            entry["type"] = "choice"
            entry["repeats"] = item.kind == "multiple"
            entry["answerOption"] = [
                {
                    "valueCoding": {
                        "system": option_system(base, q, item),
                        "code": option.value,
                        **_localized("display", option.text),
                    }
                }
                for option in item.options
            ]
        entry["required"] = False  # every question can be skipped
        items.append(entry)
    for instrument in q.instruments:
        if instrument.id in TOTAL_LOINC:
            code, display = TOTAL_LOINC[instrument.id]
            items.append(
                {
                    "linkId": total_link_id(instrument.id),
                    **_localized("text", instrument.title),
                    "code": [{"system": LOINC, "code": code, "display": display}],
                    "type": "integer",
                    "readOnly": True,
                    "required": False,
                }
            )
    return {
        "resourceType": "Questionnaire",
        "id": resource_id(q),
        "url": canonical_url(base, q),
        "version": q.version,
        "name": _computable_name(q),
        **_localized("title", q.title),
        "status": "active",
        "language": PRIMARY_LANGUAGE,
        "item": items,
    }


def questionnaire_response(
    q: Questionnaire,
    *,
    answers: Mapping[str, Any],
    instruments: Iterable[InstrumentScore],
    authored: dt.date,
    language: str,
    base: str,
) -> dict[str, Any]:
    """A completed `QuestionnaireResponse` in the client's language, without any subject."""
    items: list[dict[str, Any]] = []
    for item in q.items:
        value = answers.get(item.id)
        if value is None or value == "" or value == []:
            continue  # skipped: no item, as FHIR expects for an unanswered question
        items.append(
            {
                "linkId": item.id,
                "text": item.text[language],
                "answer": _answers(q, item, value, language, base),
            }
        )
    for score in instruments:
        if score.instrument_id in TOTAL_LOINC and score.complete:
            items.append(
                {
                    "linkId": total_link_id(score.instrument_id),
                    "text": q.instrument(score.instrument_id).title[language],
                    "answer": [{"valueInteger": score.score}],
                }
            )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical_reference(base, q),
        "status": "completed",
        "authored": authored.isoformat(),
        "language": language,
        "item": items,
    }


def _answers(
    q: Questionnaire, item: Item, value: Any, language: str, base: str
) -> list[dict[str, Any]]:
    if item.kind == "number":
        return [{"valueInteger": int(value)}]
    values = [value] if isinstance(value, str) else list(value)
    return [
        {
            "valueCoding": {
                "system": option_system(base, q, item),
                "code": v,
                "display": item.option(v).text[language],
            }
        }
        for v in values
    ]
