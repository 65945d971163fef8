#!/usr/bin/env bash
# Runs every test of AirsenalOps, installing first what the tests need on a fresh machine:
# the MongoDB wire-protocol test server (npm), Python for the fake AIrsenal scripts and
# Chromium for the browser tests (Debian). Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

COVERAGE_FLOOR="${COVERAGE_FLOOR:-80}"
results="TestResults"
rm -rf "$results"

apt_install() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test.sh: installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

apt_install python3:python3 setsid:util-linux chromium:chromium
for dir in tools/*/; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# Locked restore: every project's packages.lock.json must match what it would resolve, so a package
# that drifted fails here instead of being tested (and shipped) unnoticed.
dotnet restore AirsenalOps.sln --locked-mode

set +e
dotnet test AirsenalOps.sln \
  --no-restore \
  --configuration Release \
  --settings coverage.runsettings \
  --collect "XPlat Code Coverage" \
  --logger "trx" \
  --logger "console;verbosity=normal" \
  --results-directory "$results"
test_exit=$?
set -e

summary_exit=0
node tools/test-summary.mjs "$results" "$COVERAGE_FLOOR" || summary_exit=$?
if [ $test_exit -ne 0 ] || [ $summary_exit -ne 0 ]; then exit 1; fi
