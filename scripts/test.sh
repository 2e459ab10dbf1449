#!/usr/bin/env bash
# The test command: installs the system packages when missing, then runs every test,
# then the browser test of `arrears serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift test "$@"
# The real-browser test of `arrears serve` (headless Chromium on loopback, under 3 minutes).
scripts/browser-test.sh
