#!/usr/bin/env bash
# Install everything the tests need, start the services they use, then lint, type-check and run
# the whole suite twice: on the embedded SQLite default and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[dev]'
# The reference watermark decoder the tests compare with. Its package imports torch at import
# time, so the CPU build of torch goes in first (pinned: this machine kind serves that version
# from a local wheel; an unpinned torch would pull a multi-GB CUDA build), then the decoder
# without its declared dependencies (which would pull the CUDA build again).
.venv/bin/python -m pip install -q 'torch==2.13.0'
.venv/bin/python -m pip install -q --no-deps 'invisible-watermark==0.2.0'

# PostgreSQL: use the one at 127.0.0.1:5432 when it answers, else start (or install) one.
PG_URL=${VERACITY_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
bash scripts/ensure_postgres.sh
bash scripts/ensure_chromium.sh

echo "== ruff" >&2
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
echo "== mypy" >&2
.venv/bin/mypy

echo "== tests on SQLite" >&2
env -u VERACITY_TEST_DATABASE_URL .venv/bin/python -m pytest "$@"
echo "== tests on PostgreSQL ($PG_URL)" >&2
VERACITY_TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest "$@"
