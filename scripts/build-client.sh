#!/usr/bin/env bash
# Builds the web client (TypeScript + Vite) into src/Signaling/wwwroot, which the server serves.
# Needs Node 20.19+ and npm; uses the committed package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../src/Signaling/ClientApp"
npm ci --no-audit --no-fund
npm run build
