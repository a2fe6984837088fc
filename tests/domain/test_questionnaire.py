"""Loading and validating questionnaire files, and checking single answers."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from portal.domain import crisis, questionnaire_file
from portal.domain.questionnaire import (
    LANGUAGES,
    InvalidAnswer,
    Item,
    QuestionnaireError,
    default_path,
    load,
    load_default,
    load_version,
    parse_answer,
)

RAW: dict[str, Any] = questionnaire_file.read_yaml(default_path())


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "broken.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True), encoding="utf-8")
    return path


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def raw_item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["id"] == item_id)


def test_the_packaged_questionnaire_is_version_2_and_version_1_stays_installed() -> None:
    q = load_default()
    assert q.id == "selfassessment" and q.version == "2" and q.scoring.model == "rules"
    assert len(q.items) == 30
    v1 = load_version("selfassessment", "1")
    assert (v1.version, len(v1.items), v1.scoring.model) == ("1", 21, "average")
    with pytest.raises(LookupError):
        load_version("selfassessment", "9")


def test_load_default_is_read_once() -> None:
    assert load_default() is load_default()


def test_every_item_belongs_to_a_section_in_order_and_ids_are_unique() -> None:
    q = load_default()
    assert len({i.id for i in q.items}) == len(q.items)
    assert {i.section for i in q.items} == {s.id for s in q.sections}


def test_skipping_is_absence_so_no_option_means_rather_not_say() -> None:
    for item in load_default().items:
        for value in item.option_values:
            assert not any(w in value for w in ("skip", "rather", "prefer", "not_say", "unknown"))


def test_a_round_trip_of_the_file_still_loads(tmp_path: Path) -> None:
    assert load(write(tmp_path, RAW)).items == load_default().items


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: raw_item(d, "money")["text"].pop("sv"), "item 'money': text: the sv text"),
        (lambda d: raw_item(d, "money").update(section="nowhere"), "section 'nowhere'"),
        (lambda d: raw_item(d, "money").update(weigth=2), "item 'money': unknown key 'weigth'"),
        (lambda d: raw_item(d, "injecting")["options"][0].update(value=False), "must be quoted"),
        (lambda d: raw_item(d, "money")["options"][0].update(capability=2), "between 0 and 1"),
        (lambda d: raw_item(d, "overdose")["options"][2].update(acute="panic"), "'panic'"),
        (lambda d: raw_item(d, "audit_c_1")["options"][4].update(score=5), "add up to 13"),
        (lambda d: raw_item(d, "topics").update(max_choices=99), "max_choices is larger"),
        (lambda d: d["segments"].pop("supported"), "segment 'supported'"),
        (lambda d: raw_item(d, "housing").update(kind="slider"), "kind must be one of"),
        (lambda d: raw_item(d, "housing")["options"][4].update(sets=["x"]), "'x' is not one"),
    ],
)
def test_a_broken_file_names_the_file_the_item_and_the_problem(
    tmp_path: Path, change: Any, expected: str
) -> None:
    path = write(tmp_path, broken(change))
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    def two_problems(d: dict[str, Any]) -> None:
        raw_item(d, "money")["text"].pop("fi")
        raw_item(d, "housing")["text"].pop("en")

    with pytest.raises(QuestionnaireError) as caught:
        load(write(tmp_path, broken(two_problems)))
    assert len(caught.value.problems) == 2


def test_a_missing_file_or_bad_yaml_is_a_questionnaire_error(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match="does not exist"):
        load(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: [", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="YAML"):
        load(bad)


def test_single_choice_answers() -> None:
    item = load_default().item("money")
    assert parse_answer(item, "always") == "always"
    assert parse_answer(item, None) is None
    assert parse_answer(item, "") is None
    for raw, reason in (
        ("plenty", "unknown_option"),
        (["always"], "wrong_type"),
        (3, "wrong_type"),
    ):
        with pytest.raises(InvalidAnswer) as caught:
            parse_answer(item, raw)
        assert (caught.value.item_id, caught.value.reason) == ("money", reason)


def test_multiple_choice_answers_keep_option_order_and_respect_the_maximum() -> None:
    item = load_default().item("topics")
    assert parse_answer(item, ["money", "housing"]) == ("housing", "money")
    assert parse_answer(item, "drugs") == ("drugs",)
    assert parse_answer(item, []) is None
    with pytest.raises(InvalidAnswer, match="too_many_choices"):
        parse_answer(item, ["housing", "money", "alcohol", "drugs"])
    with pytest.raises(InvalidAnswer, match="unknown_option"):
        parse_answer(item, ["housing", "pets"])


def test_number_answers() -> None:
    text = dict.fromkeys(LANGUAGES, "x")
    item = Item(
        id="nights",
        kind="number",
        text=text,
        help=None,
        options=(),
        section="s",
        minimum=0,
        maximum=90,
    )
    assert parse_answer(item, 3) == 3
    assert parse_answer(item, " 12 ") == 12
    for raw, reason in (
        ("a lot", "not_a_number"),
        (True, "not_a_number"),
        (91, "out_of_range"),
        ("-1", "out_of_range"),
        ("١٢", "not_a_number"),
    ):
        with pytest.raises(InvalidAnswer) as caught:
            parse_answer(item, raw)
        assert caught.value.reason == reason


def test_every_acute_flag_points_to_crisis_contacts_that_exist() -> None:
    contacts = crisis.load_default()
    q = load_default()
    assert q.acute_flags
    for flag in q.acute_flags.values():
        assert "emergency" in flag.contacts
        for contact_id in flag.contacts:
            contacts.contact(contact_id)


def test_crisis_contacts_have_112_a_line_per_language_and_a_source() -> None:
    contacts = crisis.load_default()
    assert contacts.checked
    assert contacts.contact("emergency").lines[0].number == "112"
    helpline = contacts.contact("crisis_helpline")
    for lang in LANGUAGES:
        assert helpline.lines_for(lang)[0].answers_in(lang)
    assert contacts.contact("poison_centre").lines_for("sv")[0].number == "0800 147 111"
    for contact in contacts.contacts:
        assert contact.source.startswith("https://")
