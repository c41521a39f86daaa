#!/usr/bin/env bash
# Imports survive crashes. (1) kill -9 of aixind while a 20,000-row import
# runs (once about a quarter of the policies are in), and of the client
# too (the office's power went); aixind is started again and the same
# import run again: exactly 20,000 policies, no child twice in a year, and
# every row the client had reported acknowledged (its resume file) was in
# the database the moment the daemon died. (2) PostgreSQL restarted (fast
# shutdown) in the middle of importing the same children for the next
# year: aixind reconnects by itself, the client retries, and the outcome
# is the same exact count with no new household or child; then, in the
# same import, PostgreSQL killed with SIGKILL (postmaster and backends:
# crash recovery on restart) while batches are in flight. Every batch
# goes to PostgreSQL as one aixin.import_enrollments_bulk statement in
# its own transaction; the daemon's log shows that no batch fell back to
# row-by-row calls.
#
# Rows: 20,000; 4,000 in a sanitizer build (AIXIN_BIN_DIR containing
# "asan"); AIXIN_CRASH_ROWS overrides. This test always runs its own
# PostgreSQL cluster, since it restarts it.
unset PGHOST PGPORT PGUSER PGDATABASE
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

ROWS=20000
[[ $AIXIN_BIN_DIR != *asan* ]] || ROWS=4000
ROWS=${AIXIN_CRASH_ROWS:-$ROWS}

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
policies() { it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $1"; }
duplicates() {
  it_psql -c "SELECT count(*) FROM (SELECT child_id, policy_year FROM aixin.policies
                GROUP BY 1, 2 HAVING count(*) > 1) d"
}
# How many children of the rows the progress file of CSV lists as done
# (its "done KEY LINE" lines) have no policy in YEAR.
missing_of_acked() {
  local csv=$1 year=$2
  it_psql -c "CREATE TEMP TABLE rows_acked (child text)" \
    -c "\\copy rows_acked FROM pstdin" \
    -c "SELECT count(*) FROM rows_acked r WHERE NOT EXISTS (
          SELECT 1 FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
           WHERE c.id_number = r.child AND p.policy_year = $year)" \
    < <(awk 'NR == FNR { if ($1 == "done") want[$3] = 1; next }
             FNR in want { split($0, f, ","); print f[2] }' "$csv.aixin-progress" "$csv")
}
# Wait (at most 240 s) until YEAR has more than N policies; false if the
# import finished first.
wait_for_policies() {
  local year=$1 n=$2 pid=$3 i
  for ((i = 0; i < 1200; i++)); do
    (( $(policies "$year") > n )) && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
acked_records() { grep -c '^done ' "$1.aixin-progress" 2>/dev/null || true; }

for year in 2027 2028; do
  # 2028 counts ages on 2027-12-31, so that every child of the file is 0-6.
  ref=$([[ $year == 2027 ]] && echo 2027-01-01 || echo 2027-12-31)
  cli 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$ref" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 5.00-20.00
done
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for year in 2027 2028; do
  for county in 360821 360824; do
    cli 0 "$AIXIN_CLI" terms set --county "$county" --year "$year" --county-share 10.00 \
      --insurer chinalife
  done
done

csv=$IT_TMP/rows-2027.csv
enrollments_csv "$ROWS" "$csv"
it_log "importing $ROWS rows"

# --- (1) kill -9 aixind ------------------------------------------------------------
"$AIXIN_CLI" import enrollments "$csv" >"$IT_TMP/run1.out" 2>"$IT_TMP/run1.err" </dev/null &
client=$!
wait_for_policies 2027 $((ROWS / 4)) "$client" || it_fail "the import ended before the kill"
it_kill_daemon
kill -KILL "$client" 2>/dev/null || true
wait "$client" 2>/dev/null || true
acked=$(acked_records "$csv")
it_log "aixind killed with $(policies 2027) policies in; the client had $acked rows acknowledged"
it_assert_eq 0 "$(missing_of_acked "$csv" 2027)" \
  "every row acknowledged before the kill ($acked) is in the database"
it_start_daemon
cli 0 "$AIXIN_CLI" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "skipped as acknowledged by this database in an earlier run" \
  "the rerun skipped the acknowledged rows"
it_assert_eq "$ROWS" "$(policies 2027)" "exactly $ROWS policies after the rerun"
it_assert_eq 0 "$(duplicates)" "no child enrolled twice in a year"
it_assert_eq 0 "$(missing_of_acked "$csv" 2027)" "every row of the file is enrolled"
it_assert_eq "$ROWS" "$(acked_records "$csv")" "the resume file covers the whole file"

# --- (2) PostgreSQL restarted ------------------------------------------------------
households=$(it_psql -c "SELECT count(*) FROM aixin.households")
children=$(it_psql -c "SELECT count(*) FROM aixin.children")
csv2=$IT_TMP/rows-2028.csv
sed 's/,2027,/,2028,/' "$csv" >"$csv2"
"$AIXIN_CLI" import enrollments "$csv2" --batch 50 >"$IT_TMP/run2.out" 2>"$IT_TMP/run2.err" </dev/null &
client=$!
wait_for_policies 2028 $((ROWS / 4)) "$client" || it_fail "the import ended before the restart"
acked=$(acked_records "$csv2")
aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$AIXIN_PG_TMP/data" -m fast -w -t 60 \
  -l "$AIXIN_PG_TMP/postgresql.log" restart >/dev/null || it_fail "pg_ctl restart"
it_log "PostgreSQL restarted with $acked rows acknowledged"
# Then kill -9 of PostgreSQL itself once more rows are in.
if wait_for_policies 2028 $(( $(policies 2028) + ROWS / 10 )) "$client"; then
  pm=$(head -n1 "$AIXIN_PG_TMP/data/postmaster.pid")
  backends=$(ps -o pid= --ppid "$pm" | tr -d ' ' | tr '\n' ' ')
  kill -KILL "$pm" $backends 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pm" 2>/dev/null || break
    sleep 0.1
  done
  it_log "PostgreSQL killed (SIGKILL) with $(acked_records "$csv2") rows acknowledged"
  sleep 1
  aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$AIXIN_PG_TMP/data" -w -t 60 \
    -l "$AIXIN_PG_TMP/postgresql.log" start >/dev/null || it_fail "pg_ctl start after SIGKILL"
else
  it_fail "the import ended before PostgreSQL could be killed"
fi
rc=0
wait "$client" || rc=$?
cat "$IT_TMP/run2.out"
if [[ $rc == 3 ]]; then
  # Crash recovery outlasted the client's patience (a loaded machine): it
  # said to run the same command again, and that finishes the file.
  it_log "the client gave up during crash recovery (exit 3); running it again"
  cli 0 "$AIXIN_CLI" import enrollments "$csv2"
  printf '%s\n' "$(it_last_stdout)"
elif [[ $rc != 0 ]]; then
  cat "$IT_TMP/run2.err"
  it_fail "the import did not ride out the PostgreSQL restart and kill (exit $rc)"
fi
it_pass "the import went through the PostgreSQL restart and kill -9"
it_assert_eq "$ROWS" "$(policies 2028)" "exactly $ROWS policies for the second year"
it_assert_eq 0 "$(duplicates)" "still no child enrolled twice in a year"
it_assert_eq "$households" "$(it_psql -c "SELECT count(*) FROM aixin.households")" \
  "no household created twice (matched by certificate)"
it_assert_eq "$children" "$(it_psql -c "SELECT count(*) FROM aixin.children")" \
  "no child created twice (matched by ID number)"
cli 0 "$AIXIN_CLI" import enrollments "$csv2"
it_assert_contains "$(it_last_stdout)" "enrolled now:  0" "a rerun after the restart adds nothing"
it_assert_eq "$((2 * ROWS))" "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys
                                             WHERE operation = 'import.enrollment'")" \
  "one stored key per enrolled row"
it_assert_eq "$((2 * ROWS))" "$(it_psql -c "SELECT count(*) FROM aixin.audit_log
                                             WHERE action = 'import.enrollment'")" \
  "one audit row per enrolled row"
it_assert_eq 0 "$(grep -c 'event=import_bulk_fallback' "$IT_DAEMON_LOG")" \
  "every batch went to PostgreSQL as one set-based statement"
it_stop_daemon
