#!/usr/bin/env bash
# scripts/bench_scaling.sh — the scaling table (DESIGN §9, issue 17 item 5): time and peak
# memory of `score`, `rank` and `train` on generated portfolios of 100k, 1M, 5M and 10M
# accounts, release build, one run each (set RUNS=3 for the best of three).
#
#   scripts/bench_scaling.sh [BIN] [DIR]
#     BIN  the arrears binary (default: this checkout's release build, built if missing)
#     DIR  where portfolios and outputs go (default /tmp/arrears-scaling); portfolios are
#          generated there with `arrears generate --accounts N --seed 1` when missing and
#          deleted afterwards unless KEEP=1
#   SIZES="100000 1000000"  COMMANDS="score rank"  RUNS=3  KEEP=1  to change what runs.
#
# score and rank use the shipped model (models/arrears-model.json) and the example policy
# with --capacity 500; train writes a model beside the outputs. Each line of the table:
#   accounts  command  seconds  peak-RSS-MB  µs/account
# Peak RSS is /usr/bin/time's maximum resident set size. The machine's load (uptime) and
# free memory are printed before each size: measure on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-}"
if [ -z "$bin" ]; then
  (cd "$root" && swift build -c release --product arrears >&2)
  bin="$(cd "$root" && swift build -c release --show-bin-path)/arrears"
fi
dir="${2:-/tmp/arrears-scaling}"
sizes="${SIZES:-100000 1000000 5000000 10000000}"
commands="${COMMANDS:-score rank train}"
runs="${RUNS:-1}"
mkdir -p "$dir"
model="$root/models/arrears-model.json"
policy="$root/policies/example-policy.toml"
printf '# %s\n# %s\n' "$("$bin" --version 2>/dev/null || echo arrears)" "$(uname -srm), $(nproc) cores"
printf '%-10s %-6s %9s %12s %11s\n' accounts command seconds peak_MB us/account
for n in $sizes; do
  p="$dir/p$n"
  if [ ! -f "$p/payments.csv" ]; then
    "$bin" generate --accounts "$n" --seed 1 --out "$p" > /dev/null
    rm -f "$p/contact_points.csv" "$p/contacts.csv" "$p/promises.csv"
  fi
  echo "# $n accounts: $(du -sh "$p" | cut -f1) of CSV; load:$(uptime | sed 's/.*load average//'); free: $(free -g | awk '/Mem:/ {print $7}') GiB available"
  args=(--accounts "$p/accounts.csv" --payments "$p/payments.csv" --as-of 2026-01-01)
  for c in $commands; do
    case "$c" in
      score) cmd=("$bin" score --model "$model" "${args[@]}" --out "$dir/scores.csv" --quiet) ;;
      rank) cmd=("$bin" rank --model "$model" "${args[@]}" --policy "$policy" --capacity 500 --out "$dir/worklist.csv" --quiet) ;;
      train) cmd=("$bin" train "${args[@]}" --out "$dir/model.json") ;;
      *) echo "unknown command $c" >&2; exit 64 ;;
    esac
    best=""
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "%e %M" -o "$dir/time.txt" "${cmd[@]}" > /dev/null 2> "$dir/$c.err" || { echo "$c failed at $n:" >&2; cat "$dir/$c.err" >&2; exit 1; }
      read -r s kb < "$dir/time.txt"
      if [ -z "$best" ] || awk -v a="$s" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best="$s $kb"; fi
    done
    read -r s kb <<< "$best"
    awk -v n="$n" -v c="$c" -v s="$s" -v kb="$kb" 'BEGIN{printf "%-10d %-6s %9.2f %12.0f %11.2f\n", n, c, s, kb/1024, s*1e6/n}'
  done
  rm -f "$dir/scores"* "$dir/worklist"* "$dir/model.json"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$p"
done
