#!/usr/bin/env bash
# Enrollment files as Excel on a Chinese Windows PC writes them. The same
# 40 rows as: GB18030 with Chinese headers, 2021年3月5日 dates, 独生子女户/
# 二女户 and 男/女, CRLF line ends and empty rows below the table (what
# "CSV" saves); UTF-8 with a byte order mark, Chinese headers and 2021/3/5
# dates ("CSV UTF-8"); UTF-8 without a mark, English headers and ISO dates.
# The first file enrolls the 40 children; the two others enroll nothing
# new (every row keys the same and is answered as done before) and leave
# the database as it was: the three give the same policies. The error
# file of a GB18030 file with two bad rows is GB18030 too, lists them
# under the file's own Chinese headers with Chinese reasons; a clean
# file leaves no error file behind (an old one is removed).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

it_create_db
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
# What the policies are: child, year, township, kind, certificate, birth
# date, sex, guardian; independent of ids and times.
fingerprint() {
  it_psql -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
      SELECT concat_ws(',', c.id_number, p.policy_year, h.township_code, h.kind,
                       h.certificate_no, c.birth_date, c.sex, c.name) AS t
        FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
        JOIN aixin.households h ON h.id = c.household_id) x"
}

cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  cli 0 "$AIXIN_CLI" terms set --county "$county" --year 2027 --county-share 10.00 \
    --insurer chinalife
done

# --- three files of the same rows ------------------------------------------------
base=$IT_TMP/base.csv
enrollments_csv 40 "$base"
english=$IT_TMP/english-utf8.csv
tail -c +4 "$base" >"$english"                       # no byte order mark
[[ $(head -c4 "$english") == note ]] || it_fail "the English file starts with its header"

zh_header='备注,子女身份证号,子女姓名,年度,乡镇代码,户类型,独生子女证号,监护人身份证号,监护人姓名,性别,出生日期'
# to_chinese STYLE: the English rows with Chinese headers; STYLE slash
# writes 2021/3/5, STYLE zh writes 2021年3月5日 and Chinese kinds and sexes.
to_chinese() {
  printf '%s\r\n' "$zh_header"
  tail -n +2 "$english" | awk -F, -v OFS=, -v style="$1" '{
      split($11, d, "-")
      if (style == "slash") {
        $11 = sprintf("%d/%d/%d", d[1], d[2], d[3])
      } else {
        $11 = sprintf("%d年%d月%d日", d[1], d[2], d[3])
        $6 = ($6 == "only_child") ? "独生子女户" : "二女户"
        $10 = ($10 == "M") ? "男" : "女"
      }
      printf "%s\r\n", $0
    }'
}
bom=$IT_TMP/chinese-utf8-bom.csv
{ printf '\xEF\xBB\xBF'; to_chinese slash; } >"$bom"
gb=$IT_TMP/chinese-gb18030.csv
{ to_chinese zh; printf ',,,,,,,,,,\r\n,,,,,,,,,,\r\n\r\n'; } | iconv -f UTF-8 -t GB18030 >"$gb"
if iconv -f UTF-8 -t UTF-8 "$gb" >/dev/null 2>&1; then
  it_fail "the GB18030 file is not valid UTF-8"
fi
it_pass "the GB18030 file is not UTF-8"
it_assert_contains "$(iconv -f GB18030 -t UTF-8 "$gb" | sed -n 2p)" "年" "GB18030 rows carry 年月日 dates"

# --- GB18030 first: 40 children enrolled ---------------------------------------
cli 0 "$AIXIN_CLI" import enrollments "$gb"
printf '%s\n' "$(it_last_stdout)"
it_assert_contains "$(it_last_stdout)" "rows read:     40" "GB18030: 40 rows, the empty ones dropped"
it_assert_contains "$(it_last_stdout)" "enrolled now:  40" "GB18030: 40 enrolled"
it_assert_eq 40 "$(policies)" "40 policies"
[[ ! -e $IT_TMP/chinese-gb18030.errors.csv ]] || it_fail "an error file with nothing refused"
it_pass "GB18030: no error file when nothing was refused"
it_assert_eq 3 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE kind = 'two_daughters'")" \
  "二女户 read as two-daughter households"
it_assert_eq 2021-01-01 "$(it_psql -c "SELECT min(birth_date) FROM aixin.children")" \
  "2021年1月1日 read as 2021-01-01"
before=$(state)
want=$(fingerprint)

# --- the same rows in the other two files: nothing new --------------------------
for file in "$bom" "$english"; do
  cli 0 "$AIXIN_CLI" import enrollments "$file"
  printf '%s\n' "$(it_last_stdout)"
  it_assert_contains "$(it_last_stdout)" "rows read:     40" "$(basename "$file"): 40 rows"
  it_assert_contains "$(it_last_stdout)" "enrolled now:  0" "$(basename "$file"): nothing new"
  it_assert_contains "$(it_last_stdout)" "already done:  40 (40 answered as done before" \
    "$(basename "$file"): every row keys as in the GB18030 file"
  it_assert_eq 40 "$(policies)" "$(basename "$file"): still 40 policies"
  it_assert_eq "$before" "$(state)" "$(basename "$file"): database unchanged"
  it_assert_eq "$want" "$(fingerprint)" "$(basename "$file"): the same policies"
done

# --- a GB18030 file with bad rows: the error file in GB18030 --------------------
bad=$IT_TMP/bad-gb18030.csv
child=$("$MAKE_ID" 360821 20230303 401 F)
bad_check=${child:0:17}$([[ ${child:17:1} == 1 ]] && echo 2 || echo 1)
{
  printf '%s\r\n' "$zh_header"
  printf '校验位错,%s,坏校验,2027,360821100,独生子女户,BAD-1,%s,王家长,女,2023年3月3日\r\n' \
    "$bad_check" "$("$MAKE_ID" 360821 19800505 403 M)"
  printf '日期错,%s,坏日期,2027,360821100,独生子女户,BAD-2,%s,李家长,女,2023年2月30日\r\n' \
    "$("$MAKE_ID" 360821 20230228 402 F)" "$("$MAKE_ID" 360821 19800606 405 M)"
  printf ',,,,,,,,,,\r\n'
} | iconv -f UTF-8 -t GB18030 >"$bad"
errors=$IT_TMP/bad-gb18030.errors.csv
LANG=zh_CN.UTF-8 cli 1 "$AIXIN_CLI" import enrollments "$bad"
[[ -s $errors ]] || it_fail "no error file"
if iconv -f UTF-8 -t UTF-8 "$errors" >/dev/null 2>&1; then
  it_fail "the error file of a GB18030 file is not GB18030"
fi
decoded=$(iconv -f GB18030 -t UTF-8 "$errors") || it_fail "the error file is not GB18030"
it_pass "the error file is GB18030, as the input"
printf '%s\n' "$decoded"
it_assert_eq 3 "$(printf '%s\n' "$decoded" | wc -l)" "error file: header + 2 rows"
it_assert_contains "$(printf '%s\n' "$decoded" | head -n1)" "子女身份证号" "the file's Chinese headers"
it_assert_contains "$decoded" "王家长" "the refused row's names"
it_assert_contains "$decoded" "2023年2月30日" "the refused row as the clerk wrote it"
it_assert_contains "$decoded" "子女身份证号：身份证号校验位不对" "a Chinese reason for the check digit"
it_assert_contains "$decoded" "出生日期必须是" "a Chinese reason for the date"
it_assert_eq 40 "$(policies)" "bad rows enroll nothing"

# A clean run removes the error file of an earlier run.
cp "$errors" "$IT_TMP/english-utf8.errors.csv"
cli 0 "$AIXIN_CLI" import enrollments "$english"
[[ ! -e $IT_TMP/english-utf8.errors.csv ]] || it_fail "an old error file left behind"
it_pass "a clean run leaves no error file"
it_assert_contains "$(it_last_stdout)" "errors:        none" "the summary says no errors"
it_stop_daemon
