"""The planted phenomena are there, in the configured proportions, with truth that checks out."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from veracity.sim import PRESETS, SimSummary, simulate
from veracity.sim import truth as T
from veracity.sim.text import REPEAT_JACCARD_MAX, REPEAT_JACCARD_MIN, jaccard, word_set

SCALE = PRESETS["small"]


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


class World:
    def __init__(self, out: Path, summary: SimSummary) -> None:
        self.summary = summary
        self.accounts = {r["id"]: r for r in _lines(out / "accounts.jsonl")}
        self.content = {r["id"]: r for r in _lines(out / "content.jsonl")}
        self.events = _lines(out / "events.jsonl")
        self.reports = _lines(out / "reports.jsonl")
        self.claims = {c["id"]: c for c in _lines(out / "claims.jsonl")}
        self.truth = {(t["subject_type"], t["subject_id"]): t for t in _lines(out / "truth.jsonl")}

    def labelled(self, subject_type: str, label: str) -> list[dict[str, Any]]:
        return [
            t for (st, _), t in self.truth.items() if st == subject_type and label in t["labels"]
        ]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    out = tmp_path_factory.mktemp("small")
    return World(out, simulate(out, seed=5, scale="small"))


def test_planted_account_groups_have_the_configured_sizes(world: World) -> None:
    assert len(world.labelled("account", T.BOT)) == SCALE.bots
    assert len(world.labelled("account", T.SPAMMER)) == SCALE.spammers
    members = world.labelled("account", T.CAMPAIGN_MEMBER)
    assert len(members) == SCALE.campaigns * SCALE.campaign_size
    lockstep = world.labelled("account", T.FAKE_ENGAGEMENT)
    assert len(lockstep) == SCALE.lockstep_groups * SCALE.lockstep_size
    assert len(world.labelled("account", T.TRUSTED_FLAGGER)) == SCALE.trusted_flaggers


def test_planted_content_has_the_configured_proportions(world: World) -> None:
    sources = Counter(t["details"].get("source") for t in world.labelled("content", T.CLAIM_REPEAT))
    assert sources["organic"] == round(SCALE.posts * SCALE.claim_repeat_fraction)
    assert len(world.labelled("content", T.CLAIM_RELATED)) == round(
        SCALE.posts * SCALE.hard_negative_fraction
    )
    media = [c for c in world.content.values() if c.get("media")]
    planted = {T.BOT_POST, T.CAMPAIGN_POST, T.SPAM}
    organic = [
        c
        for c in world.content.values()
        if c["kind"] != "comment"
        and not planted & set(world.truth.get(("content", c["id"]), {"labels": []})["labels"])
    ]
    with_media = sum(bool(c.get("media")) for c in organic)
    assert with_media / len(organic) == pytest.approx(SCALE.media_fraction, abs=0.03)
    ai = world.labelled("content", T.AI_GENERATED)
    assert len(ai) / len(media) == pytest.approx(SCALE.ai_media_fraction, abs=0.03)
    spam_comments = [
        t for t in world.labelled("content", T.SPAM) if t["subject_id"].startswith("cmt-")
    ]
    assert len(spam_comments) == round(SCALE.comments * SCALE.spam_comment_fraction)


def test_organic_population_is_heavy_tailed_and_multilingual(world: World) -> None:
    followers = np.array([a["follower_count"] for a in world.accounts.values()])
    assert followers.max() > 100 * np.median(followers)
    creators = {t["subject_id"] for t in world.labelled("account", T.CREATOR)}
    top = sorted(world.accounts.values(), key=lambda a: -a["follower_count"])[: len(creators)]
    assert sum(a["id"] in creators for a in top) > 0.8 * len(creators)
    actors = Counter(e["account_id"] for e in world.events)
    counts = np.array(sorted(actors.values(), reverse=True))
    assert counts[: len(counts) // 10].sum() > 0.3 * counts.sum()  # top 10% act a lot
    languages = Counter(a["language"] for a in world.accounts.values())
    for language, weight in SCALE.languages.items():
        assert languages[language] / len(world.accounts) == pytest.approx(weight, abs=0.06)


def test_repeats_paraphrase_their_claim_and_hard_negatives_do_not(world: World) -> None:
    repeats = world.labelled("content", T.CLAIM_REPEAT)
    assert repeats
    for t in repeats:
        item = world.content[t["subject_id"]]
        claim = world.claims[t["details"]["claim_id"]]
        text = item.get(t["details"]["where"]) or ""
        assert claim["rating"] != "true"
        assert REPEAT_JACCARD_MIN <= jaccard(text, claim["text"]) <= REPEAT_JACCARD_MAX
        assert word_set(text) != word_set(claim["text"])
    wheres = Counter(t["details"]["where"] for t in repeats)
    assert wheres["transcript"] and wheres["on_screen_text"]
    for t in world.labelled("content", T.CLAIM_RELATED):
        item = world.content[t["subject_id"]]
        claim = world.claims[t["details"]["claim_id"]]
        assert 0 < jaccard(item["text"], claim["text"]) < REPEAT_JACCARD_MIN


def test_ai_media_provenance_matches_truth(world: World) -> None:
    states: dict[bool, Counter[str]] = defaultdict(Counter)
    for t in world.labelled("content", T.AI_GENERATED) + world.labelled(
        "content", T.AUTHENTIC_MEDIA
    ):
        meta = world.content[t["subject_id"]]["metadata"]
        ai = t["details"]["ai_generated"]
        assert meta["c2pa"]["state"] == t["details"]["c2pa_state"]
        assert meta["ai_disclosed"] == t["details"]["disclosed"]
        assert not meta["ai_disclosed"] or ai
        if meta["c2pa"]["state"] == "valid":
            declared_ai = meta["c2pa"]["digital_source_type"].endswith("trainedAlgorithmicMedia")
            assert declared_ai == ai
        states[ai][meta["c2pa"]["state"]] += 1
    assert set(states[True]) == set(states[False]) == {"none", "valid", "invalid"}


def test_campaign_members_post_shared_items_within_the_window(world: World) -> None:
    campaigns = world.labelled("campaign", T.COORDINATED_CAMPAIGN)
    assert len(campaigns) == SCALE.campaigns
    for c in campaigns:
        d = c["details"]
        start = datetime.fromisoformat(d["window_start"])
        end = datetime.fromisoformat(d["window_end"])
        assert (end - start).total_seconds() == SCALE.campaign_window_s
        posters = set()
        texts = []
        for cid in d["content_ids"]:
            item = world.content[cid]
            assert start <= datetime.fromisoformat(item["created_at"]) < end
            assert d["shared_links"][0] in item["text"]
            assert all(tag in item["text"] for tag in d["hashtags"])
            posters.add(item["account_id"])
            texts.append(item["text"])
        assert posters == set(d["members"])
        base = texts[0].lower()
        assert all(jaccard(t.lower(), base) > 0.8 for t in texts)
        shares = [
            e
            for e in world.events
            if e["type"] == "share"
            and e.get("content_id") in set(d["content_ids"])
            and e["account_id"] in posters
        ]
        assert shares
        assert all(start <= datetime.fromisoformat(e["occurred_at"]) < end for e in shares)


def test_lockstep_groups_engage_inside_narrow_windows(world: World) -> None:
    groups = world.labelled("campaign", T.FAKE_ENGAGEMENT)
    assert len(groups) == SCALE.lockstep_groups
    for g in groups:
        d = g["details"]
        members = set(d["members"])
        assert len(d["target_content_ids"]) == SCALE.lockstep_targets
        for w in d["windows"]:
            start = datetime.fromisoformat(w["start"])
            end = datetime.fromisoformat(w["end"])
            assert (end - start).total_seconds() == SCALE.lockstep_window_s
            key = "content_id" if w["action"] == "like" else "target_account_id"
            acted = {
                e["account_id"]
                for e in world.events
                if e["type"] == w["action"]
                and e.get(key) == w["target"]
                and e["account_id"] in members
                and start <= datetime.fromisoformat(e["occurred_at"]) < end
            }
            assert acted == members
        for cid in d["target_content_ids"]:
            assert T.FAKE_ENGAGEMENT_TARGET in world.truth[("content", cid)]["labels"]


def test_bot_farms_are_young_regular_and_repetitive(world: World) -> None:
    by_farm: dict[str, list[str]] = defaultdict(list)
    for t in world.labelled("account", T.BOT):
        by_farm[t["details"]["farm_id"]].append(t["subject_id"])
    assert len(by_farm) == SCALE.bots // SCALE.bot_farm_size
    posts_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in world.content.values():
        posts_by[item["account_id"]].append(item)
    for farm_id, bots in by_farm.items():
        created = sorted(datetime.fromisoformat(world.accounts[b]["created_at"]) for b in bots)
        assert (created[-1] - created[0]).total_seconds() < 1800, farm_id
        texts: set[str] = set()
        for bot in bots:
            acc = world.accounts[bot]
            assert acc["bio"] is None and acc["metadata"]["profile_complete"] < 0.35
            mine = sorted(
                datetime.fromisoformat(p["created_at"]).timestamp()
                for p in posts_by[bot]
                if p["kind"] != "comment"
            )
            gaps = np.diff(mine)
            assert len(gaps) >= 5
            assert gaps.std() < 120 and gaps.mean() >= 12 * 3600 - 120
            texts.update(p["text"] for p in posts_by[bot] if p["kind"] != "comment")
        assert len(texts) <= 4  # a handful of texts reused by the whole farm


def test_spam_links_point_at_listed_domains(world: World) -> None:
    spam = world.labelled("content", T.SPAM)
    assert spam
    for t in spam:
        domain = t["details"]["domain"]
        assert f"https://{domain}/" in world.content[t["subject_id"]]["text"]


def test_reports_are_partly_accurate_and_include_trusted_flaggers(world: World) -> None:
    tally: Counter[str] = Counter()
    for r in world.reports:
        key = ("content", r["content_id"]) if r.get("content_id") else ("account", r["account_id"])
        t = world.truth.get(key, {"labels": [], "details": {}})
        ok = T.report_is_accurate(r["reason"], set(t["labels"]), t["details"])
        tally["accurate" if ok else "inaccurate"] += 1
        if r["trusted_flagger"]:
            tally["trusted"] += 1
            tally["trusted_accurate"] += ok
    assert tally["accurate"] == world.summary.phenomena["reports_accurate"]
    assert tally["inaccurate"] == world.summary.phenomena["reports_inaccurate"]
    assert 0.5 < tally["accurate"] / len(world.reports) < 0.95
    assert tally["trusted"] and tally["trusted_accurate"] / tally["trusted"] > 0.85
