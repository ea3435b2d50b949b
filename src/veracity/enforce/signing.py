"""Webhook signatures: HMAC-SHA256 over ``"{timestamp}.{body}"`` with a shared secret.

The timestamp is signed so a captured request cannot be replayed outside the tolerance window.
During key rotation the sender signs with every active secret (one ``v1=`` per secret) and a
receiver accepts a match with any of its own secrets, so both sides can switch independently.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Veracity-Signature"
IDEMPOTENCY_HEADER = "X-Veracity-Idempotency-Key"
TOPIC_HEADER = "X-Veracity-Topic"
SCHEME = "v1"


class SignatureError(ValueError):
    """A signature header that cannot be parsed."""


@dataclass(frozen=True)
class ParsedSignature:
    timestamp: int
    signatures: tuple[str, ...]


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _secrets(secret: str | Sequence[str]) -> list[str]:
    found = [secret] if isinstance(secret, str) else list(secret)
    if not found or any(not s for s in found):
        raise ValueError("at least one non-empty webhook secret is required")
    return found


def compute_signature(secret: str, timestamp: int, body: bytes | str) -> str:
    """Hex HMAC-SHA256 of ``b"{timestamp}." + body``."""
    message = f"{timestamp}.".encode() + _as_bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str | Sequence[str], body: bytes | str, timestamp: int) -> str:
    """``t=<unix>,v1=<hex>[,v1=<hex>...]``, one signature per active secret."""
    parts = [f"t={timestamp}"]
    parts += [f"{SCHEME}={compute_signature(s, timestamp, body)}" for s in _secrets(secret)]
    return ",".join(parts)


def webhook_headers(
    secret: str | Sequence[str],
    body: bytes | str,
    idempotency_key: str,
    timestamp: int | None = None,
    topic: str | None = None,
) -> dict[str, str]:
    """Every header a delivery carries."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret, body, ts),
        IDEMPOTENCY_HEADER: idempotency_key,
    }
    if topic:
        headers[TOPIC_HEADER] = topic
    return headers


def parse_signature_header(header: str) -> ParsedSignature:
    """Split ``t=...,v1=...``; unknown schemes are ignored so new ones can be added later."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError(f"malformed signature element {part!r}: expected key=value")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError(f"signature timestamp {value!r} is not an integer") from None
        elif key == SCHEME:
            signatures.append(value.strip().lower())
    if timestamp is None:
        raise SignatureError("signature header has no t= timestamp")
    if not signatures:
        raise SignatureError(f"signature header has no {SCHEME}= signature")
    return ParsedSignature(timestamp=timestamp, signatures=tuple(signatures))


def verify_signature(
    secret: str | Sequence[str],
    header: str | None,
    body: bytes | str,
    tolerance_s: float = 300,
    now: float | None = None,
) -> bool:
    """True when the header carries a valid signature of ``body`` by any of ``secret`` and its
    timestamp lies within ``tolerance_s`` of ``now`` (either side, to refuse replays and clocks
    that are far off). Malformed or missing headers are simply not valid."""
    if not header:
        return False
    try:
        parsed = parse_signature_header(header)
    except SignatureError:
        return False
    current = time.time() if now is None else now
    if abs(current - parsed.timestamp) > tolerance_s:
        return False
    ok = False
    # Check every pair without short-circuiting so timing does not reveal which one matched.
    for s in _secrets(secret):
        expected = compute_signature(s, parsed.timestamp, body)
        for presented in parsed.signatures:
            ok |= hmac.compare_digest(expected, presented)
    return ok
