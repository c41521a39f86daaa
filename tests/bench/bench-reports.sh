#!/usr/bin/env bash
# Time every report on a province-sized programme: a throwaway PostgreSQL
# cluster, migrated by aixind, the Ji'an divisions, the city admin, then
# tests/bench/gen_province.sql (about 1.1 million policies over five years
# with claims in every state), VACUUM ANALYZE, and each report kind at the
# city, a county and a township, for the last year and for all five.
# Prints the generator's time and row counts, then a table of milliseconds
# (the median of --runs calls after one warm-up call; psql client time,
# rows fetched).  Everything is removed afterwards.
#
#   AIXIN_BIN_DIR=/tmp/build tests/bench/bench-reports.sh [--per-year N]
#       [--years N] [--claim-rate F] [--runs N]
#
# AIXIN_BIN_DIR: the build whose aixind migrates the database (default
# build/).  The cluster keeps fsync and synchronous_commit on.
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
CLAIM_RATE=0.03
RUNS=5
while (($#)); do
  case $1 in
    --per-year) PER_YEAR=$2; shift 2 ;;
    --years) YEARS=$2; shift 2 ;;
    --claim-rate) CLAIM_RATE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) aixin_die "unknown argument $1 (see the top of $0)" ;;
  esac
done
[[ -x $BIN/server/aixind ]] || aixin_die "no $BIN/server/aixind: build first (cmake --build $BIN --target aixind)"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
cleanup() {
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
DB="dbname=aixin_bench_reports"
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_reports"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=bench-admin-password-1 "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null

bench_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"
}
now_ms() { date +%s%3N; }

printf 'generating: %s years, about %s policies a year, claims on %s of them\n' \
  "$YEARS" "$PER_YEAR" "$CLAIM_RATE"
t0=$(now_ms)
bench_psql -v years="$YEARS" -v per_year="$PER_YEAR" -v claim_rate="$CLAIM_RATE" \
  -f "$ROOT/tests/bench/gen_province.sql"
t1=$(now_ms)
bench_psql -c "VACUUM ANALYZE"
t2=$(now_ms)
printf 'generator: %.1f s; VACUUM ANALYZE: %.1f s\n' "$((t1 - t0))e-3" "$((t2 - t1))e-3"
policies=$(bench_psql -At -c "SELECT count(*) FROM aixin.policies")
((policies >= 1000000)) || printf 'note: %s policies (fewer than a million)\n' "$policies"
printf 'database size: %s; cores: %s; load average: %s\n' \
  "$(bench_psql -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

# The roots: the city, the county and the township with the most policies.
read -r admin last first city county township < <(bench_psql -At -F' ' -c "
  SELECT (SELECT id FROM aixin.accounts WHERE username = 'admin'),
         (SELECT max(year) FROM aixin.policy_years), (SELECT min(year) FROM aixin.policy_years),
         (SELECT code FROM aixin.divisions WHERE level = 'city'),
         (SELECT d.county_code FROM aixin.report_policy_totals t
            JOIN aixin.divisions d ON d.code = t.township_code
           GROUP BY d.county_code ORDER BY sum(t.policies) DESC, d.county_code LIMIT 1),
         (SELECT t.township_code FROM aixin.report_policy_totals t
           GROUP BY t.township_code ORDER BY sum(t.policies) DESC, t.township_code LIMIT 1)")

# Median milliseconds of RUNS calls (after a warm-up), measured by psql.
time_report() { # KIND FROM TO DIVISION
  local sql="SELECT * FROM aixin.report_$1($admin, $2, $3, '$4')" script="" i
  for ((i = 0; i <= RUNS; i++)); do script+="$sql;"$'\n'; done
  bench_psql -o /dev/null -c '\timing on' -f <(printf '%s' "$script") 2>&1 \
    | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n +2 | sort -n \
    | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

printf '\nmilliseconds per report (median of %s):\n' "$RUNS"
printf '%-11s %12s %12s %12s %12s %12s %12s\n' kind \
  "city $last" "city all" "county $last" "county all" "twp $last" "twp all"
printf '%-11s %12s %12s %12s %12s %12s %12s\n' "" "$city" "$first-$last" "$county" "$first-$last" \
  "$township" "$first-$last"
for kind in enrollment funding claims service insurers assessment; do
  cells=()
  for root in "$city" "$county" "$township"; do
    for range in "$last $last" "$first $last"; do
      if [[ $kind == assessment && $root == "$township" ]]; then
        cells+=("n/a")
      else
        # shellcheck disable=SC2086 # range is two words on purpose
        cells+=("$(time_report "$kind" $range "$root")")
      fi
    done
  done
  printf '%-11s %12s %12s %12s %12s %12s %12s\n' "$kind" "${cells[@]}"
done
printf '\n(assessment of a township: refused, counties only)\n'

# The funding ledger (aixin.get_ledger; year 0 = every year), read from the
# report summary since 0010.
time_ledger() { # YEAR DIVISION
  local sql="SELECT * FROM aixin.get_ledger($admin, $1, '$2')" script="" i
  for ((i = 0; i <= RUNS; i++)); do script+="$sql;"$'\n'; done
  bench_psql -o /dev/null -c '\timing on' -f <(printf '%s' "$script") 2>&1 \
    | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n +2 | sort -n \
    | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
printf '%-11s %12s %12s %12s %12s %12s %12s\n' ledger \
  "$(time_ledger "$last" "$city")" "$(time_ledger 0 "$city")" \
  "$(time_ledger "$last" "$county")" "$(time_ledger 0 "$county")" \
  "$(time_ledger "$last" "$township")" "$(time_ledger 0 "$township")"
