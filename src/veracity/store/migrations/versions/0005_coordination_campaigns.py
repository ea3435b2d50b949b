"""coordination campaigns and engagement discounts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "campaign_members",
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_members_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "account_id", name=op.f("pk_campaign_members")),
    )
    with op.batch_alter_table("campaign_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_members_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "engagement_discounts",
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("discounted", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_engagement_discounts_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id",
            "subject_type",
            "subject_id",
            "action",
            name=op.f("pk_engagement_discounts"),
        ),
    )
    with op.batch_alter_table("engagement_discounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_engagement_discounts_subject", ["subject_type", "subject_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("engagement_discounts", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_discounts_subject")
    op.drop_table("engagement_discounts")
    with op.batch_alter_table("campaign_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_members_account_id"))
    op.drop_table("campaign_members")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_updated_at"))
        batch_op.drop_index(batch_op.f("ix_campaigns_kind"))
    op.drop_table("campaigns")
