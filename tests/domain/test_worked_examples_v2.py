"""Questionnaire v2: the worked example people get the segment written for them beforehand.

The expected segments in worked_examples_v2.yaml were written from the model's definitions
before the scoring was run; the agreement is reported by
`python -m tests.domain.test_worked_examples_v2`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from portal.commands.questionnaire import assess_command
from portal.domain.questionnaire import load_default
from portal.domain.questionnaire_file import read_yaml
from portal.domain.scoring import Result, assess

DATA: dict[str, Any] = read_yaml(Path(__file__).with_name("worked_examples_v2.yaml"))
PEOPLE: list[dict[str, Any]] = DATA["people"]
Q = load_default()


def answers_of(person: dict[str, Any]) -> dict[str, Any]:
    base = dict(DATA["bases"].get(person["base"], {}))
    for item_id, value in (person.get("answers") or {}).items():
        if value is None:
            base.pop(item_id, None)
        else:
            base[item_id] = value
    return base


def segment_of(result: Result) -> str | None:
    return None if result.segment is None else str(result.segment)


def test_there_are_at_least_40_people_covering_every_segment_rule_and_flag() -> None:
    assert len(PEOPLE) >= 40
    assert {p["segment"] for p in PEOPLE} == {
        None,
        "self_care",
        "supported",
        "collaborative",
        "intensive",
    }
    assert {f for p in PEOPLE for f in p.get("flags", [])} == set(Q.acute_flags)
    fired = {f.rule_id for p in PEOPLE for f in assess(Q, answers_of(p)).fired if f.decisive}
    assert fired == {rule.id for rule in Q.scoring.decisive}, "each decisive rule is exercised"
    for person in PEOPLE:
        assert person["rationale"].strip() and "\n" not in person["rationale"].strip()


@pytest.mark.parametrize("person", PEOPLE, ids=[p["name"] for p in PEOPLE])
def test_the_person_gets_the_segment_and_flags_a_professional_gave(person: dict[str, Any]) -> None:
    result = assess(Q, answers_of(person))
    assert segment_of(result) == person["segment"], person["rationale"]
    assert list(result.acute_flags) == person.get("flags", [])


@pytest.mark.parametrize(
    "person",
    [p for p in PEOPLE if p.get("borderline")],
    ids=[p["name"] for p in PEOPLE if p.get("borderline")],
)
def test_a_borderline_person_is_told_the_result_is_near_the_line(person: dict[str, Any]) -> None:
    assert assess(Q, answers_of(person)).near_line


def test_portal_assess_gives_the_same_segments_as_the_domain() -> None:
    runner = CliRunner()
    for person in PEOPLE:
        outcome = runner.invoke(
            assess_command, ["--answers", "-"], input=json.dumps(answers_of(person))
        )
        assert outcome.exit_code == 0, outcome.output
        output = json.loads(outcome.stdout)
        assert output["segment"] == segment_of(assess(Q, answers_of(person)))


def report() -> str:
    """Agreement on the clear and on the borderline people, and every disagreement."""
    lines, clear, clear_ok, border, border_ok, near = [], 0, 0, 0, 0, 0
    for person in PEOPLE:
        result = assess(Q, answers_of(person))
        ok = segment_of(result) == person["segment"]
        if person.get("borderline"):
            border, border_ok, near = border + 1, border_ok + ok, near + result.near_line
        else:
            clear, clear_ok = clear + 1, clear_ok + ok
        if not ok:
            lines.append(
                f"  DISAGREE {person['name']}: expected {person['segment']}, got "
                f"{segment_of(result)}"
            )
    lines.insert(
        0,
        f"clear: {clear_ok}/{clear} agree; borderline: {border_ok}/{border} agree, "
        f"{near}/{border} said near the line; all: {clear_ok + border_ok}/{len(PEOPLE)}",
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(report() + "\n")
