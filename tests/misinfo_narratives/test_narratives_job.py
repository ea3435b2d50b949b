"""The job over the store: idempotent re-runs, case content, fact-checked claims, evaluation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from veracity.detect.misinfo.narratives import NarrativeConfig, NarrativeJob
from veracity.detect.misinfo.narratives.evaluate import evaluate, load_world
from veracity.detect.misinfo.narratives.job import run_narratives_between
from veracity.sim import truth as T
from veracity.sim.narratives import NarrativeScenario, NarrativeWorld, simulate_narratives
from veracity.store.db import Database
from veracity.store.tables import CaseRow, NarrativeRow, SignalRow

SMALL = NarrativeScenario(
    hours=48,
    accounts=800,
    background_posts_per_hour=25,
    planted=4,
    organic_clusters=3,
    final_volume=(100, 250),
    growth_per_hour=(0.2, 0.45),
)
TINY = NarrativeScenario(
    hours=36,
    accounts=400,
    background_posts_per_hour=10,
    planted=2,
    organic_clusters=1,
    final_volume=(80, 120),
    growth_per_hour=(0.35, 0.45),
)


def _snapshot(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with db.transaction() as s:
        narratives = [
            (n.key, n.status, n.post_count, n.reach, n.case_id, n.burst_at, n.data)
            for n in s.scalars(select(NarrativeRow).order_by(NarrativeRow.key))
        ]
        cases = [
            (c.id, c.queue, c.subject_id, c.priority)
            for c in s.scalars(select(CaseRow).order_by(CaseRow.id))
        ]
    return narratives, cases


@pytest.fixture
def tiny_world() -> NarrativeWorld:
    return simulate_narratives(TINY, seed=4)


def test_reruns_are_idempotent_and_cases_are_not_duplicated(
    db: Database, tiny_world: NarrativeWorld
) -> None:
    load_world(db, tiny_world)
    start, end = tiny_world.start + timedelta(hours=6), tiny_world.end
    run_narratives_between(db, start, end)
    first = _snapshot(db)
    assert first[1], "a planted narrative should have opened a case"
    NarrativeJob(db).run(end)  # same time again
    run_narratives_between(db, start, end)  # the whole replay again
    assert _snapshot(db) == first


def test_case_and_narrative_content(db: Database, tiny_world: NarrativeWorld) -> None:
    load_world(db, tiny_world)
    reports = run_narratives_between(db, tiny_world.start, tiny_world.end)
    opened = [c for r in reports for c in r.cases_opened]
    assert opened and len(opened) == len(set(opened))
    planted = {
        cid: r["subject_id"]
        for r in tiny_world.truth
        if T.EMERGING_NARRATIVE in r["labels"]
        for cid in r["details"]["content_ids"]
    }
    with db.transaction() as s:
        case = s.get(CaseRow, opened[0])
        assert case is not None
        assert (case.queue, case.subject_type, case.status) == ("fact-check", "narrative", "open")
        assert 0 < case.priority <= 100
        n = s.get(NarrativeRow, case.subject_id)
        assert n is not None and n.case_id == case.id and n.status == "trending"
        assert n.burst_at is not None and n.reach > 0 and n.post_count >= 6
        data = n.data
        assert data["case"]["kind"] == "trending_unverified_narrative"
        assert 1 <= len(data["representatives"]) <= 5
        assert all(r["id"] in planted for r in data["representatives"])
        first_seen = n.first_seen_at.replace(tzinfo=UTC)
        assert data["first_post"]["created_at"] == first_seen.isoformat().replace("+00:00", "Z")
        curve = data["curve"]
        assert sum(p["posts"] for p in curve) == n.post_count
        assert sum(p["reach"] for p in curve) == n.reach
        assert [p["bucket"] for p in curve] == sorted(p["bucket"] for p in curve)


def test_fact_checked_claims_get_no_unverified_case(
    db: Database, tiny_world: NarrativeWorld
) -> None:
    load_world(db, tiny_world)
    now = datetime.now(UTC)
    rows = [
        {
            "subject_type": "content",
            "subject_id": cid,
            "detector": "text_match",
            "detector_version": "1.0.0",
            "outputs": {"matched": True, "entry_id": f"fc-{r['subject_id']}", "label": "false"},
            "evidence": {},
            "created_at": now,
        }
        for r in tiny_world.truth
        if T.EMERGING_NARRATIVE in r["labels"]
        for cid in r["details"]["content_ids"]
    ]
    with db.transaction() as s:
        s.execute(insert(SignalRow), rows)
    reports = run_narratives_between(db, tiny_world.start, tiny_world.end)
    flagged = {n for r in reports for n in r.fact_checked}
    assert flagged
    with db.transaction() as s:
        for nid in flagged:
            n = s.get(NarrativeRow, nid)
            assert n is not None and n.key.startswith("claim:fc-")
            assert n.data["fact_check"]["rating"] == "false" and n.case_id is None
        assert (
            s.scalar(
                select(func.count()).select_from(CaseRow).where(CaseRow.subject_id.in_(flagged))
            )
            == 0
        )


def test_planted_narratives_are_mostly_flagged_before_ten_percent(db: Database) -> None:
    result = evaluate(db, simulate_narratives(SMALL, seed=1), NarrativeConfig())
    summary = result.as_json()
    assert result.planted == 4
    assert result.detected_early > result.planted / 2, summary
    assert result.false_alarms <= 2, summary


def test_narrative_scenario_is_deterministic_and_validates() -> None:
    a, b = simulate_narratives(TINY, seed=9), simulate_narratives(TINY, seed=9)
    assert (a.content, a.events, a.truth) == (b.content, b.events, b.truth)
    assert simulate_narratives(TINY, seed=10).content != a.content
    with pytest.raises(ValueError, match="final_volume"):
        NarrativeScenario(final_volume=(5, 3))
