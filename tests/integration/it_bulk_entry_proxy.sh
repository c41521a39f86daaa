#!/usr/bin/env bash
# Office lists through a lossy link (tests/tools/lossy_proxy.py): every
# connection is cut after a few KiB of answers, in the middle of a frame,
# so that answers to changes the database had committed are lost. The
# census of every township of the city, then a voucher for each: the
# client resends each row under its key on a new connection, so every
# township ends with exactly one revision and every voucher is recorded
# once; the rows sent earlier through the direct address come back done,
# never refused.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

it_create_db
it_start_daemon
faults_programme 2027

/usr/bin/python3 "$AIXIN_SOURCE_DIR/tests/tools/lossy_proxy.py" "$IT_DAEMON_PORT" \
  "$IT_TMP/proxy.port" "$IT_TMP/proxy.cuts" &
proxy=$!
trap 'rc=$?; kill "$proxy" 2>/dev/null; (exit $rc); it__cleanup' EXIT
for ((i = 0; i < 100; i++)); do [[ -s $IT_TMP/proxy.port ]] && break; sleep 0.1; done
[[ -s $IT_TMP/proxy.port ]] || it_fail "the proxy did not start"
via="127.0.0.1:$(cat "$IT_TMP/proxy.port")"
sql() { it_psql -c "$1"; }

townships=$(sql "SELECT count(*) FROM aixin.divisions WHERE level = 'township'")
census=$IT_TMP/census.csv
{
  echo "年度,乡镇代码,符合条件户数"
  sql "SELECT '2027,' || code || ',' || (row_number() OVER (ORDER BY code) + 100)
         FROM aixin.divisions WHERE level = 'township' ORDER BY code"
} >"$census"
head -n 21 "$census" >"$IT_TMP/first.csv"
it_expect_exit 0 "$AIXIN_CLI" census import "$IT_TMP/first.csv"
it_expect_exit 0 "$AIXIN_CLI" --server "$via" census import "$census"
census_cuts=$(cat "$IT_TMP/proxy.cuts" 2>/dev/null || echo 0)
it_log "the proxy cut $census_cuts connections during the census"
(( census_cuts >= 1 )) || it_fail "the proxy cut no connection"
it_assert_contains "$(it_last_stdout)" "done:          $townships " "every township's row done"
# The 20 rows done before, and the row(s) whose answer the cut lost, were
# answered from their stored keys (the database audits each replay).
replays=$(sql "SELECT count(*) FROM aixin.audit_log WHERE action = 'census.submit.replay'")
it_log "census rows answered from their keys: $replays"
(( replays > 20 )) || it_fail "only $replays replays: no lost answer was sent again under its key"
it_pass "a row whose answer was lost was sent again under its key and done once"
it_assert_eq "$townships/$townships/1" \
  "$(sql "SELECT count(*) || '/' || count(DISTINCT township_code) || '/' || max(revision)
            FROM aixin.census_submissions")" "one revision per township, none doubled"
it_assert_eq "0" "$(sql "SELECT count(*) FROM aixin.census_submissions s
    JOIN (SELECT code, row_number() OVER (ORDER BY code) + 100 AS n
            FROM aixin.divisions WHERE level = 'township') d ON d.code = s.township_code
    WHERE s.eligible_households <> d.n")" "each township has its figure"

vouchers=$IT_TMP/vouchers.csv
{
  echo "级别,区划代码,年度,金额,拨付日期,凭证号"
  sql "SELECT '乡镇,' || code || ',2027,' || (row_number() OVER (ORDER BY code)) || '.50,2026/11/1,PZ-' || code
         FROM aixin.divisions WHERE level = 'township' ORDER BY code"
} >"$vouchers"
it_expect_exit 0 "$AIXIN_CLI" --server "$via" disbursement import "$vouchers"
it_log "the proxy cut $(( $(cat "$IT_TMP/proxy.cuts") - census_cuts )) connections during the vouchers"
it_assert_eq "$townships/$townships" \
  "$(sql "SELECT count(*) || '/' || count(DISTINCT reference) FROM aixin.disbursements")" \
  "every voucher recorded once"
it_assert_eq "$(sql "SELECT sum(n * 100 + 50) FROM generate_series(1, $townships) n")" \
  "$(sql "SELECT sum(amount_fen) FROM aixin.disbursements")" "the vouchers add up to the fen"
it_expect_exit 0 "$AIXIN_CLI" disbursement import "$vouchers"
it_assert_eq "$townships" "$(sql "SELECT count(*) FROM aixin.disbursements")" \
  "the same file again, directly: nothing recorded twice"
it_assert_contains "$(it_last_stdout)" "done:          $townships " \
  "the same file again: every row done (answered as the first time), none refused"
it_stop_daemon
