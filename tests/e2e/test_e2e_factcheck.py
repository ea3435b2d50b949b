"""Issue 3 end to end, with the real claim matcher: a post repeating a rated claim is labelled
through the API and the webhook, and a new fact-check retroactively labels earlier posts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
from veracity.enforce.receiver import LocalReceiver
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "e2e-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET = "e2e-secret"

FIVE_G = {
    "id": "fc-5g",
    "claim_text": "5G mobile towers spread the coronavirus",
    "rating": "False",
    "url": "https://factcheck.example/5g-coronavirus",
    "publisher": "Example Fact Check",
    "language": "en",
}
GARLIC = {
    "id": "fc-garlic",
    "claim_text": "Drinking boiled garlic water cures COVID-19 overnight",
    "rating": "Pants on Fire",
    "url": "https://factcheck.example/garlic",
    "publisher": "Example Fact Check",
    "language": "en",
}


@pytest.fixture
def receiver() -> Iterator[LocalReceiver]:
    r = LocalReceiver(SECRET).start()
    yield r
    r.stop()


@pytest.fixture
def client(db: Database, receiver: LocalReceiver) -> Iterator[TestClient]:
    settings = Settings(database_url=db.url, webhook_url=receiver.url, webhook_secret=SECRET)
    app = create_app(settings, db=db, runtime=build_runtime(db, settings), api_tokens=[TOKEN])
    with TestClient(app) as test_client:
        yield test_client


def _deliver(db: Database, receiver: LocalReceiver) -> None:
    settings = Settings(database_url=db.url, webhook_url=receiver.url, webhook_secret=SECRET)
    worker = OutboxWorker(db, WebhookDelivery.from_settings(settings), settings)
    while worker.run_once():
        pass


def _post(client: TestClient, id_: str, text: str) -> dict[str, Any]:
    body = {"id": id_, "account_id": "acc-1", "kind": "post", "text": text}
    r = client.post("/v1/content", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


def _fact_check_label(actions: list[str]) -> str | None:
    return next((a for a in actions if a.startswith("label(label=fact-checked")), None)


def test_rated_claim_is_labelled_via_api_and_webhook(
    client: TestClient, db: Database, receiver: LocalReceiver
) -> None:
    r = client.post("/v1/fact-checks", json={"items": [FIVE_G]}, headers=AUTH)
    assert r.status_code in (200, 201), r.text

    hit = _post(client, "p-5g", "5G mobile towers spread the coronavirus. Wake up people!")
    label = _fact_check_label(hit["actions"])
    assert label is not None, hit["actions"]
    assert "rating=false" in label and "url=https://factcheck.example/5g-coronavirus" in label
    # A looser paraphrase is only a suggested match: labelled unverified with a share prompt
    # while fact-checkers look at it, never labelled as fact-checked automatically.
    loose = _post(client, "p-5g-2", "BREAKING: the 5G towers are spreading the coronavirus!!")
    assert "label(label=unverified,share_prompt=True)" in loose["actions"]
    assert "route(queue=fact-check)" in loose["actions"]
    assert _fact_check_label(loose["actions"]) is None
    miss = _post(client, "p-cat", "my cat learned to open the fridge today")
    assert miss["actions"] == []

    _deliver(db, receiver)
    delivered = receiver.log.deliveries
    assert hit["decision_id"] in delivered
    payload = delivered[hit["decision_id"]]
    assert payload["subject_id"] == "p-5g"
    assert any(
        a["type"] == "label" and a["params"].get("rating") == "false" for a in payload["actions"]
    )


def test_new_fact_check_labels_earlier_posts(
    client: TestClient, db: Database, receiver: LocalReceiver
) -> None:
    early = _post(client, "p-garlic", "Drinking boiled garlic water cures COVID-19 overnight!!")
    assert _fact_check_label(early["actions"]) is None

    r = client.post("/v1/fact-checks", json={"items": [GARLIC]}, headers=AUTH)
    assert r.status_code in (200, 201), r.text

    decisions = client.get("/v1/decisions?subject_id=p-garlic", headers=AUTH).json()["items"]
    latest = decisions[0]["decision"]
    assert latest["trigger"] == "fact_check"
    keys = [
        f"{a['type']}(" + ",".join(f"{k}={v}" for k, v in sorted(a["params"].items())) + ")"
        for a in latest["actions"]
    ]
    assert _fact_check_label(keys) is not None, keys

    _deliver(db, receiver)
    assert latest["id"] in receiver.log.deliveries
    assert receiver.log.deliveries[latest["id"]]["subject_id"] == "p-garlic"

    # A retraction takes the label down again, and the platform hears about it.
    r = client.post("/v1/fact-checks/fc-garlic/retract", json={}, headers=AUTH)
    assert r.status_code == 200, r.text
    after = client.get("/v1/decisions?subject_id=p-garlic", headers=AUTH).json()["items"][0]
    assert _fact_check_label([str(a) for a in after["decision"]["actions"]]) is None
    _deliver(db, receiver)
    assert after["decision"]["id"] in receiver.log.deliveries
