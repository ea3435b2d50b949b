"""Scoring the job against the simulator's ground truth (truth.jsonl).

A planted group is recovered when one detected campaign holds most of it and is mostly made of
it (overlap at least ``MATCH`` of both sizes): that is recall. A detected campaign is correct
when most of its members (at least ``MATCH``) come from one planted group of the right kind:
that is precision (cluster purity). Bot farms are planted coordination too (their bots repost
the same texts), and the job often finds them in fragments, so coordinated precision is given
with farms counted as correct (``precision``) and as false (``precision_campaigns_only``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from veracity.detect.coordination.campaigns import COORDINATED, FAKE_ENGAGEMENT, Campaign
from veracity.sim import truth as T

MATCH = 0.5


def planted_groups(truth_path: Path) -> dict[str, dict[str, set[str]]]:
    """``{"campaign": {id: members}, "farm": {...}, "lockstep": {...}}`` from truth.jsonl."""
    groups: dict[str, dict[str, set[str]]] = {"campaign": {}, "farm": {}, "lockstep": {}}
    with truth_path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["subject_type"] == "campaign":
                kind = "campaign" if T.COORDINATED_CAMPAIGN in r["labels"] else "lockstep"
                groups[kind][r["subject_id"]] = set(r["details"]["members"])
            elif r["subject_type"] == "account" and T.BOT in r["labels"]:
                farm = r["details"]["farm_id"]
                groups["farm"].setdefault(farm, set()).add(r["subject_id"])
    return groups


def _match(members: set[str], groups: dict[str, set[str]]) -> str | None:
    for gid, truth in sorted(groups.items()):
        common = len(members & truth)
        if common >= MATCH * len(members) and common >= MATCH * len(truth):
            return gid
    return None


def _pure(members: set[str], groups: dict[str, set[str]]) -> bool:
    return any(len(members & truth) >= MATCH * len(members) for truth in groups.values())


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _pr(
    detected: Sequence[Campaign], groups: dict[str, set[str]], pure_in: dict[str, set[str]]
) -> dict[str, Any]:
    found = {m for c in detected if (m := _match(set(c.members), groups))}
    pure = sum(_pure(set(c.members), pure_in) for c in detected)
    return {
        "detected": len(detected),
        "planted": len(groups),
        "precision": _ratio(pure, len(detected)),
        "recall": _ratio(len(found), len(groups)),
    }


def _account_pr(detected: Sequence[Campaign], groups: dict[str, set[str]]) -> dict[str, Any]:
    flagged = {m for c in detected for m in c.members}
    planted = set().union(*groups.values()) if groups else set()
    hit = len(flagged & planted)
    return {
        "account_precision": round(hit / len(flagged), 4) if flagged else None,
        "account_recall": round(hit / len(planted), 4) if planted else None,
    }


def evaluate(campaigns: Sequence[Campaign], truth_path: Path) -> dict[str, Any]:
    """Precision and recall of coordinated campaigns and lockstep groups against the truth."""
    groups = planted_groups(truth_path)
    by_kind: dict[str, list[Campaign]] = defaultdict(list)
    for c in campaigns:
        by_kind[c.kind].append(c)
    coordinated = by_kind[COORDINATED]
    farms_or_campaigns = groups["campaign"] | groups["farm"]
    strict = _pr(coordinated, groups["campaign"], groups["campaign"])
    farm_parts = sum(_pure(set(c.members), groups["farm"]) for c in coordinated)
    out = {
        "coordinated": {
            **_pr(coordinated, groups["campaign"], farms_or_campaigns),
            "precision_campaigns_only": strict["precision"],
            "farm_fragments": farm_parts,
            "farms_planted": len(groups["farm"]),
            **_account_pr(coordinated, groups["campaign"]),
        },
        "fake_engagement": {
            **_pr(by_kind[FAKE_ENGAGEMENT], groups["lockstep"], groups["lockstep"]),
            **_account_pr(by_kind[FAKE_ENGAGEMENT], groups["lockstep"]),
        },
    }
    return out
