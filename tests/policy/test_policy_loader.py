"""Loading policy directories: every error names file, policy and rule; hostile input refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policy_testkit import write

from veracity.config import DEFAULT_POLICY_DIR
from veracity.detect.registry import DetectorRegistry
from veracity.policy.errors import PolicyLoadError
from veracity.policy.loader import load_policy_dir, load_policy_file
from veracity.policy.safe_yaml import MAX_FILE_BYTES

HEADER = """\
id: misinfo
version: "2026-11-29.1"
rules:
"""


def policy_with(condition: str, rule_id: str = "repeat-false-claim") -> str:
    return HEADER + (
        f"  - id: {rule_id}\n"
        f"    condition: '{condition}'\n"
        "    actions: [{type: label, params: {label: false-information}}]\n"
        "    mode: live\n"
    )


def load_error(tmp_path: Path, registry: DetectorRegistry, text: str) -> str:
    write(tmp_path / "policies" / "misinfo.yaml", text)
    with pytest.raises(PolicyLoadError) as info:
        load_policy_dir(tmp_path / "policies", registry)
    return str(info.value)


def test_default_policies_load(registry: DetectorRegistry) -> None:
    policies = load_policy_dir(DEFAULT_POLICY_DIR, registry)
    assert [p.id for p in policies] == ["aigc", "misinfo", "notes", "spam"]
    assert all(p.rules for p in policies)


def test_unknown_signal_names_file_policy_rule(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, policy_with("signals.text_matchx.similarity > 0.8"))
    assert text.startswith("policies/misinfo.yaml: policy 'misinfo', rule 'repeat-false-claim': ")
    assert "undeclared reference to 'signals.text_matchx.similarity'" in text


def test_unknown_output_and_entity_field(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, policy_with("signals.text_match.score > 0.8"))
    assert "undeclared reference to 'signals.text_match.score'" in text
    text = load_error(tmp_path, registry, policy_with('content.colour == "red"'))
    assert "rule 'repeat-false-claim'" in text
    assert "undeclared reference to 'content.colour'" in text


def test_type_errors_name_the_rule(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, policy_with('signals.text_match.similarity > "high"'))
    assert "rule 'repeat-false-claim'" in text
    assert "no matching overload" in text
    text = load_error(tmp_path, registry, policy_with("signals.url_reputation.url_count > 0.5"))
    assert "no matching overload" in text  # int vs double is a type error in CEL


def test_non_bool_condition_is_refused(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, policy_with("signals.text_match.similarity"))
    assert "condition has type double, it must be bool" in text


def test_every_error_in_a_directory_is_reported(tmp_path: Path, registry: DetectorRegistry) -> None:
    write(tmp_path / "policies" / "a.yaml", policy_with("nope.x", "first").replace("misinfo", "a"))
    write(tmp_path / "policies" / "b.yaml", "id: b\nversion: 1\nrules: []\n")
    text = load_error(tmp_path, registry, policy_with("signals.x.y", "second"))
    assert "policies/a.yaml: policy 'a', rule 'first': undeclared reference to 'nope.x'" in text
    assert "policies/b.yaml: policy 'b': version: Input should be a valid string" in text
    assert "policies/misinfo.yaml: policy 'misinfo', rule 'second'" in text


def test_validation_errors_name_the_rule(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(
        tmp_path,
        registry,
        HEADER + "  - id: takedown\n    condition: 'true'\n    actions: [{type: remove}]\n"
        "    mode: live\n",
    )
    assert "policies/misinfo.yaml: policy 'misinfo', rule 'takedown':" in text
    assert "needs legal_ground and dsa_category" in text
    text = load_error(
        tmp_path,
        registry,
        HEADER + "  - id: r\n    condition: 'true'\n    actions: [{type: zap}]\n    mode: live\n",
    )
    assert "rule 'r': actions.0.type: Input should be" in text


def test_duplicate_rule_ids(tmp_path: Path, registry: DetectorRegistry) -> None:
    rule = policy_with("true", "dup").removeprefix(HEADER)
    text = load_error(tmp_path, registry, HEADER + rule + rule)
    assert "policies/misinfo.yaml: policy 'misinfo': rule id 'dup' appears more than once" in text


def test_duplicate_policy_ids_across_files(tmp_path: Path, registry: DetectorRegistry) -> None:
    write(tmp_path / "policies" / "again.yaml", policy_with("true", "other"))
    text = load_error(tmp_path, registry, policy_with("true"))
    assert "policies/misinfo.yaml: policy id 'misinfo' is already used by policies/again.yaml" in (
        text
    )


def test_condition_over_limit(tmp_path: Path, registry: DetectorRegistry) -> None:
    long = " || ".join(["content.kind == 'video'"] * 200)
    text = load_error(tmp_path, registry, policy_with(long.replace("'", '"')))
    assert "rule 'repeat-false-claim': condition: String should have at most 4000" in text


def test_deeply_nested_condition_is_refused_by_cel(
    tmp_path: Path, registry: DetectorRegistry
) -> None:
    text = load_error(tmp_path, registry, policy_with("(" * 100 + "true" + ")" * 100))
    assert "rule 'repeat-false-claim': " in text
    assert "recursion" in text


def test_huge_file_is_refused_unread(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, policy_with("true") + "#" * MAX_FILE_BYTES)
    assert "policies/misinfo.yaml: file is" in text
    assert f"the limit is {MAX_FILE_BYTES}" in text


def test_deep_nesting_is_refused(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, HEADER + "  - " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nesting is deeper than" in text


def test_aliases_are_refused(tmp_path: Path, registry: DetectorRegistry) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    text = load_error(tmp_path, registry, bomb)
    assert "aliases (*name) are not allowed" in text


def test_python_tags_are_refused(tmp_path: Path, registry: DetectorRegistry) -> None:
    text = load_error(tmp_path, registry, "!!python/object/apply:os.system ['echo hi']\n")
    assert "invalid YAML" in text
    assert "python/object/apply" in text


def test_not_a_mapping_empty_and_non_utf8(tmp_path: Path, registry: DetectorRegistry) -> None:
    assert "expected a mapping" in load_error(tmp_path, registry, "- 1\n- 2\n")
    assert "file is empty" in load_error(tmp_path, registry, "# nothing\n")
    (tmp_path / "policies" / "misinfo.yaml").write_bytes(b"id: \xff\xfe\n")
    with pytest.raises(PolicyLoadError, match="not UTF-8"):
        load_policy_dir(tmp_path / "policies", registry)


def test_fixture_files_are_skipped_and_yml_is_refused(
    tmp_path: Path, registry: DetectorRegistry
) -> None:
    write(tmp_path / "p" / "misinfo.yaml", policy_with("true"))
    write(tmp_path / "p" / "misinfo.tests.yaml", "- not a policy\n")
    assert [p.id for p in load_policy_dir(tmp_path / "p", registry)] == ["misinfo"]
    write(tmp_path / "p" / "old.yml", policy_with("true"))
    with pytest.raises(PolicyLoadError, match=r"old.yml: policy files must end in \.yaml"):
        load_policy_dir(tmp_path / "p", registry)


def test_missing_or_empty_directory(tmp_path: Path, registry: DetectorRegistry) -> None:
    with pytest.raises(PolicyLoadError, match="not a directory"):
        load_policy_dir(tmp_path / "absent", registry)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolicyLoadError, match=re.escape("no *.yaml policy files")):
        load_policy_dir(tmp_path / "empty", registry)


def test_single_file_compiles_with_registry(tmp_path: Path, registry: DetectorRegistry) -> None:
    path = write(tmp_path / "p" / "misinfo.yaml", policy_with("signals.nope.x"))
    assert load_policy_file(path).id == "misinfo"  # structure only
    with pytest.raises(
        PolicyLoadError, match=re.escape("undeclared reference to 'signals.nope.x'")
    ):
        load_policy_file(path, registry)


def test_yaml_1_1_booleans_stay_strings(tmp_path: Path, registry: DetectorRegistry) -> None:
    """`mode: off` must mean the string "off", not YAML 1.1's boolean false."""
    text = policy_with("true").replace("mode: live", "mode: off")
    path = write(tmp_path / "p" / "misinfo.yaml", text)
    assert load_policy_file(path, registry).rules[0].mode.value == "off"
