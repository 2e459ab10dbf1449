#!/usr/bin/env bash
# Installs the system packages Arrears builds against (CBLAS/LAPACKE from OpenBLAS; SQLite
# for the contact ledger, which GRDB links from the system rather than building it in)
# when they are missing. Safe to run again: it does nothing when all are present.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev pkg-config libsqlite3-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
