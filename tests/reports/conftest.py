"""Fixtures for the notice and trusted-flagger tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reports_support import Env, environment

from veracity.store.db import Database


@pytest.fixture
def env(db: Database) -> Iterator[Env]:
    with environment(db) as e:
        yield e
