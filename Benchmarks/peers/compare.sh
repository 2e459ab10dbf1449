#!/usr/bin/env bash
# Peer comparison (DESIGN §9): the same generated portfolio through Arrears' stages and
# through pandas/polars, scikit-learn/statsmodels, lifelines and R survival; prints the
# times side by side as ratios and checks that the numbers agree.
#   Benchmarks/peers/compare.sh [N accounts, default 100000] [repeats, default 3]
# Needs: python3 with requirements.txt installed, R with survival. Writes
# Benchmarks/results/compare-N.{txt,json}. Not part of CI.
set -euo pipefail
N=${1:-100000}
REPEAT=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(dirname "$HERE")
ROOT=$(dirname "$BENCH")
WORK=${WORK:-/tmp/arrears-peers-$N}
mkdir -p "$WORK" "$BENCH/results"

swift build -c release --package-path "$BENCH" --scratch-path "$ROOT/.build-bench" --product arrears-stages >&2
BIN="$ROOT/.build-bench/release/arrears-stages"
"$BIN" --generate "$N" --out "$WORK/portfolio" >&2
A="$WORK/portfolio/accounts.csv"; P="$WORK/portfolio/payments.csv"

echo "== Arrears stages" >&2
"$BIN" --accounts "$A" --payments "$P" --repeat "$REPEAT" --sequential > "$WORK/arrears.json"
echo "== peak memory, CSV -> features" >&2
arrears_kb=$(/usr/bin/time -f "%M" "$BIN" --accounts "$A" --payments "$P" --repeat 1 --through-features 2>&1 >/dev/null | tail -1)
polars_kb=$(/usr/bin/time -f "%M" python3 -c "import sys; sys.path.insert(0, '$HERE'); import features_polars as f; f.features('$A', '$P')" 2>&1 >/dev/null | tail -1)
echo "{\"arrears\": $arrears_kb, \"polars\": $polars_kb}" > "$WORK/mem.json"
echo "== Python peers" >&2
python3 "$HERE/run_peers.py" "$A" "$P" --design "$WORK/design.bin" --repeat "$REPEAT" > "$WORK/peers.json"
echo "== R survival" >&2
Rscript "$HERE/cox.R" "$WORK/design.bin" "$REPEAT" > "$WORK/r.json"
python3 "$HERE/compare.py" "$WORK/arrears.json" "$WORK/peers.json" "$WORK/r.json" "$WORK/mem.json" \
    --out "$BENCH/results/compare-$N.json" | tee "$BENCH/results/compare-$N.txt"
