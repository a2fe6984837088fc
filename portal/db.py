"""Engine, sessions and the declarative Base; SQLite pragmas and time limits. Nothing else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, exc
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
    # A transaction that will write takes the write lock up front and waits its turn (busy
    # timeout); a deferred one that writes after reading fails at once if another wrote meanwhile.
    if conn.get_execution_options().get("portal_writes"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


# Every wait on the database ends well before gunicorn's worker timeout (30 s), so a stuck
# database gives a "try again" page in seconds instead of a killed worker.
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000
BUSY_TIMEOUT_MS = 5000
POOL_TIMEOUT_S = 5


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for the URL; `schema` puts PostgreSQL tables in their own schema (tests)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    server_options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}"
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
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_S,
        pool_size=3,
        max_overflow=2,
        connect_args=connect_args,
    )


def write_engine(engine: Engine) -> Engine:
    """The same engine, for transactions that write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(portal_writes=True)


def is_unavailable(error: BaseException) -> bool:
    """The database or Redis is busy, down or not answering: worth a "try again" page."""
    from portal.sessions import StoreUnavailable

    if isinstance(error, StoreUnavailable | DatabaseDeadline):
        return True
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
