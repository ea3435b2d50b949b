"""Plain functions behind the CLI's media commands (the lead wires them into ``veracity``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from veracity.detect.aigc.analysis import analyse_media
from veracity.detect.aigc.detector import ProvenanceConfig
from veracity.detect.aigc.isolated import analyse_isolated


def analyse_media_report(
    paths: list[Path], settings: Any = None, *, isolated: bool = False, evidence: bool = False
) -> list[dict[str, Any]]:
    """One JSON-ready record per file: the signal summary, and the full evidence on request.

    ``isolated`` runs each file in a limited child process (use it for untrusted batches)."""
    config = ProvenanceConfig.from_settings(settings).analysis
    records: list[dict[str, Any]] = []
    for path in paths:
        if isolated:
            outcome = analyse_isolated(path, config)
            record: dict[str, Any] = {"file": str(path), "status": outcome.status}
            record |= outcome.summary or {"analysed": False, "reason": outcome.detail}
        else:
            result = analyse_media(path, config)
            record = {"file": str(path), "status": "ok"} | result.summary()
            if evidence:
                record["evidence"] = result.to_evidence()
        records.append(record)
    return records
