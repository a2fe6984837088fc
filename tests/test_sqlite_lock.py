"""Taking SQLite's write lock: short retries instead of SQLite's own coarse sleeps.

Real SQLite files, a real second connection holding the lock; the clock and the sleep are
handed in so that nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from portal.db import (
    LOCK_RETRY_FIRST_S,
    LOCK_RETRY_MAX_S,
    Unavailable,
    begin_immediate,
    make_engine,
    on_sqlite_driver,
)


def _connect(path: Path, timeout_ms: int) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA busy_timeout={timeout_ms}")
    return connection


def _busy_timeout(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA busy_timeout").fetchone()[0])


def test_waits_in_short_growing_steps_and_gets_the_lock_once_it_is_free(tmp_path: Path) -> None:
    path = tmp_path / "lock.sqlite3"
    holder, waiter = _connect(path, 5000), _connect(path, 5000)
    holder.execute("BEGIN IMMEDIATE")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 6:
            holder.execute("COMMIT")  # the other writer is done

    now = [0.0]

    def clock() -> float:
        return now[0]

    begin_immediate(waiter, clock=clock, sleep=sleep)
    assert waiter.in_transaction
    waiter.execute("COMMIT")
    # It asked again after every step; none of the steps is SQLite's 1 ms or more at first.
    assert slept[0] == LOCK_RETRY_FIRST_S
    assert slept == sorted(slept) and max(slept) == LOCK_RETRY_MAX_S
    assert len(slept) == 6
    # Every other statement keeps the connection's own busy timeout.
    assert _busy_timeout(waiter) == 5000


def test_gives_up_at_the_busy_timeout_with_the_drivers_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "lock.sqlite3"
    holder, waiter = _connect(path, 5000), _connect(path, 300)
    holder.execute("BEGIN IMMEDIATE")
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_immediate(waiter, clock=lambda: now[0], sleep=sleep)
    assert 0.3 - LOCK_RETRY_MAX_S <= now[0] <= 0.3  # waited as long as its timeout allows
    assert not waiter.in_transaction
    assert _busy_timeout(waiter) == 300
    holder.execute("ROLLBACK")


def test_an_error_that_is_not_a_lock_is_not_retried(tmp_path: Path) -> None:
    waiter = _connect(tmp_path / "lock.sqlite3", 5000)
    waiter.execute("BEGIN")  # already in a transaction: BEGIN IMMEDIATE is an error, not a wait
    slept: list[float] = []
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        begin_immediate(waiter, sleep=slept.append)
    assert slept == []
    assert _busy_timeout(waiter) == 5000


def test_a_driver_write_that_cannot_get_the_lock_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "lock.sqlite3"
    holder = _connect(path, 5000)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    quick = make_engine(f"sqlite:///{path}")
    event.listen(quick, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout=50"))
    try:
        with pytest.raises(Unavailable):
            on_sqlite_driver(
                quick, lambda cursor: cursor.execute("INSERT INTO t VALUES (1)"), write=True
            )
    finally:
        holder.execute("ROLLBACK")
        quick.dispose()
    assert holder.execute("SELECT count(*) FROM t").fetchone() == (0,)
