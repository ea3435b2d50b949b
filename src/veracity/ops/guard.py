"""Hostile input before any route sees it: JSON nested deeper than a limit (Python's parser
would recurse until it fails with a server error) and NUL characters in JSON strings, the path
or the query string (PostgreSQL text cannot hold them), each refused with a 422 that says why.
Invalid UTF-8 and malformed JSON are already 4xx from FastAPI."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether any array/object in ``body`` nests deeper than ``limit`` (brackets inside
    strings do not count). Cheap when the body cannot exceed it."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def has_nul_escape(body: bytes) -> bool:
    """Whether a JSON string in ``body`` contains ``\\u0000`` (an escaped backslash before
    ``u0000`` is text, not a NUL)."""
    return b"u0000" in body.lower() and _NUL_ESCAPE.search(body) is not None


def _nul_in_url(scope: Scope) -> bool:
    query = scope.get("query_string") or b""
    return "\x00" in str(scope.get("path", "")) or b"%00" in query or b"\x00" in query


def _body_kind(scope: Scope) -> str | None:
    """ "json", "form" (URL-encoded) or None for bodies this guard does not read."""
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
    if b"json" in content_type:
        return "json"
    if b"x-www-form-urlencoded" in content_type:
        return "form"
    return None


class InputGuard:
    """ASGI middleware: refuses NUL in the path or query string, and reads a JSON body once,
    checks it, and replays it to the app."""

    def __init__(self, app: ASGIApp, max_depth: int = 32) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _nul_in_url(scope):
            await _refuse(send, "nul_character", "the URL must not contain NUL (%00) characters")
            return
        kind = _body_kind(scope) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = None
        if kind == "form":
            if b"%00" in body or b"\x00" in body:
                problem = ("nul_character", "form fields must not contain NUL (%00) characters")
        elif json_depth_exceeds(body, self.max_depth):
            problem = ("json_too_deep", f"JSON nests deeper than {self.max_depth} levels")
        elif has_nul_escape(body):
            problem = ("nul_character", "strings must not contain NUL (\\u0000) characters")
        if problem is not None:
            await _refuse(send, *problem)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _refuse(send: Send, kind: str, msg: str) -> None:
    body = json.dumps(
        {"detail": [{"field": "body", "msg": msg, "type": kind, "loc": ["body"]}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
