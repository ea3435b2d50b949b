"""The shared account and spam data convert and train (skips when the folder is absent)."""

from __future__ import annotations

from pathlib import Path

from veracity.detect.behaviour import account_training, spam_training
from veracity.detect.behaviour.account_convert import read_instafake, read_twitter
from veracity.detect.behaviour.account_model import TreeParams


def test_instafake_cross_validation(shared_data: Path) -> None:
    records = read_instafake(shared_data / "accounts" / "instafake-fake")
    assert {r.label for r in records} == {0, 1}
    result = account_training.cross_validate(records, 3, params=TreeParams(max_iter=100))
    assert result["accuracy"] > 0.9, result


def test_rtbust_converts_with_capture_times(shared_data: Path) -> None:
    records = read_twitter(shared_data / "accounts" / "cresci-rtbust-2019")
    assert records and all(r.observed_at is not None for r in records)
    assert all(r.account.created_at is not None for r in records)


def test_sms_slice(shared_data: Path) -> None:
    records = spam_training.read_sms(shared_data / spam_training.SMS_FILE)
    model = spam_training.train(records[:1500])
    result = spam_training.evaluate(model, records[1500:3000])
    assert result["accuracy"] > 0.95, result
