"""Prometheus metrics for one app: request counts and latency per route template, and decisions
by effective action. Each app has its own registry, so several apps in one process (tests,
benchmarks) do not share counts; several worker processes are scraped one by one."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The counters and histograms an app exports at ``/metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "veracity_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "veracity_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "veracity_decisions",
            "Online decisions made, by effective action ('none' for no action).",
            ["action"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "veracity_rate_limited",
            "Requests refused with 429, by role.",
            ["role"],
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_decisions(self, actions_per_decision: Iterable[list[str] | None]) -> None:
        """One increment per decision and per action it took (``none`` when it took none)."""
        for actions in actions_per_decision:
            for action in actions or ["none"]:
                self.decisions.labels(action.split(":", 1)[0]).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
