"""Turn answers into a provisional segment: instrument scores, the two axes, drivers, flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from portal.domain.questionnaire import (
    AXES,
    Answer,
    AxisName,
    Instrument,
    InvalidAnswer,
    Item,
    Questionnaire,
    RawAnswer,
    parse_answer,
)


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
    """Score one person's answers. A skipped item is simply absent (or None)."""
    parsed = parse_answers(q, answers)
    flags = _acute_flags(q, parsed)
    axes: dict[AxisName, tuple[float | None, tuple[Driver, ...], int]] = {
        axis: _axis(q, parsed, axis) for axis in AXES
    }
    risk, risk_drivers, risk_n = axes["risk"]
    capability, capability_drivers, capability_n = axes["capability"]
    overrides = _overrides(q, parsed, flags)
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
    q: Questionnaire, parsed: Mapping[str, Answer], axis: AxisName
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
        for pull, _, item_id, value in pulls[: q.scoring.drivers_per_axis]
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
    if inst.cutoff_item is not None:
        chosen = parsed.get(inst.cutoff_item)
        if isinstance(chosen, str) and chosen in inst.cutoff_values:
            cutoff = inst.cutoff_values[chosen]
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
