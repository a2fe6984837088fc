"""security and privacy: shared rate-limit counters

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rate-limit counters every app instance shares when there is no Redis (portal/rate_limits.py).
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counters")),
    )
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_counters_expires_at"), ["expires_at"], unique=False)


    # Tablets: a one-time set-up token (hashed) exchanged for a device secret (hashed).
    with op.batch_alter_table("tablets", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.LargeBinary(length=32), nullable=True)
        batch_op.add_column(sa.Column("enroll_hash", sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column("enroll_until", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_tablets_enroll_hash"), ["enroll_hash"])


def downgrade() -> None:
    with op.batch_alter_table("tablets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tablets_enroll_hash"), type_="unique")
        batch_op.drop_column("enroll_until")
        batch_op.drop_column("enroll_hash")
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_counters_expires_at"))
    op.drop_table("rate_counters")
