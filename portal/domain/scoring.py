"""Turn answers into a provisional segment: instrument scores, the two axes, drivers, flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal, cast

from portal.domain import scoring_rules
from portal.domain.questionnaire import (
    AXES,
    Answer,
    AxisName,
    Instrument,
    InvalidAnswer,
    Item,
    Questionnaire,
    RawAnswer,
    effective_answers,
    item_holds,
    parse_answer,
)
from portal.domain.scoring_rules import FiredRule


class Segment(StrEnum):
    SELF_CARE = "self_care"  # higher capability, lower risk
    SUPPORTED = "supported"  # lower capability, lower risk
    COLLABORATIVE = "collaborative"  # higher capability, higher risk
    INTENSIVE = "intensive"  # lower capability, higher risk


@dataclass(frozen=True)
class Driver:
    """One answer that pulled an axis towards 'needs more' (higher risk / lower capability)."""

    item_id: str
    value: str
    axis: Literal["risk", "capability"]
    weight: float  # share of the axis this answer moved, 0..1


@dataclass(frozen=True)
class InstrumentScore:
    instrument_id: str
    score: int
    maximum: int
    cutoff: int | None
    above_cutoff: bool | None  # None when incomplete and not yet at the cut-off
    complete: bool

    @property
    def interpretation_key(self) -> str:
        """Which text of the instrument's `interpretation` fits: above, below or incomplete."""
        if self.above_cutoff is None:
            return "incomplete"
        return "above" if self.above_cutoff else "below"


@dataclass(frozen=True)
class AxisState:
    """One axis against its line: points (rules model) or a 0..1 level (average model)."""

    axis: AxisName
    value: float | None  # None: too few answers on this axis
    line: float
    scale: Literal["points", "level"]
    needs_more: bool | None  # higher risk / lower capability; None when undetermined
    by_rule: bool  # a decisive rule (or an override) decided the side
    answered: int

    @property
    def distance(self) -> float | None:
        """How far the value is from the line, in its own scale (0 = on the line)."""
        return None if self.value is None else round(abs(self.value - self.line), 4)


@dataclass(frozen=True)
class Flip:
    """One answer, one step different, that would give another segment."""

    item_id: str
    answer: tuple[str, ...]  # as answered
    instead: tuple[str, ...]  # the answer one step away
    segment: Segment | None


@dataclass(frozen=True)
class Result:
    segment: Segment | None
    risk: float | None  # 0..1, None when too few answers on the axis
    capability: float | None  # 0..1, 1 = copes well
    risk_drivers: tuple[Driver, ...]
    capability_drivers: tuple[Driver, ...]
    instruments: tuple[InstrumentScore, ...]
    acute_flags: tuple[str, ...]
    topics: tuple[str, ...]
    questionnaire_id: str
    version: str
    risk_answered: int = 0
    capability_answered: int = 0
    # Sides decided by a rule rather than by the axis value: "higher_risk:acute_flag",
    # "lower_capability:housing=no_home", ... (so the professional view can say why).
    overrides: tuple[str, ...] = ()
    model: str = "average"
    axis_states: tuple[AxisState, ...] = ()
    fired: tuple[FiredRule, ...] = ()  # rules model: every rule that held
    counted: tuple[Driver, ...] = ()  # every answer that counted towards "needs more"
    notes: tuple[str, ...] = ()  # ids of the questionnaire's notes that apply
    flips: tuple[Flip, ...] = ()
    few_answers: tuple[str, ...] = ()  # axes decided by only a few answers
    close_axes: tuple[str, ...] = ()  # axes below their line by at most scoring.near_points

    @property
    def near_line(self) -> bool:
        """One answer one step different would change the segment, or few answers decided."""
        return self.segment is not None and bool(self.flips or self.few_answers or self.close_axes)

    def axis_state(self, axis: AxisName) -> AxisState | None:
        return next((state for state in self.axis_states if state.axis == axis), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; "segment" is None when there is no provisional segment."""
        return {
            "questionnaire_id": self.questionnaire_id,
            "version": self.version,
            "segment": None if self.segment is None else str(self.segment),
            "risk": None if self.risk is None else round(self.risk, 4),
            "capability": None if self.capability is None else round(self.capability, 4),
            "risk_answered": self.risk_answered,
            "capability_answered": self.capability_answered,
            "risk_drivers": [_driver_dict(d) for d in self.risk_drivers],
            "capability_drivers": [_driver_dict(d) for d in self.capability_drivers],
            "instruments": [
                {
                    "instrument_id": s.instrument_id,
                    "score": s.score,
                    "maximum": s.maximum,
                    "cutoff": s.cutoff,
                    "above_cutoff": s.above_cutoff,
                    "complete": s.complete,
                }
                for s in self.instruments
            ],
            "acute_flags": list(self.acute_flags),
            "topics": list(self.topics),
            "overrides": list(self.overrides),
            "model": self.model,
            "axes": {
                state.axis: {
                    "value": None if state.value is None else round(state.value, 4),
                    "line": state.line,
                    "scale": state.scale,
                    "distance": state.distance,
                    "needs_more": state.needs_more,
                    "by_rule": state.by_rule,
                    "answered": state.answered,
                }
                for state in self.axis_states
            },
            "rules_fired": [
                {
                    "rule_id": f.rule_id,
                    "side": f.side,
                    "decisive": f.decisive,
                    "points": f.points,
                    "evidence": [list(e) for e in f.evidence],
                }
                for f in self.fired
            ],
            "counted": [_driver_dict(d) for d in self.counted],
            "notes": list(self.notes),
            "near_line": self.near_line,
            "few_answers": list(self.few_answers),
            "close_axes": list(self.close_axes),
            "flips": [
                {
                    "item_id": f.item_id,
                    "answer": list(f.answer),
                    "instead": list(f.instead),
                    "segment": None if f.segment is None else str(f.segment),
                }
                for f in self.flips
            ],
        }


def _driver_dict(driver: Driver) -> dict[str, Any]:
    return {
        "item_id": driver.item_id,
        "value": driver.value,
        "axis": driver.axis,
        "weight": round(driver.weight, 4),
    }


def parse_answers(q: Questionnaire, answers: Mapping[str, RawAnswer]) -> dict[str, Answer]:
    """Check every answer; unknown ids raise InvalidAnswer(id, "unknown_item"). Skips drop out."""
    parsed: dict[str, Answer] = {}
    for item_id, raw in answers.items():
        if not q.has_item(item_id):
            raise InvalidAnswer(item_id, "unknown_item", "no item has this id")
        value = parse_answer(q.item(item_id), raw)
        if value is not None:
            parsed[item_id] = value
    return parsed


def assess(q: Questionnaire, answers: Mapping[str, RawAnswer]) -> Result:
    """Score one person's answers. A skipped item is simply absent (or None).

    The questionnaire's skip logic applies first: an answer to an item this person was not
    asked (e.g. AUDIT-C 2-3 after "never") is not scored, just as the web path never asks it.
    """
    parsed = effective_answers(q, parse_answers(q, answers))
    result = _assess(q, parsed)
    if result.segment is None:
        return result
    return _with_certainty(q, parsed, result)


def _assess(q: Questionnaire, parsed: Mapping[str, Answer]) -> Result:
    if q.scoring.model == "rules":
        return _assess_rules(q, parsed)
    return _assess_average(q, parsed)


def _assess_average(q: Questionnaire, parsed: Mapping[str, Answer]) -> Result:
    """Version 1: a weighted average per axis, plus `sets:` and acute-flag overrides."""
    flags = _acute_flags(q, parsed)
    axes: dict[AxisName, tuple[float | None, tuple[Driver, ...], int]] = {
        axis: _axis(q, parsed, axis) for axis in AXES
    }
    risk, risk_drivers, risk_n = axes["risk"]
    capability, capability_drivers, capability_n = axes["capability"]
    overrides = _overrides(q, parsed, flags)
    sides = {rule.split(":", 1)[0] for rule in overrides}
    states = (
        AxisState(
            "risk",
            risk,
            q.scoring.risk_threshold,
            "level",
            None if risk is None else (risk >= q.scoring.risk_threshold or "higher_risk" in sides),
            "higher_risk" in sides,
            risk_n,
        ),
        AxisState(
            "capability",
            capability,
            q.scoring.capability_threshold,
            "level",
            None
            if capability is None
            else capability < q.scoring.capability_threshold or "lower_capability" in sides,
            "lower_capability" in sides,
            capability_n,
        ),
    )
    counted = tuple(d for axis in AXES for d in _axis(q, parsed, axis, every=True)[1])
    return Result(
        segment=_segment(q, risk, capability, overrides),
        risk=risk,
        capability=capability,
        risk_drivers=risk_drivers,
        capability_drivers=capability_drivers,
        instruments=tuple(score_instrument(q, inst, parsed) for inst in q.instruments),
        acute_flags=flags,
        topics=_topics(q, parsed),
        questionnaire_id=q.id,
        version=q.version,
        risk_answered=risk_n,
        capability_answered=capability_n,
        overrides=overrides,
        model="average",
        axis_states=states,
        counted=counted,
        notes=_notes(q, parsed),
    )


def _assess_rules(q: Questionnaire, parsed: Mapping[str, Answer]) -> Result:
    """Version 2: decisive rules decide a side on their own; the other rules add up points."""
    flags = _acute_flags(q, parsed)
    instruments = tuple(score_instrument(q, inst, parsed) for inst in q.instruments)
    scores = {
        s.instrument_id: scoring_rules.Score(s.score, s.cutoff) for s in instruments
    }
    fired = scoring_rules.fired_rules(q, parsed, scores)
    overrides = tuple(f"{f.side}:{f.rule_id}" for f in fired if f.decisive)
    if flags and q.scoring.acute_means_higher_risk:
        overrides = ("higher_risk:acute_flag", *overrides)
    sides = {rule.split(":", 1)[0] for rule in overrides}
    states: list[AxisState] = []
    drivers: dict[AxisName, tuple[Driver, ...]] = {}
    sides_of: tuple[tuple[AxisName, str, float], ...] = (
        ("risk", "higher_risk", q.scoring.risk_line),
        ("capability", "lower_capability", q.scoring.capability_line),
    )
    for axis, side, line in sides_of:
        answered = sum(1 for i in scoring_rules.axis_items(q, axis) if i in parsed)
        total = scoring_rules.points(q, fired, axis)
        by_rule = side in sides
        known = by_rule or answered >= q.scoring.minimum_answered
        states.append(
            AxisState(
                axis,
                total if known else None,
                line,
                "points",
                (by_rule or total >= line) if known else None,
                by_rule,
                answered,
            )
        )
        drivers[axis] = _rule_drivers(q, fired, axis, line)
    risk_state, capability_state = states
    segment = _segment_of(risk_state.needs_more, capability_state.needs_more)
    per_axis = q.scoring.drivers_per_axis
    return Result(
        segment=segment,
        risk=None
        if risk_state.value is None
        else scoring_rules.shown_level(risk_state.value, risk_state.line, "risk"),
        capability=None
        if capability_state.value is None
        else scoring_rules.shown_level(capability_state.value, capability_state.line, "capability"),
        risk_drivers=drivers["risk"][:per_axis],
        capability_drivers=drivers["capability"][:per_axis],
        instruments=instruments,
        acute_flags=flags,
        topics=_topics(q, parsed),
        questionnaire_id=q.id,
        version=q.version,
        risk_answered=risk_state.answered,
        capability_answered=capability_state.answered,
        overrides=overrides,
        model="rules",
        axis_states=tuple(states),
        fired=fired,
        counted=drivers["risk"] + drivers["capability"],
        notes=_notes(q, parsed),
    )


def _rule_drivers(
    q: Questionnaire, fired: tuple[FiredRule, ...], axis: AxisName, line: float
) -> tuple[Driver, ...]:
    """The answers behind the fired rules of one axis: decisive first, then by points."""
    side = "higher_risk" if axis == "risk" else "lower_capability"
    mine = [f for f in fired if f.side == side]
    mine.sort(key=lambda f: (not f.decisive, -(f.points or 0.0)))
    seen: dict[tuple[str, str], Driver] = {}
    for f in mine:
        weight = 1.0 if f.decisive else min(1.0, (f.points or 0.0) / line)
        for item_id, value in f.evidence:
            seen.setdefault((item_id, value), Driver(item_id, value, axis, weight))
    return tuple(seen.values())


def _segment_of(higher_risk: bool | None, lower_capability: bool | None) -> Segment | None:
    if higher_risk is None or lower_capability is None:
        return None
    if higher_risk:
        return Segment.INTENSIVE if lower_capability else Segment.COLLABORATIVE
    return Segment.SUPPORTED if lower_capability else Segment.SELF_CARE


def _notes(q: Questionnaire, parsed: Mapping[str, Answer]) -> tuple[str, ...]:
    return tuple(
        note.id for note in q.notes if note.when and all(item_holds(c, parsed) for c in note.when)
    )


def severity(item: Item, value: str) -> float | None:
    """How far an option is towards "needs more", 0..1 (None: the item moves no axis)."""
    option = item.option(value)
    if item.axis_maximum("risk") > 0:
        return option.risk
    if item.axis_maximum("capability") > 0:
        return 1.0 - option.capability
    return None


def _neighbours(item: Item, answer: Answer) -> list[tuple[str, ...]]:
    """Answers one step away that could be a small difference, not a different story.

    The option next to it either way, except stepping up from the item's "no" end (from
    "not at all" to "several days" is a new answer, not a near one); or one choice more or
    less of a multiple-choice item. Items that move no axis (age band, limits) are not varied.
    """
    if isinstance(answer, str):
        values = item.option_values
        mine = severity(item, answer)
        if mine is None:
            return []
        lowest = min(s for v in values if (s := severity(item, v)) is not None)
        index = values.index(answer)
        steps: list[tuple[str, ...]] = []
        for i in (index - 1, index + 1):
            if not 0 <= i < len(values):
                continue
            other = severity(item, values[i])
            if other is not None and (other < mine or mine > lowest):
                steps.append((values[i],))
        return steps
    if not isinstance(answer, tuple) or item.role == "topics":
        return []  # number items and the person's own topics move no segment one step
    steps = []
    for option in item.options:
        if option.value in answer:
            fewer = tuple(v for v in answer if v != option.value)
            if fewer:
                steps.append(fewer)
        elif not option.exclusive and not any(item.option(v).exclusive for v in answer):
            more = tuple(v for v in item.option_values if v in answer or v == option.value)
            if item.max_choices is None or len(more) <= item.max_choices:
                steps.append(more)
    return steps


def _with_certainty(q: Questionnaire, parsed: Mapping[str, Answer], result: Result) -> Result:
    """Which single answers, one step different, would change the segment; and few answers."""
    flips: list[Flip] = []
    for item in q.items:
        answer = parsed.get(item.id)
        if answer is None:
            continue
        for instead in _neighbours(item, answer):
            changed = dict(parsed)
            changed[item.id] = instead[0] if isinstance(answer, str) else instead
            other = _assess(q, effective_answers(q, changed)).segment
            if other != result.segment:
                as_answered = (answer,) if isinstance(answer, str) else cast(tuple[str, ...], answer)
                flips.append(Flip(item.id, as_answered, instead, other))
    few = tuple(
        state.axis
        for state in result.axis_states
        if not state.by_rule and state.answered < q.scoring.few_answers
    )
    close = tuple(
        state.axis
        for state in result.axis_states
        if state.scale == "points"
        and not state.needs_more
        and state.value is not None
        and state.line - state.value <= q.scoring.near_points
    )
    return replace(result, flips=tuple(flips), few_answers=few, close_axes=close)


def _overrides(
    q: Questionnaire, parsed: Mapping[str, Answer], flags: tuple[str, ...]
) -> tuple[str, ...]:
    found: list[str] = []
    if flags and q.scoring.acute_means_higher_risk:
        found.append("higher_risk:acute_flag")
    for item in q.items:
        answer = parsed.get(item.id)
        values = (
            (answer,) if isinstance(answer, str) else answer if isinstance(answer, tuple) else ()
        )
        for value in values:
            found += [f"{rule}:{item.id}={value}" for rule in item.option(value).sets]
    return tuple(found)


def _levels(item: Item, answer: Answer, axis: AxisName) -> tuple[float, str]:
    """The answer's level on an axis (0..1) and the value that gave it."""
    if isinstance(answer, int):
        band = item.band_for(answer)
        return (0.0 if band is None else band.level(axis)), str(answer)
    chosen = (answer,) if isinstance(answer, str) else (answer or ())
    # For several choices the one nearest the 'needs more' end speaks for the item.
    pairs = [(item.option(v).level(axis), v) for v in chosen]
    if axis == "risk":
        return max(pairs, default=(0.0, ""))
    return min(pairs, default=(0.0, ""))


def _axis(
    q: Questionnaire, parsed: Mapping[str, Answer], axis: AxisName, every: bool = False
) -> tuple[float | None, tuple[Driver, ...], int]:
    total = top = 0.0
    pulls: list[tuple[float, int, str, str]] = []
    answered = 0
    # Questionnaire order, not answer order: the sum is the same whatever order answers came in.
    for index, item in enumerate(q.items):
        maximum = item.axis_maximum(axis)
        if maximum <= 0 or item.id not in parsed:
            continue
        level, value = _levels(item, parsed[item.id], axis)
        contribution = item.weight * level
        answered += 1
        total += contribution
        top += maximum
        pull = contribution if axis == "risk" else maximum - contribution
        if pull > 0:
            pulls.append((pull, index, item.id, value))
    if answered < q.scoring.minimum_answered or top <= 0:
        return None, (), answered
    pulls.sort(key=lambda p: (-p[0], p[1]))
    drivers = tuple(
        Driver(item_id=item_id, value=value, axis=axis, weight=pull / top)
        for pull, _, item_id, value in (pulls if every else pulls[: q.scoring.drivers_per_axis])
    )
    return total / top, drivers, answered


def _segment(
    q: Questionnaire, risk: float | None, capability: float | None, overrides: tuple[str, ...]
) -> Segment | None:
    if risk is None or capability is None:
        return None
    sides = {rule.split(":", 1)[0] for rule in overrides}
    higher_risk = risk >= q.scoring.risk_threshold or "higher_risk" in sides
    lower_capability = capability < q.scoring.capability_threshold or "lower_capability" in sides
    if higher_risk:
        return Segment.INTENSIVE if lower_capability else Segment.COLLABORATIVE
    return Segment.SUPPORTED if lower_capability else Segment.SELF_CARE


def score_instrument(
    q: Questionnaire, inst: Instrument, parsed: Mapping[str, Answer]
) -> InstrumentScore:
    """Sum the manual's item scores; a gate answer (e.g. AUDIT-C 'never') zeroes the rest."""
    answered = [i for i in inst.items if isinstance(parsed.get(i), str)]
    gated = inst.gate_item is not None and parsed.get(inst.gate_item) in inst.gate_values
    if gated and inst.gate_item is not None:
        answered = [inst.gate_item]
    score = sum(q.item(i).option(str(parsed[i])).score or 0 for i in answered)
    complete = gated or len(answered) == len(inst.items)
    cutoff = inst.cutoff
    choosers = [*inst.cutoff_first]
    if inst.cutoff_item is not None:
        choosers.append((inst.cutoff_item, inst.cutoff_values))
    for item_id, values in choosers:
        chosen = parsed.get(item_id)
        if isinstance(chosen, str) and chosen in values:
            cutoff = values[chosen]
            break
    above: bool | None = None
    if cutoff is not None:
        # Scores only grow with more answers, so a partial score at the cut-off is already above.
        above = score >= cutoff if complete or score >= cutoff else None
    return InstrumentScore(
        instrument_id=inst.id,
        score=score,
        maximum=inst.maximum,
        cutoff=cutoff,
        above_cutoff=above,
        complete=complete,
    )


def _acute_flags(q: Questionnaire, parsed: Mapping[str, Answer]) -> tuple[str, ...]:
    raised: set[str] = set()
    for item in q.items:
        answer = parsed.get(item.id)
        if answer is None:
            continue
        if isinstance(answer, int):
            band = item.band_for(answer)
            if band is not None and band.acute:
                raised.add(band.acute)
            continue
        for value in (answer,) if isinstance(answer, str) else answer:
            flag = item.option(value).acute
            if flag:
                raised.add(flag)
    return tuple(flag for flag in q.acute_flags if flag in raised)


def _topics(q: Questionnaire, parsed: Mapping[str, Answer]) -> tuple[str, ...]:
    for item in q.items:
        if item.role == "topics":
            answer = parsed.get(item.id)
            if isinstance(answer, str):
                return (answer,)
            return tuple(answer) if isinstance(answer, tuple) else ()
    return ()
