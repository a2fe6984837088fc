"""the professional's rating and routing on a review; counted redemptions; longer count outcomes

Revision ID: 0002b
Revises: 0002 (main already has a 0002, monthly_counts: this one follows it)
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = "0002b"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capability", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("risk", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("overridden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("routed", sa.String(length=400), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("appointment", sa.String(length=16), nullable=True))
    # The server defaults only fill the rows that exist; the models give the values from now on.
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.alter_column("overridden", server_default=None)
        batch_op.alter_column("routed", server_default=None)

    with op.batch_alter_table("monthly_counts", schema=None) as batch_op:
        batch_op.alter_column(
            "outcome",
            existing_type=sa.String(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )

    op.create_table(
        "counted_redemptions",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_counted_redemptions_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_counted_redemptions")),
    )


def downgrade() -> None:
    op.drop_table("counted_redemptions")
    with op.batch_alter_table("monthly_counts", schema=None) as batch_op:
        batch_op.alter_column(
            "outcome",
            existing_type=sa.String(length=32),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("appointment")
        batch_op.drop_column("routed")
        batch_op.drop_column("overridden")
        batch_op.drop_column("risk")
        batch_op.drop_column("capability")
