"""Cases written by a social and health professional who never saw the scoring rules.

Each case gives the answers, the segment the writer would give, whether the case is clear or
borderline, and whether it is acute. The target (issue 10): at least 90 % agreement on the clear
cases, and safety guidance (an acute flag) on every acute one. Borderline cases are reported, not
asserted: near the line, a professional's view may go either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.domain import scoring
from portal.domain.questionnaire import load_default

Q = load_default()
CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("independent_cases_v2.yaml")).read_text(encoding="utf-8")
)["cases"]


def _segment(case: dict[str, Any]) -> str | None:
    answers = {k: tuple(v) if isinstance(v, list) else v for k, v in case["answers"].items()}
    result = scoring.assess(Q, answers)
    return None if result.segment is None else str(result.segment)


def test_at_least_ninety_percent_of_the_clear_cases_agree() -> None:
    clear = [c for c in CASES if c["clarity"] == "clear"]
    disagree = [(c["id"], c["expected"], _segment(c)) for c in clear if _segment(c) != c["expected"]]
    assert len(clear) >= 40
    assert len(disagree) <= len(clear) // 10, disagree


@pytest.mark.parametrize("case", [c for c in CASES if c["acute"]], ids=lambda c: c["id"])
def test_every_acute_case_gets_safety_guidance(case: dict[str, Any]) -> None:
    answers = {k: tuple(v) if isinstance(v, list) else v for k, v in case["answers"].items()}
    assert scoring.assess(Q, answers).acute_flags, case["why"]
