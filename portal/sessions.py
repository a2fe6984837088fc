"""Server-side sessions: the cookie holds only a random id; the data lives in the database or Redis.

The store never sees the cookie value: rows are keyed by an HMAC of it, and the data is sealed with
AES-GCM under a key derived from it. So the store alone reveals nothing, and on a shared tablet the
next person's browser holds nothing of the last person but, at most, a dead random id.

Under load the store is the hot spot, so a request writes only when it has to: a session that
holds nothing (a first visit to the landing page) has no row at all — its CSRF token is derived
from the cookie's id, not stored — and a request that changed nothing only renews the expiry,
at most once a minute. A request that did change something re-reads the stored data under a
lock and applies its own changes to it, so two answers sent at once on one visit are both kept.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import Engine, bindparam, delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from portal.clock import utc_now
from portal.db import Unavailable, on_sqlite_driver, write_engine
from portal.models import VisitSession


class SessionJSON:
    """JSON with bytes, in Flask's tagged form ({" b": base64}), so rows written by Flask's
    TaggedJSONSerializer still open. The C json module does the work and Python is called
    only for bytes and for one-key dicts: Flask's serializer walks every value in Python,
    which was the costliest part of a submission after the key derivation."""

    @staticmethod
    def _encode(value: Any) -> Any:
        if isinstance(value, bytes):
            return {" b": base64.b64encode(value).decode("ascii")}
        raise TypeError(f"a session cannot hold {type(value).__name__}")

    @staticmethod
    def _decode(obj: dict[str, Any]) -> Any:
        if len(obj) == 1:
            key = next(iter(obj))
            if key == " b":
                return base64.b64decode(obj[key])
            if key == " t":  # a tuple, as Flask's serializer wrote it
                return tuple(obj[key])
        return obj

    def dumps(self, data: Any) -> str:
        return json.dumps(data, separators=(",", ":"), default=self._encode)

    def loads(self, text: str) -> Any:
        return json.loads(text, object_hook=self._decode)


SERIALIZER = SessionJSON()
# Flask-WTF's key: its value is derived from the session id, so it never needs a row.
CSRF_KEY = "csrf_token"
# A session that was not changed renews its expiry at most this often (seconds).
RENEW_AFTER = 60
_MISSING = object()
# The store's statements, built once (every page reads the visit, every answer writes it).
# PostgreSQL: through SQLAlchemy (the row lock, the watchdog on every wait).
_LOAD = select(VisitSession.data, VisitSession.expires_at).where(
    VisitSession.id == bindparam("key")
)
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_TOUCH = (
    update(VisitSession)
    .where(VisitSession.id == bindparam("key"), VisitSession.expires_at > bindparam("now"))
    .values(expires_at=bindparam("expires"))
)
_WRITE = (
    update(VisitSession)
    .where(VisitSession.id == bindparam("key"))
    .values(data=bindparam("data"), expires_at=bindparam("expires"))
)
_INSERT = insert(VisitSession)
_DROP = delete(VisitSession).where(VisitSession.id == bindparam("key"))
# SQLite: the same, on the driver connection (SqlSessionStore._on_sqlite).
_LOAD_SQL = "SELECT data, expires_at FROM visit_sessions WHERE id = ?"
_TOUCH_SQL = "UPDATE visit_sessions SET expires_at = ? WHERE id = ? AND expires_at > ?"
_WRITE_SQL = "UPDATE visit_sessions SET data = ?, expires_at = ? WHERE id = ?"
_INSERT_SQL = "INSERT INTO visit_sessions (id, data, expires_at) VALUES (?, ?, ?)"
_DROP_SQL = "DELETE FROM visit_sessions WHERE id = ?"


@dataclass(frozen=True)
class Loaded:
    blob: bytes
    expires_at: dt.datetime


class SessionStore(Protocol):
    def load(self, key: str) -> Loaded | None: ...
    def touch(self, key: str, seconds: int) -> None: ...
    def update(
        self, key: str, merge: Callable[[bytes | None], bytes | None], seconds: int
    ) -> None: ...
    def drop(self, key: str) -> None: ...




class SqlSessionStore:
    """Sessions in the app's own database (the default: nothing else to run)."""

    def __init__(self, engine: Engine, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.engine = engine
        # Writes take SQLite's write lock up front (BEGIN IMMEDIATE): a deferred transaction
        # that reads first and writes later fails at once with "database is locked" when
        # another worker wrote in between, instead of waiting its turn.
        self.writer = write_engine(engine)
        self.sqlite = engine.dialect.name == "sqlite"
        self.now = now

    def load(self, key: str) -> Loaded | None:
        """The row's sealed data and expiry, or None. Every page asks this, so it is kept cheap:
        one prepared statement (on SQLite straight on the pooled driver connection, a read that
        needs no transaction of its own)."""
        if self.sqlite:
            row = self._load_sqlite(key)
        else:
            with self.engine.connect() as conn:
                row = conn.execute(_LOAD, {"key": key}).first()
        if row is None:
            return None
        data, expires_at = row
        if isinstance(expires_at, str):  # SQLite keeps DateTime as ISO text
            expires_at = dt.datetime.fromisoformat(expires_at)
        if expires_at <= self.now():
            return None
        return Loaded(bytes(data), expires_at)

    def _load_sqlite(self, key: str) -> tuple[Any, Any] | None:
        return cast(
            tuple[Any, Any] | None,
            self._on_sqlite(lambda cursor: cursor.execute(_LOAD_SQL, (key,)).fetchone()),
        )

    def _on_sqlite(self, work: Callable[[sqlite3.Cursor], Any], write: bool = False) -> Any:
        try:
            return on_sqlite_driver(self.engine, work, write)
        except Unavailable as error:
            raise StoreUnavailable(str(error)) from error

    def touch(self, key: str, seconds: int) -> None:
        now = self.now()
        expires = now + dt.timedelta(seconds=seconds)
        if self.sqlite:
            self._on_sqlite(
                lambda cursor: cursor.execute(_TOUCH_SQL, (_sqlite_time(expires), key, _sqlite_time(now))),
                write=True,
            )
            return
        with self.writer.begin() as conn:
            conn.execute(_TOUCH, {"key": key, "now": now, "expires": expires})

    def update(self, key: str, merge: Callable[[bytes | None], bytes | None], seconds: int) -> None:
        """Read the stored blob under a lock, let `merge` make the new one, write it back."""
        now = self.now()
        expires = now + dt.timedelta(seconds=seconds)
        if self.sqlite:

            def work(cursor: sqlite3.Cursor) -> None:
                row = cursor.execute(_LOAD_SQL, (key,)).fetchone()
                alive = row is not None and dt.datetime.fromisoformat(row[1]) > now
                blob = merge(bytes(row[0]) if alive else None)
                if blob is None:
                    if row is not None:
                        cursor.execute(_DROP_SQL, (key,))
                elif row is None:
                    cursor.execute(_INSERT_SQL, (key, blob, _sqlite_time(expires)))
                else:
                    cursor.execute(_WRITE_SQL, (blob, _sqlite_time(expires), key))

            self._on_sqlite(work, write=True)
            return
        with self.writer.begin() as conn:
            row = conn.execute(_LOAD_FOR_UPDATE, {"key": key}).first()
            current = None if row is None or row.expires_at <= now else bytes(row.data)
            blob = merge(current)
            if blob is None:
                if row is not None:
                    conn.execute(_DROP, {"key": key})
            elif row is None:
                conn.execute(_INSERT, {"id": key, "data": blob, "expires_at": expires})
            else:
                conn.execute(_WRITE, {"key": key, "data": blob, "expires": expires})

    def drop(self, key: str) -> None:
        if self.sqlite:
            self._on_sqlite(lambda cursor: cursor.execute(_DROP_SQL, (key,)), write=True)
            return
        with self.writer.begin() as conn:
            conn.execute(_DROP, {"key": key})


def _sqlite_time(moment: dt.datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it (so comparisons in SQL still hold)."""
    return moment.isoformat(sep=" ", timespec="microseconds")


class RedisSessionStore:
    """Sessions in Redis, for several app instances behind a load balancer."""

    def __init__(
        self,
        client: Any,
        prefix: str = "portal:session:",
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.now = now

    def load(self, key: str) -> Loaded | None:
        pipe = self.client.pipeline(transaction=False)
        pipe.get(self.prefix + key)
        pipe.pttl(self.prefix + key)
        value, pttl = pipe.execute()
        if value is None:
            return None
        expires = self.now() + dt.timedelta(milliseconds=max(int(pttl), 0))
        return Loaded(bytes(value), expires)

    def touch(self, key: str, seconds: int) -> None:
        self.client.expire(self.prefix + key, seconds)

    def update(self, key: str, merge: Callable[[bytes | None], bytes | None], seconds: int) -> None:
        import redis

        name = self.prefix + key
        with self.client.pipeline() as pipe:
            for _attempt in range(20):
                try:
                    pipe.watch(name)
                    current = pipe.get(name)
                    blob = merge(None if current is None else bytes(current))
                    pipe.multi()
                    if blob is None:
                        pipe.delete(name)
                    else:
                        pipe.set(name, blob, ex=seconds)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue
        raise redis.ConnectionError("the session kept changing under us")

    def drop(self, key: str) -> None:
        self.client.delete(self.prefix + key)


class VisitSessionData(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        sid: str | None = None,
        loaded: Loaded | None = None,
        original: dict[str, Any] | None = None,
    ) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.loaded = loaded
        # What the store held when the request began, to merge this request's changes into
        # whatever a concurrent request on the same visit may have written meanwhile (a second
        # parse of the stored text is cheaper than a deep copy).
        self.original: dict[str, Any] = (
            original if original is not None else copy.deepcopy(dict(initial or {}))
        )
        self.modified = False
        self.rotate = False
        self.csrf_used = False
        # The store could not be read: nothing may be written back over the visit.
        self.unavailable = False

    def __getitem__(self, key: str) -> Any:
        if key == CSRF_KEY:
            self.csrf_used = True
        return super().__getitem__(key)

    def clear_and_rotate(self) -> None:
        """Forget everything and take a new id (login, logout, quick exit, a new person)."""
        self.clear()
        self.rotate = True


class StoreUnavailable(Unavailable):
    """The session store did not answer in time; the person gets the 'try again' page."""


def changes(before: Any, after: Any) -> dict[str, Any]:
    """A nested diff: {key: ("set", value) | ("del",) | ("sub", diff)} between two dicts."""
    diff: dict[str, Any] = {}
    for key in before.keys() - after.keys():
        diff[key] = ("del",)
    for key, value in after.items():
        old = before.get(key, _MISSING)
        if old is _MISSING or old != value:
            if isinstance(old, dict) and isinstance(value, dict):
                diff[key] = ("sub", changes(old, value))
            else:
                diff[key] = ("set", copy.deepcopy(value))
    return diff


def apply_changes(target: dict[str, Any], diff: dict[str, Any]) -> None:
    """Apply `changes()` to another version of the data; a part deleted meanwhile stays deleted."""
    for key, change in diff.items():
        if change[0] == "del":
            target.pop(key, None)
        elif change[0] == "set":
            target[key] = change[1]
        elif isinstance(target.get(key), dict):
            apply_changes(target[key], change[1])


class ServerSideSessionInterface(SessionInterface):
    def __init__(
        self,
        store: SessionStore,
        secret: bytes,
        cookie_name: str,
        secure: bool,
        lifetime: Callable[[VisitSessionData], int],
        now: Callable[[], dt.datetime] = utc_now,
        on_unavailable: Callable[[Response], None] | None = None,
    ) -> None:
        self.on_unavailable = on_unavailable
        self.store = store
        self.secret = secret
        self.cookie_name = cookie_name
        self.secure = secure
        self.lifetime = lifetime
        self.now = now

    def _row_key(self, sid: str) -> str:
        return hmac.new(self.secret, b"row:" + sid.encode(), hashlib.sha256).hexdigest()

    def _csrf(self, sid: str) -> str:
        return hmac.new(self.secret, b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()

    def _aead(self, sid: str) -> AESGCM:
        return AESGCM(hashlib.sha256(b"seal:" + sid.encode()).digest())

    def _seal(self, sid: str, data: dict[str, Any]) -> bytes:
        nonce = secrets.token_bytes(12)
        plain = SERIALIZER.dumps(data).encode()
        return nonce + self._aead(sid).encrypt(nonce, plain, None)

    def _unseal(self, sid: str, blob: bytes) -> dict[str, Any] | None:
        text = self._open_text(sid, blob)
        return None if text is None else self._parse(text)

    def _open_text(self, sid: str, blob: bytes) -> str | None:
        try:
            return self._aead(sid).decrypt(blob[:12], blob[12:], None).decode()
        except (InvalidTag, ValueError):
            return None

    @staticmethod
    def _parse(text: str) -> dict[str, Any] | None:
        try:
            data = SERIALIZER.loads(text)
        except ValueError:  # json.JSONDecodeError, bad base64
            return None
        return data if isinstance(data, dict) else None

    def _fresh(self, sid: str | None = None) -> VisitSessionData:
        session = VisitSessionData(sid=sid or secrets.token_urlsafe(32))
        assert session.sid is not None  # noqa: S101 - for the type checker
        dict.__setitem__(session, CSRF_KEY, self._csrf(session.sid))
        return session

    def open_session(self, app: Flask, request: Request) -> VisitSessionData:
        from portal.db import is_unavailable

        sid = request.cookies.get(self.cookie_name, "")
        if len(sid) != 43:  # token_urlsafe(32)
            return self._fresh()
        try:
            loaded = self.store.load(self._row_key(sid))
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            session = self._fresh(sid)
            session.unavailable = True
            return session
        text = None if loaded is None else self._open_text(sid, loaded.blob)
        data = None if text is None else self._parse(text)
        if data is None or text is None:
            # No row (a session that never held anything, or one that ended): keep the id, so
            # the CSRF token of the page the browser shows still fits.
            return self._fresh(sid)
        original = self._parse(text)
        data[CSRF_KEY] = self._csrf(sid)
        return VisitSessionData(data, sid=sid, loaded=loaded, original=original)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, VisitSessionData):  # pragma: no cover - set by create_app
            raise TypeError("the portal's session interface only saves its own sessions")
        if session.unavailable:
            return
        try:
            self._save(session, response)
        except Exception as exc:
            from portal.db import is_unavailable

            if not is_unavailable(exc):
                raise
            session.unavailable = True
            if self.on_unavailable is None:
                raise StoreUnavailable("the session store did not answer") from exc
            # The page was made but what it did could not be kept: the person gets the
            # "try again" page instead of a redirect that would pretend otherwise.
            self.on_unavailable(response)

    def _save(self, session: VisitSessionData, response: Response) -> None:
        from flask import request

        old_sid = session.sid
        existed = session.loaded is not None
        ended = existed and (session.rotate or not session.keys() - {CSRF_KEY})
        if session.rotate:
            if old_sid and existed:
                self.store.drop(self._row_key(old_sid))
            session.sid = secrets.token_urlsafe(32)
            session.loaded = None
            existed = False
            session.original = {}
            dict.__setitem__(session, CSRF_KEY, self._csrf(session.sid))
        sid = session.sid
        assert sid is not None  # noqa: S101 - every session gets an id when opened
        response.vary.add("Cookie")
        keep = {k: v for k, v in session.items() if k != CSRF_KEY}
        if not keep:
            if existed:
                self.store.drop(self._row_key(sid))
            if session.csrf_used:
                # The page shows a form whose token was derived from this id: the browser
                # needs the id, but a session with nothing else in it needs no row.
                if request.cookies.get(self.cookie_name) != sid:
                    self._set_cookie(response, sid)
            elif ended or session.rotate:
                response.delete_cookie(self.cookie_name, path="/", secure=self.secure)
            return
        seconds = self.lifetime(session)
        before = {k: v for k, v in session.original.items() if k != CSRF_KEY}
        diff = changes(before, keep)
        if diff:
            sealed_sid = sid
            # What this request read, already opened: if the row still holds exactly that
            # blob, nobody wrote meanwhile and it need not be decrypted and parsed again. Used
            # once (a store that retries calls merge again, e.g. Redis after a conflict).
            unchanged = [] if session.loaded is None else [(session.loaded.blob, before)]

            def merge(current: bytes | None) -> bytes | None:
                if current is None:
                    if existed:
                        return None  # ended meanwhile (finished, left): do not bring it back
                    base: dict[str, Any] = {}
                elif unchanged and unchanged[0][0] == current:
                    base = unchanged.pop()[1]
                else:
                    unchanged.clear()
                    base = self._unseal(sealed_sid, current) or {}
                    base.pop(CSRF_KEY, None)
                apply_changes(base, diff)
                return self._seal(sealed_sid, base) if base else None

            self.store.update(self._row_key(sid), merge, seconds)
        elif existed and self._due(session, seconds):
            self.store.touch(self._row_key(sid), seconds)
        if sid != request.cookies.get(self.cookie_name):
            self._set_cookie(response, sid)

    def _due(self, session: VisitSessionData, seconds: int) -> bool:
        from flask import request

        if request.method not in ("GET", "HEAD"):
            return True  # e.g. "I need more time": always renew
        loaded = session.loaded
        if loaded is None:
            return True
        left = (loaded.expires_at - self.now()).total_seconds()
        return left < seconds - RENEW_AFTER

    def _set_cookie(self, response: Response, sid: str) -> None:
        response.set_cookie(
            self.cookie_name, sid, httponly=True, secure=self.secure, samesite="Lax", path="/"
        )
