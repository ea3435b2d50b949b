"""Password hashing: scrypt with a per-password salt and stored parameters."""

from __future__ import annotations

import pytest

from veracity.access.passwords import (
    DEFAULT_N,
    PasswordPolicyError,
    ScryptParams,
    hash_password,
    needs_rehash,
    verify_password,
)

FAST = ScryptParams(n=2**10)
GOOD = "correct horse battery staple"


def test_hash_verifies_and_carries_salt_and_parameters() -> None:
    stored = hash_password(GOOD)  # the default cost
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", DEFAULT_N, 8, 1)
    assert len(salt) >= 20 and len(key) >= 40
    assert GOOD not in stored
    assert verify_password(GOOD, stored)
    assert not verify_password(GOOD + " ", stored)
    assert not verify_password("", stored)


def test_same_password_gets_a_different_salt() -> None:
    first, second = hash_password(GOOD, FAST), hash_password(GOOD, FAST)
    assert first != second
    assert verify_password(GOOD, first) and verify_password(GOOD, second)


def test_stored_parameters_are_used_to_verify() -> None:
    cheap = hash_password(GOOD, FAST)
    # Verifying under a different configured cost still uses the hash's own parameters.
    assert verify_password(GOOD, cheap, ScryptParams(n=2**14))
    assert needs_rehash(cheap, ScryptParams(n=2**14))
    assert not needs_rehash(cheap, FAST)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "plain-text-password",
        "md5$abc",
        "scrypt$1024$8$1$not base64!$xx",
        "scrypt$1000$8$1$AAAA$AAAA",  # n not a power of two
        f"scrypt${2**30}$8$1$AAAA$AAAA",  # would eat the machine
        "scrypt$1024$8$1$AAAA",  # a part missing
    ],
)
def test_missing_or_malformed_hashes_never_match(stored: str | None) -> None:
    assert not verify_password(GOOD, stored, FAST)
    assert needs_rehash(stored or "")


def test_password_policy_is_length() -> None:
    with pytest.raises(PasswordPolicyError, match="at least 12"):
        hash_password("short", FAST)
    with pytest.raises(PasswordPolicyError, match="at most"):
        hash_password("x" * 1025, FAST)
    assert not verify_password("x" * 5000, hash_password(GOOD, FAST))
    with pytest.raises(ValueError, match="power of two"):
        ScryptParams(n=1000)
