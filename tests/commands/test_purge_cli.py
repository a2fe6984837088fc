"""`portal purge`: expired records, ended visits and old audit entries go, in small batches."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.config import Settings
from portal.domain import audit
from portal.models import AuditEntry, Submission, VisitSession
from tests.pro_support import sessions, store


def _count(app: Flask, model: type) -> int:
    with sessions(app)() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_purge_removes_what_has_expired_in_batches(
    app: Flask, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("portal.housekeeping.BATCH", 2)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sessions(app)() as db:
        for _ in range(5):
            store(db, settings, today=today - dt.timedelta(days=settings.code_days + 2))
        store(db, settings, today=today)
        for age in (400, 500, 10):
            audit.record(db, audit.Action.LOGIN, at=now - dt.timedelta(days=age), username="x")
        for i in range(3):
            db.add(VisitSession(id=f"old{i}", data=b"x", expires_at=now - dt.timedelta(hours=1)))
        db.add(VisitSession(id="live", data=b"x", expires_at=now + dt.timedelta(hours=1)))
        db.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Removed 5 expired record(s), 3 ended visit(s) and 2 audit entries older than 365 days."
    )
    assert (_count(app, Submission), _count(app, VisitSession), _count(app, AuditEntry)) == (1, 1, 1)
