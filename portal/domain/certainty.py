"""How sure a result is: the single answers one step away that would change the segment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import cast

from portal.domain.questionnaire import Answer, Item, Questionnaire, effective_answers
from portal.domain.result import Flip, Result, Segment


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


def with_certainty(
    q: Questionnaire,
    parsed: Mapping[str, Answer],
    result: Result,
    segment_of: Callable[[Questionnaire, Mapping[str, Answer]], Segment | None],
) -> Result:
    """Which single answers, one step different, would change the segment; and few answers."""
    flips: list[Flip] = []
    for item in q.items:
        answer = parsed.get(item.id)
        if answer is None:
            continue
        for instead in _neighbours(item, answer):
            changed = dict(parsed)
            changed[item.id] = instead[0] if isinstance(answer, str) else instead
            other = segment_of(q, effective_answers(q, changed))
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
