"""The tamper-evident audit log: an append-only table whose entries form a SHA-256 hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON
(seq, time, actor, role, action, subject, details; sorted keys, no spaces), so editing, reordering
or deleting any entry breaks every link after it. The ``audit_head`` row holds the last seq and
hash: appending locks it (one chain, never forked, on SQLite and PostgreSQL alike), and
verification compares the log's tail with it, so deleting the newest entries shows too. The
database additionally refuses UPDATE and DELETE on the log (migration 0007); the chain is what
catches someone who can get past that. Anchoring the printed head hash outside the database
also catches a rewrite of the whole chain.

``record`` is called inside the transaction of the action it records, so both commit or
neither does. Details must not carry personal data or secrets: keys that name a secret are
refused outright.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from veracity.store.db import as_utc, utcnow
from veracity.store.tables import AuditHeadRow, AuditLogRow

GENESIS = "0" * 64
HEAD_ID = 1
MAX_DETAILS_BYTES = 16 * 1024
MAX_ACTOR = 128
MAX_ROLE = 256
MAX_ACTION = 64
MAX_SUBJECT = 256
ACTION_RE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
# Keys that would put a credential or contact data into the log.
FORBIDDEN_KEY_RE = re.compile(
    r"passw(or)?d|passphrase|secret|token|api_?key|cookie|session_?id|csrf|e_?mail|phone|ip_?addr",
    re.IGNORECASE,
)


class AuditError(ValueError):
    """A malformed audit entry (a programming error: fix the caller)."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    subject: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "subject": self.subject,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def _time_text(at: datetime) -> str:
    aware = as_utc(at)
    assert aware is not None
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(
    seq: int,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    subject: str | None,
    details: Mapping[str, Any],
) -> str:
    """The bytes an entry's hash covers, as text: stable across databases and processes."""
    return json.dumps(
        {
            "seq": seq,
            "at": _time_text(at),
            "actor": actor,
            "role": role,
            "action": action,
            "subject": subject,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, Mapping):
        return any(_has_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_text(v) for v in value)
    return False


def _check_keys(value: Any, path: str = "details") -> None:
    """Refuse text under a key that names a secret or contact data (flags, counts and ids
    such as ``has_password`` or ``token_id`` are fine: they cannot carry one)."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if not isinstance(key, str):
                raise AuditError(f"{path}: keys must be strings")
            if FORBIDDEN_KEY_RE.search(key) and _has_text(inner):
                raise AuditError(f"{path}.{key}: secrets and contact data stay out of the log")
            _check_keys(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            _check_keys(inner, f"{path}[{i}]")


def _check(actor: str, role: str, action: str, subject: str | None, details: Any) -> str:
    if not actor or len(actor) > MAX_ACTOR:
        raise AuditError(f"actor must be 1-{MAX_ACTOR} characters")
    if len(role) > MAX_ROLE:
        raise AuditError(f"role must be at most {MAX_ROLE} characters")
    if not ACTION_RE.match(action):
        raise AuditError("action must be a lower-case dotted name, e.g. 'user.create'")
    if subject is not None and len(subject) > MAX_SUBJECT:
        raise AuditError(f"subject must be at most {MAX_SUBJECT} characters")
    if not isinstance(details, Mapping):
        raise AuditError("details must be a JSON object")
    _check_keys(details)
    try:
        text = json.dumps(details, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AuditError(f"details must be plain JSON: {exc}") from None
    if len(text.encode("utf-8")) > MAX_DETAILS_BYTES:
        raise AuditError(f"details must be at most {MAX_DETAILS_BYTES} bytes of JSON")
    return text


def record(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    subject: str | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it.

    ``actor`` is who acted (``user:alice``, ``config-token``, ``cli:root``, ``system``),
    ``role`` the role(s) they acted in, ``action`` a dotted verb (``campaign.decide``),
    ``subject`` what it was done to, ``details`` a small JSON object without personal data
    or secrets (before/after values, ids, counts).
    """
    details = dict(details or {})
    text = _check(actor, role, action, subject, details)
    plain: dict[str, Any] = json.loads(text)  # exactly what a database JSON column returns
    at = (as_utc(at) or utcnow()).astimezone(UTC)  # stored as UTC on every database
    # Take the head: the UPDATE locks its row until our transaction ends.
    head = session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(seq=AuditHeadRow.seq + 1)
        .returning(AuditHeadRow.seq, AuditHeadRow.hash)
    ).one_or_none()
    if head is None:
        raise AuditError("the audit_head row is missing: the log has been tampered with")
    seq, prev_hash = int(head[0]), str(head[1])
    digest = chain_hash(prev_hash, canonical_json(seq, at, actor, role, action, subject, plain))
    session.add(
        AuditLogRow(
            seq=seq,
            at=at,
            actor=actor,
            role=role,
            action=action,
            subject=subject,
            details=plain,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(hash=digest))
    session.flush()
    return AuditEntry(seq, at, actor, role, action, subject, plain, prev_hash, digest)


def _entry(row: AuditLogRow) -> AuditEntry:
    at = as_utc(row.at)
    assert at is not None
    return AuditEntry(
        row.seq,
        at,
        row.actor,
        row.role,
        row.action,
        row.subject,
        dict(row.details or {}),
        row.prev_hash,
        row.hash,
    )


def list_entries(
    session: Session,
    *,
    after: int = 0,
    limit: int = 100,
    action: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
) -> list[AuditEntry]:
    """Entries with seq above ``after``, oldest first, optionally filtered."""
    query = select(AuditLogRow).where(AuditLogRow.seq > after)
    if action is not None:
        query = query.where(AuditLogRow.action == action)
    if actor is not None:
        query = query.where(AuditLogRow.actor == actor)
    if subject is not None:
        query = query.where(AuditLogRow.subject == subject)
    rows = session.scalars(query.order_by(AuditLogRow.seq).limit(limit))
    return [_entry(r) for r in rows]


_COLUMNS = (
    AuditLogRow.seq,
    AuditLogRow.at,
    AuditLogRow.actor,
    AuditLogRow.role,
    AuditLogRow.action,
    AuditLogRow.subject,
    AuditLogRow.details,
    AuditLogRow.prev_hash,
    AuditLogRow.hash,
)


def _all_entries(session: Session, page: int = 1000) -> Iterator[Any]:
    """Every entry in seq order, as plain rows (not tracked by the session), page by page."""
    after = 0
    while True:
        rows = list(
            session.execute(
                select(*_COLUMNS)
                .where(AuditLogRow.seq > after)
                .order_by(AuditLogRow.seq)
                .limit(page)
            )
        )
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1].seq


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad_id: int | None
    problem: str | None
    head: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad_id": self.first_bad_id,
            "problem": self.problem,
            "head": self.head,
        }


def verify(session: Session) -> Verification:
    """Walk the chain from the start. ``first_bad_id`` is the seq of the first entry that does
    not verify (for entries missing at the end: the first missing seq)."""
    expected_seq, prev_hash, count = 1, GENESIS, 0

    def bad(seq: int, problem: str) -> Verification:
        return Verification(False, count, seq, problem, None)

    for row in _all_entries(session):
        count += 1
        if row.seq != expected_seq:
            return bad(min(row.seq, expected_seq), f"entry {expected_seq} is missing")
        if row.prev_hash != prev_hash:
            return bad(row.seq, "its link to the previous entry is broken")
        try:
            canonical = canonical_json(
                row.seq,
                row.at,
                row.actor,
                row.role,
                row.action,
                row.subject,
                row.details if isinstance(row.details, dict) else {},
            )
        except (TypeError, ValueError):
            return bad(row.seq, "its details are not plain JSON")
        if chain_hash(prev_hash, canonical) != row.hash or not isinstance(row.details, dict):
            return bad(row.seq, "its content does not match its hash")
        prev_hash, expected_seq = row.hash, row.seq + 1
    head = session.get(AuditHeadRow, HEAD_ID)
    if head is None:
        return bad(expected_seq, "the audit_head row is missing")
    last = expected_seq - 1
    if head.seq > last:
        return bad(expected_seq, f"entries {expected_seq}..{head.seq} are missing")
    if head.seq < last:
        return bad(head.seq + 1, f"entries after {head.seq} were not appended through the head")
    if head.hash != prev_hash:
        return bad(last, "the last entry is not the one the head records")
    return Verification(True, count, None, None, prev_hash)
