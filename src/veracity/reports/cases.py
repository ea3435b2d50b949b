"""Notices become review cases: every notice on one subject joins that subject's open case in
the ``reports`` queue, and the case's priority follows from who reported it.

``route_notice`` is the one place that opens or finds a case, so switching notices to the
review package's routing later means changing this module only.

Priority (0-100, higher first), recomputed from the case's notices each time one joins:

    weight   = distinct ordinary notifiers + TRUSTED_WEIGHT x distinct trusted flaggers
    crowd    = CROWD_MAX x (1 - 2 ** (-weight / HALF_WEIGHT))          # grows, saturates < 50
    priority = crowd + TRUSTED_BOOST if any trusted flagger (in its area) reported it

So the first ordinary notice gives 7.95, four give 25, and any case a trusted flagger reported
within its expertise (Art. 22(1)) ranks above every case without one (at least 70.27). A notifier
counts once per case however often they report (the platform's account id, or the flagger id),
so one person cannot push a case up alone; anonymous notices count one each.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.orm import Session

from veracity.domain.signals import SubjectType
from veracity.store.tables import CaseRow, ReportRow
from veracity.store.upsert import insert_ignore

REPORTS_QUEUE = "reports"
# Statuses in which a case still takes new notices; a decided or closed case does not, and the
# next notice on the subject opens a new case.
OPEN_STATUSES: tuple[str, ...] = ("open",)
URL_SUBJECT = "url"

TRUSTED_WEIGHT = 3.0
HALF_WEIGHT = 4.0
CROWD_MAX = 50.0
TRUSTED_BOOST = 50.0
_MAX_OPEN_TRIES = 5


def notice_subject(content_id: str | None, url: str | None) -> tuple[str, str]:
    """What a notice is about: the content by id, else the URL (by a hash of its normal form;
    the URL itself stays on the notice)."""
    if content_id:
        return SubjectType.CONTENT.value, content_id
    if not url:
        raise ValueError("a notice needs content_id or url")
    return URL_SUBJECT, "url-" + hashlib.blake2b(url.encode(), digest_size=16).hexdigest()


def case_priority(ordinary: int, trusted: int) -> float:
    """The formula in the module docstring."""
    weight = max(ordinary, 0) + TRUSTED_WEIGHT * max(trusted, 0)
    crowd = CROWD_MAX * (1.0 - 2.0 ** (-weight / HALF_WEIGHT))
    return round(crowd + (TRUSTED_BOOST if trusted > 0 else 0.0), 2)


def _case_id(subject_type: str, subject_id: str, generation: int) -> str:
    """Deterministic, so two notices arriving together for a new subject open one case."""
    key = f"{subject_type}|{subject_id}|{generation}".encode()
    return "case-rep-" + hashlib.blake2b(key, digest_size=12).hexdigest()


def _same_subject(subject_type: str, subject_id: str) -> list[ColumnElement[bool]]:
    return [
        CaseRow.queue == REPORTS_QUEUE,
        CaseRow.subject_type == subject_type,
        CaseRow.subject_id == subject_id,
    ]


def route_notice(
    session: Session, subject_type: str, subject_id: str, now: datetime
) -> tuple[str, bool]:
    """The open reports case of the subject, or a new one; returns (case id, opened now).

    The open case is locked (PostgreSQL) until the caller commits, so concurrent notices on one
    subject join it one after another; two notices on a new subject compute the same case id,
    and the second one finds the first one's case once that commits.
    """
    for _ in range(_MAX_OPEN_TRIES):
        found = session.scalars(
            select(CaseRow.id)
            .where(*_same_subject(subject_type, subject_id), CaseRow.status.in_(OPEN_STATUSES))
            .order_by(CaseRow.created_at, CaseRow.id)
            .limit(1)
            .with_for_update()
        ).first()
        if found is not None:
            return found, False
        same = _same_subject(subject_type, subject_id)
        generation = session.scalar(select(func.count()).select_from(CaseRow).where(*same))
        case_id = _case_id(subject_type, subject_id, int(generation or 0))
        row = {
            "id": case_id,
            "queue": REPORTS_QUEUE,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "decision_id": None,
            "status": "open",
            "priority": 0.0,
            "created_at": now,
        }
        if insert_ignore(session, CaseRow, [row], "id"):
            return case_id, True
        # Someone else opened it meanwhile (and it may be decided already): look again.
    raise RuntimeError(f"could not open a case for {subject_type} {subject_id}")


def refresh_priority(session: Session, case_id: str) -> float:
    """Recompute the case's priority from its notices (see the module docstring)."""
    notifier = func.coalesce(
        literal("f:").concat(ReportRow.flagger_id),
        literal("a:").concat(ReportRow.reporter_account_id),
        literal("r:").concat(ReportRow.id),
    )
    counts = {
        bool(trusted): int(n)
        for trusted, n in session.execute(
            select(ReportRow.trusted_flagger, func.count(func.distinct(notifier)))
            .where(ReportRow.case_id == case_id)
            .group_by(ReportRow.trusted_flagger)
        ).all()
    }
    priority = case_priority(counts.get(False, 0), counts.get(True, 0))
    session.execute(update(CaseRow).where(CaseRow.id == case_id).values(priority=priority))
    return priority
