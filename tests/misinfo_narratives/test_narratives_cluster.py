"""Clustering: near-duplicates and shared media group, unrelated posts stay apart."""

from __future__ import annotations

from veracity.detect.misinfo.narratives import NarrativeConfig, PostRecord, cluster_posts

CFG = NarrativeConfig()
BASE = "Smart meters were banned in Europe after a hidden study, share before they delete it"


def _p(i: int, text: str = "", **kw: object) -> PostRecord:
    return PostRecord(id=f"p{i}", account_id=f"a{i}", time=1_700_000_000 + i, text=text, **kw)  # type: ignore[arg-type]


def _groups(posts: list[PostRecord]) -> set[frozenset[str]]:
    return {frozenset(posts[i].id for i in g) for g in cluster_posts(posts, CFG)}


def test_near_duplicate_text_groups_and_unrelated_stays_apart() -> None:
    posts = [
        _p(0, BASE),
        _p(1, BASE.upper() + " 🔥🔥"),
        _p(2, "BREAKING: " + BASE + "!!! #wakeup"),
        _p(3, "Made a lovely sourdough loaf this morning with my grandmother's recipe"),
        _p(4, "The football match last night was incredible, what a goal in extra time"),
    ]
    assert _groups(posts) == {
        frozenset({"p0", "p1", "p2"}),
        frozenset({"p3"}),
        frozenset({"p4"}),
    }


def test_shared_media_groups_posts_with_different_text() -> None:
    sha = "ab" * 32
    pdq = int("f0" * 32, 16)
    near = f"{pdq ^ 0b1011:064x}"  # 3 bits away
    far = f"{pdq ^ (2**40 - 1):064x}"  # 40 bits away
    posts = [
        _p(0, "look at this", sha256=(sha,)),
        _p(1, "unbelievable picture", sha256=(sha,)),
        _p(2, "wow", pdq=(f"{pdq:064x}",)),
        _p(3, "no words", pdq=(near,)),
        _p(4, "another one", pdq=(far,)),
    ]
    assert _groups(posts) == {
        frozenset({"p0", "p1"}),
        frozenset({"p2", "p3"}),
        frozenset({"p4"}),
    }


def test_shared_claim_links_paraphrases() -> None:
    posts = [
        _p(0, "The vaccine changes your DNA, doctors admit", claim="c1"),
        _p(1, "Doctors finally confessed: jabs rewrite genes", claim="c1"),
        _p(2, "Doctors finally confessed: jabs rewrite genes", claim="c2"),
        _p(3, "Lovely weather at the beach today with the kids"),
    ]
    # p1 and p2 are identical text, so the two claims join one narrative.
    assert _groups(posts) == {frozenset({"p0", "p1", "p2"}), frozenset({"p3"})}


def test_short_texts_do_not_link() -> None:
    posts = [_p(0, "lol"), _p(1, "lol"), _p(2, "nice")]
    assert _groups(posts) == {frozenset({"p0"}), frozenset({"p1"}), frozenset({"p2"})}
