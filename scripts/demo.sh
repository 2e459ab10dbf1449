#!/usr/bin/env bash
# The main job on the bundled sample: installs the system packages when missing,
# builds in release mode, checks and summarises data/ (rows read = valid + rejected,
# features as of 2026-01-01) and writes any rejected rows to /tmp/arrears-rejects.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product arrears
bin="$(swift build -c release --show-bin-path)/arrears"
"$bin" validate --accounts data/accounts.csv --payments data/payments.csv \
  --as-of 2026-01-01 --labels --rejects /tmp/arrears-rejects.csv
