"""Everything the reviewer's page shows about one case, read in one transaction with indexed
lookups only (the page must render fast with 100k open cases): the case and its SLA, the
content and media, the signals with what each output means, the decision that routed it, the
account's history, related cases, the applicable policy text, and for appeals the appeal.

Blindness: a second review does not show the first reviewer's decision, and a golden case is
shown like any other case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.compliance.statements import StatementOfReasons, list_statements
from veracity.detect.base import Detector
from veracity.domain.actions import RESTRICTIVE
from veracity.domain.decisions import Decision, RuleMode
from veracity.policy.model import Policy
from veracity.review.appeals import appeal_for_case, appeal_json
from veracity.review.config import PolicyTag, ReviewConfig
from veracity.review.decide import hashed
from veracity.review.intake import CaseKind
from veracity.review.locks import lock_is_live, may_work
from veracity.review.queues import Sla, neighbours, sla_of
from veracity.store import queries
from veracity.store.db import as_utc
from veracity.store.tables import (
    AccountEnforcementRow,
    AccountRow,
    AppealRow,
    CaseRow,
    ContentRow,
    DecisionRow,
)

RELATED = 10
HISTORY = 10
SAFE_SCHEMES = ("http", "https")
DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=]+$")


@dataclass
class CaseView:
    case: CaseRow
    sla: Sla
    locked_by: str | None
    lock_until: datetime | None
    mine: bool
    may_decide: bool
    decision: Decision | None
    content: dict[str, Any] | None
    media: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    account: dict[str, Any] | None
    related: list[dict[str, Any]]
    tags: dict[str, PolicyTag]
    rules: list[dict[str, Any]]
    prev_id: str | None
    next_id: str | None
    queue_roles: list[str] = field(default_factory=list)
    appeal: dict[str, Any] | None = None
    appeal_reason: str | None = None
    appealed_statement: StatementOfReasons | None = None
    made_decision: Decision | None = None
    statements: list[StatementOfReasons] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        c = self.case
        return {
            "case": case_json(c, self.sla, blind=True),
            "lock": {
                "held_by": self.locked_by,
                "until": self.lock_until.isoformat() if self.lock_until else None,
                "mine": self.mine,
            },
            "decision": self.decision.model_dump(mode="json") if self.decision else None,
            "content": self.content,
            "signals": self.signals,
            "account": self.account,
            "related": self.related,
            "policy": {
                "tags": {k: t.model_dump() for k, t in self.tags.items()},
                "rules": self.rules,
            },
            "appeal": self.appeal,
            "made_decision_id": self.made_decision.id if self.made_decision else None,
            "statements": [s.model_dump(mode="json") for s in self.statements],
            "prev": self.prev_id,
            "next": self.next_id,
        }


def case_json(row: CaseRow, sla: Sla, *, blind: bool = True) -> dict[str, Any]:
    """A case for the API; ``blind`` hides what would tell a reviewer a case is golden."""
    created = as_utc(row.created_at)
    out = {
        "id": row.id,
        "queue": row.queue,
        "kind": "review" if blind and row.kind == CaseKind.GOLDEN else row.kind,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "decision_id": row.decision_id,
        "status": row.status,
        "priority": row.priority,
        "policy_area": row.policy_area,
        "language": row.language,
        "region": row.region,
        "severity": row.severity,
        "predicted_reach": row.predicted_reach,
        "model_confidence": row.model_confidence,
        "escalation_level": row.escalation_level,
        "created_at": created.isoformat() if created else None,
        "sla": sla.as_json(),
        "outcome": row.outcome,
        "decided_by": row.decided_by,
    }
    return out


def _safe_url(url: str) -> str | None:
    """Only http(s) media and inline raster images are shown (the browser loads them; the
    server never fetches anything)."""
    if DATA_IMAGE.match(url):
        return url
    try:
        scheme = urlparse(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def _media(content: dict[str, Any] | None) -> list[dict[str, Any]]:
    out = []
    for m in (content or {}).get("media", [])[:10]:
        if not isinstance(m, dict):
            continue
        mime = str(m.get("mime_type") or "")
        out.append(
            {
                "url": str(m.get("url", "")),
                "safe_url": _safe_url(str(m.get("url", ""))),
                "mime_type": mime,
                "image": mime.startswith("image/"),
                "video": mime.startswith("video/"),
                "pdq": m.get("pdq"),
            }
        )
    return out


def _explained_signals(
    signals: Sequence[dict[str, Any]], detectors: Iterable[Detector]
) -> list[dict[str, Any]]:
    """Each stored signal with its detector's description and what each output means."""
    known = {d.name: d for d in detectors}
    out = []
    for s in signals:
        det = known.get(s["detector"])
        meaning = {o.name: o.description for o in getattr(det, "outputs", ())}
        out.append(
            {
                "source": s["source"],
                "detector": s["detector"],
                "description": getattr(det, "description", ""),
                "outputs": [
                    {"name": k, "value": v, "meaning": meaning.get(k, "")}
                    for k, v in s["outputs"].items()
                ],
                "evidence": s["evidence"],
            }
        )
    return out


def _rules(decision: Decision | None, policies: Sequence[Policy]) -> list[dict[str, Any]]:
    """The policy rules that matched live, with their text and ground."""
    if decision is None:
        return []
    by_id = {p.id: p for p in policies}
    out = []
    for m in decision.matched:
        if m.mode is not RuleMode.LIVE:
            continue
        policy = by_id.get(m.policy_id)
        rule = next((r for r in policy.rules if r.id == m.rule_id), None) if policy else None
        out.append(
            {
                "policy_id": m.policy_id,
                "rule_id": m.rule_id,
                "version": m.policy_version,
                "description": rule.description if rule else "",
                "legal_ground": m.legal_ground,
                "dsa_category": m.dsa_category,
                "actions": [a.key() for a in m.actions],
            }
        )
    return out


def _account(
    session: Session, account_id: str | None, hide_subject: str | None
) -> dict[str, Any] | None:
    """The account, its enforcement totals, recent restrictive decisions on its content (not
    on ``hide_subject``: a blind review must not see an earlier decision on its own item) and
    its appeals."""
    if not account_id:
        return None
    acc = session.get(AccountRow, account_id)
    totals = session.get(AccountEnforcementRow, account_id)
    authored = select(ContentRow.id).where(ContentRow.account_id == account_id)
    recent = session.execute(
        select(DecisionRow.id, DecisionRow.subject_id, DecisionRow.record, DecisionRow.created_at)
        .where(
            DecisionRow.subject_type == "content",
            DecisionRow.subject_id.in_(authored),
            DecisionRow.action_count > 0,
            DecisionRow.subject_id != (hide_subject or ""),
        )
        .order_by(DecisionRow.seq.desc())
        .limit(HISTORY)
    ).all()
    appeals = session.execute(
        select(AppealRow.outcome, func.count())
        .where(AppealRow.account_id == account_id)
        .group_by(AppealRow.outcome)
    ).all()
    data = acc.data if acc is not None and isinstance(acc.data, dict) else {}
    created = as_utc(acc.created_at) if acc is not None else None
    return {
        "id": account_id,
        "handle": acc.handle if acc else None,
        "created_at": created.isoformat() if created else None,
        "followers": data.get("follower_count"),
        "verified": bool(data.get("verified")),
        "violations": totals.violations if totals else 0,
        "strikes": totals.strikes if totals else 0,
        "appeals": {str(outcome or "open"): int(n) for outcome, n in appeals},
        "recent_decisions": [
            {
                "id": did,
                "subject_id": sid,
                "actions": [a["type"] for a in record.get("actions", []) if isinstance(a, dict)],
                "restrictive": any(
                    a.get("type") in {t.value for t in RESTRICTIVE}
                    for a in record.get("actions", [])
                    if isinstance(a, dict)
                ),
                "automated": bool(record.get("automated_decision")),
                "at": (as_utc(at) or at).isoformat(),
            }
            for did, sid, record, at in recent
        ],
    }


def _related(
    session: Session, row: CaseRow, account_id: str | None, blind: bool
) -> list[dict[str, Any]]:
    """Other cases on the same subject or on the same author's content (for a blind review,
    none on its own item: their outcomes would tell)."""
    subjects = [row.subject_id]
    stmt = select(CaseRow).where(CaseRow.id != row.id)
    if blind:
        stmt = stmt.where(CaseRow.subject_id != row.subject_id)
    if account_id and row.subject_type == "content":
        authored = select(ContentRow.id).where(ContentRow.account_id == account_id)
        stmt = stmt.where(CaseRow.subject_type == "content", CaseRow.subject_id.in_(authored))
    else:
        stmt = stmt.where(
            CaseRow.subject_type == row.subject_type, CaseRow.subject_id.in_(subjects)
        )
    found = session.scalars(stmt.order_by(CaseRow.created_at.desc()).limit(RELATED))
    return [
        {
            "id": c.id,
            "queue": c.queue,
            "kind": "review" if c.kind == CaseKind.GOLDEN else c.kind,
            "subject_id": c.subject_id,
            "status": c.status,
            "outcome": c.outcome if c.kind not in (CaseKind.GOLDEN,) else None,
            "same_subject": c.subject_id == row.subject_id,
        }
        for c in found
    ]


def build_view(
    session: Session,
    config: ReviewConfig,
    row: CaseRow,
    *,
    actor: str,
    roles: Iterable[Any],
    policies: Sequence[Policy],
    detectors: Iterable[Detector],
    now: datetime,
) -> CaseView:
    """The reviewer's page for ``row`` as ``actor`` sees it."""
    decision = queries.get_decision(session, row.decision_id) if row.decision_id else None
    content = (
        queries.content_data(session, row.subject_id) if row.subject_type == "content" else None
    )
    account_id = (
        content.get("account_id")
        if content
        else (row.subject_id if row.subject_type == "account" else None)
    )
    signals = (
        queries.signals_for(session, row.subject_type, row.subject_id)
        if row.subject_type in ("content", "account")
        else []
    )
    live = lock_is_live(row, now)
    blind = row.kind in (CaseKind.SECOND_REVIEW, CaseKind.GOLDEN)
    prev_id, next_id = neighbours(session, row) if row.status == "open" else (None, None)
    view = CaseView(
        case=row,
        sla=sla_of(config, row, now),
        locked_by=row.assigned_to if live else None,
        lock_until=as_utc(row.lock_expires_at) if live else None,
        mine=live and row.assigned_to == actor,
        may_decide=may_work(config, roles, row.queue),
        decision=decision,
        content=content,
        media=_media(content),
        signals=_explained_signals(signals, detectors),
        account=_account(session, account_id, row.subject_id if blind else None),
        related=_related(session, row, account_id, blind),
        tags=config.tags_for(row.policy_area),
        rules=_rules(decision, policies),
        prev_id=prev_id,
        next_id=next_id,
        queue_roles=list(config.queue(row.queue).roles),
    )
    if row.kind == CaseKind.APPEAL:
        appeal = appeal_for_case(session, row.id)
        if appeal is not None:
            view.appeal = appeal_json(appeal) | {"original_decided_by": appeal.original_decided_by}
            view.appeal_reason = appeal.reason
            found = list_statements(session, decision_ids=[appeal.decision_id], limit=1)
            view.appealed_statement = found[0] if found else None
    if row.status != "open" and row.kind == CaseKind.REVIEW:
        made = queries.get_decision(session, hashed("rev-", row.id))
        if made is not None:
            view.made_decision = made
            view.statements = list_statements(session, decision_ids=[made.id])
    return view
