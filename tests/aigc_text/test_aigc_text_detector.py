"""The ``ai_text`` online detector: declared outputs, unscored cases, reference agreement."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from aitext_helpers import human_text, machine_text, tiny_model

from veracity.config import Settings
from veracity.detect.aigc.text.detector import AiTextDetector, build_aitext_detector
from veracity.detect.aigc.text.model import AiTextModel, ModelFileError
from veracity.detect.base import DetectorResult
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import ContentIn


def _item(text: str) -> ContentIn:
    return ContentIn(id="c1", account_id="a1", kind="post", text=text)


def _check(result: DetectorResult) -> None:
    assert set(result.outputs) == {"probability", "scored"}
    assert isinstance(result.outputs["probability"], float)
    assert isinstance(result.outputs["scored"], bool)
    assert 0.0 <= result.outputs["probability"] <= 1.0
    assert len(json.dumps(result.evidence)) < 4096


@pytest.fixture(scope="module")
def model() -> AiTextModel:
    return tiny_model()


def test_scores_machine_above_human(model: AiTextModel) -> None:
    detector = AiTextDetector(model)
    rng = random.Random(3)
    machine = detector.detect(_item(machine_text(rng)))
    human = detector.detect(_item(human_text(rng)))
    for result in (machine, human):
        _check(result)
        assert result.outputs["scored"] is True
    assert machine.outputs["probability"] > 0.5 > human.outputs["probability"]
    top = machine.evidence["top_features"]
    assert len(top) == 5 and {"feature", "weight"} <= set(top[0])


def test_detect_matches_reference(model: AiTextModel) -> None:
    detector = AiTextDetector(model)
    rng = random.Random(11)
    texts = [machine_text(rng) for _ in range(5)] + [human_text(rng) for _ in range(5)]
    texts += ["Über naïve café 😀 — it\u2019s 2024!!! https://t.co/x @a #b", "one two"]
    items = [_item(t) for t in texts]
    batch = detector.detect_many(items)
    for item, fast in zip(items, batch, strict=True):
        slow = detector.reference(item)
        assert fast.outputs["scored"] == slow.outputs["scored"]
        assert fast.outputs["probability"] == pytest.approx(slow.outputs["probability"], abs=1e-9)
        assert fast.evidence == slow.evidence
        assert detector.detect(item).outputs == pytest.approx(fast.outputs, abs=1e-12)


def test_short_text_is_not_scored(model: AiTextModel) -> None:
    result = AiTextDetector(model, min_words=5).detect(_item("just four words here"))
    _check(result)
    assert result.outputs == {"probability": 0.0, "scored": False}
    assert result.evidence == {"reason": "fewer than 5 words", "words": 4}


def test_without_model_nothing_is_scored() -> None:
    result = AiTextDetector(None).detect(_item("a long enough text to judge if we could"))
    _check(result)
    assert result.outputs["scored"] is False
    assert "veracity train aitext" in result.evidence["reason"]


def test_registers_with_declared_schema(model: AiTextModel) -> None:
    registry = DetectorRegistry([AiTextDetector(model)])
    schema = registry.signal_schema()
    assert set(schema) == {"signals.ai_text.probability", "signals.ai_text.scored"}


def test_build_uses_settings_path(
    model: AiTextModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    unscored = build_aitext_detector(Settings())
    assert unscored.detect(_item("a long enough text to judge here")).outputs["scored"] is False
    model.save(tmp_path / "var" / "models" / "aitext.npz")  # the default path, relative to the cwd
    loaded = build_aitext_detector(Settings())
    text = machine_text(random.Random(1))
    assert loaded.detect(_item(text)).outputs["scored"] is True
    (tmp_path / "var" / "models" / "aitext.npz").write_bytes(b"corrupt")
    with pytest.raises(ModelFileError):
        build_aitext_detector(Settings())


def test_rejects_bad_limits(model: AiTextModel) -> None:
    with pytest.raises(ValueError, match="positive"):
        AiTextDetector(model, min_words=0)
