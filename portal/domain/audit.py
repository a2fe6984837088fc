"""The audit log: who did what to which record, when. Written here, read here; never edited.

An entry holds an account, a time, an action from a fixed list, a keyed reference to a record
(CodeKeyring.record_ref: joinable to the records only with the code secret) and at most a short
fixed detail (a failure reason, a segment value). Never a code, never free text.

Times: an entry about a record keeps the hour only, others the minute. With a diary of who met
whom when, the second a professional opened a record would name the client; the audit's use
(who opened which records, on which day, how often) needs no finer time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Account, AuditEntry


class Action(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    REDEEM = "redeem"
    REDEEM_FAILED = "redeem_failed"
    CONFIRM = "confirm"
    CORRECT = "correct"
    EXPORT_PRINT = "export_print"
    EXPORT_FHIR = "export_fhir"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an action name, not a password
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DISABLED = "account_disabled"
    AUDIT_DOWNLOADED = "audit_downloaded"
    SECOND_FACTOR_ON = "second_factor_on"
    SECOND_FACTOR_OFF = "second_factor_off"
    SECOND_FACTOR_REQUIRED = "second_factor_required"


# Details are short machine words, so no text a person typed can ever reach the log.
_DETAIL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_:.-")


def coarse(at: dt.datetime, about_a_record: bool) -> dt.datetime:
    if about_a_record:
        return at.replace(minute=0, second=0, microsecond=0)
    return at.replace(second=0, microsecond=0)


def record(
    session: Session,
    action: Action,
    *,
    at: dt.datetime,
    account: Account | None = None,
    username: str | None = None,
    record_ref: str | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Add one entry; `username` names the actor when there is no account (the command line)."""
    if detail is not None and (len(detail) > 64 or not set(detail) <= _DETAIL_CHARS):
        raise ValueError("an audit detail is a short fixed word, never text a person typed")
    entry = AuditEntry(
        at=coarse(at, record_ref is not None),
        account_id=account.id if account is not None else None,
        username=account.username if account is not None else username,
        action=str(action),
        record_ref=record_ref,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session, *, limit: int = 100, offset: int = 0, action: str | None = None
) -> Sequence[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return session.scalars(query.limit(limit).offset(offset)).all()


def count(session: Session, *, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    return int(session.scalar(query) or 0)


def all_entries(session: Session) -> Iterable[AuditEntry]:
    """Oldest first, streamed, for the download."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    return session.scalars(query.execution_options(yield_per=500))


CSV_HEADER = ("id", "time_utc", "account", "action", "record", "detail")


def csv_lines(rows: Iterable[AuditEntry]) -> Iterable[str]:
    """The log as CSV (RFC 4180), one line at a time, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_HEADER)
    for row in rows:
        yield line(
            (
                row.id,
                row.at.isoformat(sep=" ") + "Z",
                row.username or "",
                row.action,
                row.record_ref or "",
                row.detail or "",
            )
        )
