"""Storing and reading submissions by code, on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, inspect, select, text
from sqlalchemy.orm import Session

from portal.config import Settings
from portal.db import Base, Unavailable, make_engine, make_session_factory, write_engine
from portal.domain.codes import ClientCode, new_code
from portal.domain.stats import count_assessment
from portal.domain.submissions import (
    ExpiredCode,
    Stored,
    UnknownCode,
    delete,
    open_submission,
    purge_expired,
    store,
    store_and_count,
)
from portal.models import Account, MonthlyCount, Review, Submission

TODAY = dt.date(2026, 3, 2)
ANSWERS: dict[str, object] = {
    "sentinel_question_alpha": "sentinel-answer-heroin-daily",
    "sentinel_question_beta": ["sentinel-topic-sleep", "sentinel-topic-housing"],
    "sentinel_question_gamma": 987654321,
    "sentinel_question_delta": "sentinel-ääkköset-väsynyt",
}


def _record(
    settings: Settings,
    code: ClientCode,
    *,
    today: dt.date = TODAY,
    language: str = "fi",
    assisted: bool = False,
) -> dict[str, Any]:
    """The record `store` and `store_and_count` are given in these tests."""
    return {
        "keys": settings.code_keyring().keys(code),
        "answers": ANSWERS,
        "questionnaire_id": "core",
        "version": "1.0",
        "language": language,
        "assisted": assisted,
        "provisional_segment": "supported",
        "today": today,
        "days": settings.code_days,
    }


def _store(
    session: Session, settings: Settings, code: ClientCode, *, today: dt.date = TODAY
) -> Submission:
    return store(session, **_record(settings, code, today=today))


def _open(session: Session, settings: Settings, code: ClientCode, today: dt.date = TODAY) -> Any:
    return open_submission(
        session, code, today=today, keyring=settings.code_keyring()
    )


def _count(session: Session, model: type[Base] = Submission) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_stored_submission_opens_with_its_code(db_session: Session, settings: Settings) -> None:
    code = new_code()
    row = _store(db_session, settings, code)
    db_session.commit()
    opened = _open(db_session, settings, code)
    assert opened.answers == ANSWERS
    assert opened.submission.id == row.id
    assert row.created_on == TODAY
    assert row.expires_on == TODAY + dt.timedelta(days=settings.code_days)
    assert (row.questionnaire_id, row.questionnaire_version, row.language) == ("core", "1.0", "fi")
    assert opened.provisional_segment == "supported" and row.assisted is False


def test_store_flushes_but_leaves_the_commit_to_the_caller(
    db_session: Session, settings: Settings
) -> None:
    _store(db_session, settings, new_code())
    assert _count(db_session) == 1
    db_session.rollback()
    assert _count(db_session) == 0


def test_another_code_opens_nothing(db_session: Session, settings: Settings) -> None:
    _store(db_session, settings, new_code())
    db_session.commit()
    with pytest.raises(UnknownCode):
        _open(db_session, settings, new_code())


def test_the_same_code_with_another_secret_opens_nothing(
    db_session: Session, settings: Settings
) -> None:
    code = new_code()
    _store(db_session, settings, code)
    other = settings.with_overrides(code_secret=b"another-secret-of-32-bytes------")
    with pytest.raises(UnknownCode):
        _open(db_session, other, code)


def test_a_code_is_readable_through_its_last_day_and_expired_after(
    db_session: Session, settings: Settings
) -> None:
    code = new_code()
    row = _store(db_session, settings, code)
    db_session.commit()
    assert _open(db_session, settings, code, today=row.expires_on).answers == ANSWERS
    with pytest.raises(ExpiredCode):
        _open(db_session, settings, code, today=row.expires_on + dt.timedelta(days=1))
    # Expired rows are not deleted on sight: the person keeps hearing "expired" until the purge.
    assert _count(db_session) == 1


def test_a_deleted_submission_cannot_be_opened_again(
    db_session: Session, settings: Settings
) -> None:
    code, other = new_code(), new_code()
    _store(db_session, settings, code)
    _store(db_session, settings, other)
    db_session.commit()
    delete(db_session, code, keyring=settings.code_keyring(), today=TODAY)
    db_session.commit()
    with pytest.raises(UnknownCode):
        _open(db_session, settings, code)
    with pytest.raises(UnknownCode):
        delete(db_session, code, keyring=settings.code_keyring(), today=TODAY)
    assert _open(db_session, settings, other).answers == ANSWERS


def test_an_expired_submission_can_still_be_deleted(
    db_session: Session, settings: Settings
) -> None:
    code = new_code()
    _store(db_session, settings, code)
    db_session.commit()
    later = TODAY + dt.timedelta(days=settings.code_days + 5)
    delete(db_session, code, keyring=settings.code_keyring(), today=later)
    db_session.commit()
    assert _count(db_session) == 0


def test_deleting_a_submission_removes_its_reviews(db_session: Session, settings: Settings) -> None:
    code = new_code()
    row = _store(db_session, settings, code)
    account = Account(username="pro1", password_hash="x", role="pro", created_on=TODAY)
    db_session.add(account)
    db_session.flush()
    db_session.add(
        Review(
            submission_id=row.id,
            account_id=account.id,
            reviewed_on=TODAY,
            segment="supported",
            agrees=True,
        )
    )
    db_session.commit()
    delete(db_session, code, keyring=settings.code_keyring(), today=TODAY)
    db_session.commit()
    assert _count(db_session, Review) == 0
    assert _count(db_session, Account) == 1


def test_storing_the_same_code_twice_makes_one_record(
    db_session: Session, settings: Settings
) -> None:
    code = new_code()
    first = _store(db_session, settings, code)
    second = _store(db_session, settings, code)
    db_session.commit()
    third = _store(db_session, settings, code)
    db_session.commit()
    assert first.id == second.id == third.id
    assert _count(db_session) == 1
    assert _open(db_session, settings, code).answers == ANSWERS


def test_two_racing_stores_of_the_same_code_make_one_record(
    db_engine: Engine, settings: Settings
) -> None:
    factory = make_session_factory(db_engine)
    code = new_code()
    barrier = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            with factory() as session:
                barrier.wait()
                row = _store(session, settings, code)
                session.commit()
                ids.append(row.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(ids) == 2 and ids[0] == ids[1]
    with factory() as session:
        assert _count(session) == 1


def test_purge_removes_only_expired_submissions(db_session: Session, settings: Settings) -> None:
    old, fresh = new_code(), new_code()
    _store(db_session, settings, old, today=TODAY - dt.timedelta(days=settings.code_days + 1))
    _store(db_session, settings, fresh)
    db_session.commit()
    assert purge_expired(db_session, TODAY) == 1
    db_session.commit()
    assert purge_expired(db_session, TODAY) == 0
    with pytest.raises(UnknownCode):
        _open(db_session, settings, old)
    assert _open(db_session, settings, fresh).answers == ANSWERS


def _code_forms(code: ClientCode) -> list[bytes]:
    forms = set()
    for text_form in (code.canonical, code.grouped, code.canonical[:12], code.grouped[:14]):
        for cased in (text_form, text_form.lower()):
            forms.add(cased.encode("ascii"))
            forms.add(cased.encode("ascii").hex().encode("ascii"))
            forms.add(base64.b64encode(cased.encode("ascii")))
    # Any two groups side by side would already give a guesser 40 of the 60 bits.
    forms.add(code.canonical[:8].encode("ascii"))
    forms.add(code.canonical[4:12].lower().encode("ascii"))
    return sorted(forms)


def _answer_forms() -> list[bytes]:
    forms = set()
    for key, value in ANSWERS.items():
        forms.add(key.encode("utf-8"))
        for item in value if isinstance(value, list) else [value]:
            forms.add(str(item).encode("utf-8"))
            forms.add(str(item).encode("utf-8").hex().encode("ascii"))
    return sorted(forms)


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return raw + b"\n" + raw.hex().encode("ascii")
    return str(value).encode("utf-8")


def _dump_every_table(engine: Engine) -> bytes:
    """Every column of every row of every table, raw bytes included."""
    chunks: list[bytes] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - own names
                chunks.extend(_as_bytes(value) for value in row)
    return b"\n".join(chunks)


def test_the_database_holds_neither_the_code_nor_any_answer(
    db_session: Session, db_engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    codes = [new_code() for _ in range(3)]
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        try:
            for code in codes:
                _store(db_session, settings, code)
            db_session.commit()
            _open(db_session, settings, codes[0])
            delete(
                db_session,
                codes[2],
                keyring=settings.code_keyring(),
                today=TODAY,
            )
            db_session.commit()
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    dump = _dump_every_table(db_engine)
    assert _count(db_session) == 2 and len(dump) > 0
    stored: list[bytes] = [dump]
    if db_engine.dialect.name == "sqlite":
        # The file itself too, with its write-ahead log: free pages may keep what rows no longer do.
        database = Path(str(db_engine.url.database))
        stored += [p.read_bytes() for p in database.parent.glob(database.name + "*")]
    logged = caplog.text.encode("utf-8")
    # The SQL log was captured, so finding no code in it means something.
    assert b"INSERT" in logged.upper()
    for blob in [*stored, logged]:
        for form in _code_forms(codes[0]) + _code_forms(codes[1]) + _code_forms(codes[2]):
            assert form not in blob and form.upper() not in blob.upper()
    for blob in stored:
        for form in _answer_forms():
            assert form not in blob


# --------------------------------------------------------------- store_and_count (a visit's end)


def _store_and_count(session: Session | Engine, settings: Settings, code: ClientCode) -> Stored:
    return store_and_count(session, **_record(settings, code, language="sv", assisted=True))


def _assessments(session: Session) -> dict[tuple[str, str, str, bool], int]:
    rows = session.execute(
        select(
            MonthlyCount.month,
            MonthlyCount.segment,
            MonthlyCount.language,
            MonthlyCount.assisted,
            MonthlyCount.count,
        ).where(MonthlyCount.event == "assessment")
    )
    return {(m, s, lang, a): n for m, s, lang, a, n in rows}


def test_store_and_count_commits_a_record_that_opens_and_counts_it_once(
    db_engine: Engine, settings: Settings
) -> None:
    """On SQLite this is the driver-connection path; it must store exactly what `store` does."""
    factory = make_session_factory(write_engine(db_engine))
    code, other = new_code(), new_code()
    with factory() as session:
        made = _store_and_count(session, settings, code)
        again = _store_and_count(session, settings, code)  # a double tap: the same record
        _store_and_count(session, settings, other)
    assert made == again
    assert made.created_on == TODAY and made.expires_on == TODAY + dt.timedelta(days=settings.code_days)
    assert (made.questionnaire_id, made.questionnaire_version, made.language, made.assisted) == (
        "core", "1.0", "sv", True
    )
    with make_session_factory(db_engine)() as session:  # a new session: it was committed
        opened = _open(session, settings, code)
        assert opened.answers == ANSWERS and opened.provisional_segment == "supported"
        assert opened.submission.id == made.id and opened.submission.assisted is True
        assert opened.submission.created_on == TODAY
        assert _count(session) == 2
        # Counted once per record, not per double tap, in the same counter `store` + count use.
        assert _assessments(session) == {(TODAY.strftime("%Y-%m"), "supported", "sv", True): 2}
        count_assessment(session, day=TODAY, segment="supported", language="sv", assisted=True)
        session.commit()
        assert _assessments(session) == {(TODAY.strftime("%Y-%m"), "supported", "sv", True): 3}


def test_store_and_count_inside_an_open_transaction_keeps_to_it(
    db_engine: Engine, settings: Settings
) -> None:
    """A transaction already begun (e.g. a tablet's limit counted first) is used and committed."""
    factory = make_session_factory(write_engine(db_engine))
    code = new_code()
    with factory() as session:
        session.execute(select(func.count()).select_from(Submission))
        assert session.in_transaction()
        made = _store_and_count(session, settings, code)
        assert not session.in_transaction()  # committed
    with make_session_factory(db_engine)() as session:
        assert _open(session, settings, code).submission.id == made.id
        assert sum(_assessments(session).values()) == 1


def test_store_and_count_given_the_engine_makes_its_own_transaction(
    db_engine: Engine, settings: Settings
) -> None:
    """A request that has opened no database session hands over the engine (no ORM session is
    made for a submission): the record and its count are committed just the same."""
    code = new_code()
    made = _store_and_count(write_engine(db_engine), settings, code)
    again = _store_and_count(write_engine(db_engine), settings, code)  # a double tap
    assert made == again
    with make_session_factory(db_engine)() as session:
        assert _open(session, settings, code).submission.id == made.id
        assert _count(session) == 1
        assert _assessments(session) == {(TODAY.strftime("%Y-%m"), "supported", "sv", True): 1}


def test_store_and_count_on_a_locked_sqlite_says_unavailable(
    db_engine: Engine, settings: Settings
) -> None:
    """A write lock held past the busy timeout: Unavailable (the "try again" page), nothing kept."""
    if db_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    holder = db_engine.raw_connection()
    try:
        holder.driver_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
        holder.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        quick = make_engine(str(db_engine.url))
        event.listen(  # wait 50 ms for the lock, not the portal's 5 s
            quick, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout=50")
        )
        with pytest.raises(Unavailable), make_session_factory(write_engine(quick))() as session:
            _store_and_count(session, settings, new_code())
        quick.dispose()
    finally:
        holder.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        holder.close()
    with make_session_factory(db_engine)() as session:
        assert _count(session) == 0 and _assessments(session) == {}
