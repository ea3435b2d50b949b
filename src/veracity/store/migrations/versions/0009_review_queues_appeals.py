"""review queues, reviewers' decisions and appeals

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:00:00.000000

``cases`` gains what routing, priority, claim locks, escalation, double review and golden
cases need (veracity.review); ``review_decisions`` keeps each person's decision for quality
measurement; ``appeals`` holds DSA Art. 20 complaints and their outcomes;
``superseded_decisions`` says which decisions a reviewer or an appeal replaced.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="review", nullable=False)
        )
        batch_op.add_column(sa.Column("policy_area", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("severity", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("predicted_reach", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("model_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("deadline_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("lock_expires_at", UTC_TIME, nullable=True))
        batch_op.add_column(
            sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("double_review", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("parent_case_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("golden_outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("decided_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("updated_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_assigned_to"), ["assigned_to"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_parent_case_id"), ["parent_case_id"], unique=False
        )
        batch_op.create_index(
            "ix_cases_status_queue_priority", ["status", "queue", "priority"], unique=False
        )
        batch_op.create_index("ix_cases_subject", ["subject_type", "subject_id"], unique=False)

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("case_kind", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=256), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("policy_tags", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decision_id", sa.String(length=64), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_decisions_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_review_decisions_reviewer"), ["reviewer"])
        batch_op.create_index(batch_op.f("ix_review_decisions_created_at"), ["created_at"])

    op.create_table(
        "appeals",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("statement_puid", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("original_decided_by", sa.String(length=128), nullable=False),
        sa.Column("decision_trigger", sa.String(length=32), nullable=False),
        sa.Column("decision_automated", sa.Boolean(), nullable=False),
        sa.Column("decision_created_at", UTC_TIME, nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("reversal_decision_id", sa.String(length=64), nullable=True),
        sa.Column("lodged_at", UTC_TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_appeals_decision_id")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_appeals_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_appeals_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_appeals_lodged_at"), ["lodged_at"])

    op.create_table(
        "superseded_decisions",
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("superseded_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_superseded_decisions")),
    )


def downgrade() -> None:
    op.drop_table("superseded_decisions")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_lodged_at"))
        batch_op.drop_index(batch_op.f("ix_appeals_status"))
        batch_op.drop_index(batch_op.f("ix_appeals_case_id"))
        batch_op.drop_index(batch_op.f("ix_appeals_account_id"))
    op.drop_table("appeals")
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decisions_created_at"))
        batch_op.drop_index(batch_op.f("ix_review_decisions_reviewer"))
        batch_op.drop_index(batch_op.f("ix_review_decisions_case_id"))
    op.drop_table("review_decisions")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_subject")
        batch_op.drop_index("ix_cases_status_queue_priority")
        batch_op.drop_index(batch_op.f("ix_cases_parent_case_id"))
        batch_op.drop_index(batch_op.f("ix_cases_assigned_to"))
        for column in (
            "data",
            "updated_at",
            "decided_at",
            "decided_by",
            "outcome",
            "golden_outcome",
            "parent_case_id",
            "double_review",
            "escalation_level",
            "lock_expires_at",
            "assigned_to",
            "deadline_at",
            "model_confidence",
            "predicted_reach",
            "region",
            "language",
            "severity",
            "policy_area",
            "kind",
        ):
            batch_op.drop_column(column)
