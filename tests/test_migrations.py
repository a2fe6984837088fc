"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from portal.db import Base


def test_migrated_schema_matches_the_models(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_migrations_go_down_to_nothing_and_up_again(db_engine: Engine) -> None:
    from sqlalchemy import inspect

    from portal import migrate

    migrate.downgrade(db_engine, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db_engine)
    with db_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []
