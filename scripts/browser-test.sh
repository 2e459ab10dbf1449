#!/usr/bin/env bash
# The real-browser test of `arrears serve` (issue 18): installs Debian's chromium and
# chromium-driver and PyPI's selenium when missing, starts the server on 127.0.0.1 with
# a temporary ledger made from data/, drives headless Chromium through scripts/browser_test.py
# (sign in, queue, account, log a right-party conversation, the account leaves the
# queue, the ledger row and the audit entry), then stops the server with SIGTERM and
# checks it exits cleanly. Loopback only. Screenshots go to $ARREARS_SCREENSHOTS
# (default: the temporary directory; `ARREARS_SCREENSHOTS=docs` refreshes the committed ones).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for p in chromium chromium-driver; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium

swift build --product arrears >/dev/null
bin="$(swift build --show-bin-path)/arrears"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ledger="$work/arrears.db"
"$bin" ledger init --ledger "$ledger" >/dev/null
"$bin" ledger import accounts data/contact_points.csv --ledger "$ledger" 2>/dev/null
"$bin" ledger import contacts data/contacts.csv --ledger "$ledger" 2>/dev/null
"$bin" ledger import promises data/promises.csv --ledger "$ledger" 2>/dev/null
common=(--model models/arrears-model.json --ledger "$ledger" --accounts data/accounts.csv --payments data/payments.csv)
"$bin" serve --init-admin "${common[@]}" >"$work/admin.token" 2>/dev/null
"$bin" serve --add-token collector:C01 "${common[@]}" >"$work/c01.token" 2>/dev/null
"$bin" serve --add-token collector:C02 "${common[@]}" >"$work/c02.token" 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve "${common[@]}" --policy policies/example-policy.toml --as-of 2026-01-01 \
  --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.2
done

shots="${ARREARS_SCREENSHOTS:-$work}"
timeout 170 python3 scripts/browser_test.py --base "http://127.0.0.1:$port" --token "$(cat "$work/c01.token")" \
  --collector C01 --ledger "$ledger" --screenshots "$shots"

kill -TERM "$server"
status=0; wait "$server" || status=$?
server=""
if [ "$status" -ne 0 ]; then echo "browser test: the server exited with $status on SIGTERM" >&2; tail -5 "$work/serve.log" >&2; exit 1; fi
if grep -q "arr_[0-9a-f]\{16\}_" "$work/serve.log"; then echo "browser test: a token reached the server log" >&2; exit 1; fi
echo "browser test: 1 passed, 0 failed"
