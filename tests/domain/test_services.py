"""Where to go next: the directory file, "open now", and how suggestions are ranked."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain import service_directory, services
from portal.domain.service_directory import ServiceDirectoryError, load, load_default
from portal.domain.services import HELSINKI, open_state, suggest

SEGMENTS = ("self_care", "supported", "collaborative", "intensive", None)
TOPICS = service_directory.TOPICS
LANGS = ("fi", "sv", "en")
FRIDAY_NIGHT = dt.datetime(2026, 12, 4, 23, 30, tzinfo=HELSINKI)  # a Friday
TUESDAY_MORNING = dt.datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI)


def _one(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": "walk_in_clinic",
        "name": {"fi": "Klinikka", "sv": "Klinik", "en": "Clinic"},
        "description": {"fi": "Apua.", "sv": "Hjälp.", "en": "Help."},
        "kind": "substance_outpatient",
        "topics": ["alcohol"],
        "segments": ["supported", "intensive"],
        "languages": ["fi"],
        "access": ["walk_in"],
        "municipalities": ["vantaa"],
        "hours": {"tue": ["09:00-15:00"], "fri": ["08:00-12:00"]},
        "source": "https://example.invalid/clinic",
        "checked": "2026-11-30",
        "verified": True,
    }
    entry.update(changes)
    return entry


def _write(tmp_path: Path, *entries: dict[str, object]) -> Path:
    path = tmp_path / "services.yaml"
    data = {
        "region": "test",
        "title": {"fi": "Testi", "sv": "Test", "en": "Test"},
        "services": list(entries),
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_packaged_directory_reads_and_every_entry_has_a_source_and_a_date() -> None:
    directory = load_default()
    assert len(directory.services) >= 10
    for service in directory.services:
        assert service.source.startswith(("https://", "http://"))
        assert service.checked <= dt.date(2026, 12, 1)
        assert service.verified or service.note, service.id


@pytest.mark.parametrize(
    ("segment", "topic", "lang"), list(itertools.product(SEGMENTS, TOPICS, LANGS))
)
def test_every_segment_topic_and_language_gets_three_to_five_suggestions(
    segment: str | None, topic: str, lang: str
) -> None:
    found = suggest(
        load_default(), segment=segment, topics=[topic], answers={}, language=lang,
        municipality=None, now=TUESDAY_MORNING,
    )  # fmt: skip
    assert 3 <= len(found) <= 5
    assert any(topic in s.topics for s in found), f"nothing helps with {topic}"
    assert len({s.service.id for s in found}) == len(found)


def test_no_topics_and_no_segment_still_give_three_suggestions() -> None:
    found = suggest(
        load_default(), segment=None, topics=[], answers={}, language="en",
        municipality=None, now=TUESDAY_MORNING,
    )  # fmt: skip
    assert len(found) == 3


def test_a_friday_at_half_past_eleven_puts_round_the_clock_services_first() -> None:
    for segment in SEGMENTS:
        found = suggest(
            load_default(), segment=segment, topics=["alcohol"], answers={}, language="fi",
            municipality="vantaa", now=FRIDAY_NIGHT,
        )  # fmt: skip
        statuses = [s.open.status for s in found]
        assert statuses[:3] == ["always"] * 3, (segment, [s.service.id for s in found])


def test_open_now_wins_over_an_equal_service_that_is_closed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _one(id="daytime"),
        _one(id="night_line", access=["phone"], hours="always"),
    )
    directory = load(path)
    night = suggest(
        directory, segment="supported", topics=["alcohol"], answers={}, language="fi",
        municipality=None, now=FRIDAY_NIGHT,
    )  # fmt: skip
    day = suggest(
        directory, segment="supported", topics=["alcohol"], answers={}, language="fi",
        municipality=None, now=TUESDAY_MORNING,
    )  # fmt: skip
    assert [s.service.id for s in night] == ["night_line", "daytime"]
    assert [s.service.id for s in day] == ["daytime", "night_line"]  # open and walk-in


def test_opening_hours_say_open_until_or_opens_at_in_helsinki_time() -> None:
    hours = service_directory._Reader("test").hours(
        {"tue": ["09:00-15:00"], "fri": ["08:00-12:00"]}, "hours"
    )
    assert open_state(hours, TUESDAY_MORNING).status == "open"
    assert open_state(hours, TUESDAY_MORNING).closes == dt.datetime(
        2026, 12, 1, 15, 0, tzinfo=HELSINKI
    )
    later = open_state(hours, FRIDAY_NIGHT)
    assert later.status == "opens"
    assert later.opens == dt.datetime(2026, 12, 8, 9, 0, tzinfo=HELSINKI)
    utc_morning = dt.datetime(2026, 12, 4, 5, 30, tzinfo=dt.UTC)  # 07:30 in Helsinki
    assert open_state(hours, utc_morning).opens == dt.datetime(2026, 12, 4, 8, 0, tzinfo=HELSINKI)
    assert open_state(service_directory.UNKNOWN_HOURS, TUESDAY_MORNING).status == "unknown"


def test_injecting_in_the_past_year_brings_the_health_counselling_point_up() -> None:
    found = suggest(
        load_default(), segment="supported", topics=["housing"],
        answers={"injecting": "past_year"}, language="fi", municipality="vantaa",
        now=TUESDAY_MORNING,
    )  # fmt: skip
    ids = [s.service.id for s in found]
    assert "vinkkari" in ids
    assert "injecting" in found[ids.index("vinkkari")].situations


def test_thoughts_of_self_harm_bring_round_the_clock_help_first() -> None:
    found = suggest(
        load_default(), segment="intensive", topics=["money"],
        answers={"phq9_9": "several_days"}, language="fi", municipality=None,
        now=TUESDAY_MORNING,
    )  # fmt: skip
    assert "acute" in found[0].situations and found[0].open.open_now


def test_a_person_elsewhere_gets_only_national_services() -> None:
    found = suggest(
        load_default(), segment="supported", topics=["drugs", "housing"], answers={},
        language="fi", municipality="elsewhere", now=TUESDAY_MORNING,
    )  # fmt: skip
    assert found and all("any" in s.service.municipalities for s in found)


def test_a_kerava_resident_is_not_sent_to_a_vantaa_only_clinic() -> None:
    found = suggest(
        load_default(), segment="supported", topics=["alcohol"], answers={}, language="fi",
        municipality="kerava", now=TUESDAY_MORNING,
    )  # fmt: skip
    ids = [s.service.id for s in found]
    assert "vantaa_substance_clinics" not in ids


def test_a_service_for_young_people_is_shown_only_to_someone_under_25() -> None:
    def ids(answers: dict[str, str]) -> list[str]:
        return [
            s.service.id
            for s in suggest(
                load_default(),
                segment="supported",
                topics=["drugs"],
                answers=answers,
                language="fi",
                municipality=None,
                now=FRIDAY_NIGHT,
            )
        ]

    assert "katutaso" not in ids({})  # a v1 record: no age band
    assert "katutaso" not in ids({"age_band": "25_64"})
    assert "katutaso" in ids({"age_band": "under_25"})


def test_speaking_the_persons_language_counts(tmp_path: Path) -> None:
    path = _write(tmp_path, _one(id="finnish"), _one(id="swedish", languages=["fi", "sv"]))
    found = suggest(
        load(path), segment="supported", topics=["alcohol"], answers={}, language="sv",
        municipality=None, now=TUESDAY_MORNING,
    )  # fmt: skip
    assert [s.service.id for s in found] == ["swedish", "finnish"]
    assert found[0].speaks_language and not found[1].speaks_language


def test_a_broken_entry_is_refused_with_its_place(tmp_path: Path) -> None:
    path = _write(tmp_path, _one(hours={"tue": ["9-15"]}, phone=401234567))
    with pytest.raises(ServiceDirectoryError) as caught:
        load(path)
    text = "\n".join(caught.value.problems)
    assert "service 'walk_in_clinic': hours.tue" in text and "'9-15'" in text
    assert "service 'walk_in_clinic': phone" in text
    assert "\n" not in caught.value.one_line()


def test_an_unverified_entry_needs_a_note(tmp_path: Path) -> None:
    with pytest.raises(ServiceDirectoryError, match="verified: false needs a note"):
        load(_write(tmp_path, _one(verified=False)))


def test_an_entry_not_checked_for_twelve_months_is_stale(tmp_path: Path) -> None:
    directory = load(_write(tmp_path, _one(checked="2025-11-01")))
    assert [s.id for s in directory.stale(dt.date(2026, 12, 1))] == ["walk_in_clinic"]
    assert directory.stale(dt.date(2025, 12, 1)) == ()


def test_weights_are_the_documented_order() -> None:
    # A safety answer outweighs one topic; open now outweighs speaking the language.
    assert services.SITUATION > services.TOPIC >= services.OPEN_NOW > services.LANGUAGE


ANSWER_VALUES = {
    "injecting": ("no", "not_past_year", "past_year"),
    "overdose": ("no", "never", "earlier", "1_12_months", "past_month"),
    "phq9_9": ("not_at_all", "several_days", "nearly_every_day"),
    "housing": ("own_home", "temporary", "at_risk", "shelter", "no_home"),
    "safety_at_home": ("safe", "not_always", "not_safe"),
    "age_band": ("under_25", "25_64", "65_plus"),
}


@given(
    segment=st.sampled_from(SEGMENTS),
    topics=st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
    answers=st.fixed_dictionaries(
        {}, optional={k: st.sampled_from(v) for k, v in ANSWER_VALUES.items()}
    ),
    lang=st.sampled_from(LANGS),
    municipality=st.sampled_from((None, "vantaa", "kerava", "elsewhere")),
    minutes=st.integers(min_value=0, max_value=7 * 24 * 60 - 1),
)
@settings(max_examples=200, deadline=None)
def test_any_person_at_any_time_gets_three_to_five_ranked_suggestions(
    segment: str | None,
    topics: list[str],
    answers: dict[str, str],
    lang: str,
    municipality: str | None,
    minutes: int,
) -> None:
    now = dt.datetime(2026, 11, 30, tzinfo=HELSINKI) + dt.timedelta(minutes=minutes)
    found = suggest(
        load_default(), segment=segment, topics=topics, answers=answers, language=lang,
        municipality=municipality, now=now,
    )  # fmt: skip
    assert 3 <= len(found) <= 5
    assert len({s.service.id for s in found}) == len(found)
    assert any(s.service.phone for s in found), "nothing to call"
    fitting = [s.score for s in found if s.fits]
    if found[-1].service.phone and not any(s.service.phone for s in found[:-1]):
        fitting = [s.score for s in found[:-1] if s.fits]  # the one to call comes last
    assert fitting == sorted(fitting, reverse=True)
    if services.situations_from(answers) & {"acute"}:
        assert any("acute" in s.situations for s in found)
