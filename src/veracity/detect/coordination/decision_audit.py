"""Campaign decisions are decisions made by people: who decided is the signed-in caller (not
what the request claims), and each new decision goes to the audit log in its transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.detect.coordination.decide import CampaignDecisionIn, CampaignDecisionResult


def decided_by(body: CampaignDecisionIn, principal: Principal) -> CampaignDecisionIn:
    """The request with ``decided_by`` set to the authenticated actor."""
    return body.model_copy(update={"decided_by": principal.actor})


def record_campaign_decision(
    session: Session,
    principal: Principal,
    body: CampaignDecisionIn,
    result: CampaignDecisionResult,
) -> None:
    """Audit a campaign decision that was just made (replays are not new decisions)."""
    if not result.created:
        return
    record_by(
        session,
        principal,
        "campaign.decide",
        f"campaign:{result.campaign_id}",
        {
            "campaign_decision_id": result.id,
            "action": body.action.value,
            "ground": body.ground,
            "dsa_category": body.dsa_category,
            "duration_days": body.duration_days,
            "territorial_scope": body.territorial_scope,
            "idempotency_key": body.idempotency_key,
            "decision_count": len(result.decision_ids),
            "decision_ids": result.decision_ids[:100],
        },
    )
