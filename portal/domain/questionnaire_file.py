"""Read a questionnaire YAML file into dataclasses, collecting every problem with its place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import yaml

from portal.domain.data_reader import DataReader, read_yaml
from portal.domain.questionnaire_types import (
    SEGMENT_IDS,
    SIDE_RULES,
    AcuteFlag,
    AxisText,
    Band,
    Condition,
    Instrument,
    Item,
    ItemKind,
    Note,
    Option,
    Questionnaire,
    QuestionnaireError,
    Rule,
    ScoringRules,
    Section,
    SegmentText,
)

_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_ITEM_KEYS = {"id", "section", "kind", "text", "help", "options", "max_choices", "minimum"}
_ITEM_KEYS |= {"maximum", "unit", "weight", "instrument", "role", "bands", "skip_if", "only_if"}
_OPTION_KEYS = {"value", "text", "risk", "capability", "score", "acute", "sets", "exclusive"}
_CONDITION_KEYS = {"item", "any_of", "only_of", "instrument", "at_least", "below", "from_cutoff"}
_RULE_KEYS = {"id", "side", "when", "title", "rationale", "source", "points", "verified", "note"}
_SCORING_KEYS = {"minimum_answered", "risk_threshold", "capability_threshold"}
_SCORING_KEYS |= {"acute_means_higher_risk", "drivers_per_axis", "model", "risk_line"}
_SCORING_KEYS |= {"capability_line", "decisive", "cumulative", "few_answers", "near_points"}
_MODELS = ("average", "rules")
_BAND_KEYS = {"upto", "risk", "capability", "acute"}
_KINDS = ("single", "multiple", "number")
_ROLES = ("topics",)


class _Reader(DataReader):
    """Builds the questionnaire dataclasses from the parsed file."""

    def option(self, raw: object, where: str) -> Option:
        data = self.mapping(raw, where)
        self.unknown_keys(data, _OPTION_KEYS, where)
        value = data.get("value")
        if not isinstance(value, str):
            # YAML turns bare no/yes/1_2 into booleans and numbers: insist on quoted text.
            self.fail(where, f"option value {value!r} must be quoted text")
        value = self.ident(str(value), f"{where}.value", _VALUE)
        score = data.get("score")
        acute = data.get("acute")
        return Option(
            value=value,
            text=self.localized(data.get("text"), f"{where} ({value}).text"),
            risk=self.number(data.get("risk", 0), f"{where} ({value}).risk", 0, 1),
            capability=self.number(
                data.get("capability", 0), f"{where} ({value}).capability", 0, 1
            ),
            score=None if score is None else self.integer(score, f"{where} ({value}).score"),
            acute=None if acute is None else self.ident(acute, f"{where} ({value}).acute"),
            sets=self.side_rules(data.get("sets", []), f"{where} ({value}).sets"),
            exclusive=data.get("exclusive", False) is True,
        )

    def condition(self, raw: object, where: str) -> Condition:
        data = self.mapping(raw, where)
        self.unknown_keys(data, _CONDITION_KEYS, where)
        if ("item" in data) == ("instrument" in data):
            self.fail(where, "a condition names exactly one item or one instrument")
        if "item" in data:
            key = "only_of" if "only_of" in data else "any_of"
            values = tuple(str(v) for v in self.seq(data.get(key), f"{where}.{key}"))
            if not values:
                self.fail(where, f"{key} needs at least one option value")
            item_id = self.ident(data["item"], f"{where}.item")
            if key == "only_of":
                return Condition(item=item_id, only_of=values)
            return Condition(item=item_id, any_of=values)
        at_least, below = data.get("at_least"), data.get("below")
        from_cutoff = data.get("from_cutoff", False) is True
        if at_least is None and below is None and not from_cutoff:
            self.fail(where, "an instrument condition needs at_least, below or from_cutoff")
        return Condition(
            instrument=self.ident(data.get("instrument"), f"{where}.instrument"),
            at_least=None if at_least is None else self.integer(at_least, f"{where}.at_least"),
            below=None if below is None else self.integer(below, f"{where}.below"),
            from_cutoff=from_cutoff,
        )

    def conditions(self, raw: object, where: str) -> tuple[Condition, ...]:
        """One condition (a mapping) or a list of them."""
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        return tuple(self.condition(c, f"{where}[{i}]") for i, c in enumerate(items))

    def rule(self, raw: object, where: str, decisive: bool) -> Rule:
        data = self.mapping(raw, where)
        rule_id = self.ident(data.get("id"), f"{where}.id")
        where = f"{where} ({rule_id})"
        self.unknown_keys(data, _RULE_KEYS, where)
        side = str(data.get("side"))
        if side not in SIDE_RULES:
            self.fail(where, f"side must be one of {', '.join(SIDE_RULES)}, not {side!r}")
        when = self.conditions(data.get("when"), f"{where}.when")
        if not when:
            self.fail(where, "a rule needs at least one condition under when")
        points = data.get("points")
        if decisive and points is not None:
            self.fail(where, "a decisive rule has no points (it decides the side on its own)")
        if not decisive:
            points = self.number(points, f"{where}.points", 0.01, 100)
        return Rule(
            id=rule_id,
            side=side,
            when=when,
            title=self.localized(data.get("title"), f"{where}.title"),
            rationale=self.text(data.get("rationale"), f"{where}.rationale"),
            source=self.text(data.get("source"), f"{where}.source"),
            points=None if points is None else float(points),
            verified=data.get("verified", True) is not False,
            note=str(data.get("note", "")),
        )

    def note(self, raw: object, index: int) -> Note:
        data = self.mapping(raw, f"notes[{index}]")
        note_id = self.ident(data.get("id"), f"notes[{index}].id")
        where = f"note {note_id!r}"
        return Note(
            id=note_id,
            when=self.conditions(data.get("when"), f"{where}.when"),
            client=self.localized(data.get("client"), f"{where}.client"),
            professional=self.localized(data.get("professional"), f"{where}.professional"),
        )

    def side_rules(self, raw: object, where: str) -> tuple[str, ...]:
        rules = tuple(str(r) for r in self.seq(raw, where))
        for rule in rules:
            if rule not in SIDE_RULES:
                self.fail(where, f"{rule!r} is not one of {', '.join(SIDE_RULES)}")
        return rules

    def band(self, raw: object, where: str) -> Band:
        data = self.mapping(raw, where)
        self.unknown_keys(data, _BAND_KEYS, where)
        acute = data.get("acute")
        return Band(
            upto=self.integer(data.get("upto"), f"{where}.upto", low=-(10**9)),
            risk=self.number(data.get("risk", 0), f"{where}.risk", 0, 1),
            capability=self.number(data.get("capability", 0), f"{where}.capability", 0, 1),
            acute=None if acute is None else self.ident(acute, f"{where}.acute"),
        )

    def item(self, raw: object, index: int) -> Item:
        data = self.mapping(raw, f"items[{index}]")
        item_id = self.ident(data.get("id"), f"items[{index}].id")
        where = f"item {item_id!r}"
        self.unknown_keys(data, _ITEM_KEYS, where)
        kind = data.get("kind")
        if kind not in _KINDS:
            self.fail(where, f"kind must be one of {', '.join(_KINDS)}, not {kind!r}")
            kind = "single"
        options = tuple(
            self.option(o, f"{where}: option {i + 1}")
            for i, o in enumerate(self.seq(data.get("options", []), f"{where}: options"))
        )
        bands = tuple(
            self.band(b, f"{where}: band {i + 1}")
            for i, b in enumerate(self.seq(data.get("bands", []), f"{where}: bands"))
        )
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            self.fail(where, "two options have the same value")
        if kind in ("single", "multiple") and len(options) < 2:
            self.fail(where, f"a {kind} item needs at least two options")
        if kind == "number" and options:
            self.fail(where, "a number item has no options (use bands to score it)")
        max_choices = data.get("max_choices")
        if kind == "multiple":
            max_choices = self.integer(max_choices, f"{where}: max_choices", low=1)
            if max_choices > len(options):
                self.fail(where, "max_choices is larger than the number of options")
        elif max_choices is not None:
            self.fail(where, "max_choices is only for multiple-choice items")
        minimum, maximum = data.get("minimum"), data.get("maximum")
        if kind == "number":
            minimum = self.integer(minimum, f"{where}: minimum", low=-(10**9))
            maximum = self.integer(maximum, f"{where}: maximum", low=-(10**9))
            if minimum >= maximum:
                self.fail(where, "minimum must be smaller than maximum")
        elif minimum is not None or maximum is not None:
            self.fail(where, "minimum and maximum are only for number items")
        role = data.get("role")
        if role is not None and role not in _ROLES:
            self.fail(where, f"role must be one of {', '.join(_ROLES)}, not {role!r}")
        help_text, unit = data.get("help"), data.get("unit")
        instrument = data.get("instrument")
        return Item(
            id=item_id,
            kind=cast(ItemKind, kind),
            text=self.localized(data.get("text"), f"{where}: text"),
            help=None if help_text is None else self.localized(help_text, f"{where}: help"),
            options=options,
            section=self.ident(data.get("section"), f"{where}: section"),
            max_choices=max_choices,
            minimum=minimum,
            maximum=maximum,
            unit=None if unit is None else self.localized(unit, f"{where}: unit"),
            weight=self.number(data.get("weight", 1), f"{where}: weight", 0, 100),
            instrument=None
            if instrument is None
            else self.ident(instrument, f"{where}: instrument"),
            role=role,
            bands=bands,
            skip_if=self.conditions(data.get("skip_if"), f"{where}: skip_if"),
            only_if=self.conditions(data.get("only_if"), f"{where}: only_if"),
        )

    def segment_text(self, raw: object, where: str) -> SegmentText:
        data = self.mapping(raw, where)
        return SegmentText(
            name=self.localized(data.get("name"), f"{where}.name"),
            meaning=self.localized(data.get("meaning"), f"{where}.meaning"),
            help=self.localized(data.get("help"), f"{where}.help"),
            services=self.localized(data.get("services"), f"{where}.services")
            if "services" in data
            else None,
        )

    def section(self, raw: object, index: int) -> Section:
        data = self.mapping(raw, f"sections[{index}]")
        section_id = self.ident(data.get("id"), f"sections[{index}].id")
        return Section(
            id=section_id, title=self.localized(data.get("title"), f"section {section_id!r}: title")
        )

    def acute_flag(self, flag_id: str, raw: object) -> AcuteFlag:
        where = f"acute flag {flag_id!r}"
        data = self.mapping(raw, where)
        return AcuteFlag(
            id=self.ident(flag_id, where),
            title=self.localized(data.get("title"), f"{where}: title"),
            text=self.localized(data.get("text"), f"{where}: text"),
            contacts=tuple(
                str(c) for c in self.seq(data.get("contacts", []), f"{where}: contacts")
            ),
        )

    def axis_text(self, raw: object, where: str) -> AxisText:
        data = self.mapping(raw, where)
        return AxisText(
            title=self.localized(data.get("title"), f"{where}.title"),
            low=self.localized(data.get("low"), f"{where}.low"),
            high=self.localized(data.get("high"), f"{where}.high"),
        )

    def instrument(self, raw: object, index: int) -> Instrument:
        data = self.mapping(raw, f"instruments[{index}]")
        inst_id = self.ident(data.get("id"), f"instruments[{index}].id")
        where = f"instrument {inst_id!r}"
        raw_cutoff_by = data.get("cutoff_by", {})
        choosers = raw_cutoff_by if isinstance(raw_cutoff_by, list) else [raw_cutoff_by]
        # The last chooser is the fallback one (cutoff_item); earlier ones are tried first.
        *first, last = [self.mapping(c, f"{where}: cutoff_by") for c in choosers] or [{}]
        cutoff_by = last
        gate = self.mapping(data.get("gate", {}), f"{where}: gate")
        interp = self.mapping(data.get("interpretation"), f"{where}: interpretation")
        for key in ("above", "below", "incomplete"):
            if key not in interp:
                self.fail(where, f"interpretation.{key} is missing")
        cutoff = data.get("cutoff")
        cutoff_values = self.mapping(cutoff_by.get("values", {}), f"{where}: cutoff_by.values")
        return Instrument(
            id=inst_id,
            items=tuple(str(i) for i in self.seq(data.get("items"), f"{where}: items")),
            maximum=self.integer(data.get("maximum"), f"{where}: maximum", low=1),
            cutoff=None if cutoff is None else self.integer(cutoff, f"{where}: cutoff"),
            title=self.localized(data.get("title"), f"{where}: title"),
            interpretation={
                k: self.localized(v, f"{where}: interpretation.{k}") for k, v in interp.items()
            },
            citation=self.text(data.get("citation"), f"{where}: citation"),
            licence=self.text(data.get("licence"), f"{where}: licence"),
            licence_status=self.text(data.get("licence_status"), f"{where}: licence_status"),
            licence_source=self.text(data.get("licence_source"), f"{where}: licence_source"),
            wording_status=str(data.get("wording_status", "")),
            cutoff_item=cutoff_by.get("item"),
            cutoff_values={
                str(k): self.integer(v, f"{where}: cutoff_by.values.{k}")
                for k, v in cutoff_values.items()
            },
            cutoff_first=tuple(
                (
                    str(c.get("item")),
                    {
                        str(k): self.integer(v, f"{where}: cutoff_by.values.{k}")
                        for k, v in self.mapping(c.get("values", {}), f"{where}: cutoff_by")
                        .items()
                    },
                )
                for c in first
            ),
            gate_item=gate.get("item"),
            gate_values=tuple(str(v) for v in self.seq(gate.get("values", []), f"{where}: gate")),
        )

    def scoring(self, raw: object) -> ScoringRules:
        data = self.mapping(raw, "scoring")
        self.unknown_keys(data, _SCORING_KEYS, "scoring")
        model = data.get("model", "average")
        if model not in _MODELS:
            self.fail("scoring.model", f"must be one of {', '.join(_MODELS)}, not {model!r}")
            model = "average"
        if model == "rules":
            return self.rules_scoring(data)
        return ScoringRules(
            minimum_answered=self.integer(
                data.get("minimum_answered"), "scoring.minimum_answered", 1
            ),
            risk_threshold=self.number(data.get("risk_threshold"), "scoring.risk_threshold", 0, 1),
            capability_threshold=self.number(
                data.get("capability_threshold"), "scoring.capability_threshold", 0, 1
            ),
            acute_means_higher_risk=bool(data.get("acute_means_higher_risk", False)),
            drivers_per_axis=self.integer(
                data.get("drivers_per_axis", 3), "scoring.drivers_per_axis"
            ),
        )

    def rules_scoring(self, raw: object) -> ScoringRules:
        data = self.mapping(raw, "scoring")
        decisive = tuple(
            self.rule(r, f"scoring.decisive[{i}]", decisive=True)
            for i, r in enumerate(self.seq(data.get("decisive", []), "scoring.decisive"))
        )
        cumulative = tuple(
            self.rule(r, f"scoring.cumulative[{i}]", decisive=False)
            for i, r in enumerate(self.seq(data.get("cumulative", []), "scoring.cumulative"))
        )
        return ScoringRules(
            minimum_answered=self.integer(
                data.get("minimum_answered"), "scoring.minimum_answered", 1
            ),
            # The axis values are points shown on a 0..1 scale where the line sits at 0.5.
            risk_threshold=0.5,
            capability_threshold=0.5,
            acute_means_higher_risk=bool(data.get("acute_means_higher_risk", False)),
            drivers_per_axis=self.integer(
                data.get("drivers_per_axis", 3), "scoring.drivers_per_axis"
            ),
            model="rules",
            risk_line=self.number(data.get("risk_line"), "scoring.risk_line", 0.01, 100),
            capability_line=self.number(
                data.get("capability_line"), "scoring.capability_line", 0.01, 100
            ),
            decisive=decisive,
            cumulative=cumulative,
            few_answers=self.integer(data.get("few_answers", 0), "scoring.few_answers"),
            near_points=self.number(data.get("near_points", 0), "scoring.near_points", 0, 100),
        )

    def questionnaire(self, raw: object) -> Questionnaire:
        data = self.mapping(raw, "top level")
        segments = self.mapping(data.get("segments"), "segments")
        for seg in SEGMENT_IDS:
            if seg not in segments:
                self.fail("segments", f"the texts for segment {seg!r} are missing")
        axes = self.mapping(data.get("axes"), "axes")
        flags = self.mapping(data.get("acute_flags", {}), "acute_flags")
        return Questionnaire(
            id=self.ident(data.get("id"), "id"),
            version=self.text(data.get("version"), "version"),
            title=self.localized(data.get("title"), "title"),
            items=tuple(
                self.item(r, i) for i, r in enumerate(self.seq(data.get("items"), "items"))
            ),
            sections=tuple(
                self.section(r, i) for i, r in enumerate(self.seq(data.get("sections"), "sections"))
            ),
            instruments=tuple(
                self.instrument(r, i)
                for i, r in enumerate(self.seq(data.get("instruments", []), "instruments"))
            ),
            segment_texts={k: self.segment_text(v, f"segments.{k}") for k, v in segments.items()},
            no_segment=self.segment_text(data.get("no_segment"), "no_segment"),
            acute_flags={str(k): self.acute_flag(str(k), v) for k, v in flags.items()},
            axes={
                name: self.axis_text(axes.get(name), f"axes.{name}")
                for name in ("risk", "capability")
            },
            scoring=self.scoring(data.get("scoring")),
            notices={
                str(k): self.localized(v, f"notices.{k}")
                for k, v in self.mapping(data.get("notices", {}), "notices").items()
            },
            notes=tuple(
                self.note(r, i) for i, r in enumerate(self.seq(data.get("notes", []), "notes"))
            ),
            source=self.source,
        )


__all__ = ["read", "read_yaml"]


def read(path: Path) -> tuple[Questionnaire | None, list[str]]:
    """Parse one file; returns the questionnaire (None if unreadable) and the shape problems."""
    reader = _Reader(str(path))
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: the file does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QuestionnaireError(f"{path}: cannot be read as YAML: {exc}") from None
    questionnaire = reader.questionnaire(raw)
    return questionnaire, reader.problems
