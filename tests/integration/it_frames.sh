#!/usr/bin/env bash
# Hostile frames: each gets a typed error and a closed connection, while an
# honest client on other connections keeps being served; a bad record gets
# an error and the connection stays usable; slow-drip and silent
# connections are closed by their deadlines.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PROBE=$AIXIN_BIN_DIR/tests/frame_probe

it_create_db
it_start_daemon --set frame_timeout_ms=1500 --set handshake_timeout_ms=2000
it_expect_exit 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00

# An honest client working the whole time, on its own connections.
honest_log=$IT_TMP/honest.log
(
  for i in $(seq 1 15); do
    "$AIXIN_CLI" year list >>"$honest_log" 2>&1 || { echo "FAILED round $i" >>"$honest_log"; exit 1; }
  done
) &
honest_pid=$!

for scenario in hello garbage bad-version zero-length oversize huge-length bad-protobuf \
                no-hello bad-field slow-drip; do
  it_expect_exit 0 "$PROBE" 127.0.0.1 "$IT_DAEMON_PORT" "$scenario"
  it_pass "$scenario: $(head -c 200 "$IT_LAST_OUT" | tr '\n' ' ')"
done

# A connection that never says Hello is closed by the handshake deadline.
exec 3<>"/dev/tcp/127.0.0.1/$IT_DAEMON_PORT"
start=$SECONDS
if ! timeout 10 cat <&3 >"$IT_TMP/silent.out"; then
  it_fail "silent connection not closed within 10 s"
fi
exec 3<&-
it_assert_contains "$(tr -c '[:print:]' ' ' <"$IT_TMP/silent.out")" "no Hello within" "handshake deadline error"
it_pass "silent connection closed after $((SECONDS - start)) s"

if ! wait "$honest_pid"; then
  cat "$honest_log"
  it_fail "the honest client was disturbed"
fi
it_pass "honest client served throughout ($(grep -c 2027 "$honest_log" || true) answers)"

# The daemon is still healthy and exits cleanly (sanitizers would tell).
it_expect_exit 0 "$PROBE" 127.0.0.1 "$IT_DAEMON_PORT" hello
it_stop_daemon
it_pass "daemon survived hostile frames"
