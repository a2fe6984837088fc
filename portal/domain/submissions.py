"""Store, open and delete a client's submission, found and sealed by keys from their code.

Every operation flushes and never commits: the caller owns the transaction.

Expiry: a record is readable up to and including `expires_on` (created_on + days), the date a
slip can print as "valid until". Expired rows are *not* deleted on sight: a read must not write
(the caller may roll back after the error anyway), and the person keeps getting "expired" rather
than "unknown" until `purge_expired`, run daily, removes them. `delete` removes a record whether
or not it has expired, because a person asking for their answers to go must never be refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, Insert, bindparam, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from portal.db import insert_on_conflict, on_sqlite_driver
from portal.domain import stats
from portal.domain.codes import ClientCode, CodeError, InvalidCode
from portal.domain.keys import CodeKeyring, CodeKeys, seal, unseal
from portal.models import Submission, new_record_id

__all__ = [
    "ExpiredCode",
    "InvalidCode",
    "OpenedSubmission",
    "Stored",
    "UnknownCode",
    "delete",
    "delete_by_lookup_key",
    "open_submission",
    "open_with_keys",
    "purge_expired",
    "store",
    "store_and_count",
]


class UnknownCode(CodeError):
    """No record answers to this code (never made, deleted, or purged after expiry)."""


class ExpiredCode(CodeError):
    """The record exists but its time is over; it can no longer be read, only deleted."""


@dataclass(frozen=True)
class OpenedSubmission:
    """A record and its answers, decrypted with the code."""

    submission: Submission
    answers: dict[str, object]
    provisional_segment: str | None = None


@dataclass(frozen=True)
class Stored:
    """What `store` made (or found): the record's plain columns, none of them secret."""

    id: int
    created_on: dt.date
    expires_on: dt.date
    questionnaire_id: str
    questionnaire_version: str
    language: str
    assisted: bool


_STORED_COLUMNS = tuple(
    Submission.__table__.c[name] for name in Stored.__dataclass_fields__
)


def store_and_count(
    session: Session | Engine,
    *,
    keys: CodeKeys,
    answers: Mapping[str, object],
    questionnaire_id: str,
    version: str,
    language: str,
    assisted: bool,
    provisional_segment: str | None,
    today: dt.date,
    days: int,
) -> Stored:
    """What a finished visit does: `store` the record, count the assessment for statistics
    once (not again for a double tap's duplicate) and **commit** both together.

    `session` may be an engine: the work then has a transaction of its own. On SQLite, when
    `session` is an engine or has not begun a transaction, the statements (the same ones
    `store` and `stats` run, compiled once) go straight to the driver connection in one
    BEGIN IMMEDIATE ... COMMIT: every submission runs them, and SQLAlchemy's session and
    execution layers cost more than SQLite itself does there (about 0.64 ms against 0.29 ms of
    CPU for the record, its count and the commit, measured warm here). A busy database raises
    `portal.db.Unavailable`. Elsewhere (PostgreSQL, or a transaction already open) the same
    happens on the session.
    """
    values = _record_values(
        keys=keys,
        answers=answers,
        questionnaire_id=questionnaire_id,
        version=version,
        language=language,
        assisted=assisted,
        provisional_segment=provisional_segment,
        today=today,
        days=days,
    )
    counter = stats.assessment_key(
        day=today, segment=provisional_segment, language=language, assisted=assisted
    )
    if isinstance(session, Engine):
        if session.dialect.name == "sqlite":
            return _store_on_sqlite(session, values, counter)
        with Session(session, expire_on_commit=False) as own:
            return _store_and_commit(own, values, counter)
    bind = cast(Engine, session.get_bind())
    if bind.dialect.name == "sqlite" and not session.in_transaction():
        return _store_on_sqlite(bind, values, counter)
    return _store_and_commit(session, values, counter)


def _store_on_sqlite(
    engine: Engine, values: Mapping[str, Any], counter: Mapping[str, object]
) -> Stored:
    work = functools.partial(_store_on_driver, values=values, counter=counter)
    return cast(Stored, on_sqlite_driver(engine, work, write=True))


def _store_and_commit(
    session: Session, values: Mapping[str, Any], counter: Mapping[str, object]
) -> Stored:
    made = _store_values(session, values, on_new=lambda _row: stats.count(session, counter))
    session.commit()
    return made


def _record_values(
    *,
    keys: CodeKeys,
    answers: Mapping[str, object],
    questionnaire_id: str,
    version: str,
    language: str,
    assisted: bool,
    provisional_segment: str | None,
    today: dt.date,
    days: int,
) -> dict[str, Any]:
    """The new row's columns: the answers and the segment sealed under the code's keys."""
    payload = {"answers": dict(answers), "segment": provisional_segment}
    return {
        "lookup_key": keys.lookup,
        "sealed_answers": seal(
            keys.seal, padded(payload), _aad(keys.lookup, questionnaire_id, version)
        ),
        "created_on": today,
        "expires_on": today + dt.timedelta(days=days),
        "questionnaire_id": questionnaire_id,
        "questionnaire_version": version,
        "language": language,
        "assisted": assisted,
    }


def _store_on_driver(
    cursor: sqlite3.Cursor, values: Mapping[str, Any], counter: Mapping[str, object]
) -> Stored:
    insert, select_stored, bump = _driver_statements()
    row = cursor.execute(*insert.bound({**values, "id": new_record_id()})).fetchone()
    if row is not None:
        cursor.execute(*bump.bound(stats.bump_values(counter)))
    else:  # a double tap's duplicate: the record the first one made, counted once
        row = cursor.execute(*select_stored.bound({"lookup_key": values["lookup_key"]})).fetchone()
        if row is None:  # pragma: no cover - the lock is held from BEGIN IMMEDIATE on
            raise RuntimeError("the stored submission is missing")
    return _stored_from_sqlite(row)


def _stored_from_sqlite(row: Sequence[Any]) -> Stored:
    # Columns in _STORED_COLUMNS' order; SQLite gives dates as ISO text and booleans as 0/1.
    id_, created_on, expires_on, questionnaire_id, version, language, assisted = row
    return Stored(
        int(id_),
        dt.date.fromisoformat(created_on),
        dt.date.fromisoformat(expires_on),
        questionnaire_id,
        version,
        language,
        bool(assisted),
    )


@dataclass(frozen=True)
class _DriverStatement:
    """A SQLAlchemy statement compiled once for SQLite: its text and its parameters' order."""

    sql: str
    order: tuple[str, ...]
    literals: Mapping[str, Any]

    @classmethod
    def of(cls, statement: Any) -> _DriverStatement:
        from sqlalchemy.dialects import sqlite

        compiled = statement.compile(dialect=sqlite.dialect())
        order = tuple(compiled.positiontup or ())
        # Parameters the statement holds itself (e.g. the 1 of "count + 1").
        literals = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if name in order and not bind.required and bind.value is not None
        }
        return cls(compiled.string, order, literals)

    def bound(self, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
        merged = {**self.literals, **values}
        return self.sql, [_sqlite_value(merged.get(name)) for name in self.order]


def _sqlite_value(value: Any) -> Any:
    # As SQLAlchemy's SQLite types store them: a date as ISO text (sqlite3's own date adapter
    # is deprecated), a boolean as 0/1.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


@functools.cache
def _driver_statements() -> tuple[_DriverStatement, _DriverStatement, _DriverStatement]:
    table = Submission.__table__
    return (
        _DriverStatement.of(_insert_for("sqlite")),
        _DriverStatement.of(
            select(*_STORED_COLUMNS).where(table.c.lookup_key == bindparam("lookup_key"))
        ),
        _DriverStatement.of(stats.bump_statement("sqlite")),
    )


def store(
    session: Session,
    *,
    keys: CodeKeys,
    answers: Mapping[str, object],
    questionnaire_id: str,
    version: str,
    language: str,
    assisted: bool,
    provisional_segment: str | None,
    today: dt.date,
    days: int,
    on_new: Callable[[Stored], None] | None = None,
) -> Stored:
    """Seal the answers and the provisional segment under the code's keys and add the record
    (a random id, see models.new_record_id); the same code twice gives one
    record. The caller derives `keys` (CodeKeyring.keys) once and may keep them for the visit.

    A double tap or a re-sent POST carries the same code, so a record that already holds this
    lookup key is returned as it is, even when the two requests race each other.
    """
    values = _record_values(
        keys=keys,
        answers=answers,
        questionnaire_id=questionnaire_id,
        version=version,
        language=language,
        assisted=assisted,
        provisional_segment=provisional_segment,
        today=today,
        days=days,
    )
    return _store_values(session, values, on_new)


def _store_values(
    session: Session, values: Mapping[str, Any], on_new: Callable[[Stored], None] | None
) -> Stored:
    # Insert-or-ignore instead of catching IntegrityError under a SAVEPOINT: with the pysqlite
    # driver as portal/db.py sets it up, releasing a SAVEPOINT opened before any write COMMITS
    # the outer transaction, which would break "never commit" on SQLite.
    # RETURNING gives a row only when this call inserted it (not a double tap's duplicate).
    # Core statements on the table, not the ORM: every submission runs this, and the ORM's
    # bulk path costs more than the rest of storing together.
    connection = session.connection()
    inserted = connection.execute(_insert_for(connection.dialect.name), values).first()
    if inserted is not None:
        made = Stored(*inserted)
        if on_new is not None:
            on_new(made)  # e.g. count it for statistics exactly once, whatever the double taps
        return made
    found = session.execute(
        select(*_STORED_COLUMNS).where(Submission.__table__.c.lookup_key == values["lookup_key"])
    ).first()
    if found is None:  # pragma: no cover - a racing insert just put it there
        raise RuntimeError("the stored submission is missing")
    return Stored(*found)


def open_submission(
    session: Session, code: ClientCode, *, today: dt.date, keyring: CodeKeyring
) -> OpenedSubmission:
    """The record and its answers; UnknownCode or ExpiredCode if it cannot be read."""
    return open_with_keys(session, keyring.keys(code), today=today)


def open_with_keys(session: Session, keys: CodeKeys, *, today: dt.date) -> OpenedSubmission:
    """As `open_submission`, with keys derived earlier (a visit derives them once, not per page)."""
    row = _find(session, Submission.lookup_key == keys.lookup)
    if row is None:
        raise UnknownCode("unknown")
    if row.expires_on < today:
        raise ExpiredCode("expired")
    aad = _aad(row.lookup_key, row.questionnaire_id, row.questionnaire_version)
    # Trailing spaces are padding; JSON ignores them.
    payload = json.loads(unseal(keys.seal, row.sealed_answers, aad).decode("utf-8"))
    # Records sealed before the segment moved into the payload have none: "cannot say yet".
    segment = payload.get("segment")
    return OpenedSubmission(
        submission=row,
        answers=dict(payload["answers"]),
        provisional_segment=None if segment is None else str(segment),
    )


def delete(session: Session, code: ClientCode, *, keyring: CodeKeyring, today: dt.date) -> None:
    """Remove the record the code opens, expired or not; UnknownCode if there is none.

    The record's reviews go with it (ON DELETE CASCADE): a professional's confirmation of a
    segment is part of what the person asked to remove. `today` is accepted for symmetry with
    the other operations and is deliberately not used to refuse the deletion.
    """
    delete_by_lookup_key(session, keyring.keys(code).lookup)


def delete_by_lookup_key(session: Session, lookup_key: bytes) -> None:
    """As `delete`, with the lookup key derived earlier (the confirmation step reuses it)."""
    row = _find(session, Submission.lookup_key == lookup_key)
    if row is None:
        raise UnknownCode("unknown")
    session.delete(row)
    session.flush()


def purge_expired(session: Session, today: dt.date) -> int:
    """Remove every record whose last readable day is before `today`; how many went."""
    # The reviews of purged records go too, by ON DELETE CASCADE in the database.
    result = session.execute(sql_delete(Submission).where(Submission.expires_on < today))
    return cast(CursorResult[Any], result).rowcount


# Every sealed record has the same length (one block for any honest answer set), so the size of
# the ciphertext no longer tells how many questions were answered or skipped.
SEALED_BLOCK = 4096


def padded(payload: Mapping[str, object]) -> bytes:
    """The payload as JSON, padded with spaces to a whole number of SEALED_BLOCKs."""
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    size = -(-max(len(raw), 1) // SEALED_BLOCK) * SEALED_BLOCK
    return raw + b" " * (size - len(raw))


def _aad(lookup_key: bytes, questionnaire_id: str, version: str) -> bytes:
    # Binds the sealed answers to their row and to the questionnaire version they answer, so a
    # blob copied to another row, or answers read against another version, fail to open.
    meta = json.dumps([questionnaire_id, version]).encode("utf-8")
    return b"portal/submission/v1:" + lookup_key + meta


def _find(session: Session, where: ColumnElement[bool]) -> Submission | None:
    return session.scalars(select(Submission).where(where)).one_or_none()


@functools.cache
def _insert_for(dialect: str) -> Insert:
    # Both supported databases insert-or-ignore on the unique lookup key in one statement.
    # Built once per dialect, the values given as parameters: building it per call (values(),
    # its cache key) cost as much as the rest of storing together.
    table = Submission.__table__
    statement: Insert = (
        insert_on_conflict(dialect)(table)
        .on_conflict_do_nothing(index_elements=[table.c.lookup_key])
        .returning(*_STORED_COLUMNS)
    )
    return statement
