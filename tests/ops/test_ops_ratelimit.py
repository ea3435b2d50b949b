"""Per-token rate limits: token bucket arithmetic and 429 with Retry-After over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from access_support import ADMIN_TOKEN, world
from veracity.access.roles import Role
from veracity.ops.ratelimit import Rate, TokenBuckets, rate_for, retry_after_header
from veracity.store.db import Database


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(clock)
    rate = Rate(per_s=2.0, burst=3.0)
    assert [buckets.take("k", rate) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("k", rate)
    assert wait == 0.5  # one token at 2/s
    assert buckets.take("other", rate) == 0.0  # buckets are per key
    clock.now += 0.5
    assert buckets.take("k", rate) == 0.0
    assert buckets.take("k", rate) > 0
    clock.now += 100  # refill caps at the burst
    assert [buckets.take("k", rate) for _ in range(4)].count(0.0) == 3


def test_rate_is_the_most_generous_of_the_callers_roles() -> None:
    default = Rate(10, 20)
    assert rate_for(["reviewer"], default, {"service": 500}, 2.0) == default
    assert rate_for(["reviewer", "service"], default, {"service": 500, "reviewer": 50}, 2.0) == (
        Rate(500, 1000)
    )
    assert retry_after_header(0.01) == "1" and retry_after_header(2.2) == "3"


def test_http_429_with_retry_after_per_token_and_per_role(db: Database) -> None:
    with world(
        db, rate_limit_per_s=0.5, rate_limit_burst=2, rate_limit_roles={"service": 1000.0}
    ) as w:
        client = TestClient(w.app)
        reviewer = w.auth(Role.REVIEWER)
        codes = [client.get("/v1/decisions", headers=reviewer).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.get("/v1/decisions", headers=reviewer)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "rate limit" in refused.json()["detail"]
        # another token has its own bucket; the service role has a higher rate
        analyst = w.auth(Role.ANALYST)
        assert client.get("/v1/decisions", headers=analyst).status_code == 200
        service = w.auth(Role.SERVICE)
        item = {"id": "c1", "account_id": "a1", "kind": "post", "text": "hi"}
        codes = [
            client.post("/v1/content", json={**item, "id": f"c{i}"}, headers=service).status_code
            for i in range(10)
        ]
        assert codes == [200] * 10
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        metrics = client.get("/metrics", headers=admin).text
        assert 'veracity_rate_limited_total{role="reviewer"} 2.0' in metrics


def test_rate_limit_can_be_switched_off(db: Database) -> None:
    with world(db, rate_limit_enabled=False, rate_limit_per_s=0.1, rate_limit_burst=1) as w:
        client = TestClient(w.app)
        codes = {
            client.get("/v1/decisions", headers=w.auth(Role.REVIEWER)).status_code for _ in range(5)
        }
        assert codes == {200}
