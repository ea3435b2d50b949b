"""Importers (ClaimReview JSON-LD and feeds, CSV, JSONL) and the versioned store behind them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from veracity.detect.misinfo.factchecks.importers import ImportFileError, import_fact_checks
from veracity.detect.misinfo.factchecks.model import FactCheckIn, FactCheckStatus
from veracity.detect.misinfo.factchecks.ratings import Rating
from veracity.detect.misinfo.factchecks.store import (
    UpsertStatus,
    VersionConflictError,
    get_fact_check,
    list_fact_checks,
    retract_fact_check,
    upsert_fact_checks,
)
from veracity.store.db import Database

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def claim_review(url: str, claim: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2026-10-02",
        "inLanguage": "es",
        "author": {"@type": "Organization", "name": "Verificado Ejemplo"},
        "reviewRating": {"@type": "Rating", "alternateName": verdict},
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": "2026-09-30",
            "author": {"@type": "Person", "name": "Someone"},
            "appearance": [{"@type": "CreativeWork", "url": "https://social.example/p/1"}],
        },
        **extra,
    }


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def stored(db: Database, fc_id: str) -> Any:
    with db.transaction() as session:
        found = get_fact_check(session, fc_id)
    assert found is not None, fc_id
    return found


def all_stored(db: Database) -> list[Any]:
    with db.transaction() as session:
        return list_fact_checks(session, limit=1000)


def test_single_claimreview_keeps_every_field(db: Database, tmp_path: Path) -> None:
    doc = claim_review("https://check.example/a", "La vacuna altera el ADN", "Falso")
    report = import_fact_checks(db, write(tmp_path, "one.json", doc), now=T0)
    assert report.to_dict()["created"] == 1 and report.error_count == 0
    [fc] = all_stored(db)
    assert fc.rating is Rating.FALSE and fc.original_rating == "Falso"
    assert fc.language == "es" and fc.publisher == "Verificado Ejemplo"
    assert fc.url == "https://check.example/a"
    assert fc.review_date == datetime(2026, 10, 2, tzinfo=UTC)
    assert fc.claim_date == datetime(2026, 9, 30, tzinfo=UTC)
    assert fc.metadata == {"claimant": "Someone", "appearances": ["https://social.example/p/1"]}
    assert fc.version == 1 and fc.status is FactCheckStatus.ACTIVE and fc.source == "claimreview"


def test_graph_array_datafeed_and_html_shapes(db: Database, tmp_path: Path) -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "not a review"},
            claim_review("https://check.example/g", "Claim G", "Faux"),
        ],
    }
    array = [claim_review(f"https://check.example/a{i}", f"Claim A{i}", "True") for i in range(2)]
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [claim_review("https://c.example/f", "F", "Satire")]}
        ],
    }
    html = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(claim_review("https://c.example/h", "Claim H", "Altered photo"))
        + "</script></head></html>"
    )
    for name, doc in [("g.json", graph), ("a.json", array), ("f.json", feed), ("h.html", html)]:
        report = import_fact_checks(db, write(tmp_path, name, doc), fmt="claimreview")
        assert report.error_count == 0, report.errors
    ratings = sorted(fc.rating.value for fc in all_stored(db))
    assert ratings == ["altered", "false", "satire", "true", "true"]


def test_fact_check_tools_feed(db: Database, tmp_path: Path) -> None:
    feed = {
        "claims": [
            {
                "text": "5G towers spread the virus",
                "claimant": "Viral post",
                "claimDate": "2026-03-01T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Full Fact", "site": "fullfact.org"},
                        "url": "https://fullfact.org/5g",
                        "title": "No, 5G does not spread viruses",
                        "reviewDate": "2026-03-02T00:00:00Z",
                        "textualRating": "Pants on Fire",
                        "languageCode": "en",
                    },
                    {"publisher": {"name": "Other"}, "textualRating": "False"},  # no url
                ],
            },
            {"text": "no reviews here"},
        ],
        "nextPageToken": "abc",
    }
    report = import_fact_checks(db, write(tmp_path, "feed.json", feed))
    assert report.created == 1
    assert report.error_count == 2
    messages = [e.error for e in report.errors]
    assert messages[0].startswith("$.claims[0].claimReview[1]: ")
    assert "id or a url" in messages[0]
    assert messages[1] == "$.claims[1]: claimReview is missing or not a list"
    [fc] = all_stored(db)
    assert fc.rating is Rating.FALSE and fc.publisher == "Full Fact" and fc.language == "en"
    assert fc.title == "No, 5G does not spread viruses" and fc.source == "factchecktools"


def test_malformed_claimreviews_are_reported_by_path_and_the_rest_goes_in(
    db: Database, tmp_path: Path
) -> None:
    good = claim_review("https://c.example/ok", "Fine claim", "False")
    no_claim = {k: v for k, v in good.items() if k != "claimReviewed"} | {"url": "https://c/x"}
    bad_number = claim_review("https://c.example/n", "N", "")
    bad_number["reviewRating"] = {"ratingValue": "high"}
    bad_url = claim_review("ftp://c.example/u", "U", "False")
    doc = [good, no_claim, bad_number, bad_url, "not an object"]
    report = import_fact_checks(db, write(tmp_path, "mixed.json", doc))
    assert report.created == 1
    errors = {e.error.split(": ", 1)[0]: e.error for e in report.errors}
    assert set(errors) == {"$[1]", "$[2]", "$[3]"}
    assert "claimReviewed is missing" in errors["$[1]"]
    assert "ratingValue must be a number" in errors["$[2]"]
    assert "url" in errors["$[3]"]


def test_unreadable_document_is_a_file_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="malformed JSON"):
        import_fact_checks(db, write(tmp_path, "broken.json", '{"@type": "ClaimReview",'))
    with pytest.raises(ImportFileError, match="unknown format"):
        import_fact_checks(db, write(tmp_path, "x.json", "{}"), fmt="xml")


def test_numeric_rating_only(db: Database, tmp_path: Path) -> None:
    doc = claim_review("https://c.example/num", "Numeric", "")
    doc["reviewRating"] = {"ratingValue": "1", "bestRating": "5", "worstRating": "1"}
    import_fact_checks(db, write(tmp_path, "n.json", doc))
    [fc] = all_stored(db)
    assert fc.rating is Rating.FALSE and fc.original_rating == "1 (scale 1..5)"


def test_csv_import_with_aliases_and_bad_rows(db: Database, tmp_path: Path) -> None:
    text = (
        "id,claim,verdict,language,publisher,url,harmful,review_date,metadata.topic\n"
        "fc-1,Bleach cures flu,Falso,es,Maldita,https://m.example/1,yes,2026-10-01,health\n"
        "fc-2,Moon landing staged,Pants on Fire,en,PolitiFact,https://p.example/2,no,,space\n"
        "fc-3,,False,en,X,https://x.example/3,no,,\n"
        "fc-4,Too few cells\n"
        "fc 5,Bad id,False,en,X,https://x.example/5,no,,\n"
    )
    report = import_fact_checks(db, write(tmp_path, "checks.csv", text))
    assert report.created == 2
    lines = sorted(e.line for e in report.errors)
    assert lines == [3, 4, 5]
    by_line = {e.line: e.error for e in report.errors}
    assert by_line[3].startswith("line 4: claim_text")
    assert "cells; the header has 9" in by_line[4]
    assert by_line[5].startswith("line 6: id")
    fc1 = stored(db, "fc-1")
    assert fc1.harmful is True and fc1.rating is Rating.FALSE
    assert fc1.metadata == {"topic": "health"}
    assert stored(db, "fc-2").harmful is False


def test_csv_unknown_column_is_refused_whole(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="unknown CSV column"):
        import_fact_checks(db, write(tmp_path, "c.csv", "id,claim,colour\nfc-1,x,red\n"))


def test_jsonl_flat_and_claimreview_lines(db: Database, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "fc-a", "claim_text": "A claim", "rating": "Misleading"}),
        json.dumps(claim_review("https://c.example/j", "J claim", "Mostly False")),
        "{not json",
        json.dumps({"id": "fc-b", "claim_text": "B", "unexpected": 1}),
        json.dumps([1, 2]),
        "",
        json.dumps({"claim_text": "no id, no url"}),
    ]
    report = import_fact_checks(db, write(tmp_path, "f.jsonl", "\n".join(lines) + "\n"))
    assert report.created == 2
    assert [e.line for e in report.errors] == [3, 4, 5, 7]
    assert "malformed JSON" in report.errors[0].error
    assert "unexpected" in report.errors[1].error
    assert stored(db, "fc-a").rating is Rating.MISSING_CONTEXT


def test_reimport_is_idempotent_and_a_change_bumps_the_version(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, "r.json", claim_review("https://c.example/r", "Claim R", "Misleading"))
    first = import_fact_checks(db, path, now=T0)
    [fc] = all_stored(db)
    again = import_fact_checks(db, path, now=T0 + timedelta(hours=1))
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    assert stored(db, fc.id).version == 1 and stored(db, fc.id).updated_at == T0

    later = T0 + timedelta(days=1)
    write(tmp_path, "r.json", claim_review("https://c.example/r", "Claim R", "False"))
    changed = import_fact_checks(db, path, now=later)
    assert changed.updated == 1 and changed.changed_ids == [fc.id]
    after = stored(db, fc.id)
    assert (after.version, after.rating, after.updated_at) == (2, Rating.FALSE, later)
    assert after.created_at == T0


def test_retracted_review_in_a_feed(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "r.json", claim_review("https://c.example/z", "Claim Z", "False"))
    import_fact_checks(db, path, now=T0)
    doc = claim_review("https://c.example/z", "Claim Z", "False", creativeWorkStatus="Retracted")
    import_fact_checks(db, write(tmp_path, "r.json", doc), now=T0 + timedelta(days=1))
    [fc] = all_stored(db)
    assert fc.status is FactCheckStatus.RETRACTED and fc.version == 2


def test_explicit_versions(db: Database) -> None:
    def item(version: int | None, rating: str) -> FactCheckIn:
        return FactCheckIn(id="fc-v", claim_text="C", rating=rating, version=version)

    with db.transaction() as s:
        [created] = upsert_fact_checks(s, [item(3, "False")], T0)
        [same] = upsert_fact_checks(s, [item(3, "False")], T0)
        [older] = upsert_fact_checks(s, [item(2, "True")], T0)
        [newer] = upsert_fact_checks(s, [item(5, "True")], T0)
    assert (created.fact_check.version, created.status) == (3, UpsertStatus.CREATED)
    assert same.status is UpsertStatus.UNCHANGED
    assert older.status is UpsertStatus.STALE and older.fact_check.rating is Rating.FALSE
    assert (newer.status, newer.fact_check.version) == (UpsertStatus.UPDATED, 5)
    with pytest.raises(VersionConflictError, match="version 5"), db.transaction() as s:
        upsert_fact_checks(s, [item(5, "Satire")], T0)


def test_version_conflict_in_a_file_is_a_record_error(db: Database, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "fc-1", "claim_text": "A", "rating": "False", "version": 1}),
        json.dumps({"id": "fc-2", "claim_text": "B", "rating": "False"}),
    ]
    import_fact_checks(db, write(tmp_path, "a.jsonl", "\n".join(lines)))
    lines[0] = json.dumps({"id": "fc-1", "claim_text": "A", "rating": "True", "version": 1})
    lines.append(json.dumps({"id": "fc-3", "claim_text": "C", "rating": "False"}))
    report = import_fact_checks(db, write(tmp_path, "a.jsonl", "\n".join(lines)))
    assert report.created == 1 and report.unchanged == 1
    assert [e.line for e in report.errors] == [1]
    assert "already stored with different content" in report.errors[0].error


def test_retract_and_list_filters(db: Database) -> None:
    items = [
        FactCheckIn(id="fc-1", claim_text="A", rating="False"),
        FactCheckIn(id="fc-2", claim_text="B", rating="True"),
        FactCheckIn(id="fc-3", claim_text="C", rating="Falso"),
    ]
    with db.transaction() as s:
        upsert_fact_checks(s, items, T0)
        outcome = retract_fact_check(s, "fc-3", T0 + timedelta(days=1), "publisher withdrew")
        assert retract_fact_check(s, "missing", T0) is None
    assert outcome is not None and outcome.fact_check.version == 2
    with db.transaction() as s:
        assert retract_fact_check(s, "fc-3", T0).status is UpsertStatus.UNCHANGED  # type: ignore[union-attr]
        false_active = list_fact_checks(
            s, rating=Rating.FALSE, status=FactCheckStatus.ACTIVE, limit=10
        )
        page = list_fact_checks(s, after_id="fc-1", limit=1)
    assert [fc.id for fc in false_active] == ["fc-1"]
    assert [fc.id for fc in page] == ["fc-2"]
    assert stored(db, "fc-3").metadata == {}


def test_jsonl_alias_keys_as_the_simulator_writes_them(db: Database, tmp_path: Path) -> None:
    line = {
        "id": "claim-0001",
        "text": "Contactless cards contain tracking chips.",
        "rating": "false",
        "date": "2024-12-17",
        "publisher": "CheckPoint News",
    }
    both = {"id": "c2", "text": "alias loses", "claim_text": "canonical wins", "rating": "true"}
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(both) + "\n", encoding="utf-8")
    report = import_fact_checks(db, path, "jsonl")
    assert (report.accepted, report.error_count) == (2, 0)
    with db.transaction() as session:
        first = get_fact_check(session, "claim-0001")
        second = get_fact_check(session, "c2")
    assert first is not None and second is not None
    assert first.claim_text == "Contactless cards contain tracking chips."
    assert first.review_date is not None and first.review_date.year == 2024
    assert second.claim_text == "canonical wins"
