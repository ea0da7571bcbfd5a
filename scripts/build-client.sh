#!/usr/bin/env bash
# Builds the web client (TypeScript + Vite) into src/Signaling/wwwroot, which the server serves.
# Needs Node ^20.19 or >=22.12 (Vite 7) and npm; uses the committed package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../src/Signaling/ClientApp"
need="Node.js ^20.19 or >= 22.12 (Vite 7)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build-client.sh: node and npm are not installed; the web client needs $need." >&2
  echo "  Debian 12's own 'nodejs' package is 18.x, too old. Install Node 22 from https://nodejs.org or NodeSource" >&2
  echo "  (e.g. 'curl -fsSL https://deb.nodesource.com/setup_22.x | bash - && apt-get install -y nodejs'), then run this again." >&2
  exit 1
fi
version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$version"
if ! { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; } && ! { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; } && ! [ "$major" -ge 23 ]; then
  echo "build-client.sh: Node $version is installed; the web client needs $need." >&2
  echo "  Debian 12's own 'nodejs' package is 18.x, too old. Install Node 22 from https://nodejs.org or NodeSource" >&2
  echo "  (e.g. 'curl -fsSL https://deb.nodesource.com/setup_22.x | bash - && apt-get install -y nodejs'), then run this again." >&2
  exit 1
fi
npm ci --no-audit --no-fund
npm run build
