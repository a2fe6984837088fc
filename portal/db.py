"""Engine, sessions and the declarative Base; SQLite pragmas and time limits. Nothing else."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Engine, MetaData, create_engine, event, exc, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own BEGIN handling breaks SAVEPOINTs; SQLAlchemy's documented fix is to switch
    # it off here and emit BEGIN ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    # WAL lets readers go on while one writer writes; FULL makes a committed record survive a
    # power cut; the busy timeout turns a brief lock into a short wait instead of an error.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A transaction that will write takes the write lock up front and waits its turn
    # (begin_immediate); a deferred one that writes after reading fails at once if another
    # wrote meanwhile. Straight on the driver: through exec_driver_sql it cost a tenth of a ms
    # on every request.
    driver = conn.connection.dbapi_connection
    if conn.get_execution_options().get("portal_writes"):
        begin_immediate(driver)
    else:
        driver.execute("BEGIN")


# How often a writer asks again for SQLite's write lock while another holds it: first after
# 0.2 ms, then twice as long each time, at most every 2 ms, until the busy timeout has passed.
LOCK_RETRY_FIRST_S = 0.0002
LOCK_RETRY_MAX_S = 0.002


def begin_immediate(
    connection: sqlite3.Connection,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock in short steps as long as the connection's
    busy timeout (BUSY_TIMEOUT_MS) allows.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between tries however soon
    the lock is free. A write holds the lock for a fraction of a millisecond, so under load
    the waiting workers slept while the cores stood idle: in a benchmark run 1,440 of 10,833
    writes waited over 0.5 ms, 15.8 s in all, the longest 0.94 s, and the submissions used
    78 % of the two cores. Only this statement waits this way (busy_timeout 0 while it runs);
    every other statement keeps the connection's busy timeout. Still locked at the end: the
    driver's "database is locked" error, which callers turn into the "try again" page.
    """
    (timeout_ms,) = connection.execute("PRAGMA busy_timeout").fetchone()
    deadline = clock() + timeout_ms / 1000
    delay = LOCK_RETRY_FIRST_S
    connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or clock() + delay > deadline:
                    raise
            sleep(delay)
            delay = min(delay * 2, LOCK_RETRY_MAX_S)
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    # SQLITE_BUSY ("database is locked"); Python 3.11 gives the code as sqlite_errorcode.
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (int(code) & 0xFF) == sqlite3.SQLITE_BUSY
    return str(error).startswith("database is locked")  # pragma: no cover - older drivers


# Every wait on the database ends well before gunicorn's worker timeout (30 s), so a stuck
# database gives a "try again" page in seconds instead of a killed worker.
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000
BUSY_TIMEOUT_MS = 5000
POOL_TIMEOUT_S = 5


def _sqlite_not_fsynced(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def make_engine(url: str, schema: str | None = None, durable: bool = True) -> Engine:
    """An engine for the URL; `schema` puts PostgreSQL tables in their own schema (tests).

    `durable=False` (SQLite only, for the session store): a commit is safe against a crash of
    the process but not of the machine, which saves an fsync per write (about 15 ms to 6 ms
    measured here). A visit lost to a power cut costs a person their unsent answers; a client
    record never goes through such an engine.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        if not durable:
            event.listen(engine, "connect", _sqlite_not_fsynced)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    server_options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}"
    parsed = make_url(url)
    if "options" in parsed.query:  # e.g. ?options=-csearch_path%3Dportal in the URL
        server_options += " " + str(parsed.query["options"])
        url = parsed.difference_update_query(["options"]).render_as_string(hide_password=False)
    if schema:
        server_options += f" -csearch_path={schema}"
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": server_options,
        # A server that stops answering (packets dropped) breaks the connection after this
        # long without an acknowledgement, instead of the kernel's ~15 minutes.
        "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 3,
        "keepalives_count": 2,
    }
    engine = create_engine(
        url, pool_timeout=POOL_TIMEOUT_S, pool_size=3, max_overflow=2, connect_args=connect_args
    )
    _watch_postgres(engine)
    return engine


# A server that accepts packets but never answers (hung, or a proxy in between that is) is
# not caught by any libpq timeout once a connection is open: a watchdog thread ends any wait
# on the database that lasts longer than this, by shutting the connection's socket.
WAIT_LIMIT_S = STATEMENT_TIMEOUT_MS / 1000 + 1


class _Watchdog:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.waits: dict[int, tuple[float, int]] = {}
        self.lock = threading.Lock()
        self.pid = 0

    def arm(self, dbapi_connection: Any) -> None:
        try:
            fd = int(dbapi_connection.pgconn.socket)
        except Exception:  # noqa: BLE001 - a closed connection has no socket: nothing to watch
            return
        with self.lock:
            if self.pid != os.getpid():  # first use in this process (gunicorn forks workers)
                self.pid = os.getpid()
                self.waits.clear()
                threading.Thread(target=self._run, name="db-watchdog", daemon=True).start()
            self.waits[id(dbapi_connection)] = (time.monotonic() + self.limit, fd)

    def disarm(self, dbapi_connection: Any) -> None:
        with self.lock:
            self.waits.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self.lock:
                late = [k for k, (deadline, _fd) in self.waits.items() if deadline < now]
                fds = [self.waits.pop(k)[1] for k in late]
            for fd in fds:
                try:
                    with socket.socket(fileno=os.dup(fd)) as sock:
                        sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


WATCHDOG = _Watchdog(WAIT_LIMIT_S)


def _watch_postgres(engine: Engine) -> None:
    def arm(conn: Any, *_args: Any) -> None:
        WATCHDOG.arm(conn.connection.dbapi_connection)

    def disarm(conn: Any, *_args: Any) -> None:
        WATCHDOG.disarm(conn.connection.dbapi_connection)

    def on_error(context: Any) -> None:
        if context.connection is not None and context.connection.connection is not None:
            WATCHDOG.disarm(context.connection.connection.dbapi_connection)

    def arm_dbapi(dbapi_connection: Any, *_args: Any) -> None:
        WATCHDOG.arm(dbapi_connection)

    def disarm_dbapi(dbapi_connection: Any, *_args: Any) -> None:
        WATCHDOG.disarm(dbapi_connection)

    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # A pooled connection may have died meanwhile (a database restart): check it, under
        # the watchdog, and let the pool replace it (DisconnectionError) if it does not answer.
        WATCHDOG.arm(dbapi_connection)
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("select 1")
            dbapi_connection.rollback()
        except Exception as error:
            raise exc.DisconnectionError(str(error).splitlines()[0] if str(error) else "") from error
        finally:
            WATCHDOG.disarm(dbapi_connection)

    event.listen(engine, "before_cursor_execute", arm)
    event.listen(engine, "after_cursor_execute", disarm)
    event.listen(engine, "commit", arm)
    event.listen(engine, "rollback", arm)
    event.listen(engine, "handle_error", on_error)
    event.listen(engine.pool, "checkout", ping)
    event.listen(engine.pool, "reset", arm_dbapi)
    event.listen(engine.pool, "checkin", disarm_dbapi)
    event.listen(engine.pool, "close", disarm_dbapi)
    event.listen(engine.pool, "invalidate", disarm_dbapi)


def insert_on_conflict(dialect: str) -> Any:
    """`insert` with ON CONFLICT for this database. Each dialect's module is imported only when
    it is used: PostgreSQL's would cost every SQLite worker about 2 MB."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")


def write_engine(engine: Engine) -> Engine:
    """The same engine, for transactions that write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(portal_writes=True)


class Unavailable(Exception):
    """The database (or the session store) is busy, down or not answering: "try again"."""


def on_sqlite_driver(
    engine: Engine, work: Callable[[sqlite3.Cursor], Any], write: bool = False
) -> Any:
    """`work` on a pooled driver connection (SQLite only), for the two writes every visit
    makes (the session on every answer, the record when it is sent): SQLAlchemy's layers cost
    more than SQLite itself does there. A write takes the lock up front (BEGIN IMMEDIATE;
    _sqlite_pragmas turns pysqlite's own transaction handling off) and commits or rolls back
    before the connection goes back to the pool. A busy or failing database is `Unavailable`.
    """
    raw = engine.raw_connection()
    try:
        cursor = cast(sqlite3.Cursor, raw.cursor())
        try:
            if not write:
                return work(cursor)
            begin_immediate(cast(sqlite3.Connection, raw.driver_connection))
            try:
                done = work(cursor)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            return done
        finally:
            cursor.close()
    except sqlite3.OperationalError as error:
        if str(error).startswith(("no such table", "no such column")):
            raise  # a schema that is not at head: a bug, not an outage
        raise Unavailable(str(error)) from error
    finally:
        raw.close()  # back to the pool


def is_unavailable(error: BaseException) -> bool:
    """The database or Redis is busy, down or not answering: worth a "try again" page."""
    if isinstance(error, Unavailable | DatabaseDeadline):
        return True
    if isinstance(error, exc.OperationalError) and str(error.orig).startswith(
        ("no such table", "no such column")
    ):
        return False  # SQLite's word for a schema that is not at head: a bug, not an outage
    if isinstance(
        error,
        exc.OperationalError | exc.InterfaceError | exc.TimeoutError | exc.DisconnectionError,
    ):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(error, redis.ConnectionError | redis.TimeoutError | redis.BusyLoadingError)


class DatabaseDeadline(Exception):
    """A request waited on the database for longer than the deadline."""


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
