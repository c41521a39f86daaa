#!/usr/bin/env bash
# A row's key does not depend on the address the server was dialled by
# (issue: 127.0.0.1 then localhost gave ALREADY_EXISTS). Import 400 rows
# through 127.0.0.1:PORT; without the progress file, the same file through
# localhost:PORT comes back "already done" for every row (exit 0, nothing
# refused, nothing new); with it, every row is skipped on its word (same
# database, whatever the address).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

it_create_db
it_start_daemon
faults_programme 2027

csv=$IT_TMP/rows.csv
enrollments_csv 400 "$csv"
it_expect_exit 0 "$AIXIN_CLI" --server "127.0.0.1:$IT_DAEMON_PORT" import enrollments "$csv"
it_assert_eq 400 "$(summary_count 'enrolled now:')" "400 enrolled through 127.0.0.1"
it_assert_eq 400 "$(policies)" "400 policies"

rm "$csv.aixin-progress"
it_expect_exit 0 "$AIXIN_CLI" --server "localhost:$IT_DAEMON_PORT" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "already done:  400 (400 answered as done before, 0 skipped" \
  "through localhost, without the progress file: every row already done"
it_assert_contains "$(it_last_stdout)" "refused:       0" "nothing refused"
it_assert_eq 400 "$(policies)" "still 400 policies"
[[ ! -s $IT_TMP/rows.errors.csv || $(wc -l <"$IT_TMP/rows.errors.csv") == 1 ]] ||
  it_fail "the error file lists rows"
it_pass "the error file lists no row"

it_expect_exit 0 "$AIXIN_CLI" --server "localhost:$IT_DAEMON_PORT" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "already done:  400 (0 answered as done before, 400 skipped" \
  "the progress file written through localhost holds through 127.0.0.1 too"
it_expect_exit 0 "$AIXIN_CLI" --server "127.0.0.1:$IT_DAEMON_PORT" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "400 skipped" "and back"
it_stop_daemon
