#!/usr/bin/env bash
# When a batch cannot go to PostgreSQL as one set-based statement, aixind
# runs its rows one at a time, in order, each in its own transaction, and
# the answers are the same. Forced here by a schema without
# aixin.import_enrollments_bulk (as before migration 0010): a file of 300
# rows whose last row repeats an earlier child is imported; every other
# row is enrolled, the repeated child is refused as already enrolled, and
# the daemon's log shows that the batches fell back.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

it_create_db
it_psql -c "DROP FUNCTION aixin.import_enrollments_bulk(bigint, bigint, bytea[], int[], int[],
              text[], text[], text[], text[], text[], text[], text[], text[], date[])" >/dev/null
it_start_daemon

cli() { it_expect_exit "$@"; }
cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  cli 0 "$AIXIN_CLI" terms set --county "$county" --year 2027 --county-share 10.00 \
    --insurer chinalife
done

csv=$IT_TMP/rows.csv
enrollments_csv 300 "$csv"
# The first row's child once more, the guardian's name spelt otherwise
# (another key; the household and child still match).
# One sed reads the line and stops: a pipe into head could end the writer
# with SIGPIPE, which pipefail reports as a failure.
sed -n '2{s/^row 1,/again,/; s/,家长1,/,家长一号,/; p; q}' "$csv" >"$IT_TMP/again.csv"
cat "$IT_TMP/again.csv" >>"$csv"
errors=$IT_TMP/rows.errors.csv
cli 1 "$AIXIN_CLI" import enrollments "$csv" --batch 100 --errors "$errors"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "enrolled now:  300" "300 rows enrolled one at a time"
it_assert_eq 300 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" "exactly 300 policies"
it_assert_eq 300 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = 'import.enrollment'")" \
  "one audit row per policy"
it_assert_eq 2 "$(wc -l <"$errors")" "error file: header + the repeated child"
it_assert_contains "$(tail -n1 "$errors")" "ALREADY_EXISTS" "the later row for the child is refused"
it_assert_contains "$(tail -n1 "$errors")" '"302"' "and it is line 302"
# 301 rows in batches of 100: three batches of 100 fall back; the last
# batch, of one row, goes to aixin.import_enrollment anyway.
fallbacks=$(grep -c 'event=import_bulk_fallback' "$IT_DAEMON_LOG" || true)
(( fallbacks >= 3 )) || it_fail "expected every batch of 100 to fall back, saw $fallbacks"
it_pass "every batch of 100 fell back to one row at a time ($fallbacks)"

# Again: every row answered as done before, nothing new.
rm -f "$csv.aixin-progress"
cli 1 "$AIXIN_CLI" import enrollments "$csv" --batch 100 --errors "$errors"
it_assert_contains "$(it_last_stdout)" "enrolled now:  0" "a rerun enrolls nothing"
it_assert_contains "$(it_last_stdout)" "already done:  300" "a rerun finds the 300 rows done"
it_assert_eq 300 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" "still 300 policies"
it_stop_daemon
