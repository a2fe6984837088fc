"""`portal services check [FILE]`, run through click's test runner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from portal.commands.services import services_group
from portal.domain.service_directory import default_path

RUNNER = CliRunner()


def test_check_passes_the_packaged_directory_and_lists_what_to_verify() -> None:
    outcome = RUNNER.invoke(services_group, ["check"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "OK (vantaa_kerava" in outcome.stdout
    assert "verified: false" in outcome.stderr and "vinkkari" in outcome.stderr


def test_check_exits_1_with_the_place_of_a_broken_entry(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace('phone: "116 117"', "phone: 116117", 1), encoding="utf-8")
    outcome = RUNNER.invoke(services_group, ["check", str(broken)])
    assert outcome.exit_code == 1
    assert "service 'paivystysapu': phone" in outcome.stderr


def test_check_flags_an_entry_not_checked_for_twelve_months(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text(
        text.replace('checked: "2026-12-01"', 'checked: "2020-01-01"', 1), encoding="utf-8"
    )
    outcome = RUNNER.invoke(services_group, ["check", str(old)])
    assert outcome.exit_code == 0
    assert "service 'paihdeneuvonta': not checked for 12 months" in outcome.stderr
    assert RUNNER.invoke(services_group, ["check", "--strict", str(old)]).exit_code == 1


def test_check_refuses_a_forbidden_word(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    words = tmp_path / "words.yaml"
    words.write_text(
        text.replace("en: AA groups", "en: Groups for alcoholics", 1), encoding="utf-8"
    )
    outcome = RUNNER.invoke(services_group, ["check", str(words)])
    assert outcome.exit_code == 1
    assert "forbidden word" in outcome.stderr
