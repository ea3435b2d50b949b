"""A local stand-in for the DSA Transparency Database API, for tests over real HTTP.

It implements ``POST /api/v1/statements`` and ``GET /api/v1/statement/existing-puid/{puid}``
the way the Commission's code does (``StatementMultipleAPIController``,
``GroupedSubmissionsService::multi_rules``, ``PlatformUniqueIdService``), independently of
``veracity.compliance.transparency_db``: Laravel-style rules per statement (errors keyed
``statement_N``, nothing stored on any error), conditional fields silently excluded, unknown
fields dropped, puids unique per platform (422 with ``existing_puids``), bearer token (401).
Only the code lists are shared with the code under test; the rules are written again here.

Failures can be scripted for the next requests: ``500``, ``429``, ``hang`` (answer after the
client gave up), ``store_then_500`` and ``store_then_hang`` (the batch is stored but the client
never learns it).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from veracity.compliance import transparency_schema as S

TOKEN = "tdb-test-token"
EXISTING_PREFIX = "/api/v1/statement/existing-puid/"


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or v == [] or v == {}


def _date_ok(v: Any, low: str | None, high: str) -> str | None:
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return "does not match the format YYYY-MM-DD."
    try:
        d = date.fromisoformat(v)
    except ValueError:
        return "does not match the format YYYY-MM-DD."
    if low and d < date.fromisoformat(low):
        return f"must be a date after or equal to {low}."
    if d > date.fromisoformat(high):
        return f"must be a date before or equal to {high}."
    return None


def _puid_ok(puid: Any) -> bool:
    """Laravel's regex rule also takes numbers (it matches their string form)."""
    if isinstance(puid, bool) or not isinstance(puid, str | int):
        return False
    return re.fullmatch(r"[a-zA-Z0-9_-]+", str(puid)) is not None


def laravel_errors(st: Any) -> dict[str, list[str]]:
    """Errors of one statement under the database's multi-statement rules."""
    if not isinstance(st, dict):
        return {"statement": ["must be an object."]}
    err: dict[str, list[str]] = {}

    def add(f: str, m: str) -> None:
        err.setdefault(f, []).append(f"The {f.replace('_', ' ')} {m}")

    def enum(f: str, allowed: Any, nullable: bool = True) -> None:
        if f not in st or (st[f] is None and nullable):
            return
        if st[f] not in allowed:
            add(f, "is invalid.")

    def array_in(f: str, allowed: Any, nullable: bool = True) -> None:
        if f not in st or (st[f] is None and nullable):
            return
        if not isinstance(st[f], list):
            add(f, "must be an array.")
        elif any(v not in allowed for v in st[f]):
            add(f, "is invalid.")

    def max_len(f: str, n: int) -> None:
        if isinstance(st.get(f), str) and len(st[f]) > n:
            add(f, f"may not be greater than {n} characters.")

    vis = st.get("decision_visibility") if isinstance(st.get("decision_visibility"), list) else []
    types = st.get("content_type") if isinstance(st.get("content_type"), list) else []
    ground = st.get("decision_ground")
    restrictions = ("decision_visibility", "decision_monetary", "decision_provision")
    for f in (*restrictions, "decision_account"):
        if all(_blank(st.get(o)) for o in (*restrictions, "decision_account")):
            add(f, "field is required when none of the others are present.")
    array_in("decision_visibility", S.DECISION_VISIBILITIES)
    if S.VISIBILITY_OTHER in vis and _blank(st.get("decision_visibility_other")):
        add("decision_visibility_other", "field is required.")
    enum("decision_monetary", S.DECISION_MONETARIES)
    if st.get("decision_monetary") == S.MONETARY_OTHER and _blank(
        st.get("decision_monetary_other")
    ):
        add("decision_monetary_other", "field is required.")
    enum("decision_provision", S.DECISION_PROVISIONS)
    enum("decision_account", S.DECISION_ACCOUNTS)
    enum("account_type", S.ACCOUNT_TYPES)
    array_in("category_specification", S.KEYWORDS)
    if _blank(ground):
        add("decision_ground", "field is required.")
    else:
        enum("decision_ground", S.DECISION_GROUNDS)
    url = st.get("decision_ground_reference_url")
    if url is not None and not (
        isinstance(url, str) and re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url)
    ):
        add("decision_ground_reference_url", "must be a valid URL.")
    for f in ("illegal_content_legal_ground", "illegal_content_explanation"):
        if ground == S.GROUND_ILLEGAL and _blank(st.get(f)):
            add(f, "field is required when decision ground is illegal content.")
    for f in ("incompatible_content_ground", "incompatible_content_explanation"):
        if ground == S.GROUND_INCOMPATIBLE and _blank(st.get(f)):
            add(f, "field is required when decision ground is incompatible content.")
    if ground == S.GROUND_INCOMPATIBLE:
        enum("incompatible_content_illegal", S.YES_NO, nullable=False)
    if _blank(st.get("content_type")):
        add("content_type", "field is required.")
    else:
        array_in("content_type", S.CONTENT_TYPES)
    if S.CONTENT_TYPE_OTHER in types and _blank(st.get("content_type_other")):
        add("content_type_other", "field is required.")
    if _blank(st.get("category")):
        add("category", "field is required.")
    else:
        enum("category", S.CATEGORIES)
    array_in("category_addition", S.CATEGORIES, nullable=False)
    array_in("territorial_scope", S.EEA_COUNTRIES)
    enum("content_language", S.LANGUAGES)
    for f, low in (("content_date", "2000-01-01"), ("application_date", "2020-01-01")):
        if _blank(st.get(f)):
            add(f, "field is required.")
        elif (m := _date_ok(st[f], low, "2038-01-01")) is not None:
            add(f, m)
    for f in S.END_DATE_FIELDS:
        if st.get(f) is not None and (m := _date_ok(st[f], None, "2038-01-01")) is not None:
            add(f, m)
    for f in ("decision_facts", "source_type", "automated_detection", "automated_decision"):
        if _blank(st.get(f)):
            add(f, "field is required.")
    enum("source_type", S.SOURCE_TYPES)
    enum("automated_detection", S.YES_NO)
    enum("automated_decision", S.AUTOMATED_DECISIONS)
    puid = st.get("puid")
    if _blank(puid):
        add("puid", "field is required.")
    elif not _puid_ok(puid):
        add("puid", "format is invalid.")
    max_len("puid", 500)
    for f, n in S.TEXT_LIMITS.items():
        max_len(f, n)
    cid = st.get("content_id")
    if cid is not None:
        if not isinstance(cid, dict):
            add("content_id", "must be an array.")
        elif "EAN-13" in cid and not (
            isinstance(cid["EAN-13"], str) and re.fullmatch(r"[0-9]{13}", cid["EAN-13"])
        ):
            add("content_id.EAN-13", "format is invalid.")
    return err


def sanitize(st: dict[str, Any]) -> dict[str, Any]:
    """What the database keeps: known fields, conditional ones only under their condition."""
    kept = {k: v for k, v in st.items() if k in S.FIELDS}
    ground = kept.get("decision_ground")
    drop = set()
    if S.VISIBILITY_OTHER not in (kept.get("decision_visibility") or []):
        drop.add("decision_visibility_other")
    if kept.get("decision_monetary") != S.MONETARY_OTHER:
        drop.add("decision_monetary_other")
    if S.CONTENT_TYPE_OTHER not in (kept.get("content_type") or []):
        drop.add("content_type_other")
    if S.KEYWORD_OTHER not in (kept.get("category_specification") or []):
        drop.add("category_specification_other")
    if ground != S.GROUND_ILLEGAL:
        drop |= {"illegal_content_legal_ground", "illegal_content_explanation"}
    if ground != S.GROUND_INCOMPATIBLE:
        drop |= {
            "incompatible_content_ground",
            "incompatible_content_explanation",
            "incompatible_content_illegal",
        }
    if kept.get("source_type") == S.SOURCE_VOLUNTARY:
        drop.add("source_identity")
    kept = {k: v for k, v in kept.items() if k not in drop}
    scope = kept.get("territorial_scope") or []
    kept["territorial_scope"] = sorted(c for c in scope if c in S.EEA_COUNTRIES)
    return kept


@dataclass
class Received:
    """One request as the stand-in saw it."""

    path: str
    status: int
    puids: list[str]
    action: str


@dataclass
class StandIn:
    """The server's state: stored statements by puid, every request, the failure script."""

    url: str = ""
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    script: deque[str] = field(default_factory=deque)
    hang_s: float = 1.0
    # puid -> field errors the server adds, as if its rules had changed since we validated
    refuse: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *actions: str) -> None:
        self.script.extend(actions)

    def posts(self) -> list[Received]:
        return [r for r in self.received if r.path == S.API_PATH]

    def store(self, statements: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        """The multiple endpoint's answer to a well-formed body."""
        if not isinstance(statements, list) or not 1 <= len(statements) <= S.MAX_BATCH:
            msg = "The statements field must have between 1 and 100 items."
            return 422, {"message": msg, "errors": {"statements": [msg]}}
        errors = {
            f"statement_{i}": e
            for i, st in enumerate(statements)
            if (e := laravel_errors(st) or self.refuse.get(str(st.get("puid"))))
        }
        if errors:
            return 422, {"errors": errors}
        puids = [st["puid"] for st in statements]
        with self.lock:
            dup = sorted({p for p in puids if puids.count(p) > 1} | (set(puids) & set(self.stored)))
            if dup:
                msg = "The platform identifier(s) are not all unique within this call."
                return 422, {"message": msg, "errors": {"puid": [msg], "existing_puids": dup}}
            out = []
            for st in statements:
                kept = sanitize(st)
                kept["uuid"] = str(uuid.uuid4())
                kept["created_at"] = "2026-12-01 12:00:00"
                kept["platform_name"] = "Veracity test platform"
                kept["self"] = f"{self.url}/api/v1/statement/{kept['uuid']}"
                kept["permalink"] = f"{self.url}/statement/{kept['uuid']}"
                self.stored[st["puid"]] = kept
                out.append(kept)
        return 201, {"statements": out}


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep pytest output clean
            return

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout); nothing to tell it
                pass

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {TOKEN}":
                return True
            self._send(401, {"message": "Unauthenticated."})
            return False

        def do_GET(self) -> None:
            if not self._authorised():
                return
            if not self.path.startswith(EXISTING_PREFIX):
                self._send(404, {"message": "Not Found"})
                return
            puid = self.path[len(EXISTING_PREFIX) :]
            found = puid in state.stored
            status = 302 if found else 404
            state.received.append(Received(self.path, status, [puid], "lookup"))
            self._send(
                status,
                {
                    "message": "statement of reason " + ("found" if found else "not found"),
                    "puid": puid,
                },
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if not self._authorised():
                state.received.append(Received(self.path, 401, [], "unauthorised"))
                return
            if self.path != S.API_PATH:
                self._send(404, {"message": "Not Found"})
                return
            try:
                payload = json.loads(raw)
                statements = payload["statements"]
            except (ValueError, KeyError, TypeError):
                self._send(
                    422,
                    {
                        "message": "The statements field is required.",
                        "errors": {"statements": ["The statements field is required."]},
                    },
                )
                return
            puids = (
                [s.get("puid") for s in statements if isinstance(s, dict)]
                if isinstance(statements, list)
                else []
            )
            action = state.script.popleft() if state.script else "normal"
            status, body = 0, {}
            if action in ("normal", "store_then_500", "store_then_hang"):
                status, body = state.store(statements)
            state.received.append(
                Received(self.path, status if action == "normal" else 0, puids, action)
            )
            if action == "normal":
                self._send(status, body)
            elif action in ("500", "store_then_500"):
                self._send(500, {"message": "Server Error"})
            elif action == "422":
                msg = "The statements field is required."
                self._send(422, {"message": msg, "errors": {"statements": [msg]}})
            elif action == "429":
                self._send(429, {"message": "Too Many Attempts."}, {"Retry-After": "0"})
            elif action in ("hang", "store_then_hang"):
                time.sleep(state.hang_s)
                self._send(500, {"message": "late"})
            else:
                raise AssertionError(f"unknown scripted action {action!r}")

    return Handler


class StandInServer:
    """Runs a ``StandIn`` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self) -> None:
        self.state = StandIn()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.state.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return self.state.url

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
