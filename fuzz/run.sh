#!/usr/bin/env bash
# Fuzz the portfolio readers with libFuzzer + AddressSanitizer (issue 9).
#
#   fuzz/run.sh [seconds] [target]      e.g.  fuzz/run.sh 600 accounts
#
# seconds  how long to fuzz each target (default 60)
# target   accounts | payments | cells | all (default all: each in turn)
#
# Builds fuzz/targets/Fuzz<Target>.swift + FuzzSupport.swift together with
# Sources/PortfolioIO/*.swift into one binary per target (swiftc -sanitize=fuzzer,address),
# under .build-fuzz/ (gitignored). The committed seeds in fuzz/corpus/<seed dir>/ are
# copied into a working corpus .build-fuzz/corpus/<target>/ that grows across runs;
# crashes land in .build-fuzz/artifacts/<target>/ (crash-*, leak-*, timeout-*).
# Env: JOBS (parallel fuzzing processes, default 1), EXTRA (more libFuzzer flags).
set -euo pipefail

seconds="${1:-60}"
which="${2:-all}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/bin"

seed_dir() {
    case "$1" in
        accounts|payments|cells) echo "$root/fuzz/corpus/csv" ;;
        *) echo "$root/fuzz/corpus/$1" ;;
    esac
}

dict_for() {
    case "$1" in
        accounts|payments|cells) echo "-dict=$root/fuzz/csv.dict" ;;
    esac
}

build() {
    local target="$1" name
    name="Fuzz$(tr '[:lower:]' '[:upper:]' <<<"${target:0:1}")${target:1}"
    echo "== building $target" >&2
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
        -module-name PortfolioIO \
        "$root"/Sources/PortfolioIO/*.swift \
        "$root/fuzz/targets/FuzzSupport.swift" "$root/fuzz/targets/$name.swift" \
        -o "$out/bin/$target" 2> >(grep -v "Cannot export local symbol" >&2)
}

run() {
    local target="$1" corpus="$out/corpus/$1" artifacts="$out/artifacts/$1/"
    mkdir -p "$corpus" "$artifacts"
    build "$target"
    echo "== fuzzing $target for ${seconds}s (corpus $corpus)" >&2
    # -max_len: records of up to 64 KiB; -rss_limit_mb: a run over 2 GB counts as a bug.
    "$out/bin/$target" "$corpus" "$(seed_dir "$target")" \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$artifacts" -print_final_stats=1 \
        $(dict_for "$target") \
        ${JOBS:+-jobs=$JOBS -workers=$JOBS} ${EXTRA:-}
}

case "$which" in
    all) for t in accounts payments cells; do run "$t"; done ;;
    accounts|payments|cells) run "$which" ;;
    *) echo "unknown target '$which' (accounts, payments, cells, all)" >&2; exit 2 ;;
esac
