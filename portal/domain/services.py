"""Where to go next: rank the directory's services for one person, with "open now" and why.

Plain values in (segment, topics, answers, language, municipality, the clock), suggestions out:
no Flask, no database, so v1 records (no municipality, no age band) and v2 records match alike
and the rules are tested in milliseconds. How the ranking decides is in `score` below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from portal.domain.service_directory import OpeningHours, Service, ServiceDirectory

HELSINKI = ZoneInfo("Europe/Helsinki")
FEWEST, MOST = 3, 5

# Points, in the order the issue names them: fits the topics, fits a safety answer, open now,
# speaks your language, walk-in first for supported and intensive care (seed 003: they need
# low-threshold services), self-help online first for self-care. Confirmed details and a
# service in the person's own municipality break near-ties.
TOPIC, SITUATION, OPEN_NOW, LANGUAGE, WALK_IN, SELF_HELP, LOCAL, VERIFIED = 3, 4, 3, 2, 3, 2, 1, 1
WALK_IN_SEGMENTS = ("supported", "intensive")

Answer = str | tuple[str, ...] | list[str] | int | None
OpenStatus = Literal["always", "open", "opens", "closed", "unknown"]


@dataclass(frozen=True)
class OpenState:
    status: OpenStatus
    closes: dt.datetime | None = None  # when open: the end of the current range (local time)
    opens: dt.datetime | None = None  # when closed: the next opening within a week (local)

    @property
    def open_now(self) -> bool:
        return self.status in ("always", "open")


@dataclass(frozen=True)
class Suggestion:
    service: Service
    score: int
    topics: tuple[str, ...]  # the person's topics this service helps with
    situations: tuple[str, ...]  # the person's safety answers this service is for
    speaks_language: bool
    walk_in: bool  # counted as a reason (walk-in matters for this segment)
    local: bool
    open: OpenState

    @property
    def fits(self) -> bool:
        return bool(self.topics or self.situations)


def open_state(hours: OpeningHours, now: dt.datetime) -> OpenState:
    """Whether a service is open at `now` (any time zone), and when it closes or next opens."""
    if hours.always:
        return OpenState("always")
    if not hours.known:
        return OpenState("unknown")
    local = now.astimezone(HELSINKI)
    minute = local.hour * 60 + local.minute
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(8):
        weekday = (local.weekday() + offset) % 7
        day = midnight + dt.timedelta(days=offset)
        for start, end in hours.week.get(weekday, ()):
            if offset == 0 and start <= minute < end:
                return OpenState("open", closes=_at(day, end))
            if offset > 0 or start > minute:
                return OpenState("opens", opens=_at(day, start))
    return OpenState("closed")


def _at(day: dt.datetime, minutes: int) -> dt.datetime:
    # Wall-clock time on that date in Helsinki (correct across the daylight-saving changes).
    naive = day.replace(tzinfo=None) + dt.timedelta(minutes=minutes)
    return naive.replace(tzinfo=HELSINKI)


def situations_from(answers: Mapping[str, Answer]) -> frozenset[str]:
    """The safety answers that call for a particular kind of service (v1 and v2 values)."""
    found = set()
    if answers.get("injecting") == "past_year":
        found.add("injecting")
    overdose = answers.get("overdose")
    if overdose in ("past_month", "1_12_months"):
        found.add("overdose")
    phq9_9 = answers.get("phq9_9")
    if overdose == "past_month" or (phq9_9 is not None and phq9_9 != "not_at_all"):
        found.add("acute")
    if answers.get("housing") in ("no_home", "shelter", "at_risk"):
        found.add("housing_crisis")
    if answers.get("safety_at_home") == "not_safe":
        found.add("unsafe_home")
    return frozenset(found)


def _eligible(service: Service, segment: str | None, municipality: str | None, age: Answer) -> bool:
    if segment is not None and segment not in service.segments:
        return False
    if service.ages and age not in service.ages:
        return False  # a service only for some ages is shown only to a person who said theirs
    places = service.municipalities
    if municipality in ("vantaa", "kerava"):
        return "any" in places or municipality in places
    if municipality == "elsewhere":
        return "any" in places
    return True  # not said: the portal is the county's, so its local services count


def score(
    service: Service,
    *,
    segment: str | None,
    topics: Iterable[str],
    situations: frozenset[str],
    language: str,
    municipality: str | None,
    now: dt.datetime,
) -> Suggestion:
    """One service's points for one person; the higher, the earlier it is suggested."""
    state = open_state(service.hours, now)
    matched = tuple(t for t in topics if t in service.topics)
    needs = tuple(s for s in service.situations if s in situations)
    speaks = language in service.languages
    walk_in = (
        segment in WALK_IN_SEGMENTS and "walk_in" in service.access and state.status != "closed"
    )
    self_help = segment == "self_care" and "online" in service.access
    local = municipality is not None and municipality in service.municipalities
    points = TOPIC * len(matched) + SITUATION * len(needs)
    points += OPEN_NOW * state.open_now + LANGUAGE * speaks + WALK_IN * walk_in
    points += SELF_HELP * self_help
    points += LOCAL * local + VERIFIED * service.verified
    return Suggestion(service, points, matched, needs, speaks, walk_in, local, state)


def suggest(
    directory: ServiceDirectory,
    *,
    segment: str | None,
    topics: Iterable[str],
    answers: Mapping[str, Answer],
    language: str,
    municipality: str | None,
    now: dt.datetime,
) -> tuple[Suggestion, ...]:
    """3 to 5 services, best first: those that fit a topic or a safety answer, then (only to
    reach three) the best of the rest; if none of them has a phone number, the best service
    that has one comes last. Equal points: open now first, then the file's order."""
    chosen_topics = tuple(dict.fromkeys(topics))
    situations = situations_from(answers)
    age = answers.get("age_band")
    ranked = sorted(
        (
            score(
                s,
                segment=segment,
                topics=chosen_topics,
                situations=situations,
                language=language,
                municipality=municipality,
                now=now,
            )
            for s in directory.services
            if _eligible(s, segment, municipality, age)
        ),
        key=lambda s: (-s.score, not s.open.open_now),
    )
    fitting = [s for s in ranked if s.fits][:MOST]
    rest = [s for s in ranked if not s.fits]
    chosen = fitting + rest[: max(0, FEWEST - len(fitting))]
    # Someone may leave with only websites: keep at least one service they can call.
    callable_ = next((s for s in ranked if s.service.phone), None)
    if callable_ is not None and not any(s.service.phone for s in chosen):
        chosen = [*chosen[: MOST - 1], callable_]
    return tuple(chosen)
