"""A verdict re-labels stored posts (decisions, cases, outbox) and a retraction un-labels them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from factcheck_fakes import POLICY_DIR, fake_backend
from sqlalchemy import select

from veracity.config import Settings
from veracity.detect.defaults import build_detectors, build_registry
from veracity.detect.misinfo.factchecks.detector import build_claim_detector
from veracity.detect.misinfo.factchecks.importers import import_fact_checks
from veracity.detect.misinfo.factchecks.model import FactCheckIn
from veracity.detect.misinfo.factchecks.verdicts import (
    ClaimDetectorMissingError,
    RelabelWindow,
    record_verdict,
    relabel,
    relabel_changed,
    retract_verdict,
)
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import ContentIn, ContentKind
from veracity.policy.loader import load_policy_dir
from veracity.runtime import Runtime
from veracity.store.db import Database
from veracity.store.tables import CaseRow, DecisionRow, OutboxRow

T0 = datetime(2026, 11, 20, tzinfo=UTC)
CLAIM = "drinking bleach cures the flu"
VERDICT = FactCheckIn(
    id="fc-bleach",
    claim_text=CLAIM,
    rating="Pants on Fire",
    url="https://check.example/bleach",
    publisher="Example Checks",
)
LABEL = (
    "label(label=fact-checked,publisher=Example Checks,rating=false,"
    "url=https://check.example/bleach)"
)


def make_runtime(db: Database) -> Runtime:
    settings = Settings(database_url=db.url)
    registry = build_registry(db, settings)
    registry.register(build_claim_detector(db, settings, backend=fake_backend()), replace=True)
    return Runtime(db, settings, load_policy_dir(POLICY_DIR, registry), registry)


def post(pid: str, text: str) -> ContentIn:
    return ContentIn(id=pid, account_id="acc-1", kind=ContentKind.POST, text=text)


def decisions(db: Database, trigger: str = "fact_check") -> dict[str, list[Any]]:
    with db.transaction() as s:
        rows = s.execute(
            select(DecisionRow.subject_id, DecisionRow.record)
            .where(DecisionRow.trigger == trigger)
            .order_by(DecisionRow.seq)
        ).all()
    out: dict[str, list[Any]] = {}
    for subject_id, record in rows:
        out.setdefault(subject_id, []).append(record)
    return out


def keys(record: dict[str, Any]) -> list[str]:
    return [
        f"{a['type']}({','.join(f'{k}={v}' for k, v in sorted(a['params'].items()))})"
        for a in record["actions"]
    ]


def outbox(db: Database) -> list[dict[str, Any]]:
    with db.transaction() as s:
        return [r.payload for r in s.scalars(select(OutboxRow).order_by(OutboxRow.id))]


@pytest.fixture
def runtime(db: Database) -> Runtime:
    rt = make_runtime(db)
    rt.ingest.content(
        [
            post("p-repeat", "Drinking bleach cures the flu"),
            post("p-close", "some say bleach cures the flu"),
            post("p-other", "lovely sunset tonight"),
        ],
        now=T0,
    )
    assert outbox(db) == []  # nothing was rated when they were posted
    return rt


def test_verdict_labels_past_posts_and_queues_the_unsure_ones(
    db: Database, runtime: Runtime
) -> None:
    report = record_verdict(db, runtime, [VERDICT], now=T0 + timedelta(days=1))
    assert report.scanned == 3 and report.matched == 2 and len(report.decisions) == 2
    made = decisions(db)
    assert set(made) == {"p-repeat", "p-close"}
    assert set(keys(made["p-repeat"][0])) == {
        "reduce()",
        LABEL,
        "notify(reason=statement_of_reasons)",
    }
    assert set(keys(made["p-close"][0])) == {
        "label(label=unverified,share_prompt=True)",
        "route(queue=fact-check)",
    }
    messages = outbox(db)
    assert {m["subject_id"] for m in messages} == {"p-repeat", "p-close"}
    assert all(m["trigger"] == "fact_check" for m in messages)
    with db.transaction() as s:
        cases = s.execute(select(CaseRow.subject_id, CaseRow.queue)).all()
    assert [tuple(c) for c in cases] == [("p-close", "fact-check")]


def test_rerunning_changes_nothing(db: Database, runtime: Runtime) -> None:
    later = T0 + timedelta(days=1)
    record_verdict(db, runtime, [VERDICT], now=later)
    again = record_verdict(db, runtime, [VERDICT], now=later)
    assert again.fact_checks[0].status.value == "unchanged" and again.decisions == []
    fc = again.fact_checks[0].fact_check
    assert relabel(db, runtime, [fc], now=later).decisions == []
    assert len(outbox(db)) == 2


def test_future_posts_match_through_the_detector(db: Database, runtime: Runtime) -> None:
    record_verdict(db, runtime, [VERDICT], now=T0 + timedelta(days=1))
    result = runtime.ingest.content([post("p-new", "drinking bleach cures the flu!")])
    assert "reduce()" in (result.results[0].actions or [])
    [record] = decisions(db, "ingest")["p-new"]
    assert [m["rule_id"] for m in record["matched"] if m["mode"] == "live"] == [
        "fact-checked-false"
    ]


def test_retraction_takes_the_labels_down(db: Database, runtime: Runtime) -> None:
    record_verdict(db, runtime, [VERDICT], now=T0 + timedelta(days=1))
    report = retract_verdict(db, runtime, "fc-bleach", reason="wrong", now=T0 + timedelta(days=2))
    assert report is not None and len(report.decisions) == 2
    made = decisions(db)
    assert made["p-repeat"][-1]["actions"] == [] and made["p-close"][-1]["actions"] == []
    cleared = [m for m in outbox(db) if m["actions"] == []]
    assert {m["subject_id"] for m in cleared} == {"p-repeat", "p-close"}
    assert retract_verdict(db, runtime, "no-such-id") is None
    fresh = runtime.ingest.content([post("p-after", "drinking bleach cures the flu")])
    assert fresh.results[0].actions == []


def test_changed_rating_relabels_with_the_new_rating(db: Database, runtime: Runtime) -> None:
    record_verdict(db, runtime, [VERDICT], now=T0 + timedelta(days=1))
    softer = VERDICT.model_copy(update={"rating": "Missing context"})
    record_verdict(db, runtime, [softer], now=T0 + timedelta(days=2))
    latest = decisions(db)["p-repeat"][-1]
    assert keys(latest) == [LABEL.replace("rating=false", "rating=missing_context")]


def test_window_limits_what_is_scanned(db: Database, runtime: Runtime) -> None:
    report = record_verdict(
        db, runtime, [VERDICT], now=T0 + timedelta(days=10), window=RelabelWindow(days=5)
    )
    assert report.scanned == 0 and report.decisions == []
    with pytest.raises(ValueError, match="max_posts"):
        RelabelWindow(days=1, max_posts=0)


def test_runtime_without_the_detector_is_refused(db: Database) -> None:
    settings = Settings(database_url=db.url)
    without = DetectorRegistry(build_detectors({}))  # the text detectors, no claim_match
    bare = Runtime(db, settings, [], without)
    with pytest.raises(ClaimDetectorMissingError, match="claim_match"):
        record_verdict(db, bare, [VERDICT])


def test_cli_import_then_relabel(db: Database, runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "checks.jsonl"
    path.write_text(VERDICT.model_dump_json(exclude_none=True) + "\n", encoding="utf-8")
    imported = import_fact_checks(db, path, now=T0 + timedelta(days=1))
    assert imported.changed_ids == ["fc-bleach"]
    report = relabel_changed(db, runtime, imported.changed_ids, now=T0 + timedelta(days=1))
    assert set(decisions(db)) == {"p-repeat", "p-close"} and len(report.decisions) == 2
