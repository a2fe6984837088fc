"""Rate limits every app instance shares: counters in Redis when configured, else in the database.

Limits are windows that start at the first try ("10 per 15 minutes": at most 10 in the 15
minutes from the first, then a fresh window), checked by
hand so a check can come *before* expensive work (the key derivation, a password hash). A key is
a visit, an account name or a tablet, never an address; it is stored only as an HMAC under the
server secret, so neither Redis nor the database shows a name as typed (sometimes a password).

Why the database without Redis: gunicorn's workers share no memory, so counters in memory let
each worker allow the full limit (two workers, twice the tries). The database is the one thing
every worker already shares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, Executable, case, delete, select
from sqlalchemy.orm import Session

from portal.clock import utc_now
from portal.config import Settings
from portal.db import insert_on_conflict
from portal.models import RateCounter


class Counters(Protocol):
    def add(self, key: str, seconds: int) -> tuple[int, float]:
        """Count one more under `key`; the count so far and the seconds
        left in its window.

        A window starts at its first hit and lasts `seconds`; the next hit after it starts anew.
        """

    def peek(self, key: str) -> tuple[int, float]: ...

    def reset(self, key: str) -> None: ...


class SqlCounters:
    """Counters in the app's own database, committed at once (never rolled back with whatever
    the request does next).

    Inside a request they go through the request's own database session (`current`), which
    is committed: on SQLite a second connection writing while the request's session holds a
    read snapshot would make that session's next write fail ("database is locked"). Every
    caller counts before it changes anything, so nothing else is committed early.
    """

    def __init__(
        self,
        engine: Engine,
        current: Callable[[], Session | None] = lambda: None,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.current = current
        self.now = now

    def _run(self, statement: Executable, write: bool, fetch: bool = True) -> tuple[Any, ...] | None:
        session = self.current()
        if session is not None:
            result = session.execute(statement)
            row = result.first() if fetch else None
            if write:
                session.commit()
        else:
            with self.engine.begin() as conn:
                found = conn.execute(statement)
                row = found.first() if fetch else None
        return None if row is None else tuple(row)

    def add(self, key: str, seconds: int) -> tuple[int, float]:
        now = self.now()
        ends = now + dt.timedelta(seconds=seconds)
        table = RateCounter.__table__
        over = table.c.expires_at <= now
        insert = insert_on_conflict(self.engine.dialect.name)
        statement = (
            insert(table)
            .values(key=key, count=1, expires_at=ends)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((over, 1), else_=table.c["count"] + 1),
                    "expires_at": case((over, ends), else_=table.c.expires_at),
                },
            )
            .returning(table.c["count"], table.c.expires_at)
        )
        if secrets.randbelow(100) == 0:  # old windows go now and then, without a scheduler
            self._run(
                delete(RateCounter).where(RateCounter.expires_at <= now), write=True, fetch=False
            )
        row = self._run(statement, write=True)
        if row is None:  # pragma: no cover - an upsert with RETURNING always gives the row
            raise RuntimeError("the rate counter was not written")
        count, window_ends = row
        return int(count), (window_ends - now).total_seconds()

    def peek(self, key: str) -> tuple[int, float]:
        now = self.now()
        row = self._run(
            select(RateCounter.count, RateCounter.expires_at).where(
                RateCounter.key == key, RateCounter.expires_at > now
            ),
            write=False,
        )
        if row is None:
            return 0, 0.0
        count, window_ends = row
        return int(count), (window_ends - now).total_seconds()

    def reset(self, key: str) -> None:
        self._run(delete(RateCounter).where(RateCounter.key == key), write=True, fetch=False)


class RedisCounters:
    """Counters in Redis, for several app instances."""

    def __init__(self, client: Any, prefix: str = "portal:limit:") -> None:
        self.client = client
        self.prefix = prefix

    def add(self, key: str, seconds: int) -> tuple[int, float]:
        pipe = self.client.pipeline()
        pipe.set(self.prefix + key, 0, ex=seconds, nx=True)
        pipe.incr(self.prefix + key)
        pipe.pttl(self.prefix + key)
        _, count, pttl = pipe.execute()
        return int(count), max(int(pttl), 0) / 1000

    def peek(self, key: str) -> tuple[int, float]:
        pipe = self.client.pipeline()
        pipe.get(self.prefix + key)
        pipe.pttl(self.prefix + key)
        value, pttl = pipe.execute()
        return (0 if value is None else int(value)), max(int(pttl), 0) / 1000

    def reset(self, key: str) -> None:
        self.client.delete(self.prefix + key)


@dataclass(frozen=True)
class Blocked:
    """A rate limit was reached; `retry_at` (UTC) says when the next try is allowed."""

    retry_at: dt.datetime
    minutes: int  # whole minutes to wait, at least 1, as the page says it


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int


_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*", re.IGNORECASE)


def parse_limit(text: str) -> Limit:
    """'30 per hour', '10 per 15 minutes' or '5/minute'; ValueError for anything else."""
    found = _RATE.fullmatch(text)
    if found is None or int(found[1]) < 1 or (found[2] is not None and int(found[2]) < 1):
        raise ValueError(f"not a rate limit: {text!r}")
    return Limit(int(found[1]), int(found[2] or 1) * _UNITS[found[3].lower()])


class RateLimits:
    """Named limits: `hit` counts and answers; `exceeded` only looks (for failures-only limits,
    checked before the attempt and counted after a failure)."""

    def __init__(
        self,
        counters: Counters,
        secret: bytes,
        limits: Mapping[str, str],
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.counters = counters
        self.secret = secret
        self.now = now
        self.items = {name: parse_limit(text) for name, text in limits.items()}

    def _key(self, name: str, key: str) -> tuple[str, Limit]:
        limit = self.items[name]
        message = f"{name}\x00{key}\x00{limit.amount}/{limit.seconds}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest(), limit

    def _blocked(self, seconds_left: float) -> Blocked:
        retry_at = self.now() + dt.timedelta(seconds=seconds_left)
        return Blocked(retry_at, max(1, math.ceil(seconds_left / 60)))

    def hit(self, name: str, key: str) -> Blocked | None:
        """Count one try; Blocked if it goes over the limit."""
        hashed, limit = self._key(name, key)
        count, left = self.counters.add(hashed, limit.seconds)
        return self._blocked(left) if count > limit.amount else None

    def hit_held(self, held: Mapping[str, Any], name: str) -> tuple[Blocked | None, dict[str, Any]]:
        """As `hit`, for a limit on what one visit does, with the count kept in the visit's own
        session (`held`): no shared write per try. It stops exactly what the shared counter
        would: that counter's key lives in the same session, so a browser that drops its
        cookie starts afresh either way. Returns the answer and the new `held` to keep."""
        limit = self.items[name]
        now = self.now().replace(tzinfo=dt.UTC).timestamp()
        window = held.get(name)
        if not (isinstance(window, list) and len(window) == 2) or float(window[1]) <= now:
            window = [0, now + limit.seconds]
        count, ends = int(window[0]) + 1, float(window[1])
        kept = {**held, name: [count, ends]}
        return (self._blocked(ends - now) if count > limit.amount else None), kept

    def exceeded(self, name: str, key: str) -> Blocked | None:
        """Blocked if the limit is used up already; counts nothing."""
        hashed, limit = self._key(name, key)
        count, left = self.counters.peek(hashed)
        return self._blocked(left) if count >= limit.amount else None

    def clear(self, name: str, key: str) -> None:
        self.counters.reset(self._key(name, key)[0])


def limits_of(settings: Settings) -> dict[str, str]:
    """Every named limit the web layer checks, from the settings."""
    return {
        "login": settings.login_limit,  # failed sign-ins per account name
        "login_global": settings.login_limit_global,  # failed sign-ins overall (breaker)
        "redeem": settings.redeem_limit,  # code redemptions per professional account
        "client_code": settings.client_code_limit,  # code look-ups per visit
        "client_code_global": settings.client_code_limit_global,  # unknown codes overall (breaker)
        "second_factor": settings.second_factor_limit,  # wrong codes per account
        "submit": settings.submit_limit,  # records per visit
        "submit_tablet": settings.tablet_submit_limit,  # records per shared tablet
    }
