"""A small webhook receiver for tests and the demo: verifies signatures, dedupes on the
idempotency key, and can be told to fail for a while to show retries and recovery.

It plays the platform side of the contract, so it behaves as a correct receiver should:
a repeated idempotency key is acknowledged (200) but not applied twice.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from veracity.enforce.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_signature

MAX_BODY_BYTES = 1024 * 1024


@dataclass
class _Faults:
    fail_next: int = 0
    fail_status: int = 503
    fail_until: float = 0.0  # time.monotonic() deadline
    always_status: int | None = None
    delay_next: int = 0
    delay_s: float = 0.0


@dataclass
class ReceiverLog:
    """What arrived. ``deliveries`` holds each idempotency key once, in first-arrival order."""

    deliveries: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    duplicates: int = 0
    failed_on_purpose: int = 0
    rejected: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of new connections (1 s SYN retry)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that timed out or died resets its connection: normal here, not worth a trace.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LocalReceiver:
    """Threaded HTTP server on ``host:port`` (port 0 picks a free one); use as a context manager."""

    def __init__(
        self,
        secrets: str | Sequence[str],
        host: str = "127.0.0.1",
        port: int = 0,
        tolerance_s: float = 300,
    ) -> None:
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self.tolerance_s = tolerance_s
        self.log = ReceiverLog()
        self._faults = _Faults()
        self._cond = threading.Condition()
        self._server = _Server((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhook"

    def start(self) -> LocalReceiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how fast stop() returns
            name="veracity-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # Fault injection ---------------------------------------------------------------------
    def fail_next(self, n: int, status: int = 503) -> None:
        """Answer the next ``n`` valid requests with ``status`` instead of accepting them."""
        with self._cond:
            self._faults.fail_next = n
            self._faults.fail_status = status

    def fail_for(self, seconds: float, status: int = 503) -> None:
        """Answer every valid request with ``status`` for the next ``seconds``."""
        with self._cond:
            self._faults.fail_until = time.monotonic() + seconds
            self._faults.fail_status = status

    def always(self, status: int | None) -> None:
        """Answer every request with ``status`` until called with None (e.g. 400 or 410)."""
        with self._cond:
            self._faults.always_status = status

    def delay_next(self, n: int, seconds: float) -> None:
        """Sleep ``seconds`` before answering the next ``n`` requests (to cause timeouts)."""
        with self._cond:
            self._faults.delay_next = n
            self._faults.delay_s = seconds

    def wait_for(self, deliveries: int, timeout: float = 10.0) -> bool:
        """Block until at least ``deliveries`` distinct keys arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.log.deliveries) < deliveries:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # Request handling --------------------------------------------------------------------
    def _fault_status(self) -> tuple[int | None, float]:
        with self._cond:
            f = self._faults
            delay = 0.0
            if f.delay_next > 0:
                f.delay_next -= 1
                delay = f.delay_s
            if f.always_status is not None:
                return f.always_status, delay
            if f.fail_next > 0:
                f.fail_next -= 1
                return f.fail_status, delay
            if time.monotonic() < f.fail_until:
                return f.fail_status, delay
            return None, delay

    def handle(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        """Decide the answer to one POST; separated from the HTTP plumbing to keep it readable."""
        with self._cond:
            self.log.requests += 1
        if not verify_signature(
            self.secrets, headers.get(SIGNATURE_HEADER), body, self.tolerance_s
        ):
            with self._cond:
                self.log.rejected += 1
            return 401, {"error": "invalid or expired signature"}
        key = headers.get(IDEMPOTENCY_HEADER)
        if not key:
            return 400, {"error": f"missing {IDEMPOTENCY_HEADER} header"}
        try:
            payload = json.loads(body)
        except ValueError as exc:
            return 400, {"error": f"body is not JSON: {exc}"}
        status, delay = self._fault_status()
        if delay:
            time.sleep(delay)
        with self._cond:
            self.log.attempts[key] = self.log.attempts.get(key, 0) + 1
            if status is not None:
                self.log.failed_on_purpose += 1
                return status, {"error": "receiver told to fail"}
            if key in self.log.deliveries:
                self.log.duplicates += 1
                return 200, {"status": "duplicate", "idempotency_key": key}
            self.log.deliveries[key] = payload
            self._cond.notify_all()
        return 200, {"status": "accepted", "idempotency_key": key}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each reply waits ~40 ms for a delayed ACK

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self._reply(413, {"error": f"body over {MAX_BODY_BYTES} bytes"})
                    return
                body = self.rfile.read(length)
                status, answer = receiver.handle(self.headers, body)
                self._reply(status, answer)

            def _reply(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (timeout); it will retry

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def main(argv: Sequence[str] | None = None) -> None:
    """Run a receiver in the foreground: ``python -m veracity.enforce.receiver --secret s``."""
    parser = argparse.ArgumentParser(description="Veracity demo webhook receiver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", action="append", required=True, help="repeat to rotate")
    parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to the first N")
    args = parser.parse_args(argv)
    receiver = LocalReceiver(args.secret, args.host, args.port)
    receiver.fail_next(args.fail_first)
    receiver.start()
    print(f"receiving on {receiver.url}", flush=True)
    try:
        while True:
            time.sleep(5)
            log = receiver.log
            print(
                f"delivered={len(log.deliveries)} requests={log.requests} "
                f"duplicates={log.duplicates} rejected={log.rejected}",
                flush=True,
            )
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
