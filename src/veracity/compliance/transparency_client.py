"""HTTP client for the DSA Transparency Database's multiple-statement endpoint.

One call carries up to 100 statements and is all or nothing: a 201 stores them all; a 422 stores
none and says why per statement (``statement_N``) or names puids the database already holds
(``existing_puids``). So the client removes what the 422 names (refused statements, and
already-stored ones, which count as accepted: an earlier call whose answer was lost stored
them) and sends the rest again at once. A 5xx, 408, 429 or a timeout may or may not have stored
the batch; it is retried with backoff (``enforce.backoff.RetryPolicy``, full jitter), and the
database's puid uniqueness turns a retry of an already-stored batch into that same 422. Any
other 4xx (bad token, wrong URL) is the caller's problem: ``SubmissionError``, nothing recorded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from veracity.compliance import transparency_schema as S
from veracity.enforce.backoff import RetryPolicy

_RETRY_STATUSES = frozenset({408, 425, 429})
_ERROR_TEXT = 300  # characters of an unexpected answer kept in an error message


class SubmissionError(RuntimeError):
    """The request itself is wrong (credentials, URL, protocol): stop, record nothing."""


@dataclass
class BatchResult:
    """What became of each statement of one batch."""

    accepted: dict[str, str | None] = field(default_factory=dict)  # puid -> database uuid
    rejected: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)  # puid -> last transient error
    requests: int = 0
    retries: int = 0


def endpoint(url: str) -> str:
    """The multiple-statement endpoint under a service root (``https://host``), also accepting
    the endpoint itself or ``.../api/v1``."""
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    for suffix in (S.API_PATH, "/api/v1"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base + S.API_PATH


def _field_errors(value: Any) -> list[dict[str, str]]:
    """``{"field": ["message", ...]}`` -> ``[{"field": ..., "reason": ...}]``."""
    if not isinstance(value, dict):
        return [{"field": "statement", "reason": str(value)[:_ERROR_TEXT]}]
    out: list[dict[str, str]] = []
    for name, messages in value.items():
        for m in messages if isinstance(messages, list) else [messages]:
            out.append({"field": str(name), "reason": str(m)[:_ERROR_TEXT]})
    return out


class TransparencyClient:
    """Submits batches of validated statement bodies; see the module doc for the protocol."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not token.strip():
            raise ValueError("an API token is required")
        self.url = endpoint(url)
        self.retry = retry or RetryPolicy(base_s=1.0, max_s=60.0, max_attempts=6)
        self._sleep = sleep
        self._rng = rng
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_s),
            headers={
                "Authorization": f"Bearer {token.strip()}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TransparencyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, bodies: Sequence[dict[str, Any]]) -> BatchResult:
        """Send one batch (1-100 statements with distinct puids) until every statement is
        accepted, rejected, or left pending after the retry budget."""
        if not 1 <= len(bodies) <= S.MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {S.MAX_BATCH} statements, got {len(bodies)}")
        puids = [str(b.get("puid")) for b in bodies]
        if len(set(puids)) != len(puids):
            raise ValueError("a batch may not repeat a puid")
        result = BatchResult()
        todo = list(bodies)
        failures = 0
        while todo:
            result.requests += 1
            problem, wait = self._post(todo, result)
            if problem is None:
                todo = [b for b in todo if self._open(b, result)]
                failures = 0
                continue
            failures += 1
            if self.retry.exhausted(failures):
                for b in todo:
                    result.pending[str(b["puid"])] = problem
                break
            result.retries += 1
            delay = self.retry.delay(failures, self._rng)
            self._sleep(min(self.retry.max_s, max(delay, wait)))
        return result

    @staticmethod
    def _open(body: dict[str, Any], result: BatchResult) -> bool:
        puid = str(body["puid"])
        return puid not in result.accepted and puid not in result.rejected

    def _post(self, todo: list[dict[str, Any]], result: BatchResult) -> tuple[str | None, float]:
        """One request; settles what the answer settles. Returns (transient problem, wait)."""
        try:
            response = self._http.post(self.url, json={"statements": todo})
        except httpx.TimeoutException as exc:
            return f"timeout: {type(exc).__name__}", 0.0
        except httpx.TransportError as exc:
            return f"transport error: {type(exc).__name__}: {exc}"[:_ERROR_TEXT], 0.0
        status = response.status_code
        if status == 201:
            self._accepted(todo, response, result)
            return None, 0.0
        if status >= 500 or status in _RETRY_STATUSES:
            return f"HTTP {status}", _retry_after(response)
        if status == 422:
            self._unprocessable(todo, response, result)
            return None, 0.0
        raise SubmissionError(
            f"the Transparency Database answered HTTP {status}: {response.text[:_ERROR_TEXT]}"
        )

    @staticmethod
    def _accepted(
        todo: list[dict[str, Any]], response: httpx.Response, result: BatchResult
    ) -> None:
        uuids: dict[str, str | None] = {}
        try:
            echoed = response.json().get("statements", [])
        except (ValueError, AttributeError):
            echoed = []
        for s in echoed if isinstance(echoed, list) else []:
            if isinstance(s, dict) and isinstance(s.get("puid"), str):
                uuid = s.get("uuid")
                uuids[s["puid"]] = str(uuid) if uuid is not None else None
        for b in todo:
            result.accepted[str(b["puid"])] = uuids.get(str(b["puid"]))

    @staticmethod
    def _unprocessable(
        todo: list[dict[str, Any]], response: httpx.Response, result: BatchResult
    ) -> None:
        try:
            errors = response.json().get("errors")
        except (ValueError, AttributeError):
            errors = None
        if not isinstance(errors, dict):
            raise SubmissionError(f"422 without an errors object: {response.text[:_ERROR_TEXT]}")
        settled = 0
        for key, value in errors.items():
            if key.startswith("statement_") and key[len("statement_") :].isdigit():
                index = int(key[len("statement_") :])
                if index < len(todo):
                    result.rejected[str(todo[index]["puid"])] = _field_errors(value)
                    settled += 1
        existing = errors.get("existing_puids")
        if isinstance(existing, list):
            sent = {str(b["puid"]) for b in todo}
            for puid in existing:
                if isinstance(puid, str) and puid in sent and puid not in result.accepted:
                    result.accepted[puid] = None  # stored by an earlier call
                    settled += 1
        if settled == 0:  # nothing to remove: sending the rest again would loop
            raise SubmissionError(f"422 naming no statement: {response.text[:_ERROR_TEXT]}")


def _retry_after(response: httpx.Response) -> float:
    """Seconds from a numeric Retry-After header (0 when absent or a date)."""
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0
