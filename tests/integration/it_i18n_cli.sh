#!/usr/bin/env bash
# The command line in Chinese: under LANG=zh_CN.UTF-8 the help, the
# command list, table headers, local and server errors (with the option
# the clerk typed), the duplicate-enrollment hint (household and
# township) and the HTML report are Chinese; under C they stay English.
# --format is accepted after the command; --format json keeps the
# protocol's field paths; a report's CSV can be written in GB18030; rates
# are truncated, never rounded up to the 90% target.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=clerk-password-1

locale -a 2>/dev/null | grep -iE '^zh_CN\.utf-?8$' >/dev/null ||
  it_fail "the zh_CN.UTF-8 locale is missing (tests/run generates it)"

# zh CODE ARGS...: the client in Chinese; en: in the C locale.
zh() { LC_ALL=zh_CN.UTF-8 LANGUAGE= it_expect_exit "$@"; }
en() { LC_ALL=C LANGUAGE= it_expect_exit "$@"; }
clerk() { AIXIN_USER=zhiyang AIXIN_PASSWORD=$PW zh "$@"; }
out() { it_last_stdout; }
err() { it_last_stderr; }
refute_contains() {
  [[ $1 != *"$2"* ]] || it_fail "$3: [$2] in [$1]"
  it_pass "$3"
}

# --- help, without a server ------------------------------------------------------
zh 0 "$AIXIN_CLI" --help
it_assert_contains "$(out)" "用法：aixin" "zh: usage line"
it_assert_contains "$(out)" "登录并保存会话" "zh: command summaries"
it_assert_contains "$(out)" "退出码" "zh: exit status section"
refute_contains "$(out)" "log in and save the session" "zh: no English summary left"
zh 0 "$AIXIN_CLI" enroll --help
it_assert_contains "$(out)" "子女的 18 位身份证号" "zh: enroll --help"
zh 0 "$AIXIN_CLI" help household
it_assert_contains "$(out)" "登记家庭及其监护人" "zh: a group's verbs"
en 0 "$AIXIN_CLI" --help
it_assert_contains "$(out)" "Usage: aixin" "C: usage line in English"
it_assert_contains "$(out)" "log in and save the session" "C: summaries in English"
refute_contains "$(out)" "用法" "C: nothing translated"

# --- usage errors and local checks -----------------------------------------------
zh 2 "$AIXIN_CLI" enroll --year 2027
it_assert_contains "$(err)" "缺少 --child" "zh: a missing option"
zh 2 "$AIXIN_CLI" no-such-command
it_assert_contains "$(err)" "未知命令" "zh: an unknown command"
child=$("$MAKE_ID" 360821 20230515 033 F)
bad=${child:0:17}$([[ ${child:17:1} == 1 ]] && echo 2 || echo 1)
zh 1 "$AIXIN_CLI" enroll --child "$bad" --year 2027
it_assert_contains "$(err)" "身份证号校验位不对" "zh: the check digit, in Chinese"
it_assert_contains "$(err)" "选项 --child" "zh: the option the clerk typed is named"
en 1 "$AIXIN_CLI" enroll --child "$bad" --year 2027
it_assert_contains "$(err)" "ID number check character is wrong (option --child, field child_id_number)" \
  "C: English, option and field path"

# --- with the server ----------------------------------------------------------------
it_create_db
it_start_daemon
en 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00
en 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
en 0 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife
AIXIN_NEW_PASSWORD=$PW en 0 "$AIXIN_CLI" account create --no-password-change --username zhiyang \
  --role township_clerk --division 360821207

zh 0 "$AIXIN_CLI" divisions --root 360821207
it_assert_contains "$(out | head -n1)" "代码" "zh: table header 代码"
it_assert_contains "$(out | head -n1)" "名称" "zh: table header 名称"
it_assert_contains "$(out)" "指阳乡" "zh: the division's name"

father=$("$MAKE_ID" 360821 19880304 011 M)
clerk 0 "$AIXIN_CLI" household register --township 360821207 --kind only_child \
  --certificate JA-2023-0001 --guardian "$father:刘建国" --format json
household=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
[[ -n $household ]] || it_fail "--format json after the command: no household id in $(out)"
it_pass "--format json after the command gives JSON"
clerk 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" --name 刘小雨
it_assert_contains "$(out | head -n1)" "身份证号" "zh: child table header"
clerk 0 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_contains "$(out | head -n1)" "保费" "zh: policy table header 保费"
it_assert_contains "$(out)" "30.00" "zh: the premium in yuan"

# The same child and year again: refused, and where the child is said.
clerk 1 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_contains "$(err)" "已经登记过 [ALREADY_EXISTS]" "zh: the reason of ALREADY_EXISTS"
it_assert_contains "$(err)" "该子女 2027 年度已参保" "zh: the server's message translated"
it_assert_contains "$(err)" "家庭 $household" "the duplicate names the household holding the child"
it_assert_contains "$(err)" "乡镇 360821207" "the duplicate names the township"
en 1 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_contains "$(err)" "household $household in township 360821207" \
  "C: the duplicate hint in English"

# The same child registered in a second household: refused, and the
# household holding it is said.
mother=$("$MAKE_ID" 360821 19900712 022 F)
clerk 0 "$AIXIN_CLI" household register --township 360821207 --kind only_child \
  --certificate JA-2023-0002 --guardian "$mother:王秀英" --format json
second=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
clerk 1 "$AIXIN_CLI" household add-child --household "$second" --id-number "$child" --name 刘小雨
it_assert_contains "$(err)" "[ALREADY_EXISTS]" "a child registered twice is refused"
it_assert_contains "$(err)" "该子女已在乡镇 360821207 的家庭 $household 中" \
  "the second registration names the household holding the child"

# Not found, in Chinese; JSON keeps the protocol path.
other=$("$MAKE_ID" 360821 20230616 045 F)
clerk 1 "$AIXIN_CLI" policies --child "$other"
it_assert_contains "$(err)" "被拒绝" "zh: rejected"
it_assert_contains "$(err)" "[NOT_FOUND]" "zh: the code is kept"
zh 1 "$AIXIN_CLI" enroll --child "$bad" --year 2027 --format json
it_assert_contains "$(err)" "字段：child_id_number" "json: the protocol field path"
refute_contains "$(err)" "选项" "json: no option name"

# whoami with --format after the command.
clerk 0 "$AIXIN_CLI" whoami --format=json
it_assert_contains "$(out)" '"username": "zhiyang"' "--format=json after the command"
clerk 2 "$AIXIN_CLI" whoami --format csv
it_assert_contains "$(err)" "report" "csv is refused outside report, after the command too"

# --- reports in Chinese ----------------------------------------------------------------
zh 0 "$AIXIN_CLI" report enrollment --year 2027
it_assert_contains "$(out | head -n1)" "参保率" "zh: report column title"
it_assert_contains "$(out | head -n1)" "符合条件户数" "zh: report column title 符合条件户数"
html=$IT_TMP/report.html
zh 0 "$AIXIN_CLI" report enrollment --year 2027 --format html --output "$html"
page=$(cat "$html")
for text in 参保情况 图表 数据 区划 "90% 目标" 参保率 爱心保险工程; do
  it_assert_contains "$page" "$text" "zh html: $text"
done
refute_contains "$page" "Enrollment rate per division" "zh html: no English caption"
en 0 "$AIXIN_CLI" report enrollment --year 2027 --format html --output "$IT_TMP/en.html"
it_assert_contains "$(cat "$IT_TMP/en.html")" "Enrollment rate per division" "C html: English caption"

# CSV for Excel: GB18030 on request, the same text as the UTF-8 one.
en 0 "$AIXIN_CLI" report enrollment --year 2027 --format csv --output "$IT_TMP/utf8.csv"
en 0 "$AIXIN_CLI" report enrollment --year 2027 --format csv --encoding gb18030 \
  --output "$IT_TMP/gb.csv"
if iconv -f UTF-8 -t UTF-8 "$IT_TMP/gb.csv" >/dev/null 2>&1; then
  it_fail "the GB18030 report is valid UTF-8 (its names were not converted)"
fi
it_assert_eq "$(cat "$IT_TMP/utf8.csv")" "$(iconv -f GB18030 -t UTF-8 "$IT_TMP/gb.csv")" \
  "the GB18030 CSV is the UTF-8 one, converted"
# A rate just below the target is never shown as reaching it: 1,808 of
# 2,009 households is 0.89995..., rounded 0.9000 but truncated 0.8999.
it_assert_eq 0.8999 "$(it_psql -c "SELECT aixin.report_rate(1808, 2009)")" \
  "the database truncates rates (0012)"
it_assert_eq 0.9000 "$(it_psql -c "SELECT aixin.report_rate(1809, 2010)")" "0.9 exactly stays 0.9000"

zh 2 "$AIXIN_CLI" report enrollment --year 2027 --encoding gb18030
it_assert_contains "$(err)" "--encoding 只用于 --format csv" "zh: --encoding needs csv"
it_stop_daemon
