#!/usr/bin/env bash
# Time a city-wide renewal (续保): a throwaway cluster migrated by aixind,
# one policy year filled by tests/bench/gen_province.sql (about PER_YEAR
# policies), the next year opened with every county's terms, then
# aixin.renew_policies batch after batch (BATCH children each, one
# transaction each, as the client sends them): a dry run of the first
# batch, the whole renewal, and a second run that finds everyone renewed.
# Prints children per second. Everything is removed afterwards.
#
#   AIXIN_BIN_DIR=build tests/bench/bench-renew.sh [--per-year N] [--batch N]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
PER_YEAR=215000
BATCH=500
while (($#)); do
  case $1 in
    --per-year) PER_YEAR=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    *) aixin_die "unknown argument $1 (see the top of $0)" ;;
  esac
done
[[ -x $BIN/server/aixind ]] || aixin_die "no $BIN/server/aixind: build first"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER
cleanup() {
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
DB="dbname=aixin_bench_renew"
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_renew"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=bench-admin-password-1 "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null

bench_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"
}
now_ms() { date +%s%3N; }

printf 'generating one policy year of about %s policies\n' "$PER_YEAR"
bench_psql -v years=1 -v per_year="$PER_YEAR" -v claim_rate=0 -f "$ROOT/tests/bench/gen_province.sql"
read -r admin from < <(bench_psql -At -F' ' -c "
  SELECT (SELECT id FROM aixin.accounts WHERE username = 'admin'),
         (SELECT max(year) FROM aixin.policy_years)")
to=$((from + 1))
# The next year: the same terms, each county's share and insurer again.
bench_psql -c "
  SELECT count(*) FROM aixin.open_policy_year($admin, 1, substring(sha256(convert_to(random()::text, 'UTF8')) FROM 1 FOR 16), $to,
           make_date($to, 1, 1), 3000, 500, 500, 1500,
           '[{\"event\": \"illness\", \"max_payout_fen\": 2000000}]');
  SELECT count(*) FROM aixin.county_terms t,
    LATERAL aixin.set_county_terms($admin, 2, substring(sha256(convert_to(random()::text, 'UTF8')) FROM 1 FOR 16), t.county_code, $to,
                                   t.county_share_fen, (SELECT code FROM aixin.insurers i
                                                         WHERE i.id = t.insurer_id)) x
   WHERE t.policy_year = $from;" >/dev/null
bench_psql -c "VACUUM ANALYZE"
policies=$(bench_psql -At -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $from")
printf '%s policies in %s; cores: %s; load average: %s\n' "$policies" "$from" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"

# One batch: prints "next_after done renewed".
batch() { # AFTER DRY_RUN
  bench_psql -At -F' ' -c "
    SELECT max(next_after), bool_and(done), count(*) FILTER (WHERE outcome = 'renewed')
      FROM aixin.renew_policies($admin, 1, $from, $to, NULL, $2, $1, $BATCH)"
}
# The whole renewal; prints "batches renewed milliseconds".
renew_all() {
  local after=0 done=f n=0 total=0 next renewed t0
  t0=$(now_ms)
  while [[ $done != t ]]; do
    read -r next done renewed < <(batch "$after" false)
    after=$next
    n=$((n + 1))
    total=$((total + renewed))
  done
  printf '%s %s %s\n' "$n" "$total" "$(($(now_ms) - t0))"
}

t0=$(now_ms)
batch 0 true >/dev/null
printf 'dry run of one batch of %s: %s ms\n' "$BATCH" "$(($(now_ms) - t0))"
read -r n renewed ms < <(renew_all)
printf 'renewal: %s batches, %s children renewed in %.1f s (%s children/s over %s insured)\n' \
  "$n" "$renewed" "${ms}e-3" "$((policies * 1000 / (ms > 0 ? ms : 1)))" "$policies"
read -r n renewed ms < <(renew_all)
printf 'second run: %s batches, %s renewed, %.1f s\n' "$n" "$renewed" "${ms}e-3"
printf 'policies of %s: %s\n' "$to" \
  "$(bench_psql -At -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $to")"
