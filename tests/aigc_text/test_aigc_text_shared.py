"""Train and evaluate on a small slice of the shared data (skips when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.detect.aigc.text.convert import read_fastdetectgpt, read_tweepfake
from veracity.detect.aigc.text.features import HashSpec
from veracity.detect.aigc.text.training import evaluate, prefix_key, train

SETS = Path("aitext/fast-detectgpt-sets/exp_gpt3to4")


def test_cross_generator_slice(shared_data: Path) -> None:
    """Trained on GPT-4 stories, tested on ChatGPT stories written from the other prompts."""
    pytest.importorskip("wordfreq")
    folder = shared_data / SETS
    keys = sorted(
        {prefix_key(r.text) for r in read_fastdetectgpt(folder / "writing_gpt-4.raw_data.json")}
    )
    train_keys = set(keys[::2])
    training = [
        r
        for r in read_fastdetectgpt(folder / "writing_gpt-4.raw_data.json")
        if prefix_key(r.text) in train_keys
    ]
    test = [
        r
        for r in read_fastdetectgpt(folder / "writing_gpt-3.5-turbo.raw_data.json")
        if prefix_key(r.text) not in train_keys
    ]
    model = train(training, spec=HashSpec(n_features=2**16))
    result = evaluate(model, test)
    assert len(test) > 100
    assert result["auroc"] > 0.85, result


def test_tweepfake_slice(shared_data: Path) -> None:
    pytest.importorskip("wordfreq")
    folder = shared_data / "aitext" / "tweepfake"
    model = train(read_tweepfake(folder / "train.csv")[:3000], spec=HashSpec(n_features=2**16))
    result = evaluate(model, read_tweepfake(folder / "validation.csv")[:800])
    assert result["accuracy"] > 0.7, result
    assert result["auroc"] > 0.8, result
