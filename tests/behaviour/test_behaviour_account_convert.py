"""InstaFake and Twitter v1.1 rows become account JSONL in the project's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veracity.detect.behaviour.account_convert import (
    AccountDataError,
    convert,
    read_instafake,
    read_jsonl,
    read_twitter,
)

INSTA = {
    "userFollowerCount": 25,
    "userFollowingCount": 1937,
    "userBiographyLength": 0,
    "userMediaCount": 3,
    "userHasProfilPic": 1,
    "userIsPrivate": 0,
    "usernameDigitCount": 4,
    "usernameLength": 12,
    "isFake": 1,
}


def _user(uid: int, **extra: object) -> dict[str, object]:
    user = {
        "id": uid,
        "id_str": str(uid),
        "screen_name": f"bot{uid}",
        "name": "Bot",
        "description": "",
        "url": None,
        "created_at": "Fri Feb 06 22:33:59 +0000 2015",
        "followers_count": 3,
        "friends_count": 900,
        "statuses_count": 5000,
        "favourites_count": 10,
        "default_profile": True,
        "default_profile_image": False,
        "lang": "it",
    }
    user.update(extra)
    return user


def test_instafake_counts_travel_in_metadata(tmp_path: Path) -> None:
    (tmp_path / "fakeAccountData.json").write_text(json.dumps([INSTA]))
    (tmp_path / "realAccountData.json").write_text(json.dumps([{**INSTA, "isFake": 0}]))
    records = read_instafake(tmp_path)
    assert [r.label for r in records] == [1, 0]
    account = records[0].account
    assert (account.follower_count, account.following_count, account.post_count) == (25, 1937, 3)
    assert account.handle is None
    assert account.metadata["handle_digit_count"] == 4
    assert account.metadata["has_profile_image"] is True


def test_instafake_missing_field_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps([{"userFollowerCount": 1}]))
    with pytest.raises(AccountDataError, match=r"x\.json"):
        read_instafake(bad)


def test_twitter_users_are_labelled_from_the_tsv(tmp_path: Path) -> None:
    records = [
        {"created_at": "Wed May 15 16:00:19 +0000 2019", "user": _user(1)},
        {"created_at": "Wed May 15 16:00:19 +0000 2019", "user": _user(2, url="http://x.y")},
        {"created_at": "Wed May 15 16:00:19 +0000 2019", "user": _user(1)},  # repeat
        {"created_at": "Wed May 15 16:00:19 +0000 2019", "user": _user(3)},  # unlabelled
    ]
    (tmp_path / "set_tweets.json").write_text(json.dumps(records))
    (tmp_path / "set.tsv").write_text("1\tbot\n2\thuman\n")
    out = read_twitter(tmp_path)
    assert [(r.account.id, r.label) for r in out] == [("twitter:1", 1), ("twitter:2", 0)]
    first = out[0]
    assert first.observed_at is not None and first.observed_at.year == 2019
    assert first.account.created_at is not None and first.account.created_at.year == 2015
    assert first.account.following_count == 900
    assert first.account.metadata["like_count"] == 10
    assert out[1].account.metadata["has_url"] is True


def test_jsonl_round_trip_and_bad_label(tmp_path: Path) -> None:
    (tmp_path / "set_tweets.json").write_text(json.dumps([{"user": _user(7)}]))
    (tmp_path / "set.tsv").write_text("7\thuman\n")
    target = tmp_path / "out.jsonl"
    assert convert("twitter", tmp_path / "set_tweets.json", target) == 1
    back = read_jsonl(target)
    assert back[0].account == read_twitter(tmp_path)[0].account
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "label": 2}\n')
    with pytest.raises(AccountDataError, match=r"bad\.jsonl:1"):
        read_jsonl(bad)
    with pytest.raises(AccountDataError, match="unknown format"):
        convert("myspace", tmp_path, target)
