"""The service directory as data: read and check a services YAML file into typed entries."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from portal.domain.data_reader import DataReader, read_yaml
from portal.domain.questionnaire_types import LANGUAGES, Localized

KINDS = (
    "substance_outpatient",
    "health_counselling_point",
    "low_threshold_day_centre",
    "adult_social_work",
    "social_crisis_emergency",
    "housing_advice",
    "debt_advice",
    "peer_support",
    "health_helpline",
    "national_phone",
    "national_online",
)
TOPICS = (
    "housing", "money", "alcohol", "drugs", "mental_health", "physical_health",
    "relationships", "work_studies", "legal", "other",
)  # fmt: skip
SEGMENTS = ("self_care", "supported", "collaborative", "intensive")
ACCESS = ("walk_in", "book", "phone", "online")
MUNICIPALITIES = ("vantaa", "kerava", "any")
AGES = ("under_25", "25_64", "65_plus")
# Safety answers a service is especially for (matching derives them from the answers).
SITUATIONS = ("injecting", "overdose", "acute", "housing_crisis", "unsafe_home")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STALE_AFTER = dt.timedelta(days=365)

_RANGE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ]{1,18}[0-9]$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_KEYS = {
    "id", "name", "description", "kind", "topics", "segments", "situations", "languages",
    "access", "anonymous", "free", "municipalities", "ages", "hours", "hours_note", "phone",
    "address", "web", "step_free", "source", "checked", "verified", "note",
}  # fmt: skip


class ServiceDirectoryError(ValueError):
    """A directory file is wrong; `problems` holds every 'file: place: what is wrong' line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "the service directory is wrong")
        self.problems = problems

    def one_line(self) -> str:
        more = len(self.problems) - 1
        tail = f" (and {more} more; run `portal services check`)" if more > 0 else ""
        return f"{self.problems[0]}{tail}"


Minutes = tuple[int, int]  # opening ranges as minutes after midnight, end exclusive


@dataclass(frozen=True)
class OpeningHours:
    always: bool
    week: Mapping[int, tuple[Minutes, ...]]  # weekday (Monday 0) -> ranges; empty: closed

    @property
    def known(self) -> bool:
        return self.always or bool(self.week)


UNKNOWN_HOURS = OpeningHours(always=False, week={})


@dataclass(frozen=True)
class Service:
    id: str
    name: Localized
    description: Localized
    kind: str
    topics: tuple[str, ...]
    segments: tuple[str, ...]
    situations: tuple[str, ...]
    languages: tuple[str, ...]
    access: tuple[str, ...]
    anonymous: bool | None
    free: bool | None
    municipalities: tuple[str, ...]
    ages: tuple[str, ...]
    hours: OpeningHours
    hours_note: Localized | None
    phone: str | None
    address: str | None
    web: str | None
    step_free: bool | None
    source: str
    checked: dt.date
    verified: bool
    note: str

    def is_stale(self, today: dt.date) -> bool:
        return today - self.checked > STALE_AFTER


@dataclass(frozen=True)
class ServiceDirectory:
    region: str
    title: Localized
    services: tuple[Service, ...]
    source: str

    def stale(self, today: dt.date) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.is_stale(today))

    def texts(self) -> list[tuple[str, Localized]]:
        """Every text a reader may see, with its place (for the wording check)."""
        found: list[tuple[str, Localized]] = [("title", self.title)]
        for s in self.services:
            found += [
                (f"service {s.id!r}: name", s.name),
                (f"service {s.id!r}: description", s.description),
            ]
            if s.hours_note is not None:
                found.append((f"service {s.id!r}: hours_note", s.hours_note))
        return found


class _Reader(DataReader):
    def choices(
        self, raw: object, where: str, allowed: tuple[str, ...], empty: bool = False
    ) -> tuple[str, ...]:
        values = tuple(str(v) for v in self.seq(raw, where))
        for value in values:
            if value not in allowed:
                self.fail(where, f"{value!r} is not one of {', '.join(allowed)}")
        if not values and not empty:
            self.fail(where, "needs at least one value")
        if len(set(values)) != len(values):
            self.fail(where, "a value is listed twice")
        return values

    def maybe_bool(self, data: Mapping[str, Any], key: str, where: str) -> bool | None:
        raw = data.get(key)
        if raw is None or isinstance(raw, bool):
            return raw
        self.fail(f"{where}: {key}", f"must be true, false or left out (unknown), not {raw!r}")
        return None

    def https(self, raw: object, where: str) -> str:
        if isinstance(raw, str) and raw.startswith(("https://", "http://")) and " " not in raw:
            return raw
        self.fail(where, f"must be a web address (https://...), not {raw!r}")
        return ""

    def hours(self, raw: object, where: str) -> OpeningHours:
        if raw is None:
            return UNKNOWN_HOURS
        if raw == "always":
            return OpeningHours(always=True, week={})
        data = self.mapping(raw, where)
        week: dict[int, tuple[Minutes, ...]] = {}
        for key, ranges in data.items():
            if key not in DAYS:
                self.fail(where, f"{key!r} is not a day ({', '.join(DAYS)})")
                continue
            parsed = []
            for text in self.seq(ranges, f"{where}.{key}"):
                match = _RANGE.match(str(text))
                if not match:
                    self.fail(f"{where}.{key}", f'{text!r} is not a time range like "09:00-15:30"')
                    continue
                h1, m1, h2, m2 = (int(g) for g in match.groups())
                start, end = h1 * 60 + m1, h2 * 60 + m2
                if not start < end <= 24 * 60:
                    self.fail(f"{where}.{key}", f"{text!r} must end after it starts, by 24:00")
                    continue
                parsed.append((start, end))
            week[DAYS.index(key)] = tuple(sorted(parsed))
        if not week:
            self.fail(where, 'give "always", at least one day, or leave hours out when unknown')
        return OpeningHours(always=False, week=week)

    def day(self, raw: object, where: str) -> dt.date:
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            self.fail(where, f'must be a quoted date "YYYY-MM-DD", not {raw!r}')
            return dt.date.min

    def service(self, raw: object, index: int) -> Service:
        data = self.mapping(raw, f"services[{index}]")
        service_id = self.ident(data.get("id"), f"services[{index}].id")
        where = f"service {service_id!r}"
        self.unknown_keys(data, _KEYS, where)
        kind = data.get("kind")
        if kind not in KINDS:
            self.fail(f"{where}: kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        languages = tuple(str(v) for v in self.seq(data.get("languages"), f"{where}: languages"))
        if not languages or any(not _LANG.match(v) for v in languages):
            self.fail(f"{where}: languages", "needs language codes such as fi, sv, en")
        phone = data.get("phone")
        if phone is not None and (not isinstance(phone, str) or not _PHONE.match(phone)):
            self.fail(
                f"{where}: phone", f"must be a quoted number of digits and spaces, not {phone!r}"
            )
        address = data.get("address")
        if address is not None:
            address = self.text(address, f"{where}: address")
        verified = data.get("verified")
        if not isinstance(verified, bool):
            self.fail(f"{where}: verified", "must be true or false")
        note = str(data.get("note") or "").strip()
        if verified is False and not note:
            self.fail(
                f"{where}: note", "an entry with verified: false needs a note saying what to check"
            )
        hours_note = data.get("hours_note")
        return Service(
            id=service_id,
            name=self.localized(data.get("name"), f"{where}: name"),
            description=self.localized(data.get("description"), f"{where}: description"),
            kind=str(kind),
            topics=self.choices(data.get("topics"), f"{where}: topics", TOPICS),
            segments=self.choices(data.get("segments"), f"{where}: segments", SEGMENTS),
            situations=self.choices(
                data.get("situations", []), f"{where}: situations", SITUATIONS, True
            ),
            languages=languages,
            access=self.choices(data.get("access"), f"{where}: access", ACCESS),
            anonymous=self.maybe_bool(data, "anonymous", where),
            free=self.maybe_bool(data, "free", where),
            municipalities=self.choices(
                data.get("municipalities"), f"{where}: municipalities", MUNICIPALITIES
            ),
            ages=self.choices(data.get("ages", []), f"{where}: ages", AGES, True),
            hours=self.hours(data.get("hours"), f"{where}: hours"),
            hours_note=None
            if hours_note is None
            else self.localized(hours_note, f"{where}: hours_note"),
            phone=phone if isinstance(phone, str) else None,
            address=address,
            web=None if data.get("web") is None else self.https(data.get("web"), f"{where}: web"),
            step_free=self.maybe_bool(data, "step_free", where),
            source=self.https(data.get("source"), f"{where}: source"),
            checked=self.day(data.get("checked"), f"{where}: checked"),
            verified=verified is True,
            note=note,
        )

    def directory(self, raw: object) -> ServiceDirectory:
        data = self.mapping(raw, "top level")
        self.unknown_keys(data, {"region", "title", "services"}, "top level")
        services = tuple(
            self.service(r, i) for i, r in enumerate(self.seq(data.get("services"), "services"))
        )
        ids = [s.id for s in services]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.fail(f"service {dup!r}", "two services have this id")
        if not services:
            self.fail("services", "the directory lists no services")
        return ServiceDirectory(
            region=self.ident(data.get("region"), "region"),
            title=self.localized(data.get("title"), "title"),
            services=services,
            source=self.source,
        )


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "questionnaires" / "services-vantaa-kerava.yaml"


def load(path: Path) -> ServiceDirectory:
    """Read and check one directory file; raises ServiceDirectoryError with every problem."""
    reader = _Reader(str(path))
    try:
        raw = read_yaml(Path(path))
    except FileNotFoundError:
        raise ServiceDirectoryError([f"{path}: the file does not exist"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise ServiceDirectoryError([f"{path}: cannot be read as YAML: {reason}"]) from None
    directory = reader.directory(raw)
    if reader.problems:
        raise ServiceDirectoryError(reader.problems)
    return directory


@functools.cache
def load_default() -> ServiceDirectory:
    return load(default_path())


__all__ = [
    "LANGUAGES",
    "Service",
    "ServiceDirectory",
    "ServiceDirectoryError",
    "load",
    "load_default",
]
