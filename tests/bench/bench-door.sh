#!/usr/bin/env bash
# What an honest office sees while the door is attacked: tests/tools/
# door_probe against a throwaway PostgreSQL cluster and an aixind of its
# own (default settings), then both removed. Three runs of SECONDS each:
#   1. FLOOD Hello-only connections from 127.0.0.1 (kept open, re-opened
#      when closed, ListInsurers every second), honest client on 127.0.0.2;
#   2. the same with the per-address stranger cap lifted, so that the
#      strangers' cap and its eviction of the oldest do the work;
#   3. 16 connections sending wrong passwords as fast as answered.
# The honest client connects, logs in and lists the policy years, again
# and again; the probe prints its latency (median, p95, max).
#
#   AIXIN_BIN_DIR=build tests/bench/bench-door.sh [FLOOD [SECONDS]]
#
# Defaults: 2000 connections, 120 s (the issue's figure).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

FLOOD=${1:-2000}
SECONDS_EACH=${2:-120}
BIN=${AIXIN_BIN_DIR:-$ROOT/build}
for exe in server/aixind client/aixin tests/door_probe; do
  [[ -x $BIN/$exe ]] || aixin_die "no $BIN/$exe: build first (cmake --build $BIN)"
done

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
WORK=$(mktemp -d /tmp/aixin-bench-door.XXXXXX)
DAEMON_PID=
stop_daemon() {
  [[ -z $DAEMON_PID ]] || { kill -TERM "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null || true; }
  DAEMON_PID=
}
cleanup() {
  stop_daemon
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
aixin_pg_create_roles "dbname=postgres" aixin_owner aixin_serve
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_door OWNER aixin_owner"
DB="dbname=aixin_bench_door"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB user=aixin_owner" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
export AIXIN_USER=admin AIXIN_PASSWORD=bench-admin-password-1
AIXIN_ADMIN_PASSWORD=$AIXIN_PASSWORD "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null
PORT=$(aixin_free_port)
export AIXIN_SERVER=127.0.0.1:$PORT AIXIN_SESSION_FILE=$WORK/session AIXIN_CONFIG=$WORK/config

start_daemon() {
  "$BIN/server/aixind" --listen "127.0.0.1:$PORT" --database "$DB user=aixin_serve" "$@" \
    >>"$WORK/aixind.log" 2>&1 </dev/null &
  DAEMON_PID=$!
  aixin_wait_listen "$DAEMON_PID" "$PORT" 30 || { cat "$WORK/aixind.log"; aixin_die "aixind did not start"; }
}

start_daemon
AIXIN_NEW_PASSWORD=bench-clerk-password-1 "$BIN/client/aixin" account create --no-password-change --username clerk01 \
  --role township_clerk --division 360821100 >/dev/null
printf 'aixind %s, default settings; %s cores, load %s\n' "$BIN" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"

echo "--- 1. $FLOOD Hello-only connections from one address, ${SECONDS_EACH} s"
"$BIN/tests/door_probe" conn-flood 127.0.0.1 "$PORT" "$FLOOD" "$SECONDS_EACH" clerk01 bench-clerk-password-1 || true
stop_daemon

echo "--- 2. the same, per-address cap lifted (the strangers' cap evicts the oldest)"
start_daemon --set max_unauthenticated_per_address=1000000
"$BIN/tests/door_probe" conn-flood 127.0.0.1 "$PORT" "$FLOOD" "$SECONDS_EACH" clerk01 bench-clerk-password-1 || true

echo "--- 3. login flood, 16 connections, ${SECONDS_EACH} s"
"$BIN/tests/door_probe" login-flood 127.0.0.1 "$PORT" 16 "$SECONDS_EACH" clerk01 bench-clerk-password-1 || true
echo "--- door summary lines in the daemon log:"
grep 'event=door_summary' "$WORK/aixind.log" | tail -n 3 || true
