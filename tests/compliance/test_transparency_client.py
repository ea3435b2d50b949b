"""Submission over real HTTP to the local stand-in of the Transparency Database: batches of up
to 100, retries with backoff on 5xx/429/timeouts, per-statement 422s, lost answers, and an
accepted puid never sent again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from tdb_cases import base
from tdb_seed import REMOVE_SCOPE_US, many, save
from tdb_standin import TOKEN, StandInServer

from veracity.compliance.transparency_client import (
    SubmissionError,
    TransparencyClient,
    endpoint,
)
from veracity.compliance.transparency_submit import submit_statements
from veracity.enforce.backoff import RetryPolicy
from veracity.store.db import Database
from veracity.store.tables import DsaSubmissionRow

FAST = RetryPolicy(base_s=0.01, max_s=0.05, max_attempts=4)


@pytest.fixture
def server() -> Iterator[StandInServer]:
    with StandInServer() as s:
        yield s


def _client(
    server: StandInServer, token: str = TOKEN, timeout_s: float = 2.0
) -> TransparencyClient:
    return TransparencyClient(server.url, token, timeout_s=timeout_s, retry=FAST)


def _rows(db: Database) -> dict[str, DsaSubmissionRow]:
    with db.transaction() as session:
        rows = session.scalars(select(DsaSubmissionRow)).all()
        session.expunge_all()
    return {r.puid: r for r in rows}


def test_batches_of_100_then_nothing_resent(db: Database, server: StandInServer) -> None:
    statements = many(db, 250)
    with _client(server) as client:
        report = submit_statements(db, client)
    assert report.as_dict() == {
        "submitted": 250,
        "accepted": 250,
        "rejected": 0,
        "retried": 0,
        "pending": 0,
        "invalid": 0,
        "requests": 3,
    }
    assert [len(r.puids) for r in server.state.posts()] == [100, 100, 50]
    assert set(server.state.stored) == {s.puid for s in statements}
    rows = _rows(db)
    assert {r.status for r in rows.values()} == {"accepted"}
    assert {r.uuid for r in rows.values()} == {s["uuid"] for s in server.state.stored.values()}
    with _client(server) as client:
        again = submit_statements(db, client)
    assert again.requests == 0 and again.submitted == 0
    assert len(server.state.posts()) == 3


def test_batch_size_option(db: Database, server: StandInServer) -> None:
    many(db, 7)
    with _client(server) as client:
        report = submit_statements(db, client, batch_size=3)
    assert report.requests == 3 and report.accepted == 7
    assert [len(r.puids) for r in server.state.posts()] == [3, 3, 1]


def test_server_errors_and_rate_limits_are_retried(db: Database, server: StandInServer) -> None:
    many(db, 5)
    server.state.fail_next("500", "429", "500")
    with _client(server) as client:
        report = submit_statements(db, client)
    assert (report.accepted, report.retried, report.requests) == (5, 3, 4)
    assert [r.action for r in server.state.posts()] == ["500", "429", "500", "normal"]
    assert len(server.state.stored) == 5


def test_timeout_is_retried(db: Database, server: StandInServer) -> None:
    many(db, 4)
    server.state.hang_s = 1.0
    server.state.fail_next("hang")
    with _client(server, timeout_s=0.3) as client:
        report = submit_statements(db, client)
    assert (report.accepted, report.retried) == (4, 1)


@pytest.mark.parametrize("lost", ["store_then_500", "store_then_hang"])
def test_lost_answer_is_settled_by_puid_uniqueness(
    db: Database, server: StandInServer, lost: str
) -> None:
    """The batch was stored but the answer lost: the retry is told the puids exist, and they
    are recorded as accepted; the database holds each statement once."""
    statements = many(db, 5)
    server.state.hang_s = 1.0
    server.state.fail_next(lost)
    with _client(server, timeout_s=0.3) as client:
        report = submit_statements(db, client)
    assert (report.accepted, report.rejected, report.retried, report.requests) == (5, 0, 1, 2)
    assert len(server.state.stored) == 5
    assert {r.status for r in _rows(db).values()} == {"accepted"}
    assert server.state.posts()[1].status == 422  # existing_puids: stored by the lost call
    with _client(server) as client:
        assert submit_statements(db, client).requests == 0
    assert sorted(server.state.stored) == sorted(s.puid for s in statements)


def test_per_statement_refusal_keeps_the_rest(db: Database, server: StandInServer) -> None:
    statements = many(db, 5)
    refused = {statements[1].puid, statements[3].puid}
    for p in refused:
        server.state.refuse[p] = {"category": ["The selected category is invalid."]}
    with _client(server) as client:
        report = submit_statements(db, client)
    assert (report.accepted, report.rejected, report.retried, report.requests) == (3, 2, 0, 2)
    rows = _rows(db)
    assert {p for p, r in rows.items() if r.status == "rejected"} == refused
    assert rows[statements[1].puid].errors == [
        {"field": "category", "reason": "The selected category is invalid."}
    ]
    assert set(server.state.stored) == {s.puid for s in statements} - refused
    with _client(server) as client:  # refused statements wait for a decision to resend
        assert submit_statements(db, client).requests == 0
    server.state.refuse.clear()
    with _client(server) as client:
        again = submit_statements(db, client, retry_rejected=True)
    assert (again.submitted, again.accepted) == (2, 2)
    assert rows[statements[1].puid].attempts == 1
    assert _rows(db)[statements[1].puid].attempts == 2


def test_exhausted_retries_leave_statements_pending(db: Database, server: StandInServer) -> None:
    many(db, 3)
    server.state.fail_next("500", "500", "500", "500")
    with _client(server) as client:
        report = submit_statements(db, client)
    assert (report.pending, report.accepted, report.retried, report.requests) == (3, 0, 3, 4)
    rows = _rows(db)
    assert {r.status for r in rows.values()} == {"pending"}
    assert all(r.errors == [{"field": "", "reason": "HTTP 500"}] for r in rows.values())
    with _client(server) as client:
        later = submit_statements(db, client)
    assert (later.accepted, later.pending) == (3, 0)
    assert {r.attempts for r in _rows(db).values()} == {2}


def test_locally_invalid_statements_are_never_sent(db: Database, server: StandInServer) -> None:
    save(db, [REMOVE_SCOPE_US])
    many(db, 2)
    with _client(server) as client:
        report = submit_statements(db, client)
    assert (report.invalid, report.accepted, report.submitted) == (1, 2, 2)
    assert REMOVE_SCOPE_US.puid not in {p for r in server.state.posts() for p in r.puids}
    row = _rows(db)[REMOVE_SCOPE_US.puid]
    assert row.status == "invalid" and row.errors[0]["field"] == "territorial_scope"


def test_refused_token_stops_and_records_nothing(db: Database, server: StandInServer) -> None:
    many(db, 2)
    with _client(server, token="wrong") as client, pytest.raises(SubmissionError, match="401"):
        submit_statements(db, client)
    assert _rows(db) == {}
    assert server.state.stored == {}


def test_client_protocol_edges(server: StandInServer) -> None:
    with _client(server) as client:
        for bad in ([], [base(puid=f"p{i}") for i in range(101)]):
            with pytest.raises(ValueError, match="1 to 100"):
                client.submit(bad)
        with pytest.raises(ValueError, match="repeat a puid"):
            client.submit([base(puid="same"), base(puid="same")])
        server.state.fail_next("422")
        with pytest.raises(SubmissionError, match="naming no statement"):
            client.submit([base(puid="p-1")])
        result = client.submit([base(puid="p-2"), base(puid="p-3")])
        assert sorted(result.accepted) == ["p-2", "p-3"]
        assert all(result.accepted.values())  # the database's uuids
    wrong_path = TransparencyClient(server.url + "/elsewhere/x", TOKEN, retry=FAST)
    with wrong_path, pytest.raises(SubmissionError, match="404"):
        wrong_path.submit([base(puid="p-4")])
    with pytest.raises(ValueError, match="token"):
        TransparencyClient(server.url, "  ")


def test_connection_refused_is_transient() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with TransparencyClient(f"http://127.0.0.1:{port}", TOKEN, retry=FAST) as client:
        result = client.submit([base(puid="p-1")])
    assert result.requests == 4 and result.retries == 3
    assert result.pending["p-1"].startswith("transport error: ConnectError")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://transparency.dsa.ec.europa.eu", "https://transparency.dsa.ec.europa.eu"),
        ("https://transparency.dsa.ec.europa.eu/", "https://transparency.dsa.ec.europa.eu"),
        ("https://tdb.example/api/v1", "https://tdb.example"),
        ("https://tdb.example/api/v1/statements", "https://tdb.example"),
    ],
)
def test_endpoint_from_service_root(url: str, expected: str) -> None:
    assert endpoint(url) == expected + "/api/v1/statements"


@pytest.mark.parametrize("url", ["ftp://x", "transparency.dsa.ec.europa.eu", ""])
def test_endpoint_refuses_non_http(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        endpoint(url)
