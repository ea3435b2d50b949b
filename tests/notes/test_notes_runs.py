"""Scoring runs against the store, and the label that follows a note's status: attached through
the decision pipeline when a note becomes helpful, taken down when it stops being helpful."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from notes_support import seed_store
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from veracity.config import Settings
from veracity.notes.detector import CommunityNoteDetector, build_note_detector, database_lookup
from veracity.notes.runs import run_full
from veracity.notes.simulate import CampConfig, NoteKind, SyntheticRatings, two_camp_ratings
from veracity.runtime import Runtime, build_runtime
from veracity.store.db import Database, utcnow
from veracity.store.tables import (
    CommunityNoteRow,
    ContentRow,
    DecisionRow,
    NoteContributorRow,
    NoteScoringRunRow,
    NoteStatusChangeRow,
    OutboxRow,
)
from veracity.web.app import create_app

TOKEN = {"Authorization": "Bearer runs-admin"}


@pytest.fixture
def world(db: Database) -> Iterator[tuple[Database, Runtime, SyntheticRatings]]:
    settings = Settings(database_url=db.url)
    runtime = build_runtime(db, settings)
    start = int((utcnow() - timedelta(days=4)).timestamp())
    s = two_camp_ratings(
        CampConfig(raters=150, notes=60, ratings=4_000, start=start, span_days=1.0, seed=3)
    )
    seed_store(db, runtime.ingest, s)
    yield db, runtime, s


def _notes(db: Database) -> dict[str, CommunityNoteRow]:
    with db.transaction() as session:
        return {r.id: r for r in session.scalars(select(CommunityNoteRow))}


def _latest_labels(db: Database, content_id: str) -> list[dict]:
    with db.transaction() as session:
        record = session.scalars(
            select(DecisionRow.record)
            .where(DecisionRow.subject_id == content_id)
            .order_by(DecisionRow.seq.desc())
            .limit(1)
        ).one()
    return [a["params"] for a in record["actions"] if a["type"] == "label"]


def test_full_run_scores_attaches_labels_and_is_idempotent(
    world: tuple[Database, Runtime, SyntheticRatings],
) -> None:
    db, runtime, s = world
    outcome = run_full(db, runtime=runtime)
    notes = _notes(db)
    status = {i: notes[f"n{i}"].status for i in range(s.n_notes)}
    one_camp = [i for i in range(s.n_notes) if s.note_kind[i] == NoteKind.ONE_CAMP]
    bridging = [i for i in range(s.n_notes) if s.note_kind[i] == NoteKind.BRIDGING]
    assert all(status[i] != "helpful" for i in one_camp)
    assert sum(status[i] == "helpful" for i in bridging) >= 0.8 * len(bridging)
    helpful = sorted(i for i in range(s.n_notes) if status[i] == "helpful")
    assert len(outcome.changes) == sum(v != "needs_more_ratings" for v in status.values())
    # every helpful note's content now carries its label, with the note's text and source
    for i in helpful:
        row = notes[f"n{i}"]
        assert row.shown and row.last_rated_at is not None
        assert _latest_labels(db, f"c{i}") == [
            {
                "label": "community-note",
                "note_id": f"n{i}",
                "text": f"Context for claim {i}.",
                "url": f"https://source.example/{i}",
                "video_start_s": -1.0,
                "video_end_s": -1.0,
            }
        ]
    assert sorted(outcome.report["display"]["decisions"]) == sorted(
        _decision_ids(db, [f"c{i}" for i in helpful])
    )
    with db.transaction() as session:
        messages = session.scalar(
            select(func.count()).where(
                OutboxRow.decision_id.in_(outcome.report["display"]["decisions"])
            )
        )
        history = session.scalar(select(func.count()).select_from(NoteStatusChangeRow))
        contributors = session.scalar(select(func.count()).select_from(NoteContributorRow))
        run = session.get(NoteScoringRunRow, outcome.run_id)
    assert messages == len(helpful)
    assert history == len(outcome.changes)
    assert contributors == len(set(s.rater.tolist()) | set(s.note_author.tolist()))
    assert run is not None and run.report["status_changes"] == len(outcome.changes)
    # nothing changed since: a second run changes no status and makes no decision
    again = run_full(db, runtime=runtime)
    assert again.changes == [] and again.report["display"]["decisions"] == []


def _decision_ids(db: Database, content_ids: list[str]) -> list[str]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(DecisionRow.id).where(
                    DecisionRow.subject_id.in_(content_ids),
                    DecisionRow.trigger == "community_note",
                )
            )
        )


def test_new_ratings_rescore_incrementally_and_take_the_label_down(
    world: tuple[Database, Runtime, SyntheticRatings],
) -> None:
    db, runtime, s = world
    run_full(db, runtime=runtime)
    notes = _notes(db)
    target = next(i for i in range(s.n_notes) if notes[f"n{i}"].status == "helpful")
    rated = set(s.rater[s.note == target].tolist())
    with db.transaction() as session:
        usable = sorted(
            int(r.account_id[1:])
            for r in session.scalars(select(NoteContributorRow))
            if r.helpful and r.rater_intercept is not None
        )
    fresh = [u for u in usable if u not in rated and u != s.note_author[target]]
    app = create_app(
        Settings(database_url=db.url), db=db, runtime=runtime, api_tokens=["runs-admin"]
    )
    changed = None
    with TestClient(app) as client:
        for count, rater in enumerate(fresh, 1):
            body = {"rater_id": f"u{rater}", "helpfulness": "not_helpful", "tags": ["incorrect"]}
            response = client.post(f"/v1/notes/n{target}/ratings", json=body, headers=TOKEN)
            assert response.status_code == 200, response.text
            assert response.json()["rescored"] is True
            if response.json()["status_changed"]:
                changed = (count, response.json()["note"])
                break
    assert changed is not None, "enough not-helpful ratings must end the helpful status"
    count, note = changed
    assert note["status"] != "helpful" and note["shown"] is False and count > 3
    assert _latest_labels(db, f"c{target}") == []  # the label is down
    with db.transaction() as session:
        last = session.scalars(
            select(NoteStatusChangeRow)
            .where(NoteStatusChangeRow.note_id == f"n{target}")
            .order_by(NoteStatusChangeRow.seq.desc())
        ).first()
        cleared = session.scalars(
            select(DecisionRow)
            .where(DecisionRow.subject_id == f"c{target}")
            .order_by(DecisionRow.seq.desc())
        ).first()
        assert cleared is not None
        message = session.scalar(select(func.count()).where(OutboxRow.decision_id == cleared.id))
    assert last is not None and last.trigger == "incremental"
    assert (last.previous_status, last.status) == ("helpful", note["status"])
    assert cleared.trigger == "community_note" and cleared.action_count == 0
    assert message == 1  # "no label any more" is announced to the platform too


def test_old_notes_are_locked(world: tuple[Database, Runtime, SyntheticRatings]) -> None:
    db, _, _ = world
    with db.transaction() as session:
        session.execute(
            update(CommunityNoteRow)
            .where(CommunityNoteRow.id.in_(["n0", "n1"]))
            .values(created_at=utcnow() - timedelta(days=15))
        )
    run_full(db)
    notes = _notes(db)
    assert notes["n0"].locked_status == notes["n0"].status
    assert notes["n1"].locked_status == notes["n1"].status
    assert notes["n2"].locked_status is None


def test_detector_reads_the_store_and_matches_its_reference(
    world: tuple[Database, Runtime, SyntheticRatings],
) -> None:
    db, runtime, _ = world
    run_full(db, runtime=runtime)
    detector = CommunityNoteDetector(database_lookup(db))
    from veracity.domain.entities import ContentIn

    with db.transaction() as session:
        items = [ContentIn.model_validate(d) for d in session.scalars(select(ContentRow.data))]
    fast = detector.detect_many(items)
    assert [detector.reference(i) for i in items] == fast
    shown = [r.outputs["note_id"] for r in fast if r.outputs["shown"]]
    assert shown and all(_notes(db)[n].status == "helpful" for n in shown)
    assert build_note_detector(None).detect(items[0]) == detector.empty_result()
    assert np.isclose(sum(1 for r in fast if r.outputs["shown"]), len(shown))


def test_cli_job_prints_the_run_report(
    world: tuple[Database, Runtime, SyntheticRatings],
) -> None:
    from veracity.cli import app

    db, _, _ = world
    result = CliRunner().invoke(
        app, ["jobs", "notes-score", "--database-url", db.url, "--no-display"]
    )
    assert result.exit_code == 0, result.output
    report = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert report["kind"] == "full" and report["run_id"] >= 1
    assert report["scorer"]["statuses"]["helpful"] > 0
