"""The account and behaviour detectors read the pipeline's context; fast paths equal references."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from behaviour_helpers import NOW, accounts

from veracity.config import Settings
from veracity.detect.base import DetectionContext, RecentPost
from veracity.detect.behaviour import account_training
from veracity.detect.behaviour.account_detector import (
    AccountIntegrityDetector,
    build_account_detector,
)
from veracity.detect.behaviour.account_model import TreeParams
from veracity.detect.behaviour.repetition import jaccard, reference_jaccard, shingles
from veracity.detect.behaviour.spam_behaviour import SpamBehaviourDetector
from veracity.domain.entities import ContentIn, ContentKind


def _item(id: str, account: str, text: str = "hello there") -> ContentIn:
    return ContentIn(id=id, account_id=account, kind=ContentKind.COMMENT, text=text)


class Loader:
    """A recent-posts loader over a fixed table, counting its calls."""

    def __init__(self, posts: Mapping[str, Sequence[RecentPost]]) -> None:
        self.posts = posts
        self.calls = 0

    def __call__(self, ids: Collection[str]) -> Mapping[str, Sequence[RecentPost]]:
        self.calls += 1
        return {i: self.posts.get(i, []) for i in ids}


def test_account_detector_scores_authors_with_a_profile(tmp_path: Path) -> None:
    records = accounts(120, seed=5)
    model = account_training.train(records, params=TreeParams(max_iter=30))
    detector = AccountIntegrityDetector(model)
    profiles = {r.account.id: r.account for r in records[:6]}
    items = [_item(f"c{i}", a) for i, a in enumerate(profiles)] + [_item("cx", "nobody")]
    context = DetectionContext(now=NOW, accounts=profiles, recent_posts=Loader({}))
    fast = detector.detect_in_context(items, context)
    for item, result in zip(items, fast, strict=True):
        slow = detector.reference_in_context(item, context)
        assert result.outputs["scored"] == slow.outputs["scored"]
        assert result.outputs["probability"] == pytest.approx(slow.outputs["probability"])
    assert fast[-1].outputs["scored"] is False
    assert all(r.outputs["scored"] for r in fast[:-1])
    scored = list(zip(fast[:-1], records[:6], strict=True))
    fakes = [r.outputs["probability"] for r, a in scored if a.label == 1]
    genuine = [r.outputs["probability"] for r, a in scored if a.label == 0]
    assert min(fakes) > max(genuine)
    # without a context (outside the pipeline) nothing is judged
    assert detector.detect(items[0]).outputs["scored"] is False


def test_account_detector_without_model_is_unscored(tmp_path: Path) -> None:
    detector = build_account_detector(Settings(accounts_model_path=tmp_path / "none.npz"))
    record = accounts(1)[0]
    context = DetectionContext(now=NOW, accounts={record.account.id: record.account})
    result = detector.detect_in_context([_item("c", record.account.id)], context)[0]
    assert result.outputs == {"probability": 0.0, "scored": False}
    assert "veracity train accounts" in result.evidence["reason"]


def test_jaccard_of_hashes_equals_the_string_reference() -> None:
    pairs = [
        ("Subscribe to my channel!!", "subscribe to my CHANNEL"),
        ("free gift cards for everyone", "free gift card for everyone today"),
        ("completely different words", "nothing in common here at all"),
    ]
    for a, b in pairs:
        assert jaccard(shingles(a), shingles(b)) == pytest.approx(reference_jaccard(a, b))


def test_repetition_and_link_burst_from_recent_posts() -> None:
    spam = "great video, check out my channel http://my.example"
    posts = [RecentPost(f"p{i}", spam, NOW - timedelta(minutes=5 * i)) for i in range(4)]
    posts.append(RecentPost("old", spam, NOW - timedelta(hours=5)))  # outside the link window
    posts.append(RecentPost("other", "what a lovely melody, thanks for sharing", NOW))
    loader = Loader({"spammer": posts})
    detector = SpamBehaviourDetector(burst_links=5)
    items = [_item("p0", "spammer", spam), _item("n1", "quiet", "first comment here")]
    context = DetectionContext(now=NOW, recent_posts=loader)
    fast = detector.detect_in_context(items, context)
    assert loader.calls == 1  # one load for the batch
    spammer = fast[0].outputs
    assert spammer["history_known"] is True
    assert spammer["recent_posts"] == 5  # the item itself (p0) is left out
    assert spammer["near_duplicates"] == 4
    assert spammer["links_in_window"] == 4  # its own link + p1..p3
    assert spammer["link_burst"] is False
    assert fast[1].outputs["near_duplicates"] == 0
    for item, result in zip(items, fast, strict=True):
        assert detector.reference_in_context(item, context).outputs == result.outputs
    assert (
        SpamBehaviourDetector(burst_links=4)
        .detect_in_context(items, context)[0]
        .outputs["link_burst"]
    )


def test_spam_behaviour_without_history() -> None:
    detector = SpamBehaviourDetector()
    result = detector.detect(_item("c", "a", "see http://a.example and http://b.example"))
    assert result.outputs["history_known"] is False
    assert result.outputs["links_in_window"] == 2
    plain = detector.detect_in_context([_item("c", "a")], DetectionContext(now=NOW))
    assert plain[0].outputs["history_known"] is False
