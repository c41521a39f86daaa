#!/usr/bin/env bash
# aixin import enrollments: tests/sql/import.sql first (the SQL function on
# its own), then a generated CSV of 2,000 rows over two townships (byte
# order mark, shuffled columns, an extra column, two-daughter households)
# with 5 bad rows: a wrong check character and an impossible date (refused
# here), an unknown township, a son in a two-daughter household and a
# child enrolled twice for the year (refused by the server). Exactly 1,995
# policies; the error file lists the 5 lines with their reasons. Run again:
# nothing new, every good row done (skipped through the resume file, or
# answered "done before" without it), counts unchanged. A corrected file
# enrolls only the corrected rows. A missing column is a usage error.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

it_create_db

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/import.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/import.sql"
}
printf '%s\n' "$out"
it_pass "tests/sql/import.sql"

it_start_daemon

cli() { it_expect_exit "$@"; }
policies() { it_psql -c "SELECT count(*) FROM aixin.policies"; }
state() {
  it_psql -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
      SELECT h::text AS t FROM aixin.households h UNION ALL
      SELECT g::text FROM aixin.guardians g UNION ALL
      SELECT c::text FROM aixin.children c UNION ALL
      SELECT p::text FROM aixin.policies p) x"
}

cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  cli 0 "$AIXIN_CLI" terms set --county "$county" --year 2027 --county-share 10.00 \
    --insurer chinalife
done

# --- the file: 1,995 good rows, then 5 bad ones --------------------------------
csv=$IT_TMP/enrollments.csv
enrollments_csv 1995 "$csv"
enrollments_csv_check_ids "$csv" "$MAKE_ID" || it_fail "generated ID numbers disagree with make_id"
it_pass "generated ID numbers agree with make_id"
good=$(sed -n '2p' "$csv")                      # an only-child row (household 1)
two=$(grep -m1 ',two_daughters,' "$csv")        # a daughter of household 10
IFS=, read -r _ good_child _ _ _ _ good_cert good_guardian _ _ _ <<<"$good"
IFS=, read -r _ _ _ _ two_twp _ two_cert two_guardian _ _ _ <<<"$two"
bad_check_child=$("$MAKE_ID" 360821 20230303 401 F)
bad_check_child=${bad_check_child:0:17}$([[ ${bad_check_child:17:1} == 1 ]] && echo 2 || echo 1)
son=$("$MAKE_ID" "${two_twp:0:6}" 20240404 411 M)
{
  printf 'bad check,%s,坏校验,2027,360821100,only_child,BAD-1,%s,家长甲,F,2023-03-03\n' \
    "$bad_check_child" "$("$MAKE_ID" 360821 19800505 403 M)"
  printf 'bad date,%s,坏日期,2027,360821100,only_child,BAD-2,%s,家长乙,F,2023-02-30\n' \
    "$("$MAKE_ID" 360821 20230228 402 F)" "$("$MAKE_ID" 360821 19800606 405 M)"
  printf 'no such township,%s,无乡,2027,360821999,only_child,BAD-3,%s,家长丙,F,2023-04-04\n' \
    "$("$MAKE_ID" 360821 20230404 404 F)" "$("$MAKE_ID" 360821 19800707 407 M)"
  printf 'a son,%s,儿子,2027,%s,two_daughters,%s,%s,家长十,M,2024-04-04\n' \
    "$son" "$two_twp" "$two_cert" "$two_guardian"
  # The first row's child again, the guardian's name spelt otherwise.
  printf 'twice,%s,孩子0,2027,360821100,only_child,%s,%s,家长一号,F,%s\n' \
    "$good_child" "$good_cert" "$good_guardian" "$(cut -d, -f11 <<<"$good")"
} >>"$csv"
it_assert_eq 2001 "$(wc -l <"$csv")" "header + 2,000 rows"
errors=$IT_TMP/enrollments.errors.csv

# --- first run -----------------------------------------------------------------
cli 1 "$AIXIN_CLI" import enrollments "$csv"
summary=$(it_last_stdout)
printf '%s\n' "$summary"
it_assert_contains "$summary" "rows read:     2000" "2,000 rows read"
it_assert_contains "$summary" "enrolled now:  1995" "1,995 enrolled"
it_assert_contains "$summary" "refused:       5 (2 by the checks here, 3 by the server)" "5 refused"
it_assert_contains "$summary" "errors:        $errors" "error file named"
[[ $(it_last_stderr) != *$'\r'* ]] || it_fail "a progress bar on a stderr that is not a terminal"
it_pass "no progress bar without a terminal"
it_assert_eq 1995 "$(policies)" "exactly 1,995 policies"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM (SELECT child_id, policy_year FROM aixin.policies
                                 GROUP BY 1, 2 HAVING count(*) > 1) d")" "no child enrolled twice"
it_assert_eq 2 "$(it_psql -c "SELECT count(*) FROM aixin.children c JOIN aixin.households h
                                 ON h.id = c.household_id WHERE h.certificate_no = '$two_cert'")" \
  "the two-daughter household has its two daughters"
it_assert_eq 1995 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = 'import.enrollment'")" \
  "one audit row per enrolled row"

# The error file: header, then lines 1997-2001 in order with reason and field.
it_assert_eq 6 "$(wc -l <"$errors")" "error file: header + 5 rows"
# In the input's encoding: UTF-8 with its byte order mark.
it_assert_eq efbbbf "$(head -c3 "$errors" | od -An -tx1 | tr -d ' \n')" \
  "the error file starts with a byte order mark, as the input did"
it_assert_eq '"line","reason","field","note","child_id"' \
  "$(head -n1 "$errors" | sed 's/^\xEF\xBB\xBF//' | cut -d, -f1-5)" \
  "error file header: line, reason, field, then the file's columns"
lines=$(tail -n +2 "$errors" | cut -d, -f1 | tr -d '"' | tr '\n' ' ')
it_assert_eq "1997 1998 1999 2000 2001 " "$lines" "the 5 bad lines, in order"
row() { grep "^\"$1\"" "$errors"; }
it_assert_contains "$(row 1997)" '"child_id"' "bad check character: field child_id"
it_assert_contains "$(row 1997)" "check" "bad check character: reason"
it_assert_contains "$(row 1998)" '"child_birth_date"' "bad date: field child_birth_date"
it_assert_contains "$(row 1999)" "NOT_FOUND" "unknown township: NOT_FOUND"
it_assert_contains "$(row 1999)" '"township"' "unknown township: field township"
it_assert_contains "$(row 2000)" "RULE_VIOLATION" "a son in a two-daughter household: RULE_VIOLATION"
it_assert_contains "$(row 2000)" '"child_sex"' "a son: field child_sex"
it_assert_contains "$(row 2001)" "ALREADY_EXISTS" "enrolled twice: ALREADY_EXISTS"
it_assert_contains "$(row 2001)" '"child_id"' "enrolled twice: field child_id"
it_assert_contains "$(row 2001)" "家长一号" "the error row carries the original columns"
if grep -q "$good_child" "$IT_DAEMON_LOG"; then
  it_fail "a full ID number appears in the daemon log"
fi
it_pass "no full ID number in the daemon log"

# --- run again: nothing new ------------------------------------------------------
before=$(state)
cli 1 "$AIXIN_CLI" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "enrolled now:  0" "rerun: nothing new"
it_assert_contains "$(it_last_stdout)" "already done:  1995 (0 answered as done before, 1995 skipped" \
  "rerun: the acknowledged rows are skipped"
it_assert_eq "$before" "$(state)" "rerun: database unchanged"
it_assert_eq 6 "$(wc -l <"$errors")" "rerun: the same 5 errors"
# Without the resume file every row is sent again and answered as done before.
rm "$csv.aixin-progress"
cli 1 "$AIXIN_CLI" import enrollments "$csv" --batch 300
it_assert_contains "$(it_last_stdout)" "already done:  1995 (1995 answered as done before, 0 skipped" \
  "without the resume file: every row replayed"
it_assert_eq "$before" "$(state)" "replays changed nothing"
# A resume file of another file's rows is ignored (stale), not trusted.
printf 'aixin-import-progress 1\nrecords 2000\nline 2001\ndigest %064d\n' 0 >"$csv.aixin-progress"
cli 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "1995 answered as done before, 0 skipped" "a stale resume file is ignored"

# --- a corrected file: only the corrected rows are new ----------------------------
fixed=$IT_TMP/fixed.csv
sed -e 's/,2023-02-30$/,2023-02-28/' -e '/^no such township,/d' -e '/^a son,/d' -e '/^twice,/d' \
    -e '/^bad check,/d' "$csv" >"$fixed"
cli 0 "$AIXIN_CLI" import enrollments "$fixed" --errors "$IT_TMP/fixed.errors.csv"
it_assert_contains "$(it_last_stdout)" "enrolled now:  1" "the corrected row is enrolled"
it_assert_contains "$(it_last_stdout)" "already done:  1995" "the unchanged rows keep their keys"
it_assert_eq 1996 "$(policies)" "1,996 policies"

# --- usage ---------------------------------------------------------------------------
sed '1s/,child_sex//' "$csv" | cut -d, -f1-10 >"$IT_TMP/no-sex.csv"
cli 2 "$AIXIN_CLI" import enrollments "$IT_TMP/no-sex.csv"
it_assert_contains "$(it_last_stderr)" "child_sex" "a missing column is named"
cli 2 "$AIXIN_CLI" import enrollments "$csv" --batch 1001
it_stop_daemon
