#!/usr/bin/env bash
# Ledger benchmarks (release build): import speed of a ~10M-row contact log, and
# `rank --ledger` on 1M accounts with ~10M contacts vs `rank` without the ledger.
#   scripts/bench_ledger.sh [ACCOUNTS=1000000] [DIR=/tmp/arrears-ledger-bench]
# Prints /usr/bin/time wall seconds, CPU seconds (user + system, which moves less than
# the wall time when others load the machine) and peak RSS per step; results go to
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
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" > "$dir/out.txt" 2> "$dir/err.txt"
  read -r wall kb user sys < "$dir/time.txt"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  log "$(printf '%-34s %8.2f s  cpu %7.2f s  %6d MB  (load %s)' "$label" "$wall" "$cpu" $((kb / 1024)) "$(cut -d' ' -f1 /proc/loadavg)")"
  echo "$wall"  > "$dir/last-wall.txt"
  echo "$cpu"  > "$dir/last-cpu.txt"
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
wall=$(cat "$dir/last-wall.txt"); cpu=$(cat "$dir/last-cpu.txt")
log "$(awk -v r="$contacts" -v s="$wall" -v c="$cpu" 'BEGIN { printf "import speed: %.0f rows/s (%d rows in %.2f s wall; %.0f rows per CPU second)", r / s, r, s, r / c }')"
timed "ledger import contacts (again)" "$bin" ledger import contacts "$dir/contacts.csv" --ledger "$db"
tail -1 "$dir/err.txt" | tee -a "$result"
timed "ledger import promises" "$bin" ledger import promises "$dir/promises.csv" --ledger "$db"
log "ledger file: $(du -m "$db" | cut -f1) MB"
verbose=(--model models/arrears-model.json --accounts "$dir/accounts.csv" --payments "$dir/payments.csv"
         --as-of 2026-01-01 --policy policies/example-policy.toml --capacity 500)
common=("${verbose[@]}" --quiet)
for round in 1 2 3; do
  timed "rank (round $round)" "$bin" rank "${common[@]}" --out "$dir/w-plain.csv"
  plain=$(cat "$dir/last-wall.txt"); plaincpu=$(cat "$dir/last-cpu.txt")
  timed "rank --ledger (round $round)" "$bin" rank "${common[@]}" --out "$dir/w-ledger.csv" --ledger "$db"
  with=$(cat "$dir/last-wall.txt"); withcpu=$(cat "$dir/last-cpu.txt")
  log "$(awk -v a="$with" -v b="$plain" -v c="$withcpu" -v d="$plaincpu" 'BEGIN { printf "  ratio rank --ledger / rank: %.2f wall, %.2f CPU", a / b, c / d }')"
done
log "stage timings of one more run of each (standard error):"
"$bin" rank "${verbose[@]}" --out "$dir/w-plain.csv" 2>&1 >/dev/null | grep -E '^timings' | tee -a "$result" || true
"$bin" rank "${verbose[@]}" --out "$dir/w-ledger.csv" --ledger "$db" 2>&1 >/dev/null | grep -E '^timings|^ledger' | tee -a "$result" || true
