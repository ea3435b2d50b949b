"""DSA Art. 16 notices and Art. 22 trusted flaggers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00.000000

``reports`` gains what a notice needs after it arrives (its URL, the trusted flagger that sent
it, the case it joined, its status and outcome); the notifier's name and e-mail get a table of
their own (``report_contacts``) so nothing built from ``reports`` can carry them; the trusted
flagger registry is ``trusted_flaggers`` (veracity.reports).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        # The longest STATEMENT_CATEGORY_* value has 66 characters.
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=64),
            type_=sa.String(length=80),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("flagger_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("case_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="received", nullable=False)
        )
        batch_op.add_column(sa.Column("outcome", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decided_at", UTC_TIME, nullable=True))
        batch_op.create_index(batch_op.f("ix_reports_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_flagger_id"), ["flagger_id"], unique=False)

    op.create_table(
        "report_contacts",
        sa.Column("report_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_contacts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_contacts")),
    )
    op.create_table(
        "trusted_flaggers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("member_state", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_flaggers")),
    )
    with op.batch_alter_table("trusted_flaggers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_flaggers_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trusted_flaggers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_flaggers_status"))
    op.drop_table("trusted_flaggers")
    op.drop_table("report_contacts")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_flagger_id"))
        batch_op.drop_index(batch_op.f("ix_reports_case_id"))
        batch_op.drop_column("decided_at")
        batch_op.drop_column("outcome")
        batch_op.drop_column("status")
        batch_op.drop_column("case_id")
        batch_op.drop_column("flagger_id")
        batch_op.drop_column("url")
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=80),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
