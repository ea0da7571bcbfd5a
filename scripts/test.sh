#!/usr/bin/env bash
# Runs every test: unit and integration tests (real PostgreSQL started by the tests), then the browser tests inside a
# private network namespace that has only loopback, so nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
[ -f scripts/build-client.sh ] && bash scripts/build-client.sh
dotnet build Doctolib.Telehealth.sln -v q -nologo
results=${TEST_RESULTS:-$PWD/TestResults}
status=0
for project in tests/*.Tests; do
  [ "$project" = tests/EndToEnd.Tests ] && continue
  echo "== $project"
  dotnet test "$project" --no-build -v q --logger "console;verbosity=minimal" --blame-hang-timeout 10m --results-directory "$results" || status=1
done
if [ -d tests/EndToEnd.Tests ]; then
  echo "== tests/EndToEnd.Tests (in a private network namespace)"
  unshare -n bash -c "ip link set lo up && exec dotnet test tests/EndToEnd.Tests --no-build -v q --logger 'console;verbosity=minimal' --blame-hang-timeout 10m --results-directory '$results'" || status=1
fi
exit $status
