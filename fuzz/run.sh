#!/usr/bin/env bash
# Fuzz the portfolio readers with libFuzzer + AddressSanitizer (issue 9).
#
#   fuzz/run.sh [seconds] [target]      e.g.  fuzz/run.sh 600 accounts
#
# seconds  how long to fuzz each target (default 60)
# target   accounts | payments | cells | model | policy | all (default all: each in turn)
#
# accounts, payments, cells: fuzz/targets/Fuzz<Target>.swift + FuzzSupport.swift are
# compiled together with Sources/PortfolioIO/*.swift into one binary per target
# (swiftc -sanitize=fuzzer,address), so the harness reaches internal types.
# model: SwiftPM builds the Scoring target and its dependencies with the sanitizers
# (scratch path .build-fuzz/spm, release), then swiftc links FuzzModel.swift against
# their object files and OpenBLAS/LAPACKE. Its seeds: fuzz/corpus/model/ plus models/*.json.
# policy: the same for the Prioritizer target (with TOMLKit and its C++ toml++ core);
# seeds fuzz/corpus/policy/ plus policies/*.toml.
# Everything is built under .build-fuzz/ (gitignored). The committed seeds in fuzz/corpus/<seed dir>/ are
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
        model) echo "$root/fuzz/corpus/model" ;;
        policy) echo "$root/fuzz/corpus/policy" ;;
    esac
}

dict_for() {
    case "$1" in
        accounts|payments|cells) echo "-dict=$root/fuzz/csv.dict" ;;
        policy) echo "-dict=$root/fuzz/policy.dict" ;;
    esac
}

# The object files of SwiftPM target $1 in the release tree $r whose source file still
# exists (a file moved to another target leaves its old object behind).
objects() {
    local o n
    for o in "$r/$1.build"/*.o; do
        n="$(basename "$o" .o)"
        if [ -f "$root/Sources/$1/$n" ]; then echo "$o"; fi
    done
}

build_model() {
    local spm="$out/spm" r
    echo "== building model (SwiftPM, Scoring and its dependencies)" >&2
    (cd "$root" && swift build --scratch-path "$spm" -c release --target Scoring \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -g) >&2
    r="$spm/release"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$r/Modules" \
        -Xcc -fmodule-map-file="$root/Sources/CLinearAlgebra/module.modulemap" -I "$root/Sources/CLinearAlgebra" \
        "$root/fuzz/targets/FuzzModel.swift" \
        $(for t in ArrearsCore PortfolioIO Features Models LinearAlgebra Scoring; do objects "$t"; done) \
        $(pkg-config --libs openblas) -llapacke \
        -o "$out/bin/model" 2> >(grep -v "Cannot export local symbol" >&2)
}

build_policy() {
    local spm="$out/spm" r
    echo "== building policy (SwiftPM, Prioritizer and its dependencies)" >&2
    (cd "$root" && swift build --scratch-path "$spm" -c release --target Prioritizer \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -g) >&2
    r="$spm/release"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$r/Modules" \
        -Xcc -fmodule-map-file="$r/CTOML.build/module.modulemap" \
        "$root/fuzz/targets/FuzzPolicy.swift" \
        $(for t in ArrearsCore PortfolioIO Prioritizer; do objects "$t"; done) \
        "$r"/TOMLKit.build/*.o "$r"/CTOML.build/Sources/*.o \
        -lstdc++ -o "$out/bin/policy" 2> >(grep -v "Cannot export local symbol" >&2)
}

build() {
    local target="$1" name
    if [ "$target" = model ]; then build_model; return; fi
    if [ "$target" = policy ]; then build_policy; return; fi
    name="Fuzz$(tr '[:lower:]' '[:upper:]' <<<"${target:0:1}")${target:1}"
    echo "== building $target" >&2
    # PortfolioIO re-exports ArrearsCore (the shared error protocol): built first as its own module.
    mkdir -p "$out/core"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -wmo -module-name ArrearsCore \
        -emit-module -emit-module-path "$out/core/ArrearsCore.swiftmodule" \
        -c "$root"/Sources/ArrearsCore/*.swift -o "$out/core/ArrearsCore.o"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$out/core" \
        -module-name PortfolioIO \
        "$root"/Sources/PortfolioIO/*.swift \
        "$root/fuzz/targets/FuzzSupport.swift" "$root/fuzz/targets/$name.swift" "$out/core/ArrearsCore.o" \
        -o "$out/bin/$target" 2> >(grep -v "Cannot export local symbol" >&2)
}

run() {
    local target="$1" corpus="$out/corpus/$1" artifacts="$out/artifacts/$1/"
    mkdir -p "$corpus" "$artifacts"
    build "$target"
    if [ "$target" = model ]; then
        # The shipped models are seeds too (ignored when there are none yet).
        cp "$root"/models/*.json "$corpus"/ 2>/dev/null || true
    fi
    if [ "$target" = policy ]; then
        cp "$root"/policies/*.toml "$corpus"/ 2>/dev/null || true
    fi
    echo "== fuzzing $target for ${seconds}s (corpus $corpus)" >&2
    # -max_len: inputs up to 128 KiB (a trained model's JSON is ~50 KiB);
    # -rss_limit_mb: a run over 2 GB counts as a bug; -timeout: one input over 10 s too.
    # ARREARS_ROOT: the model target scores the first rows of data/ with each model.
    ARREARS_ROOT="$root" "$out/bin/$target" "$corpus" "$(seed_dir "$target")" \
        -max_total_time="$seconds" -max_len=131072 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$artifacts" -print_final_stats=1 \
        $(dict_for "$target") \
        ${JOBS:+-jobs=$JOBS -workers=$JOBS} ${EXTRA:-}
}

case "$which" in
    all) for t in accounts payments cells model policy; do run "$t"; done ;;
    accounts|payments|cells|model|policy) run "$which" ;;
    *) echo "unknown target '$which' (accounts, payments, cells, model, policy, all)" >&2; exit 2 ;;
esac
