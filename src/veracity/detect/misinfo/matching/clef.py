"""Readers for the CheckThat! 2022 task 2A files, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from veracity.detect.misinfo.matching.records import ClaimInputError, ClaimRecord


class ClefFormatError(ValueError):
    """A CheckThat! file that does not follow the task's format."""


def read_vclaims(path: str | Path) -> list[ClaimRecord]:
    """vclaims JSONL (``vclaim_id``, ``vclaim``, ``title``, ``subtitle``, ...)."""
    claims = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ClefFormatError(f"{path}:{n}: not JSON: {exc}") from exc
            if not isinstance(obj, dict) or "vclaim_id" not in obj:
                raise ClefFormatError(f"{path}:{n}: expected an object with vclaim_id")
            title = " ".join(str(obj.get(f) or "") for f in ("title", "subtitle")).strip()
            try:
                claims.append(
                    ClaimRecord(str(obj["vclaim_id"]), str(obj.get("vclaim") or ""), title, "en")
                )
            except ClaimInputError as exc:
                raise ClefFormatError(f"{path}:{n}: {exc}") from exc
    if not claims:
        raise ClefFormatError(f"{path}: no claims")
    return claims


def read_queries(paths: Iterable[str | Path]) -> dict[str, str]:
    """``id<TAB>text`` lines (the text may itself be quoted TSV)."""
    queries: dict[str, str] = {}
    for path in paths:
        with Path(path).open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                qid, sep, text = line.partition("\t")
                if not sep or not qid.strip():
                    raise ClefFormatError(f"{path}:{n}: expected id<TAB>text")
                if qid in queries and queries[qid] != text:
                    raise ClefFormatError(f"{path}:{n}: query {qid!r} given twice")
                if len(text) >= 2 and text[0] == text[-1] == '"':
                    text = text[1:-1].replace('""', '"')
                queries[qid.strip()] = text
    return queries


def read_qrels(paths: Iterable[str | Path]) -> dict[str, set[str]]:
    """``id<TAB>0<TAB>vclaim_id<TAB>relevance`` lines; relevance 0 lines are skipped."""
    qrels: dict[str, set[str]] = {}
    for path in paths:
        with Path(path).open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 4 or not parts[3].strip().isdigit():
                    raise ClefFormatError(f"{path}:{n}: expected id<TAB>0<TAB>vclaim_id<TAB>1")
                if int(parts[3]) > 0:
                    qrels.setdefault(parts[0].strip(), set()).add(parts[2].strip())
    return qrels
