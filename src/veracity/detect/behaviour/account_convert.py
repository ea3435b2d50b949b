"""Converters from the shared account datasets to the one format ``veracity eval accounts``
reads: JSON lines, each an account in the project's schema (``AccountIn``) plus ``label``
(1 fake or automated, 0 genuine) and optionally ``observed_at``, the time the profile was
captured (account age is measured to it; without it, to the time of scoring).

InstaFake is anonymised: it gives counts, not the username or biography. Those counts travel in
``metadata`` under the keys ``handle_length``, ``handle_digit_count`` and ``bio_length``, the
same keys a platform may send when it withholds raw profile text; the features read the raw
text when present and these counts otherwise. Twitter v1.1 user objects map field by field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from veracity.domain.entities import AccountIn

FORMATS = ("instafake", "twitter")
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


class AccountDataError(ValueError):
    """Input that is not in the format it claims to be; the message names file and place."""


@dataclass(frozen=True)
class LabeledAccount:
    account: AccountIn
    label: int  # 1 fake or automated, 0 genuine
    observed_at: datetime | None = None

    def to_json(self) -> str:
        row: dict[str, Any] = self.account.model_dump(mode="json", exclude_defaults=True)
        row["id"] = self.account.id
        row["label"] = self.label
        if self.observed_at is not None:
            row["observed_at"] = self.observed_at.isoformat()
        return json.dumps(row, ensure_ascii=False)


def _load_json(path: Path) -> Any:
    if not path.is_file():
        raise AccountDataError(f"{path}: no such file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AccountDataError(f"{path}: not readable JSON ({exc})") from exc


INSTAFAKE_FIELDS = (
    "userFollowerCount",
    "userFollowingCount",
    "userBiographyLength",
    "userMediaCount",
    "userHasProfilPic",
    "userIsPrivate",
    "usernameDigitCount",
    "usernameLength",
    "isFake",
)


def instafake_rows(rows: Any, where: str) -> list[LabeledAccount]:
    """One InstaFake JSON array (``fakeAccountData.json`` or ``realAccountData.json``)."""
    if not isinstance(rows, list):
        raise AccountDataError(f"{where}: expected a JSON array of accounts")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not set(INSTAFAKE_FIELDS) <= row.keys():
            raise AccountDataError(f"{where}[{i}]: needs the fields {', '.join(INSTAFAKE_FIELDS)}")
        try:
            account = AccountIn(
                id=f"instafake:{Path(where).stem}:{i}",
                follower_count=int(row["userFollowerCount"]),
                following_count=int(row["userFollowingCount"]),
                post_count=int(row["userMediaCount"]),
                metadata={
                    "platform": "instagram",
                    "bio_length": int(row["userBiographyLength"]),
                    "handle_length": int(row["usernameLength"]),
                    "handle_digit_count": int(row["usernameDigitCount"]),
                    "has_profile_image": bool(row["userHasProfilPic"]),
                    "is_private": bool(row["userIsPrivate"]),
                },
            )
        except (TypeError, ValueError, ValidationError) as exc:
            raise AccountDataError(f"{where}[{i}]: {exc}") from exc
        out.append(LabeledAccount(account, 1 if int(row["isFake"]) else 0))
    return out


def read_instafake(path: Path) -> list[LabeledAccount]:
    """A folder holding ``fakeAccountData.json`` and ``realAccountData.json``, or one file."""
    files = (
        [path / "fakeAccountData.json", path / "realAccountData.json"] if path.is_dir() else [path]
    )
    return [r for f in files for r in instafake_rows(_load_json(f), str(f))]


def twitter_time(value: Any) -> datetime | None:
    """Twitter's ``Wed May 15 16:00:19 +0000 2019``; None when absent."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value), TWITTER_TIME).astimezone(UTC)
    except ValueError:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def twitter_account(user: dict[str, Any]) -> AccountIn:
    """A Twitter API v1.1 user object in the project's account schema."""
    description = user.get("description")
    url = user.get("url")
    return AccountIn(
        id=f"twitter:{user['id_str'] if user.get('id_str') else user['id']}",
        handle=user.get("screen_name"),
        display_name=user.get("name"),
        bio=description if isinstance(description, str) else None,
        created_at=twitter_time(user.get("created_at")),
        follower_count=user.get("followers_count"),
        following_count=user.get("friends_count"),
        post_count=user.get("statuses_count"),
        verified=bool(user.get("verified", False)),
        language=user.get("lang"),
        metadata={
            "platform": "twitter",
            "like_count": user.get("favourites_count"),
            "has_profile_image": not bool(user.get("default_profile_image", False)),
            "default_profile": bool(user.get("default_profile", False)),
            "is_private": bool(user.get("protected", False)),
            "has_url": bool(url),
            "location_set": bool(user.get("location")),
        },
    )


def read_twitter(path: Path, labels: Path | None = None) -> list[LabeledAccount]:
    """``<name>_tweets.json`` (records ``{"created_at": capture time, "user": {...}}`` or bare
    user objects) labelled from ``<name>.tsv`` (``user_id<TAB>bot|human``) beside it, or from
    ``labels``; a folder means the one ``*_tweets.json`` in it. Unlabelled users are skipped,
    as is a repeat of a user already read."""
    if path.is_dir():
        found = sorted(path.glob("*_tweets.json"))
        if len(found) != 1:
            raise AccountDataError(f"{path}: expected one *_tweets.json, found {len(found)}")
        path = found[0]
    labels = labels or path.with_name(path.name.removesuffix("_tweets.json") + ".tsv")
    if not labels.is_file():
        raise AccountDataError(f"{labels}: label file not found")
    known: dict[str, int] = {}
    for number, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1].strip() not in ("bot", "human"):
            raise AccountDataError(f"{labels}:{number}: expected user_id<TAB>bot|human")
        known[parts[0].strip()] = 1 if parts[1].strip() == "bot" else 0
    records = _load_json(path)
    if not isinstance(records, list):
        raise AccountDataError(f"{path}: expected a JSON array")
    out: list[LabeledAccount] = []
    seen: set[str] = set()
    for i, record in enumerate(records):
        user = record.get("user", record) if isinstance(record, dict) else None
        if not isinstance(user, dict) or "id" not in user:
            raise AccountDataError(f"{path}[{i}]: not a user object")
        user_id = str(user.get("id_str") or user["id"])
        if user_id not in known or user_id in seen:
            continue
        seen.add(user_id)
        try:
            account = twitter_account(user)
            observed = twitter_time(record.get("created_at")) if "user" in record else None
        except (KeyError, ValueError, ValidationError) as exc:
            raise AccountDataError(f"{path}[{i}]: {exc}") from exc
        out.append(LabeledAccount(account, known[user_id], observed))
    return out


READERS = {"instafake": read_instafake, "twitter": read_twitter}


def convert(fmt: str, source: Path, target: Path) -> int:
    """Write ``source`` (in format ``fmt``) as account JSON lines to ``target``; the count."""
    if fmt not in READERS:
        raise AccountDataError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records = READERS[fmt](source)
    write_jsonl(records, target)
    return len(records)


def write_jsonl(records: Iterable[LabeledAccount], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.to_json() + "\n")


def iter_jsonl(path: Path) -> Iterator[LabeledAccount]:
    """Account lines with ``label`` 0|1; a bad line is an error naming its number."""
    if not path.is_file():
        raise AccountDataError(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise AccountDataError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise AccountDataError(f"{path}:{number}: expected a JSON object")
            label, observed = obj.pop("label", None), obj.pop("observed_at", None)
            if isinstance(label, bool) or label not in (0, 1):
                raise AccountDataError(f"{path}:{number}: 'label' must be 0 or 1, got {label!r}")
            try:
                account = AccountIn.model_validate(obj)
                when = datetime.fromisoformat(observed) if observed else None
            except (ValidationError, ValueError, TypeError) as exc:
                raise AccountDataError(f"{path}:{number}: {exc}") from exc
            if when is not None and when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            yield LabeledAccount(account, int(label), when)


def read_jsonl(path: Path) -> list[LabeledAccount]:
    records = list(iter_jsonl(path))
    if not records:
        raise AccountDataError(f"{path}: no records")
    return records
