"""Constants and types shared by the enforcement tests (fixtures live in conftest.py).

Test modules import from here rather than from ``conftest``, a module name every test folder
has, so the import cannot pick up another folder's conftest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from veracity.domain.decisions import Decision

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
SECRET = "s3cret-for-tests"

MakeDecision = Callable[..., Decision]
