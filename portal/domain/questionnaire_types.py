"""The shape of a questionnaire: plain frozen dataclasses, built by questionnaire.load()."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar, cast

T = TypeVar("T")

LANGUAGES = ("fi", "sv", "en")
Localized = Mapping[str, str]  # {"fi": ..., "sv": ..., "en": ...}
ItemKind = Literal["single", "multiple", "number"]
AxisName = Literal["risk", "capability"]
AXES: tuple[AxisName, ...] = ("risk", "capability")
SEGMENT_IDS = ("self_care", "supported", "collaborative", "intensive")
SIDE_RULES = ("higher_risk", "lower_capability")  # what an option's `sets` may say
SIDE_AXIS: Mapping[str, AxisName] = {"higher_risk": "risk", "lower_capability": "capability"}
ScoringModel = Literal["average", "rules"]


class QuestionnaireError(ValueError):
    """A questionnaire file is wrong; each problem names the file, the item and what is wrong."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("\n".join(self.problems))


class InvalidAnswer(ValueError):
    """One answer does not fit its item; reason is a short stable code the web layer translates.

    Reason codes: unknown_item, unknown_option, wrong_type, too_many_choices, exclusive_choice,
    not_a_number, out_of_range.
    """

    def __init__(self, item_id: str, reason: str, detail: str = "") -> None:
        self.item_id = item_id
        self.reason = reason
        self.detail = detail
        message = f"item {item_id!r}: {reason}"
        super().__init__(f"{message} ({detail})" if detail else message)


@dataclass(frozen=True)
class Option:
    value: str
    text: Localized
    risk: float = 0.0  # level on the risk axis, 0..1 (multiplied by the item's weight)
    capability: float = 0.0  # level on the capability axis, 0..1, 1 = copes well
    score: int | None = None  # the instrument's own item score, per its manual
    acute: str | None = None  # id of the acute flag this answer raises
    sets: tuple[str, ...] = ()  # SIDE_RULES this answer decides on its own
    exclusive: bool = False  # a multiple-choice option that cannot go with others ("none")

    def level(self, axis: AxisName) -> float:
        return self.risk if axis == "risk" else self.capability


@dataclass(frozen=True)
class Band:
    """For number items: values up to and including `upto` get these levels."""

    upto: int
    risk: float = 0.0
    capability: float = 0.0
    acute: str | None = None

    def level(self, axis: AxisName) -> float:
        return self.risk if axis == "risk" else self.capability


@dataclass(frozen=True)
class Condition:
    """One test on the answers: an item's answer is one of `any_of` (or all within `only_of`),
    or an instrument's score.

    Instrument tests: `at_least` n, `below` n, and `from_cutoff` (at or above the cut-off the
    instrument chooses for this person). A skipped item never satisfies a condition.
    """

    item: str | None = None
    any_of: tuple[str, ...] = ()
    only_of: tuple[str, ...] = ()  # holds when every chosen value is one of these
    instrument: str | None = None
    at_least: int | None = None
    below: int | None = None
    from_cutoff: bool = False


@dataclass(frozen=True)
class Rule:
    """A scoring rule: when all conditions hold, a side is decided (decisive) or points added."""

    id: str
    side: str  # one of SIDE_RULES
    when: tuple[Condition, ...]
    title: Localized  # short, shown to the professional
    rationale: str  # one line: why a professional would agree
    source: str
    points: float | None = None  # None: decisive ("any one of" decides the side)
    verified: bool = True
    note: str = ""

    @property
    def decisive(self) -> bool:
        return self.points is None

    @property
    def axis(self) -> AxisName:
        return SIDE_AXIS[self.side]


@dataclass(frozen=True)
class Note:
    """A line for the result page and the summary when its conditions hold (children, safety)."""

    id: str
    when: tuple[Condition, ...]
    client: Localized
    professional: Localized


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    text: Localized
    help: Localized | None
    options: tuple[Option, ...]
    section: str
    max_choices: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    unit: Localized | None = None
    weight: float = 1.0
    instrument: str | None = None
    role: str | None = None  # "topics": the person's own priorities
    bands: tuple[Band, ...] = ()
    # Skip logic: not asked when any `skip_if` holds; when `only_if` is given, asked only
    # when one of them holds. Conditions refer to earlier items only.
    skip_if: tuple[Condition, ...] = ()
    only_if: tuple[Condition, ...] = ()
    # Indexes made once from `options` (scoring looks options up on every answer).
    _by_value: dict[str, Option] = field(init=False, compare=False, repr=False)
    _values: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_value: dict[str, Option] = {}
        for option in self.options:
            by_value.setdefault(option.value, option)
        object.__setattr__(self, "_by_value", by_value)
        object.__setattr__(self, "_values", tuple(option.value for option in self.options))

    def option(self, value: str) -> Option:
        return self._by_value[value]

    @property
    def option_values(self) -> tuple[str, ...]:
        return self._values

    def axis_maximum(self, axis: AxisName) -> float:
        """The most this item can add to an axis (0 when the item is not on that axis)."""
        levels = [o.level(axis) for o in self.options] + [b.level(axis) for b in self.bands]
        return self.weight * max(levels, default=0.0)

    def band_for(self, number: int) -> Band | None:
        for band in self.bands:
            if number <= band.upto:
                return band
        return self.bands[-1] if self.bands else None


@dataclass(frozen=True)
class Section:
    id: str
    title: Localized


@dataclass(frozen=True)
class Instrument:
    id: str
    items: tuple[str, ...]
    maximum: int
    cutoff: int | None
    title: Localized
    interpretation: Mapping[str, Localized]  # "above", "below", "incomplete"
    citation: str
    licence: str
    licence_status: str
    licence_source: str
    wording_status: str = ""
    cutoff_item: str | None = None  # an item whose answer chooses the cut-off
    cutoff_values: Mapping[str, int] = field(default_factory=dict)
    gate_item: str | None = None  # when this item has a gate value, the others score 0
    gate_values: tuple[str, ...] = ()
    # Further (item, values) choosers tried BEFORE cutoff_item, first answered match wins
    # (v2: the age band 65 or over chooses 4 before the women/men limit is looked at).
    cutoff_first: tuple[tuple[str, Mapping[str, int]], ...] = ()


@dataclass(frozen=True)
class SegmentText:
    name: Localized
    meaning: Localized  # to the client, in plain words
    help: Localized  # to the client: what kinds of help fit
    services: Localized | None = None  # to the professional: what it means for services


@dataclass(frozen=True)
class AcuteFlag:
    id: str
    title: Localized
    text: Localized
    contacts: tuple[str, ...]


@dataclass(frozen=True)
class AxisText:
    title: Localized
    low: Localized
    high: Localized


@dataclass(frozen=True)
class ScoringRules:
    minimum_answered: int
    risk_threshold: float
    capability_threshold: float
    acute_means_higher_risk: bool
    drivers_per_axis: int
    model: ScoringModel = "average"
    # The rules model: lines in points, the rules, and when few answers make a result unsure.
    risk_line: float = 0.0
    capability_line: float = 0.0
    decisive: tuple[Rule, ...] = ()
    cumulative: tuple[Rule, ...] = ()
    few_answers: int = 0  # an axis decided by fewer answers than this is "near the line"
    near_points: float = 0.0  # an axis this close below its line (in points) is "near the line"

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.decisive + self.cumulative


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: Localized
    items: tuple[Item, ...]
    sections: tuple[Section, ...]
    instruments: tuple[Instrument, ...]
    segment_texts: Mapping[str, SegmentText]
    no_segment: SegmentText
    acute_flags: Mapping[str, AcuteFlag]
    axes: Mapping[str, AxisText]
    scoring: ScoringRules
    notices: Mapping[str, Localized] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    source: str = ""
    # What is worked out once from the fields above (scoring asks for it on every answer); not
    # part of the questionnaire's identity, and `dataclasses.replace` starts it afresh.
    _worked_out: dict[str, object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _by_id: dict[str, Item] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Item] = {}
        for item in self.items:
            by_id.setdefault(item.id, item)  # the first, as a search in order would find
        object.__setattr__(self, "_by_id", by_id)

    def worked_out(self, key: str, work: Callable[[], T]) -> T:
        """`work()` the first time `key` is asked for, the same value after that."""
        if key not in self._worked_out:
            self._worked_out[key] = work()
        return cast(T, self._worked_out[key])

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._by_id

    def items_in(self, section_id: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section_id)

    def instrument(self, instrument_id: str) -> Instrument:
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)

    def segment_text(self, segment: str | None) -> SegmentText:
        """Name, meaning and fitting help for a segment value; None gives the no-segment text."""
        return self.no_segment if segment is None else self.segment_texts[str(segment)]

    def texts(self) -> Iterator[tuple[str, Localized]]:
        """Every localized text in the questionnaire, with where it is (for language checks)."""
        yield "title", self.title
        for key, text in self.notices.items():
            yield f"notices.{key}", text
        for axis, axis_text in self.axes.items():
            yield f"axes.{axis}.title", axis_text.title
            yield f"axes.{axis}.low", axis_text.low
            yield f"axes.{axis}.high", axis_text.high
        for key, seg in [*self.segment_texts.items(), ("no_segment", self.no_segment)]:
            yield f"segments.{key}.name", seg.name
            yield f"segments.{key}.meaning", seg.meaning
            yield f"segments.{key}.help", seg.help
            if seg.services is not None:
                yield f"segments.{key}.services", seg.services
        for flag in self.acute_flags.values():
            yield f"acute_flags.{flag.id}.title", flag.title
            yield f"acute_flags.{flag.id}.text", flag.text
        for section in self.sections:
            yield f"sections.{section.id}.title", section.title
        for instrument in self.instruments:
            yield f"instruments.{instrument.id}.title", instrument.title
            for key, text in instrument.interpretation.items():
                yield f"instruments.{instrument.id}.interpretation.{key}", text
        for rule in self.scoring.rules:
            yield f"scoring.rules.{rule.id}.title", rule.title
        for note in self.notes:
            yield f"notes.{note.id}.client", note.client
            yield f"notes.{note.id}.professional", note.professional
        for item in self.items:
            yield f"items.{item.id}.text", item.text
            if item.help is not None:
                yield f"items.{item.id}.help", item.help
            if item.unit is not None:
                yield f"items.{item.id}.unit", item.unit
            for option in item.options:
                yield f"items.{item.id}.options.{option.value}", option.text
