"""One investigator decision on a whole campaign: an account decision and a statement of
reasons per member, and enforcement queued through the outbox, all in one transaction.

The campaign decision's id is derived from the campaign and the caller's idempotency key, and
each account decision's id from that, so a repeated request (same key, same body) finds what
it made before and writes nothing; the same key with a different body is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.compliance.statements import (
    StatementOfReasons,
    automated_decision_code,
    list_statements,
    restriction_for,
    save_statements,
    statement_puid,
)
from veracity.detect.coordination.campaigns import FAKE_ENGAGEMENT
from veracity.detect.coordination.store import get_campaign
from veracity.domain.actions import Action, ActionType
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.signals import SubjectType
from veracity.enforce.outbox import enqueue_many
from veracity.policy.dsa import check_dsa_category
from veracity.store.enforcement import record_enforcement
from veracity.store.tables import CampaignDecisionRow, CampaignRow, DecisionRow
from veracity.store.upsert import insert_ignore

TRIGGER = "campaign_review"
MAX_MEMBERS = 10_000
DEFAULT_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
KEYWORD_INAUTHENTIC = "KEYWORD_INAUTHENTIC_ACCOUNTS"


class CampaignAction(StrEnum):
    SUSPEND_ACCOUNTS = "suspend_accounts"
    BAN_ACCOUNTS = "ban_accounts"
    LABEL_CONTENT = "label_content"
    REDUCE_CONTENT = "reduce_content"
    DISCOUNT_ENGAGEMENT = "discount_engagement"


ACTIONS: dict[CampaignAction, Action] = {
    CampaignAction.SUSPEND_ACCOUNTS: Action(type=ActionType.SUSPEND),
    CampaignAction.BAN_ACCOUNTS: Action(type=ActionType.BAN),
    CampaignAction.LABEL_CONTENT: Action(
        type=ActionType.LABEL, params={"label": "coordinated_inauthentic"}
    ),
    CampaignAction.REDUCE_CONTENT: Action(type=ActionType.REDUCE),
    CampaignAction.DISCOUNT_ENGAGEMENT: Action(
        type=ActionType.REDUCE, params={"scope": "engagement"}
    ),
}


class CampaignDecisionIn(BaseModel):
    """What an investigator decides for every member of one campaign."""

    action: CampaignAction
    ground: str = Field(
        min_length=3,
        max_length=500,
        description="Contractual ground: the policy or terms clause relied on.",
    )
    note: str = Field(default="", max_length=2000, description="The investigator's explanation.")
    idempotency_key: str = Field(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    dsa_category: str = Field(default=DEFAULT_CATEGORY, max_length=80)
    duration_days: int | None = Field(
        default=None, ge=1, le=3650, description="Restriction length; omit for indefinite."
    )
    territorial_scope: list[str] | None = Field(
        default=None, max_length=40, description="ISO 3166 alpha-2 codes; omit for everywhere."
    )
    decided_by: str = Field(default="investigator", max_length=128)

    @field_validator("dsa_category")
    @classmethod
    def _category(cls, value: str) -> str:
        return check_dsa_category(value)

    @field_validator("territorial_scope")
    @classmethod
    def _scope(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        codes = [c.strip().upper() for c in value if c.strip()]
        if any(len(c) != 2 or not c.isalpha() for c in codes):
            raise ValueError("territorial_scope takes ISO 3166 alpha-2 codes")
        return sorted(set(codes)) or None

    def fingerprint(self) -> str:
        body = self.model_dump(mode="json", exclude={"idempotency_key"})
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class CampaignNotFound(LookupError):
    pass


class IdempotencyConflict(ValueError):
    """The key was used before on this campaign with a different request."""


@dataclass(frozen=True)
class CampaignDecisionResult:
    id: str
    campaign_id: str
    created: bool
    action: str
    decision_ids: list[str]
    statements: list[StatementOfReasons]
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign_id": self.campaign_id,
            "created": self.created,
            "action": self.action,
            "decision_ids": self.decision_ids,
            "statements": [s.model_dump(mode="json") for s in self.statements],
            "created_at": self.created_at.isoformat(),
        }


def _hash_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def _facts(campaign: dict[str, Any], account_id: str, member_score: float) -> tuple[str, dict]:
    """Art. 17(3)(b) facts from the campaign evidence: shared items and timing, no other names."""
    ev = campaign["evidence"]
    align = ev.get("time_alignment", {})
    n = campaign["member_count"]
    if campaign["kind"] == FAKE_ENGAGEMENT:
        targets = ev.get("targets", [])
        hits = int(ev.get("member_hits", {}).get(account_id, 0))
        text = (
            f"This account was one of {n} accounts that engaged with the same {len(targets)} "
            f"targets, each within a narrow window (median spread {align.get('median_spread_s')}"
            f" s); this account took part in {hits} of them. Engagement in lockstep like this is "
            "not authentic and was detected automatically, then reviewed by a person."
        )
        items = [{"trace": t["trace"], "item": t["item"]} for t in targets[:20]]
    else:
        links = ev.get("member_links", {}).get(account_id, [])
        traces = sorted({t for link in links for t in link.get("traces", {})})
        shared = ev.get("shared_items", [])
        text = (
            f"This account was one of {n} accounts that posted the same items "
            f"({', '.join(traces) or 'shared content'}) within short intervals (median gap "
            f"{align.get('median_gap_s')} s over {align.get('span_s')} s); "
            f"{ev.get('shared_item_count', len(shared))} items were shared across the group. "
            "Acting together like this is coordinated inauthentic behaviour; it was detected "
            "automatically, then reviewed by a person."
        )
        items = [{"trace": s["trace"], "item": s["item"]} for s in shared[:20]]
    evidence = {
        "campaign_id": campaign["id"],
        "campaign_kind": campaign["kind"],
        "campaign_score": campaign["score"],
        "member_count": n,
        "member_score": member_score,
        "first_seen_at": campaign["first_seen_at"].isoformat(),
        "last_seen_at": campaign["last_seen_at"].isoformat(),
        "time_alignment": align,
        "shared_items": items,
    }
    return text[:5000], evidence


def _existing(session: Session, row: CampaignDecisionRow) -> CampaignDecisionResult:
    return CampaignDecisionResult(
        id=row.id,
        campaign_id=row.campaign_id,
        created=False,
        action=row.action,
        decision_ids=list(row.decision_ids),
        statements=list_statements(session, decision_ids=row.decision_ids),
        created_at=row.created_at,
    )


def decide_campaign(
    session: Session, campaign_id: str, request: CampaignDecisionIn, now: datetime
) -> CampaignDecisionResult:
    """Record the decision for every member in the caller's transaction (see module doc)."""
    cd_id = _hash_id("cdec-", campaign_id, request.idempotency_key)
    found = session.get(CampaignDecisionRow, cd_id)
    if found is not None:
        if found.request.get("fingerprint") != request.fingerprint():
            raise IdempotencyConflict("idempotency key already used with a different request")
        return _existing(session, found)
    campaign = get_campaign(session, campaign_id)
    if campaign is None:
        raise CampaignNotFound(campaign_id)
    members = campaign["members"][:MAX_MEMBERS]
    action = ACTIONS[request.action]
    decisions: list[Decision] = []
    statements: list[StatementOfReasons] = []
    for m in members:
        account_id, member_score = m["account_id"], float(m["score"])
        match = RuleMatch(
            policy_id="campaign",
            policy_version="manual",
            rule_id=request.action.value,
            mode=RuleMode.LIVE,
            priority=0,
            actions=[action],
            legal_ground=request.ground,
            dsa_category=request.dsa_category,
            values_used={
                "campaign_id": campaign_id,
                "campaign_score": campaign["score"],
                "member_score": member_score,
                "decided_by": request.decided_by,
                "note": request.note,
            },
        )
        decision = Decision(
            id=_hash_id("dec-", cd_id, account_id),
            subject_type=SubjectType.ACCOUNT,
            subject_id=account_id,
            trigger=TRIGGER,
            policy_versions={"campaign": "manual"},
            matched=[match],
            actions=[action],
            signals_used={"coordination": f"campaign:{campaign_id}"},
            automated_detection=True,
            automated_decision=False,
            created_at=now,
        )
        text, evidence = _facts(campaign, account_id, member_score)
        explanation = request.note.strip() or decision.explain()
        decisions.append(decision)
        statements.append(
            StatementOfReasons(
                puid=statement_puid(decision.id, account_id),
                decision_id=decision.id,
                subject_type=SubjectType.ACCOUNT.value,
                subject_id=account_id,
                source_ref=campaign_id,
                restriction=restriction_for(
                    decision, request.territorial_scope, request.duration_days
                ),
                decision_facts=text,
                facts_evidence=evidence,
                automated_detection=True,
                automated_decision=automated_decision_code(decision),
                incompatible_content_ground=request.ground,
                incompatible_content_explanation=explanation[:2000],
                category=request.dsa_category,
                category_specification=[KEYWORD_INAUTHENTIC],
                created_at=now,
            )
        )
    inserted = insert_ignore(
        session,
        CampaignDecisionRow,
        [
            {
                "id": cd_id,
                "campaign_id": campaign_id,
                "idempotency_key": request.idempotency_key,
                "action": request.action.value,
                "request": {
                    **request.model_dump(mode="json"),
                    "fingerprint": request.fingerprint(),
                },
                "decision_ids": [d.id for d in decisions],
                "created_at": now,
            }
        ],
        "id",
    )
    if not inserted:  # a concurrent request with the same key won the race
        row = session.get(CampaignDecisionRow, cd_id)
        assert row is not None
        if row.request.get("fingerprint") != request.fingerprint():
            raise IdempotencyConflict("idempotency key already used with a different request")
        return _existing(session, row)
    insert_ignore(
        session,
        DecisionRow,
        [
            {
                "id": d.id,
                "subject_type": d.subject_type.value,
                "subject_id": d.subject_id,
                "trigger": d.trigger,
                "record": d.model_dump(mode="json"),
                "action_count": len(d.actions),
                "automated_decision": d.automated_decision,
                "created_at": d.created_at,
            }
            for d in decisions
        ],
        "id",
    )
    enqueue_many(session, decisions, now)
    record_enforcement(session, [(d.subject_id, d) for d in decisions], now)
    save_statements(session, statements)
    row_c = session.get(CampaignRow, campaign_id)
    if row_c is not None:
        row_c.status = "actioned"
    return CampaignDecisionResult(
        id=cd_id,
        campaign_id=campaign_id,
        created=True,
        action=request.action.value,
        decision_ids=[d.id for d in decisions],
        statements=statements,
        created_at=now,
    )


def campaign_decisions(session: Session, campaign_id: str) -> list[dict[str, Any]]:
    """Earlier decisions on a campaign, newest first (for the investigator's page)."""
    rows = session.scalars(
        select(CampaignDecisionRow)
        .where(CampaignDecisionRow.campaign_id == campaign_id)
        .order_by(CampaignDecisionRow.created_at.desc(), CampaignDecisionRow.id)
    )
    return [
        {
            "id": r.id,
            "action": r.action,
            "ground": r.request.get("ground"),
            "note": r.request.get("note"),
            "decided_by": r.request.get("decided_by"),
            "accounts": len(r.decision_ids),
            "created_at": r.created_at,
        }
        for r in rows
    ]
