"""Property-based tests (hypothesis) of the policy loader: any bytes, any YAML shape and any
mutation of a valid policy either load or raise PolicyLoadError with the file named; nothing
else escapes (no crash, no hang, no stack trace for the author)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veracity.detect.registry import DetectorRegistry
from veracity.policy.errors import PolicyLoadError
from veracity.policy.loader import load_policy_file

SETTINGS = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
VALID = {
    "id": "misinfo",
    "version": "2026-11-29.1",
    "rules": [
        {
            "id": "repeat-false-claim",
            "condition": "signals.claim_match.confirmed",
            "actions": [{"type": "label", "params": {"label": "false-information"}}],
            "mode": "live",
        }
    ],
}

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
)
yaml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)
RULE_KEYS = ["id", "condition", "actions", "mode", "priority", "description", "type", "params"]


def _load(text: bytes, registry: DetectorRegistry) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_bytes(text)
        try:
            load_policy_file(path, registry)
        except PolicyLoadError as exc:
            assert "p.yaml" in str(exc)
            assert "Traceback" not in str(exc)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_load_or_fail_cleanly(registry: DetectorRegistry, raw: bytes) -> None:
    _load(raw, registry)


@SETTINGS
@given(yaml_values)
def test_arbitrary_yaml_documents_load_or_fail_cleanly(
    registry: DetectorRegistry, document: object
) -> None:
    _load(yaml.safe_dump(document, allow_unicode=True).encode(), registry)


@SETTINGS
@given(st.sampled_from(RULE_KEYS), yaml_values)
def test_mutated_rules_load_or_fail_cleanly(
    registry: DetectorRegistry, key: str, value: object
) -> None:
    rule = {**VALID["rules"][0], key: value}  # type: ignore[index]
    document = {**VALID, "rules": [rule]}
    _load(yaml.safe_dump(document, allow_unicode=True).encode(), registry)


@SETTINGS
@given(st.text(max_size=80))
def test_arbitrary_conditions_compile_or_fail_cleanly(
    registry: DetectorRegistry, condition: str
) -> None:
    rule = {**VALID["rules"][0], "condition": condition}  # type: ignore[index]
    _load(yaml.safe_dump({**VALID, "rules": [rule]}).encode(), registry)


def test_the_unmutated_policy_loads(registry: DetectorRegistry) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_text(yaml.safe_dump(VALID), encoding="utf-8")
        assert load_policy_file(path, registry).id == "misinfo"


def test_control_characters_are_a_load_error(registry: DetectorRegistry) -> None:
    """Found by the properties above: PyYAML's reader raised outside the guarded parse."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_bytes(b"id: x\x00\n")
        try:
            load_policy_file(path, registry)
        except PolicyLoadError as exc:
            assert "invalid YAML" in str(exc) and "p.yaml" in str(exc)
        else:
            raise AssertionError("a NUL byte must not load")
