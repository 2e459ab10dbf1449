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

# A target linked against SwiftPM-built modules: build_spm <fuzz target> <SwiftPM target>
# "<modules whose objects to link>" [more swiftc arguments…]. SwiftPM builds the target and
# its dependencies with the sanitizers (scratch path .build-fuzz/spm, release); swiftc
# links fuzz/targets/Fuzz<Target>.swift against their object files.
build_spm() {
    local target="$1" package_target="$2" modules="$3" spm="$out/spm" r name t
    shift 3
    name="Fuzz$(tr '[:lower:]' '[:upper:]' <<<"${target:0:1}")${target:1}"
    echo "== building $target (SwiftPM, $package_target and its dependencies)" >&2
    (cd "$root" && swift build --scratch-path "$spm" -c release --target "$package_target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -g) >&2
    r="$spm/release"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$r/Modules" \
        "$root/fuzz/targets/$name.swift" \
        $(for t in $modules; do objects "$t"; done) \
        "$@" -o "$out/bin/$target" 2> >(grep -v "Cannot export local symbol" >&2)
}

build_model() {
    build_spm model Scoring "ArrearsCore PortfolioIO Features Models LinearAlgebra Scoring" \
        -Xcc -fmodule-map-file="$root/Sources/CLinearAlgebra/module.modulemap" -I "$root/Sources/CLinearAlgebra" \
        $(pkg-config --libs openblas) -llapacke
}

build_policy() {
    local r="$out/spm/release"
    build_spm policy Prioritizer "ArrearsCore PortfolioIO Prioritizer" \
        -Xcc -fmodule-map-file="$r/CTOML.build/module.modulemap" \
        "$r"/TOMLKit.build/*.o "$r"/CTOML.build/Sources/*.o -lstdc++
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
