"""Training, calibration and the model file, on a small synthetic corpus."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import numpy as np
import pytest
from aitext_helpers import SMALL_SPEC, ZIPF, corpus, machine_text, tiny_model

from veracity.detect.aigc.text import metrics
from veracity.detect.aigc.text.convert import LabeledText
from veracity.detect.aigc.text.detector import AiTextDetector
from veracity.detect.aigc.text.model import (
    BOOSTER_FEATURES,
    SHORT_CHARS,
    AiTextModel,
    ModelFileError,
    extract,
    fit_linear,
    out_of_fold_linear,
)
from veracity.detect.aigc.text.training import calibration_split, evaluate, prefix_key, train
from veracity.domain.entities import ContentIn


@pytest.fixture(scope="module")
def model() -> AiTextModel:
    return tiny_model()


def test_separates_held_out_synthetic_texts(model: AiTextModel) -> None:
    held_out = corpus(60, seed=99)
    result = evaluate(model, held_out)
    assert result["auroc"] > 0.95
    assert result["accuracy"] > 0.9
    assert set(result) >= {"auroc", "accuracy", "f1", "tpr_at_1pct_fpr"}


def test_calibration_is_strictly_increasing_and_bounded(model: AiTextModel) -> None:
    raw = np.linspace(model.iso_x[0] - 5, model.iso_x[-1] + 5, 2001)
    probability = model.calibrate(raw)
    assert (np.diff(probability) > 0).all()
    assert probability.min() >= 0.0 and probability.max() <= 1.0


def test_calibration_split_keeps_source_texts_together() -> None:
    records = corpus(50)
    fit_idx, calib_idx = calibration_split(records, fraction=0.3)
    assert len(fit_idx) + len(calib_idx) == len(records)
    fit_keys = {prefix_key(records[i].text) for i in fit_idx}
    assert not fit_keys & {prefix_key(records[i].text) for i in calib_idx}


def test_save_load_round_trip(model: AiTextModel, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = AiTextModel.load(path)
    texts = [r.text for r in corpus(10, seed=5)]
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert loaded.card["description"] == "synthetic test model"
    assert loaded.card["training_records"] == 240
    assert loaded.zipf == pytest.approx(ZIPF)


def test_model_card_records_training_data(model: AiTextModel) -> None:
    assert model.card["training_counts"] == {"synthetic:m:1": 120, "synthetic:h:0": 120}
    assert "trained_at" in model.card
    assert model.card["held_out_calibration_split"]["auroc"] > 0.9


def test_load_refuses_missing_foreign_and_other_version(model: AiTextModel, tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="veracity train aitext"):
        AiTextModel.load(tmp_path / "absent.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a readable model file"):
        AiTextModel.load(junk)
    other = tmp_path / "other.npz"
    model.save(other)
    with np.load(other) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(str(arrays["header"]))
    header["format_version"] = 999
    arrays["header"] = np.array(json.dumps(header))
    np.savez(other, **arrays)
    with pytest.raises(ModelFileError, match="v999"):
        AiTextModel.load(other)
    header["format_version"] = 1
    arrays["header"] = np.array(json.dumps(header))
    np.savez(other, **arrays)
    with pytest.raises(ModelFileError, match=r"v1 \(the linear model .*retrain"):
        AiTextModel.load(other)


def test_booster_reads_stylometry_tweets_and_the_linear_score(model: AiTextModel) -> None:
    assert model.booster.feature_name() == list(BOOSTER_FEATURES)
    gain = dict(zip(BOOSTER_FEATURES, model.booster.feature_importance("gain"), strict=True))
    assert gain["linear_score"] > 0


def test_out_of_fold_scores_never_see_their_own_group() -> None:
    """Labels drawn at random per group, told apart only by a word unique to the group: a
    fit that saw the group memorises its label, one that did not can only guess."""
    rng = np.random.default_rng(0)
    group_labels = rng.integers(0, 2, size=60)
    texts, labels, groups = [], [], []
    for g, label in enumerate(group_labels):
        token = "".join(rng.choice(list("bcdfghjklmnpqrstvwxz"), size=8))
        for variant in ("the system can help", "people improve their work"):
            texts.append(f"{token} {variant}")
            labels.append(int(label))
            groups.append(f"g{g}")
    feats = extract(texts, ZIPF, SMALL_SPEC)
    y = np.array(labels)
    weights = np.ones(len(y))
    in_sample = fit_linear(feats, y, c=10.0, sample_weight=weights).scores(feats)
    oof = out_of_fold_linear(feats, y, np.array(groups), c=10.0, sample_weight=weights)
    assert metrics.auroc(y, in_sample) > 0.95
    assert metrics.auroc(y, oof) < 0.75


def test_training_needs_both_classes() -> None:
    one_class = [r for r in corpus(40) if r.label == 1]
    with pytest.raises(ValueError, match="human and machine"):
        train(one_class, zipf=ZIPF)


def test_metrics_agree_with_scores(model: AiTextModel) -> None:
    records = corpus(30, seed=7)
    probabilities = model.predict_proba([r.text for r in records])
    labels = [r.label for r in records]
    assert evaluate(model, records)["auroc"] == metrics.auroc(labels, probabilities)


def test_short_and_long_texts_get_their_own_linear_stage() -> None:
    """With 100+ texts of each label on both sides of ``SHORT_CHARS`` each length class gets
    its own stage 1, and each text is scored by its class's stage, also in the reference."""
    short = [LabeledText(r.text[:150], r.label, r.meta) for r in corpus(150, seed=3)]
    long = [
        LabeledText(" ".join([r.text] * (SHORT_CHARS // len(r.text) + 1)), r.label, r.meta)
        for r in corpus(150, seed=4)
    ]
    assert all(len(r.text) < SHORT_CHARS for r in short)
    assert all(len(r.text) >= SHORT_CHARS for r in long)
    split = train(short + long, spec=SMALL_SPEC, zipf=ZIPF)
    assert split.card["linear_stages"] == {"short": "own", "long": "own"}
    assert split.linear["short"] is not split.linear["long"]
    texts = [r.text for r in corpus(5, seed=8)] + [" ".join([machine_text(Random(9))] * 3)]
    feats = split.features(texts)
    for i, text in enumerate(texts):
        stage = split.linear["short" if len(text) < SHORT_CHARS else "long"]
        expected = stage.scores(feats.rows(np.array([i])))[0]
        assert split.linear_scores(feats)[i] == pytest.approx(expected, abs=1e-12)
    detector = AiTextDetector(split)
    items = [ContentIn(id=str(i), account_id="a", kind="post", text=t) for i, t in enumerate(texts)]
    for item, fast in zip(items, detector.detect_many(items), strict=True):
        slow = detector.reference(item)
        assert fast.outputs["probability"] == pytest.approx(slow.outputs["probability"], abs=1e-9)
        assert fast.evidence == slow.evidence
