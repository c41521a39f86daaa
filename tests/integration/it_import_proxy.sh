#!/usr/bin/env bash
# An import through a lossy link (tests/tools/lossy_proxy.py): every
# connection is cut after a few KiB of answers, in the middle of a frame,
# so that answers to batches the database had committed are lost. The
# client reconnects and resends with the same keys: every row ends with
# its policy once, and the summary's counts are the database's. The proxy
# is another address for the same server: rows done earlier through the
# direct address come back "already done", never refused.
#
# Rows: 1,000; 500 in a sanitizer build.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

ROWS=1000
[[ $AIXIN_BIN_DIR != *asan* ]] || ROWS=500

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

csv=$IT_TMP/rows.csv
enrollments_csv "$ROWS" "$csv"
# A tenth of the file first, directly.
head -n $((ROWS / 10 + 1)) "$csv" >"$IT_TMP/first.csv"
it_expect_exit 0 "$AIXIN_CLI" import enrollments "$IT_TMP/first.csv"

it_expect_exit 0 "$AIXIN_CLI" --server "$via" import enrollments "$csv" --batch 20
cat "$IT_LAST_OUT"
cuts=$(cat "$IT_TMP/proxy.cuts" 2>/dev/null || echo 0)
it_log "the proxy cut $cuts connections"
(( cuts >= 2 )) || it_fail "the proxy cut only $cuts connections"
it_pass "connections cut mid-frame: $cuts"
it_assert_eq "$ROWS" "$(policies)" "every row has its policy"
it_assert_eq 0 "$(doubled)" "none doubled"
it_assert_eq "$ROWS" "$(( $(summary_count 'enrolled now:') + $(summary_count 'already done:') ))" \
  "enrolled + already done = every row"
now=$(summary_count 'enrolled now:')
(( now <= ROWS - ROWS / 10 )) || it_fail "$now called enrolled now, but only $((ROWS - ROWS / 10)) were new"
it_pass "no row done before called enrolled now (rows whose answer was cut come back already done)"
it_assert_contains "$(it_last_stdout)" "refused:       0" "nothing refused"
it_stop_daemon
