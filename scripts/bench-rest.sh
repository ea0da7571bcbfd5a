#!/usr/bin/env bash
# The server's CPU at rest (issue 9): starts the built server with no session at all against a throwaway PostgreSQL
# cluster on free loopback ports, and prints the CPU it used over 10 s starting 30 s after start, read from
# /proc/<pid>/task/*/schedstat, with a breakdown by thread name, and the CPU of each 10 s of the first minute with the
# JIT's share of it (what ReadyToRun, tiered PGO and tiered compilation change), and the time from start to the first
# /readyz answered 200. The threads are read four times a second, so a short-lived one (the tiered-compilation worker
# comes and goes) is counted up to its last read.
# Runs this tree's build side by side with an old build (a git worktree of OLD_REV, built on first use).
#
#   scripts/bench-rest.sh                      # new vs old (OLD_REV=e9c85a3)
#   VARIANTS="new new:DOTNET_TieredPGO=1 new:DOTNET_TieredCompilation=1 r2r old" scripts/bench-rest.sh
#   RUNS=3 scripts/bench-rest.sh               # each variant three times, for the spread on a loaded machine
#
# A variant is "new", "r2r" (this tree published with PublishReadyToRun) or "old", optionally followed by
# ":NAME=VALUE[,NAME=VALUE...]" environment settings (DOTNET_* ones override the build's runtimeconfig).
# WARMUP and WINDOW are whole multiples of 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OLD_REV=${OLD_REV:-e9c85a3}
OLD_DIR=${OLD_DIR:-/tmp/old-states}
VARIANTS=${VARIANTS:-"new old"}
WARMUP=${WARMUP:-30}
WINDOW=${WINDOW:-10}
FIRST_MINUTE=${FIRST_MINUTE:-60}
RUNS=${RUNS:-1}
R2R_DIR=$ROOT/src/Signaling/bin/Release/net10.0/linux-x64/publish
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
if [[ " $VARIANTS " == *" r2r"* ]]; then
  dotnet publish "$ROOT/src/Signaling/Doctolib.Telehealth.Signaling.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$R2R_DIR" -v q -nologo >/dev/null
fi

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

# Follows one process from its start: every 0.25 s reads each thread's CPU (ns) from schedstat, keeping a thread's
# last figure after it ends; at each 10 s mark notes the totals. Prints the window [WARMUP, WARMUP+WINDOW] by thread
# name, and every 10 s of the first minute (all threads, and the tiered-compilation worker alone).
FOLLOW=$(cat <<'PY'
import os, sys, time
label, pid, started, warmup, window, minute = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
seen = {}
def read():
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        seen[tid] = (name, ns)
def by_name():
    out = {}
    for name, ns in seen.values():
        out[name] = out.get(name, 0) + ns / 1e6
    return out
marks = {0: {}}
for at in range(10, minute + 1, 10):
    while time.time() < started + at:
        read()
        time.sleep(min(0.25, max(0.0, started + at - time.time())))
    read()
    marks[at] = by_name()
def delta(a, b):
    names = set(a) | set(b)
    return {n: b.get(n, 0) - a.get(n, 0) for n in names}
rest = delta(marks[warmup], marks[warmup + window])
total = sum(rest.values())
print(f"{label}: {total:.1f} ms CPU per {window} s at rest ([{warmup},{warmup + window}] s); first minute {sum(marks[minute].values()):.0f} ms CPU")
for name, ms in sorted(rest.items(), key=lambda p: -p[1]):
    if ms >= 0.05:
        print(f"    {ms:8.1f} ms  {name}")
windows = []
for at in range(10, minute + 1, 10):
    d = delta(marks[at - 10], marks[at])
    jit = sum(v for n, v in d.items() if n.startswith(".NET Tiered"))
    windows.append(f"[{at - 10},{at}] {sum(d.values()):.0f} (JIT {jit:.0f})")
print("    ms per 10 s of the first minute: " + ", ".join(windows))
PY
)

run_variant() {
  local variant=$1 build=${1%%:*} settings= dir
  [[ "$variant" == *:* ]] && settings=${variant#*:}
  dir=$ROOT; [ "$build" = old ] && dir=$OLD_DIR
  local dll=bin/Release/net10.0/Doctolib.Telehealth.Signaling.dll
  [ "$build" = r2r ] && dll=$R2R_DIR/Doctolib.Telehealth.Signaling.dll
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
  (cd "$dir/src/Signaling" && exec env -u STRIPE_SECRET_KEY "${envs[@]}" dotnet "$dll" \
     --contentRoot "$dir/src/Signaling" >"$WORK/server-$build.log" 2>&1) &
  SERVER_PID=$!
  local started; started=$(date +%s.%N)
  # The dotnet host is the process itself (exec), so its pid is the server's; followed from the start.
  python3 -c "$FOLLOW" "$variant" "$SERVER_PID" "$started" "$WARMUP" "$WINDOW" "$FIRST_MINUTE" >"$WORK/follow.txt" 2>&1 &
  local follower=$!
  local ready=
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$http/readyz" 2>/dev/null; then
      ready=$(python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.2f}")' "$started")
      break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$variant: the server exited:"; tail -20 "$WORK/server-$build.log"; return 1; }
    sleep 0.05
  done
  wait "$follower" || true
  cat "$WORK/follow.txt"
  echo "    first /readyz answered 200 after ${ready:-?} s (polled every 50 ms); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

echo "CPU at rest: ${WINDOW} s window starting ${WARMUP} s after start (goal: <= 30 ms per 10 s); old = $OLD_REV"
for _ in $(seq 1 "$RUNS"); do
  for variant in $VARIANTS; do
    run_variant "$variant"
  done
done
