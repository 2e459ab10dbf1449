#!/usr/bin/env bash
# The main job on the bundled sample (data/: 5,000 accounts as of 2026-01-01): installs the
# system packages when missing, builds in release mode, then
#   train  → /tmp/arrears-demo/model.json (the same model as models/arrears-model.json)
#   score  → /tmp/arrears-demo/scores.csv
#   ledger → /tmp/arrears-demo/arrears.db: the generated contact points, contacts and promises
#   rank   → /tmp/arrears-demo/worklist.csv (+ worklist-holds.csv) with --ledger: the contact
#            rules from the events, the follow-up queue first, call windows and calls left
# and prints the head of the worklist, the class counts and one account's timeline.
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
ledger="$out/arrears.db"
rm -f "$ledger" "$ledger-wal" "$ledger-shm"
"$bin" ledger init --ledger "$ledger"
"$bin" ledger import accounts data/contact_points.csv --ledger "$ledger"
"$bin" ledger import contacts data/contacts.csv --ledger "$ledger"
"$bin" ledger import promises data/promises.csv --ledger "$ledger"
echo
"$bin" rank --model "$out/model.json" "${portfolio[@]}" --policy policies/example-policy.toml \
  --capacity 200 --out "$out/worklist.csv" --ledger "$ledger"
echo
echo "Worklist head ($out/worklist.csv): the follow-up queue, then the cold calls:"
head -4 "$out/worklist.csv"
grep -m 2 ',cold_call,' "$out/worklist.csv"
echo
account="$(grep -m 1 '^deferred,[^,]*,call_limit,' "$out/worklist-holds.csv" | cut -d, -f2)"
echo "Why was $account not called on 2026-01-01? (arrears ledger show $account --ledger $ledger)"
"$bin" ledger show "$account" --ledger "$ledger" | tail -4
