#!/usr/bin/env bash
# Relayed vs direct Chromium video bitrate (issue 3's browser figure), and the server's CPU per forwarded RTP packet
# over [10 s, 20 s] of the relayed call, by thread (issue 9); with --shaped, relayed vs direct under shaped links
# (issue 12). Builds, then runs inside a private network namespace so Chromium only ever talks to 127.0.0.1.
#
#   scripts/bench-browser.sh                    # this tree's server
#   scripts/bench-browser.sh /tmp/old-states    # another tree's Release build of the server (built here first)
#   scripts/bench-browser.sh --shaped [NAME]    # the shaped runs (NAME keeps the shapings whose name contains it; =NAME, the one of that exact name)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build-client.sh >/dev/null
dotnet build src/Signaling/Doctolib.Telehealth.Signaling.csproj -c Release -v q -nologo
dotnet build bench/Browser.Bench -c Release -v q -nologo
# --shaped [NAME]: relayed vs direct calls under tc shaping (issue 12's figures and goals); NAME picks the shapings whose
# name contains it (e.g. "uplink", "100 kbit", "three-party"). Runs as root inside the namespace: tc needs it.
if [ "${1:-}" = --shaped ]; then
  only=${2:-}
  exec unshare -n bash -c "ip link set lo up && exec dotnet bench/Browser.Bench/bin/Release/net10.0/Doctolib.Telehealth.Browser.Bench.dll '$PWD' --shaped ${only:+'$only'}"
fi
SERVER_ROOT=${1:-$PWD}
[ "$SERVER_ROOT" = "$PWD" ] || dotnet build "$SERVER_ROOT/src/Signaling/Doctolib.Telehealth.Signaling.csproj" -c Release -v q -nologo
exec unshare -n bash -c "ip link set lo up && exec dotnet bench/Browser.Bench/bin/Release/net10.0/Doctolib.Telehealth.Browser.Bench.dll '$PWD' '$SERVER_ROOT'"
