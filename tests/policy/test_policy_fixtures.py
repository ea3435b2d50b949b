"""The policy fixture runner (`veracity policy test`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policy_testkit import write

from veracity.config import DEFAULT_POLICY_DIR
from veracity.detect.registry import DetectorRegistry
from veracity.policy.errors import PolicyLoadError
from veracity.policy.fixtures import run_policy_tests

POLICY = """
id: demo
version: "1.0.0"
rules:
  - id: spam-link
    condition: '"spam" in signals.url_reputation.lists'
    actions: [{type: label, params: {label: spam}}, {type: route, params: {queue: spam}}]
    mode: live
  - id: meta-flag
    condition: 'content.metadata.flag == true'
    actions: [{type: label, params: {label: flagged}}]
    mode: live
  - id: parked
    condition: 'true'
    actions: [{type: label, params: {label: parked}}]
    mode: off
"""

PASSING = """
- name: spam link
  content: {kind: post, text: "x", metadata: {flag: false}}
  signals: {url_reputation: {lists: [spam]}}
  expect:
    matched: [spam-link]
    not_matched: [meta-flag]
    actions: ["label(label=spam)", "route(queue=spam)"]
"""


def setup(tmp_path: Path, tests: str, policy: str = POLICY) -> Path:
    write(tmp_path / "pol" / "demo.yaml", policy)
    write(tmp_path / "pol" / "demo.tests.yaml", tests)
    return tmp_path / "pol"


def test_default_policies_pass_their_fixtures(registry: DetectorRegistry) -> None:
    report = run_policy_tests(DEFAULT_POLICY_DIR, registry)
    assert report.ok, report.format_text()
    assert report.failed == 0
    assert report.passed >= 25
    assert report.untested_policies == []
    assert {c.policy_id for c in report.cases} == {"aigc", "misinfo", "notes", "spam"}


def test_passing_case(tmp_path: Path, registry: DetectorRegistry) -> None:
    report = run_policy_tests(setup(tmp_path, PASSING), registry)
    assert report.ok
    assert (report.passed, report.failed) == (1, 0)
    assert report.cases[0].message == ""
    assert report.format_text().endswith("1 passed, 0 failed")


def test_failures_say_what_differed(tmp_path: Path, registry: DetectorRegistry) -> None:
    tests = """
    - name: wrong expectations
      content: {kind: post, metadata: {flag: false}}
      signals: {url_reputation: {lists: [malware]}}
      expect:
        matched: [spam-link]
        actions: ["remove()"]
    - name: unexpected match
      content: {kind: post, metadata: {flag: true}}
      signals: {url_reputation: {lists: [spam]}}
      expect:
        not_matched: [spam-link]
        actions: ["label(label=spam)", "label(label=flagged)", "route(queue=spam)"]
    """
    report = run_policy_tests(setup(tmp_path, tests), registry)
    assert not report.ok
    assert (report.passed, report.failed) == (0, 2)
    first, second = report.cases
    assert "expected rule 'spam-link' to match; it did not" in first.message
    assert "'signals.url_reputation.lists': ['malware']" in first.message
    assert "actions differ: missing ['remove()'], unexpected []" in first.message
    assert "expected rule 'spam-link' not to match; it matched" in second.message
    text = report.format_text()
    assert "FAIL pol/demo.tests.yaml :: wrong expectations" in text
    assert text.endswith("0 passed, 2 failed")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["failed"] == 2 and data["cases"][0]["passed"] is False


def test_rule_errors_fail_the_case(tmp_path: Path, registry: DetectorRegistry) -> None:
    tests = """
    - name: metadata without the flag
      content: {kind: post}
      expect: {not_matched: [meta-flag]}
    """
    report = run_policy_tests(setup(tmp_path, tests), registry)
    assert report.failed == 1
    assert "rule 'meta-flag' failed to evaluate: NOT_FOUND" in report.cases[0].message


def test_bad_cases_are_reported_individually(tmp_path: Path, registry: DetectorRegistry) -> None:
    tests = (
        PASSING
        + """
- name: unknown rule
  content: {kind: post, metadata: {flag: false}}
  expect: {matched: [spam-lnk]}
- name: off rule expected
  content: {kind: post, metadata: {flag: false}}
  expect: {matched: [parked]}
- name: bad content
  content: {kind: tweet}
  expect: {}
- name: bad signal
  content: {kind: post, metadata: {flag: false}}
  signals: {url_reputation: {lists: spam}}
  expect: {}
- name: spam link
  content: {kind: post, metadata: {flag: false}}
  expect: {}
- just a string
"""
    )
    report = run_policy_tests(setup(tmp_path, tests), registry)
    messages = {c.name: c.message for c in report.cases}
    assert messages["unknown rule"] == "policy 'demo' has no rule 'spam-lnk'"
    assert "'parked' is off and is never evaluated" in messages["off rule expected"]
    assert "invalid case: content.kind: Input should be" in messages["bad content"]
    assert "signals.url_reputation.lists must be list<string>" in messages["bad signal"]
    assert "a case must be a mapping" in messages["case #7"]
    assert report.cases[0].passed
    assert "case name 'spam link' is used twice" in report.cases[5].message
    assert report.failed == 6


def test_file_level_problems(tmp_path: Path, registry: DetectorRegistry) -> None:
    policy_dir = setup(tmp_path, "not: a list\n")
    write(policy_dir / "orphan.tests.yaml", PASSING)
    write(policy_dir / "other.yaml", POLICY.replace("id: demo", "id: other"))
    report = run_policy_tests(policy_dir, registry)
    assert not report.ok
    assert report.file_errors == [
        "pol/demo.tests.yaml: expected a non-empty list of test cases",
        "pol/orphan.tests.yaml: no policy file orphan.yaml beside it",
    ]
    assert report.untested_policies == ["pol/other.yaml"]


def test_policy_load_errors_propagate(tmp_path: Path, registry: DetectorRegistry) -> None:
    with pytest.raises(PolicyLoadError, match="undeclared reference"):
        run_policy_tests(
            setup(tmp_path, PASSING, POLICY.replace("url_reputation", "url_rep")), registry
        )
