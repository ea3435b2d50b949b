"""Features with explicit unknowns, the exported trees, calibration and the model file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from behaviour_helpers import NOW, accounts

from veracity.detect.behaviour import account_training
from veracity.detect.behaviour.account_features import (
    FEATURES,
    account_vector,
    entropy,
    shared_identifier_counts,
)
from veracity.detect.behaviour.account_model import AccountModel, ModelFileError, TreeParams
from veracity.detect.behaviour.trees import TreeEnsemble
from veracity.domain.entities import AccountIn


def test_unknown_values_are_nan_not_zero() -> None:
    row = dict(zip(FEATURES, account_vector(AccountIn(id="a"), NOW), strict=True))
    assert math.isnan(row["followers_log"]) and math.isnan(row["age_days_log"])
    assert math.isnan(row["handle_entropy"]) and math.isnan(row["content_reuse"])
    assert row["verified"] == 0.0
    known = AccountIn(id="b", handle="ab12", follower_count=0, metadata={"bio_length": 7})
    row = dict(zip(FEATURES, account_vector(known, NOW), strict=True))
    assert row["followers_log"] == 0.0
    assert row["handle_digits"] == 2.0 and row["handle_digit_fraction"] == 0.5
    assert row["bio_length"] == 7.0
    assert row["handle_entropy"] == pytest.approx(entropy("ab12")) == pytest.approx(2.0)


def test_shared_identifiers_count_other_accounts() -> None:
    group = [
        AccountIn(id="a", metadata={"device_hashes": ["d1"]}),
        AccountIn(id="b", metadata={"device_hashes": ["d1", "d2"]}),
        AccountIn(id="c", metadata={"device_hashes": ["d2"]}),
        AccountIn(id="d"),
    ]
    assert shared_identifier_counts(group, "device_hashes") == [1, 2, 1, None]


def test_exported_trees_match_scikit_learn() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    x[rng.random(x.shape) < 0.2] = np.nan
    y = ((np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 2])) > 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x[:, [0, 2, 3]], y)
    trees = TreeEnsemble.from_sklearn(model, [0, 2, 3])
    expected = model.decision_function(x[:, [0, 2, 3]])
    np.testing.assert_allclose(trees.raw_scores(x), expected, rtol=1e-9, atol=1e-9)
    for row in x[:25]:
        assert trees.reference_raw_score(row.tolist()) == pytest.approx(
            float(trees.raw_scores(row[None, :])[0])
        )


def test_train_save_load_and_evaluate(tmp_path: Path) -> None:
    train, test = accounts(120, seed=1), accounts(60, seed=2)
    model = account_training.train(train, params=TreeParams(max_iter=40))
    assert "content_reuse" not in model.used  # never known in training: left out
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = AccountModel.load(path)
    x = account_training.features(test)
    np.testing.assert_allclose(loaded.probabilities(x), model.probabilities(x))
    result = account_training.evaluate(loaded, test)
    assert set(result) >= {"accuracy", "f1", "auroc", "n"}
    assert result["n"] == 60
    assert result["accuracy"] > 0.9, result  # the synthetic classes are well separated


def test_cross_validation_and_holdout_report() -> None:
    records = accounts(100, seed=3)
    cv = account_training.cross_validate(records, 3, params=TreeParams(max_iter=30))
    assert cv["n"] == 100 and len(cv["fold_accuracy"]) == 3
    held = account_training.holdout(records, 0.3, params=TreeParams(max_iter=30))
    assert held["n"] == 30 and held["n_train"] == 70


def test_model_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="train accounts"):
        AccountModel.load(tmp_path / "none.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError):
        AccountModel.load(junk)
