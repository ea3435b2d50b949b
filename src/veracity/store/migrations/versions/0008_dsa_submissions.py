"""submission state of statements of reasons to the DSA Transparency Database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 06:00:00.000000

A table of its own rather than a column: statements_of_reasons rows are immutable (0006).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dsa_submissions",
        sa.Column("puid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("puid", name=op.f("pk_dsa_submissions")),
    )
    with op.batch_alter_table("dsa_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dsa_submissions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dsa_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dsa_submissions_status"))
    op.drop_table("dsa_submissions")
