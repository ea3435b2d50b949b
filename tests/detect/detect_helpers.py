"""Helpers for the detector tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from veracity.detect.base import DetectorResult, OnlineDetector
from veracity.domain.entities import ContentIn

MAX_EVIDENCE_BYTES = 16 * 1024


def make_item(text: str = "", **fields: Any) -> ContentIn:
    return ContentIn(id="c1", account_id="a1", kind="post", text=text, **fields)


@pytest.fixture
def item() -> Callable[..., ContentIn]:
    return make_item


def check_result(detector: OnlineDetector, result: DetectorResult) -> None:
    """Every declared output is present with its declared type; evidence is bounded JSON."""
    declared = {o.name: o for o in detector.outputs}
    assert set(result.outputs) == set(declared)
    for name, spec in declared.items():
        value = result.outputs[name]
        expected = {
            "double": float,
            "int": int,
            "bool": bool,
            "string": str,
            "list<string>": list,
        }[spec.type.value]
        assert isinstance(value, expected), (name, value)
        if expected is int:
            assert not isinstance(value, bool), name
        if expected is list:
            assert all(isinstance(v, str) for v in value), name
    encoded = json.dumps(result.evidence)
    assert len(encoded) <= MAX_EVIDENCE_BYTES
