"""community notes, their ratings, status history, contributor scores and scoring runs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000

Issue 7 (veracity.notes): notes are keyed by the platform's ids like content; a rater's rating
of a note is one row that a new rating replaces; every status change is kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "community_notes",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("content_id", sa.String(length=128), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("video_start_s", sa.Float(), nullable=True),
        sa.Column("video_end_s", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_rule", sa.String(length=32), nullable=True),
        sa.Column("intercept", sa.Float(), nullable=True),
        sa.Column("factor", sa.Float(), nullable=True),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("locked_status", sa.String(length=24), nullable=True),
        sa.Column("last_rated_at", UTC_TIME, nullable=True),
        sa.Column("status_changed_at", UTC_TIME, nullable=True),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("ingested_at", UTC_TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_notes")),
    )
    with op.batch_alter_table("community_notes", schema=None) as batch_op:
        for column in ("content_id", "author_id", "status"):
            batch_op.create_index(
                batch_op.f(f"ix_community_notes_{column}"), [column], unique=False
            )

    op.create_table(
        "note_ratings",
        sa.Column("note_id", sa.String(length=128), nullable=False),
        sa.Column("rater_id", sa.String(length=128), nullable=False),
        sa.Column("helpfulness", sa.String(length=24), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["community_notes.id"],
            name=op.f("fk_note_ratings_note_id_community_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("note_id", "rater_id", name=op.f("pk_note_ratings")),
    )
    with op.batch_alter_table("note_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_ratings_rater_id"), ["rater_id"], unique=False)

    op.create_table(
        "note_status_history",
        sa.Column("seq", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("note_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("previous_status", sa.String(length=24), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("intercept", sa.Float(), nullable=True),
        sa.Column("factor", sa.Float(), nullable=True),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_note_status_history")),
    )
    with op.batch_alter_table("note_status_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_status_history_note_id"), ["note_id"], unique=False
        )

    op.create_table(
        "note_contributors",
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("rater_intercept", sa.Float(), nullable=True),
        sa.Column("rater_factor", sa.Float(), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("agree_ratio", sa.Float(), nullable=True),
        sa.Column("valid_ratings", sa.Integer(), nullable=False),
        sa.Column("author_notes", sa.Integer(), nullable=False),
        sa.Column("author_ratio_diff", sa.Float(), nullable=True),
        sa.Column("author_mean_score", sa.Float(), nullable=True),
        sa.Column("high_volume", sa.Boolean(), nullable=False),
        sa.Column("correlated", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_note_contributors")),
    )

    op.create_table(
        "note_scoring_runs",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=False),
        sa.Column("global_intercept", sa.Float(), nullable=True),
        sa.Column("ratings_per_note", sa.Float(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_scoring_runs")),
    )
    with op.batch_alter_table("note_scoring_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_scoring_runs_kind"), ["kind"], unique=False)


def downgrade() -> None:
    op.drop_table("note_scoring_runs")
    op.drop_table("note_contributors")
    op.drop_table("note_status_history")
    op.drop_table("note_ratings")
    op.drop_table("community_notes")
