#!/usr/bin/env bash
# Relayed vs direct Chromium video bitrate (issue 3's browser figure); with --shaped, relayed vs direct under shaped
# links (issue 12). Builds, then runs inside a private network namespace so Chromium only ever talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build-client.sh >/dev/null
dotnet build src/Signaling/Doctolib.Telehealth.Signaling.csproj -c Release -v q -nologo
dotnet build bench/Browser.Bench -c Release -v q -nologo
# --shaped [NAME]: relayed vs direct calls under tc shaping (issue 12's figures and goals); NAME picks the shapings whose
# name contains it (e.g. "uplink", "100 kbit", "three-party"). Runs as root inside the namespace: tc needs it.
run_shaped() {
  local only=${1:-}
  exec unshare -n bash -c "ip link set lo up && exec dotnet bench/Browser.Bench/bin/Release/net10.0/Doctolib.Telehealth.Browser.Bench.dll '$PWD' --shaped ${only:+'$only'}"
}
if [ "${1:-}" = --shaped ]; then
  run_shaped "${2:-}"
fi
exec unshare -n bash -c "ip link set lo up && exec dotnet bench/Browser.Bench/bin/Release/net10.0/Doctolib.Telehealth.Browser.Bench.dll '$PWD'"
