"""Spam converters, the hashed TF-IDF model and its detector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from behaviour_helpers import texts

from veracity.config import Settings
from veracity.detect.behaviour import spam_training
from veracity.detect.behaviour.spam_convert import DatasetFormatError, convert, read_jsonl
from veracity.detect.behaviour.spam_detector import SpamTextDetector, build_spam_detector
from veracity.detect.behaviour.spam_model import ModelFileError, SpamModel
from veracity.domain.entities import ContentIn, ContentKind


def test_sms_and_youtube_convert(tmp_path: Path) -> None:
    sms = tmp_path / "SMSSpamCollection"
    sms.write_text("ham\tok see you\nspam\tWIN a prize now\n", encoding="utf-8")
    assert convert("sms", sms, tmp_path / "sms.jsonl") == 2
    assert [r.label for r in read_jsonl(tmp_path / "sms.jsonl")] == [0, 1]
    videos = tmp_path / "yt"
    videos.mkdir()
    (videos / "Youtube09-Band.csv").write_text(
        'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\nc1,me,2014-01-01,"check my channel, pls",1\n'
        "c2,you,2014-01-02,nice song,0\n",
        encoding="utf-8",
    )
    assert convert("youtube", videos, tmp_path / "yt.jsonl") == 2
    rows = read_jsonl(tmp_path / "yt.jsonl")
    assert rows[0].text == "check my channel, pls" and rows[0].meta["video"] == "Band"
    sms.write_text("maybe\tsomething\n", encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="SMSSpamCollection:1"):
        convert("sms", sms, tmp_path / "x.jsonl")


def test_train_save_load_evaluate(tmp_path: Path) -> None:
    model = spam_training.train(texts(80, seed=1))
    path = tmp_path / "spam.npz"
    model.save(path)
    loaded = SpamModel.load(path)
    test = texts(40, seed=2)
    sample = [r.text for r in test]
    np.testing.assert_allclose(loaded.predict_proba(sample), model.predict_proba(sample), atol=1e-6)
    result = spam_training.evaluate(loaded, test)
    assert result["n"] == 40
    assert result["accuracy"] > 0.9, result  # the synthetic templates are easy
    with pytest.raises(ModelFileError, match="train spam"):
        SpamModel.load(tmp_path / "none.npz")


def _item(i: int, text: str) -> ContentIn:
    return ContentIn(id=f"c{i}", account_id="a", kind=ContentKind.COMMENT, text=text)


def test_detector_matches_its_reference_and_says_when_unscored(tmp_path: Path) -> None:
    model = spam_training.train(texts(60, seed=3))
    detector = SpamTextDetector(model)
    items = [_item(i, r.text) for i, r in enumerate(texts(10, seed=4))] + [_item(99, "  ")]
    fast = detector.detect_many(items)
    for item, result in zip(items, fast, strict=True):
        slow = detector.reference(item)
        assert result.outputs["scored"] == slow.outputs["scored"]
        assert result.outputs["probability"] == pytest.approx(slow.outputs["probability"])
    assert fast[-1].outputs == {"probability": 0.0, "scored": False}
    absent = build_spam_detector(Settings(spam_model_path=tmp_path / "none.npz"))
    assert absent.detect(items[0]).outputs["scored"] is False
