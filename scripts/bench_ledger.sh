#!/usr/bin/env bash
# Ledger benchmarks (release build): import speed of a ~10M-row contact log, and
# `rank --ledger` on 1M accounts with ~10M contacts vs `rank` without the ledger.
#   scripts/bench_ledger.sh [ACCOUNTS=1000000] [DIR=/tmp/arrears-ledger-bench]
# Prints /usr/bin/time wall seconds and peak RSS per step; results go to
# Benchmarks/results/ledger-<ACCOUNTS>.txt. The machine is shared: compare ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
dir="${2:-/tmp/arrears-ledger-bench}"
swift build -c release --product arrears >/dev/null
bin="$(swift build -c release --show-bin-path)/arrears"
mkdir -p "$dir" Benchmarks/results
result="Benchmarks/results/ledger-$n.txt"
: > "$result"
log() { echo "$@" | tee -a "$result"; }
timed() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > "$dir/out.txt" 2> "$dir/err.txt"
  read -r wall kb < "$dir/time.txt"
  log "$(printf '%-34s %8.2f s  %6d MB' "$label" "$wall" $((kb / 1024)))"
  echo "$wall"  > "$dir/last-wall.txt"
}
log "arrears ledger benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$dir/.generated-$n" ]; then
  timed "generate ($n accounts, history 14)" "$bin" generate --accounts "$n" --seed 1 --out "$dir" --contact-history 14
  touch "$dir/.generated-$n"
fi
contacts=$(($(wc -l < "$dir/contacts.csv") - 1))
log "contacts.csv: $contacts rows, $(du -m "$dir/contacts.csv" | cut -f1) MB"
db="$dir/arrears.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" ledger init --ledger "$db" >/dev/null
timed "ledger import accounts" "$bin" ledger import accounts "$dir/contact_points.csv" --ledger "$db"
timed "ledger import contacts" "$bin" ledger import contacts "$dir/contacts.csv" --ledger "$db"
wall=$(cat "$dir/last-wall.txt")
log "$(awk -v r="$contacts" -v s="$wall" 'BEGIN { printf "import speed: %.0f rows/s (%d rows in %.2f s)", r / s, r, s }')"
timed "ledger import contacts (again)" "$bin" ledger import contacts "$dir/contacts.csv" --ledger "$db"
tail -1 "$dir/err.txt" | tee -a "$result"
timed "ledger import promises" "$bin" ledger import promises "$dir/promises.csv" --ledger "$db"
log "ledger file: $(du -m "$db" | cut -f1) MB"
verbose=(--model models/arrears-model.json --accounts "$dir/accounts.csv" --payments "$dir/payments.csv"
         --as-of 2026-01-01 --policy policies/example-policy.toml --capacity 500)
common=("${verbose[@]}" --quiet)
for round in 1 2; do
  timed "rank (round $round)" "$bin" rank "${common[@]}" --out "$dir/w-plain.csv"
  plain=$(cat "$dir/last-wall.txt")
  timed "rank --ledger (round $round)" "$bin" rank "${common[@]}" --out "$dir/w-ledger.csv" --ledger "$db"
  with=$(cat "$dir/last-wall.txt")
  log "$(awk -v a="$with" -v b="$plain" 'BEGIN { printf "  ratio rank --ledger / rank: %.2f", a / b }')"
done
log "stage timings of one more run of each (standard error):"
"$bin" rank "${verbose[@]}" --out "$dir/w-plain.csv" 2>&1 >/dev/null | grep -E '^timings' | tee -a "$result" || true
"$bin" rank "${verbose[@]}" --out "$dir/w-ledger.csv" --ledger "$db" 2>&1 >/dev/null | grep -E '^timings|^ledger' | tee -a "$result" || true
