#!/usr/bin/env bash
# Year settings through the command line. Three kinds are registered for
# the test (a number of days, an amount of money, a ratio); features
# register theirs in their migrations the same way. A year that never set a
# kind lists its default; `year set` takes the value in the kind's unit
# (yuan, percentage, whole number), stores fen / basis points / days and
# audits the change with the value before. Out of range, unknown names,
# unreadable values and a township clerk are refused and change nothing;
# the table refuses an out-of-range value written by hand too.
# aixin.year_setting() gives the year's value or the default.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PW=settings-password-1
YEAR=2031

it_create_db
it_start_daemon

as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
# Value of one setting in the JSON list of the last command.
listed() {
  it_psql -v doc="$(it_last_stdout)" <<<"SELECT e->>'$2' FROM json_array_elements(:'doc'::json) s(e)
                                          WHERE e->>'name' = '$1'"
}
stored() { it_psql -c "SELECT coalesce((SELECT value::text FROM aixin.year_settings
                                         WHERE policy_year = $YEAR AND name = '$1'), 'none')"; }

it_psql <<'SQL'
INSERT INTO aixin.year_setting_kinds (name, unit, minimum, maximum, default_value, description) VALUES
  ('test_answer_days', 'days', 1, 90, 15, 'days to answer (test)'),
  ('test_payout_fen', 'fen', 0, 100000000, 500000, 'payout threshold (test)'),
  ('test_ratio_bp', 'basis_points', 0, 10000, 9000, 'enrollment rate (test)');
SQL

as admin 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username clerk \
  --role township_clerk --division 360821207

as clerk 0 "$AIXIN_CLI" --format json year settings --year "$YEAR"
it_assert_eq 15 "$(listed test_answer_days value)" "a year that set nothing uses the default"
it_assert_eq false "$(listed test_answer_days is_set)" "and says it is the default"
it_assert_eq 90.00% "$(listed test_ratio_bp value_text)" "a ratio reads as a percentage"
it_assert_eq 5000.00 "$(listed test_payout_fen value_text)" "money reads in yuan"

as admin 0 "$AIXIN_CLI" --format json year set --year "$YEAR" test_answer_days 20
it_assert_eq 20 "$(it_psql -v doc="$(it_last_stdout)" <<<"SELECT :'doc'::json->>'value'")" \
  "year set prints the new value"
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" test_payout_fen 5000.50
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" test_ratio_bp 85.5%
it_assert_eq 20 "$(stored test_answer_days)" "days stored as days"
it_assert_eq 500050 "$(stored test_payout_fen)" "yuan stored as fen"
it_assert_eq 8550 "$(stored test_ratio_bp)" "a percentage stored as basis points"
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" test_answer_days 30
it_assert_eq '30|20|admin' "$(it_psql -c "SELECT detail->>'value', detail->>'before', a.username
    FROM aixin.audit_log l JOIN aixin.accounts a ON a.id = l.account_id
   WHERE l.action = 'year_setting.set' AND l.target = 'policy_year:$YEAR:test_answer_days'
   ORDER BY l.id DESC LIMIT 1")" "the change is audited with the value before"

as admin 1 "$AIXIN_CLI" year set --year "$YEAR" test_answer_days 91
it_assert_contains "$(it_last_stderr)" "INVALID_ARGUMENT" "a value out of range is refused"
as admin 1 "$AIXIN_CLI" year set --year "$YEAR" test_ratio_bp 100.01
as admin 2 "$AIXIN_CLI" year set --year "$YEAR" test_answer_days 2.5
as admin 2 "$AIXIN_CLI" year set --year "$YEAR" test_payout_fen 1.234
as admin 2 "$AIXIN_CLI" year set --year "$YEAR" no_such_setting 3
it_assert_contains "$(it_last_stderr)" "test_answer_days" "an unknown name lists the settings"
as clerk 1 "$AIXIN_CLI" year set --year "$YEAR" test_answer_days 10
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a township clerk may not set"
as admin 1 "$AIXIN_CLI" year set --year 2032 test_answer_days 10
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "a year that is not open is refused"
it_assert_eq "30|8550" "$(stored test_answer_days)|$(stored test_ratio_bp)" \
  "refusals changed nothing"

it_assert_eq "30|15" "$(it_psql -c "SELECT aixin.year_setting($YEAR, 'test_answer_days') || '|' ||
                                         aixin.year_setting($YEAR - 1, 'test_answer_days')")" \
  "aixin.year_setting gives the year's value, else the default"
if it_psql -c "UPDATE aixin.year_settings SET value = 1000 WHERE name = 'test_answer_days'" \
     2>/dev/null; then
  it_fail "the table took a value out of range"
fi
it_pass "the table refuses a value out of range written by hand"
it_assert_eq 30 "$(stored test_answer_days)" "and keeps the value"

# A closed year's settings do not change (they set figures of its reports).
as admin 0 "$AIXIN_CLI" year close --year "$YEAR" --force --reason "test of closed settings"
as admin 1 "$AIXIN_CLI" year set --year "$YEAR" test_answer_days 40
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "a closed year's setting is refused"
if it_psql -c "UPDATE aixin.year_settings SET value = 41 WHERE name = 'test_answer_days'" \
     2>/dev/null; then
  it_fail "the table changed a closed year's setting"
fi
it_pass "the table refuses it too"
it_assert_eq 30 "$(stored test_answer_days)" "and the setting stays"
