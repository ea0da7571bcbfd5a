#!/usr/bin/env bash
# The server's CPU at rest (issue 9): starts the built server with no session at all against a throwaway PostgreSQL
# cluster on free loopback ports, and prints the CPU it used over 10 s starting 30 s after start, read from
# /proc/<pid>/task/*/schedstat, with a breakdown by thread name. Also prints the CPU of the whole first minute.
# Runs this tree's build side by side with an old build (a git worktree of OLD_REV, built on first use).
#
#   scripts/bench-rest.sh                      # new vs old (OLD_REV=e9c85a3)
#   VARIANTS="new new:DOTNET_TieredPGO=0 new:DOTNET_TieredCompilation=0 old" scripts/bench-rest.sh
#
# A variant is "new" or "old", optionally followed by ":NAME=VALUE[,NAME=VALUE...]" environment settings.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OLD_REV=${OLD_REV:-e9c85a3}
OLD_DIR=${OLD_DIR:-/tmp/old-states}
VARIANTS=${VARIANTS:-"new old"}
WARMUP=${WARMUP:-30}
WINDOW=${WINDOW:-10}
FIRST_MINUTE=${FIRST_MINUTE:-60}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

build() {
  local dir=$1
  dotnet build "$dir/src/Signaling/Doctolib.Telehealth.Signaling.csproj" -c Release -v q -nologo >/dev/null
}

if [[ " $VARIANTS " == *" old"* ]]; then
  [ -d "$OLD_DIR" ] || git worktree add "$OLD_DIR" "$OLD_REV" >/dev/null
  build "$OLD_DIR"
fi
build "$ROOT"

free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }

WORK=$(mktemp -d /tmp/bench-rest.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(free_port SOCK_STREAM)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

# Reads, for one process: per-thread CPU (ns) from schedstat and names, and the process's own utime+stime (ms).
SAMPLE=$(cat <<'PY'
import json, os, sys
pid = sys.argv[1]
threads = {}
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            ns = int(f.read().split()[0])
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            name = f.read().strip()
    except OSError:
        continue
    threads[tid] = [name, ns]
with open(f"/proc/{pid}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
ticks = os.sysconf("SC_CLK_TCK")
print(json.dumps({"threads": threads, "process_ms": (int(fields[11]) + int(fields[12])) * 1000 / ticks}))
PY
)
REPORT=$(cat <<'PY'
import json, sys
label, before, after, first_minute = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])
by_name = {}
for tid, (name, ns) in after["threads"].items():
    start = before["threads"].get(tid, [name, 0])[1]
    by_name[name] = by_name.get(name, 0) + (ns - start) / 1e6
total = sum(by_name.values())
print(f"{label}: {total:.1f} ms CPU per 10 s at rest; first minute {first_minute:.0f} ms CPU")
for name, ms in sorted(by_name.items(), key=lambda p: -p[1]):
    if ms >= 0.05:
        print(f"    {ms:8.1f} ms  {name}")
PY
)

run_variant() {
  local variant=$1 build=${1%%:*} settings= dir
  [[ "$variant" == *:* ]] && settings=${variant#*:}
  dir=$ROOT; [ "$build" = old ] && dir=$OLD_DIR
  local db="rest_$(date +%s%N)"
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
  local http; http=$(free_port SOCK_STREAM)
  local udp; udp=$(free_port SOCK_DGRAM)
  local -a envs=(
    ASPNETCORE_ENVIRONMENT=Development
    "ConnectionStrings__Telehealth=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db"
    "Urls=http://127.0.0.1:$http" "Media__UdpPort=$udp" Media__BindAddress=127.0.0.1 Media__AdvertisedAddress=127.0.0.1
  )
  if [ -n "$settings" ]; then IFS=, read -r -a extra <<<"$settings"; envs+=("${extra[@]}"); fi
  (cd "$dir/src/Signaling" && exec env -u STRIPE_SECRET_KEY "${envs[@]}" dotnet bin/Release/net10.0/Doctolib.Telehealth.Signaling.dll \
     --contentRoot "$dir/src/Signaling" >"$WORK/server-$build.log" 2>&1) &
  SERVER_PID=$!
  local started; started=$(date +%s.%N)
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$http/readyz" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$variant: the server exited:"; tail -20 "$WORK/server-$build.log"; return 1; }
    sleep 0.2
  done
  # The dotnet host is the process itself (exec), so its pid is the server's.
  sleep "$(python3 -c "import time; print(max(0, $started + $WARMUP - time.time()))")"
  local before; before=$(python3 -c "$SAMPLE" "$SERVER_PID")
  sleep "$WINDOW"
  local after; after=$(python3 -c "$SAMPLE" "$SERVER_PID")
  sleep "$(python3 -c "import time; print(max(0, $started + $FIRST_MINUTE - time.time()))")"
  local minute; minute=$(python3 -c "$SAMPLE" "$SERVER_PID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["process_ms"])')
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  python3 -c "$REPORT" "$variant" "$before" "$after" "$minute"
}

echo "CPU at rest: ${WINDOW} s window starting ${WARMUP} s after start (goal: <= 30 ms per 10 s); old = $OLD_REV"
for variant in $VARIANTS; do
  run_variant "$variant"
done
