#!/usr/bin/env bash
# The door's settings apply on SIGHUP, like the other live keys: the cap
# on strangers per address and the login deadline change for the
# connections that follow, without a restart, and a login's throttling
# keys too (no event=reload_needs_restart for any of them). Seen from
# outside with raw connections (tests/tools/door_probe.c).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PROBE=$AIXIN_BIN_DIR/tests/door_probe
conf=$IT_TMP/aixind.conf
write_conf() { # PER_ADDRESS LOGIN_TIMEOUT_MS LOCK_AFTER
  printf '%s\n' "max_unauthenticated_per_address = $1" "login_timeout_ms = $2" \
    "login_lock_after = $3" "login_delay_after = 100" "login_delay_max_ms = 0" \
    "login_failure_delay_ms = 0" "handshake_timeout_ms = 60000" >"$conf"
}
reloads_seen() { grep -c -e 'event=reloaded' -e 'event=reload_failed' "$IT_DAEMON_LOG" || true; }
hup() {
  local before i
  before=$(reloads_seen)
  kill -HUP "$IT_DAEMON_PID"
  for ((i = 0; i < 200; i++)); do
    (( $(reloads_seen) > before )) && return 0
    sleep 0.1
  done
  it_fail "no reload outcome logged within 20 s of SIGHUP"
}
# strangers N EXPECTED: N Hello-only connections from one address admit
# EXPECTED. Connections of an earlier round may still be counted for a
# moment after the probe closed them, so a few rounds are allowed.
strangers() {
  local got= i
  for ((i = 0; i < 10; i++)); do
    it_expect_exit 0 "$PROBE" strangers 127.0.0.1 "$port" "$1"
    got=$(it_last_stdout)
    [[ $got == "admitted=$2" ]] && break
    sleep 0.5
  done
  it_assert_eq "admitted=$2" "$got" "$1 strangers from one address: $2 admitted"
}
# guesses N: N wrong passwords for victim01, then the right one; prints
# the error code of the right one (OK when it was let in).
right_after_wrong() {
  local k
  for ((k = 0; k < $1; k++)); do
    AIXIN_USER=victim01 AIXIN_PASSWORD=wrong-password-$k AIXIN_SESSION_FILE=$IT_TMP/v-session \
      "$AIXIN_CLI" whoami >/dev/null 2>&1 || true
  done
  AIXIN_USER=victim01 AIXIN_PASSWORD=$PW AIXIN_SESSION_FILE=$IT_TMP/v-session \
    "$AIXIN_CLI" whoami >/dev/null 2>"$IT_TMP/right.err" && echo OK || cat "$IT_TMP/right.err"
  rm -f "$IT_TMP/v-session"
}

PW=victim-password-1
write_conf 3 600000 100
it_create_db
it_start_daemon --config "$conf"
port=${AIXIN_SERVER##*:}
AIXIN_NEW_PASSWORD=$PW it_expect_exit 0 "$AIXIN_CLI" account create --no-password-change --username victim01 \
  --role township_clerk --division 360821100

strangers 6 3
it_expect_exit 1 "$PROBE" deadline 127.0.0.1 "$port"
it_pass "with login_timeout_ms = 600000 a stranger stays past 20 s"
it_assert_eq OK "$(right_after_wrong 5)" "login_lock_after = 100: five wrong passwords lock nothing"

write_conf 5 1500 3
hup
it_assert_eq 0 "$(grep -c 'event=reload_needs_restart' "$IT_DAEMON_LOG" || true)" \
  "no door key needs a restart"
it_assert_contains "$(grep 'event=reloaded' "$IT_DAEMON_LOG" | tail -1)" \
  "max_unauthenticated_per_address=5" "the reload names the new cap"
strangers 8 5
it_expect_exit 0 "$PROBE" deadline 127.0.0.1 "$port"
it_log "after the reload: $(it_last_stdout)"
it_expect_exit 0 "$AIXIN_CLI" account unlock victim01
it_assert_contains "$(right_after_wrong 5)" "lock" "login_lock_after = 3: the account locks now"
it_stop_daemon
