"""Property-based tests (hypothesis) of the bulk importer's line parser: whatever the bytes,
it never raises, and every non-blank line is either one record or one numbered error."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.domain.entities import ContentIn
from veracity.ingest.bulk import ImportReport, parse_lines

SETTINGS = settings(max_examples=150, derandomize=True, deadline=None)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
content_like = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[A-Za-z0-9_.:@-]{1,20}", fullmatch=True),
        "account_id": st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True),
        "kind": st.sampled_from(["post", "comment", "image", "video", "bogus"]),
    },
    optional={
        "text": st.text(max_size=200),
        "metadata": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    },
)
lines = st.lists(
    st.one_of(
        st.binary(max_size=80),
        json_values.map(lambda v: json.dumps(v).encode()),
        content_like.map(lambda v: json.dumps(v).encode()),
        st.integers(min_value=1, max_value=50).map(lambda n: b"[" * (n * 100) + b"]" * (n * 100)),
    ),
    max_size=12,
)


def _parse(raw: list[bytes]) -> tuple[list[ContentIn], ImportReport]:
    report = ImportReport(file="t.jsonl", kind="content")
    records = [r for r in parse_lines(iter(raw), ContentIn, report) if isinstance(r, ContentIn)]
    return records, report


@SETTINGS
@given(lines)
def test_every_line_is_a_record_an_error_or_blank(raw: list[bytes]) -> None:
    records, report = _parse(raw)
    blank = sum(1 for line in raw if _is_blank(line))
    assert len(records) + len(report.errors) + blank == len(raw)
    assert all(1 <= e.line <= len(raw) for e in report.errors)
    assert all(e.error for e in report.errors)


@SETTINGS
@given(content_like.filter(lambda d: d["kind"] != "bogus"))
def test_valid_records_round_trip(record: dict[str, object]) -> None:
    records, report = _parse([json.dumps(record).encode()])
    if report.errors:  # only NUL characters or size limits may refuse a well-formed record
        assert any(w in report.errors[0].error for w in ("NUL", "limit", "bytes")), report.errors
    else:
        assert records[0].id == record["id"]
        assert records[0].text == record.get("text", "")


def test_deep_nesting_and_nul_are_line_errors_not_crashes() -> None:
    deep = b'{"id": "x", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    nul = json.dumps({"id": "n", "account_id": "a", "kind": "post", "text": "a\u0000b"}).encode()
    records, report = _parse([deep, nul])
    assert records == []
    assert [e.line for e in report.errors] == [1, 2]
    assert "deeper" in report.errors[0].error and "NUL" in report.errors[1].error


def _is_blank(line: bytes) -> bool:
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False
