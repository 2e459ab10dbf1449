#!/usr/bin/env bash
# The test command: installs the system packages when missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift test "$@"
