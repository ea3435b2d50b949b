"""campaign decisions and statements of reasons

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:00:00.000000

Statements of reasons are legal records: like decisions (0002) the database refuses UPDATEs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_decisions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("decision_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_decisions")),
    )
    with op.batch_alter_table("campaign_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_decisions_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            "uq_campaign_decisions_key", ["campaign_id", "idempotency_key"], unique=True
        )

    op.create_table(
        "statements_of_reasons",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("puid", sa.String(length=64), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_statements_of_reasons")),
        sa.UniqueConstraint("puid", name=op.f("uq_statements_of_reasons_puid")),
    )
    with op.batch_alter_table("statements_of_reasons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statements_of_reasons_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statements_of_reasons_source_ref"), ["source_ref"], unique=False
        )
        batch_op.create_index(
            "ix_statements_of_reasons_subject", ["subject_type", "subject_id"], unique=False
        )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER statements_of_reasons_immutable BEFORE UPDATE ON "
            "statements_of_reasons FOR EACH ROW EXECUTE FUNCTION veracity_refuse_update()"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER statements_of_reasons_immutable BEFORE UPDATE ON "
            "statements_of_reasons BEGIN SELECT RAISE(ABORT, "
            "'statements_of_reasons rows are immutable'); END"
        )


def downgrade() -> None:
    suffix = " ON statements_of_reasons" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS statements_of_reasons_immutable{suffix}")
    with op.batch_alter_table("statements_of_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_of_reasons_subject")
        batch_op.drop_index(batch_op.f("ix_statements_of_reasons_source_ref"))
        batch_op.drop_index(batch_op.f("ix_statements_of_reasons_decision_id"))
    op.drop_table("statements_of_reasons")
    with op.batch_alter_table("campaign_decisions", schema=None) as batch_op:
        batch_op.drop_index("uq_campaign_decisions_key")
        batch_op.drop_index(batch_op.f("ix_campaign_decisions_campaign_id"))
    op.drop_table("campaign_decisions")
