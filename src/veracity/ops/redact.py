"""Regex-based redaction of personal data and secrets in free text (logs and exports).

Presidio was not used: its analyzer pulls spaCy and, on import, tldextract's public-suffix
download, which this offline deployment forbids; these patterns cover the identifiers that
reach our logs (e-mail addresses, phone numbers, bearer tokens and key=value secrets). Person
names cannot be found reliably by pattern, so notifier names and e-mails are kept apart
(``ReportContactRow``: written once, read by no export, webhook or log, erased by the retention
job); ``redact_value`` masks such fields by name wherever a structure is logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# International or national numbers with 9+ digits, allowing spaces, dots, dashes, brackets.
PHONE = re.compile(r"(?<![\w.])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?![\w.])")
BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
SECRET_KV = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_-]?key|authorization|cookie)"
    r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)
# Field names whose values are personal data or credentials wherever they appear.
SENSITIVE_KEYS = frozenset(
    {
        "email",
        "name",
        "phone",
        "password",
        "token",
        "secret",
        "authorization",
        "cookie",
        "api_token",
        "webhook_secret",
        "reporter_name",
        "reporter_email",
    }
)
MASK = "[redacted]"


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if digits >= 9 else match.group(0)


def redact_text(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and credentials replaced by markers."""
    text = BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = SECRET_KV.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub(_phone, text)


def redact_value(value: Any, key: str | None = None) -> Any:
    """A JSON-like value with sensitive fields masked and free text redacted (recursive)."""
    if key is not None and key.lower() in SENSITIVE_KEYS and value is not None:
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value
