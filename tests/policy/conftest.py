"""Fixtures for the policy tests: a registry of fake detectors declaring the real outputs."""

from __future__ import annotations

import pytest
from policy_testkit import fake_registry

from veracity.detect.registry import DetectorRegistry


@pytest.fixture
def registry() -> DetectorRegistry:
    return fake_registry()
