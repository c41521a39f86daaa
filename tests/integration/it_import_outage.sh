#!/usr/bin/env bash
# An import rides through a database outage shorter than its patience, and
# its summary is true for every row (issue: gave up after the database was
# back, and called committed rows "not done").
#
# (1) PostgreSQL stopped at once (-m immediate) a quarter into an import
#     and started again 10 s later (AIXIN_OUTAGE_S=60 for the minute-long
#     outage of the longer run; the default patience is 120 s): the
#     import goes on by itself, exit 0,
#     and enrolled + already done = the rows of the file = the policies.
#     It said "retrying", never "gave up".
# (2) The same with --patience 4 and the database left down: the client
#     gives up (exit 3). Its summary is checked against the database once
#     it is back: the rows it called enrolled are there; of the rows "sent
#     without an answer" some may be; nothing else is. A rerun finds each
#     of those "already done", and skips exactly the rows called enrolled.
# (3) kill -9 of the postmaster during an import: ridden through as (1).
#
# Rows: 2,000; 1,000 in a sanitizer build. This test runs its own
# PostgreSQL cluster, since it stops it.
unset PGHOST PGPORT PGUSER PGDATABASE
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

ROWS=2000
[[ $AIXIN_BIN_DIR != *asan* ]] || ROWS=1000
OUTAGE_S=${AIXIN_OUTAGE_S:-10}

it_create_db
it_start_daemon
faults_programme 2027 2028 2029

pg_stop_now() {
  aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$AIXIN_PG_TMP/data" -m immediate -w -t 60 stop \
    >/dev/null || it_fail "pg_ctl stop"
}
pg_start() {
  aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$AIXIN_PG_TMP/data" -l "$AIXIN_PG_TMP/postgresql.log" \
    -w -t 60 start >/dev/null || it_fail "pg_ctl start"
}
# Until a login works again (aixind reconnects with a backoff), 30 s.
wait_for_login() {
  local i
  for ((i = 0; i < 60; i++)); do
    "$AIXIN_CLI" whoami >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  it_fail "no login within 30 s of PostgreSQL's start"
}
# Wait (at most 120 s) until YEAR has more than N policies while PID runs.
wait_for_policies() {
  local year=$1 n=$2 pid=$3 i
  for ((i = 0; i < 600; i++)); do
    (( $(policies "$year") > n )) && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
# Run the import of CSV in the background: output in $IT_LAST_OUT/ERR.
# Batches of 20: the set-based import commits a default batch of 500 in a
# moment, and each outage must fall inside the import, not after it.
import_bg() {
  "$AIXIN_CLI" import enrollments --batch 20 "$@" >"$IT_LAST_OUT" 2>"$IT_LAST_ERR" </dev/null &
  client=$!
}
import_wait() {
  local want=$1
  IT_LAST_RC=0
  wait "$client" || IT_LAST_RC=$?
  if [[ $IT_LAST_RC != "$want" ]]; then
    cat "$IT_LAST_OUT" "$IT_LAST_ERR"
    it_fail "the import exited $IT_LAST_RC, expected $want"
  fi
  it_pass "the import exited $want"
}

csv=$IT_TMP/rows-2027.csv
enrollments_csv "$ROWS" "$csv"

# --- (1) an outage of OUTAGE_S seconds ---------------------------------------------------------
import_bg "$csv"
wait_for_policies 2027 $((ROWS / 4)) "$client" || it_fail "the import ended before the outage"
pg_stop_now
it_log "PostgreSQL stopped with the import a quarter in; starting it in $OUTAGE_S s"
sleep "$OUTAGE_S"
pg_start
import_wait 0
cat "$IT_LAST_OUT"
it_assert_eq "$ROWS" "$(( $(summary_count 'enrolled now:') + $(summary_count 'already done:') ))" \
  "enrolled + already done = every row"
it_assert_eq "$ROWS" "$(policies 2027)" "every row has its policy"
it_assert_eq 0 "$(doubled)" "none doubled"
it_assert_contains "$(it_last_stderr)" "retrying" "the client said it was retrying"
[[ $(it_last_stderr) != *"gave up"* ]] || it_fail "the client said it gave up"
it_pass "and never that it gave up"
[[ $(it_last_stdout) != *"not done"* ]] || it_fail "rows not done"

# --- (2) patience runs out -------------------------------------------------------------
csv2=$IT_TMP/rows-2028.csv
sed 's/,2027,/,2028,/' "$csv" >"$csv2"
# Batches of 5 and the stop at a tenth: the import must still be running
# when the database goes down, however fast it is.
import_bg "$csv2" --patience 4 --batch 5
wait_for_policies 2028 $((ROWS / 10)) "$client" || it_fail "the import ended before the outage"
pg_stop_now
import_wait 3
cat "$IT_LAST_OUT"
it_assert_contains "$(it_last_stderr)" "gave up after 4 s" "the client says it gave up, and when"
enrolled=$(summary_count 'enrolled now:')
not_done=$(summary_count 'not done:')
unknown=$(it_last_stdout | sed -n 's/^not done: *[0-9]* (\([0-9]*\) sent without an answer.*/\1/p')
it_assert_eq "$ROWS" "$((enrolled + not_done))" "every row is enrolled or not done"
pg_start
wait_for_login
present=$(policies 2028)
it_log "client: $enrolled enrolled, $not_done not done ($unknown sent without an answer); database: $present"
(( enrolled <= present && present <= enrolled + unknown )) ||
  it_fail "the summary is not true: $enrolled enrolled, $unknown unknown, $present present"
it_pass "every row called enrolled is present; nothing beyond the rows without an answer"
it_expect_exit 0 "$AIXIN_CLI" import enrollments "$csv2"
it_assert_eq "$enrolled" "$(it_last_stdout | sed -n 's/.*, \([0-9]*\) skipped as.*/\1/p')" \
  "the rerun skips exactly the rows called enrolled"
it_assert_eq "$((present - enrolled))" \
  "$(it_last_stdout | sed -n 's/.*(\([0-9]*\) answered as done before.*/\1/p')" \
  "and finds the committed rows without an answer already done"
it_assert_eq "$ROWS" "$(policies 2028)" "every row has its policy"
it_assert_eq 0 "$(doubled)" "none doubled"

# --- (3) kill -9 of the postmaster -------------------------------------------------------
# (The children born in 2021 are 7 in 2029: left out.)
csv3=$IT_TMP/rows-2029.csv
sed -e 's/,2027,/,2029,/' -e '/,2021-[0-9-]*$/d' "$csv" >"$csv3"
ROWS=$(( $(wc -l <"$csv3") - 1 ))
import_bg "$csv3"
wait_for_policies 2029 $((ROWS / 4)) "$client" || it_fail "the import ended before the kill"
postmaster=$(head -n1 "$AIXIN_PG_TMP/data/postmaster.pid")
kill -KILL "$postmaster"
# The backends notice their postmaster died and leave; then it can start.
for ((i = 0; i < 100; i++)); do
  pgrep -u "$AIXIN_USER_ACCOUNT" -f "postgres: .*$IT_DB" >/dev/null || break
  sleep 0.1
done
sleep 2
pg_start
import_wait 0
it_assert_eq "$ROWS" "$(( $(summary_count 'enrolled now:') + $(summary_count 'already done:') ))" \
  "after kill -9 of the postmaster: enrolled + already done = every row"
it_assert_eq "$ROWS" "$(policies 2029)" "every row has its policy"
it_assert_eq 0 "$(doubled)" "none doubled"
it_stop_daemon
