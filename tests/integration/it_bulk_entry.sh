#!/usr/bin/env bash
# Bulk entry for the office, through the real client, daemon and
# PostgreSQL:
# - `aixin census import`: a GB18030 file with Chinese headers, CRLF and
#   Excel's empty rows, as a township clerk: its own township's row done,
#   a bad figure refused here, another township's row refused by the
#   server (scope); the error file is GB18030, under the file's headers,
#   naming exactly the refused lines; run twice = once (revisions in SQL);
#   a county clerk's corrected file makes a new revision;
# - `aixin disbursement import`: UTF-8 with a byte order mark, English
#   headers, 2027/3/5 and 2027年3月5日 dates, 县级/乡镇 levels; a voucher
#   recorded twice refused, a date in the future refused; run twice =
#   once (rows in SQL); a clean file leaves no error file;
# - `aixin account import`: no password in the file; the password file is
#   created 0600 and holds working passwords (each logs in); run twice
#   creates nothing (accounts in SQL), refuses the rows as existing and
#   never overwrites the password file; a township clerk cannot import
#   accounts;
# - `claim review --on` (and doubt, and --on on the other actions): the
#   paper date in `claim history` and in aixin.claim_transitions; a date
#   in the future, before the claim was received, or disagreeing with
#   --decided-on refused.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=bulk-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
TODAY=$(day today)
# Two days ahead: still in the future if Shanghai's midnight passes mid-test.
TOMORROW=$(day '2 days')
INCIDENT=$(day '20 days ago')
YEAR=${INCIDENT:0:4}
D10=$(day '10 days ago')
D6=$(day '6 days ago')
D4=$(day '4 days ago')
D3=$(day '3 days ago')

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
sql() { it_psql -c "$1"; }

cli 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 --insurer chinalife
for spec in zhiyang:township_clerk:360821207 jian_county:county_clerk:360821; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_wang \
  --role insurer_adjuster --insurer chinalife --division 360800 --supervisor

# --- census import: GB18030, Chinese headers, scope ----------------------------------
census=$IT_TMP/census-gb.csv
{
  printf '年度,乡镇代码,符合条件户数,备注\r\n'
  printf '%s,360821207,118,村里核对后\r\n' "$YEAR"
  printf '%s,360821207,-5,写错了\r\n' "$YEAR"
  printf '%s,360821100,90,\r\n' "$YEAR"
  printf ',,,\r\n,,,\r\n'
} | iconv -f UTF-8 -t GB18030 >"$census"
census_errors=$IT_TMP/census-gb.errors.csv
as zhiyang 1 "$AIXIN_CLI" census import "$census"
it_assert_contains "$(it_last_stdout)" "line 2: done" "census: the clerk's own township is done"
it_assert_contains "$(it_last_stdout)" "line 3: refused" "census: a negative figure is refused"
it_assert_contains "$(it_last_stdout)" "line 4: refused" "census: another township is refused"
it_assert_contains "$(it_last_stdout)" "PERMISSION_DENIED" "census: refused as out of scope"
it_assert_contains "$(it_last_stdout)" "refused:       2 (1 by the checks here, 1 by the server)" \
  "census: the summary counts each row once"
[[ -f $census_errors ]] || it_fail "census: an error file is written"
if iconv -f UTF-8 -t UTF-8 "$census_errors" >/dev/null 2>&1; then
  it_fail "census: the error file is GB18030 like its input"
fi
errors_utf8=$(iconv -f GB18030 -t UTF-8 "$census_errors" | tr -d '"')
it_assert_eq "line,reason,field,年度,乡镇代码,符合条件户数,备注" "$(head -n1 <<<"$errors_utf8")" \
  "census: the error file keeps the file's Chinese headers"
it_assert_eq "3,4" "$(tail -n +2 <<<"$errors_utf8" | cut -d, -f1 | paste -sd,)" \
  "census: the error file names exactly the refused lines"
it_assert_contains "$(sed -n 2p <<<"$errors_utf8")" "eligible_households" \
  "census: the refused figure's column is named"
it_assert_contains "$(sed -n 3p <<<"$errors_utf8")" "township" \
  "census: the out-of-scope township's column is named"
it_assert_eq "1" "$(sql "SELECT count(*) FROM aixin.census_submissions")" \
  "census: one submission in the database"
it_assert_eq "360821207/118/1" "$(sql "SELECT township_code || '/' || eligible_households || '/' || revision
    FROM aixin.census_submissions")" "census: the figure of the file"

LC_ALL=zh_CN.UTF-8 LANGUAGE= as zhiyang 1 "$AIXIN_CLI" census import "$census"
it_assert_eq "1" "$(sql "SELECT count(*) FROM aixin.census_submissions")" \
  "census: run twice = once (no second revision)"
it_assert_contains "$(it_last_stdout)" "第 2 行：已完成" "zh_CN: the rows' outcomes in Chinese"

# The county clerk corrects its townships: a changed row is a new revision.
county_census=$IT_TMP/county-census.csv
printf 'policy_year,township,eligible_households,note\n%s,360821207,120,corrected\n%s,360821100,90,\n' \
  "$YEAR" "$YEAR" >"$county_census"
as jian_county 0 "$AIXIN_CLI" census import "$county_census"
[[ ! -e $IT_TMP/county-census.errors.csv ]] || it_fail "census: no error file when nothing is refused"
it_assert_eq "360821100:1:90,360821207:2:120" "$(sql "SELECT string_agg(township_code || ':' || revision
    || ':' || eligible_households, ',' ORDER BY township_code, revision DESC) FROM aixin.census_submissions
    WHERE (township_code, revision) IN (SELECT township_code, max(revision)
      FROM aixin.census_submissions GROUP BY township_code)")" \
  "census: the county clerk's file is the current revision"

# A missing column is a usage error, before any login.
printf 'policy_year,township\n%s,360821207\n' "$YEAR" >"$IT_TMP/short.csv"
as zhiyang 2 "$AIXIN_CLI" census import "$IT_TMP/short.csv"
it_assert_contains "$(it_last_stderr)" "eligible_households" "census: the missing column is named"

# --- disbursement import: UTF-8 with a mark, Chinese levels and dates ------------------
disb=$IT_TMP/vouchers.csv
{
  printf '\xEF\xBB\xBF'
  printf 'level,division,policy_year,amount,paid_on,reference\r\n'
  printf '县级,360821,%s,1200.00,%s,XJ-001\r\n' "$YEAR" "$(day '5 days ago' | tr - /)"
  printf '乡镇,360821207,%s,350.50,%s,XZ-001\r\n' "$YEAR" "$(TZ=Asia/Shanghai date -d '4 days ago' +%Y年%-m月%-d日)"
  printf 'county,360821,%s,99.00,%s,XJ-001\r\n' "$YEAR" "$D3"
  printf 'county,360821,%s,10.00,%s,XJ-002\r\n' "$YEAR" "$TOMORROW"
  printf 'province,360821,%s,10.00,%s,XJ-003\r\n' "$YEAR" "$D3"
} >"$disb"
as jian_county 1 "$AIXIN_CLI" disbursement import "$disb"
it_assert_contains "$(it_last_stdout)" "done:          2" "disbursements: two vouchers recorded"
it_assert_contains "$(it_last_stdout)" "line 4: refused" "disbursements: a voucher recorded twice"
it_assert_contains "$(it_last_stdout)" "ALREADY_EXISTS" "disbursements: refused as existing"
it_assert_eq "4,5,6" "$(tail -n +2 "$IT_TMP/vouchers.errors.csv" | tr -d '"' | cut -d, -f1 | paste -sd,)" \
  "disbursements: the error file names the refused lines"
[[ $(head -c3 "$IT_TMP/vouchers.errors.csv") == $'\xEF\xBB\xBF' ]] ||
  it_fail "disbursements: the error file has the input's byte order mark"
it_assert_eq "county:360821:120000:XJ-001,township:360821207:35050:XZ-001" \
  "$(sql "SELECT string_agg(level || ':' || division_code || ':' || amount_fen || ':' || reference, ','
      ORDER BY reference) FROM aixin.disbursements")" "disbursements: amounts in fen, levels translated"
it_assert_eq "$(day '5 days ago')" "$(sql "SELECT paid_on FROM aixin.disbursements WHERE reference = 'XJ-001'")" \
  "disbursements: a 2027/3/5 date read as such"
as jian_county 1 "$AIXIN_CLI" disbursement import "$disb"
it_assert_eq "2" "$(sql "SELECT count(*) FROM aixin.disbursements")" "disbursements: run twice = once"
# Scope: a township clerk records its own township's money only.
printf 'level,division,policy_year,amount,paid_on,reference\ncounty,360821,%s,5.00,%s,ZY-1\ntownship,360821100,%s,5.00,%s,ZY-2\n' \
  "$YEAR" "$D3" "$YEAR" "$D3" >"$IT_TMP/zhiyang-vouchers.csv"
as zhiyang 1 "$AIXIN_CLI" disbursement import "$IT_TMP/zhiyang-vouchers.csv"
it_assert_eq "2,3" "$(tail -n +2 "$IT_TMP/zhiyang-vouchers.errors.csv" | tr -d '"' | cut -d, -f1 | paste -sd,)" \
  "disbursements: a township clerk's county and other-township rows are refused"
it_assert_contains "$(cat "$IT_TMP/zhiyang-vouchers.errors.csv")" "PERMISSION_DENIED" \
  "disbursements: refused as out of scope"
it_assert_eq "2" "$(sql "SELECT count(*) FROM aixin.disbursements")" "disbursements: none recorded out of scope"
printf 'level,division,policy_year,amount,paid_on,reference\ncounty,360821,%s,5.00,%s,XJ-009\n' \
  "$YEAR" "$D3" >"$IT_TMP/clean.csv"
: >"$IT_TMP/clean.errors.csv"
as jian_county 0 "$AIXIN_CLI" disbursement import "$IT_TMP/clean.csv"
[[ ! -e $IT_TMP/clean.errors.csv ]] || it_fail "disbursements: a clean file removes an old error file"

# --- account import: passwords made here, file 0600 ----------------------------------
accounts=$IT_TMP/clerks.csv
{
  printf '用户名,角色,区划代码,保险公司代码,主管\n'
  printf 'dunhou,乡镇专干,360821100,,\n'
  printf 'yongyang,township_clerk,360821101,,\n'
  printf 'cl_zhang,理赔员,360800,chinalife,是\n'
  printf 'bad_role,村长,360821100,,\n'
} | iconv -f UTF-8 -t GB18030 >"$accounts"
as zhiyang 1 "$AIXIN_CLI" account import "$accounts" --passwords "$IT_TMP/zhiyang.pw.csv"
it_assert_eq "5" "$(sql "SELECT count(*) FROM aixin.accounts")" \
  "accounts: a township clerk creates none"
[[ ! -e $IT_TMP/zhiyang.pw.csv ]] || it_fail "accounts: no password file when none was created"
rm -f "$IT_TMP/clerks.errors.csv"
as admin 1 "$AIXIN_CLI" account import "$accounts"
pwfile=$IT_TMP/clerks.passwords.csv
[[ -f $pwfile ]] || it_fail "accounts: the password file is written"
it_assert_eq "600" "$(stat -c %a "$pwfile")" "accounts: the password file is 0600"
it_assert_contains "$(it_last_stdout)" "$pwfile" "accounts: the password file is named"
if grep -q -- "$(sed -n 2p "$pwfile" | cut -d, -f2)" <(it_last_stdout) <(it_last_stderr); then
  it_fail "accounts: no password is printed"
fi
it_assert_eq "dunhou,yongyang,cl_zhang" "$(tail -n +2 "$pwfile" | cut -d, -f1 | paste -sd,)" \
  "accounts: the password file lists the accounts made"
it_assert_eq "5" "$(iconv -f GB18030 -t UTF-8 "$IT_TMP/clerks.errors.csv" | tail -n +2 | tr -d '"' | cut -d, -f1)" \
  "accounts: the bad role is in the error file"
it_assert_eq "dunhou:township_clerk:360821100::false,yongyang:township_clerk:360821101::false,cl_zhang:insurer_adjuster:360800:chinalife:true" \
  "$(sql "SELECT string_agg(a.username || ':' || a.role || ':' || a.division_code || ':' ||
      coalesce(i.code, '') || ':' || a.supervisor, ',' ORDER BY a.id)
      FROM aixin.accounts a LEFT JOIN aixin.insurers i ON i.id = a.insurer_id
      WHERE a.username IN ('dunhou', 'yongyang', 'cl_zhang')")" "accounts: roles, divisions, insurer"
while IFS=, read -r user password _; do
  AIXIN_USER=$user AIXIN_PASSWORD=$password cli 0 "$AIXIN_CLI" whoami
  it_assert_contains "$(it_last_stdout)" "$user" "accounts: $user logs in with the password of the file"
done < <(tail -n +2 "$pwfile")
before=$(md5sum <"$pwfile")
as admin 1 "$AIXIN_CLI" account import "$accounts"
it_assert_contains "$(it_last_stderr)" "never overwritten" "accounts: an existing password file is kept"
it_assert_eq "$before" "$(md5sum <"$pwfile")" "accounts: the password file is unchanged"
as admin 1 "$AIXIN_CLI" account import "$accounts" --passwords "$IT_TMP/again.csv"
it_assert_eq "8" "$(sql "SELECT count(*) FROM aixin.accounts")" "accounts: run twice = once"
it_assert_contains "$(it_last_stdout)" "ALREADY_EXISTS" "accounts: the second run meets the accounts"
[[ ! -e $IT_TMP/again.csv ]] || it_fail "accounts: no password file when nothing was created"
AIXIN_USER=dunhou AIXIN_PASSWORD=$(sed -n 2p "$pwfile" | cut -d, -f2) cli 0 "$AIXIN_CLI" whoami
it_pass "accounts: the first password still works after the second run"

# --- claim review --on ----------------------------------------------------------------
guardian=$("$MAKE_ID" 360821 19900101 510 M)
child=$("$MAKE_ID" 360821 20230301 510 F)
as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind only_child --certificate BULK-510 --guardian "$guardian:刘父"
household=$(json "SELECT :'doc'::json->>'id'")
as zhiyang 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" --name 刘小
as zhiyang 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
as zhiyang 0 "$AIXIN_CLI" --format json claim file --child "$child" --year "$YEAR" --event illness \
  --incident-date "$INCIDENT" --amount 800.00 --on "$D10"
claim=$(json "SELECT :'doc'::json->>'id'")
it_assert_eq "$D10" "$(sql "SELECT received_on FROM aixin.claims WHERE id = $claim")" \
  "claim file --on is the received date"
as cl_li 1 "$AIXIN_CLI" claim review --claim "$claim" --on "$TOMORROW"
it_assert_contains "$(it_last_stderr)" "decided_on" "review --on in the future is refused"
LC_ALL=zh_CN.UTF-8 LANGUAGE= as cl_li 1 "$AIXIN_CLI" claim review --claim "$claim" \
  --on "$TOMORROW"
it_assert_contains "$(it_last_stderr)" "晚于今天" "zh_CN: a paper date in the future, in Chinese"
as cl_li 1 "$AIXIN_CLI" claim review --claim "$claim" --on "$(day '11 days ago')"
it_assert_contains "$(it_last_stderr)" "before the claim was received" \
  "review --on before the claim was received is refused"
as cl_li 2 "$AIXIN_CLI" claim review --claim "$claim" --on "$D6" --decided-on "$D4"
as cl_li 0 "$AIXIN_CLI" claim review --claim "$claim" --on "$D6" --note 发票已核
as cl_li 0 "$AIXIN_CLI" claim doubt --claim "$claim" --note 日期存疑 --on "$D4"
as cl_li 0 "$AIXIN_CLI" claim escalate --claim "$claim" --on "$D4"
as cl_wang 0 "$AIXIN_CLI" claim review --claim "$claim" --on "$D3"
as cl_li 1 "$AIXIN_CLI" claim doubt --claim "$claim" --note 再查 --on "$(day '12 days ago')"
it_assert_eq "file:$D10,review:$D6,doubt:$D4,escalate:$D4,review:$D3" \
  "$(sql "SELECT string_agg(action || ':' || effective_on, ',' ORDER BY id)
      FROM aixin.claim_transitions WHERE claim_id = $claim")" \
  "review and doubt are dated as on paper in the database"
as cl_li 0 "$AIXIN_CLI" --format json claim history --claim "$claim"
it_assert_eq "file:$D10,review:$D6,doubt:$D4,escalate:$D4,review:$D3" \
  "$(json "SELECT string_agg(concat(t->>'action', ':', t->>'effective_on'), ','
      ORDER BY (t->>'id')::bigint) FROM json_array_elements(:'doc'::json) t")" \
  "claim history shows the paper dates"
as cl_li 0 "$AIXIN_CLI" claim history --claim "$claim"
it_assert_contains "$(it_last_stdout)" "$D6" "the history table shows the review's paper date"
as cl_li 0 "$AIXIN_CLI" claim review --help
it_assert_contains "$(it_last_stdout)" "--on YYYY-MM-DD" "review --help documents --on"
as cl_li 0 "$AIXIN_CLI" claim approve --help
it_assert_contains "$(it_last_stdout)" "--on YYYY-MM-DD" "every action's help mentions --on"

it_pass "bulk entry"
