#!/usr/bin/env bash
# Time `aixin export` on a large year and show that neither side holds the
# year: a throwaway PostgreSQL cluster, migrated by aixind, the Ji'an
# divisions, the city admin, tests/bench/gen_province.sql for one policy
# year (default 220,000 policies, claims on 3% of them), VACUUM ANALYZE,
# then aixind on loopback and the client exporting the year's policies
# (CSV, FHIR) and claims (CSV) as the city admin, in pages of 500.
# Prints per export: records, seconds, records per second, file size, the
# client's peak resident memory, and aixind's peak resident memory
# (VmHWM) after all of them. Everything is removed afterwards.
#
#   AIXIN_BIN_DIR=/tmp/build tests/bench/bench-exports.sh [--per-year N]
#       [--claim-rate F]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
PER_YEAR=220000
CLAIM_RATE=0.03
while (($#)); do
  case $1 in
    --per-year) PER_YEAR=$2; shift 2 ;;
    --claim-rate) CLAIM_RATE=$2; shift 2 ;;
    *) aixin_die "unknown argument $1 (see the top of $0)" ;;
  esac
done
[[ -x $BIN/server/aixind && -x $BIN/client/aixin ]] ||
  aixin_die "build $BIN first (aixind and aixin)"
[[ -x /usr/bin/time ]] || aixin_die "/usr/bin/time is missing (Debian package time)"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aixin-bench-exports.XXXXXX")
DAEMON=
cleanup() {
  [[ -z $DAEMON ]] || { kill -TERM "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null || true; }
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
DB="dbname=aixin_bench_exports"
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_exports"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=bench-admin-password-1 "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null

now_ms() { date +%s%3N; }
t0=$(now_ms)
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v years=1 -v per_year="$PER_YEAR" \
  -v claim_rate="$CLAIM_RATE" -f "$ROOT/tests/bench/gen_province.sql"
psql -X -q -d "$DB" -c "VACUUM ANALYZE"
year=$(psql -X -At -d "$DB" -c "SELECT max(year) FROM aixin.policy_years")
printf 'generated year %s: %s policies, %s claims (%.1f s); cores: %s; load: %s\n' "$year" \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM aixin.policies")" \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM aixin.claims")" \
  "$(($(now_ms) - t0))e-3" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

# A throwaway cluster: the daemon serves as its superuser.
"$BIN/server/aixind" --listen 127.0.0.1:0 --listen-file "$TMP/addr" --database "$DB" \
  --set allow_privileged_role=true \
  >"$TMP/aixind.log" 2>&1 </dev/null &
DAEMON=$!
addr=$(aixin_wait_addr_file "$DAEMON" "$TMP/addr" 30) || { cat "$TMP/aixind.log"; aixin_die "aixind did not start"; }
export AIXIN_SERVER=$addr AIXIN_USER=admin AIXIN_PASSWORD=bench-admin-password-1
export AIXIN_SESSION_FILE=$TMP/session AIXIN_CONFIG=$TMP/config LC_ALL=C LANGUAGE=
printf 'aixind resident memory before: %s kB\n' "$(awk '/VmRSS/ {print $2}' /proc/$DAEMON/status)"

printf '\n%-22s %9s %8s %10s %10s %14s\n' export records seconds "records/s" "file MB" "client peak kB"
run() { # NAME KIND FORMAT
  local t=$(now_ms) secs n
  /usr/bin/time -f '%M' -o "$TMP/rss" "$BIN/client/aixin" export "$2" --year "$year" \
    --format "$3" --output "$TMP/out" >"$TMP/summary"
  secs=$(($(now_ms) - t))
  n=$(awk '{print $1}' "$TMP/summary")
  printf '%-22s %9s %8.1f %10d %10.1f %14s\n' "$1" "$n" "${secs}e-3" "$((n * 1000 / (secs > 0 ? secs : 1)))" \
    "$(stat -c %s "$TMP/out")e-6" "$(tail -n 1 "$TMP/rss")"
}
run "policies csv" policies csv
run "policies fhir" policies fhir
run "claims csv" claims csv
printf '\naixind peak resident memory (VmHWM): %s kB\n' "$(awk '/VmHWM/ {print $2}' /proc/$DAEMON/status)"
