"""Turn a Result and answers into the texts one reader sees, in that reader's language.

The client's result page and the professional's summary use the same view, so the two can never
tell a different story; only the layout around it differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import segno
from flask import url_for
from markupsafe import Markup, escape

from portal.domain.questionnaire import Item, Questionnaire, asked_items
from portal.domain.scoring import Driver, Result
from portal.web.crisis_view import ContactView, contacts_for_flags


@dataclass(frozen=True)
class FlagView:
    id: str
    title: str
    text: str
    contacts: tuple[ContactView, ...]


@dataclass(frozen=True)
class DriverView:
    question: str
    answer: str


@dataclass(frozen=True)
class InstrumentView:
    id: str
    title: str
    score: int
    maximum: int
    cutoff: int | None
    interpretation: str  # the questionnaire's plain words, to the client
    status: str  # "above" | "below" | "incomplete": the professional's terse reading
    complete: bool


@dataclass(frozen=True)
class AnswerRow:
    item_id: str
    number: int
    question: str
    answer: str | None  # None: skipped


@dataclass(frozen=True)
class CountedView:
    """One answer that counted towards "needs more", with what it counted for."""

    axis_title: str
    question: str
    answer: str
    why: str  # the rule's title (rules model) or "" (version 1)
    decisive: bool
    points: float | None


@dataclass(frozen=True)
class AxisLineView:
    title: str
    value: float | None
    line: float
    distance: float | None
    points: bool  # True: points (rules model); False: a 0..1 level (version 1)
    needs_more: bool | None
    by_rule: bool
    answered: int
    side: str  # the axis's own words for the side: "More risks", "Copes well in everyday life"


@dataclass(frozen=True)
class FlipView:
    question: str
    answer: str
    instead: str
    segment: str  # the segment name it would give


@dataclass(frozen=True)
class ScoringView:
    """How the result was reached, for the professional (and the near-the-line words)."""

    version: str
    rules_model: bool
    decisive: tuple[str, ...]  # titles of the decisive rules that fired
    axes: tuple[AxisLineView, ...]
    counted: tuple[CountedView, ...]
    near_line: bool
    flips: tuple[FlipView, ...]
    few_answers: tuple[str, ...]  # axis titles
    close_axes: tuple[str, ...]  # axis titles
    notes_client: tuple[str, ...]
    notes_professional: tuple[str, ...]


@dataclass(frozen=True)
class ResultView:
    segment: str | None
    name: str
    meaning: str
    help: str
    services: str  # for professionals: what the segment means for services
    not_a_diagnosis: str
    risk: float | None
    capability: float | None
    risk_title: str
    capability_title: str
    risk_low: str
    risk_high: str
    capability_low: str
    capability_high: str
    marker: tuple[float, float] | None  # (x, y) in the 2×2 picture, 0..1, y up = more risk
    segment_names: Mapping[str, str]
    segment_lines: Mapping[str, tuple[str, ...]]  # the names broken to fit a field of the picture
    risk_drivers: tuple[DriverView, ...]
    capability_drivers: tuple[DriverView, ...]
    instruments: tuple[InstrumentView, ...]
    flags: tuple[FlagView, ...]
    topics: tuple[str, ...]
    scoring: ScoringView | None = None

    @property
    def near_line(self) -> bool:
        return self.scoring is not None and self.scoring.near_line


def two_lines(name: str, width: int = 16) -> tuple[str, ...]:
    """A long name split at the space nearest its middle (Finnish compounds stay whole)."""
    if len(name) <= width or " " not in name:
        return (name,)
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut], name[cut + 1 :]


def answer_text(item: Item, answer: Any, lang: str) -> str:
    if item.kind == "number":
        unit = f" {item.unit[lang]}" if item.unit else ""
        return f"{answer}{unit}"
    values = [answer] if isinstance(answer, str) else list(answer)
    return ", ".join(item.option(v).text[lang] for v in values)


def present_answers(
    q: Questionnaire,
    answers: Mapping[str, Any],
    lang: str,
    asked: tuple[Item, ...] | None = None,
) -> list[AnswerRow]:
    """One row per question the person was asked (the file's skip logic), numbered in order."""
    if asked is None:
        parsed = {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}
        asked = asked_items(q, parsed)
    rows = []
    for number, item in enumerate(asked, start=1):
        answer = answers.get(item.id)
        text = None if answer in (None, [], "") else answer_text(item, answer, lang)
        rows.append(AnswerRow(item.id, number, item.text[lang], text))
    return rows


def _driver(q: Questionnaire, driver: Driver, lang: str) -> DriverView:
    item = q.item(driver.item_id)
    try:
        answer = item.option(driver.value).text[lang]
    except KeyError:  # a number item: the value is the number itself
        answer = answer_text(item, driver.value, lang)
    return DriverView(item.text[lang], answer)


def _place(value: float, threshold: float, upper: bool) -> float:
    """Where a value sits in the picture: each half of an axis is one side of its threshold."""
    if value < threshold:
        position = 0.5 * value / threshold
    else:
        position = 0.5 + 0.5 * (value - threshold) / (1 - threshold)
    # The segment decides the quadrant (an acute flag can lift a person to the higher-risk row);
    # the dot stays a little inside the picture so it is never cut at an edge.
    return min(max(position, 0.57), 0.94) if upper else max(min(position, 0.43), 0.06)


def _marker(q: Questionnaire, result: Result) -> tuple[float, float] | None:
    if result.segment is None or result.risk is None or result.capability is None:
        return None
    higher_risk = result.segment in ("collaborative", "intensive")
    higher_capability = result.segment in ("self_care", "collaborative")
    x = _place(result.capability, q.scoring.capability_threshold, higher_capability)
    y = _place(result.risk, q.scoring.risk_threshold, higher_risk)
    return round(x, 3), round(y, 3)


def _flag(q: Questionnaire, flag_id: str, lang: str, last: bool) -> FlagView:
    flag = q.acute_flags[flag_id]
    # The contacts shown with every flag (the social emergency service) come once, at the end.
    contacts = contacts_for_flags([tuple(flag.contacts)], lang, with_every_flag=last)
    return FlagView(flag_id, flag.title[lang], flag.text[lang], contacts)


def present_result(q: Questionnaire, result: Result, lang: str) -> ResultView:
    segment = None if result.segment is None else str(result.segment)
    text = q.segment_text(segment)
    interpretation = {True: "above", False: "below", None: "incomplete"}
    topics_item = next((item for item in q.items if item.role == "topics"), None)
    return ResultView(
        segment=segment,
        name=text.name[lang],
        meaning=text.meaning[lang],
        help=text.help[lang],
        services=text.services[lang] if text.services else text.meaning[lang],
        not_a_diagnosis=q.notices["not_a_diagnosis"][lang],
        risk=result.risk,
        capability=result.capability,
        risk_title=q.axes["risk"].title[lang],
        capability_title=q.axes["capability"].title[lang],
        risk_low=q.axes["risk"].low[lang],
        risk_high=q.axes["risk"].high[lang],
        capability_low=q.axes["capability"].low[lang],
        capability_high=q.axes["capability"].high[lang],
        marker=_marker(q, result),
        segment_names={key: seg.name[lang] for key, seg in q.segment_texts.items()},
        segment_lines={key: two_lines(seg.name[lang]) for key, seg in q.segment_texts.items()},
        risk_drivers=tuple(_driver(q, d, lang) for d in result.risk_drivers),
        capability_drivers=tuple(_driver(q, d, lang) for d in result.capability_drivers),
        instruments=tuple(
            InstrumentView(
                id=score.instrument_id,
                title=q.instrument(score.instrument_id).title[lang],
                score=score.score,
                maximum=score.maximum,
                cutoff=score.cutoff,
                interpretation=q.instrument(score.instrument_id)
                .interpretation[interpretation[score.above_cutoff]][lang],
                status=interpretation[score.above_cutoff],
                complete=score.complete,
            )
            for score in result.instruments
        ),
        flags=tuple(
            _flag(q, flag_id, lang, last=flag_id == result.acute_flags[-1])
            for flag_id in result.acute_flags
        ),
        topics=tuple(topics_item.option(t).text[lang] for t in result.topics)
        if topics_item
        else (),
        scoring=present_scoring(q, result, lang),
    )


def _values_text(item: Item, values: tuple[str, ...], lang: str) -> str:
    return answer_text(item, values[0] if item.kind == "single" else list(values), lang)


def _side_words(q: Questionnaire, axis: str, needs_more: bool | None, lang: str) -> str:
    if needs_more is None:
        return ""
    text = q.axes[axis]
    more = text.high if axis == "risk" else text.low
    less = text.low if axis == "risk" else text.high
    return (more if needs_more else less)[lang]


def present_scoring(q: Questionnaire, result: Result, lang: str) -> ScoringView:
    """Rules fired, axis values and distances, answers that counted, what would flip it."""
    rules = {rule.id: rule for rule in q.scoring.rules}
    titles = {axis: q.axes[axis].title[lang] for axis in ("risk", "capability")}
    counted: list[CountedView] = []
    if result.fired:
        for fired in result.fired:
            rule = rules[fired.rule_id]
            for item_id, value in fired.evidence:
                item = q.item(item_id)
                counted.append(
                    CountedView(
                        titles[rule.axis],
                        item.text[lang],
                        item.option(value).text[lang],
                        rule.title[lang],
                        rule.decisive,
                        rule.points,
                    )
                )
    else:
        for driver in result.counted:
            view = _driver(q, driver, lang)
            counted.append(
                CountedView(titles[driver.axis], view.question, view.answer, "", False, None)
            )
    segment_names = {key: seg.name[lang] for key, seg in q.segment_texts.items()}
    flips = tuple(
        FlipView(
            q.item(flip.item_id).text[lang],
            _values_text(q.item(flip.item_id), flip.answer, lang),
            _values_text(q.item(flip.item_id), flip.instead, lang),
            segment_names.get(str(flip.segment), q.no_segment.name[lang]),
        )
        for flip in result.flips
    )
    notes = {note.id: note for note in q.notes}
    return ScoringView(
        version=q.version,
        rules_model=q.scoring.model == "rules",
        decisive=tuple(rules[f.rule_id].title[lang] for f in result.fired if f.decisive),
        axes=tuple(
            AxisLineView(
                titles[state.axis],
                state.value,
                state.line,
                state.distance,
                state.scale == "points",
                state.needs_more,
                state.by_rule,
                state.answered,
                _side_words(q, state.axis, state.needs_more, lang),
            )
            for state in result.axis_states
        ),
        counted=tuple(counted),
        near_line=result.near_line,
        flips=flips,
        few_answers=tuple(titles[a] for a in result.few_answers if a in titles),
        close_axes=tuple(titles[a] for a in result.close_axes if a in titles),
        notes_client=tuple(notes[n].client[lang] for n in result.notes),
        notes_professional=tuple(notes[n].professional[lang] for n in result.notes),
    )


def qr_svg(text: str, label: str) -> Markup:
    """The code as an inline SVG QR code: made here, no image request, no other host.

    The QR holds only the code text, so a handheld scanner types it into the redeem form.
    """
    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own output, from a code we generated


def change_url(item_id: str) -> str:
    return url_for("client.question", item_id=item_id, change=1)
