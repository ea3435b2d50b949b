#!/usr/bin/env bash
# Install Veracity into .venv and run the demo on the embedded SQLite default.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q -e . >&2
exec .venv/bin/veracity demo "$@"
