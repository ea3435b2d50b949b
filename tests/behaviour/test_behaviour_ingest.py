"""Through ingestion: the authors' profiles and recent posts reach the behaviour detectors."""

from __future__ import annotations

from pathlib import Path

from behaviour_helpers import accounts

from veracity.config import Settings
from veracity.detect.behaviour import account_training
from veracity.detect.behaviour.account_model import TreeParams
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.store.queries import signals_for

SPAM = "great video, check out my channel http://my.example"


def _outputs(db: Database, content_id: str, detector: str) -> dict:
    with db.transaction() as session:
        rows = signals_for(session, "content", content_id)
    return next(r["outputs"] for r in rows if r["detector"] == detector)


def test_repetition_counts_earlier_posts_and_the_same_batch(db: Database, tmp_path: Path) -> None:
    model_file = tmp_path / "accounts.npz"
    records = accounts(120, seed=7)
    account_training.train(records, params=TreeParams(max_iter=30)).save(model_file)
    runtime = build_runtime(db, Settings(database_url=db.url, accounts_model_path=model_file))
    profile = records[1].account  # a fake one
    runtime.ingest.accounts([profile])

    def post(i: int, text: str = SPAM) -> ContentIn:
        return ContentIn(id=f"c{i}", account_id=profile.id, kind=ContentKind.COMMENT, text=text)

    runtime.ingest.content([post(1)])
    runtime.ingest.content([post(2), post(3), post(4, "a lovely melody, thanks for sharing")])
    first = _outputs(db, "c1", "spam_behaviour")
    assert first["history_known"] is True and first["near_duplicates"] == 0
    third = _outputs(db, "c3", "spam_behaviour")
    assert third["recent_posts"] == 3 and third["near_duplicates"] == 2
    assert third["links_in_window"] == 3
    integrity = _outputs(db, "c3", "account_integrity")
    assert integrity["scored"] is True and 0.0 <= integrity["probability"] <= 1.0
    # an author with no profile on record is not judged
    runtime.ingest.content(
        [ContentIn(id="z", account_id="ghost", kind=ContentKind.POST, text="hi")]
    )
    assert _outputs(db, "z", "account_integrity")["scored"] is False
