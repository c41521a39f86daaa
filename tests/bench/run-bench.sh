#!/usr/bin/env bash
# Run tests/bench/bench_enroll.c against a throwaway PostgreSQL cluster and
# an aixind of its own, then remove both. Arguments go to bench_enroll
# (e.g. --rows 20000 --pairs 6 --modes single-16,batch).
#
#   AIXIN_BIN_DIR=build tests/bench/run-bench.sh --rows 200000
#
# AIXIN_BIN_DIR: the build to use (default: build/, RelWithDebInfo; a
# sanitizer build measures the sanitizer). AIXIN_BENCH_THREADS and
# AIXIN_BENCH_POOL: aixind's event loops and database connections per
# loop (default 2 and 4); bench_enroll gets --direct-conns = their product
# unless given. The cluster keeps fsync and synchronous_commit on.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
THREADS=${AIXIN_BENCH_THREADS:-2}
POOL=${AIXIN_BENCH_POOL:-4}
for exe in server/aixind client/aixin tests/bench_enroll; do
  [[ -x $BIN/$exe ]] || aixin_die "no $BIN/$exe: build first (cmake --build $BIN)"
done

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
WORK=$(mktemp -d /tmp/aixin-bench.XXXXXX)
DAEMON_PID=
cleanup() {
  [[ -z $DAEMON_PID ]] || { kill -TERM "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null || true; }
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start 2>/dev/null
DB="dbname=aixin_bench"
# As deployed: the schema's owner migrates, aixind serves as a role that
# may only execute the functions; bench_enroll reads as the superuser.
aixin_pg_create_roles "dbname=postgres" aixin_owner aixin_serve
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench OWNER aixin_owner"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB user=aixin_owner" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
export AIXIN_USER=admin AIXIN_PASSWORD=bench-admin-password-1
AIXIN_ADMIN_PASSWORD=$AIXIN_PASSWORD "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null

"$BIN/server/aixind" --listen 127.0.0.1:0 --listen-file "$WORK/listen.addr" --database "$DB user=aixin_serve" --threads "$THREADS" \
  --set "db_pool_size=$POOL" --set max_connections=1000 --log-level warn \
  >"$WORK/aixind.log" 2>&1 </dev/null &
DAEMON_PID=$!
ADDR=$(aixin_wait_addr_file "$DAEMON_PID" "$WORK/listen.addr" 30) || { cat "$WORK/aixind.log"; aixin_die "aixind did not start"; }
export AIXIN_SERVER=$ADDR AIXIN_SESSION_FILE=$WORK/session AIXIN_CONFIG=$WORK/config
cli() { "$BIN/client/aixin" "$@" >/dev/null; }
cli year open --year 2027 --reference-date 2027-01-01 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 5.00-20.00
cli insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  cli terms set --county "$county" --year 2027 --county-share 10.00 --insurer chinalife
done

args=("$@")
[[ " ${args[*]} " == *" --direct-conns "* ]] || args+=(--direct-conns "$((THREADS * POOL))")
printf 'aixind: %s, %d event loops x %d database connections; %s cores\n' \
  "$BIN" "$THREADS" "$POOL" "$(nproc)"
"$BIN/tests/bench_enroll" --server "$AIXIN_SERVER" --database "$DB" --user admin "${args[@]}"
