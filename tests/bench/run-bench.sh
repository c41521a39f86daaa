#!/usr/bin/env bash
# Run tests/bench/bench_enroll.c against a throwaway PostgreSQL cluster and
# an aixind of its own, then remove both. Arguments go to bench_enroll
# (e.g. --rows 20000 --pairs 6 --modes single-16,batch).
#
#   AIXIN_BIN_DIR=build tests/bench/run-bench.sh --rows 200000
#
# Import mode: `aixin import enrollments` of a generated file end to end
# (client, aixind, PostgreSQL) against psql loading the same file with
# COPY into a staging table and feeding the same batches from it to
# aixin.import_enrollments_bulk (one statement and transaction each);
# alternating, from an empty data set each time; rows/s of every run with
# the load average, the median ratio CLI/psql, aixind's largest RSS
# sampled while the imports ran (the CLI uses a stored session: a password
# login would add the 64 MiB of an Argon2id hash for its duration), and
# its peak RSS (VmHWM) since the runs began:
#
#   tests/bench/run-bench.sh import [--rows 200000] [--pairs 6] [--batch 500]
#
# AIXIN_BENCH_SQL_DIR: the migrations to apply (default deploy/sql; an
# older tree's, with its build in AIXIN_BIN_DIR, measures that version).
# AIXIN_BIN_DIR: the build to use (default: build/, RelWithDebInfo; a
# sanitizer build measures the sanitizer). AIXIN_BENCH_THREADS and
# AIXIN_BENCH_POOL: aixind's event loops and database connections per
# loop (default 2 and 4); bench_enroll gets --direct-conns = their product
# unless given. AIXIN_BENCH_PIPELINE: db_pipeline_depth (unset: aixind's
# default). The cluster keeps fsync and synchronous_commit on.
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
aixin_pg_throwaway_start machine 2>/dev/null
DB="dbname=aixin_bench"
# As deployed: the schema's owner migrates, aixind serves as a role that
# may only execute the functions; bench_enroll reads as the superuser.
aixin_pg_create_roles "dbname=postgres" aixin_owner aixin_serve
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench OWNER aixin_owner"
"$BIN/server/aixind" --migrate --sql-dir "${AIXIN_BENCH_SQL_DIR:-$ROOT/deploy/sql}" --database "$DB user=aixin_owner" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
export AIXIN_USER=admin AIXIN_PASSWORD=bench-admin-password-1
AIXIN_ADMIN_PASSWORD=$AIXIN_PASSWORD "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null

# The benchmark clients (up to 64) log in all at once from one address.
"$BIN/server/aixind" --listen 127.0.0.1:0 --listen-file "$WORK/listen.addr" --database "$DB user=aixin_serve" --threads "$THREADS" \
  --set "db_pool_size=$POOL" ${AIXIN_BENCH_PIPELINE:+--set "db_pipeline_depth=$AIXIN_BENCH_PIPELINE"} --set max_connections=1000 --set pwhash_per_address=64 --set max_unauthenticated_per_address=128 --log-level warn \
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
# 2028 for the enroll-N modes (ages on 2027-12-31: the generated children are 0-6).
cli year open --year 2028 --reference-date 2027-12-31 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 5.00-20.00
for county in 360821 360824; do
  cli terms set --county "$county" --year 2028 --county-share 10.00 --insurer chinalife
done

if [[ ${1:-} == import ]]; then
  shift
  ROWS=200000 PAIRS=6 BATCH=500
  while (($#)); do
    case $1 in
      --rows) ROWS=$2; shift 2 ;;
      --pairs) PAIRS=$2; shift 2 ;;
      --batch) BATCH=$2; shift 2 ;;
      *) aixin_die "import mode takes --rows, --pairs and --batch" ;;
    esac
  done
  # shellcheck source=tests/integration/enrollments_csv.sh
  source "$ROOT/tests/integration/enrollments_csv.sh"
  chmod 755 "$WORK"
  csv=$WORK/enrollments.csv
  enrollments_csv "$ROWS" "$csv"
  chmod 644 "$csv"
  reset_data() {
    psql -X -q -v ON_ERROR_STOP=1 -d aixin_bench -o /dev/null <<'SQL'
SET client_min_messages = warning;
SET session_replication_role = replica;
TRUNCATE aixin.policies, aixin.children, aixin.guardians, aixin.households,
         aixin.idempotency_keys, aixin.audit_log CASCADE;
CHECKPOINT;
SQL
    rm -f "$csv.aixin-progress" "$WORK/enrollments.errors.csv"
  }
  policies() { psql -X -A -t -d aixin_bench -c "SELECT count(*) FROM aixin.policies"; }
  run_cli() {
    reset_data
    local t0 t1
    t0=$(date +%s.%N)
    # With the stored session (as an office works): no password hash
    # (Argon2id, 64 MiB in aixind while it runs) inside the measurement.
    env -u AIXIN_USER -u AIXIN_PASSWORD \
      "$BIN/client/aixin" import enrollments "$csv" --batch "$BATCH" >"$WORK/cli.out" 2>&1 &
    local cli_pid=$! rss
    # aixind's resident size while the import runs, every 0.1 s.
    while kill -0 "$cli_pid" 2>/dev/null; do
      rss=$(awk '/VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status")
      ((rss > RSS_MAX)) && RSS_MAX=$rss
      sleep 0.1
    done
    wait "$cli_pid" || { cat "$WORK/cli.out"; aixin_die "aixin import failed"; }
    t1=$(date +%s.%N)
    [[ $(policies) == "$ROWS" ]] || aixin_die "CLI run: $(policies) policies, not $ROWS"
    echo "$ROWS / ($t1 - $t0)" | bc -l
  }
  have_bulk=$(psql -X -A -t -d aixin_bench -c "SELECT to_regproc('aixin.import_enrollments_bulk') IS NOT NULL")
  run_psql() { # KEYBASE
    [[ $have_bulk == t ]] || { echo 0; return; }
    reset_data
    local t0 t1
    t0=$(date +%s.%N)
    # The file by COPY into a staging table, then one statement (and one
    # transaction) per batch, its arrays read from the staging table.
    psql -X -q -v ON_ERROR_STOP=1 -d aixin_bench -o /dev/null <<SQL
SELECT id AS admin FROM aixin.accounts WHERE username = 'admin' \gset
CREATE TEMP TABLE stage (note text, child_id text, child_name text, policy_year int,
  township text, household_kind text, certificate_no text, guardian_id text,
  guardian_name text, child_sex text, child_birth_date date);
\copy stage FROM '$csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE stage ADD COLUMN ord serial;
ALTER TABLE stage ADD COLUMN b int;
UPDATE stage SET b = (ord - 1) / $BATCH;
CREATE INDEX ON stage (b, ord);
ANALYZE stage;
SELECT format('SELECT count(*) FROM (SELECT a.* FROM (SELECT array_agg(decode(lpad(to_hex(ord + %s), 32, ''0''), ''hex'') ORDER BY ord) k,
  array_agg(ord + 1 ORDER BY ord) l, array_agg(policy_year ORDER BY ord) y, array_agg(township ORDER BY ord) t,
  array_agg(household_kind ORDER BY ord) hk, array_agg(certificate_no ORDER BY ord) c, array_agg(guardian_id ORDER BY ord) g,
  array_agg(guardian_name ORDER BY ord) gn, array_agg(child_id ORDER BY ord) ci, array_agg(child_name ORDER BY ord) cn,
  array_agg(child_sex ORDER BY ord) cs, array_agg(child_birth_date ORDER BY ord) cb FROM stage WHERE b = %s) s,
  aixin.import_enrollments_bulk(%s, %s, s.k, s.l, s.y, s.t, s.hk, s.c, s.g, s.gn, s.ci, s.cn, s.cs, s.cb) a) x',
              $1, b, :admin, b)
  FROM generate_series(0, (SELECT max(b) FROM stage)) b \gexec
SQL
    t1=$(date +%s.%N)
    [[ $(policies) == "$ROWS" ]] || aixin_die "psql run: $(policies) policies, not $ROWS"
    echo "$ROWS / ($t1 - $t0)" | bc -l
  }
  printf 'import: %d rows, batches of %d, %d pairs; aixind %d event loops x %d database connections; %s cores\n' \
    "$ROWS" "$BATCH" "$PAIRS" "$THREADS" "$POOL" "$(nproc)"
  cli login
  # Peak RSS from here on (the startup's dummy hash and the logins above
  # not counted): Linux resets VmHWM on "5" written to clear_refs.
  echo 5 >"/proc/$DAEMON_PID/clear_refs" 2>/dev/null || true
  ratios=()
  RSS_MAX=0
  for ((p = 0; p < PAIRS; p++)); do
    cli_rate= psql_rate=
    for k in 0 1; do
      load=$(uptime | sed 's/.*load average: //')
      if (( (k == 0) == (p % 2 == 0) )); then
        psql_rate=$(run_psql $(( (p + 1) * 100000000 )))
        printf '  pair %d  psql+bulk %8.0f rows/s  (load %s)\n' "$((p + 1))" "$psql_rate" "$load"
      else
        run_cli >"$WORK/cli.rate"
        cli_rate=$(cat "$WORK/cli.rate")
        printf '  pair %d  aixin CLI %8.0f rows/s  (load %s)\n' "$((p + 1))" "$cli_rate" "$load"
      fi
    done
    [[ $have_bulk != t ]] || ratios+=("$(echo "$cli_rate / $psql_rate" | bc -l)")
  done
  [[ $have_bulk == t ]] || ratios=(0)
  printf 'import median CLI/psql over %d pairs: %.3f; aixind RSS during the imports at most %s kB; peak RSS over the runs %s\n' "$PAIRS" \
    "$(printf '%s\n' "${ratios[@]}" | sort -g |
       awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')" \
    "$RSS_MAX" "$(awk '/VmHWM/ { print $2, $3 }' "/proc/$DAEMON_PID/status")"
  exit 0
fi

args=("$@")
[[ " ${args[*]} " == *" --direct-conns "* ]] || args+=(--direct-conns "$((THREADS * POOL))")
printf 'aixind: %s, %d event loops x %d database connections, pipeline depth %s; %s cores\n' \
  "$BIN" "$THREADS" "$POOL" "${AIXIN_BENCH_PIPELINE:-default}" "$(nproc)"
# CPU per row of aixind and of PostgreSQL (see bench_enroll.c).
AIXIN_BENCH_AIXIND_PID=$DAEMON_PID AIXIN_BENCH_POSTMASTER_PID=$(head -n 1 "$AIXIN_PG_TMP/data/postmaster.pid") \
  "$BIN/tests/bench_enroll" --server "$AIXIN_SERVER" --database "$DB" --user admin "${args[@]}"
