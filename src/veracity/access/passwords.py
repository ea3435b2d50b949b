"""Password hashing with scrypt (hashlib): a random salt per password, the cost parameters
stored with the hash so they can be raised later, and comparison in constant time.

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "scrypt"
DEFAULT_N = 2**15
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
# Refuse stored parameters that would make one verification eat the machine.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16


class PasswordPolicyError(ValueError):
    pass


@dataclass(frozen=True)
class ScryptParams:
    n: int = DEFAULT_N
    r: int = DEFAULT_R
    p: int = DEFAULT_P

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError("scrypt n must be a power of two above 1")

    def maxmem(self) -> int:
        return 128 * self.r * self.n * self.p + 128 * self.r * self.n + 1024 * 1024


def check_policy(password: str) -> None:
    """Length is the only rule (NIST SP 800-63B): at least 12 characters, at most 1024."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordPolicyError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordPolicyError(f"a password has at most {MAX_PASSWORD_CHARS} characters")


def _derive(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem(),
        dklen=KEY_BYTES,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, params: ScryptParams | None = None, *, check: bool = True) -> str:
    """A new salted hash of ``password``, which must pass the policy unless ``check`` is off
    (re-hashing a password that was accepted under an older policy)."""
    if check:
        check_policy(password)
    params = params or ScryptParams()
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, params)
    return f"{SCHEME}${params.n}${params.r}${params.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        params = ScryptParams(int(parts[1]), int(parts[2]), int(parts[3]))
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (1 < params.n <= MAX_N and 0 < params.r <= MAX_R and 0 < params.p <= MAX_P):
        return None
    return params, salt, key


def verify_password(password: str, stored: str | None, params: ScryptParams | None = None) -> bool:
    """Whether ``password`` matches ``stored``. A missing or malformed hash never matches but
    costs a derivation with ``params`` all the same, so timing does not tell whether a user
    exists."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    parsed = _parse(stored or "")
    if parsed is None:
        _derive(password, b"\0" * SALT_BYTES, params or ScryptParams())
        return False
    want_params, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, want_params), key)


def needs_rehash(stored: str, params: ScryptParams | None = None) -> bool:
    """True when the stored hash uses weaker parameters than the configured ones."""
    parsed = _parse(stored)
    if parsed is None:
        return True
    current, want = parsed[0], params or ScryptParams()
    return (current.n, current.r, current.p) < (want.n, want.r, want.p)
