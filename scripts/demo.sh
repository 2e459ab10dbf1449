#!/usr/bin/env bash
# The main job on the bundled sample (data/: 5,000 accounts as of 2026-01-01): installs the
# system packages when missing, builds in release mode, then
#   train  → /tmp/arrears-demo/model.json (the same model as models/arrears-model.json)
#   score  → /tmp/arrears-demo/scores.csv
#   rank   → /tmp/arrears-demo/worklist.csv (+ worklist-holds.csv, worklist-rejects.csv)
# and prints the head of the worklist and the class counts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product arrears
bin="$(swift build -c release --show-bin-path)/arrears"
out=/tmp/arrears-demo
mkdir -p "$out"
portfolio=(--accounts data/accounts.csv --payments data/payments.csv --as-of 2026-01-01)

"$bin" train "${portfolio[@]}" --out "$out/model.json" > "$out/train-summary.txt"
sed -n '1,8p' "$out/train-summary.txt"
grep -E '^Holdout|^    AUC |Harrell' "$out/train-summary.txt"
echo "(full summary: $out/train-summary.txt; arrears inspect --model $out/model.json)"
echo
"$bin" score --model "$out/model.json" "${portfolio[@]}" --out "$out/scores.csv"
echo
"$bin" rank --model "$out/model.json" "${portfolio[@]}" --policy policies/example-policy.toml \
  --capacity 200 --out "$out/worklist.csv"
echo
echo "Worklist head ($out/worklist.csv):"
head -11 "$out/worklist.csv"
