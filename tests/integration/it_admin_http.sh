#!/usr/bin/env bash
# The operator's HTTP port: /healthz answers, /readyz is 200 once the
# database is reachable, /metrics counts requests, errors and connections
# in Prometheus text (valid for the reference parser), per operation and
# per error code too, with the pool's wait time, the build and the
# programme gauges; login failures and throttles and replayed import rows
# are counted apart; the port is refused off loopback.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

# http_get PORT PATH: the whole HTTP response, over bash's /dev/tcp.
http_get() {
  local port=$1 path=$2
  exec 5<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&5
  timeout 10 cat <&5
  exec 5<&-
}

it_create_db
it_start_daemon --set admin_listen=127.0.0.1:0 --set "admin_listen_file=$IT_TMP/admin.addr"
admin_addr=$(<"$IT_TMP/admin.addr") # written before the protocol port listens
admin_port=${admin_addr##*:}

it_assert_contains "$(http_get "$admin_port" /healthz)" "200 OK" "/healthz answers"
ready=""
for _ in $(seq 1 50); do
  ready=$(http_get "$admin_port" /readyz)
  [[ $ready == *"200 OK"* ]] && break
  sleep 0.2
done
it_assert_contains "$ready" "200 OK" "/readyz is ready with the database up"

it_expect_exit 0 "$AIXIN_CLI" divisions
it_expect_exit 1 "$AIXIN_CLI" household show --guardian 360821198501010017
sleep 1.2 # the workers publish pool figures once a second
metrics=$(http_get "$admin_port" /metrics)
requests=$(sed -n 's/^aixin_requests_total \([0-9]*\).*/\1/p' <<<"$metrics")
errors=$(sed -n 's/^aixin_request_errors_total \([0-9]*\).*/\1/p' <<<"$metrics")
(( requests >= 6 )) || it_fail "aixin_requests_total is '$requests' after two commands: $metrics"
(( errors >= 1 )) || it_fail "aixin_request_errors_total is '$errors' after a refused lookup"
it_pass "requests $requests, errors $errors counted"
it_assert_contains "$metrics" 'aixin_request_seconds_bucket{le="+Inf"}' "latency histogram exported"
it_assert_contains "$metrics" "aixin_db_connections_up" "pool gauge exported"
it_assert_contains "$metrics" 'aixin_op_requests_total{op="list_divisions"} 1' "requests counted by operation"
it_assert_contains "$metrics" 'aixin_op_request_errors_total{op="find_household"} 1' "errors counted by operation"
it_assert_contains "$metrics" 'aixin_op_request_seconds_bucket{op="login",le="+Inf"} 2' "latency histogram by operation"
it_assert_contains "$metrics" 'aixin_errors_total{code="NOT_FOUND"} 1' "errors counted by code"
it_assert_contains "$metrics" "aixin_db_pool_wait_seconds_count" "pool wait time exported"
it_assert_contains "$metrics" 'aixin_build_info{version="' "build info exported"
# The programme gauges come from the database once a minute, the first
# time a second after start.
gauges=""
for _ in $(seq 1 50); do
  gauges=$(http_get "$admin_port" /metrics)
  [[ $gauges == *"aixin_claims_overdue "* ]] && break
  sleep 0.2
done
it_assert_contains "$gauges" "aixin_policies_this_year 0" "policies of this year (none yet)"
it_assert_contains "$gauges" "aixin_claims_overdue 0" "claims overdue (none)"

# Login failures and throttles: an unknown name tried with a wrong
# password is refused and counted each time; after login_delay_after (3)
# failures the next attempt is refused unchecked (throttled). The address
# allows five times as many, so admin's logins below are not held up.
for _ in 1 2 3 4; do
  AIXIN_USER=intruder AIXIN_PASSWORD=wrong-password it_expect_exit 1 "$AIXIN_CLI" divisions
done
it_assert_contains "$(it_last_stderr)" "UNAUTHENTICATED" "a wrong password is refused"
AIXIN_USER=intruder AIXIN_PASSWORD=wrong-password it_expect_exit 1 "$AIXIN_CLI" divisions
it_assert_contains "$(it_last_stderr)" "TOO_MANY_ATTEMPTS" "the fifth attempt is throttled"

# Replays: a one-row import sent twice, the second time without the
# resume file, is answered from the row's stored key.
it_expect_exit 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 \
  --premium 30.00 --city-subsidy 2.00 --county-share-range 5.00-20.00
it_expect_exit 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  it_expect_exit 0 "$AIXIN_CLI" terms set --county "$county" --year 2027 \
    --county-share 10.00 --insurer chinalife
done
csv=$IT_TMP/one.csv
enrollments_csv 1 "$csv"
it_expect_exit 0 "$AIXIN_CLI" import enrollments "$csv"
rm -f "$csv.aixin-progress"
it_expect_exit 0 "$AIXIN_CLI" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "1 answered as done before" "the second import is a replay"

final=$(http_get "$admin_port" /metrics)
it_assert_contains "$final" "aixin_login_failures_total 4"$'\n' "wrong passwords counted as login failures"
it_assert_contains "$final" "aixin_login_throttled_total 1"$'\n' "the throttled attempt counted"
it_assert_contains "$final" 'aixin_replays_total{op="import_enrollments"} 1'$'\n' \
  "the replayed row counted"
it_assert_contains "$final" 'aixin_op_requests_total{op="import_enrollments"} 2' \
  "both imports counted as requests"
it_assert_contains "$final" "aixin_claims_overdue 0" "the programme gauges still exported"

body=$IT_TMP/metrics.txt
sed '1,/^\r\?$/d' <<<"$final" >"$body"
it_expect_exit 0 /usr/bin/python3 "$AIXIN_SOURCE_DIR/tests/tools/check_metrics.py" "$body"
it_pass "/metrics is valid exposition format ($(wc -l <"$IT_LAST_OUT") families)"
it_assert_contains "$(http_get "$admin_port" /nothing)" "404" "unknown paths are 404"
it_stop_daemon

rc=0
timeout 20 "$AIXIND" --listen 127.0.0.1:0 --set "admin_listen=0.0.0.0:$admin_port" \
  --database "$IT_SERVE_CONNINFO" >"$IT_TMP/admin-remote.log" 2>&1 || rc=$?
[[ $rc != 0 && $rc != 124 ]] || it_fail "the admin port was opened off loopback (status $rc)"
it_assert_contains "$(cat "$IT_TMP/admin-remote.log")" "loopback" "admin port off loopback refused"
