#!/usr/bin/env bash
# The media benchmark (bench/Media.Bench, 50 1:1 sessions by default) for this tree and, side by side, another tree's
# build (issue 9: CPU per forwarded packet within 5 % of the old build). Builds both in Release, then runs them in turn,
# ROUNDS times each (old, new, old, new, ...), so a change in the machine's load hits both alike; prints each run's
# CPU per forwarded packet, allocation per packet and the load average, then the median of each build.
#
#   scripts/bench-media.sh                       # this tree only
#   scripts/bench-media.sh /tmp/old-bench        # another tree (e.g. git worktree add /tmp/old-bench <commit>) and this one
#   ROUNDS=5 SESSIONS=50 SECONDS_PER_RUN=20 scripts/bench-media.sh /tmp/old-bench
set -euo pipefail
cd "$(dirname "$0")/.."
OLD_TREE=${1:-}
ROUNDS=${ROUNDS:-3}
SESSIONS=${SESSIONS:-50}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
dll=bench/Media.Bench/bin/Release/net10.0/Doctolib.Telehealth.Media.Bench.dll
dotnet build bench/Media.Bench -c Release -v q -nologo >/dev/null
trees=("$PWD")
if [ -n "$OLD_TREE" ]; then
  dotnet build "$OLD_TREE/bench/Media.Bench" -c Release -v q -nologo >/dev/null
  trees=("$OLD_TREE" "$PWD")
fi
declare -A figures
for round in $(seq 1 "$ROUNDS"); do
  for tree in "${trees[@]}"; do
    out=$(cd "$tree" && dotnet "$dll" --sessions "$SESSIONS" --seconds "$SECONDS_PER_RUN")
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    us=$(grep -o '= [0-9.]* us per forwarded packet' <<<"$out" | grep -o '[0-9.]*')
    bytes=$(grep -o 'allocated [0-9.]* bytes per forwarded packet' <<<"$out" | grep -o '[0-9.]*')
    lost=$(grep -o 'lost [0-9]* ([0-9.]* %)' <<<"$out" || true)
    echo "round $round $tree ($(git -C "$tree" rev-parse --short HEAD)): $us us per forwarded packet, $bytes bytes allocated per packet, peers $lost; load average $load"
    figures[$tree]="${figures[$tree]:-} $us"
  done
done
for tree in "${trees[@]}"; do
  median=$(tr ' ' '\n' <<<"${figures[$tree]}" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  echo "median $tree ($(git -C "$tree" rev-parse --short HEAD)): $median us per forwarded packet over $ROUNDS runs ($SESSIONS sessions, $SECONDS_PER_RUN s)"
done
