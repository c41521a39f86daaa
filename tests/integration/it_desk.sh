#!/usr/bin/env bash
# aixin desk, through a real headless Chromium driven by Selenium (Debian's
# python3-selenium and chromium-driver) and through plain HTTP requests:
#   - the desk listens on 127.0.0.1 only, on a port of its own, and refuses
#     a request without its secret, with a used one-time key, from another
#     Origin, with another Host (DNS rebinding) or relayed by a proxy;
#   - a township clerk logs in, sees the live ID check refuse a wrong check
#     digit and a child who is too old, the same checks refused by the desk
#     when the form is sent without script, registers a household with two
#     children and enrolls them in one form, and finds it again by a
#     guardian's and by a child's ID number;
#   - with aixind stopped, an enrollment waits in the spool and the line at
#     the top says so; after aixind is back the button sends it, once;
#   - names from the server with markup stay text on every page.
# Screenshots of every page: $AIXIN_BIN_DIR/test-artifacts/desk/NN-name.png.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
[[ -x /usr/bin/chromedriver ]] || it_fail "/usr/bin/chromedriver is missing (Debian's chromium-driver)"
"$PYTHON" -c 'import selenium' 2>/dev/null || it_fail "python3-selenium is missing"
MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
ARTIFACTS=$AIXIN_BIN_DIR/test-artifacts/desk
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

it_create_db
it_start_daemon

cli() { AIXIN_USER='' AIXIN_PASSWORD='' it_expect_exit "$@"; }
it_expect_exit 0 "$AIXIN_CLI" login
# The programme: two years open for 吉安县 (360821); the clerk of 指阳乡.
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for year in 2025 2026; do
  cli 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$year-01-01" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
  cli 0 "$AIXIN_CLI" terms set --county 360821 --year "$year" --county-share 10.00 --insurer chinalife
done
# Eligible households, so that the reports have rates to draw.
cli 0 "$AIXIN_CLI" census submit --township 360821207 --year 2025 --eligible 8
cli 0 "$AIXIN_CLI" census submit --township 360821207 --year 2026 --eligible 8
CLERK_PASSWORD=clerk-password-01
printf '%s\n' "$CLERK_PASSWORD" | AIXIN_USER='' AIXIN_PASSWORD='' \
  "$AIXIN_CLI" account create --no-password-change --username clerk01 --role township_clerk --division 360821207 \
  --password-stdin >/dev/null || it_fail "account create clerk01"

# Without its templates the desk says so and does not start.
it_expect_exit 2 env AIXIN_DESK_TEMPLATES="$IT_TMP/no-templates" "$AIXIN_CLI" desk --no-browser
it_assert_contains "$(it_last_stderr)" "AIXIN_DESK_TEMPLATES" "no templates: the message names the setting"

# The desk runs as the clerk's office PC: its own session file and spool.
DESK_HOME=$IT_TMP/desk-home
mkdir -p "$DESK_HOME"
DESK_URL_FILE=$IT_TMP/desk.url
DESK_LOG=$IT_TMP/desk.log
env -u AIXIN_USER -u AIXIN_PASSWORD HOME="$DESK_HOME" AIXIN_SESSION_FILE="$DESK_HOME/session" \
  AIXIN_SPOOL_DIR="$DESK_HOME/spool" "$AIXIN_CLI" desk --no-browser --url-file "$DESK_URL_FILE" \
  >"$DESK_LOG" 2>&1 </dev/null &
DESK_PID=$!
stop_desk() {
  [[ -n ${DESK_PID:-} ]] || return 0
  kill -TERM "$DESK_PID" 2>/dev/null || true
  wait "$DESK_PID" 2>/dev/null || true
  DESK_PID=
}
trap 'it_rc=$?; stop_desk; (exit $it_rc); it__cleanup' EXIT
for _ in $(seq 100); do [[ -s $DESK_URL_FILE ]] && break; sleep 0.1; done
[[ -s $DESK_URL_FILE ]] || { cat "$DESK_LOG"; it_fail "the desk printed no address"; }
DESK_URL=$(cat "$DESK_URL_FILE")
it_assert_contains "$(cat "$DESK_LOG")" "$DESK_URL" "the desk prints its address"
[[ $DESK_URL =~ ^http://127\.0\.0\.1:([0-9]+)/\?k=([0-9a-f]{64})$ ]] || it_fail "address $DESK_URL"
DESK_PORT=${BASH_REMATCH[1]}
ORIGIN=http://127.0.0.1:$DESK_PORT

# --- who may come in ----------------------------------------------------------------
listen=$(ss -Htlnp | grep "pid=$DESK_PID," | awk '{print $4}' | sort -u)
it_assert_eq "127.0.0.1:$DESK_PORT" "$listen" "the desk listens on 127.0.0.1 only"
other=$(hostname -I 2>/dev/null | awk '{print $1}')
for addr in 127.0.0.2 ${other:+"$other"}; do
  if curl -s -o /dev/null --max-time 5 "http://$addr:$DESK_PORT/"; then
    it_fail "the desk answered on $addr"
  fi
  it_pass "no answer from $addr:$DESK_PORT"
done
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
it_assert_eq 403 "$(status "$ORIGIN/")" "no secret: refused"
it_assert_eq 403 "$(status "$ORIGIN/?k=$(printf '0%.0s' {1..64})")" "a wrong key: refused"
it_assert_eq 403 "$(status -H "Host: localhost:$DESK_PORT" "$DESK_URL")" "another Host: refused"
it_assert_eq 403 "$(status -H "X-Forwarded-For: 10.1.2.3" "$DESK_URL")" "relayed (X-Forwarded-For): refused"
it_assert_eq 403 "$(status -H "Forwarded: for=10.1.2.3" "$DESK_URL")" "relayed (Forwarded): refused"
it_assert_eq 403 "$(status -H "Origin: http://evil.example" "$DESK_URL")" "another Origin: refused"
# The bench and this test enter once with curl, keep the cookie, and
# leave the desk a new key for the browser: a second desk process.
COOKIES=$IT_TMP/cookies
it_assert_eq 303 "$(status -c "$COOKIES" "$DESK_URL")" "the one-time key: let in, sent on"
it_assert_eq 403 "$(status "$DESK_URL")" "the one-time key a second time: refused"
it_assert_eq 200 "$(status -b "$COOKIES" "$ORIGIN/")" "with the cookie: the page"
it_assert_eq 403 "$(status -b "$COOKIES" -H "Origin: http://evil.example" "$ORIGIN/")" \
  "with the cookie but another Origin: refused"
it_assert_eq 403 "$(status -b "$COOKIES" -d username=clerk01 -d password=x "$ORIGIN/login")" \
  "a form without Origin: refused"
it_assert_eq 403 "$(status -b "$COOKIES" -H "Origin: http://evil.example" -d username=clerk01 \
  -d password=x "$ORIGIN/login")" "a form from another Origin: refused"
it_assert_eq 200 "$(status -b "$COOKIES" -H "Origin: $ORIGIN" -d username=clerk01 -d password=wrong \
  "$ORIGIN/login")" "a form from the desk's own page: answered"
stop_desk

# A fresh desk for each browser (each needs an unused one-time key).
start_desk() {
  rm -f "$DESK_URL_FILE"
  env -u AIXIN_USER -u AIXIN_PASSWORD HOME="$DESK_HOME" AIXIN_SESSION_FILE="$DESK_HOME/session" \
    AIXIN_SPOOL_DIR="$DESK_HOME/spool" "$AIXIN_CLI" desk --no-browser --url-file "$DESK_URL_FILE" \
    >>"$DESK_LOG" 2>&1 </dev/null &
  DESK_PID=$!
  for _ in $(seq 100); do [[ -s $DESK_URL_FILE ]] && break; sleep 0.1; done
  [[ -s $DESK_URL_FILE ]] || { cat "$DESK_LOG"; it_fail "the desk printed no address"; }
  DESK_URL=$(cat "$DESK_URL_FILE")
  export DESK_URL
}
check_desk_log() {
  if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$DESK_LOG"; then
    grep -A 30 -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$DESK_LOG" | head -60
    it_fail "sanitizer report in the desk's log"
  fi
}
start_desk

# --- the browser ---------------------------------------------------------------------
HOSTILE='<i id="pwn">x</i>&"'"'"
export ARTIFACTS CLERK_PASSWORD HOSTILE IT_CONNINFO IT_TMP
export DAEMON_PID=$IT_DAEMON_PID DAEMON_LOG=$IT_DAEMON_LOG AIXIND
export DAEMON_ARGS="--listen 127.0.0.1:$IT_DAEMON_PORT --database postgresql:///$IT_DB?user=$IT_SERVE"
export GUARDIAN_ID=$("$MAKE_ID" 360821 19900101 101 M)
export GUARDIAN2_ID=$("$MAKE_ID" 360821 19920305 102 F)
export CHILD_ID=$("$MAKE_ID" 360821 20220315 103 F)
export CHILD2_ID=$("$MAKE_ID" 360821 20230610 104 F)
export OLD_CHILD_ID=$("$MAKE_ID" 360821 20150101 107 M)
# An enrollment file: lines 2 and 4 good, 3 with a wrong check digit
# (refused by the desk's checks), 5 a child of 9 (refused by the city).
export IMPORT_CSV=$IT_TMP/enrollments.csv
import_row() { # CERT GUARDIAN_SEQ CHILD_ID CHILD_NAME SEX BIRTH
  printf '2025,360821207,only_child,%s,%s,%s父,%s,%s,%s,%s\n' "$1" \
    "$("$MAKE_ID" 360821 19880101 "$2" M)" "$4" "$3" "$4" "$5" "$6"
}
good1=$("$MAKE_ID" 360821 20210101 201 F)
good2=$("$MAKE_ID" 360821 20220202 203 M)
bad=$("$MAKE_ID" 360821 20230303 205 F)
bad=${bad:0:17}$([[ ${bad:17} == 0 ]] && echo 1 || echo 0)
export BAD_IMPORT_CHILD=$bad
old=$("$MAKE_ID" 360821 20150505 207 M)
{
  echo 'policy_year,township,household_kind,certificate_no,guardian_id,guardian_name,child_id,child_name,child_sex,child_birth_date'
  import_row IMP-1 301 "$good1" 王小一 F 2021-01-01
  import_row IMP-2 303 "$bad" 王小二 F 2023-03-03
  import_row IMP-3 305 "$good2" 王小三 M 2022-02-02
  import_row IMP-4 307 "$old" 王小四 M 2015-05-05
} >"$IMPORT_CSV"
# The same kind of file as Excel on a Chinese Windows PC saves it: GB18030,
# Chinese headers and values, CRLF, dates as 2021/1/1 and 2022年2月2日,
# empty rows at the end. Lines 2 and 4 good, 3 with a wrong check digit,
# 5 a child of 9.
export IMPORT_CSV_GB=$IT_TMP/参保名单.csv
gb_good1=$("$MAKE_ID" 360821 20210101 211 F)
gb_good2=$("$MAKE_ID" 360821 20220202 213 M)
gb_bad=$("$MAKE_ID" 360821 20230303 215 F)
gb_bad=${gb_bad:0:17}$([[ ${gb_bad:17} == 0 ]] && echo 1 || echo 0)
gb_old=$("$MAKE_ID" 360821 20150505 217 M)
export GB_BAD_CHILD=$gb_bad GB_OLD_CHILD=$gb_old
gb_row() { # CERT GUARDIAN_SEQ CHILD_ID CHILD_NAME SEX BIRTH
  printf '2025,360821207,独生子女户,%s,%s,%s父,%s,%s,%s,%s\r\n' "$1" \
    "$("$MAKE_ID" 360821 19880101 "$2" M)" "$4" "$3" "$4" "$5" "$6"
}
{
  printf '年度,乡镇代码,户类型,独生子女证号,监护人身份证号,监护人姓名,子女身份证号,子女姓名,性别,出生日期\r\n'
  gb_row IMG-1 311 "$gb_good1" 赵小一 女 2021/1/1
  gb_row IMG-2 313 "$gb_bad" 赵小二 女 2023年3月3日
  gb_row IMG-3 315 "$gb_good2" 赵小三 男 2022年2月2日
  gb_row IMG-4 317 "$gb_old" 赵小四 男 2015/5/5
  printf ',,,,,,,,,\r\n,,,,,,,,,\r\n'
} | iconv -f UTF-8 -t GB18030 >"$IMPORT_CSV_GB"
if ! "$PYTHON" "$AIXIN_SOURCE_DIR/tests/integration/desk_browser.py" clerk; then
  # The browser may have restarted aixind as its own child: that one is
  # killed here, lib.sh stops ours.
  if [[ -s $IT_TMP/daemon.pid ]]; then
    kill -KILL "$(cat "$IT_TMP/daemon.pid")" 2>/dev/null
    IT_DAEMON_PID=
  fi
  tail -n 20 "$DESK_LOG"
  it_fail "the clerk's browser session"
fi
it_pass "the clerk's browser session"
# The browser restarted aixind, as its own child: stop that one here
# (lib.sh can only wait for its own) and start ours again.
browser_daemon=$(cat "$IT_TMP/daemon.pid")
kill -TERM "$browser_daemon"
for _ in $(seq 300); do kill -0 "$browser_daemon" 2>/dev/null || break; sleep 0.1; done
kill -0 "$browser_daemon" 2>/dev/null && it_fail "aixind (restarted by the browser) did not stop"
IT_DAEMON_PID=
it_start_daemon

# --- what the database holds ---------------------------------------------------------
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no = 'ZY-2025-001'")" \
  "one household registered"
it_assert_eq 2 "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
  WHERE p.policy_year = 2025 AND c.id_number IN ('$CHILD_ID', '$CHILD2_ID')")" "both children enrolled for 2025"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
  WHERE p.policy_year = 2026 AND c.id_number = '$CHILD_ID'")" "the spooled enrollment for 2026 delivered once"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.children WHERE id_number = '$OLD_CHILD_ID'")" \
  "the child who is too old was not registered"
it_assert_eq "2|2" "$(it_psql -c "SELECT count(*), count(DISTINCT c.id) FROM aixin.policies p
  JOIN aixin.households h ON h.id = p.household_id JOIN aixin.children c ON c.id = p.child_id
  WHERE h.certificate_no LIKE 'IMG-%' AND c.name IN ('赵小一', '赵小三')")" \
  "the GB18030 file: its two good rows enrolled, the Chinese names intact"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.children WHERE id_number IN ('$gb_bad', '$gb_old')")" \
  "the GB18030 file: its refused rows left nothing"
it_assert_eq "filed" "$(it_psql -c "SELECT state FROM aixin.claims WHERE amount_claimed_fen = 600000")" \
  "the clerk's claim of 6,000 yuan is filed"
stop_desk
check_desk_log

# --- the adjuster: review, approve, pay 6,000 yuan ---------------------------------------
ADJUSTER_PASSWORD=adjuster-password-01
printf '%s\n' "$ADJUSTER_PASSWORD" | AIXIN_USER='' AIXIN_PASSWORD='' \
  "$AIXIN_CLI" account create --username adjuster01 --role insurer_adjuster --division 360800 \
  --insurer chinalife --password-stdin >/dev/null || it_fail "account create adjuster01"
export ADJUSTER_PASSWORD
start_desk
"$PYTHON" "$AIXIN_SOURCE_DIR/tests/integration/desk_browser.py" adjuster \
  || it_fail "the adjuster's browser session"
it_assert_eq "paid|t|600000" "$(it_psql -c "SELECT state, delivered_home, paid_fen FROM aixin.claims
  WHERE amount_claimed_fen = 600000")" "the claim is paid once, delivered to the home"
stop_desk
check_desk_log

# --- four eyes: an approval above 2025's threshold waits for a second adjuster --------
cli 0 "$AIXIN_CLI" year set --year 2025 four_eyes_approval_fen 1000
ADJUSTER2_PASSWORD=adjuster-password-02
printf '%s\n' "$ADJUSTER2_PASSWORD" | AIXIN_USER='' AIXIN_PASSWORD='' \
  "$AIXIN_CLI" account create --no-password-change --username adjuster02 --role insurer_adjuster \
  --division 360800 --insurer chinalife --password-stdin >/dev/null || it_fail "account create adjuster02"
as_user() { # as_user USER PASSWORD EXIT COMMAND...
  local user=$1 password=$2
  shift 2
  AIXIN_USER=$user AIXIN_PASSWORD=$password AIXIN_SESSION_FILE=$IT_TMP/$user-session it_expect_exit "$@"
}
as_user clerk01 "$CLERK_PASSWORD" 0 "$AIXIN_CLI" claim file --child "$CHILD2_ID" --year 2025 \
  --event illness --incident-date 2025-07-01 --amount 3000.00 --documents-complete --document 住院发票
FOUR_EYES_CLAIM=$(it_psql -c "SELECT id FROM aixin.claims WHERE amount_claimed_fen = 300000")
as_user adjuster02 "$ADJUSTER2_PASSWORD" 0 "$AIXIN_CLI" claim review --claim "$FOUR_EYES_CLAIM"
as_user adjuster02 "$ADJUSTER2_PASSWORD" 0 "$AIXIN_CLI" claim approve --claim "$FOUR_EYES_CLAIM" \
  --amount 3000.00
it_assert_eq "under_review" "$(it_psql -c "SELECT state FROM aixin.claims WHERE id = $FOUR_EYES_CLAIM")" \
  "above the threshold the approval waits"
export FOUR_EYES_CLAIM
start_desk
"$PYTHON" "$AIXIN_SOURCE_DIR/tests/integration/desk_browser.py" four_eyes \
  || it_fail "the second adjuster's browser session"
it_assert_eq "approved|300000" "$(it_psql -c "SELECT state, approved_fen FROM aixin.claims
  WHERE id = $FOUR_EYES_CLAIM")" "confirmed on the desk by a second adjuster, the approval counts"
stop_desk
check_desk_log

# --- the city administrator: the early warnings on the start page, every report -----------
cli 0 "$AIXIN_CLI" grievance file --channel letter --township 360821207 --summary 宣传不到位 \
  --received-on "$(TZ=Asia/Shanghai date -d '30 days ago' +%F)"
export ADMIN_PASSWORD=$IT_ADMIN_PASSWORD
start_desk
"$PYTHON" "$AIXIN_SOURCE_DIR/tests/integration/desk_browser.py" admin \
  || it_fail "the administrator's browser session"
stop_desk
check_desk_log
it_pass "the desk stopped cleanly"
