"""Prevalence sampling through the review tool, and detector quality from review outcomes: a
sample's items become cases in the prevalence-labelling queue, reviewers label them with the
real review code, and the estimate and the detector report are read back from the store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from measure_support import build
from sqlalchemy import select
from typer.testing import CliRunner

from veracity.access.principal import Principal, Via, user_actor
from veracity.access.roles import Role
from veracity.cli import app
from veracity.config import Settings
from veracity.domain.entities import AccountIn, ContentIn, ContentKind
from veracity.measure.definitions import PREVALENCE_QUEUE
from veracity.measure.prevalence import draw, enqueue, report
from veracity.measure.quality import quality_report
from veracity.review.config import load_config
from veracity.review.decide import ReviewIn, decide_case
from veracity.review.locks import claim
from veracity.review.options import Outcome
from veracity.runtime import Runtime, build_runtime
from veracity.store.db import Database, utcnow
from veracity.store.tables import CaseRow

CONFIG = load_config()
ANN = Principal(user_actor("ann"), frozenset({Role.REVIEWER}), Via.API_TOKEN)
runner = CliRunner()


@pytest.fixture
def runtime(db: Database) -> Iterator[Runtime]:
    yield build_runtime(db, Settings(database_url=db.url))


def _posts(runtime: Runtime, count: int) -> list[str]:
    """Spam-looking posts (the spam policy scores and routes them) from young accounts."""
    now = utcnow()
    runtime.ingest.accounts(
        [AccountIn(id=f"acct-{i}", created_at=now - timedelta(days=2)) for i in range(count)],
        now=now,
    )
    posts = [
        ContentIn(
            id=f"p-{i}",
            account_id=f"acct-{i}",
            kind=ContentKind.POST,
            text=f"Check this out bit.ly/deal{i} great deal number {i}",
            language="en",
        )
        for i in range(count)
    ]
    runtime.ingest.content(posts, now=now)
    return [p.id for p in posts]


def _label(db: Database, case_id: str, violating: bool) -> None:
    body = (
        ReviewIn(outcome=Outcome.REMOVE, policy_tags=["spam"], note="spam")
        if violating
        else ReviewIn(outcome=Outcome.NO_VIOLATION, policy_tags=[], note="fine")
    )
    with db.transaction() as s:
        claim(s, CONFIG, case_id, ANN.actor, ANN.roles, utcnow())
    with db.transaction() as s:
        decide_case(s, CONFIG, case_id, body, ANN, utcnow())


def test_sampled_views_are_labelled_in_the_review_queue_and_estimated(
    db: Database, runtime: Runtime
) -> None:
    ids = _posts(runtime, 12)
    views = {cid: 1 for cid in ids}  # 12 views, all sampled (pi = 1)
    sample = draw(views, n=12, seed=3)
    assert sample.views == 12
    with db.transaction() as s:
        cases = enqueue(s, CONFIG, sample, utcnow())
    with db.transaction() as s:
        rows = s.scalars(select(CaseRow).where(CaseRow.queue == PREVALENCE_QUEUE)).all()
        assert {r.id for r in rows} == set(cases)
        subjects = {r.id: r.subject_id for r in rows}
        assert all(r.data["prevalence"]["pi"] == 1.0 for r in rows)
    # Nothing labelled: nothing estimated.
    with db.transaction() as s:
        assert report(s, CONFIG) == {}
    violating = {"p-0", "p-1", "p-2"}
    for case_id, subject in subjects.items():
        _label(db, case_id, subject in violating)
    with db.transaction() as s:
        got = report(s, CONFIG, sample.sample_id)
    assert got["all"]["positives"] == 3 and got["all"]["n"] == 12
    assert got["all"]["value"] == pytest.approx(0.25) and got["all"]["method"] == "wilson"
    assert got["spam"]["value"] == pytest.approx(0.25)
    # An area no reviewer cited: the exact one-sided upper bound on 12 views.
    assert got["misinformation"]["upper_only"] is True
    assert got["misinformation"]["high"] == pytest.approx(1 - 0.05 ** (1 / 12))
    # The CLI and the KPI report show the same estimate.
    result = runner.invoke(app, ["measure", "prevalence", "--database-url", db.url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["prevalence"]["all"]["positives"] == 3
    kpis = runner.invoke(app, ["kpi", "--json", "--database-url", db.url])
    assert kpis.exit_code == 0, kpis.output
    assert json.loads(kpis.stdout)["prevalence"]["spam"]["positives"] == 3


def test_detector_precision_and_rule_precision_from_review_outcomes(
    db: Database, runtime: Runtime
) -> None:
    ids = _posts(runtime, 6)
    with db.transaction() as s:
        routed = s.scalars(
            select(CaseRow.id).where(CaseRow.subject_id.in_(ids), CaseRow.queue != PREVALENCE_QUEUE)
        ).all()
    assert routed, "the spam policy routes these posts to review"
    for i, case_id in enumerate(sorted(routed)):
        _label(db, case_id, violating=i % 2 == 0)
    with db.transaction() as s:
        got = quality_report(s)
    assert got["rules"], "the rule that routed the cases is measured"
    (_rule, stats), *_ = got["rules"].items()
    assert stats["reviewed"] == len(routed)
    assert stats["precision"] == pytest.approx(
        sum(1 for i in range(len(routed)) if i % 2 == 0) / len(routed)
    )
    for name, det in got["detectors"].items():
        assert det["reviewed"] == len(routed), name
        assert sum(b["n"] for b in det["calibration"]) == len(routed)


def test_sample_command_opens_cases_and_refuses_an_empty_window(db: Database) -> None:
    result = runner.invoke(app, ["measure", "sample", "--size", "5", "--database-url", db.url])
    assert result.exit_code == 2 and "no views" in result.output
    result = runner.invoke(app, ["measure", "sample", "--size", "0", "--database-url", db.url])
    assert result.exit_code == 2
    build(db)  # 25 stored views on c2..c5
    args = ["measure", "sample", "--size", "25", "--seed", "1", "--database-url", db.url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert (got["population_views"], got["sampled_views"], got["cases"]) == (25, 25, 4)
    with db.transaction() as s:
        subjects = set(
            s.scalars(select(CaseRow.subject_id).where(CaseRow.queue == PREVALENCE_QUEUE))
        )
    assert subjects == {"c2", "c3", "c4", "c5"}
    weighted = runner.invoke(app, [*args, "--weighted-by", "spam_behaviour"])
    assert weighted.exit_code == 0, weighted.output
    assert json.loads(weighted.stdout)["design"] == "weighted by spam_behaviour"
