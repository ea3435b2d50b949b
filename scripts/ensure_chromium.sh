#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright; never `playwright install`.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
