"""Converters from the shared formats to JSONL, on small synthetic files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veracity.detect.aigc.text.convert import (
    DatasetFormatError,
    convert,
    iter_jsonl,
    read_fastdetectgpt,
    read_jsonl,
    read_tweepfake,
)


def _fdg(path: Path, original: object, sampled: object) -> Path:
    path.write_text(json.dumps({"original": original, "sampled": sampled}), encoding="utf-8")
    return path


def test_fastdetectgpt_pairs_and_metadata(tmp_path: Path) -> None:
    source = _fdg(tmp_path / "xsum_gpt-4.raw_data.json", ["human a", "human b"], ["m a", "m b"])
    records = read_fastdetectgpt(source)
    assert [(r.text, r.label) for r in records] == [
        ("human a", 0),
        ("m a", 1),
        ("human b", 0),
        ("m b", 1),
    ]
    assert records[1].meta == {
        "source": "fastdetectgpt",
        "domain": "xsum",
        "generator": "gpt-4",
        "pair": "xsum_gpt-4:0",
    }


def test_fastdetectgpt_folder_reads_every_set(tmp_path: Path) -> None:
    _fdg(tmp_path / "a_x.raw_data.json", ["h"], ["m"])
    (tmp_path / "sub").mkdir()
    _fdg(tmp_path / "sub" / "b_y.raw_data.json", ["h2"], ["m2"])
    (tmp_path / "a_x.args.json").write_text("{}")
    assert len(read_fastdetectgpt(tmp_path)) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"original": ["a"], "sampled": []}', "must align"),
        ('{"original": ["a"]}', "'original' and 'sampled'"),
        ('{"original": [1], "sampled": ["x"]}', r"original\[0\] is not a string"),
        ("not json", "not readable JSON"),
    ],
)
def test_fastdetectgpt_errors_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "d_g.raw_data.json"
    path.write_text(content)
    with pytest.raises(DatasetFormatError, match=message):
        read_fastdetectgpt(path)


def test_fastdetectgpt_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match=r"no \*\.raw_data\.json"):
        read_fastdetectgpt(tmp_path)


TWEEPFAKE = (
    "screen_name;text;account.type;class_type\n"
    "bot1;hello world;bot;gpt2\n"
    'alice;"a; quoted\n\nmultiline tweet";human;human\n'
)


def test_tweepfake_semicolons_quotes_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_text(TWEEPFAKE, encoding="utf-8")
    records = read_tweepfake(path)
    assert [(r.text, r.label) for r in records] == [
        ("hello world", 1),
        ("a; quoted\n\nmultiline tweet", 0),
    ]
    assert records[0].meta == {"source": "tweepfake", "generator": "gpt2", "account": "bot1"}


def test_tweepfake_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("screen_name;text;account.type;class_type\nx;t;robot;gpt2\n")
    with pytest.raises(DatasetFormatError, match=r"bad.csv:2: account.type 'robot'"):
        read_tweepfake(path)
    path.write_text("name,text\nx,t\n")
    with pytest.raises(DatasetFormatError, match="header must include"):
        read_tweepfake(path)


def test_convert_writes_jsonl_that_eval_reads(tmp_path: Path) -> None:
    source = tmp_path / "train.csv"
    source.write_text(TWEEPFAKE, encoding="utf-8")
    out = tmp_path / "out" / "tweets.jsonl"
    assert convert("tweepfake", source, out) == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "text": "hello world",
        "label": 1,
        "source": "tweepfake",
        "generator": "gpt2",
        "account": "bot1",
    }
    assert [r.label for r in read_jsonl(out)] == [1, 0]
    with pytest.raises(DatasetFormatError, match="unknown format 'csv'"):
        convert("csv", source, out)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", ":2: not JSON"),
        ('["text"]', ":2: expected a JSON object"),
        ('{"text": 5, "label": 1}', ":2: 'text' must be a string"),
        ('{"text": "x", "label": 2}', ":2: 'label' must be 0 or 1"),
        ('{"text": "x", "label": true}', ":2: 'label' must be 0 or 1"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "ok", "label": 0}\n' + line + "\n")
    with pytest.raises(DatasetFormatError, match=message):
        list(iter_jsonl(path))


def test_jsonl_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    with pytest.raises(DatasetFormatError, match="no records"):
        read_jsonl(path)
