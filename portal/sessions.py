"""Server-side sessions: the cookie holds only a random id; the data lives in the database or Redis.

The store never sees the cookie value: rows are keyed by an HMAC of it, and the data is sealed with
AES-GCM under a key derived from it. So the store alone reveals nothing, and on a shared tablet the
next person's browser holds nothing of the last person but, at most, a dead random id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import Engine, delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from portal.models import VisitSession

SERIALIZER = TaggedJSONSerializer()


class SessionStore(Protocol):
    def load(self, key: str) -> bytes | None: ...
    def save(self, key: str, blob: bytes, seconds: int) -> None: ...
    def drop(self, key: str) -> None: ...


class SqlSessionStore:
    """Sessions in the app's own database (the default: nothing else to run)."""

    def __init__(self, engine: Engine, now: Callable[[], dt.datetime]) -> None:
        self.engine = engine
        self.now = now

    def load(self, key: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(VisitSession.data, VisitSession.expires_at).where(VisitSession.id == key)
            ).first()
        if row is None or row.expires_at <= self.now():
            return None
        return bytes(row.data)

    def save(self, key: str, blob: bytes, seconds: int) -> None:
        expires = self.now() + dt.timedelta(seconds=seconds)
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(VisitSession)
                .where(VisitSession.id == key)
                .values(data=blob, expires_at=expires)
            ).rowcount
            if not updated:
                conn.execute(
                    insert(VisitSession).values(id=key, data=blob, expires_at=expires)
                )
            # Abandoned visits must leave nothing behind; sweeping now and then on write keeps
            # the table small without a scheduler (`portal purge` does the same on demand).
            if secrets.randbelow(50) == 0:
                conn.execute(delete(VisitSession).where(VisitSession.expires_at <= self.now()))

    def drop(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(VisitSession).where(VisitSession.id == key))


class RedisSessionStore:
    """Sessions in Redis, for several app instances behind a load balancer."""

    def __init__(self, client: Any, prefix: str = "portal:session:") -> None:
        self.client = client
        self.prefix = prefix

    def load(self, key: str) -> bytes | None:
        value = self.client.get(self.prefix + key)
        return None if value is None else bytes(value)

    def save(self, key: str, blob: bytes, seconds: int) -> None:
        self.client.set(self.prefix + key, blob, ex=seconds)

    def drop(self, key: str) -> None:
        self.client.delete(self.prefix + key)


class VisitSessionData(CallbackDict[str, Any], SessionMixin):
    def __init__(self, initial: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.modified = False
        self.rotate = False

    def clear_and_rotate(self) -> None:
        """Forget everything and take a new id (login, logout, quick exit, a new person)."""
        self.clear()
        self.rotate = True


class ServerSideSessionInterface(SessionInterface):
    def __init__(
        self,
        store: SessionStore,
        secret: bytes,
        cookie_name: str,
        secure: bool,
        lifetime: Callable[[VisitSessionData], int],
    ) -> None:
        self.store = store
        self.secret = secret
        self.cookie_name = cookie_name
        self.secure = secure
        self.lifetime = lifetime

    def _row_key(self, sid: str) -> str:
        return hmac.new(self.secret, b"row:" + sid.encode(), hashlib.sha256).hexdigest()

    def _aead(self, sid: str) -> AESGCM:
        return AESGCM(hashlib.sha256(b"seal:" + sid.encode()).digest())

    def open_session(self, app: Flask, request: Request) -> VisitSessionData:
        sid = request.cookies.get(self.cookie_name, "")
        if len(sid) != 43:  # token_urlsafe(32)
            return VisitSessionData()
        blob = self.store.load(self._row_key(sid))
        if not blob:
            return VisitSessionData()
        try:
            raw = self._aead(sid).decrypt(blob[:12], blob[12:], None)
            data = SERIALIZER.loads(raw.decode())
        except (InvalidTag, ValueError, json.JSONDecodeError):
            return VisitSessionData()
        return VisitSessionData(data, sid=sid)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, VisitSessionData):  # pragma: no cover - set by create_app
            raise TypeError("the portal's session interface only saves its own sessions")
        old_sid = session.sid
        if old_sid and (session.rotate or not session):
            self.store.drop(self._row_key(old_sid))
            session.sid = None
        if not session:
            if old_sid:
                response.delete_cookie(self.cookie_name, path="/", secure=self.secure)
            return
        sid = session.sid or secrets.token_urlsafe(32)
        session.sid = sid
        nonce = secrets.token_bytes(12)
        blob = nonce + self._aead(sid).encrypt(nonce, SERIALIZER.dumps(dict(session)).encode(), None)
        seconds = self.lifetime(session)
        self.store.save(self._row_key(sid), blob, seconds)
        if sid != old_sid:
            response.set_cookie(
                self.cookie_name,
                sid,
                httponly=True,
                secure=self.secure,
                samesite="Lax",
                path="/",
            )
        response.vary.add("Cookie")
