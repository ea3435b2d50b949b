"""The id of the request being served, for log lines (a context variable, so it follows the
request through async code and thread-pool handlers)."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("veracity_request_id", default=None)
