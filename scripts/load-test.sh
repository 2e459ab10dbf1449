#!/usr/bin/env bash
# Load test of `arrears serve` (issue 18) with wrk on loopback: POST /v1/score with single
# accounts from data/ at 1, 16 and 64 connections, DURATION seconds each (default 20),
# then prints throughput and latency percentiles. Release build; the server logs at
# warning level (no per-request lines) and its rate limit is lifted for the test token.
#   scripts/load-test.sh [DURATION]          (ARREARS_BIN=path uses that binary, unbuilt;
#                                            LOG_LEVEL=info logs one line per request)
# SOAK=600 scripts/load-test.sh runs the soak instead: 600 s of scoring at 64 connections
# while scripts/contact_client.py logs contact outcomes (POST /v1/accounts/{id}/contacts),
# then checks no error responses (wrk's socket errors and timeouts included), the
# server's RSS at start and end, and ledger rows = audit entries = contact requests sent;
# exits 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [ -n "${ARREARS_BIN:-}" ]; then
  bin="$ARREARS_BIN"          # a binary already built (ARREARS_BIN=/path/to/arrears)
else
  swift build -c release --product arrears >/dev/null
  bin="$(swift build -c release --show-bin-path)/arrears"
fi
work="$(mktemp -d)"
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

ledger="$work/arrears.db"
"$bin" ledger init --ledger "$ledger" >/dev/null
"$bin" ledger import accounts data/contact_points.csv --ledger "$ledger" 2>/dev/null
common=(--model models/arrears-model.json --ledger "$ledger" --accounts data/accounts.csv --payments data/payments.csv)
"$bin" serve --add-token api_client:load "${common[@]}" >"$work/api.token" 2>/dev/null
"$bin" serve --add-token collector:C01 "${common[@]}" >"$work/c01.token" 2>/dev/null
"$bin" serve --init-admin "${common[@]}" >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve "${common[@]}" --as-of 2026-01-01 --host 127.0.0.1 --port "$port" --rate-limit 10000000 \
  --log-level "${LOG_LEVEL:-warning}" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done

# Request bodies: the first 1000 bundled accounts, one JSON object per file line.
python3 - "$work/bodies.txt" <<'PY'
import csv, json, sys
accounts = list(csv.DictReader(open("data/accounts.csv")))[:1000]
ids = {a["account_id"] for a in accounts}
statements = {}
for r in csv.DictReader(open("data/payments.csv")):
    if r["account_id"] in ids:
        statements.setdefault(r["account_id"], []).append(
            {"date": r["date"], "amount_due": float(r["amount_due"]), "amount_paid": float(r["amount_paid"])})
with open(sys.argv[1], "w") as out:
    for a in accounts:
        a = {k: (v if v != "" else None) for k, v in a.items() if k not in ("days_to_recovery", "recovered")}
        out.write(json.dumps({"as_of": "2026-01-01", "account": a, "statements": statements.get(a["account_id"], [])}) + "\n")
PY

# The requests are formatted once (wrk.format per request costs wrk more than the server).
cat >"$work/score.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $(cat "$work/api.token")"
wrk.headers["Content-Type"] = "application/json"
local requests = {}
init = function(args)
  for line in io.lines("$work/bodies.txt") do requests[#requests + 1] = wrk.format(nil, "/v1/score", nil, line) end
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
# The server's CPU time so far (user + system), in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
tick=$(getconf CLK_TCK)
if [ -z "${SOAK:-}" ]; then
  wrk -t1 -c16 -d3s -s "$work/score.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up
  # Besides wrk's figures: the CPU time the server and wrk spent per request (µs), which
  # the other work on a shared machine does not inflate as much as it does latency.
  for c in 1 16 64; do
    before=$(cpu)
    line=$(/usr/bin/time -f "WRKCPU %U %S" wrk -t1 -c"$c" -d"${duration}s" --latency -s "$work/score.lua" "http://127.0.0.1:$port" 2>&1 \
           | grep -E "RESULT|WRKCPU" | tr '\n' ' ')
    used=$(( $(cpu) - before ))
    requests=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
    wrkcpu=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "WRKCPU") print $(i + 1) + $(i + 2)}')
    echo "connections=$c ${line%% WRKCPU*} server_cpu_us=$(( used * 1000000 / tick / requests )) wrk_cpu_us=$(awk -v t="$wrkcpu" -v n="$requests" 'BEGIN {printf "%.0f", t * 1e6 / n}')"
  done
  echo "server RSS: $(rss) KiB"
else
  # Contacts: scripts/contact_client.py (4 keep-alive connections, an sms no_answer on
  # A0000001…A0005000 in turn), which counts every request it sent exactly once and lets
  # each connection's request in flight finish before it stops.
  count() { python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$ledger" "$1"; }
  contacts_before=$(count "SELECT count(*) FROM contacts")
  audit_before=$(count "SELECT count(*) FROM service_audit WHERE action='log_contact'")
  echo "soak: ${SOAK}s; RSS at start $(rss) KiB"
  wrk -t1 -c64 -d"${SOAK}s" --latency -s "$work/score.lua" "http://127.0.0.1:$port" >"$work/soak-score.txt" &
  scorer=$!
  python3 scripts/contact_client.py "$port" "$work/c01.token" "$SOAK" 4 >"$work/soak-contact.txt" &
  logger=$!
  for k in $(seq 1 10); do sleep $(( SOAK / 10 )); echo "  t=$(( k * SOAK / 10 ))s RSS $(rss) KiB"; done
  wait "$scorer" "$logger"
  score=$(grep RESULT "$work/soak-score.txt")
  contact=$(grep RESULT "$work/soak-contact.txt")
  echo "score:    $score"
  echo "contacts: $contact"
  echo "RSS at end $(rss) KiB"
  field() { echo "$2" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
  contacts=$(( $(count "SELECT count(*) FROM contacts") - contacts_before ))
  audit=$(( $(count "SELECT count(*) FROM service_audit WHERE action='log_contact'") - audit_before ))
  echo "contact requests sent $(field sent "$contact"), acknowledged $(field acked "$contact"); ledger contacts added $contacts, audit entries $audit"
  if [ "$(field non2xx "$score")" = 0 ] && [ "$(field socket_errors "$score")" = 0 ] \
     && [ "$(field non2xx "$contact")" = 0 ] && [ "$(field socket_errors "$contact")" = 0 ] \
     && [ "$contacts" = "$(field acked "$contact")" ] && [ "$audit" = "$contacts" ] \
     && [ "$(field sent "$contact")" = "$(field acked "$contact")" ]; then
    echo "soak: PASS (no error responses; ledger rows = audit entries = contact requests sent)"
  else
    echo "soak: FAIL"
    soak_failed=1
  fi
fi
kill -TERM "$server"; wait "$server" || true; server=""
[ -z "${soak_failed:-}" ]
