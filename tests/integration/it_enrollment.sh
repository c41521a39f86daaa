#!/usr/bin/env bash
# The foundation path through the real client, daemon and PostgreSQL:
# accounts by role, a household registered with its child and enrolled,
# looked up by a guardian's ID; a second enrollment of the same child and
# year refused; the programme's age and household rules; township and
# county scope (another township's clerk reads and writes nothing, and the
# database is unchanged); auditors read only; data survives a restart.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=clerk-password-1

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
# as USER CODE ARGS...: run the client as USER, expecting exit CODE.
as() {
  local user=$1
  shift
  AIXIN_USER=$user AIXIN_PASSWORD=$PW it_expect_exit "$@"
}
# A digest of every business table, to prove refused requests change nothing.
db_state() {
  it_psql -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
      SELECT 'h' || h::text AS t FROM aixin.households h UNION ALL
      SELECT 'g' || g::text FROM aixin.guardians g UNION ALL
      SELECT 'c' || c::text FROM aixin.children c UNION ALL
      SELECT 'p' || p::text FROM aixin.policies p) x"
}

# --- accounts ---------------------------------------------------------------
cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00
# Enrollment needs each county's share and insurer for the year.
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for county in 360821 360825; do
  cli 0 "$AIXIN_CLI" terms set --county "$county" --year 2027 --county-share 10.00 --insurer chinalife
done
for spec in zhiyang:township_clerk:360821207 tengtian:township_clerk:360825105 \
            jian_county:county_clerk:360821 yongfeng_county:county_clerk:360825 \
            city_auditor:auditor:360800; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
# A township clerk must sit on a township.
AIXIN_NEW_PASSWORD=$PW cli 1 "$AIXIN_CLI" account create --no-password-change --username wrong_level \
  --role township_clerk --division 360821
it_assert_contains "$(it_last_stderr)" "division_code" "role/division level mismatch names the field"
# Only the city admin creates accounts.
AIXIN_NEW_PASSWORD=$PW as zhiyang 1 "$AIXIN_CLI" account create --no-password-change --username sneaky \
  --role city_admin --division 360800
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a clerk cannot create accounts"

# --- register, add a child, enroll, look up ---------------------------------
father=$("$MAKE_ID" 360821 19880304 011 M)
mother=$("$MAKE_ID" 360821 19900712 022 F)
child=$("$MAKE_ID" 360821 20230515 033 F)
as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind only_child --certificate JA-2023-0001 --guardian "$father:刘建国" --guardian "$mother:王秀英"
household=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
[[ -n $household ]] || it_fail "no household id in $(cat "$IT_LAST_OUT")"
as zhiyang 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" --name 刘小雨
as zhiyang 0 "$AIXIN_CLI" --format json enroll --child "$child" --year 2027
it_assert_contains "$(it_last_stdout)" '"premium_fen": 3000' "policy carries the year's premium in fen"
as zhiyang 0 "$AIXIN_CLI" --format json household show --guardian "$mother"
it_assert_contains "$(it_last_stdout)" "$child" "lookup by the second guardian finds the child"
it_assert_contains "$(it_last_stdout)" "指阳乡" "lookup shows the township name"
as zhiyang 0 "$AIXIN_CLI" policies --child "$child"
it_assert_contains "$(it_last_stdout)" "2027" "the child's policies list 2027"
# The same household by its certificate number and from its child.
as zhiyang 0 "$AIXIN_CLI" --format json household find --certificate JA-2023-0001
it_assert_contains "$(it_last_stdout)" "\"id\": $household," "found by the certificate number"
it_assert_contains "$(it_last_stdout)" "$father" "found by the certificate: its guardians"
as zhiyang 0 "$AIXIN_CLI" --format json household find --child "${child,,}"
it_assert_contains "$(it_last_stdout)" "\"id\": $household," "found from the child to its household"
it_assert_contains "$(it_last_stdout)" "$mother" "found from the child: its guardians"
as zhiyang 2 "$AIXIN_CLI" household find --certificate JA-2023-0001 --child "$child"
as zhiyang 2 "$AIXIN_CLI" household find
as zhiyang 1 "$AIXIN_CLI" household find --certificate JA-NO-SUCH
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "an unknown certificate number: not found"

# --- the same child and year again: refused, nothing doubled -----------------
as zhiyang 1 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_contains "$(it_last_stderr)" "ALREADY_EXISTS" "second enrollment refused as ALREADY_EXISTS"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" "exactly one policy"

# --- programme rules ---------------------------------------------------------
# An only-child household has one child.
second=$("$MAKE_ID" 360821 20240101 044 M)
as zhiyang 1 "$AIXIN_CLI" household add-child --household "$household" --id-number "$second" --name 刘小山
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "only-child household takes no second child"
# Seven on the reference date: too old.
g2=$("$MAKE_ID" 360821 19800101 055 M)
old=$("$MAKE_ID" 360821 20200101 066 M)
as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind only_child --certificate JA-2020-0009 --guardian "$g2:陈大勇"
h2=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
as zhiyang 0 "$AIXIN_CLI" household add-child --household "$h2" --id-number "$old" --name 陈小明
as zhiyang 1 "$AIXIN_CLI" enroll --child "$old" --year 2027
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "a child of 7 on the reference date is not enrolled"
# Two-daughter households have daughters only.
g3=$("$MAKE_ID" 360821 19850505 077 F)
son=$("$MAKE_ID" 360821 20220202 088 M)
as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind two_daughters --certificate JA-ED-0003 --guardian "$g3:李梅"
h3=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
as zhiyang 1 "$AIXIN_CLI" household add-child --household "$h3" --id-number "$son" --name 李小军
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "no son in a two-daughter household"
# A birth date that disagrees with the ID number is refused locally and by the server.
as zhiyang 1 "$AIXIN_CLI" household add-child --household "$h3" --id-number "$son" --name 李小军 \
  --birth-date 2022-02-03
# An ID with a wrong check character.
as zhiyang 1 "$AIXIN_CLI" enroll --child "${child:0:17}$([[ ${child:17:1} == 1 ]] && echo 2 || echo 1)" --year 2027
it_assert_contains "$(it_last_stderr)" "check" "wrong check character named"
# A year that is not open.
as zhiyang 1 "$AIXIN_CLI" enroll --child "$child" --year 2030
it_assert_contains "$(it_last_stderr)" "policy_year" "unknown policy year names the field"

# --- scope -------------------------------------------------------------------
before=$(db_state)
audit_before=$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action LIKE 'household.read.%'")
as tengtian 1 "$AIXIN_CLI" household show --guardian "$father"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "another township's clerk cannot read the household"
as tengtian 1 "$AIXIN_CLI" policies --child "$child"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "nor the child's policies"
as tengtian 1 "$AIXIN_CLI" household add-child --household "$h3" --id-number "$("$MAKE_ID" 360821 20230303 099 F)" --name 外人
as tengtian 1 "$AIXIN_CLI" household register --township 360821207 --kind only_child \
  --certificate JA-X-1 --guardian "$("$MAKE_ID" 360825 19900101 101 M):外人"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "nor register in it"
as tengtian 1 "$AIXIN_CLI" enroll --child "$old" --year 2027
as yongfeng_county 1 "$AIXIN_CLI" household show --guardian "$father"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "another county's clerk cannot read it"
as tengtian 1 "$AIXIN_CLI" household find --certificate JA-2023-0001
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "nor find it by its certificate number"
as tengtian 1 "$AIXIN_CLI" household find --child "$child"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "nor from its child"
as city_auditor 1 "$AIXIN_CLI" household register --township 360821207 --kind only_child \
  --certificate JA-X-2 --guardian "$("$MAKE_ID" 360821 19900101 111 M):审计"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "an auditor writes nothing"
it_assert_eq "$before" "$(db_state)" "refused requests changed nothing"
audit_after=$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action LIKE 'household.read.%'")
(( audit_after > audit_before )) || it_fail "refused reads were not audited"
it_pass "refused reads audited ($((audit_after - audit_before)) rows)"
if it_psql -c "SELECT target || coalesce(detail::text, '') FROM aixin.audit_log" | grep "$father" >/dev/null; then
  it_fail "a full ID number was written to the audit log"
fi
it_pass "audit log holds no full ID number"
# Reading in scope works for the county clerk and the auditor.
as jian_county 0 "$AIXIN_CLI" household show --guardian "$father"
as city_auditor 0 "$AIXIN_CLI" policies --child "$child"
as zhiyang 0 "$AIXIN_CLI" divisions
it_assert_eq 2 "$(wc -l <"$IT_LAST_OUT")" "a township clerk's division list is its township (header + 1)"

# --- an import row whose child is in another household -------------------------
# The refusal says where the child is when the clerk may see it; to a clerk
# of another township it says no more than the server did.
elsewhere_csv=$IT_TMP/elsewhere.csv
{
  echo 'policy_year,township,household_kind,certificate_no,guardian_id,guardian_name,child_id,child_name,child_sex,child_birth_date'
  printf '2027,360821207,only_child,JA-EL-1,%s,别人,%s,刘小雨,F,2023-05-15\n' \
    "$("$MAKE_ID" 360821 19870101 121 M)" "$child"
} >"$elsewhere_csv"
as zhiyang 1 "$AIXIN_CLI" import enrollments "$elsewhere_csv"
it_assert_contains "$(cat "$IT_TMP/elsewhere.errors.csv")" \
  "the child is in household $household of 指阳乡 (360821207)" \
  "an import row of a child of another household says which household and township"
it_assert_contains "$(cat "$IT_TMP/elsewhere.errors.csv")" "this child belongs to another household" \
  "and keeps the server's reason"
AIXIN_USER=zhiyang AIXIN_PASSWORD=$PW LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 LANGUAGE=zh_CN \
  it_expect_exit 1 "$AIXIN_CLI" import enrollments "$elsewhere_csv"
it_assert_contains "$(cat "$IT_TMP/elsewhere.errors.csv")" "该子女已在家庭 $household 中（指阳乡，360821207）" \
  "in Chinese too"
sed -i 's/,360821207,/,360825105,/' "$elsewhere_csv"
as tengtian 1 "$AIXIN_CLI" import enrollments "$elsewhere_csv"
if grep -q "household $household" "$IT_TMP/elsewhere.errors.csv"; then
  it_fail "another township's clerk is told where the child is"
fi
it_pass "another township's clerk is not told where the child is"

# --- durability across a restart --------------------------------------------
it_restart_daemon
as jian_county 0 "$AIXIN_CLI" --format json policies --child "$child"
it_assert_contains "$(it_last_stdout)" '"policy_year": 2027' "the policy survived a daemon restart"
if grep -q "$child" "$IT_DAEMON_LOG"; then
  it_fail "a full ID number appears in the daemon log"
fi
it_pass "no full ID number in the daemon log"
it_stop_daemon
