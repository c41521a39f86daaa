#!/usr/bin/env bash
# SIGHUP reloads aixind's configuration without dropping anyone: a new
# TLS certificate (another CA) is what the next connection sees while a
# connection opened before carries on; the log level changes live; a bad
# config file or a key that does not match its certificate is logged and
# the previous configuration kept whole; a key that needs a restart
# (db_pool_size) keeps its old value with a warning. Under systemd's notify
# protocol (a socket of the test's own) aixind says READY, RELOADING then
# READY again, and STOPPING, and feeds the watchdog.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

pki=$IT_TMP/pki
mkdir -p "$pki"
# make_server NAME: a self-signed certificate for 127.0.0.1 (its own CA).
make_server() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$pki/$1.key" -out "$pki/$1.pem" 2>/dev/null
}
make_server old
make_server new
cp "$pki/old.pem" "$pki/live.pem"
cp "$pki/old.key" "$pki/live.key"

conf=$IT_TMP/aixind.conf
write_conf() { # LOG_LEVEL [EXTRA LINE]
  printf 'log_level = %s\ntls_cert_file = %s\ntls_key_file = %s\nhandshake_timeout_ms = 60000\n%s\n' \
    "$1" "$pki/live.pem" "$pki/live.key" "${2:-}" >"$conf"
}
write_conf info

notify_out=$IT_TMP/notify.log
: >"$notify_out"
/usr/bin/python3 "$AIXIN_SOURCE_DIR/tests/tools/notify_listen.py" "$IT_TMP/notify.sock" "$notify_out" \
  >"$IT_TMP/notify.ready" 2>&1 &
notify_pid=$!
s_client_pid=
stop_helpers() {
  kill "$notify_pid" ${s_client_pid:+"$s_client_pid"} 2>/dev/null || true
}
trap 'st=$?; stop_helpers; (exit "$st"); it__cleanup' EXIT
for _ in $(seq 1 50); do [[ -s $IT_TMP/notify.ready ]] && break; sleep 0.1; done
it_assert_eq ready "$(cat "$IT_TMP/notify.ready")" "notify socket bound"

it_create_db
NOTIFY_SOCKET=$IT_TMP/notify.sock WATCHDOG_USEC=4000000 it_start_daemon --config "$conf"

# reloads_seen: how many reloads ended (applied or refused) so far.
reloads_seen() { grep -c -e 'event=reloaded' -e 'event=reload_failed' "$IT_DAEMON_LOG" || true; }
# hup: send SIGHUP and wait (20 s) until the daemon logged the outcome.
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

AIXIN_CA_FILE=$pki/old.pem it_expect_exit 0 "$AIXIN_CLI" whoami
it_pass "served with the first certificate"

# A connection opened before the reload (TLS done, no Hello yet).
mkfifo "$IT_TMP/s_client.in"
openssl s_client -connect "$AIXIN_SERVER" -CAfile "$pki/old.pem" -verify_return_error \
  <"$IT_TMP/s_client.in" >"$IT_TMP/s_client.out" 2>&1 &
s_client_pid=$!
exec 7>"$IT_TMP/s_client.in" # keeps its stdin open
for _ in $(seq 1 100); do grep -q 'Verify return code: 0' "$IT_TMP/s_client.out" && break; sleep 0.1; done
it_assert_contains "$(cat "$IT_TMP/s_client.out")" "Verify return code: 0" "an open connection on the old certificate"

cp "$pki/new.pem" "$pki/live.pem"
cp "$pki/new.key" "$pki/live.key"
write_conf debug
hup
it_assert_contains "$(grep 'event=reloaded' "$IT_DAEMON_LOG")" "tls=renewed" "reload applied"
AIXIN_CA_FILE=$pki/new.pem it_expect_exit 0 "$AIXIN_CLI" whoami
it_pass "a new connection gets the new certificate"
AIXIN_CA_FILE=$pki/old.pem it_expect_exit 3 "$AIXIN_CLI" whoami
it_pass "the old certificate is no longer offered"
kill -0 "$s_client_pid" 2>/dev/null || it_fail "the connection opened before the reload was dropped"
it_pass "the connection opened before the reload carries on"
grep -q 'level=debug' "$IT_DAEMON_LOG" || it_fail "log_level = debug not applied by the reload"
it_pass "log level changed live"
exec 7>&-
wait "$s_client_pid" 2>/dev/null || true
s_client_pid=

# A config file with an error: logged, nothing changes.
write_conf info "max_connections = lots"
hup
it_assert_contains "$(tail -n 5 "$IT_DAEMON_LOG")" "event=reload_failed reason=config" "bad config refused"
AIXIN_CA_FILE=$pki/new.pem it_expect_exit 0 "$AIXIN_CLI" whoami
lines=$(wc -l <"$IT_DAEMON_LOG")
AIXIN_CA_FILE=$pki/new.pem it_expect_exit 0 "$AIXIN_CLI" divisions --root 360821
tail -n +"$((lines + 1))" "$IT_DAEMON_LOG" | grep 'level=debug' >/dev/null \
  || it_fail "the refused reload changed the log level"
it_pass "previous configuration kept (still debug, still the new certificate)"

# A key that does not match its certificate: refused, old context kept.
cp "$pki/old.key" "$pki/live.key"
write_conf info
hup
it_assert_contains "$(tail -n 8 "$IT_DAEMON_LOG")" "event=reload_failed reason=tls" "mismatched key refused"
AIXIN_CA_FILE=$pki/new.pem it_expect_exit 0 "$AIXIN_CLI" whoami
it_pass "still serving the last good certificate"

# The pool size needs a restart: kept, with a warning; the rest applies.
cp "$pki/new.key" "$pki/live.key"
write_conf info "db_pool_size = 9"
hup
it_assert_contains "$(cat "$IT_DAEMON_LOG")" "event=reload_needs_restart key=db_pool_size" \
  "a pool size change needs a restart"
it_assert_contains "$(grep 'event=reloaded' "$IT_DAEMON_LOG" | tail -n 1)" "restart_keys_kept=1" \
  "the rest of that reload applied"
AIXIN_CA_FILE=$pki/new.pem it_expect_exit 0 "$AIXIN_CLI" whoami
it_pass "still on $AIXIN_SERVER"

# The watchdog (WatchdogSec=4s: a ping every 2 s while the loops turn).
for _ in $(seq 1 100); do
  (( $(grep -c '^WATCHDOG=1' "$notify_out") >= 2 )) && break
  sleep 0.1
done
(( $(grep -c '^WATCHDOG=1' "$notify_out") >= 2 )) || it_fail "no watchdog pings"
it_pass "watchdog fed"
it_stop_daemon
sleep 0.3 # the last datagram
notes=$(tr '\n' ' ' <"$notify_out")
it_assert_contains "$notes" "READY=1" "READY sent"
it_assert_contains "$notes" "RELOADING=1 MONOTONIC_USEC=" "RELOADING sent with MONOTONIC_USEC"
it_assert_contains "$notes" "STOPPING=1" "STOPPING sent"
it_assert_eq 4 "$(grep -c "^RELOADING=1" "$notify_out")" "one RELOADING per SIGHUP"
it_assert_eq 5 "$(grep -c '^READY=1' "$notify_out")" "READY after start and after each of the 4 reloads"
