"""Housekeeping for `portal purge`: expired records, ended visits, old audit entries.

Never run inside a person's request. Each batch is its own short transaction (on SQLite it
takes the write lock up front and waits its turn), so a purge of a million rows on a live site
holds the lock for milliseconds at a time and pages keep being served in between.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, select
from sqlalchemy.exc import OperationalError

from portal.db import write_engine
from portal.models import AuditEntry, Submission, VisitSession

BATCH = 500


@dataclass(frozen=True)
class Purged:
    records: int
    visits: int
    audit_entries: int


def delete_in_batches(
    engine: Engine, id_column: Any, where: ColumnElement[bool], batch: int = BATCH
) -> int:
    """Delete the rows `where` selects, `batch` at a time; a busy database is waited for."""
    writer = write_engine(engine)
    table = id_column.class_
    removed = 0
    while True:
        for attempt in range(5):
            try:
                with writer.begin() as conn:
                    ids = conn.execute(select(id_column).where(where).limit(batch)).scalars().all()
                    if ids:
                        conn.execute(delete(table).where(id_column.in_(ids)))
                break
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        if not ids:
            return removed
        removed += len(ids)
        time.sleep(0)  # let a waiting request take the lock between batches


def purge(engine: Engine, *, now: dt.datetime, today: dt.date, audit_days: int) -> Purged:
    """Remove expired records (reviews go by ON DELETE CASCADE), ended visits, and audit
    entries older than `audit_days`."""
    return Purged(
        records=delete_in_batches(engine, Submission.id, Submission.expires_on < today),
        visits=delete_in_batches(engine, VisitSession.id, VisitSession.expires_at <= now),
        audit_entries=delete_in_batches(
            engine, AuditEntry.id, AuditEntry.at < now - dt.timedelta(days=audit_days)
        ),
    )
