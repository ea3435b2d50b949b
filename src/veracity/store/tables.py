"""Relational schema. SQLite by default, PostgreSQL in production; Alembic owns changes.

Entities and the event log are keyed by the client's ids, so a re-sent record is a conflict that
changes nothing. Signals and decisions are append-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger autoincrement keys must stay INTEGER on SQLite to be rowid aliases.
AutoId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON()
UtcDateTime = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    handle: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    region: Mapped[str | None] = mapped_column(String(256))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ContentRow(Base):
    __tablename__ = "content"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(256))
    region: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class EventRow(Base):
    """The append-only event log."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str | None] = mapped_column(String(128))
    content_id: Mapped[str | None] = mapped_column(String(128))
    target_account_id: Mapped[str | None] = mapped_column(String(128))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_events_type_occurred", "type", "occurred_at"),
        Index("ix_events_content", "content_id"),
        Index("ix_events_account", "account_id"),
    )


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    reporter_account_id: Mapped[str | None] = mapped_column(String(128))
    content_id: Mapped[str | None] = mapped_column(String(128), index=True)
    account_id: Mapped[str | None] = mapped_column(String(128), index=True)
    reason: Mapped[str] = mapped_column(String(80))
    trusted_flagger: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # DSA Art. 16 notices (issue 6, migration 0010; veracity.reports). ``reason`` holds the
    # notice's STATEMENT_CATEGORY_* (hence 80 characters); the notifier's name and e-mail live
    # in report_contacts.
    url: Mapped[str | None] = mapped_column(Text)
    flagger_id: Mapped[str | None] = mapped_column(String(64), index=True)
    case_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received", server_default="received")
    outcome: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReportContactRow(Base):
    """A notifier's name and e-mail (personal data): kept apart from ``reports`` so that no
    export, log or webhook built from reports can carry them, and so they can be erased alone."""

    __tablename__ = "report_contacts"

    report_id: Mapped[str] = mapped_column(
        String(128), ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrustedFlaggerRow(Base):
    """A trusted flagger (DSA Art. 22): an entity whose notices within its areas of expertise
    (STATEMENT_CATEGORY_* values) are handled with priority. Revoked entries are kept."""

    __tablename__ = "trusted_flaggers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(Json)
    member_state: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(500))


class SignalRow(Base):
    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(128))
    detector: Mapped[str] = mapped_column(String(64))
    detector_version: Mapped[str] = mapped_column(String(32))
    outputs: Mapped[dict[str, Any]] = mapped_column(Json)
    evidence: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_signals_subject", "subject_type", "subject_id"),)


class DecisionRow(Base):
    __tablename__ = "decisions"

    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(128))
    trigger: Mapped[str] = mapped_column(String(32))
    record: Mapped[dict[str, Any]] = mapped_column(Json)
    action_count: Mapped[int] = mapped_column(Integer)
    automated_decision: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (Index("ix_decisions_subject", "subject_type", "subject_id"),)


class OutboxRow(Base):
    """Transactional outbox: written in the decision's transaction, delivered afterwards."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(256), unique=True)
    decision_id: Mapped[str] = mapped_column(String(64), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    queue: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(128))
    decision_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("decisions.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Review queues (issue 6, migration 0009; veracity.review). A case is claimed while
    # ``lock_expires_at`` is in the future; ``kind`` is review, second_review, golden or appeal.
    kind: Mapped[str] = mapped_column(String(16), default="review", server_default="review")
    policy_area: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    severity: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    predicted_reach: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    model_confidence: Mapped[float | None] = mapped_column(Float)
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assigned_to: Mapped[str | None] = mapped_column(String(128), index=True)
    lock_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    double_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    parent_case_id: Mapped[str | None] = mapped_column(String(64), index=True)
    golden_outcome: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any] | None] = mapped_column(Json)

    __table_args__ = (
        Index("ix_cases_status_queue_priority", "status", "queue", "priority"),
        Index("ix_cases_subject", "subject_type", "subject_id"),
    )


class BankEntryRow(Base):
    """Entries of matching banks (known texts, domain lists, phrases) that detectors load."""

    __tablename__ = "bank_entries"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    bank: Mapped[str] = mapped_column(String(64), index=True)
    entry_id: Mapped[str] = mapped_column(String(128))
    value: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("uq_bank_entries_bank_entry", "bank", "entry_id", unique=True),)


class FactCheckRow(Base):
    """One fact-check of one claim, normalised; re-imports update it in place (versioned)."""

    __tablename__ = "fact_checks"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    claim_text: Mapped[str] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(32), index=True)
    original_rating: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(16))
    publisher: Mapped[str | None] = mapped_column(String(256))
    url: Mapped[str | None] = mapped_column(Text)
    claim_date: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_date: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class NarrativeRow(Base):
    """A cluster of recent posts sharing a claim, text or media, tracked for bursts."""

    __tablename__ = "narratives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="watching", index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    burst_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    burst_score: Mapped[float] = mapped_column(Float, default=0.0)
    case_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AccountEnforcementRow(Base):
    """Running totals of enforcement against an account, read by policies as prior history."""

    __tablename__ = "account_enforcement"

    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    violations: Mapped[int] = mapped_column(Integer, default=0)
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CampaignRow(Base):
    """A coordinated group found by the coordination job, with its evidence (issue 5)."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    score: Mapped[float] = mapped_column(Float)
    member_count: Mapped[int] = mapped_column(Integer)
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    engine: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class CampaignMemberRow(Base):
    __tablename__ = "campaign_members"

    campaign_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)


class EngagementDiscountRow(Base):
    """Likes or follows a lockstep group added to a subject: removed from corrected counts."""

    __tablename__ = "engagement_discounts"

    campaign_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)
    discounted: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_engagement_discounts_subject", "subject_type", "subject_id"),)


class CampaignDecisionRow(Base):
    """One investigator decision on a whole campaign; its account decisions are in ``decisions``."""

    __tablename__ = "campaign_decisions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    request: Mapped[dict[str, Any]] = mapped_column(Json)
    decision_ids: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("uq_campaign_decisions_key", "campaign_id", "idempotency_key", unique=True),
    )


class StatementRow(Base):
    """A DSA Art. 17 statement of reasons, one per affected subject of a decision (issue 5/6)."""

    __tablename__ = "statements_of_reasons"

    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    puid: Mapped[str] = mapped_column(String(64), unique=True)
    decision_id: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(128))
    source_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_statements_of_reasons_subject", "subject_type", "subject_id"),)


class UserRow(Base):
    """A person (or a named machine client) who signs in; roles are a list of role names."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(Json)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """A user's API token for machines: only its SHA-256 is stored; revocable, may expire."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        AutoId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    roles: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A signed-in browser: keyed by the SHA-256 of the cookie's secret, with idle and absolute
    expiry (issue 6)."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(
        AutoId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_id: Mapped[int | None] = mapped_column(
        AutoId, ForeignKey("api_tokens.id", ondelete="CASCADE")
    )
    credential_hash: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AuditLogRow(Base):
    """The append-only, hash-chained audit log: ``hash`` is SHA-256 of ``prev_hash`` and the
    entry's canonical JSON. ``seq`` is assigned from ``audit_head``, never by the database."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    role: Mapped[str] = mapped_column(String(256))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(256), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadRow(Base):
    """One row: the last entry's seq and hash. Appends lock it, so the chain never forks, and
    verification compares it with the log's tail, so dropping the newest entries is detected."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class DsaSubmissionRow(Base):
    """Where each statement of reasons stands with the DSA Transparency Database (issue 6):
    pending (sent, outcome unknown: retried next run), accepted (never sent again), rejected
    (the database refused it) or invalid (failed validation here, never sent)."""

    __tablename__ = "dsa_submissions"

    puid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    uuid: Mapped[str | None] = mapped_column(String(64))
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReviewDecisionRow(Base):
    """One person's decision on one review case (issue 6): what quality of review is measured
    on. ``decision_id`` is the enforcement decision it made, if any (second reviews and golden
    cases make none); ``correct`` is set for golden cases."""

    __tablename__ = "review_decisions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    case_kind: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(64))
    reviewer: Mapped[str] = mapped_column(String(128), index=True)
    role: Mapped[str] = mapped_column(String(256))
    outcome: Mapped[str] = mapped_column(String(32))
    policy_tags: Mapped[list[str]] = mapped_column(Json)
    note: Mapped[str | None] = mapped_column(Text)
    decision_id: Mapped[str | None] = mapped_column(String(64))
    correct: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AppealRow(Base):
    """A complaint against a decision (DSA Art. 20), lodged for the affected user; one per
    decision. Its outcome (upheld or reversed) is what overturn rates are measured on."""

    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(128))
    statement_puid: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    original_decided_by: Mapped[str] = mapped_column(String(128))
    decision_trigger: Mapped[str] = mapped_column(String(32))
    decision_automated: Mapped[bool] = mapped_column(Boolean)
    decision_created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reversal_decision_id: Mapped[str | None] = mapped_column(String(64))
    lodged_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(Json)


class CommunityNoteRow(Base):
    """A crowd-written context note on one piece of content (issue 7, veracity.notes). The
    status fields are written by the scorer; ``shown`` is whether the content's decisions
    currently carry it as its community-note label."""

    __tablename__ = "community_notes"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_id: Mapped[str] = mapped_column(String(128), index=True)
    author_id: Mapped[str] = mapped_column(String(128), index=True)
    text: Mapped[str] = mapped_column(Text)
    classification: Mapped[str] = mapped_column(String(32))
    sources: Mapped[list[str]] = mapped_column(Json)
    video_start_s: Mapped[float | None] = mapped_column(Float)
    video_end_s: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), index=True)
    status_rule: Mapped[str | None] = mapped_column(String(32))
    intercept: Mapped[float | None] = mapped_column(Float)
    factor: Mapped[float | None] = mapped_column(Float)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_status: Mapped[str | None] = mapped_column(String(24))
    last_rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shown: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(Json)


class NoteRatingRow(Base):
    """One contributor's rating of one note; rating again replaces it."""

    __tablename__ = "note_ratings"

    note_id: Mapped[str] = mapped_column(
        String(128), ForeignKey("community_notes.id", ondelete="CASCADE"), primary_key=True
    )
    rater_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    helpfulness: Mapped[str] = mapped_column(String(24))
    value: Mapped[float] = mapped_column(Float)
    tags: Mapped[list[str]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NoteStatusChangeRow(Base):
    """Every change of a note's status, with the scores and the rule behind it."""

    __tablename__ = "note_status_history"

    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    note_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(24))
    previous_status: Mapped[str] = mapped_column(String(24))
    rule: Mapped[str] = mapped_column(String(32))
    intercept: Mapped[float | None] = mapped_column(Float)
    factor: Mapped[float | None] = mapped_column(Float)
    rating_count: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(BigInteger)
    trigger: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class NoteContributorRow(Base):
    """A contributor's scores from the last full scoring run: rater parameters (frozen for
    incremental rescoring), rater and author helpfulness, and integrity flags."""

    __tablename__ = "note_contributors"

    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    rater_intercept: Mapped[float | None] = mapped_column(Float)
    rater_factor: Mapped[float | None] = mapped_column(Float)
    helpful: Mapped[bool] = mapped_column(Boolean)
    agree_ratio: Mapped[float | None] = mapped_column(Float)
    valid_ratings: Mapped[int] = mapped_column(Integer)
    author_notes: Mapped[int] = mapped_column(Integer)
    author_ratio_diff: Mapped[float | None] = mapped_column(Float)
    author_mean_score: Mapped[float | None] = mapped_column(Float)
    high_volume: Mapped[bool] = mapped_column(Boolean)
    correlated: Mapped[bool] = mapped_column(Boolean)
    group_id: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NoteScoringRunRow(Base):
    """One scoring run (full or incremental), with what incremental runs reuse."""

    __tablename__ = "note_scoring_runs"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
    global_intercept: Mapped[float | None] = mapped_column(Float)
    ratings_per_note: Mapped[float | None] = mapped_column(Float)
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    report: Mapped[dict[str, Any]] = mapped_column(Json)


class SupersededRow(Base):
    """A decision no longer in force, and what replaced it: a reviewer's decision on the case
    it opened (``review``) or an appeal's reversal (``appeal``). Decisions and statements are
    immutable, so this is where their status is read from."""

    __tablename__ = "superseded_decisions"

    decision_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    superseded_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ExperimentRow(Base):
    """An A/B experiment on a policy or intervention (issue 8; veracity.experiments). The
    definition is kept whole in ``definition``; the columns are what lists filter on."""

    __tablename__ = "experiments"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    intervention: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    definition: Mapped[dict[str, Any]] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ExperimentExposureRow(Base):
    """A unit's first exposure to its variant; one row per (experiment, unit), so re-logging
    changes nothing."""

    __tablename__ = "experiment_exposures"

    experiment_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    variant: Mapped[str] = mapped_column(String(32))
    exposed_at: Mapped[datetime] = mapped_column(UtcDateTime)
