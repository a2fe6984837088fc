"""Turn answers into a provisional segment: instrument scores, the two axes, drivers, flags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from portal.domain import certainty, scoring_rules
from portal.domain.certainty import severity
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
from portal.domain.result import AxisState, Driver, Flip, InstrumentScore, Result, Segment
from portal.domain.scoring_rules import FiredRule

# The result's types live in result.py; they are re-exported here, where callers look for them.
__all__ = [
    "AxisState",
    "Driver",
    "Flip",
    "InstrumentScore",
    "Result",
    "Segment",
    "acute_flags",
    "assess",
    "parse_answers",
    "score_instrument",
    "segment",
    "segment_of_asked",
    "severity",
]


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
    return certainty.with_certainty(q, parsed, result, _segment_only)


def segment(q: Questionnaire, answers: Mapping[str, RawAnswer]) -> Segment | None:
    """The provisional segment alone, as `assess` gives it, without the work of explaining it
    (drivers, how sure): what storing a record needs."""
    return _segment_only(q, effective_answers(q, parse_answers(q, answers)))


def segment_of_asked(q: Questionnaire, answers: Mapping[str, RawAnswer]) -> Segment | None:
    """As `segment`, for answers already limited to the items this person was asked
    (`effective_answers`): the skip logic is not worked out a second time."""
    return _segment_only(q, parse_answers(q, answers))


def acute_flags(q: Questionnaire, answers: Mapping[str, RawAnswer]) -> tuple[str, ...]:
    """The acute flags the answers raise, as `assess` gives them (what the crisis panel needs)."""
    return _acute_flags(q, effective_answers(q, parse_answers(q, answers)))


def _segment_only(q: Questionnaire, parsed: Mapping[str, Answer]) -> Segment | None:
    if q.scoring.model == "rules":
        risk, capability = _rules_sides(q, parsed, explain=False).states
        return _segment_of(risk.needs_more, capability.needs_more)
    return _assess_average(q, parsed).segment


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


class _Decision(NamedTuple):
    """Version 2's decision; the segment follows from the two axes' states alone."""

    flags: tuple[str, ...]
    instruments: tuple[InstrumentScore, ...]
    fired: tuple[FiredRule, ...]
    overrides: tuple[str, ...]
    states: tuple[AxisState, AxisState]


def _rules_sides(
    q: Questionnaire, parsed: Mapping[str, Answer], explain: bool = True
) -> _Decision:
    """Decide both sides; `explain=False` leaves out each rule's evidence (a segment alone)."""
    flags = _acute_flags(q, parsed)
    instruments = tuple(score_instrument(q, inst, parsed) for inst in q.instruments)
    scores = {
        s.instrument_id: scoring_rules.Score(s.score, s.cutoff) for s in instruments
    }
    fired = scoring_rules.fired_rules(q, parsed, scores, with_evidence=explain)
    overrides = tuple(f"{f.side}:{f.rule_id}" for f in fired if f.decisive)
    if flags and q.scoring.acute_means_higher_risk:
        overrides = ("higher_risk:acute_flag", *overrides)
    sides = {rule.split(":", 1)[0] for rule in overrides}
    states: list[AxisState] = []
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
    return _Decision(flags, instruments, fired, overrides, (states[0], states[1]))


def _assess_rules(q: Questionnaire, parsed: Mapping[str, Answer]) -> Result:
    """Version 2: decisive rules decide a side on their own; the other rules add up points."""
    flags, instruments, fired, overrides, states = _rules_sides(q, parsed)
    drivers: dict[AxisName, tuple[Driver, ...]] = {
        state.axis: _rule_drivers(q, fired, state.axis, state.line) for state in states
    }
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
        axis_states=states,
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
