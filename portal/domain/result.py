"""What scoring gives: the segment, the two axes against their lines, drivers, certainty."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from portal.domain.questionnaire import AxisName
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
