"""Backtests over a small stored history."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from policy_testkit import NOW, write

from veracity.detect.registry import DetectorRegistry
from veracity.policy.backtest import backtest
from veracity.policy.errors import PolicyLoadError
from veracity.store.db import Database
from veracity.store.tables import AccountRow, ContentRow, SignalRow

GROUND = """
    legal_ground: "ToS 6.3"
    dsa_category: STATEMENT_CATEGORY_OTHER_VIOLATION_TC"""

OLD = """
id: p
version: "1.0.0"
rules:
  - id: spam-domain
    condition: '"spam" in signals.url_reputation.lists'
    actions: [{type: label, params: {label: spam}}]
    mode: live
  - id: claim
    condition: 'signals.text_match.similarity >= 0.9'
    actions: [{type: label, params: {label: false-information}}]
    mode: live
"""

NEW = f"""
id: p
version: "1.1.0"
rules:
  - id: spam-domain
    condition: '"spam" in signals.url_reputation.lists'
    actions: [{{type: label, params: {{label: spam}}}}, {{type: not_recommendable}}]
    mode: live{GROUND}
  - id: claim
    condition: 'signals.text_match.similarity >= 0.8'
    actions: [{{type: label, params: {{label: false-information}}}}]
    mode: live
  - id: young-spammer
    condition: 'account.age_days >= 0.0 && account.age_days < 7.0 && signals.url_reputation.listed'
    actions: [{{type: route, params: {{queue: spam-review}}}}]
    mode: live
  - id: everything-shadow
    condition: 'true'
    actions: [{{type: remove}}]
    mode: shadow{GROUND}
"""


def add_content(db: Database, cid: str, author: str, data: dict[str, Any] | None = None) -> None:
    payload = data or {"id": cid, "account_id": author, "kind": "post", "text": f"text {cid}"}
    with db.transaction() as s:
        s.add(
            ContentRow(
                id=cid,
                account_id=author,
                kind=str(payload.get("kind", "post")),
                text=str(payload.get("text", "")),
                language=None,
                region=None,
                created_at=None,
                data=payload,
                ingested_at=NOW,
            )
        )


def add_account(db: Database, aid: str, age_days: float) -> None:
    created = NOW - timedelta(days=age_days)
    with db.transaction() as s:
        s.add(
            AccountRow(
                id=aid,
                handle=None,
                created_at=created,
                region=None,
                data={"id": aid, "created_at": created.isoformat()},
                ingested_at=NOW,
            )
        )


def add_signal(
    db: Database, cid: str, detector: str, outputs: dict[str, Any], minutes: int = 0
) -> None:
    with db.transaction() as s:
        s.add(
            SignalRow(
                subject_type="content",
                subject_id=cid,
                detector=detector,
                detector_version="1",
                outputs=outputs,
                evidence={},
                created_at=NOW + timedelta(minutes=minutes),
            )
        )


@pytest.fixture
def history(db: Database) -> Database:
    add_account(db, "acc-young", 2)
    add_account(db, "acc-old", 400)
    add_content(db, "c1", "acc-young")
    add_signal(db, "c1", "url_reputation", {"lists": ["spam"], "listed": True, "url_count": 1})
    add_content(db, "c2", "acc-old")
    add_signal(db, "c2", "text_match", {"similarity": 0.95}, minutes=0)
    add_signal(db, "c2", "text_match", {"similarity": 0.85}, minutes=5)  # the latest wins
    add_content(db, "c3", "acc-old")
    add_signal(db, "c3", "text_match", {"similarity": 0.1})
    add_content(db, "c4", "acc-unknown")
    add_signal(db, "c4", "bot_score", {"score": 0.9})
    add_signal(db, "c4", "url_reputation", {"lists": [], "future_output": 1})
    add_content(db, "c5", "acc-old", {"id": "c5", "account_id": "acc-old", "kind": "tweet"})
    add_content(db, "c6", "acc-old")
    add_signal(db, "c6", "url_reputation", {"lists": ["spam"], "listed": True, "url_count": 1})
    return db


def dirs(tmp_path: Path) -> tuple[Path, Path]:
    write(tmp_path / "old" / "p.yaml", OLD)
    write(tmp_path / "new" / "p.yaml", NEW)
    return tmp_path / "old", tmp_path / "new"


def test_backtest_reports_every_difference(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, new = dirs(tmp_path)
    report = backtest(history, old, new, registry, chunk_size=2)
    assert report.old_versions == {"p": "1.0.0"} and report.new_versions == {"p": "1.1.0"}
    assert report.evaluated == 5
    assert report.changed == 3
    changes = {c.subject_id: c for c in report.changes}
    assert set(changes) == {"c1", "c2", "c6"}
    c1 = changes["c1"]
    assert c1.old_actions == ["label(label=spam)"]
    assert c1.new_actions == [
        "not_recommendable()",
        "label(label=spam)",
        "route(queue=spam-review)",
        "notify(reason=statement_of_reasons)",
    ]
    assert c1.rules_added == ["p/young-spammer"] and c1.rules_removed == []
    assert changes["c6"].rules_added == []  # old author: only the action changed
    c2 = changes["c2"]
    assert c2.old_actions == [] and c2.new_actions == ["label(label=false-information)"]
    assert c2.rules_added == ["p/claim"]
    assert dict(report.actions_added) == {
        "label": 1,
        "not_recommendable": 2,
        "notify": 2,
        "route": 1,
    }
    assert dict(report.actions_removed) == {}
    assert report.subject_errors[0]["subject_id"] == "c5"
    assert "kind" in report.subject_errors[0]["message"]
    assert dict(report.ignored_signals) == {"bot_score": 1}
    assert dict(report.ignored_outputs) == {"url_reputation.future_output": 1}
    data = json.loads(json.dumps(report.to_dict()))
    assert data["changed"] == 3 and data["changes"][0]["subject_id"] == "c1"


def test_backtest_in_reverse_counts_removals(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, new = dirs(tmp_path)
    report = backtest(history, new, old, registry)
    assert report.changed == 3
    assert dict(report.actions_removed)["not_recommendable"] == 2
    assert {c.subject_id: c.rules_removed for c in report.changes}["c1"] == ["p/young-spammer"]


def test_identical_policies_change_nothing(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, _ = dirs(tmp_path)
    report = backtest(history, old, old, registry)
    assert report.evaluated == 5 and report.changed == 0 and report.changes == []


def test_limit_and_listing_cap(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, new = dirs(tmp_path)
    limited = backtest(history, old, new, registry, limit=2, chunk_size=1)
    assert limited.evaluated == 2
    assert [c.subject_id for c in limited.changes] == ["c1", "c2"]
    capped = backtest(history, old, new, registry, max_listed=1)
    assert capped.changed == 3 and len(capped.changes) == 1 and capped.changes_truncated


def test_evaluation_time_can_be_fixed(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, new = dirs(tmp_path)
    report = backtest(history, old, new, registry, now=NOW + timedelta(days=30))
    assert "p/young-spammer" not in {r for c in report.changes for r in c.rules_added}


def test_bad_arguments_and_policies(
    history: Database, tmp_path: Path, registry: DetectorRegistry
) -> None:
    old, new = dirs(tmp_path)
    with pytest.raises(ValueError, match="limit must be >= 0"):
        backtest(history, old, new, registry, limit=-1)
    write(new / "p.yaml", NEW.replace("account.age_days", "account.agedays"))
    with pytest.raises(
        PolicyLoadError, match=re.escape("new/p.yaml: policy 'p', rule 'young-spammer'")
    ):
        backtest(history, old, new, registry)
