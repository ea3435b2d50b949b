"""Logging setup: plain text (default) or one JSON object per line (``VERACITY_LOG_FORMAT=json``),
each with the request id, and every message passed through PII and secret redaction."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, TextIO

from veracity.ops.context import request_id
from veracity.ops.redact import redact_text, redact_value

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class RedactingFilter(logging.Filter):
    """Adds ``request_id`` and redacts the rendered message and extra fields in place, so no
    handler can emit an e-mail address, phone number or credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = redact_text(record.getMessage())
        record.msg, record.args = message, None
        for key in list(vars(record)):
            if key not in _STANDARD and key != "request_id":
                setattr(record, key, redact_value(getattr(record, key), key))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(out, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def configure_logging(
    fmt: str = "text", level: str = "INFO", stream: TextIO | None = None
) -> logging.Handler:
    """Install one handler on the root logger (replacing any this function added before)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_veracity", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream)
    handler._veracity = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
