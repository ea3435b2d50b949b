"""Enforcement history reaches the policies: a repeat spammer gets a strike on the third post."""

from __future__ import annotations

from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.store.enforcement import history_facts


def _spam(i: int, account: str) -> ContentIn:
    return ContentIn(
        id=f"s{i}-{account}",
        account_id=account,
        kind=ContentKind.POST,
        text=f"great deals number {i} at https://spam-offers.example/x{i}",
    )


def test_third_spam_post_adds_a_strike(db: Database) -> None:
    with db.transaction() as session:
        add_entries(session, "domains:spam", [BankEntry("d1", "spam-offers.example", "spam")])
    runtime = build_runtime(db, Settings(database_url=db.url))
    actions = [runtime.ingest.content([_spam(i, "acc-x")]).results[0].actions for i in range(3)]
    assert ["strike()" in (a or []) for a in actions] == [False, False, True]
    # Another account starts with a clean history.
    other = runtime.ingest.content([_spam(9, "acc-y")]).results[0].actions or []
    assert "strike()" not in other
    with db.transaction() as session:
        history = history_facts(session, ["acc-x", "acc-y", "acc-none"])
    assert history["acc-x"] == {"account.prior_violations": 3, "account.prior_strikes": 1}
    assert history["acc-y"] == {"account.prior_violations": 1, "account.prior_strikes": 0}
    assert "acc-none" not in history


def test_a_batch_counts_history_from_before_the_batch(db: Database) -> None:
    with db.transaction() as session:
        add_entries(session, "domains:spam", [BankEntry("d1", "spam-offers.example", "spam")])
    runtime = build_runtime(db, Settings(database_url=db.url))
    result = runtime.ingest.content([_spam(i, "acc-z") for i in range(4)])
    assert all("strike()" not in (r.actions or []) for r in result.results)
    with db.transaction() as session:
        assert history_facts(session, ["acc-z"])["acc-z"]["account.prior_violations"] == 4
