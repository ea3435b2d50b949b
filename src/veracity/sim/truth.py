"""Ground-truth vocabulary: the labels truth.jsonl uses and what makes a report accurate.

Subjects absent from truth.jsonl are ordinary organic accounts and posts. Evaluation code should
import these names rather than repeat the strings.
"""

from __future__ import annotations

from typing import Any

# Accounts
BOT = "bot"
SPAMMER = "spammer"
CAMPAIGN_MEMBER = "campaign_member"
SOCKPUPPET = "sockpuppet"
FAKE_ENGAGEMENT = "fake_engagement"
CREATOR = "creator"
TRUSTED_FLAGGER = "trusted_flagger"
# Content
CLAIM_REPEAT = "claim_repeat"
CLAIM_RELATED = "claim_related_not_repeat"
AI_GENERATED = "ai_generated"
AUTHENTIC_MEDIA = "authentic_media"
SPAM = "spam"
BOT_POST = "bot_post"
CAMPAIGN_POST = "campaign_post"
FAKE_ENGAGEMENT_TARGET = "fake_engagement_target"
# Campaigns
COORDINATED_CAMPAIGN = "coordinated_campaign"

INAUTHENTIC_ACCOUNT = frozenset({BOT, SPAMMER, SOCKPUPPET, FAKE_ENGAGEMENT})


def truth_record(
    subject_type: str, subject_id: str, labels: list[str], details: dict[str, Any]
) -> dict[str, Any]:
    return {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "labels": labels,
        "details": details,
    }


def report_is_accurate(reason: str, labels: set[str], details: dict[str, Any]) -> bool:
    """Whether a report's reason is borne out by its target's ground truth."""
    if reason == "misinformation":
        return CLAIM_REPEAT in labels
    if reason == "ai_generated_unlabelled":
        return AI_GENERATED in labels and not details.get("disclosed", False)
    if reason == "spam":
        return SPAM in labels or SPAMMER in labels
    if reason == "fake_account":
        return bool(labels & INAUTHENTIC_ACCOUNT)
    if reason == "fake_engagement":
        return FAKE_ENGAGEMENT in labels or FAKE_ENGAGEMENT_TARGET in labels
    return False  # nothing hateful, harassing or illegal is planted


# Narratives (sim/narratives.py): subject_type "narrative"
NARRATIVE = "narrative"
EMERGING_NARRATIVE = "emerging_narrative"
ORGANIC_CLUSTER = "organic_cluster"
