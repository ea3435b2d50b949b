"""Scoring runs against the store: the full rescore (batch job) and incremental rescoring.

A full run reads every rating, discounts lockstep rater groups, scores, and writes what
changed: note statuses (with a history row per change), contributor scores and the run's
rater model. An incremental run (after a new rating) re-solves only the rated notes with the
raters frozen at the last full run, as the published scorer does between full runs; before
the first full run there are no rater parameters and notes stay "needs more ratings".

After either, the content of every note whose display changed is decided again through the
pipeline (``veracity.notes.display``), which is what attaches or removes the label.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.notes.integrity import IntegrityConfig, RaterGroup, check_integrity, discount
from veracity.notes.load import ScoringData, load_all, load_notes
from veracity.notes.mf import Ratings
from veracity.notes.params import ScorerParams
from veracity.notes.rules import RULES, STATUS_NAMES, Status
from veracity.notes.scorer import RaterModel, ScoringInput, final_statuses, score
from veracity.store.db import Database, utcnow
from veracity.store.tables import (
    CommunityNoteRow,
    NoteContributorRow,
    NoteScoringRunRow,
    NoteStatusChangeRow,
)

if TYPE_CHECKING:
    from veracity.runtime import Runtime

FULL, INCREMENTAL = "full", "incremental"
DECIDED = (STATUS_NAMES[Status.HELPFUL], STATUS_NAMES[Status.NOT_HELPFUL])


@dataclass(frozen=True)
class StatusChange:
    note_id: str
    content_id: str
    previous: str
    status: str
    seq: int


@dataclass
class NoteUpdate:
    """New values for the notes of one run (arrays indexed like ``data.notes``)."""

    status: np.ndarray
    rule: np.ndarray
    intercept: np.ndarray
    factor: np.ndarray
    n_ratings: np.ndarray
    lock_now: np.ndarray


@dataclass
class RunOutcome:
    run_id: int | None
    changes: list[StatusChange] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def _float(x: float) -> float | None:
    return None if np.isnan(x) else round(float(x), 6)


def _close(a: float, b: float) -> bool:
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return abs(a - b) < 5e-7


def write_notes(
    session: Session,
    data: ScoringData,
    new: NoteUpdate,
    *,
    trigger: str,
    run_id: int | None,
    now: datetime,
) -> list[StatusChange]:
    """Write changed note scores; a history row for every status change."""
    t = data.notes
    updates: list[dict[str, Any]] = []
    history: list[NoteStatusChangeRow] = []
    for i, note_id in enumerate(t.ids):
        status = STATUS_NAMES[int(new.status[i])]
        previous = STATUS_NAMES[int(t.status[i])]
        rule = RULES[int(new.rule[i])]
        changed = status != previous
        lock = bool(new.lock_now[i])
        same_scores = (
            _close(t.intercept[i], new.intercept[i])
            and _close(t.factor[i], new.factor[i])
            and int(t.rating_count[i]) == int(new.n_ratings[i])
            and t.rule[i] == rule
        )
        if not changed and not lock and same_scores:
            continue
        row: dict[str, Any] = {
            "id": note_id,
            "status": status,
            "status_rule": rule,
            "intercept": _float(new.intercept[i]),
            "factor": _float(new.factor[i]),
            "rating_count": int(new.n_ratings[i]),
        }
        if lock:
            row["locked_status"] = status
        if changed:
            row["status_changed_at"] = now
            if status in DECIDED:
                row["last_rated_at"] = now
            history.append(
                NoteStatusChangeRow(
                    note_id=note_id,
                    status=status,
                    previous_status=previous,
                    rule=rule,
                    intercept=row["intercept"],
                    factor=row["factor"],
                    rating_count=row["rating_count"],
                    run_id=run_id,
                    trigger=trigger,
                    at=now,
                )
            )
        updates.append(row)
    for start in range(0, len(updates), 1000):
        chunk = updates[start : start + 1000]
        for group in _same_keys(chunk):
            session.execute(update(CommunityNoteRow), group)
    session.add_all(history)
    session.flush()
    content = dict(zip(t.ids, t.content_ids, strict=True))
    return [
        StatusChange(h.note_id, content[h.note_id], h.previous_status, h.status, h.seq)
        for h in history
    ]


def _same_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Bulk UPDATE needs the same columns in every row of one statement."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


def write_contributors(
    session: Session,
    data: ScoringData,
    model: RaterModel,
    helpfulness: Any,
    groups: list[RaterGroup],
    run_id: int,
    now: datetime,
) -> int:
    group_of: dict[int, str] = {}
    for k, group in enumerate(groups):
        for member in group.members:
            group_of[member] = f"run{run_id}-g{k}"
    rows = [
        {
            "account_id": account_id,
            "rater_intercept": _float(model.user_intercept[i]),
            "rater_factor": _float(model.user_factor[i]),
            "helpful": bool(model.helpful[i]),
            "agree_ratio": _float(helpfulness.agree_ratio[i]),
            "valid_ratings": int(helpfulness.valid_ratings[i]),
            "author_notes": int(helpfulness.author_notes[i]),
            "author_ratio_diff": _float(helpfulness.author_ratio_diff[i]),
            "author_mean_score": _float(helpfulness.author_mean_score[i]),
            "high_volume": bool(model.high_volume[i]),
            "correlated": bool(model.correlated[i]),
            "group_id": group_of.get(i),
            "run_id": run_id,
            "updated_at": now,
        }
        for i, account_id in enumerate(data.participants)
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(NoteContributorRow)
    columns = [c for c in rows[0] if c != "account_id"]
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id"], set_={c: stmt.excluded[c] for c in columns}
    )
    for start in range(0, len(rows), 5000):
        session.execute(stmt, rows[start : start + 5000])
    return len(rows)


def run_full(
    db: Database,
    *,
    params: ScorerParams | None = None,
    integrity: IntegrityConfig | None = None,
    now: datetime | None = None,
    runtime: Runtime | None = None,
) -> RunOutcome:
    """Score every note from every rating and store the outcome (see the module docstring)."""
    from veracity.notes.display import sync_display

    p = params or ScorerParams()
    started = utcnow()
    now = now or started
    clock = time.perf_counter()
    with db.transaction() as session:
        data = load_all(session)
    loaded_s = time.perf_counter() - clock
    checked = check_integrity(
        data.note,
        data.rater,
        data.value,
        data.at,
        data.note_author,
        data.n_participants,
        integrity,
    )
    keep = checked.keep
    inp = _scoring_input(data, keep, correlated=checked.correlated, now=int(now.timestamp()))
    result = score(inp, p)
    scored_s = time.perf_counter() - clock - loaded_s
    report: dict[str, Any] = {
        "kind": FULL,
        "scorer": result.report,
        "integrity": checked.report,
        "groups": [{"members": len(g.members), "targets": len(g.targets)} for g in checked.groups],
    }
    with db.transaction() as session:
        run = NoteScoringRunRow(
            kind=FULL,
            started_at=started,
            finished_at=utcnow(),
            global_intercept=float(result.raters.mu),
            ratings_per_note=float(result.raters.ratings_per_note),
            params=p.to_json(),
            report=report,
        )
        session.add(run)
        session.flush()
        run_id = int(run.id)
        new = NoteUpdate(
            result.status,
            result.rule,
            result.intercept,
            result.factor,
            result.n_ratings,
            result.lock_now,
        )
        changes = write_notes(session, data, new, trigger=FULL, run_id=run_id, now=now)
        contributors = write_contributors(
            session, data, result.raters, result.helpfulness, checked.groups, run_id, now
        )
    written_s = time.perf_counter() - clock - loaded_s - scored_s
    report.update(
        {
            "run_id": run_id,
            "status_changes": len(changes),
            "contributors": contributors,
            "seconds": {
                "load": round(loaded_s, 3),
                "score": round(scored_s, 3),
                "write": round(written_s, 3),
            },
        }
    )
    if runtime is not None:
        report["display"] = sync_display(
            db,
            runtime,
            {c.content_id for c in changes},
            f"community_note:run:{run_id}",
            now,
            reconcile=True,
        )
    with db.transaction() as session:
        session.execute(
            update(NoteScoringRunRow).where(NoteScoringRunRow.id == run_id).values(report=report)
        )
    return RunOutcome(run_id, changes, report)


def latest_full_run(session: Session) -> NoteScoringRunRow | None:
    return session.scalars(
        select(NoteScoringRunRow)
        .where(NoteScoringRunRow.kind == FULL)
        .order_by(NoteScoringRunRow.id.desc())
        .limit(1)
    ).first()


def _frozen_model(session: Session, data: ScoringData, run: NoteScoringRunRow) -> RaterModel:
    n = data.n_participants
    intercept, factor = np.full(n, np.nan), np.full(n, np.nan)
    helpful, high, corr = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    index = {p: i for i, p in enumerate(data.participants)}
    rows = session.scalars(
        select(NoteContributorRow).where(NoteContributorRow.account_id.in_(data.participants))
    )
    for row in rows:
        i = index[row.account_id]
        intercept[i] = np.nan if row.rater_intercept is None else row.rater_intercept
        factor[i] = np.nan if row.rater_factor is None else row.rater_factor
        helpful[i], high[i], corr[i] = row.helpful, row.high_volume, row.correlated
    return RaterModel(
        mu=float(run.global_intercept or 0.0),
        user_intercept=intercept,
        user_factor=factor,
        helpful=helpful,
        high_volume=high,
        correlated=corr,
        ratings_per_note=float(run.ratings_per_note or 1.0),
    )


def _stored_groups(session: Session, data: ScoringData) -> list[RaterGroup]:
    index = {p: i for i, p in enumerate(data.participants)}
    members: dict[str, list[int]] = {}
    rows = session.execute(
        select(NoteContributorRow.account_id, NoteContributorRow.group_id).where(
            NoteContributorRow.account_id.in_(data.participants),
            NoteContributorRow.group_id.is_not(None),
        )
    )
    for account_id, group_id in rows:
        members.setdefault(str(group_id), []).append(index[account_id])
    return [RaterGroup(sorted(m), [], 0, 0) for _, m in sorted(members.items())]


def rescore_notes(
    db: Database,
    note_ids: list[str],
    *,
    params: ScorerParams | None = None,
    now: datetime | None = None,
    runtime: Runtime | None = None,
) -> RunOutcome:
    """Re-solve these notes with the last full run's raters (after new ratings)."""
    from veracity.notes.display import sync_display

    p = params or ScorerParams()
    now = now or utcnow()
    with db.transaction() as session:
        run = latest_full_run(session)
        data = load_notes(session, note_ids)
        if run is None or data.n_notes == 0:
            return RunOutcome(None, [], {"kind": INCREMENTAL, "scored": False})
        model = _frozen_model(session, data, run)
        keep, _ = discount(
            data.note,
            data.rater,
            data.at,
            data.note_author,
            _stored_groups(session, data),
            data.n_participants,
        )
        inp = _scoring_input(data, keep)
        ratings = Ratings.of(inp.note, inp.rater, inp.value, inp.n_notes, inp.n_participants)
        n_ratings = np.bincount(inp.note, minlength=inp.n_notes).astype(np.int64)
        facts, status, rule = final_statuses(inp, ratings, model, p, n_ratings)
        lock_now = (data.notes.locked < 0) & (
            int(now.timestamp()) - data.notes.created_at >= p.lock_after_s
        )
        new = NoteUpdate(status, rule, facts.intercept, facts.factor, n_ratings, lock_now)
        changes = write_notes(session, data, new, trigger=INCREMENTAL, run_id=int(run.id), now=now)
    report: dict[str, Any] = {"kind": INCREMENTAL, "scored": True, "run_id": int(run.id)}
    if runtime is not None and changes:
        marker = ",".join(f"{c.note_id}@{c.seq}" for c in changes)
        report["display"] = sync_display(
            db, runtime, {c.content_id for c in changes}, f"community_note:{marker}", now
        )
    return RunOutcome(int(run.id), changes, report)


def _scoring_input(data: ScoringData, keep: np.ndarray, **extra: Any) -> ScoringInput:
    """The scorer's input from loaded ratings, keeping the ratings ``keep`` selects."""
    return ScoringInput(
        note=data.note[keep],
        rater=data.rater[keep],
        value=data.value[keep],
        at=data.at[keep],
        n_notes=data.n_notes,
        n_participants=data.n_participants,
        note_created_at=data.notes.created_at,
        note_author=data.note_author,
        note_misleading=data.notes.misleading,
        note_previous=data.notes.status,
        note_last_rated_at=data.notes.last_rated_at,
        note_locked=data.notes.locked,
        **extra,
    )
