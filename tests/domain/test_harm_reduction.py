"""Harm-reduction advice fits the answers: a table of answer patterns and the advice each gets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.domain import harm_reduction, wording
from portal.domain.harm_reduction import AdviceFileError
from portal.domain.questionnaire import LANGUAGES

HR = harm_reduction.load_default()
OVERDOSE = ["overdose_signs", "dont_use_alone", "naloxone", "if_someone_does_not_wake", "call_112"]
DRINKING = ["alcohol_withdrawal", "supported_withdrawal"]

# (answers, questionnaire version, patterns matched, advice shown in order)
TABLE: list[tuple[dict[str, Any], str, list[str], list[str]]] = [
    ({}, "2", [], []),
    ({"substances": ["opioids"]}, "2", ["depressants"], OVERDOSE),
    ({"substances": ("ghb",)}, "2", ["depressants"], OVERDOSE),
    ({"substances": ["alcohol", "sedatives"]}, "2", ["depressants"], OVERDOSE),
    ({"substances": ["alcohol", "cannabis", "stimulants"]}, "2", [], []),
    ({"substances": ["none"]}, "2", [], []),
    ({"polysubstance": "sometimes"}, "2", ["mixing"], ["mixing", *OVERDOSE]),
    ({"polysubstance": "often"}, "1", ["mixing"], ["mixing", *OVERDOSE]),
    ({"polysubstance": "never"}, "2", [], []),
    ({"injecting": "past_year"}, "2", ["injecting"], ["injecting", *OVERDOSE]),
    ({"injecting": "past_year"}, "1", ["injecting"], ["injecting", *OVERDOSE]),
    ({"injecting": "not_past_year"}, "2", [], []),
    ({"overdose": "past_month"}, "2", ["overdose_past_year"], OVERDOSE),
    ({"overdose": "1_12_months"}, "2", ["overdose_past_year"], OVERDOSE),
    ({"overdose": "earlier"}, "2", [], []),  # v2: more than 12 months ago
    ({"overdose": "never"}, "2", [], []),
    ({"overdose": "past_month"}, "1", ["overdose_past_year"], OVERDOSE),
    ({"overdose": "earlier"}, "1", ["overdose_past_year_v1"], OVERDOSE),  # v1: 1-12 months
    ({"overdose": "no"}, "1", [], []),
    ({"audit_c_3": "daily"}, "1", ["daily_heavy_drinking"], DRINKING),
    ({"audit_c_1": "4_plus_week", "audit_c_2": "5_6"}, "2", ["daily_heavy_drinking"], DRINKING),
    ({"audit_c_1": "4_plus_week", "audit_c_2": "10_plus"}, "1", ["daily_heavy_drinking"], DRINKING),
    ({"audit_c_1": "4_plus_week", "audit_c_2": "1_2"}, "2", [], []),
    ({"audit_c_1": "4_plus_week"}, "2", [], []),  # a skipped amount never adds up to a pattern
    ({"audit_c_2": "10_plus", "audit_c_1": "2_3_week"}, "2", [], []),
    ({"audit_c_3": "weekly"}, "2", [], []),
    (
        {"substances": ["opioids", "alcohol"], "polysubstance": "often", "audit_c_3": "daily"},
        "2",
        ["depressants", "mixing", "daily_heavy_drinking"],
        ["mixing", *OVERDOSE, *DRINKING],
    ),
    ({"phq9_9": "nearly_every_day", "housing": "no_home"}, "2", [], []),
    ({"safety_at_home": "not_safe"}, "2", ["unsafe_home"], ["safety_at_home"]),
    ({"safety_at_home": "not_always"}, "2", ["unsafe_home"], ["safety_at_home"]),
    ({"safety_at_home": "safe"}, "2", [], []),
    ({"overdose": "an_unknown_value", "unknown_item": "x"}, "2", [], []),
]


@pytest.mark.parametrize(("answers", "version", "patterns", "advice"), TABLE)
def test_the_advice_shown_for_each_answer_pattern(
    answers: dict[str, Any], version: str, patterns: list[str], advice: list[str]
) -> None:
    matched = HR.match(answers, version)
    assert [p.id for p in matched.patterns] == patterns
    assert [a.id for a in matched.advice] == advice


def test_every_piece_has_sources_and_the_file_a_checked_date() -> None:
    assert dt.date.fromisoformat(HR.checked) <= dt.date(2026, 12, 1)
    for advice in HR.advice:
        assert advice.sources, advice.id
        for source in advice.sources:
            assert source.url.startswith(("https://", "http://")) and source.title
        if not advice.verified:
            assert advice.note


def test_every_piece_is_reached_by_some_pattern() -> None:
    reached = {a for p in HR.patterns for a in p.advice}
    assert reached == {a.id for a in HR.advice}


def _texts() -> list[tuple[str, dict[str, str]]]:
    found = []
    for a in HR.advice:
        found += [(f"{a.id}.{part}", dict(getattr(a, part))) for part in ("title", "text", "short")]
    found += [(f"{p.id}.reason", dict(p.reason)) for p in HR.patterns]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_advice_uses_a_stigmatising_word(lang: str) -> None:
    assert [(w, f) for w, t in _texts() if (f := wording.find_forbidden(t[lang], lang))] == []


def test_advice_is_translated_not_copied_and_never_makes_help_conditional_on_stopping() -> None:
    for where, text in _texts():
        if len(text["en"]) > 12:
            assert text["fi"] != text["en"] and text["sv"] != text["en"], where
        lowered = text["en"].lower()
        assert not any(p in lowered for p in ("you must stop", "only if you stop", "quit")), where


def test_a_pattern_pointing_to_advice_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(harm_reduction.default_path().read_text(encoding="utf-8"))
    data["patterns"][0]["advice"].append("no_such_advice")
    path = tmp_path / "advice.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AdviceFileError, match="'depressants'"):
        harm_reduction.load(path)


def test_advice_without_a_source_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(harm_reduction.default_path().read_text(encoding="utf-8"))
    data["advice"][0]["sources"] = []
    path = tmp_path / "advice.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AdviceFileError, match="source"):
        harm_reduction.load(path)
