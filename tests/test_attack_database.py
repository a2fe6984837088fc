"""Attacks on a stolen database: what it says without the server's secrets.

Each change answers a threat (README "Security and privacy"): random ids tell no order or
count of visits; fixed-size sealed answers tell not how much was answered; no provisional
segment in clear; an audit log that cannot be joined to the records without the code secret,
with times no finer than the hour for record actions.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, inspect, select, text

from portal import migrate
from portal.config import Settings
from portal.db import make_engine
from portal.domain.submissions import SEALED_BLOCK
from portal.models import AuditEntry, Submission
from tests.pro_support import AFTER_OVERDOSE, make_account, redeem, sessions, sign_in, stored_code


def rows(app: Flask, model: Any) -> list[Any]:
    with sessions(app)() as db:
        return list(db.scalars(select(model)))


def test_record_ids_are_random_not_sequential(app: Flask, settings: Settings) -> None:
    """Before: a sequential id told the order and number of visits."""
    for _ in range(4):
        stored_code(app, settings)
    ids = sorted(row.id for row in rows(app, Submission))
    assert len(set(ids)) == 4 and ids != list(range(ids[0], ids[0] + 4))
    assert all(i > 2**20 for i in ids)  # drawn from 63 bits: a smaller one is a 2**-43 chance


def test_sealed_answers_have_one_size_however_much_was_answered(
    app: Flask, settings: Settings
) -> None:
    """Before: the sealed length was the JSON length + 28; an all-skipped record was 43 bytes."""
    stored_code(app, settings, answers={})
    stored_code(app, settings, answers=AFTER_OVERDOSE)
    sizes = {len(row.sealed_answers) for row in rows(app, Submission)}
    assert sizes == {12 + SEALED_BLOCK + 16}


def test_no_record_column_holds_the_provisional_segment(db_engine: Engine) -> None:
    """Before: the provisional segment was in clear on each record."""
    columns = {c["name"] for c in inspect(db_engine).get_columns("submissions")}
    assert columns == {
        "id",
        "lookup_key",
        "sealed_answers",
        "created_on",
        "expires_on",
        "questionnaire_id",
        "questionnaire_version",
        "language",
        "assisted",
    }


def test_the_audit_log_joins_a_record_only_with_the_secret(
    app: Flask, settings: Settings, client: FlaskClient
) -> None:
    """Before: the audit log linked a record id, a name and the second it was opened."""
    make_account(app)
    sign_in(client)
    code = stored_code(app, settings)
    assert redeem(client, code.grouped).status_code == 303
    [record] = rows(app, Submission)
    entries = rows(app, AuditEntry)
    opened = [e for e in entries if e.action == "redeem"]
    assert len(opened) == 1
    values = {str(v) for e in entries for v in vars(e).values()}
    assert str(record.id) not in values
    assert opened[0].record_ref == settings.code_keyring().record_ref(record.id)
    assert (opened[0].at.minute, opened[0].at.second) == (0, 0)  # the hour, no finer
    login = next(e for e in entries if e.action == "login")
    assert login.at.second == 0


def test_the_migration_keeps_every_review(database_url: tuple[str, str | None]) -> None:
    """Dropping a column must not copy and drop the table: SQLite would cascade the reviews."""
    url, schema = database_url
    engine = make_engine(url, schema=schema)
    cascade = " CASCADE" if schema else ""
    with engine.begin() as conn:  # back to an empty database, then to revision 0001
        for table in inspect(conn).get_table_names():
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}"{cascade}'))
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO submissions (id, lookup_key, sealed_answers, created_on, expires_on,"
                " questionnaire_id, questionnaire_version, language, assisted, provisional_segment)"
                " VALUES (1, :k, :s, '2026-11-01', '2026-12-01', 'q', '1', 'fi', false, 'supported')"
            ),
            {"k": b"k" * 32, "s": b"s" * 40},
        )
        conn.execute(
            text(
                "INSERT INTO reviews (submission_id, reviewed_on, segment, agrees)"
                " VALUES (1, '2026-11-02', 'supported', true)"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar_one() == 1
    engine.dispose()
