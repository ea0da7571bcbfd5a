#!/usr/bin/env bash
# Installs the Debian packages the server and its tests need, only those that are missing.
#   install-deps.sh run   -> PostgreSQL (the server's embedded cluster)
#   install-deps.sh test  -> PostgreSQL, Chromium and Firefox ESR (browser tests), iproute2 + util-linux (private network
#                            namespace, tc for shaping), openssl (DTLS interop tests), redis-server (the several-node tests)
set -euo pipefail
mode=${1:-run}
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "$mode" = test ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  { command -v ip && command -v tc; } >/dev/null 2>&1 || missing+=(iproute2)
  command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
