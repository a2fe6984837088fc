"""Alembic environment: the connection is handed in by portal.migrate, never read from a file."""

from __future__ import annotations

from alembic import context

from portal import models  # noqa: F401  (registers the tables on Base.metadata)
from portal.db import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when run as plain `alembic`
    raise SystemExit("Run migrations with `portal db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
