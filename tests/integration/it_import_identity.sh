#!/usr/bin/env bash
# An import's progress file trusts only the database that acknowledged its
# rows (HelloOk.identity: PostgreSQL's system identifier, the database id
# made by migration 0008, the restore id). Import 300 rows; the progress
# file names the database's identity; a rerun skips every row. After
# aixin.mark_restored() (what the restore of a backup calls) nothing is
# skipped: every row is sent and answered "already done". After the
# database is wiped and made again, nothing is skipped and every row is
# enrolled again: every valid row has its policy, and the summary says so.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

it_create_db
it_start_daemon
faults_programme 2027

identity() {
  it_psql -c "SELECT system_identifier || '/' || database_id || '/' || restore_id
                FROM aixin.server_identity()"
}
file_identity() { sed -n 's/^identity //p' "$csv.aixin-progress"; }

csv=$IT_TMP/rows.csv
enrollments_csv 300 "$csv"
printf 'bad,360821202301019999,坏,2027,360821100,only_child,BAD-1,360821198001011234,家长,F,2023-01-01\n' >>"$csv"

it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_eq 300 "$(summary_count 'enrolled now:')" "300 enrolled"
it_assert_eq "$(identity)" "$(file_identity)" "the progress file names the database's identity"
it_assert_eq 300 "$(grep -c '^done ' "$csv.aixin-progress")" "and the 300 rows it acknowledged"
first=$(identity)

it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "already done:  300 (0 answered as done before, 300 skipped" \
  "same database: skipped on the progress file's word"

# --- a restore: same cluster and database, a new restore id -----------------------------
it_psql -c "SELECT aixin.mark_restored()" >/dev/null
[[ $(identity) != "$first" ]] || it_fail "mark_restored() kept the identity"
it_pass "mark_restored() gives a new identity"
it_restart_daemon
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "already done:  300 (300 answered as done before, 0 skipped" \
  "after a restore: nothing skipped, every row answered by the database"
it_assert_contains "$(it_last_stderr)" "another database" "the client says why it sends everything"
it_assert_eq "$(identity)" "$(file_identity)" "the progress file names the new identity"

# --- the database wiped and made again ---------------------------------------------------
it_stop_daemon
psql -X -q -d postgres -c "DROP DATABASE \"$IT_DB\" WITH (FORCE)" || it_fail "drop"
it_create_db
it_start_daemon
faults_programme 2027
[[ ${first%%/*} == "$(identity | cut -d/ -f1)" ]] || it_fail "same cluster, another system identifier?"
[[ $(identity) != "$(file_identity)" ]] || it_fail "the new database has the old identity"
it_pass "a new database id in the same cluster"
it_assert_eq 0 "$(policies)" "the new database is empty"
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_eq 300 "$(summary_count 'enrolled now:')" "after a wipe: every row enrolled again"
it_assert_contains "$(it_last_stdout)" "0 skipped" "nothing skipped on the old file's word"
it_assert_eq 300 "$(policies)" "every valid row has its policy"
it_assert_eq "1 " "$(error_lines "$IT_TMP/rows.errors.csv" | wc -w) " "the error file names the bad row only"
it_stop_daemon
