#!/usr/bin/env bash
# Runs the server on its embedded default: its own PostgreSQL cluster, demo data, http://127.0.0.1:5080.
# Extra arguments go to the server (e.g. --Media:UdpPort=6000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run
[ -f scripts/build-client.sh ] && bash scripts/build-client.sh
dotnet build src/Signaling/Doctolib.Telehealth.Signaling.csproj -c Release -v q -nologo
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
exec dotnet run --no-build -c Release --no-launch-profile --project src/Signaling/Doctolib.Telehealth.Signaling.csproj -- "$@"
