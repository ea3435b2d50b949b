"""Schemathesis against the app's own OpenAPI document, in-process (ASGI), as the admin.

Asserts no server error (5xx) and no response that breaks its documented schema. Bounded for
CI: few examples per operation, a fixed seed, no shrinking (about a minute for ~70 operations);
``VERACITY_FUZZ_LONG=1`` adds a 100-example run per operation (about 15 minutes).
"""

from __future__ import annotations

import atexit
import contextlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from veracity.config import Settings
from veracity.store.db import Database
from veracity.store.scratch import scratch_database_url
from veracity.web.app import create_app

TOKEN = "fuzz-admin-token"
# SQLite, or a scratch PostgreSQL schema on the PostgreSQL pass (dropped at exit).
_SCRATCH = contextlib.ExitStack()
atexit.register(_SCRATCH.close)
_DB = Database(
    _SCRATCH.enter_context(
        scratch_database_url(os.environ.get("VERACITY_TEST_DATABASE_URL") or None)
    )
)
atexit.register(_DB.dispose)
APP = create_app(
    Settings(database_url=_DB.url, rate_limit_enabled=False), db=_DB, api_tokens=[TOKEN]
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

EXAMPLES = int(os.environ.get("VERACITY_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


def _call(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_has_no_server_error_and_honours_its_schema(case: schemathesis.Case) -> None:
    _call(case)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("VERACITY_FUZZ_LONG"), reason="set VERACITY_FUZZ_LONG=1")
@schema.parametrize()
@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz_long(case: schemathesis.Case) -> None:
    _call(case)
