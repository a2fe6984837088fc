"""Load and validate questionnaire files, and check one answer against its item."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

from portal.domain import questionnaire_file
from portal.domain.questionnaire_types import (
    AXES,
    LANGUAGES,
    SEGMENT_IDS,
    AcuteFlag,
    AxisName,
    AxisText,
    Band,
    Condition,
    Instrument,
    InvalidAnswer,
    Item,
    ItemKind,
    Localized,
    Option,
    Questionnaire,
    QuestionnaireError,
    ScoringRules,
    Section,
    SegmentText,
)

__all__ = [
    "AXES",
    "LANGUAGES",
    "SEGMENT_IDS",
    "AcuteFlag",
    "Answer",
    "AxisName",
    "AxisText",
    "Band",
    "Condition",
    "Instrument",
    "InvalidAnswer",
    "Item",
    "ItemKind",
    "Localized",
    "Option",
    "Questionnaire",
    "QuestionnaireError",
    "RawAnswer",
    "ScoringRules",
    "Section",
    "SegmentText",
    "asked_items",
    "default_path",
    "effective_answers",
    "installed",
    "load",
    "load_default",
    "load_version",
    "parse_answer",
]

RawAnswer = str | Sequence[str] | int | None
Answer = str | tuple[str, ...] | int | None

QUESTIONNAIRES_DIR = Path(__file__).resolve().parent.parent / "questionnaires"


# New visits answer DEFAULT_FILE; every installed file stays loadable for its stored records.
DEFAULT_FILE = "selfassessment-v2.yaml"


def default_path() -> Path:
    return QUESTIONNAIRES_DIR / DEFAULT_FILE


def installed() -> tuple[Path, ...]:
    """Every packaged questionnaire version (selfassessment-v1.yaml, -v2.yaml, ...)."""
    return tuple(sorted(QUESTIONNAIRES_DIR.glob("selfassessment-v*.yaml")))


@functools.cache
def load_version(questionnaire_id: str, version: str) -> Questionnaire:
    """The packaged questionnaire with this id and version; LookupError when not installed."""
    for path in installed():
        if path.stem == f"{questionnaire_id}-v{version}":
            q = load(path)
            if (q.id, q.version) == (questionnaire_id, version):
                return q
    raise LookupError(f"questionnaire {questionnaire_id} v{version} is not installed")


def load(path: Path) -> Questionnaire:
    """Read and validate a questionnaire file; QuestionnaireError lists every problem found."""
    questionnaire, problems = questionnaire_file.read(Path(path))
    if questionnaire is not None:
        problems += _cross_check(questionnaire)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems or [f"{path}: empty file"])
    return questionnaire


@functools.cache
def load_default() -> Questionnaire:
    """The packaged questionnaire, read once per process."""
    return load(default_path())


def _cross_check(q: Questionnaire) -> list[str]:
    """Problems that need the whole file: references between items, sections and instruments."""
    problems: list[str] = []

    def fail(where: str, problem: str) -> None:
        problems.append(f"{q.source}: {where}: {problem}")

    if not 1 <= len(q.items) <= 60:
        fail("items", f"there are {len(q.items)} items; expected 1 to 60")
    section_ids = [s.id for s in q.sections]
    if len(set(section_ids)) != len(section_ids):
        fail("sections", "two sections have the same id")
    item_ids = [i.id for i in q.items]
    for dup in sorted({i for i in item_ids if item_ids.count(i) > 1}):
        fail(f"item {dup!r}", "the id is used by more than one item")
    instrument_ids = {inst.id for inst in q.instruments}
    for item in q.items:
        where = f"item {item.id!r}"
        if item.section not in section_ids:
            fail(where, f"section {item.section!r} is not one of the sections")
        if item.instrument is not None:
            if item.instrument not in instrument_ids:
                fail(where, f"instrument {item.instrument!r} is not defined")
            for option in item.options:
                if option.score is None:
                    fail(where, f"option {option.value!r} needs a score for {item.instrument}")
        for flag in [o.acute for o in item.options] + [b.acute for b in item.bands]:
            if flag is not None and flag not in q.acute_flags:
                fail(where, f"acute flag {flag!r} is not defined under acute_flags")
    for section in section_ids:
        if not q.items_in(section):
            fail(f"section {section!r}", "has no items")
    for inst in q.instruments:
        problems += _check_instrument(q, inst)
    for axis in AXES:
        if not any(item.axis_maximum(axis) > 0 for item in q.items):
            fail(f"axis {axis!r}", "no item moves this axis")
    if sum(1 for item in q.items if item.role == "topics") > 1:
        fail("items", "only one item can have role: topics")
    for index, item in enumerate(q.items):
        earlier = {i.id for i in q.items[:index]}
        for cond in item.skip_if + item.only_if:
            problems += _check_condition(q, cond, f"item {item.id!r}: skip logic", earlier)
        for option in item.options:
            if option.exclusive and item.kind != "multiple":
                fail(f"item {item.id!r}", "exclusive is only for multiple-choice options")
    everything = {i.id for i in q.items}
    rule_ids = [rule.id for rule in q.scoring.rules]
    for dup in sorted({r for r in rule_ids if rule_ids.count(r) > 1}):
        fail(f"scoring rule {dup!r}", "the id is used by more than one rule")
    for rule in q.scoring.rules:
        for cond in rule.when:
            problems += _check_condition(q, cond, f"scoring rule {rule.id!r}", everything)
    for note in q.notes:
        for cond in note.when:
            problems += _check_condition(q, cond, f"note {note.id!r}", everything)
    return problems


def _check_condition(q: Questionnaire, cond: Condition, where: str, allowed: set[str]) -> list[str]:
    """A condition names an item (before the one it steers) and its real options, or an instrument."""
    place = f"{q.source}: {where}"
    if cond.instrument is not None:
        if cond.instrument not in {inst.id for inst in q.instruments}:
            return [f"{place}: instrument {cond.instrument!r} is not defined"]
        return []
    if cond.item is None or cond.item not in allowed:
        return [f"{place}: item {cond.item!r} does not exist (or does not come before)"]
    unknown = [v for v in cond.any_of + cond.only_of if v not in q.item(cond.item).option_values]
    return [f"{place}: {', '.join(unknown)} are not options of item {cond.item!r}"] if unknown else []


def _chosen(answer: Answer) -> tuple[str, ...]:
    if isinstance(answer, str):
        return (answer,)
    if isinstance(answer, tuple):
        return answer
    return ()


def item_holds(cond: Condition, answers: Mapping[str, Answer]) -> bool:
    """An item condition on parsed answers (an instrument condition is scoring's business)."""
    if cond.item is None:
        return False
    chosen = _chosen(answers.get(cond.item))
    if cond.only_of:
        return bool(chosen) and all(value in cond.only_of for value in chosen)
    return any(value in cond.any_of for value in chosen)


def asked_items(q: Questionnaire, answers: Mapping[str, Answer]) -> tuple[Item, ...]:
    """The items this person is asked, given their answers so far (the file's skip logic).

    An item whose controlling item was itself not asked sees that answer as absent, so a
    changed earlier answer hides what depended on it.
    """
    asked: list[Item] = []
    seen: dict[str, Answer] = {}
    for item in q.items:
        skipped = any(item_holds(c, seen) for c in item.skip_if)
        if item.only_if and not any(item_holds(c, seen) for c in item.only_if):
            skipped = True
        if skipped:
            continue
        asked.append(item)
        if item.id in answers:
            seen[item.id] = answers[item.id]
    return tuple(asked)


def effective_answers(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers to asked items only: what the skip logic hides is not scored or stored."""
    return {item.id: answers[item.id] for item in asked_items(q, answers) if item.id in answers}


def _check_instrument(q: Questionnaire, inst: Instrument) -> list[str]:
    where = f"{q.source}: instrument {inst.id!r}"
    problems: list[str] = []
    items = [q.item(i) for i in inst.items if q.has_item(i)]
    problems += [f"{where}: item {i!r} does not exist" for i in inst.items if not q.has_item(i)]
    problems += [
        f"{where}: item {item.id!r} belongs to instrument {item.instrument!r}"
        for item in items
        if item.instrument != inst.id
    ]
    top = sum(max((o.score or 0) for o in item.options) for item in items if item.options)
    if items and top != inst.maximum:
        problems.append(f"{where}: maximum is {inst.maximum} but the item scores add up to {top}")
    if inst.cutoff is not None and not 0 <= inst.cutoff <= inst.maximum:
        problems.append(f"{where}: cutoff {inst.cutoff} is outside 0..{inst.maximum}")
    for ref, values in ((inst.cutoff_item, inst.cutoff_values), (inst.gate_item, inst.gate_values)):
        if ref is None:
            continue
        if not q.has_item(ref):
            problems.append(f"{where}: item {ref!r} does not exist")
            continue
        unknown = [v for v in values if v not in q.item(ref).option_values]
        if unknown:
            problems.append(f"{where}: {', '.join(unknown)} are not options of item {ref!r}")
    if inst.gate_item is not None and inst.gate_item not in inst.items:
        problems.append(f"{where}: the gate item must be one of the instrument's items")
    return problems


def parse_answer(item: Item, raw: RawAnswer) -> Answer:
    """Check one raw answer; None (or empty) means skipped. Raises InvalidAnswer."""
    if raw is None or raw == "" or (isinstance(raw, list | tuple) and not raw):
        return None
    if item.kind == "single":
        if not isinstance(raw, str):
            raise InvalidAnswer(item.id, "wrong_type", "expected one option value")
        if raw not in item.option_values:
            raise InvalidAnswer(item.id, "unknown_option", _expected(item, raw))
        return raw
    if item.kind == "multiple":
        chosen = [raw] if isinstance(raw, str) else raw
        if isinstance(chosen, int) or not all(isinstance(v, str) for v in chosen):
            raise InvalidAnswer(item.id, "wrong_type", "expected a list of option values")
        for value in chosen:
            if value not in item.option_values:
                raise InvalidAnswer(item.id, "unknown_option", _expected(item, value))
        # Option order, not the order of clicks, so the same choices always read the same.
        ordered = tuple(v for v in item.option_values if v in chosen)
        if item.max_choices is not None and len(ordered) > item.max_choices:
            raise InvalidAnswer(item.id, "too_many_choices", f"at most {item.max_choices}")
        alone = [v for v in ordered if item.option(v).exclusive]
        if alone and len(ordered) > 1:
            raise InvalidAnswer(item.id, "exclusive_choice", f"{alone[0]!r} goes alone")
        return ordered
    return _parse_number(item, raw)


def _parse_number(item: Item, raw: RawAnswer) -> int:
    if isinstance(raw, bool):
        raise InvalidAnswer(item.id, "not_a_number", repr(raw))
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdecimal() and raw.strip().isascii():
        number = int(raw.strip())
    else:
        raise InvalidAnswer(item.id, "not_a_number", repr(raw))
    low = item.minimum if item.minimum is not None else number
    high = item.maximum if item.maximum is not None else number
    if not low <= number <= high:
        raise InvalidAnswer(item.id, "out_of_range", f"{number} is outside {low}..{high}")
    return number


def _expected(item: Item, value: str) -> str:
    return f"{value!r} is not one of: {', '.join(item.option_values)}"
