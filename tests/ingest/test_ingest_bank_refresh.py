"""Bank changes reach the online detectors without a restart."""

from __future__ import annotations

from fastapi.testclient import TestClient
from ingest_support import AUTH

from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database

NEW_CLAIM = "the city water supply was secretly replaced with recycled seawater"


def _post(id_: str, text: str) -> dict[str, str]:
    return {"id": id_, "account_id": "a1", "kind": "post", "text": text}


def test_bank_added_through_the_api_applies_to_the_next_post(client: TestClient) -> None:
    before = client.post("/v1/content", json=_post("p1", NEW_CLAIM), headers=AUTH).json()
    assert before["results"][0]["actions"] == []
    r = client.post(
        "/v1/banks/text/entries",
        json={"entries": [{"entry_id": "claim-new", "value": NEW_CLAIM, "label": "false"}]},
        headers=AUTH,
    )
    assert r.status_code in (200, 201), r.text
    after = client.post("/v1/content", json=_post("p2", NEW_CLAIM), headers=AUTH).json()
    assert "reduce()" in after["results"][0]["actions"]


def test_bank_changed_by_another_process_is_picked_up(db: Database) -> None:
    runtime = build_runtime(db, Settings(database_url=db.url, bank_refresh_s=0.0))
    item = ContentIn(id="p1", account_id="a1", kind=ContentKind.POST, text=NEW_CLAIM)
    assert runtime.ingest.content([item]).results[0].actions == []
    with db.transaction() as session:  # as another worker's API would
        add_entries(session, "text", [BankEntry("claim-new", NEW_CLAIM, "false")])
    second = item.model_copy(update={"id": "p2"})
    assert "reduce()" in (runtime.ingest.content([second]).results[0].actions or [])
