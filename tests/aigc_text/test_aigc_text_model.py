"""Training, calibration and the model file, on a small synthetic corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from aitext_helpers import ZIPF, corpus, tiny_model

from veracity.detect.aigc.text import metrics
from veracity.detect.aigc.text.model import AiTextModel, ModelFileError
from veracity.detect.aigc.text.training import calibration_split, evaluate, prefix_key


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


def test_training_needs_both_classes() -> None:
    from veracity.detect.aigc.text.training import train

    one_class = [r for r in corpus(40) if r.label == 1]
    with pytest.raises(ValueError, match="human and machine"):
        train(one_class, zipf=ZIPF)


def test_metrics_agree_with_scores(model: AiTextModel) -> None:
    records = corpus(30, seed=7)
    probabilities = model.predict_proba([r.text for r in records])
    labels = [r.label for r in records]
    assert evaluate(model, records)["auroc"] == metrics.auroc(labels, probabilities)
