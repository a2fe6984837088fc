"""security and privacy: shared rate-limit counters, one-time tablet set-up, a database that says less

- rate_counters: limits every app instance shares without Redis.
- tablets: a hashed one-time set-up token, exchanged for a hashed device secret.
- submissions: 64-bit random ids (new records); provisional_segment leaves the clear columns
  (it is sealed with the answers now; statistics have monthly_counts). Records made before
  this revision lose their provisional segment: the review treats it as "cannot say yet".
- accounts: a sealed TOTP secret, its last step, recovery-code hashes; staff_policy.
- audit_log: submission_id (joinable) becomes record_ref, a keyed hash needing the code secret.
  Existing entries keep no record link (the secret is not available to a migration).

Columns are dropped with plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch
table copy: with foreign keys on, SQLite's DROP TABLE of the old submissions table would
cascade-delete every review.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002b"
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

    op.execute("ALTER TABLE submissions DROP COLUMN provisional_segment")
    op.execute("ALTER TABLE audit_log DROP COLUMN submission_id")
    op.add_column("audit_log", sa.Column("record_ref", sa.String(length=16), nullable=True))
    # A second factor for staff. Plain ADD COLUMN: a table copy would SET NULL every reference.
    op.add_column("accounts", sa.Column("totp_secret", sa.LargeBinary(length=128), nullable=True))
    op.add_column("accounts", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("accounts", sa.Column("recovery_hashes", sa.String(length=1000), nullable=True))
    op.create_table(
        "staff_policy",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_staff_policy")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # On SQLite an INTEGER primary key is 64-bit already; PostgreSQL needs BIGINT, and no
        # sequence: ids are drawn at random by the application.
        op.alter_column("reviews", "submission_id", type_=sa.BigInteger(), existing_nullable=False)
        op.alter_column("counted_redemptions", "submission_id", type_=sa.BigInteger())
        op.alter_column("submissions", "id", type_=sa.BigInteger(), server_default=None)
        op.execute("DROP SEQUENCE IF EXISTS submissions_id_seq")


def downgrade() -> None:
    op.drop_table("staff_policy")
    for column in ("recovery_hashes", "totp_last_step", "totp_secret"):
        op.drop_column("accounts", column)
    op.drop_column("audit_log", "record_ref")
    op.add_column("audit_log", sa.Column("submission_id", sa.Integer(), nullable=True))
    op.add_column(
        "submissions", sa.Column("provisional_segment", sa.String(length=32), nullable=True)
    )
    with op.batch_alter_table("tablets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tablets_enroll_hash"), type_="unique")
        batch_op.drop_column("enroll_until")
        batch_op.drop_column("enroll_hash")
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_counters_expires_at"))
    op.drop_table("rate_counters")
