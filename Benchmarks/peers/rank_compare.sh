#!/usr/bin/env bash
# `arrears rank` (or `arrears score`) end to end against the polars (or pandas) +
# scikit-learn + lifelines pipeline (DESIGN §9: arrears ≤ 0.15× the peer), side by side on
# the same generated portfolio.
#   [JOB=rank|score] [ENGINE=polars|pandas] Benchmarks/peers/rank_compare.sh [N accounts, default 100000] [repeats, default 3]
# Builds the release `arrears` (scratch folder $SCRATCH, default <repo>/.build; SKIP_BUILD=1
# uses the binary already there), generates
# the seed-1 portfolio, trains the model with `arrears train` and fits the peer models
# (neither timed), then alternates `arrears rank --model` (whole process, wall clock) and
# rank_peers.py --job $JOB --engine $ENGINE (in-process time after imports) $2 times. Writes
# Benchmarks/results/$JOB-$ENGINE-N.{txt,json}. Needs python3 with requirements.txt. Not CI.
set -euo pipefail
N=${1:-100000}
REPEAT=${2:-3}
JOB=${JOB:-rank}
ENGINE=${ENGINE:-polars}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(dirname "$HERE")
ROOT=$(dirname "$BENCH")
SCRATCH=${SCRATCH:-$ROOT/.build}
WORK=${WORK:-/tmp/arrears-rank-$N}
mkdir -p "$WORK" "$BENCH/results"

[ -n "${SKIP_BUILD:-}" ] || swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product arrears >&2
BIN="$SCRATCH/release/arrears"
A="$WORK/portfolio/accounts.csv"; P="$WORK/portfolio/payments.csv"
[ -f "$A" ] && [ -f "$P" ] || "$BIN" generate --accounts "$N" --seed 1 --out "$WORK/portfolio" >&2
[ -f "$WORK/model.json" ] || "$BIN" train --accounts "$A" --payments "$P" --as-of 2026-01-01 --out "$WORK/model.json" --quiet >&2 2>"$WORK/train.log"
[ -f "$WORK/peer-models.pkl" ] || python3 "$HERE/rank_peers.py" "$A" "$P" --models "$WORK" --fit --repeat 1 --out "$WORK/peer-out" > /dev/null

: > "$WORK/arrears-times.txt"
: > "$WORK/peers-runs.jsonl"
for i in $(seq "$REPEAT"); do
    echo "== run $i: arrears $JOB" >&2
    if [ "$JOB" = rank ]; then out="$WORK/worklist.csv"; else out="$WORK/scores.csv"; fi
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" "$JOB" --model "$WORK/model.json" --accounts "$A" --payments "$P" \
        --as-of 2026-01-01 --out "$out" 2> "$WORK/rank-stderr.txt"
    cat "$WORK/time.txt" >> "$WORK/arrears-times.txt"
    echo "== run $i: $ENGINE + scikit-learn + lifelines" >&2
    /usr/bin/time -f "%e %M" -o "$WORK/ptime.txt" python3 "$HERE/rank_peers.py" "$A" "$P" --models "$WORK" \
        --job "$JOB" --engine "$ENGINE" --out "$WORK/peer-out" > "$WORK/peers.json"
    python3 - "$WORK/peers.json" "$WORK/ptime.txt" >> "$WORK/peers-runs.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); wall, kb = open(sys.argv[2]).read().split()
r["process_wall"] = float(wall); r["peak_kb"] = int(kb)
print(json.dumps(r))
PY
done

python3 - "$N" "$WORK" "$BENCH/results/$JOB-$ENGINE-$N.json" "$JOB" "$ENGINE" <<'PY' | tee "$BENCH/results/$JOB-$ENGINE-$N.txt"
import json, statistics, sys, platform, subprocess
n, work, out, job, engine = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
arr = [tuple(map(float, l.split())) for l in open(f"{work}/arrears-times.txt") if l.strip()]
peers = [json.loads(l) for l in open(f"{work}/peers-runs.jsonl") if l.strip()]
a_wall = statistics.median(w for w, _ in arr); a_kb = max(k for _, k in arr)
p_in = statistics.median(p["total_median"] for p in peers)
p_wall = statistics.median(p["process_wall"] for p in peers); p_kb = max(p["peak_kb"] for p in peers)
steps = {k: statistics.median(p["runs"][0][k] for p in peers) for k in peers[0]["runs"][0]}
stderr = open(f"{work}/rank-stderr.txt").read().strip().splitlines()
timings = next((l for l in stderr if l.startswith("timings:")), "")
size = sum(__import__("os").path.getsize(f"{work}/portfolio/{f}") for f in ("accounts.csv", "payments.csv"))
print(f"portfolio: {n} accounts, {size/1e6:.1f} MB of CSV; {len(arr)} side-by-side runs, medians; {__import__('os').cpu_count()} cores")
load = open("/proc/loadavg").read().split()[0]
print(f"load average at the end: {load}")
print(f"arrears {job} --model (whole process):           {a_wall:8.2f} s   peak {a_kb/1024:.0f} MB   ({timings})")
print(f"{engine} + scikit-learn + lifelines (after imports): {p_in:8.2f} s   peak {p_kb/1024:.0f} MB")
print("   " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
print(f"{engine} + scikit-learn + lifelines (whole process): {p_wall:8.2f} s")
print(f"arrears / peer: {a_wall / p_in:.3f} (in-process peer), {a_wall / p_wall:.3f} (whole processes); DESIGN §9 asks for <= 0.15")
print("arrears classes: " + "; ".join(l for l in stderr if l.startswith(("worklist", "deferred", "not worth", "do not contact"))))
print("peer classes: " + json.dumps(peers[-1]["counts"]))
print("versions: " + ", ".join(f"{k} {v}" for k, v in peers[-1]["versions"].items()))
json.dump({"job": job, "engine": engine, "accounts": n, "csv_bytes": size, "arrears_wall": [w for w, _ in arr], "arrears_peak_kb": a_kb,
           "arrears_stage_timings": timings, "peers": peers, "ratio_in_process": p_in / a_wall,
           "ratio_whole_process": p_wall / a_wall}, open(out, "w"), indent=1)
PY
