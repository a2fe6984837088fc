"""The rules model of a questionnaire (v2): decisive rules decide a side, the rest adds up.

A decisive rule ("any one of") puts the person on the higher-risk or lower-capability side on
its own, so no number of "no" answers can average it away. Every other problem is a cumulative
rule worth some points; the side is decided when the points reach the line. A skipped item
satisfies no condition, so a skip neither raises nor lowers anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portal.domain.questionnaire import Answer, Condition, Questionnaire, item_holds
from portal.domain.questionnaire_types import AxisName, Rule


@dataclass(frozen=True)
class Score:
    """What a condition needs to know of an instrument: its score and chosen cut-off."""

    score: int
    cutoff: int | None


@dataclass(frozen=True)
class FiredRule:
    rule_id: str
    side: str  # "higher_risk" | "lower_capability"
    points: float | None  # None: decisive
    evidence: tuple[tuple[str, str], ...]  # (item_id, option value) that made it hold

    @property
    def decisive(self) -> bool:
        return self.points is None


def _chosen(answer: Answer) -> tuple[str, ...]:
    if isinstance(answer, str):
        return (answer,)
    return answer if isinstance(answer, tuple) else ()


def holds(
    q: Questionnaire, cond: Condition, answers: Mapping[str, Answer], scores: Mapping[str, Score]
) -> bool:
    if cond.instrument is None:
        return item_holds(cond, answers)
    found = scores.get(cond.instrument)
    if found is None:
        return False
    if cond.at_least is not None and found.score < cond.at_least:
        return False
    if cond.below is not None and found.score >= cond.below:
        return False
    return not (cond.from_cutoff and (found.cutoff is None or found.score < found.cutoff))


def evidence(
    q: Questionnaire, cond: Condition, answers: Mapping[str, Answer]
) -> tuple[tuple[str, str], ...]:
    """The answers behind a condition that holds (for an instrument: its items that scored)."""
    if cond.item is not None:
        return tuple(
            (cond.item, v)
            for v in _chosen(answers.get(cond.item))
            if v in cond.any_of or v in cond.only_of
        )
    found: list[tuple[str, str]] = []
    for item_id in q.instrument(str(cond.instrument)).items:
        value = answers.get(item_id)
        if isinstance(value, str) and (q.item(item_id).option(value).score or 0) > 0:
            found.append((item_id, value))
    return tuple(found)


def fired_rules(
    q: Questionnaire,
    answers: Mapping[str, Answer],
    scores: Mapping[str, Score],
    with_evidence: bool = True,
) -> tuple[FiredRule, ...]:
    """Every rule whose conditions all hold, decisive ones first, in the file's order.

    `with_evidence=False` leaves out the answers behind each rule (deciding a segment does not
    need them; explaining it does)."""
    fired: list[FiredRule] = []
    for rule in q.scoring.rules:
        if all(holds(q, cond, answers, scores) for cond in rule.when):
            proof = (
                tuple(dict.fromkeys(e for c in rule.when for e in evidence(q, c, answers)))
                if with_evidence
                else ()
            )
            fired.append(FiredRule(rule.id, rule.side, rule.points, proof))
    return tuple(fired)


def rule_items(q: Questionnaire, rule: Rule) -> tuple[str, ...]:
    """The items a rule looks at (an instrument condition looks at the instrument's items)."""
    ids: list[str] = []
    for cond in rule.when:
        if cond.item is not None:
            ids.append(cond.item)
        else:
            ids += q.instrument(str(cond.instrument)).items
    return tuple(dict.fromkeys(ids))


def axis_items(q: Questionnaire, axis: AxisName) -> tuple[str, ...]:
    """The items whose answers count on an axis: those some rule on that axis looks at."""

    def work() -> tuple[str, ...]:
        ids = {i for rule in q.scoring.rules if rule.axis == axis for i in rule_items(q, rule)}
        return tuple(item.id for item in q.items if item.id in ids)

    return q.worked_out("axis_items:" + axis, work)


def points(q: Questionnaire, fired: tuple[FiredRule, ...], axis: AxisName) -> float:
    return sum(f.points or 0.0 for f in fired if not f.decisive and _axis(q, f) == axis)


def _axis(q: Questionnaire, fired: FiredRule) -> AxisName:
    return "risk" if fired.side == "higher_risk" else "capability"


def shown_level(points_: float, line: float, axis: AxisName) -> float:
    """Points on the picture's 0..1 scale, the line at 0.5; capability 1 = copes well."""
    level = min(1.0, points_ / (2 * line))
    return level if axis == "risk" else 1.0 - level
