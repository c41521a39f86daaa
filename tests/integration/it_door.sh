#!/usr/bin/env bash
# Holding the door, attacked from outside with raw protocol connections
# (tests/tools/door_probe.c):
#  1. connections that never log in cannot lock offices out: a per-address
#     cap, a cap on strangers whose oldest makes room, a login deadline that
#     unauthenticated requests do not extend, one summary line in the log;
#  2. password guessing is throttled per account and per address, then the
#     account is locked (the right password too) until unlocked; every
#     failure is an audit row; a login flood does not stop an honest login;
#  3. logout, disable and a password change end the session on every
#     connection that uses it;
#  6. the daemon serves as a role that can only execute the functions: it
#     cannot read or change a table, and refuses to serve as a superuser;
#  4. refusals are audited apart from the refused work, and the audit log's
#     hash chain shows the first row changed by hand;
#  7. single-line text refuses separators and bidi controls, ID numbers a
#     region code without a real province.
# Sizes are small, to prove the point; the figures are printed by the probe.
source "$(dirname "$0")/lib.sh"

PROBE=$AIXIN_BIN_DIR/tests/door_probe
it_create_db

# --- 6. least privilege ------------------------------------------------------
serve_psql() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$IT_SERVE_CONNINFO" "$@"; }
for sql in "SELECT count(*) FROM aixin.accounts" \
           "UPDATE aixin.accounts SET disabled = false" \
           "TRUNCATE aixin.audit_log" \
           "INSERT INTO aixin.audit_log (action) VALUES ('forged')" \
           "CREATE TABLE aixin.extra (x int)" \
           "DROP FUNCTION aixin.audit_verify(bigint)"; do
  if serve_psql -c "$sql" >/dev/null 2>"$IT_TMP/serve.err"; then
    it_fail "the serving role could run: $sql"
  fi
  it_pass "serving role refused: $sql"
done
it_assert_eq "t" "$(serve_psql -c "SELECT count(*) > 13 FROM aixin.list_divisions(1, '360800')")" \
  "serving role executes the functions"
it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = 'aixin' AND p.provolatile <> 'i' AND NOT p.prosecdef")" \
  "every aixin function that reads or writes runs as its owner"
rc=0
timeout 20 "$AIXIND" --listen 127.0.0.1:0 --database "$IT_CONNINFO" \
  >"$IT_TMP/super.log" 2>&1 || rc=$?
[[ $rc != 0 && $rc != 124 ]] || it_fail "aixind served as a superuser (status $rc)"
it_assert_contains "$(cat "$IT_TMP/super.log")" "privileged_role" "aixind refuses to serve as a superuser"
rc=0
timeout 20 "$AIXIND" --listen 127.0.0.1:0 --database "$IT_OWNER_CONNINFO" \
  >"$IT_TMP/owner.log" 2>&1 || rc=$?
[[ $rc != 0 && $rc != 124 ]] || it_fail "aixind served as the schema owner (status $rc)"
it_assert_contains "$(cat "$IT_TMP/owner.log")" "schema_owner" "aixind refuses to serve as the owner"

# --- 1. connections ------------------------------------------------------------
# A stranger's requests do not extend its login deadline.
it_start_daemon --set login_timeout_ms=1500
port=${AIXIN_SERVER##*:}
it_expect_exit 0 "$PROBE" deadline 127.0.0.1 "$port"
it_log "$(it_last_stdout)"
it_stop_daemon

it_start_daemon --set max_connections=120 --set max_unauthenticated=60 \
  --set max_unauthenticated_per_address=30 --set login_timeout_ms=5000 \
  --set login_delay_after=3 --set login_delay_max_ms=300 --set login_lock_after=8 \
  --set login_lock_s=600 --set login_address_factor=50
port=${AIXIN_SERVER##*:}
clerk_pw=clerk-password-1
AIXIN_NEW_PASSWORD=$clerk_pw it_expect_exit 0 "$AIXIN_CLI" account create --no-password-change --username clerk01 \
  --role township_clerk --division 360821100
for u in victim01 clerk02 clerk03; do
  AIXIN_NEW_PASSWORD=$clerk_pw it_expect_exit 0 "$AIXIN_CLI" account create --no-password-change --username "$u" \
    --role township_clerk --division 360821100
done


# 400 strangers from one address, more than every cap: the honest client
# from another address logs in and works every time.
it_expect_exit 0 "$PROBE" conn-flood 127.0.0.1 "$port" 400 8 clerk01 "$clerk_pw"
it_log "$(it_last_stdout)"
summary=$(grep -c 'event=door_summary' "$IT_DAEMON_LOG" || true)
closes=$(grep -c 'event=close .*code=' "$IT_DAEMON_LOG" || true)
(( summary >= 1 )) || it_fail "no door summary line in the log"
(( closes < 20 )) || it_fail "$closes per-connection close lines for the flood"
it_pass "refusals logged as $summary summary line(s), $closes close lines"

# --- 2. password guessing ------------------------------------------------------
# Attempts in the audit log: a failed login is a row; throttled ones the
# daemon refused on its own are counted in summary rows (detail.attempts),
# written every few seconds.
attempts_audited() {
  it_psql -c "SELECT coalesce(sum(coalesce((detail->>'attempts')::int, 1)), 0)
                FROM aixin.audit_log WHERE action LIKE 'session.login_%'
                 AND action <> 'session.login'"
}
before=$(attempts_audited)
it_expect_exit 0 "$PROBE" guess 127.0.0.1 "$port" victim01 30 "$clerk_pw"
it_log "$(it_last_stdout)"
for _ in $(seq 1 60); do
  (( $(attempts_audited) - before >= 31 )) && break
  sleep 0.5
done
it_assert_eq 31 "$(($(attempts_audited) - before))" "every failed and throttled login is in the audit"
by_daemon=$(it_psql -c "SELECT coalesce(sum((detail->>'attempts')::int), 0) FROM aixin.audit_log
                         WHERE action = 'session.login_throttled' AND detail->>'refused_by' = 'daemon'
                           AND target = 'username:victim01'")
(( by_daemon > 0 )) || it_fail "no throttled attempt was refused without the database"
it_pass "$by_daemon throttled attempts refused by the daemon alone, audited as summaries"
it_expect_exit 0 "$AIXIN_CLI" account unlock victim01
AIXIN_USER=victim01 AIXIN_PASSWORD=$clerk_pw AIXIN_SESSION_FILE=$IT_TMP/victim-session \
  it_expect_exit 0 "$AIXIN_CLI" year list
it_pass "after unlock the right password works"

it_expect_exit 0 "$PROBE" login-flood 127.0.0.1 "$port" 16 6 clerk01 "$clerk_pw"
it_log "$(it_last_stdout)"

# --- 3. sessions end everywhere -------------------------------------------------
it_expect_exit 0 "$PROBE" revoke 127.0.0.1 "$port" logout clerk01 "$clerk_pw"
it_expect_exit 0 "$PROBE" revoke 127.0.0.1 "$port" password clerk02 "$clerk_pw"
it_expect_exit 0 "$PROBE" revoke 127.0.0.1 "$port" disable clerk03 "$clerk_pw" admin "$IT_ADMIN_PASSWORD"

# --- 7. input ----------------------------------------------------------------------
MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
# make_id refuses address 000000 itself: the check character from SQL.
zero_id=00000019880304011$(it_psql -c "SELECT aixin.id_check_char('00000019880304011')")
it_expect_exit 0 "$PROBE" input 127.0.0.1 "$port" victim01 "$clerk_pw" \
  "$("$MAKE_ID" 360821 19880304 011 M)" "$zero_id"
it_assert_eq "f|f|t" "$(it_psql -c "SELECT aixin.id_number_valid('$zero_id'),
                                    aixin.label_ok(E'a\u2028b', 64), aixin.label_ok('ab', 64)")" \
  "the database refuses them too"

# --- the client's commands for passwords -------------------------------------
AIXIN_NEW_PASSWORD=reset-password-22 it_expect_exit 0 "$AIXIN_CLI" account reset-password victim01
as_victim() { AIXIN_USER=victim01 AIXIN_SESSION_FILE=$IT_TMP/victim2-session "$@"; }
AIXIN_PASSWORD=$clerk_pw as_victim it_expect_exit 1 "$AIXIN_CLI" year list
AIXIN_PASSWORD=reset-password-22 AIXIN_NEW_PASSWORD=changed-password-33 \
  as_victim it_expect_exit 0 "$AIXIN_CLI" password change
AIXIN_PASSWORD=changed-password-33 as_victim it_expect_exit 0 "$AIXIN_CLI" year list
it_pass "reset by the admin, then changed by the account itself"

# --- 4. refusals audited, chain verified ---------------------------------------
refused_before=$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action LIKE 'refused.%'")
AIXIN_USER=clerk01 AIXIN_PASSWORD=$clerk_pw AIXIN_SESSION_FILE=$IT_TMP/clerk-session \
  it_expect_exit 1 "$AIXIN_CLI" year open --year 2031 --reference-date 2031-01-01 --premium 30.00 \
  --city-subsidy 5.00 --county-share-range 6.00-20.00
refused_after=$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action LIKE 'refused.%'")
(( refused_after > refused_before )) || it_fail "a refused write left no audit row"
it_pass "a refused write is audited"
AIXIN_USER=clerk01 AIXIN_PASSWORD=$clerk_pw AIXIN_SESSION_FILE=$IT_TMP/clerk-session \
  it_expect_exit 1 "$AIXIN_CLI" claim show --claim 424242
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = 'refused.get_claim'")" \
  "a refused claim read is audited"

it_expect_exit 0 "$AIXIN_CLI" audit verify
it_expect_exit 0 "$AIXIN_CLI" audit show --account admin
it_assert_contains "$(it_last_stdout)" "account.unlock" "audit show lists the unlock"
victim_seq=$(it_psql -c "SELECT min(chain_seq) FROM aixin.audit_log WHERE action = 'session.login_failed'")
it_psql -c "SET session_replication_role = replica;
            UPDATE aixin.audit_log SET detail = '{\"address\": \"10.0.0.1\"}' WHERE chain_seq = $victim_seq"
it_expect_exit 1 "$AIXIN_CLI" audit verify
it_assert_contains "$(it_last_stdout)$(it_last_stderr)" "$victim_seq" "audit verify names the changed row"

it_stop_daemon
