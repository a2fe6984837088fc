"""The version 1 worked example people (worked_examples.yaml) keep the segments of version 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from portal.commands.questionnaire import assess_command
from portal.domain.questionnaire import QUESTIONNAIRES_DIR, load_version
from portal.domain.questionnaire_file import read_yaml
from portal.domain.scoring import assess

EXAMPLES: list[dict[str, Any]] = read_yaml(Path(__file__).with_name("worked_examples.yaml"))
V1 = load_version("selfassessment", "1")  # stored v1 records are still scored by v1's model
V1_FILE = str(QUESTIONNAIRES_DIR / "selfassessment-v1.yaml")


def test_there_are_at_least_12_examples_covering_every_segment_and_flag() -> None:
    assert len(EXAMPLES) >= 12
    assert {e["segment"] for e in EXAMPLES} >= {
        None,
        "self_care",
        "supported",
        "collaborative",
        "intensive",
    }
    assert {f for e in EXAMPLES for f in e["flags"]} == set(V1.acute_flags)
    for example in EXAMPLES:
        assert example["rationale"].strip() and "\n" not in example["rationale"].strip()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_the_worked_example_gets_its_segment_and_flags(example: dict[str, Any]) -> None:
    result = assess(V1, example["answers"])
    assert (None if result.segment is None else str(result.segment)) == example["segment"]
    assert list(result.acute_flags) == example["flags"]
    scores = {s.instrument_id: s for s in result.instruments}
    for instrument_id, expected in example.get("instruments", {}).items():
        for field, value in expected.items():
            assert getattr(scores[instrument_id], field) == value, (instrument_id, field)


def test_portal_assess_gives_the_same_segments_as_the_domain() -> None:
    runner = CliRunner()
    for example in EXAMPLES:
        outcome = runner.invoke(
            assess_command,
            ["--answers", "-", "--file", V1_FILE],
            input=json.dumps(example["answers"]),
        )
        assert outcome.exit_code == 0, outcome.output
        output = json.loads(outcome.stdout)
        assert (output["segment"], output["acute_flags"]) == (example["segment"], example["flags"])
