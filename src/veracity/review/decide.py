"""A reviewer decides a case.

A decision on an ordinary case goes through the pipeline every decision takes (decision row,
outbox message, enforcement totals, statement of reasons when it restricts; see
``review.enforcement``) and the audit log records who decided, all in one transaction. Two
kinds of case only measure: a blind second review of a sampled case, and a golden case whose
answer is known. Neither enforces anything, and neither looks different to the reviewer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.compliance import transparency_schema as S
from veracity.compliance.decision_statements import reviewed_statement
from veracity.compliance.statements import StatementOfReasons
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.signals import SubjectType
from veracity.review.config import PolicyTag, ReviewConfig
from veracity.review.enforcement import store_decision, supersede
from veracity.review.intake import CaseKind, Routed, new_case_row
from veracity.review.locks import (
    CaseLocked,
    CaseNotFound,
    CaseNotOpen,
    ReviewError,
    check_may_review,
    lock_is_live,
)
from veracity.review.notify import notice_source, notify_reporters
from veracity.review.options import Option, Outcome, option
from veracity.store import queries
from veracity.store.tables import CaseRow, ReviewDecisionRow
from veracity.store.upsert import insert_ignore

TRIGGER = "review"
DECIDED = "decided"
TagName = Annotated[str, Field(min_length=1, max_length=64)]


class InvalidReview(ReviewError):
    status = 422


class ReviewIn(BaseModel):
    """A reviewer's decision on a case."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    policy_tags: list[TagName] = Field(
        default_factory=list, max_length=5, description="Policy tags cited (routing.yaml)."
    )
    note: str = Field(
        default="", max_length=2000, description="Shown to the affected user in the statement."
    )


@dataclass(frozen=True)
class ReviewResult:
    case_id: str
    review_id: str
    kind: str
    outcome: str
    decision_id: str | None
    statement: StatementOfReasons | None
    second_review_case_id: str | None
    golden_correct: bool | None

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "review_id": self.review_id,
            "outcome": self.outcome,
            "decision_id": self.decision_id,
            "statement": self.statement.model_dump(mode="json") if self.statement else None,
            "second_review_case_id": self.second_review_case_id,
        }


def close_case(row: CaseRow, outcome: str, actor: str, now: datetime) -> None:
    """Mark a case decided with its outcome and release its claim lock."""
    row.status = DECIDED
    row.outcome = outcome
    row.decided_by = actor
    row.decided_at = now
    row.assigned_to = None
    row.lock_expires_at = None
    row.updated_at = now


def hashed(prefix: str, *parts: str) -> str:
    return prefix + hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def open_case_for_review(
    session: Session, case_id: str, actor: str, now: datetime, *, kinds: tuple[str, ...]
) -> CaseRow:
    """The case, locked for this transaction, open, of one of ``kinds`` and claimed by
    ``actor``; raises the ReviewError that says what is missing."""
    row = session.get(CaseRow, case_id, with_for_update=True)
    if row is None:
        raise CaseNotFound(f"no case {case_id!r}")
    if row.status != "open":
        raise CaseNotOpen(f"case {case_id} is {row.status}")
    if row.kind not in kinds:
        raise InvalidReview(f"case {case_id} is a {row.kind} case; use its own decision form")
    if not lock_is_live(row, now) or row.assigned_to != actor:
        if lock_is_live(row, now):
            raise CaseLocked(row.assigned_to or "?", row.lock_expires_at)
        raise CaseLocked("nobody (claim it first)", None)
    return row


def resolve_tags(config: ReviewConfig, names: list[str], restrictive: bool) -> list[PolicyTag]:
    unknown = [n for n in names if n not in config.policy_tags]
    if unknown:
        raise InvalidReview(
            f"unknown policy tags: {', '.join(unknown)}; known: {', '.join(config.policy_tags)}"
        )
    if restrictive and not names:
        raise InvalidReview("a restrictive decision must cite at least one policy tag")
    return [config.policy_tags[n] for n in names]


def case_source(session: Session, row: CaseRow) -> tuple[str, str | None]:
    """Where the case came from, for the statement: a notice (reports package), what the
    case's data says, or the platform's own initiative."""
    found = notice_source(session, row.id)
    if found is not None and found[0] in S.SOURCE_TYPES:
        return found
    data = row.data or {}
    if data.get("source_type") in S.SOURCE_TYPES:
        identity = data.get("source_identity")
        return str(data["source_type"]), str(identity) if identity else None
    return S.SOURCE_VOLUNTARY, None


def _detection_automated(row: CaseRow, original: Decision | None, source: str) -> bool:
    data = row.data or {}
    if isinstance(data.get("automated_detection"), bool):
        return bool(data["automated_detection"])
    if source != S.SOURCE_VOLUNTARY:
        return False  # a notice (user report, trusted flagger) found it
    return original.automated_detection if original is not None else True


def _facts(opt: Option, tag: PolicyTag, row: CaseRow, original: Decision | None) -> str:
    how = (
        "It was found automatically: " + original.explain()
        if original is not None and original.automated_detection
        else "It was brought to our attention for review."
    )
    return (
        f"A person on the review team examined this {row.subject_type} and decided: "
        f"{opt.title.lower()}, under {tag.title} ({tag.ground}). {how}"
    )


def _review_decision(
    row: CaseRow,
    opt: Option,
    tags: list[PolicyTag],
    tag_names: list[str],
    principal: Principal,
    original: Decision | None,
    source: str,
    now: datetime,
) -> Decision:
    first = tags[0] if tags else None
    match = RuleMatch(
        policy_id="review",
        policy_version="manual",
        rule_id=opt.outcome.value,
        mode=RuleMode.LIVE,
        priority=0,
        actions=list(opt.actions),
        legal_ground=first.ground if first else None,
        dsa_category=first.category if first else None,
        values_used={
            "case_id": row.id,
            "queue": row.queue,
            "decided_by": principal.actor,
            "policy_tags": list(tag_names),
        },
    )
    return Decision(
        id=hashed("rev-", row.id),
        subject_type=SubjectType(row.subject_type),
        subject_id=row.subject_id,
        trigger=TRIGGER,
        policy_versions={"review": "manual"},
        matched=[match],
        actions=list(opt.actions),
        signals_used=dict(original.signals_used) if original else {},
        automated_detection=_detection_automated(row, original, source),
        automated_decision=False,
        created_at=now,
    )


def _statement(
    decision: Decision,
    opt: Option,
    tags: list[PolicyTag],
    body: ReviewIn,
    row: CaseRow,
    original: Decision | None,
    source: tuple[str, str | None],
) -> StatementOfReasons:
    tag = tags[0]
    keywords = list(dict.fromkeys(k for t in tags for k in t.keywords))
    return reviewed_statement(
        decision,
        facts=_facts(opt, tag, row, original),
        evidence={
            "case_id": row.id,
            "queue": row.queue,
            "policy_tags": list(body.policy_tags),
            "original_decision_id": row.decision_id,
            "signals_used": sorted(decision.signals_used),
        },
        ground=tag.ground,
        category=tag.category,
        keywords=keywords,
        explanation=body.note.strip() or tag.text,
        source_type=source[0],
        source_identity=source[1],
    )


def _second_review(
    session: Session, config: ReviewConfig, row: CaseRow, principal: Principal, now: datetime
) -> str:
    """Open the blind second review of a sampled case (never for the same person)."""
    case_id = hashed("case2-", row.id)
    routed = Routed(row.queue, row.policy_area or "other", row.severity, -1)
    insert_ignore(
        session,
        CaseRow,
        [
            new_case_row(
                config,
                case_id=case_id,
                kind=CaseKind.SECOND_REVIEW,
                routed=routed,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                decision_id=row.decision_id,
                now=now,
                language=row.language,
                region=row.region,
                reach=row.predicted_reach,
                confidence=row.model_confidence,
                parent_case_id=row.id,
                data={"excluded_reviewers": [principal.actor]},
            )
        ],
        "id",
    )
    return case_id


def decide_case(
    session: Session,
    config: ReviewConfig,
    case_id: str,
    body: ReviewIn,
    principal: Principal,
    now: datetime,
) -> ReviewResult:
    """Record ``principal``'s decision on a case they hold (see the module docstring)."""
    row = open_case_for_review(
        session,
        case_id,
        principal.actor,
        now,
        kinds=(CaseKind.REVIEW, CaseKind.SECOND_REVIEW, CaseKind.GOLDEN),
    )
    check_may_review(config, row, principal.actor, principal.roles)
    opt = option(body.outcome)
    tags = resolve_tags(config, body.policy_tags, opt.restrictive)
    if opt.actions and row.subject_type not in (SubjectType.CONTENT, SubjectType.ACCOUNT):
        raise InvalidReview(
            f"a {row.subject_type} cannot be enforced on directly: decide 'no_violation' "
            "or escalate it"
        )
    original = queries.get_decision(session, row.decision_id) if row.decision_id else None
    decision: Decision | None = None
    statement: StatementOfReasons | None = None
    second: str | None = None
    correct: bool | None = None
    if row.kind == CaseKind.GOLDEN:
        correct = body.outcome.value == row.golden_outcome
    elif row.kind == CaseKind.REVIEW:
        source = case_source(session, row)
        decision = _review_decision(
            row, opt, tags, body.policy_tags, principal, original, source[0], now
        )
        if opt.restrictive:
            statement = _statement(decision, opt, tags, body, row, original, source)
        store_decision(session, decision, now, statement)
        if original is not None:  # the reviewer's decision replaces the one that routed it
            supersede(session, original, decision, "review", now, {"case_id": row.id})
        if row.double_review:
            second = _second_review(session, config, row, principal, now)
    review_id = hashed("rd-", row.id)
    insert_ignore(
        session,
        ReviewDecisionRow,
        [
            {
                "id": review_id,
                "case_id": row.id,
                "case_kind": row.kind,
                "queue": row.queue,
                "reviewer": principal.actor,
                "role": principal.role_label,
                "outcome": body.outcome.value,
                "policy_tags": list(body.policy_tags),
                "note": body.note or None,
                "decision_id": decision.id if decision else None,
                "correct": correct,
                "created_at": now,
            }
        ],
        "id",
    )
    close_case(row, body.outcome.value, principal.actor, now)
    record_by(
        session,
        principal,
        "review.decide",
        f"case:{row.id}",
        {
            "queue": row.queue,
            "outcome": body.outcome.value,
            "policy_tags": list(body.policy_tags),
            "decision_id": decision.id if decision else None,
            "statement_puid": statement.puid if statement else None,
            "second_review_case_id": second,
            "measurement_only": row.kind != CaseKind.REVIEW,
        },
    )
    if row.kind == CaseKind.REVIEW:
        notify_reporters(
            session,
            row.id,
            body.outcome.value,
            decision_id=decision.id if decision else None,
            now=now,
        )
    return ReviewResult(
        case_id=row.id,
        review_id=review_id,
        kind=row.kind,
        outcome=body.outcome.value,
        decision_id=decision.id if decision else None,
        statement=statement,
        second_review_case_id=second,
        golden_correct=correct,
    )
