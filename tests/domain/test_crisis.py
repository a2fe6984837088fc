"""Crisis and help lines: every fact has a source and a date; someone is always reachable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from portal.domain import crisis
from portal.domain.crisis import HELSINKI, CrisisContactsError
from portal.domain.questionnaire import LANGUAGES

CONTACTS = crisis.load_default()
# A fixed week: Monday 2026-11-30 00:00 Helsinki time, and a summer-time week for the clock change.
WINTER_MONDAY = dt.datetime(2026, 11, 30, tzinfo=HELSINKI)
SUMMER_MONDAY = dt.datetime(2026, 6, 1, tzinfo=HELSINKI)


def every_hour_of(monday: dt.datetime) -> list[dt.datetime]:
    return [monday + dt.timedelta(hours=h, minutes=m) for h in range(7 * 24) for m in (0, 59)]


def test_every_contact_and_line_has_a_source_and_a_checked_date() -> None:
    assert dt.date.fromisoformat(CONTACTS.checked)
    for contact in CONTACTS.contacts:
        assert contact.source.startswith(("https://", "http://")), contact.id
        assert dt.date.fromisoformat(contact.checked) <= dt.date(2026, 12, 1), contact.id
        for line in contact.lines:
            assert line.source.startswith(("https://", "http://")), (contact.id, line.number)


def test_every_unverified_line_says_why_in_the_note_and_where_to_check() -> None:
    for contact in CONTACTS.contacts:
        for line in contact.lines:
            if not line.verified:
                assert line.number in contact.note, (contact.id, line.number)
                assert contact.website.startswith("https://"), contact.id


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("monday", [WINTER_MONDAY, SUMMER_MONDAY], ids=["winter", "summer"])
def test_in_every_language_a_crisis_line_shown_is_open_at_every_hour_of_the_week(
    lang: str, monday: dt.datetime
) -> None:
    shown = CONTACTS.contact("crisis_helpline").lines_for(lang)
    closed_at = [t for t in every_hour_of(monday) if not any(line.open_now(t) for line in shown)]
    assert closed_at == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_swedish_and_english_readers_get_their_own_line_and_the_finnish_line_open_day_and_night(
    lang: str,
) -> None:
    shown = CONTACTS.contact("crisis_helpline").lines_for(lang)
    assert shown[0].answers_in(lang)
    assert [line.number for line in shown[1:]] == ["09 2525 0111"]
    assert shown[1].hours.always and shown[1].languages == ("fi",)


def test_a_finnish_reader_gets_the_finnish_line_only() -> None:
    assert [line.number for line in CONTACTS.contact("crisis_helpline").lines_for("fi")] == [
        "09 2525 0111"
    ]


def test_the_english_line_is_the_number_on_mielis_own_page() -> None:
    english = CONTACTS.contact("crisis_helpline").lines_for("en")[0]
    assert english.number == "09 2525 0116"
    assert english.verified and english.source == "https://mieli.fi/helpline"
    assert not any(line.number == "09 2525 0113" for line in CONTACTS.contact("crisis_helpline").lines)


@pytest.mark.parametrize(
    ("when", "open_"),
    [
        (dt.datetime(2026, 12, 4, 9, 0, tzinfo=HELSINKI), True),  # Friday 9:00
        (dt.datetime(2026, 12, 4, 12, 59, tzinfo=HELSINKI), True),
        (dt.datetime(2026, 12, 4, 13, 0, tzinfo=HELSINKI), False),  # "to" is exclusive
        (dt.datetime(2026, 12, 4, 8, 59, tzinfo=HELSINKI), False),
        (dt.datetime(2026, 12, 3, 10, 0, tzinfo=HELSINKI), False),  # Thursday
        # The clock passed in may be in UTC: 07:30 UTC on a winter Friday is 9:30 in Helsinki,
        (dt.datetime(2026, 12, 4, 7, 30, tzinfo=dt.UTC), True),
        # and in summer time 06:30 UTC is 9:30 in Helsinki.
        (dt.datetime(2026, 6, 5, 6, 30, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 6, 5, 10, 30, tzinfo=dt.UTC), False),  # 13:30 in Helsinki
    ],
)
def test_open_now_is_computed_in_helsinki_time_from_the_clock_passed_in(
    when: dt.datetime, open_: bool
) -> None:
    english = CONTACTS.contact("crisis_helpline").lines_for("en")[0]
    assert english.open_now(when) is open_


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        crisis.ALWAYS.is_open(dt.datetime(2026, 12, 4, 10, 0))


def test_a_line_whose_hours_are_not_confirmed_never_counts_as_open() -> None:
    swedish = CONTACTS.contact("crisis_helpline").lines_for("sv")[0]
    assert not swedish.verified
    assert swedish.hours.is_open(dt.datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI))  # a Tuesday
    assert not swedish.open_now(dt.datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI))


def test_the_poison_centre_states_its_cost_once_and_correctly() -> None:
    poison = CONTACTS.contact("poison_centre")
    free, backup = poison.lines
    assert free.number == "0800 147 111" and poison.cost_of(free)["en"] == "Free of charge."
    assert backup.number == "09 471 977" and poison.cost_of(backup)["en"] == "normal call charge"
    for contact in CONTACTS.contacts:
        for lang in LANGUAGES:
            text = contact.description[lang].lower()
            assert not any(w in text for w in ("free", "maksu", "gratis", "avgift", "charge"))


def test_the_national_helplines_and_the_social_emergency_service_are_there() -> None:
    assert CONTACTS.contact("substance_helpline").lines[0].number == "0800 900 45"
    assert CONTACTS.contact("medical_advice").lines[0].number == "116117"
    assert CONTACTS.contact("social_emergency").lines[0].number == "112"
    assert CONTACTS.non_urgent == ("substance_helpline", "medical_advice")


def test_contacts_for_flags_come_once_each_and_end_with_the_social_emergency_service() -> None:
    shown = CONTACTS.for_flags(
        [("emergency", "crisis_helpline"), ("emergency", "poison_centre", "crisis_helpline")]
    )
    assert [c.id for c in shown] == [
        "emergency", "crisis_helpline", "poison_centre", "social_emergency"
    ]
    assert CONTACTS.for_flags([]) == ()


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(crisis.default_path().read_text(encoding="utf-8"))
    data["contacts"][1]["lines"][1].update(change)
    path = tmp_path / "contacts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours": "sometimes"}, "hours are 'always'"),
        ({"hours": [{"days": ["funday"], "from": "09:00", "to": "10:00"}]}, "days must be"),
        ({"hours": [{"days": ["mon"], "from": "13:00", "to": "09:00"}]}, "end after it starts"),
        ({"hours": [{"days": ["mon"], "from": "9am", "to": "10:00"}]}, "not a time"),
        ({"languages": ["de"]}, "languages must be"),
        ({"source": "mieli.fi"}, "source URL"),
        ({"verified": "yes"}, "verified: true or false"),
    ],
)
def test_a_wrong_contacts_file_is_refused_with_a_message_naming_the_line(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with pytest.raises(CrisisContactsError, match=message) as caught:
        crisis.load(_write(tmp_path, change))
    assert "09 2525 0112" in str(caught.value)
