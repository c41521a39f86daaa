#!/usr/bin/env bash
# Time a backup and a restore of a province-sized database: a throwaway
# cluster archiving its WAL (deploy/backup --setup), migrated by aixind,
# filled by tests/bench/gen_province.sql (about 1.1 million policies),
# then deploy/backup (base backup size and time), a 200,000-row table
# written after it (WAL to replay), and deploy/restore --latest (time).
# Everything is removed afterwards.
#
#   AIXIN_BIN_DIR=build tests/bench/bench-backup.sh [--per-year N] [--years N]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
PER_YEAR=220000
YEARS=5
while (($#)); do
  case $1 in
    --per-year) PER_YEAR=$2; shift 2 ;;
    --years) YEARS=$2; shift 2 ;;
    *) aixin_die "unknown argument $1 (see the top of $0)" ;;
  esac
done
[[ -x $BIN/server/aixind ]] || aixin_die "no $BIN/server/aixind: build first"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
WORK=$(mktemp -d /tmp/aixin-bench-backup.XXXXXX)
cleanup() {
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
aixin_ensure_traverse "$WORK"
data=$AIXIN_PG_TMP/data
"$ROOT/deploy/backup" --setup --datadir "$data" --dir "$WORK/backup" 2>/dev/null
DB="dbname=aixin_bench_backup"
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_backup"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=bench-admin-password-1 "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null
now_ms() { date +%s%3N; }

t0=$(now_ms)
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v years="$YEARS" -v per_year="$PER_YEAR" \
  -f "$ROOT/tests/bench/gen_province.sql"
t1=$(now_ms)
policies=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM aixin.policies")
printf 'generated %s policies in %.1f s; database %s\n' "$policies" "$((t1 - t0))e-3" \
  "$(psql -X -At -d "$DB" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"

t0=$(now_ms)
"$ROOT/deploy/backup" --datadir "$data" --dir "$WORK/backup" 2>/dev/null
t1=$(now_ms)
printf 'base backup: %s in %.1f s (compressed tar)\n' "$(du -sh "$WORK/backup/base" | cut -f1)" "$((t1 - t0))e-3"
# Changes after the base backup, for the restore to replay.
psql -X -q -d "$DB" -c "CREATE TABLE public.bench_after AS SELECT g AS n, md5(g::text) AS v FROM generate_series(1, 200000) g"
printf 'WAL archive: %s\n' "$(du -sh "$WORK/backup/wal" | cut -f1)"
t0=$(now_ms)
"$ROOT/deploy/restore" --latest --datadir "$data" --dir "$WORK/backup" --database aixin_bench_backup 2>/dev/null
t1=$(now_ms)
after=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM aixin.policies")
printf 'restore --latest: %.1f s; %s policies after it (before: %s); cores %s, load %s\n' \
  "$((t1 - t0))e-3" "$after" "$policies" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
