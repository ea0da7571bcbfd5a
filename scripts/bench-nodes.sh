#!/usr/bin/env bash
# Several nodes (issue 10's figures): three real server nodes sharing one PostgreSQL cluster, one redis-server and the
# Stripe emulator; participants are a real SignalR client and our WebRTC test peer each. Prints, asserts nothing:
#   - the media gap of a SIGTERM (drain) and of a kill -9 of the room's node, p50 and max over --moves (20) moves;
#   - join-to-first-frame with the room on the caller's node versus relayed to another node (--joins, 10 each);
#   - a rolling restart of the three nodes during 10 live consultations: consultations ended, billed once, doubled, lost.
#
#   scripts/bench-nodes.sh [--only drain|kill|join|rolling] [--moves 20] [--joins 10]
# Runs inside a private network namespace (loopback only), like the browser benches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
dotnet build src/Signaling/Doctolib.Telehealth.Signaling.csproj -c Release -v q -nologo
dotnet build bench/Nodes.Bench -c Release -v q -nologo
exec unshare -n bash -c "ip link set lo up && exec dotnet bench/Nodes.Bench/bin/Release/net10.0/Doctolib.Telehealth.Nodes.Bench.dll '$PWD' $*"
