#!/usr/bin/env bash
# What one enrollment costs PostgreSQL, measured inside the database so
# that the figures hold on a busy machine: CPU time of the backend (from
# /proc, user + system), WAL bytes and records, and nested statements
# (pg_stat_statements, track = all, in a separate smaller run so that the
# tracking does not weigh on the CPU figures), per enrollment, for
#   import-row   aixin.import_enrollment, one row per transaction;
#   import-bulk  aixin.import_enrollments_bulk, --batch rows per statement
#                (and per transaction);
#   enroll       aixin.enroll of a registered child, one per transaction.
# Each mode runs --pairs times on each schema, alternating, from the same
# empty data set; the median is printed with the load average at the time,
# and, from the tracked run, the nested statements that cost most per row
# (their times include the tracking's own overhead).
#
#   tests/bench/profile-enroll.sh [--rows 2000] [--batch 500] [--pairs 3]
#       [--before GIT-REV]     also measure deploy/sql as of GIT-REV
#       [--modes "import-bulk enroll"]   only these modes
#       [--floor]              also measure the schema without parts of its
#                              integrity checks, to show what they cost and
#                              what the rows' writes cost alone:
#         refs  no foreign keys from the six written tables (households,
#               guardians, children, policies, audit_log, idempotency_keys)
#               to the reference tables (accounts, policy_years, insurers,
#               divisions): the shared rows every row locks FOR KEY SHARE;
#         nofk  no foreign key from the six tables at all;
#         bare  no foreign key, CHECK constraint or trigger on the six
#               tables (no audit chain, no report summary, no statement
#               rules): the heap rows, their indexes and the functions'
#               own queries.
#       The last lines give, per variant, the most rows a second the
#       machine's cores could take at that cost (cores / CPU per row).
#       These variants exist only in the throwaway cluster; nothing of
#       them is ever applied to a real database.
#
# Needs build/server/aixind (AIXIN_BIN_DIR). Runs a throwaway PostgreSQL
# cluster (fsync and synchronous_commit on) with pg_stat_statements loaded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
ROWS=2000 BATCH=500 PAIRS=3 BEFORE= MODES="import-row import-bulk enroll" FLOOR=0
while (($#)); do
  case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --floor) FLOOR=1; shift ;;
    *) aixin_die "see the comment at the top of $0" ;;
  esac
done
[[ -x $BIN/server/aixind ]] || aixin_die "no $BIN/server/aixind: build first"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL
WORK=$(mktemp -d /tmp/aixin-profile.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine >/dev/null 2>&1
printf "shared_preload_libraries = 'pg_stat_statements'\n" |
  aixin_as_account tee -a "$AIXIN_PG_TMP/data/aixin.conf" >/dev/null
aixin_pg_stop "$AIXIN_PG_TMP/data" >/dev/null 2>&1
aixin_pg_start "$AIXIN_PG_TMP/data" "$AIXIN_PG_TMP/postgresql.log" >/dev/null 2>&1

schemas=(now)
mkdir -p "$WORK/sql-now"
cp "$ROOT"/deploy/sql/*.sql "$WORK/sql-now/"
if [[ -n $BEFORE ]]; then
  schemas=(before now)
  mkdir -p "$WORK/sql-before"
  git -C "$ROOT" archive "$BEFORE" deploy/sql | tar -x -C "$WORK/sql-before" --strip-components=2
fi

# The floor variants (--floor): SQL run on a migrated copy of the schema.
written="ARRAY['aixin.households', 'aixin.guardians', 'aixin.children', 'aixin.policies',
               'aixin.audit_log', 'aixin.idempotency_keys']::regclass[]"
# Drop the constraints of the written tables that match CONDITION (on
# pg_constraint c).
drop_constraints() { # CONDITION
  cat <<SQL
DO \$\$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.conrelid::regclass AS t, c.conname FROM pg_constraint c
            WHERE c.conrelid = ANY ($written) AND $1
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
END
\$\$;
SQL
}
strip_sql() { # VARIANT
  local references="c.confrelid = ANY (ARRAY['aixin.accounts', 'aixin.policy_years',
                                             'aixin.insurers', 'aixin.divisions']::regclass[])"
  case $1 in
    refs) drop_constraints "c.contype = 'f' AND $references" ;;
    nofk) drop_constraints "c.contype = 'f'" ;;
    bare)
      drop_constraints "c.contype IN ('f', 'c')"
      cat <<SQL
DO \$\$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY $written LOOP
    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER ALL', t);
  END LOOP;
END
\$\$;
-- The chain's columns were filled by its trigger.
ALTER TABLE aixin.audit_log ALTER chain_seq DROP NOT NULL, ALTER prev_hash DROP NOT NULL,
  ALTER row_hash DROP NOT NULL, ALTER chain_strand DROP NOT NULL, ALTER chain_pos DROP NOT NULL;
SQL
      ;;
  esac
}

# A database per schema with two open years, county terms, and $ROWS
# generated rows (only children, and two-daughter households every tenth).
make_db() { # NAME SQLDIR
  local db=$1 dir=$2
  psql -X -q -d postgres -c "CREATE DATABASE $db"
  "$BIN/server/aixind" --migrate --sql-dir "$dir" --database "dbname=$db" >/dev/null
  aixin_load_divisions "dbname=$db" "$ROOT/deploy/divisions-360800.csv" >/dev/null 2>&1
  AIXIN_ADMIN_PASSWORD=profile-admin-password-1 \
    "$BIN/server/aixind" --create-admin admin --database "dbname=$db" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null <<SQL
CREATE EXTENSION pg_stat_statements;
CREATE FUNCTION public.k(n bigint) RETURNS bytea LANGUAGE sql AS
  \$\$ SELECT decode(lpad(to_hex(n), 32, '0'), 'hex') \$\$;
CREATE FUNCTION public.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS
  \$\$ SELECT d || aixin.id_check_char(d)
       FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x \$\$;
SELECT id AS admin FROM aixin.accounts WHERE username = 'admin' \gset
SELECT * FROM aixin.open_policy_year(:admin, 1, k(900001), 2027, '2027-01-01', 3000, 200, 500, 2000, '[]');
SELECT * FROM aixin.open_policy_year(:admin, 1, k(900002), 2028, '2027-12-31', 3000, 200, 500, 2000, '[]');
SELECT * FROM aixin.register_insurer(:admin, 1, k(900003), 'chinalife', '中国人寿');
SELECT s.* FROM unnest(ARRAY[360821, 360824]) c, unnest(ARRAY[2027, 2028]) y,
       aixin.set_county_terms(:admin, 1, k(900004 + y - 2027 + 2 * (c - 360821)), c::text, y,
                              1000, 'chinalife') s;
CREATE TABLE public.rows AS
SELECT i AS ord, CASE WHEN hn % 2 = 1 THEN '360821100' ELSE '360824100' END AS twp,
       CASE WHEN two THEN 'two_daughters' ELSE 'only_child' END AS kind,
       CASE WHEN two THEN 'ED-' ELSE 'JA-' END || hn AS cert,
       mkid(CASE WHEN hn % 2 = 1 THEN '360821' ELSE '360824' END,
            date '1980-01-01' + (hn % 5000)::int, (hn / 5000 % 500)::int * 2 + 1) AS gid,
       '家长' || hn AS gname,
       mkid(CASE WHEN hn % 2 = 1 THEN '360821' ELSE '360824' END,
            date '2021-01-01' + (i % 1500)::int,
            ((i / 1500)::int * 2 + CASE WHEN two THEN 0 ELSE (i % 2)::int END) % 1000) AS cid,
       '孩子' || i AS cname, i / $BATCH AS part
  FROM generate_series(1, $ROWS) i,
       LATERAL (SELECT i % 20 IN (0, 1) AS two) t,
       LATERAL (SELECT CASE WHEN two THEN 1000000 + (i + 1) / 20 ELSE i END AS hn) h;
SQL
}

load_now() { uptime | sed 's/.*load average: //'; }

# The backend's CPU in microseconds (utime + stime from /proc).
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000000 / hz }' "/proc/$1/stat"; }

# One measured run: MODE DB KEYBASE TRACK -> "cpu_us wal_bytes wal_records statements seconds"
run_mode() {
  local mode=$1 db=$2 base=$3 track=$4 n
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null <<SQL
SET client_min_messages = warning;
SET session_replication_role = replica;
TRUNCATE aixin.audit_log, aixin.idempotency_keys, aixin.policies, aixin.children,
         aixin.guardians, aixin.households CASCADE;
CHECKPOINT;
SQL
  if [[ $mode == enroll ]]; then
    # The children exist (imported for 2027); each is enrolled for 2028.
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null -c "
      SELECT count(*) FROM aixin.accounts a, LATERAL (
        SELECT aixin.import_enrollment(a.id, 1, k(r.ord + 700000000), r.ord, 2027, r.twp, r.kind,
                                       r.cert, r.gid, r.gname, r.cid, r.cname, '', NULL)
          FROM rows r) x WHERE a.username = 'admin'"
  fi
  local fifo_in=$WORK/in.$$ out=$WORK/out.$$
  mkfifo "$fifo_in"
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <"$fifo_in" >"$out" 2>&1 &
  local psql_pid=$!
  exec 7>"$fifo_in"
  local sql
  case $mode in
    import-row)
      sql="SELECT format('EXECUTE imp(%s, %L, %s, %L, %L, %L, %L, %L, %L, %L)', ord, k(ord + $base),
                        ord, twp, kind, cert, gid, gname, cid, cname) FROM rows ORDER BY ord \\gexec" ;;
    import-bulk)
      sql="SELECT format('EXECUTE bulk(%L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L)',
                        array_agg(k(ord + $base) ORDER BY ord), array_agg(ord ORDER BY ord),
                        array_agg(twp ORDER BY ord), array_agg(kind ORDER BY ord),
                        array_agg(cert ORDER BY ord), array_agg(gid ORDER BY ord),
                        array_agg(gname ORDER BY ord), array_agg(cid ORDER BY ord),
                        array_agg(cname ORDER BY ord), array_fill(''::text, ARRAY[count(*)::int]),
                        array_fill(NULL::date, ARRAY[count(*)::int]))
             FROM rows GROUP BY part ORDER BY part \\gexec" ;;
    enroll)
      sql="SELECT format('EXECUTE enr(%L, %L)', k(ord + $base), cid) FROM rows ORDER BY ord \\gexec" ;;
  esac
  cat >&7 <<SQL
SET pg_stat_statements.track = '$track';
SELECT id AS admin FROM aixin.accounts WHERE username = 'admin' \gset
PREPARE imp(int, bytea, int, text, text, text, text, text, text, text) AS
  SELECT 1 FROM aixin.import_enrollment(:admin, \$1, \$2, \$3, 2027, \$4, \$5, \$6, \$7, \$8, \$9,
                                        \$10, '', NULL);
PREPARE enr(bytea, text) AS SELECT 1 FROM aixin.enroll(:admin, 1, \$1, \$2, 2028);
SELECT pg_stat_statements_reset();
SELECT pg_stat_reset_shared('wal');
SELECT pg_backend_pid();
SQL
  if [[ $mode == import-bulk ]]; then
    printf '%s\n' "PREPARE bulk(bytea[], int[], text[], text[], text[], text[], text[], text[], text[], text[], date[]) AS
  SELECT count(*) FROM aixin.import_enrollments_bulk(:admin, 1, \$1, \$2,
    array_fill(2027, ARRAY[cardinality(\$1)]), \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10, \$11);" >&7
  fi
  printf '\\echo ready\n' >&7
  local i pid=""
  for ((i = 0; i < 600; i++)); do
    if grep -q '^ready$' "$out" 2>/dev/null; then
      pid=$(grep -E '^[0-9]+$' "$out" | tail -n1)
      break
    fi
    sleep 0.1
  done
  [[ -n $pid ]] || { cat "$out"; aixin_die "psql did not start"; }
  local cpu0 t0 cpu1 t1
  cpu0=$(cpu_us "$pid")
  t0=$(date +%s.%N)
  printf '%s\n\\echo done\n' "$sql" >&7
  for ((i = 0; i < 36000; i++)); do
    grep -q '^done$' "$out" 2>/dev/null && break
    grep -q 'ERROR' "$out" 2>/dev/null && { cat "$out"; aixin_die "$mode failed"; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  cpu1=$(cpu_us "$pid")
  cat >&7 <<'SQL'
SELECT pg_stat_force_next_flush();
\echo stats
SELECT wal_bytes || ' ' || wal_records FROM pg_stat_wal;
SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel IS FALSE;
\echo anatomy
SELECT round(total_exec_time * 1000) || ' ' || calls || ' '
       || left(regexp_replace(query, '\s+', ' ', 'g'), 100)
  FROM pg_stat_statements
 WHERE toplevel IS FALSE
 ORDER BY total_exec_time DESC LIMIT 12;
SQL
  exec 7>&-
  wait "$psql_pid"
  rm -f "$fifo_in"
  local wal stmts
  wal=$(sed -n '/^stats$/{n;p}' "$out")
  stmts=$(sed -n '/^stats$/{n;n;p}' "$out")
  # The nested statements that cost most, per row (tracked runs only).
  sed -n '/^anatomy$/,$p' "$out" | sed '1d' |
    awk -v rows="$ROWS" '{ us = $1; calls = $2; $1 = $2 = ""
                           printf "%7.1f us %7.2f calls per row  %s\n", us / rows, calls / rows, $0 }' \
    >"$WORK/$mode.$db.anatomy"
  n=$(psql -X -q -A -t -d "$db" -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $([[ $mode == enroll ]] && echo 2028 || echo 2027)")
  [[ $n == "$ROWS" ]] || { cat "$out"; aixin_die "$mode: $n policies, not $ROWS"; }
  rm -f "$out"
  printf '%s %s %s %s\n' "$(echo "$cpu1 - $cpu0" | bc)" "$wal" "$stmts" "$(echo "$t1 - $t0" | bc)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

for s in "${schemas[@]}"; do make_db "profile_$s" "$WORK/sql-$s"; done
if ((FLOOR)); then
  for v in refs nofk bare; do
    psql -X -q -d postgres -c "CREATE DATABASE profile_$v TEMPLATE profile_now"
    strip_sql "$v" | psql -X -q -v ON_ERROR_STOP=1 -d "profile_$v" -o /dev/null
    schemas+=("$v")
  done
fi
printf 'profile-enroll: %d rows per run, batch %d, %d runs per schema and mode; %s cores; fsync=%s synchronous_commit=%s\n' \
  "$ROWS" "$BATCH" "$PAIRS" "$(nproc)" "$(psql -X -A -t -d postgres -c 'SHOW fsync')" \
  "$(psql -X -A -t -d postgres -c 'SHOW synchronous_commit')"
base=0
for mode in $MODES; do
  for s in "${schemas[@]}"; do
    if [[ $mode == import-bulk ]] &&
       [[ -z $(psql -X -A -t -d "profile_$s" -c "SELECT to_regproc('aixin.import_enrollments_bulk')") ]]; then
      continue
    fi
    : >"$WORK/$s.$mode"
  done
  for ((p = 0; p < PAIRS; p++)); do
    order=("${schemas[@]}")
    ((p % 2 == 0)) || order=($(printf '%s\n' "${schemas[@]}" | tac))
    for s in "${order[@]}"; do
      [[ -e $WORK/$s.$mode ]] || continue
      base=$((base + 1000000))
      load=$(load_now)
      read -r cpu walb walr _ secs < <(run_mode "$mode" "profile_$s" "$base" none)
      printf '  %-11s %-6s run %d: %7.0f us CPU, %6.0f WAL bytes, %5.1f WAL records per row; %7.0f rows/s; load %s\n' \
        "$mode" "$s" "$((p + 1))" "$(echo "$cpu / $ROWS" | bc -l)" "$(echo "$walb / $ROWS" | bc -l)" \
        "$(echo "$walr / $ROWS" | bc -l)" "$(echo "$ROWS / $secs" | bc -l)" "$load"
      printf '%s %s %s %s\n' "$(echo "$cpu / $ROWS" | bc -l)" "$(echo "$walb / $ROWS" | bc -l)" \
        "$(echo "$walr / $ROWS" | bc -l)" "$(echo "$ROWS / $secs" | bc -l)" >>"$WORK/$s.$mode"
    done
  done
  for s in "${schemas[@]}"; do
    [[ -e $WORK/$s.$mode ]] || continue
    base=$((base + 1000000))
    small=$((ROWS < 500 ? ROWS : 500))
    saved=$ROWS
    ROWS=$small
    psql -X -q -d "profile_$s" -c "CREATE TABLE rows_all AS SELECT * FROM rows; DELETE FROM rows WHERE ord > $small"
    read -r _ _ _ stmts _ < <(run_mode "$mode" "profile_$s" "$base" all)
    psql -X -q -d "profile_$s" -c "DROP TABLE rows; ALTER TABLE rows_all RENAME TO rows"
    ROWS=$saved
    printf '%-11s %-6s median: %7.0f us CPU, %6.0f WAL bytes, %5.1f WAL records, %5.1f nested statements per row; %7.0f rows/s\n' \
      "$mode" "$s" "$(cut -d' ' -f1 "$WORK/$s.$mode" | median)" "$(cut -d' ' -f2 "$WORK/$s.$mode" | median)" \
      "$(cut -d' ' -f3 "$WORK/$s.$mode" | median)" "$(echo "$stmts / $small" | bc -l)" \
      "$(cut -d' ' -f4 "$WORK/$s.$mode" | median)"
    printf '  where the time goes (nested statements, %d rows, pg_stat_statements track = all):\n' "$small"
    sed 's/^/    /' "$WORK/$mode.profile_$s.anatomy"
  done
done

if ((FLOOR)); then
  printf 'what the cores could take at each cost (%s cores / median CPU per row):\n' "$(nproc)"
  for mode in $MODES; do
    for s in "${schemas[@]}"; do
      [[ -e $WORK/$s.$mode ]] || continue
      printf '  %-11s %-6s %7.0f us per row: at most %7.0f rows/s\n' "$mode" "$s" \
        "$(cut -d' ' -f1 "$WORK/$s.$mode" | median)" \
        "$(echo "$(nproc) * 1000000 / $(cut -d' ' -f1 "$WORK/$s.$mode" | median)" | bc -l)"
    done
  done
fi
