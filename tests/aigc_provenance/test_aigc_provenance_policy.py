"""The default aigc policy, checked with the provenance detector registered."""

from __future__ import annotations

from veracity.config import DEFAULT_POLICY_DIR
from veracity.detect.aigc.detector import build_provenance_detector
from veracity.detect.defaults import build_registry
from veracity.policy.fixtures import run_policy_tests


def test_aigc_policy_fixtures_pass_with_provenance_registered() -> None:
    registry = build_registry(None)
    if "provenance" not in {d.name for d in registry}:
        registry.register(build_provenance_detector(None))
    report = run_policy_tests(DEFAULT_POLICY_DIR, registry)
    aigc = [c for c in report.cases if c.policy_id == "aigc"]
    assert len(aigc) >= 10
    assert all(c.passed for c in aigc), report.format_text()
