"""Alembic migrations, run programmatically by `portal db upgrade` and `portal run`."""
