"""Co-action items extracted from content."""

from __future__ import annotations

from veracity.detect.coordination.traces import (
    content_traces,
    hashtag_sequence,
    media_hashes,
    near_duplicate_groups,
    urls,
)


def test_links_tags_and_media_are_normalised() -> None:
    text = "Look https://Example.COM/a/b?x=1#frag, now! #Truth #Now"
    assert urls(text) == ["https://example.com/a/b?x=1"]
    assert hashtag_sequence(text) == "#truth #now"
    media = [{"url": "u", "pdq": "ab" * 32, "sha256": "cd" * 32}, {"url": "v", "sha256": "ef" * 32}]
    assert media_hashes(media) == ["pdq:" + "ab" * 32, "sha256:" + "ef" * 32]


def test_near_duplicates_point_to_the_earliest_copy_without_chaining() -> None:
    base = "the meters in every house are recording your private conversations tonight"
    texts = [
        base,
        base.replace("tonight", "tonight really"),
        "a completely different message about football scores and the weekend weather",
        base.upper().lower(),
    ]
    heads = near_duplicate_groups(texts, 0.8).tolist()
    assert heads[0] == 0 and heads[3] == 0 and heads[1] == 0
    assert heads[2] == 2


def test_content_traces_skip_short_texts_and_single_tags() -> None:
    records = [
        ("p1", "a1", 100, "short #one", []),
        ("p2", "a2", 200, "words enough to count here https://x.example/y #a #b", []),
    ]
    rows = content_traces(records)
    kinds = {(r.content_id, r.trace) for r in rows}
    assert ("p1", "tags") not in kinds and ("p1", "text") not in kinds
    assert {("p2", "url"), ("p2", "tags"), ("p2", "text")} <= kinds
