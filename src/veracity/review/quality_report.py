"""Quality of review, per reviewer and per queue, from the stored review decisions:
agreement between a case's first review and its blind second review (share agreeing, Cohen's
and Fleiss' kappa) and accuracy on golden cases. Formulas: ``review.quality``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from veracity.review.intake import CaseKind
from veracity.review.quality import accuracy, cohen_kappa, fleiss_kappa, percent_agreement
from veracity.store.tables import CaseRow, ReviewDecisionRow


@dataclass
class _Tally:
    decisions: int = 0
    pairs: list[tuple[Hashable, Hashable]] = field(default_factory=list)
    golden: list[bool] = field(default_factory=list)

    def as_json(self, *, fleiss: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "decisions": self.decisions,
            "double_reviewed": len(self.pairs),
            "agreement": _round(percent_agreement(self.pairs)),
            "cohen_kappa": _round(cohen_kappa(self.pairs)),
            "golden_answered": len(self.golden),
            "golden_accuracy": _round(accuracy(self.golden)),
        }
        if fleiss:
            out["fleiss_kappa"] = _round(fleiss_kappa([list(p) for p in self.pairs]))
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _window(stmt: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        stmt = stmt.where(column >= since)
    if until is not None:
        stmt = stmt.where(column < until)
    return stmt


def quality_report(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """Per reviewer and per queue: decisions, double-review agreement and kappas, golden
    accuracy, for decisions made in [since, until)."""
    by_reviewer: dict[str, _Tally] = defaultdict(_Tally)
    by_queue: dict[str, _Tally] = defaultdict(_Tally)
    overall = _Tally()
    rows = session.execute(
        _window(
            select(
                ReviewDecisionRow.reviewer,
                ReviewDecisionRow.queue,
                ReviewDecisionRow.case_kind,
                ReviewDecisionRow.correct,
            ),
            ReviewDecisionRow.created_at,
            since,
            until,
        )
    )
    for reviewer, queue, kind, correct in rows:
        if kind == CaseKind.APPEAL:
            continue
        for tally in (by_reviewer[reviewer], by_queue[queue], overall):
            tally.decisions += 1
            if kind == CaseKind.GOLDEN and correct is not None:
                tally.golden.append(bool(correct))
    second = aliased(ReviewDecisionRow)
    first = aliased(ReviewDecisionRow)
    pairs = session.execute(
        _window(
            select(first.reviewer, first.outcome, second.reviewer, second.outcome, first.queue)
            .join(CaseRow, CaseRow.id == second.case_id)
            .join(first, first.case_id == CaseRow.parent_case_id)
            .where(second.case_kind == CaseKind.SECOND_REVIEW),
            second.created_at,
            since,
            until,
        )
    )
    for r1, o1, r2, o2, queue in pairs:
        by_queue[queue].pairs.append((o1, o2))
        overall.pairs.append((o1, o2))
        by_reviewer[r1].pairs.append((o1, o2))
        by_reviewer[r2].pairs.append((o2, o1))
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "overall": overall.as_json(fleiss=True),
        "reviewers": {k: v.as_json() for k, v in sorted(by_reviewer.items())},
        "queues": {k: v.as_json(fleiss=True) for k, v in sorted(by_queue.items())},
    }
