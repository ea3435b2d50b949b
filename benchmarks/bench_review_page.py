"""The reviewer's case page with 100k open cases in PostgreSQL (issue 6: median under 150 ms).

Creates a database of its own on the server (dropped afterwards), fills it in bulk with
accounts, content, realistic decisions and signals (from the real detectors on template posts),
100k open review cases routed and prioritised by ``veracity.review.intake`` across the queues,
5k decided ones, statements and appeals; runs ANALYZE; serves the app with uvicorn and
requests case pages of random open cases over HTTP as a signed-in reviewer (bearer token).
Prints one JSON object: median, p95 and max of the case page, and of the queue page.

    .venv/bin/python benchmarks/bench_review_page.py \
        --server postgresql://postgres@127.0.0.1:5432/test [--cases 100000] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from browser_support import serve
from veracity.access.passwords import ScryptParams
from veracity.access.roles import Role
from veracity.access.tokens import create_token
from veracity.access.users import create_user
from veracity.compliance.decision_statements import (
    automated_statement,
    is_restrictive,
)
from veracity.config import Settings
from veracity.domain.entities import ContentIn, ContentKind
from veracity.review.config import load_config
from veracity.review.intake import (
    CaseKind,
    model_confidence,
    new_case_row,
    predicted_reach,
    route_decision,
    sampled,
)
from veracity.runtime import build_runtime
from veracity.store.db import Database, normalise_url, utcnow
from veracity.store.tables import (
    AccountRow,
    AppealRow,
    CaseRow,
    ContentRow,
    DecisionRow,
    SignalRow,
    StatementRow,
)

TEMPLATES = [
    ("Check this out bit.ly/{i} great deal", "en"),
    ("Schau dir das an bit.ly/{i} tolles Angebot heute", "de"),
    ("Regardez ça bit.ly/{i} une super offre pour vous", "fr"),
    ("Mira esto bit.ly/{i} una gran oferta hoy mismo", "es"),
]
REGIONS = ["DE", "FR", "US", "GB", "BR", "JP", "PL", "ES"]
BATCH = 5000


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _database(server: str, name: str) -> tuple[str, Any]:
    """Create database ``name`` on the server; returns its URL and the admin engine."""
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(server)).set(database=name)
    return url.render_as_string(hide_password=False), admin


def _templates(db: Database) -> list[tuple[Any, dict[str, Any], str]]:
    """Real detector outputs and decisions for each template post (reused in bulk)."""
    runtime = build_runtime(db, Settings(database_url=db.url))
    now = utcnow()
    out = []
    for k, (body, language) in enumerate(TEMPLATES):
        item = ContentIn(
            id=f"tpl-{k}", account_id="tpl", kind=ContentKind.POST, text=body.format(i=k)
        )
        results = runtime.pipeline.detect([item])[0]
        facts = runtime.engine.build_facts(
            item, None, results, now, extra={"account.age_days": 2.0}
        )
        decision = runtime.engine.decide(
            subject_type="content",
            subject_id=item.id,
            facts=facts,
            trigger="ingest",
            trigger_id=item.id,
            now=now,
        )
        out.append((decision, {n: r for n, r in results.items()}, language))
    return out


def _fill(db: Database, cases: int, seed: int, decide: int) -> list[str]:
    """``cases`` cases, ``decide`` of them decided (with 1,000 appeals); the rest stay open."""
    rng = random.Random(seed)
    config = load_config()
    templates = _templates(db)
    now = utcnow()
    accounts = max(1, cases // 5)
    with db.transaction() as s:
        for start in range(0, accounts, BATCH):
            s.execute(
                insert(AccountRow),
                [
                    {
                        "id": f"acct-{i}",
                        "handle": f"user{i}",
                        "created_at": now - timedelta(days=rng.randint(1, 2000)),
                        "region": rng.choice(REGIONS),
                        "data": {"follower_count": int(10 ** rng.uniform(0, 6))},
                        "ingested_at": now,
                    }
                    for i in range(start, min(accounts, start + BATCH))
                ],
            )
    _log(f"{accounts} accounts")
    open_ids: list[str] = []
    for start in range(0, cases, BATCH):
        content, decisions, signals, case_rows, statements, totals = [], [], [], [], [], {}
        for i in range(start, min(cases, start + BATCH)):
            tpl, results, language = templates[i % len(templates)]
            cid, account = f"c-{i}", f"acct-{i % accounts}"
            at = now - timedelta(minutes=rng.randint(0, 60 * 47))
            decision = tpl.model_copy(
                update={
                    "id": f"dec-{i:09d}",
                    "subject_id": cid,
                    "created_at": at,
                }
            )
            content.append(
                {
                    "id": cid,
                    "account_id": account,
                    "kind": "post",
                    "text": TEMPLATES[i % len(TEMPLATES)][0].format(i=i),
                    "language": language,
                    "region": rng.choice(REGIONS),
                    "created_at": at,
                    "data": {
                        "id": cid,
                        "account_id": account,
                        "kind": "post",
                        "text": TEMPLATES[i % len(TEMPLATES)][0].format(i=i),
                        "language": language,
                        "media": [],
                        "metadata": {"views": rng.randint(0, 100_000)},
                    },
                    "ingested_at": at,
                }
            )
            decisions.append(
                {
                    "id": decision.id,
                    "subject_type": "content",
                    "subject_id": cid,
                    "trigger": "ingest",
                    "record": decision.model_dump(mode="json"),
                    "action_count": len(decision.actions),
                    "automated_decision": True,
                    "created_at": at,
                }
            )
            for name, r in results.items():
                signals.append(
                    {
                        "subject_type": "content",
                        "subject_id": cid,
                        "detector": name,
                        "detector_version": "1",
                        "outputs": r.outputs,
                        "evidence": r.evidence,
                        "created_at": at,
                    }
                )
            case_id = f"case-{decision.id}"
            row = new_case_row(
                config,
                case_id=case_id,
                kind=CaseKind.REVIEW,
                routed=route_decision(config, decision),
                subject_type="content",
                subject_id=cid,
                decision_id=decision.id,
                now=at,
                language=language,
                region=content[-1]["region"],
                reach=predicted_reach(content[-1]["data"]["metadata"], None),
                confidence=model_confidence(decision, config.priority.confidence_signals),
                double_review=sampled(case_id, config.double_review_rate),
            )
            if rng.random() < 0.3:  # spread over the queues reviewers work
                row["queue"] = rng.choice(["misinfo", "spam-review", "general", "security"])
            case_rows.append(row)
            open_ids.append(case_id)
            if is_restrictive(decision):
                statements.append(automated_statement(decision))
                totals[account] = totals.get(account, 0) + 1
        with db.transaction() as s:
            s.execute(insert(ContentRow), content)
            s.execute(insert(DecisionRow), decisions)
            s.execute(insert(SignalRow), signals)
            s.execute(insert(CaseRow), case_rows)
            if statements:
                s.execute(
                    insert(StatementRow),
                    [
                        {
                            "puid": st.puid,
                            "decision_id": st.decision_id,
                            "subject_type": st.subject_type,
                            "subject_id": st.subject_id,
                            "source_ref": None,
                            "record": st.model_dump(mode="json"),
                            "created_at": st.created_at,
                        }
                        for st in statements
                    ],
                )
        with db.transaction() as s:
            for account, n in totals.items():
                s.execute(
                    text(
                        "INSERT INTO account_enforcement (account_id, violations, strikes, "
                        "updated_at) VALUES (:a, :n, 0, :t) ON CONFLICT (account_id) DO UPDATE "
                        "SET violations = account_enforcement.violations + :n"
                    ),
                    {"a": account, "n": n, "t": now},
                )
        _log(f"{min(cases, start + BATCH)} cases")
    # Some history: decided cases and appeals, so those lookups read real rows.
    with db.transaction() as s:
        decided = rng.sample(open_ids, k=decide)
        s.execute(
            text(
                "UPDATE cases SET status = 'decided', outcome = 'remove', decided_by = "
                "'user:someone', decided_at = now() WHERE id = ANY(:ids)"
            ),
            {"ids": decided},
        )
        appeals = [
            {
                "id": f"apl-{k}",
                "decision_id": case_id.removeprefix("case-"),
                "account_id": f"acct-{k % accounts}",
                "subject_type": "content",
                "subject_id": f"c-{k}",
                "statement_puid": None,
                "case_id": case_id,
                "reason": "not fair",
                "status": "decided",
                "outcome": rng.choice(["upheld", "reversed"]),
                "original_decided_by": "automated",
                "decision_trigger": "ingest",
                "decision_automated": True,
                "decision_created_at": now,
                "lodged_at": now,
                "data": {},
            }
            for k, case_id in enumerate(decided[:1000])
        ]
        s.execute(insert(AppealRow), appeals)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    opened = set(open_ids) - set(decided)
    return sorted(opened)


def _timed(client: httpx.Client, url: str, headers: dict[str, str]) -> float:
    began = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code} {response.text[:300]}")
    return elapsed


def _stats(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="PostgreSQL URL (any database on it)")
    parser.add_argument("--database", default=f"bench_review_{uuid.uuid4().hex[:6]}")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="Do not drop the database")
    args = parser.parse_args()
    url, admin = _database(args.server, args.database)
    db: Database | None = None
    try:
        db = Database(url)
        began = time.perf_counter()
        open_ids = _fill(db, args.cases + args.cases // 20, args.seed, decide=args.cases // 20)
        fill_s = time.perf_counter() - began
        with db.transaction() as s:
            create_user(
                s, "reviewer", [Role.REVIEWER, Role.SENIOR_REVIEWER], None, ScryptParams(n=2**10)
            )
            token = create_token(s, "reviewer", [Role.REVIEWER, Role.SENIOR_REVIEWER]).secret
            open_count = s.scalar(text("SELECT count(*) FROM cases WHERE status = 'open'"))
        from veracity.web.app import create_app

        settings = Settings(database_url=url)
        app = create_app(settings, db=db, api_tokens=["bench-admin"])
        headers = {"Authorization": f"Bearer {token}"}
        rng = random.Random(args.seed + 1)
        with serve(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            for case_id in rng.sample(open_ids, 10):  # warm-up: connections, templates
                _timed(client, f"/ui/review/cases/{case_id}", headers)
            page = [
                _timed(client, f"/ui/review/cases/{case_id}", headers)
                for case_id in rng.sample(open_ids, args.requests)
            ]
            queue = [_timed(client, "/ui/review?queue=spam-review", headers) for _ in range(30)]
        result = {
            "benchmark": "review_case_page",
            "database": "postgresql",
            "open_cases": int(open_count or 0),
            "fill_s": round(fill_s, 1),
            "case_page": _stats(page),
            "queue_page": _stats(queue),
            "goal_median_ms": 150,
            "met": statistics.median(page) < 150,
        }
        print(json.dumps(result))
    finally:
        if db is not None:
            db.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
