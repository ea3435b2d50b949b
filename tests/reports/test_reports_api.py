"""POST /v1/reports and GET /v1/reports/{id}: Art. 16(2) validation, good faith, idempotency,
limits, roles, and the notifier's contact kept out of answers, rows, events, audit and logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from reports_support import ADMIN, EMAIL, NAME, Env, notice
from sqlalchemy import select

from veracity.access.roles import ALL_ROLES, Role
from veracity.audit import list_entries
from veracity.store.tables import CaseRow, EventRow, ReportContactRow, ReportRow


def _fields(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["msg"] for e in response.json()["detail"]}


def test_a_notice_is_acknowledged_and_opens_a_case(env: Env) -> None:
    r = env.notice(notice())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"] == "n1" and body["status"] == "received"
    assert body["category"] == "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
    assert body["url"] == "https://platform.example/v/c1"  # host lower-cased, fragment dropped
    assert body["source_type"] == "SOURCE_ARTICLE_16" and body["trusted_flagger"] is False
    assert body["case_id"].startswith("case-rep-")
    assert "n1 was received on" in body["acknowledgement"]
    assert body["outcome"] is None and body["outcomes"] == []
    with env.db.transaction() as session:
        case = session.get(CaseRow, body["case_id"])
        assert case is not None
        assert (case.queue, case.subject_type, case.subject_id) == ("reports", "content", "c1")
        assert case.status == "open" and case.priority > 0
        contact = session.get(ReportContactRow, "n1")
        assert contact is not None and (contact.name, contact.email) == (NAME, EMAIL)
        event = session.scalars(select(EventRow).where(EventRow.id == "sys:report:n1")).one()
        assert event.type == "report" and event.content_id == "c1"

    status = env.client.get("/v1/reports/n1", headers=env.service)
    assert status.status_code == 200
    assert status.json() == body


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"good_faith": None}, "good_faith", "Field required"),
        ({"good_faith": False}, "good_faith", "bona fide"),
        ({"good_faith": "yes"}, "good_faith", "valid boolean"),
        ({"category": "misinformation"}, "category", "unknown DSA category"),
        ({"category": None}, "category", "Field required"),
        ({"keywords": ["KEYWORD_NOPE"]}, "keywords", "unknown keyword"),
        ({"keywords": ["KEYWORD_OTHER"] * 11}, "keywords", "at most 10"),
        ({"explanation": "   bad    "}, "explanation", "substantiate"),
        ({"explanation": "x" * 10_001}, "explanation", "at most 10000"),
        ({"url": "javascript:alert(1)"}, "url", "absolute http(s)"),
        ({"url": "https://user:pw@platform.example/v/1"}, "url", "credentials"),
        ({"url": "https://platform.example/" + "a" * 2100}, "url", "at most 2048"),
        ({"content_id": "has space"}, "content_id", "pattern"),
        ({"id": "n" * 118}, "id", "at most 117"),
        ({"reporter": {"name": NAME, "email": "not-an-address"}}, "reporter.email", "e-mail"),
        ({"reporter": {"name": " ", "email": EMAIL}}, "reporter.name", "non-blank"),
        ({"reporter": {"name": NAME}}, "reporter.email", "Field required"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"occurred_at": "2026-11-30T10:00:00"}, "occurred_at", "timezone"),
        ({"flagger_id": "Not A Slug"}, "flagger_id", "flagger id"),
        ({"metadata": {"blob": "x" * 17_000}}, "metadata", "limit is"),
    ],
)
def test_invalid_notices_name_the_field(
    env: Env, change: dict[str, Any], field: str, says: str
) -> None:
    body = notice()
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    errors = _fields(env.notice(body))
    assert field in errors, errors
    assert says in errors[field]
    with env.db.transaction() as session:
        assert session.scalars(select(ReportRow)).first() is None


def test_location_and_notifier_are_required(env: Env) -> None:
    errors = _fields(env.notice(notice(content_id=None, url=None)))
    assert "exact electronic location" in errors["body"]
    errors = _fields(env.notice(notice(reporter=None)))
    assert "reporter (name and email) is required" in errors["body"]


def test_child_abuse_notices_may_come_without_contact(env: Env) -> None:
    body = notice(
        "n-csam",
        category="PROTECTION_OF_MINORS",  # the bare name is accepted
        keywords=["child_sexual_abuse_material"],
        reporter=None,
        url=None,
    )
    r = env.notice(body)
    assert r.status_code == 201, r.text
    assert r.json()["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    assert r.json()["keywords"] == ["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]
    with env.db.transaction() as session:
        assert session.get(ReportContactRow, "n-csam") is None


def test_the_id_is_the_idempotency_key(env: Env) -> None:
    first = env.notice(notice())
    again = env.notice(notice())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = env.notice(notice(explanation="A different explanation of the same thing."))
    assert other.status_code == 409
    assert "used before with a different notice" in other.json()["detail"]
    with env.db.transaction() as session:
        assert len(session.scalars(select(ReportRow)).all()) == 1
        assert len(session.scalars(select(CaseRow)).all()) == 1
        receipts = list_entries(session, action="report.receive")
    assert len(receipts) == 1 and receipts[0].subject == "report:n1"


def test_oversized_body_is_refused(env: Env) -> None:
    huge = notice(explanation="x" * (9 * 1024 * 1024))
    assert env.notice(huge).status_code == 413


def test_unknown_report_is_404_and_bad_ids_422(env: Env) -> None:
    assert env.client.get("/v1/reports/nope", headers=env.service).status_code == 404
    assert env.client.get("/v1/reports/bad%20id", headers=env.service).status_code == 422


ROUTES = [
    ("POST", "/v1/reports", {Role.SERVICE}),
    ("GET", "/v1/reports/n1", {Role.SERVICE}),
    ("GET", "/v1/trusted-flaggers", set()),
    ("POST", "/v1/trusted-flaggers", set()),
    ("POST", "/v1/trusted-flaggers/f1/revoke", set()),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_roles_are_checked(env: Env, method: str, path: str, allowed: set[Role]) -> None:
    assert env.client.request(method, path).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert env.client.request(method, path, headers=bad).status_code == 401
    for role in ALL_ROLES:
        code = env.client.request(method, path, headers=env.auth(role), json={}).status_code
        if role in allowed or role is Role.ADMIN:
            assert code not in (401, 403), (role, code)
        else:
            assert code == 403, (role, code)
    assert env.client.request(method, path, headers=ADMIN, json={}).status_code not in (401, 403)


def test_contact_details_go_nowhere_but_their_table(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = env.notice(notice())
    assert created.status_code == 201
    refused = env.notice(notice("n2", good_faith=False))
    assert refused.status_code == 422
    status = env.client.get("/v1/reports/n1", headers=env.service)
    assert "notice n1 received" in caplog.text  # logging did happen
    texts = [caplog.text, created.text, refused.text, status.text]
    with env.db.transaction() as session:
        report = session.get(ReportRow, "n1")
        assert report is not None
        texts.append(json.dumps(report.data))
        texts.extend(json.dumps(e.data) for e in session.scalars(select(EventRow)))
        texts.extend(json.dumps(e.to_json()) for e in list_entries(session))
    for text in texts:
        assert NAME not in text and EMAIL not in text
        assert "zelda" not in text.lower()
