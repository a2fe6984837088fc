"""FHIR R4 resources: the questionnaire as a `Questionnaire`, a record as a `QuestionnaireResponse`,
and the export as a `Bundle` with the instrument panels and the professional's assessment.

Plain dicts, ready for JSON. Nothing has a `subject`: the record belongs to no one we know.
Dates are dates (no time), as on the record. Answers are `valueCoding`s from one small code
system per item (`{canonical}/{item}`), except where the wording is the instrument's own and
LOINC has an answer code (LA…) for the option: then the answer is that LOINC coding.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
        "phq9_9": "44260-8",
    }
}
# Instrument totals that LOINC codes; they are read-only items of the questionnaire.
TOTAL_LOINC: Mapping[str, tuple[str, str]] = {
    "audit_c": ("75626-2", "Total score [AUDIT-C]"),
    "phq2": ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
}
# The instruments' panels, for the Observations of the export (a panel has its total as member).
PANEL_LOINC: Mapping[str, tuple[str, str]] = {
    "audit_c": ("72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"),
    "phq2": ("55757-9", "Patient Health Questionnaire 2 item (PHQ-2) [Reported]"),
}
# LOINC answer codes, checked 2026-12-01 against several independent published FHIR
# implementations that cite the LOINC answer lists LL2179-1, LL2180-9 and LL2181-7 (AUDIT-C
# questions 1-3) and LL358-3 (PHQ); not read on loinc.org itself, which needs a login.
_FREQUENCY = {
    "never": ("LA6270-8", "Never"),
    "monthly_or_less": ("LA18926-8", "Monthly or less"),
    "2_4_month": ("LA18927-6", "2-4 times a month"),
    "2_3_week": ("LA18928-4", "2-3 times a week"),
    "4_plus_week": ("LA18929-2", "4 or more times a week"),
}
_QUANTITY = {
    "1_2": ("LA15694-5", "1 or 2"),
    "3_4": ("LA15695-2", "3 or 4"),
    "5_6": ("LA18930-0", "5 or 6"),
    "7_9": ("LA18931-8", "7 to 9"),
    "10_plus": ("LA18932-6", "10 or more"),
}
_SIX_OR_MORE = {
    "never": ("LA6270-8", "Never"),
    "less_than_monthly": ("LA18933-4", "Less than monthly"),
    "monthly": ("LA18876-5", "Monthly"),
    "weekly": ("LA18891-4", "Weekly"),
    "daily": ("LA18934-2", "Daily or almost daily"),
}
_PHQ = {
    "not_at_all": ("LA6568-5", "Not at all"),
    "several_days": ("LA6569-3", "Several days"),
    "more_than_half": ("LA6570-1", "More than half the days"),
    "nearly_every_day": ("LA6571-9", "Nearly every day"),
}
ANSWER_LOINC: Mapping[str, Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "selfassessment": {
        "audit_c_1": _FREQUENCY,
        "audit_c_2": _QUANTITY,
        "audit_c_3": _SIX_OR_MORE,
        "phq2_1": _PHQ,
        "phq2_2": _PHQ,
        "phq9_9": _PHQ,
    }
}


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
                {"valueCoding": _option_coding(q, item, option.value, option.text, base)}
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
    answers = []
    for v in values:
        loinc = ANSWER_LOINC.get(q.id, {}).get(item.id, {}).get(v)
        if loinc is not None:
            coding = {"system": LOINC, "code": loinc[0], "display": loinc[1]}
        else:
            coding = {
                "system": option_system(base, q, item),
                "code": v,
                "display": item.option(v).text[language],
            }
        answers.append({"valueCoding": coding})
    return answers


def _option_coding(
    q: Questionnaire, item: Item, value: str, text: Localized, base: str
) -> dict[str, Any]:
    loinc = ANSWER_LOINC.get(q.id, {}).get(item.id, {}).get(value)
    if loinc is not None:
        return {"system": LOINC, "code": loinc[0], "display": loinc[1]}
    return {"system": option_system(base, q, item), "code": value, **_localized("display", text)}


@dataclass(frozen=True)
class Assessment:
    """The professional's view for the export: plain values from the fixed lists."""

    reviewed_on: dt.date
    segment: str  # a segment id or "undetermined"
    provisional: str | None
    capability: str | None
    risk: str | None
    overridden: bool
    reason: str | None
    routed: tuple[str, ...]
    appointment: str | None


def _own(base: str, name: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": f"{base.rstrip('/')}/fhir/CodeSystem/{name}", "code": code}]}


def _component(base: str, name: str, code: str, value_system: str) -> dict[str, Any]:
    return {
        "code": _own(base, "assessment-part", name),
        "valueCodeableConcept": _own(base, value_system, code),
    }


def assessment_observation(found: Assessment, base: str, response_ref: str) -> dict[str, Any]:
    """The professional's rating of each axis, the segment, routing: an `Observation` without
    subject or performer, derived from the client's `QuestionnaireResponse`."""
    parts = []
    if found.provisional is not None:
        parts.append(_component(base, "provisional-segment", found.provisional, "segment"))
    if found.capability is not None:
        parts.append(_component(base, "capability-rating", found.capability, "capability-rating"))
    if found.risk is not None:
        parts.append(_component(base, "risk-rating", found.risk, "risk-rating"))
    if found.overridden and found.reason is not None:
        parts.append(_component(base, "override-reason", found.reason, "override-reason"))
    parts += [_component(base, "routed-to", kind, "service-kind") for kind in found.routed]
    if found.appointment is not None:
        parts.append(_component(base, "appointment-made", found.appointment, "appointment"))
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {
            **_own(base, "assessment-part", "segment-assessment"),
            "text": "Client segment assessment by a professional",
        },
        "effectiveDateTime": found.reviewed_on.isoformat(),
        "valueCodeableConcept": _own(base, "segment", found.segment),
        "derivedFrom": [{"reference": response_ref}],
        "component": parts,
    }


def _panel_observations(
    q: Questionnaire, instruments: Iterable[InstrumentScore], authored: dt.date, response_ref: str
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for score in instruments:
        if score.instrument_id not in PANEL_LOINC or not score.complete:
            continue
        total_ref = f"urn:uuid:{uuid.uuid4()}"
        code, display = TOTAL_LOINC[score.instrument_id]
        out.append(
            (
                total_ref,
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                    "effectiveDateTime": authored.isoformat(),
                    "valueInteger": score.score,
                    "derivedFrom": [{"reference": response_ref}],
                },
            )
        )
        panel, panel_display = PANEL_LOINC[score.instrument_id]
        out.append(
            (
                f"urn:uuid:{uuid.uuid4()}",
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {
                        "coding": [{"system": LOINC, "code": panel, "display": panel_display}]
                    },
                    "effectiveDateTime": authored.isoformat(),
                    "hasMember": [{"reference": total_ref}],
                    "derivedFrom": [{"reference": response_ref}],
                },
            )
        )
    return out


def export_bundle(
    q: Questionnaire,
    *,
    answers: Mapping[str, Any],
    instruments: Iterable[InstrumentScore],
    authored: dt.date,
    language: str,
    base: str,
    assessment: Assessment | None,
) -> dict[str, Any]:
    """A `collection` Bundle: the response first, then the instrument panels, then the
    professional's assessment if there is one. No Patient, no Practitioner."""
    instruments = tuple(instruments)
    response_ref = f"urn:uuid:{uuid.uuid4()}"
    entries = [
        (
            response_ref,
            questionnaire_response(
                q,
                answers=answers,
                instruments=instruments,
                authored=authored,
                language=language,
                base=base,
            ),
        ),
        *_panel_observations(q, instruments, authored, response_ref),
    ]
    if assessment is not None:
        entries.append(
            (f"urn:uuid:{uuid.uuid4()}", assessment_observation(assessment, base, response_ref))
        )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
