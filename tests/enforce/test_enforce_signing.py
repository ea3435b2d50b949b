"""Webhook signatures as a receiver checks them."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from veracity.enforce.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    SignatureError,
    parse_signature_header,
    signature_header,
    verify_signature,
    webhook_headers,
)

BODY = b'{"decision_id":"d-1","actions":[{"type":"remove"}]}'
NOW = 1_750_000_000


def test_signature_is_hmac_of_timestamp_dot_body() -> None:
    header = signature_header("k", BODY, NOW)
    expected = hmac.new(b"k", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v1={expected}"


def test_valid_signature_verifies() -> None:
    header = signature_header("k", BODY, NOW)
    assert verify_signature("k", header, BODY, now=NOW + 10)
    assert verify_signature("k", header, BODY.decode(), now=NOW)  # str body is the same bytes


def test_tampered_body_fails() -> None:
    header = signature_header("k", BODY, NOW)
    assert not verify_signature("k", header, BODY.replace(b"remove", b"label"), now=NOW)


def test_tampered_timestamp_fails() -> None:
    sig = signature_header("k", BODY, NOW).split(",", 1)[1]
    assert not verify_signature("k", f"t={NOW + 1},{sig}", BODY, now=NOW)


def test_wrong_secret_fails() -> None:
    assert not verify_signature("other", signature_header("k", BODY, NOW), BODY, now=NOW)


def test_expired_and_future_timestamps_fail() -> None:
    header = signature_header("k", BODY, NOW)
    assert verify_signature("k", header, BODY, tolerance_s=300, now=NOW + 300)
    assert not verify_signature("k", header, BODY, tolerance_s=300, now=NOW + 301)
    assert not verify_signature("k", header, BODY, tolerance_s=300, now=NOW - 301)


def test_rotation_sender_signs_with_old_and_new() -> None:
    header = signature_header(["new", "old"], BODY, NOW)
    assert header.count("v1=") == 2
    assert verify_signature("old", header, BODY, now=NOW)  # receiver not yet rotated
    assert verify_signature("new", header, BODY, now=NOW)  # receiver already rotated
    assert not verify_signature("neither", header, BODY, now=NOW)


def test_rotation_receiver_accepts_any_of_its_secrets() -> None:
    header = signature_header("old", BODY, NOW)
    assert verify_signature(["new", "old"], header, BODY, now=NOW)
    assert not verify_signature(["new"], header, BODY, now=NOW)


@pytest.mark.parametrize(
    "header", [None, "", "garbage", f"t={NOW}", "v1=abcd", "t=soon,v1=ab", f"t={NOW},v1"]
)
def test_malformed_headers_are_not_valid(header: str | None) -> None:
    assert not verify_signature("k", header, BODY, now=NOW)


def test_parse_names_the_problem() -> None:
    with pytest.raises(SignatureError, match="no t= timestamp"):
        parse_signature_header("v1=ab")
    with pytest.raises(SignatureError, match="not an integer"):
        parse_signature_header("t=x,v1=ab")
    parsed = parse_signature_header(f"t={NOW}, v1=AB, v2=ignored")
    assert parsed.timestamp == NOW and parsed.signatures == ("ab",)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        signature_header("", BODY, NOW)
    with pytest.raises(ValueError, match="non-empty"):
        verify_signature([], signature_header("k", BODY, NOW), BODY, now=NOW)


def test_webhook_headers() -> None:
    headers = webhook_headers("k", BODY, "d-1", timestamp=NOW, topic="decision")
    assert headers["Content-Type"] == "application/json"
    assert headers[IDEMPOTENCY_HEADER] == "d-1"
    assert headers["X-Veracity-Topic"] == "decision"
    assert verify_signature("k", headers[SIGNATURE_HEADER], BODY, now=NOW)
