from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from media_helpers import flat_image_bytes, flip_bits, image_bytes

from veracity.detect.banks import load_entries
from veracity.detect.misinfo.media.api import router
from veracity.detect.misinfo.media.exchange import TE_COLUMNS, export_bank, import_bank
from veracity.detect.misinfo.media.pdq_banks import add_content_media
from veracity.store.db import Database
from veracity.store.tables import ContentRow

AUTH = {"Authorization": "Bearer t"}
A = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"
B = "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064"


@pytest.fixture
def app(db: Database) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.db = db
    app.state.api_tokens = ["t"]
    app.state.changed = []
    app.state.on_banks_changed = app.state.changed.append
    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def test_requires_token(client: TestClient) -> None:
    for method, url in [
        ("GET", "/v1/media-banks"),
        ("POST", "/v1/media-banks/viral/hashes"),
        ("POST", "/v1/media-banks/viral/images"),
        ("DELETE", "/v1/media-banks/viral/entries/x"),
        ("GET", "/v1/media-banks/viral/export"),
        ("POST", "/v1/media-banks/viral/import"),
        ("POST", "/v1/media-banks/match"),
    ]:
        assert client.request(method, url).status_code == 401, (method, url)
        bad = client.request(method, url, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401


def test_add_is_idempotent_and_listed(client: TestClient, app: FastAPI, db: Database) -> None:
    body = {"entries": [{"hash": A, "quality": 100}, {"hash": B, "label": "altered"}]}
    body["label"] = "false"
    first = client.post("/v1/media-banks/viral/hashes", json=body, headers=AUTH)
    assert first.json() == {"bank": "pdq:viral", "received": 2, "added": 2}
    again = client.post("/v1/media-banks/viral/hashes", json=body, headers=AUTH)
    assert again.json()["added"] == 0
    assert app.state.changed == ["pdq:viral"]  # only the call that changed something
    with db.transaction() as s:
        entries = {e.entry_id: e for e in load_entries(s, "pdq:viral")}
    assert entries[f"pdq-{A}"].label == "false" and entries[f"pdq-{A}"].data["quality"] == 100
    assert entries[f"pdq-{B}"].label == "altered"
    listed = client.get("/v1/media-banks", headers=AUTH).json()
    assert listed == {
        "banks": [{"bank": "pdq:viral", "name": "viral", "entries": 2, "disabled": 0}]
    }


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"hash": A[:-2]}, "64 hex digits"),
        ({"hash": "z" * 64}, "only hex digits"),
        ({"hash": A, "quality": 20}, "below the cut-off 50"),
        ({"hash": A, "quality": 101}, "0..100"),
    ],
)
def test_bad_hashes_refuse_the_batch(client: TestClient, entry: dict, error: str) -> None:
    body = {"entries": [{"hash": B}, entry]}
    r = client.post("/v1/media-banks/viral/hashes", json=body, headers=AUTH)
    assert r.status_code == 422
    problem = r.json()["detail"]["invalid_entries"][0]
    assert problem["index"] == 1 and error in problem["error"]
    assert client.get("/v1/media-banks", headers=AUTH).json() == {"banks": []}


def test_bad_bank_name_and_body(client: TestClient) -> None:
    r = client.post(
        "/v1/media-banks/Bad%20Name/hashes", json={"entries": [{"hash": A}]}, headers=AUTH
    )
    assert r.status_code == 422 and "unknown bank" in r.text
    assert (
        client.post("/v1/media-banks/v/hashes", json={"entries": []}, headers=AUTH).status_code
        == 422
    )
    r = client.post(
        "/v1/media-banks/v/hashes", json={"entries": [{"hash": A, "x": 1}]}, headers=AUTH
    )
    assert r.status_code == 422


def test_upload_image_then_match_and_disable(client: TestClient) -> None:
    data = image_bytes(5)
    r = client.post(
        "/v1/media-banks/viral/images?label=false",
        content=data,
        headers={**AUTH, "Content-Type": "image/png"},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["added"] is True and out["quality"] >= 50 and out["entry_id"] == f"pdq-{out['hash']}"
    near = flip_bits(out["hash"], 20)
    m = client.post("/v1/media-banks/match", json={"hashes": [near, B]}, headers=AUTH).json()
    assert m["results"][0]["matches"] == [
        {"bank": "pdq:viral", "entry_id": out["entry_id"], "label": "false", "distance": 20}
    ]
    assert m["results"][1]["matches"] == []
    gone = client.delete(f"/v1/media-banks/viral/entries/{out['entry_id']}", headers=AUTH)
    assert gone.json()["enabled"] is False
    m = client.post("/v1/media-banks/match", json={"hashes": [near]}, headers=AUTH).json()
    assert m["results"][0]["matches"] == []
    assert client.delete("/v1/media-banks/viral/entries/nope", headers=AUTH).status_code == 404
    bad = client.post("/v1/media-banks/match", json={"hashes": ["12"]}, headers=AUTH)
    assert bad.status_code == 422 and "64 hex digits" in bad.text


def test_upload_refuses_non_images_and_low_quality(client: TestClient) -> None:
    h = {**AUTH, "Content-Type": "image/png"}
    r = client.post("/v1/media-banks/viral/images", content=b"<html>", headers=h)
    assert r.status_code == 422 and "not an image" in r.text
    r = client.post("/v1/media-banks/viral/images", content=flat_image_bytes(), headers=h)
    assert r.status_code == 422 and "below the cut-off" in r.text


def test_export_import_round_trip(client: TestClient, db: Database) -> None:
    body = {"entries": [{"hash": A, "quality": 95, "label": "false"}, {"hash": B}]}
    client.post("/v1/media-banks/src/hashes", json=body, headers=AUTH)
    client.delete(f"/v1/media-banks/src/entries/pdq-{B}", headers=AUTH)
    for fmt in ("csv", "json"):
        exported = client.get(
            f"/v1/media-banks/src/export?format={fmt}&include_disabled=true", headers=AUTH
        )
        assert exported.status_code == 200
        r = client.post(
            f"/v1/media-banks/copy-{fmt}/import?format={fmt}",
            content=exported.content,
            headers=AUTH,
        )
        assert r.json() == {"bank": f"pdq:copy-{fmt}", "received": 2, "added": 2, "refused": []}
        with db.transaction() as s:
            copied = {e.entry_id: e for e in load_entries(s, f"pdq:copy-{fmt}")}
        assert list(copied) == [f"pdq-{A}"]  # the disabled entry came back disabled
        assert copied[f"pdq-{A}"].label == "false" and copied[f"pdq-{A}"].data["quality"] == 95
    csv_text = client.get("/v1/media-banks/src/export", headers=AUTH).text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert list(rows[0])[:5] == TE_COLUMNS
    assert rows == [
        {
            "signal_type": "pdq",
            "signal_str": A,
            "collab": "src",
            "category": "POSITIVE_CLASS",
            "tags": "false",
            "entry_id": f"pdq-{A}",
            "label": "false",
            "quality": "95",
        }
    ]
    txt = client.get("/v1/media-banks/src/export?format=txt", headers=AUTH).text
    assert txt == f"pdq {A}\n"


def test_import_reports_bad_rows_and_keeps_good_ones(db: Database) -> None:
    text = (
        "signal_type,signal_str,collab,category,tags\n"
        f"pdq,{A},c,POSITIVE_CLASS,misleading satire\n"
        "pdq,abc,c,POSITIVE_CLASS,\n"
        f"video_md5,{B},c,POSITIVE_CLASS,\n"
        f"pdq,{B},c,MAYBE,\n"
    )
    with db.transaction() as s:
        report = import_bank(s, "viral", text, "csv", label="fallback")
        entries = load_entries(s, "pdq:viral")
    assert report.added == 1 and report.received == 4
    assert [r["row"] for r in report.refused] == [3, 4, 5]
    assert "64 hex digits" in report.refused[0]["error"]
    assert "signal type 'video_md5'" in report.refused[1]["error"]
    assert "unknown category 'MAYBE'" in report.refused[2]["error"]
    assert entries[0].label == "misleading"  # first ThreatExchange tag
    with db.transaction() as s:
        txt = import_bank(s, "viral", f"# comment\npdq {B}\n{A}\nvpdq {B}\n", "txt", label="x")
    assert txt.added == 1 and len(txt.refused) == 1
    with db.transaction() as s, pytest.raises(ValueError, match="CSV header lacks"):
        import_bank(s, "viral", "a,b\n1,2\n", "csv")
    with db.transaction() as s, pytest.raises(ValueError, match="not JSON"):
        import_bank(s, "viral", "{", "json")
    with db.transaction() as s, pytest.raises(ValueError, match="unknown format"):
        export_bank(s, "viral", "xml")
    doc = json.dumps([{"signal_type": "pdq", "signal_str": A, "data": {"quality": "high"}}, 5])
    with db.transaction() as s:
        bad = import_bank(s, "other", doc, "json")
    assert [r["error"] for r in bad.refused] == [
        "quality 'high' is not an integer",
        "a signal must be a JSON object",
    ]


def test_add_from_confirmed_false_content(db: Database) -> None:
    from veracity.store.db import utcnow

    now = utcnow()
    media = [
        {"url": "i", "pdq": A, "pdq_quality": 90},
        {"url": "v", "frame_pdqs": [B, flip_bits(B, 40)]},
        {"url": "low", "pdq": flip_bits(A, 50), "pdq_quality": 10},
    ]
    with db.transaction() as s:
        for cid, m in (("post-1", media), ("post-2", [])):
            s.add(
                ContentRow(
                    id=cid, account_id="a", kind="post", text="", data={"media": m}, ingested_at=now
                )
            )
    with db.transaction() as s:
        report = add_content_media(s, "viral", ["post-1", "post-2", "post-9"])
        entries = load_entries(s, "pdq:viral")
    assert report.added == 3
    assert [e.entry_id for e in entries] == ["post-1:m0", "post-1:m1:f0", "post-1:m1:f1"]
    assert entries[1].data == {
        "content_id": "post-1",
        "media_index": 1,
        "media_url": "v",
        "frame": 0,
        "source": "content",
    }
    errors = sorted(r["error"] for r in report.refused)
    assert errors == [
        "no such content item",
        "quality 10 is below the cut-off 50; such hashes are not banked",
        "the item has no hashed media",
    ]
