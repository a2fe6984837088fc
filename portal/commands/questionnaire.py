"""`portal questionnaire check|show` and `portal assess`: the questionnaire without the web."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from portal.domain import wording
from portal.domain.questionnaire import (
    LANGUAGES,
    Condition,
    InvalidAnswer,
    Item,
    Questionnaire,
    QuestionnaireError,
    default_path,
    load,
)
from portal.domain.scoring import Result, assess

_LANG = click.Choice(LANGUAGES)
_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("questionnaire")
def questionnaire_group() -> None:
    """Check and show questionnaire files."""


@questionnaire_group.command("check")
@click.argument("file", required=False, type=_FILE)
def check_command(file: Path | None) -> None:
    """Validate FILE (default: the packaged questionnaire). Exit 1 with the reasons."""
    path = file or default_path()
    try:
        q = load(path)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    problems = wording.forbidden_in(path, q.texts())
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(1)
    click.echo(f"{path}: OK ({q.id} version {q.version}, {len(q.items)} items)")


@questionnaire_group.command("show")
@click.option("--lang", "lang", type=_LANG, default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--file", "file", type=_FILE, help="A questionnaire file (default: packaged).")
def show_command(lang: str, as_json: bool, file: Path | None) -> None:
    """Print the items, their ids, options and scores."""
    q = _load_or_exit(file)
    if as_json:
        click.echo(json.dumps(questionnaire_dict(q, lang), ensure_ascii=False, indent=2))
        return
    click.echo(f"{q.title[lang]} ({q.id} version {q.version}, {len(q.items)} items)")
    weighted = q.scoring.model == "average"  # in the rules model levels only order options
    for section in q.sections:
        click.echo(f"\n## {section.title[lang]} [{section.id}]")
        for item in q.items_in(section.id):
            extra = f", weight {item.weight:g}" if weighted and _on_an_axis(item) else ""
            extra += f", {item.instrument}" if item.instrument else ""
            extra += "".join(f", not asked when {_said(c)}" for c in item.skip_if)
            extra += "".join(f", asked only when {_said(c)}" for c in item.only_if)
            click.echo(f"\n{item.id} ({item.kind}{extra})\n  {item.text[lang]}")
            for option in item.options:
                scores = [
                    f"{name} {value:g}"
                    for name, value in (("risk", option.risk), ("capability", option.capability))
                    if value and weighted
                ]
                if option.score is not None:
                    scores.append(f"score {option.score}")
                if option.acute:
                    scores.append(f"ACUTE {option.acute}")
                tail = f"  [{', '.join(scores)}]" if scores else ""
                click.echo(f"  - {option.value}: {option.text[lang]}{tail}")
    if q.scoring.rules:
        click.echo(
            f"\n## Scoring rules (lines: risk {q.scoring.risk_line:g} points, "
            f"capability {q.scoring.capability_line:g} points)"
        )
        for rule in q.scoring.rules:
            weight = "DECISIVE" if rule.decisive else f"+{rule.points:g}"
            unsure = "" if rule.verified else "  [source not verified]"
            click.echo(f"{weight} {rule.side} {rule.id}: {rule.title[lang]}{unsure}")


def _said(cond: Condition) -> str:
    if cond.item is None:
        return f"{cond.instrument} score"
    if cond.only_of:
        return f"{cond.item} is only {' or '.join(cond.only_of)}"
    return f"{cond.item} is {' or '.join(cond.any_of)}"


@click.command("assess")
@click.option(
    "--answers",
    "answers_file",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help='A JSON file {"item_id": "option_value", ...}, or - for stdin.',
)
@click.option("--lang", "lang", type=_LANG, default=None, help="Add the result texts.")
@click.option("--file", "file", type=_FILE, help="A questionnaire file (default: packaged).")
@click.option(
    "--explain",
    is_flag=True,
    help="Print in words instead: rules fired, axes and their lines, answers that would flip it.",
)
def assess_command(
    answers_file: IO[str], lang: str | None, file: Path | None, explain: bool
) -> None:
    """Score answers and print the result as one JSON object (segment null when none)."""
    q = _load_or_exit(file)
    try:
        answers = json.load(answers_file)
    except json.JSONDecodeError as exc:
        _usage_exit(f"the answers are not valid JSON: {exc}")
    if not isinstance(answers, dict):
        _usage_exit('the answers must be one JSON object: {"item_id": "option_value", ...}')
    try:
        result = assess(q, answers)
    except InvalidAnswer as exc:
        _usage_exit(_answer_message(q, exc))
    if explain:
        click.echo("\n".join(explain_lines(q, result, lang or "en")))
        return
    output = result.to_dict()
    if lang is not None:
        output["texts"] = result_texts(q, result, lang)
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


def explain_lines(q: Questionnaire, result: Result, lang: str) -> list[str]:
    """`portal assess --explain`: why this segment, in plain lines a professional can check."""
    segment = q.segment_text(result.segment).name[lang]
    lines = [f"{q.id} version {q.version} ({q.scoring.model} model): {segment}"]
    rules = {rule.id: rule for rule in q.scoring.rules}
    lines.append("Rules fired:" if result.fired or result.overrides else "Rules fired: none")
    for fired in result.fired:
        rule = rules[fired.rule_id]
        weight = "DECISIVE" if fired.decisive else f"+{fired.points:g} points"
        said = ", ".join(f"{item}={value}" for item, value in fired.evidence)
        lines.append(f"  {weight} {fired.side} {rule.id}: {rule.title[lang]} [{said}]")
    if not result.fired:
        lines += [f"  override {o}" for o in result.overrides]
    lines.append("Axes:")
    for state in result.axis_states:
        unit = " points" if state.scale == "points" else ""
        if state.value is None:
            lines.append(f"  {state.axis}: too few answers ({state.answered} answered)")
            continue
        side = {True: "needs more", False: "needs less"}[bool(state.needs_more)]
        decided = ", decided by a decisive rule" if state.by_rule else ""
        lines.append(
            f"  {state.axis}: {state.value:g}{unit}, line {state.line:g}{unit}, "
            f"distance {state.distance:g}: {side}{decided} ({state.answered} answered)"
        )
    if result.segment is None:
        lines.append("Near the line: no segment to be near")
        return lines
    lines.append(f"Near the line: {'yes' if result.near_line else 'no'}")
    lines += [f"  only a few answers decide {axis}" for axis in result.few_answers]
    lines += [f"  one more moderate problem would change {axis}" for axis in result.close_axes]
    lines.append("Single answers that would flip the segment:" if result.flips else (
        "Single answers that would flip the segment: none"
    ))
    for flip in result.flips:
        new = q.segment_text(flip.segment).name[lang]
        was, instead = ",".join(flip.answer), ",".join(flip.instead)
        lines.append(f"  {flip.item_id}: {was} -> {instead} gives {new}")
    return lines


def questionnaire_dict(q: Questionnaire, lang: str) -> dict[str, Any]:
    """The questionnaire in one language, as `show --json` prints it."""
    return {
        "id": q.id,
        "version": q.version,
        "lang": lang,
        "title": q.title[lang],
        "sections": [
            {
                "id": section.id,
                "title": section.title[lang],
                "items": [_item_dict(item, lang) for item in q.items_in(section.id)],
            }
            for section in q.sections
        ],
    }


def result_texts(q: Questionnaire, result: Result, lang: str) -> dict[str, Any]:
    segment = q.segment_text(result.segment)
    return {
        "segment": {
            "name": segment.name[lang],
            "meaning": segment.meaning[lang],
            "help": segment.help[lang],
        },
        "acute_flags": {f: q.acute_flags[f].text[lang] for f in result.acute_flags},
        "instruments": {
            s.instrument_id: q.instrument(s.instrument_id).interpretation[s.interpretation_key][
                lang
            ]
            for s in result.instruments
        },
    }


def _item_dict(item: Item, lang: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "text": item.text[lang],
        "help": None if item.help is None else item.help[lang],
        "weight": item.weight,
        "instrument": item.instrument,
        "role": item.role,
        "max_choices": item.max_choices,
        "minimum": item.minimum,
        "maximum": item.maximum,
        "options": [
            {
                "value": o.value,
                "text": o.text[lang],
                "risk": o.risk,
                "capability": o.capability,
                "score": o.score,
                "acute": o.acute,
            }
            for o in item.options
        ],
    }


def _on_an_axis(item: Item) -> bool:
    return item.axis_maximum("risk") > 0 or item.axis_maximum("capability") > 0


def _load_or_exit(file: Path | None) -> Questionnaire:
    try:
        return load(file or default_path())
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None


def _answer_message(q: Questionnaire, exc: InvalidAnswer) -> str:
    if exc.reason == "unknown_item":
        return f"unknown item id {exc.item_id!r}"
    if exc.reason == "unknown_option":
        values = ", ".join(q.item(exc.item_id).option_values)
        return f"item {exc.item_id!r}: unknown value; {exc.detail.split(' is not')[0]} is not one of: {values}"
    return f"item {exc.item_id!r}: {exc.reason.replace('_', ' ')} ({exc.detail})"


def _usage_exit(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)
