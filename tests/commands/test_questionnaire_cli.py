"""`portal questionnaire check|show` and `portal assess`, run through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from portal.commands.questionnaire import assess_command, questionnaire_group
from portal.domain.questionnaire import default_path, load_default

RUNNER = CliRunner()


def test_check_passes_the_packaged_questionnaire() -> None:
    outcome = RUNNER.invoke(questionnaire_group, ["check"])
    assert outcome.exit_code == 0
    assert "OK" in outcome.stdout and "version 2, 30 items" in outcome.stdout


def test_check_exits_1_with_the_reasons(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("    section: everyday\n", "    section: elsewhere\n", 1), encoding="utf-8"
    )
    outcome = RUNNER.invoke(questionnaire_group, ["check", str(broken)])
    assert outcome.exit_code == 1
    assert "item 'housing'" in outcome.stderr and "'elsewhere'" in outcome.stderr


def test_check_refuses_a_forbidden_word(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    broken = tmp_path / "words.yaml"
    broken.write_text(
        text.replace("en: Where do you live at the moment?", "en: Where do addicts like you live?"),
        encoding="utf-8",
    )
    outcome = RUNNER.invoke(questionnaire_group, ["check", str(broken)])
    assert outcome.exit_code == 1
    assert "items.housing.text (en): forbidden word addict" in outcome.stderr


def test_check_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    outcome = RUNNER.invoke(questionnaire_group, ["check", str(tmp_path / "none.yaml")])
    assert outcome.exit_code == 1 and "does not exist" in outcome.stderr


def test_show_lists_ids_options_and_scores() -> None:
    outcome = RUNNER.invoke(questionnaire_group, ["show", "--lang", "fi"])
    assert outcome.exit_code == 0
    assert "audit_c_1 (single, audit_c)" in outcome.stdout
    assert "- past_month: Kyllä, viimeisen kuukauden aikana  [ACUTE recent_overdose]" in (
        outcome.stdout
    )
    assert "audit_c_2 (single, audit_c, not asked when audit_c_1 is never)" in outcome.stdout
    assert "DECISIVE higher_risk audit_c_very_high: AUDIT-C 10 pistettä tai enemmän" in (
        outcome.stdout
    )
    assert "+3 higher_risk audit_c_high: AUDIT-C 7 pistettä tai enemmän" in outcome.stdout


def test_show_of_version_1_still_lists_its_weights() -> None:
    v1 = str(default_path().with_name("selfassessment-v1.yaml"))
    outcome = RUNNER.invoke(questionnaire_group, ["show", "--lang", "fi", "--file", v1])
    assert "audit_c_1 (single, weight 0.6, audit_c)" in outcome.stdout
    assert "- past_month: Kyllä, viimeisen kuukauden aikana  [risk 1, ACUTE recent_overdose]" in (
        outcome.stdout
    )


def test_show_json_is_one_object_with_sections_holding_items() -> None:
    outcome = RUNNER.invoke(questionnaire_group, ["show", "--json", "--lang", "sv"])
    data = json.loads(outcome.stdout)
    items = [item for section in data["sections"] for item in section["items"]]
    assert len(items) == len(load_default().items)
    money = next(i for i in items if i["id"] == "money")
    assert money["text"] == "Räcker dina pengar till mat och räkningar?"
    assert money["options"][0] == {
        "value": "always",
        "text": "Alltid",
        "risk": 0.0,
        "capability": 1.0,
        "score": None,
        "acute": None,
    }


def test_assess_reads_a_file_and_prints_one_json_object(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"overdose": "past_month", "topics": ["housing"]}), encoding="utf-8"
    )
    outcome = RUNNER.invoke(assess_command, ["--answers", str(answers)])
    assert outcome.exit_code == 0
    data = json.loads(outcome.stdout)
    assert data["segment"] is None
    assert data["acute_flags"] == ["recent_overdose"] and data["topics"] == ["housing"]


def test_assess_reads_stdin_and_adds_texts_in_the_asked_language() -> None:
    answers = {
        "drug_frequency": "never",
        "injecting": "no",
        "overdose": "never",
        "money": "always",
        "housing": "own_home",
        "daily_routines": "well",
    }
    outcome = RUNNER.invoke(
        assess_command, ["--answers", "-", "--lang", "sv"], input=json.dumps(answers)
    )
    data = json.loads(outcome.stdout)
    assert data["segment"] == "self_care"
    assert data["texts"]["segment"]["name"] == "Självständig kundrelation"


def test_assess_exits_2_for_an_unknown_item_or_value() -> None:
    outcome = RUNNER.invoke(assess_command, ["--answers", "-"], input='{"shoe_size": "42"}')
    assert outcome.exit_code == 2 and "unknown item id 'shoe_size'" in outcome.stderr
    outcome = RUNNER.invoke(assess_command, ["--answers", "-"], input='{"money": "lots"}')
    assert outcome.exit_code == 2
    assert "item 'money'" in outcome.stderr and "always, mostly" in outcome.stderr


def test_assess_exits_2_for_input_that_is_not_a_json_object() -> None:
    for text in ("not json", '["money"]'):
        outcome = RUNNER.invoke(assess_command, ["--answers", "-"], input=text)
        assert outcome.exit_code == 2 and "Error:" in outcome.stderr


def test_assess_explain_prints_rules_axes_distances_and_flips() -> None:
    answers = {
        "audit_c_1": "2_3_week",
        "audit_c_2": "5_6",
        "audit_c_3": "weekly",
        "audit_limit": "men",
        "phq2_1": "several_days",
        "phq2_2": "several_days",
        "self_rated_health": "good",
        "housing": "own_home",
        "money": "always",
        "daily_routines": "well",
    }
    outcome = RUNNER.invoke(
        assess_command, ["--answers", "-", "--explain"], input=json.dumps(answers)
    )
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.stdout.splitlines()
    assert lines[0] == "selfassessment version 2 (rules model): Collaborative care"
    assert any("+3 points higher_risk audit_c_high" in line for line in lines)
    assert "  risk: 4 points, line 4 points, distance 0: needs more (6 answered)" in lines
    assert "Near the line: yes" in lines
    assert "  phq2_1: several_days -> not_at_all gives Self-care" in lines


def test_assess_explain_names_a_decisive_rule_and_no_flip_when_far_from_the_line() -> None:
    answers = {
        "drug_frequency": "daily_or_almost",
        "injecting": "past_year",
        "overdose": "never",
        "housing": "no_home",
        "money": "often_not",
        "daily_routines": "not_coping",
    }
    outcome = RUNNER.invoke(
        assess_command, ["--answers", "-", "--explain"], input=json.dumps(answers)
    )
    lines = outcome.stdout.splitlines()
    assert lines[0].endswith(": Comprehensive care")
    assert any(line.startswith("  DECISIVE higher_risk drugs_daily") for line in lines)
    assert any(line.startswith("  DECISIVE lower_capability no_home_or_shelter") for line in lines)
    assert "Single answers that would flip the segment: none" in lines
