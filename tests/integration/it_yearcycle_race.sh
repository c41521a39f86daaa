#!/usr/bin/env bash
# Closing a year against writes in flight, ordered by the database's locks
# (no sleeps: each side waits until pg_stat_activity shows the other
# blocked). A close that starts while an enrollment is uncommitted waits
# for it and then counts its policy; an enrollment that starts while a
# close is uncommitted waits for it and is then refused as of a closed
# year. The same for a claim filed against a close in flight.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" year open --year 2024 --reference-date 2024-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2024 --county-share 10.00 --insurer chinalife
kids=()
for seq in 110 120 130; do
  guardian=$("$MAKE_ID" 360821 19900101 "$seq" M)
  cli 0 "$AIXIN_CLI" --format json household register --township 360821207 --kind only_child \
    --certificate "RC-$seq" --guardian "$guardian:刘${seq}父"
  household=$(it_psql -v doc="$(it_last_stdout)" <<<"SELECT :'doc'::json->>'id'")
  kid=$("$MAKE_ID" 360821 20200301 "$seq" F)
  cli 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$kid" --name "刘$seq"
  kids+=("$kid")
done
cli 0 "$AIXIN_CLI" enroll --child "${kids[0]}" --year 2024
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")

# A psql session kept open on a fifo, to hold a transaction.
HOLD_IN=$IT_TMP/hold.in
mkfifo "$HOLD_IN"
psql -X -A -t -q -d "$IT_CONNINFO" <"$HOLD_IN" >"$IT_TMP/hold.out" 2>&1 &
HOLD_PID=$!
exec 3>"$HOLD_IN"
hold() { printf '%s\n' "$1" >&3; }
# held: until the session has run everything sent to it so far (psql reads
# the fifo at its own pace; the other side must start only after that).
HELD=0
held() {
  local i
  HELD=$((HELD + 1))
  hold "\\echo held-$HELD"
  for ((i = 0; i < 600; i++)); do
    grep -qx "held-$HELD" "$IT_TMP/hold.out" && return 0
    sleep 0.1
  done
  cat "$IT_TMP/hold.out" >&2
  it_fail "the held session did not answer"
}
# wait_blocked WHAT: until one of aixind's backends waits on a lock
# (bounded: 600 polls). aixind gives up a wait after its lock_timeout (5 s)
# and the client retries, so the wait is seen again if a poll misses it.
wait_blocked() {
  local i
  for ((i = 0; i < 600; i++)); do
    [[ $(it_psql -c "SELECT count(*) FROM pg_stat_activity
                     WHERE wait_event_type = 'Lock' AND usename = '$IT_SERVE'") != 0 ]] && return 0
    sleep 0.1
  done
  it_psql -c "SELECT usename, state, wait_event_type, wait_event, left(query, 80)
              FROM pg_stat_activity WHERE datname = current_database()" >&2
  it_fail "$1 never waited on a lock"
}

# 1. An enrollment in flight; the close waits for it, then counts it.
hold "BEGIN;"
hold "SELECT id FROM aixin.enroll($admin, 1, '\\x000102030405060708090a0b0c0d0e0f'::bytea, '${kids[1]}', 2024);"
held
"$AIXIN_CLI" --format json year close --year 2024 >"$IT_TMP/close.out" 2>"$IT_TMP/close.err" &
CLOSE_PID=$!
wait_blocked close_year
it_pass "the close waits for the enrollment in flight"
hold "COMMIT;"
wait "$CLOSE_PID" || it_fail "the close failed: $(cat "$IT_TMP/close.err")"
it_assert_eq "2" "$(it_psql -c "SELECT detail->>'policies' FROM aixin.audit_log
                                 WHERE action = 'policy_year.close'")" \
  "the close counted the enrollment that was in flight"
cli 0 "$AIXIN_CLI" year reopen --year 2024 --reason 测试
it_assert_eq "2" "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2024")" \
  "both enrollments kept"

# 2. A close in flight; an enrollment waits for it, then is refused.
hold "BEGIN;"
hold "SELECT closed FROM aixin.close_year($admin, 2, '\\x101112131415161718191a1b1c1d1e1f'::bytea, 2024, false, NULL) LIMIT 1;"
held
"$AIXIN_CLI" enroll --child "${kids[2]}" --year 2024 >"$IT_TMP/enroll.out" 2>"$IT_TMP/enroll.err" &
ENROLL_PID=$!
wait_blocked enroll
it_pass "the enrollment waits for the close in flight"
hold "COMMIT;"
if wait "$ENROLL_PID"; then it_fail "an enrollment was accepted into a year closed under it"; fi
it_assert_contains "$(cat "$IT_TMP/enroll.err")" "policy year 2024 is closed" \
  "the enrollment is refused as of a closed year"

# 3. The same for a claim filed while a close is in flight.
cli 0 "$AIXIN_CLI" year reopen --year 2024 --reason 测试
hold "BEGIN;"
hold "SELECT closed FROM aixin.close_year($admin, 3, '\\x202122232425262728292a2b2c2d2e2f'::bytea, 2024, false, NULL) LIMIT 1;"
held
"$AIXIN_CLI" claim file --child "${kids[0]}" --year 2024 --event illness --incident-date 2024-05-01 \
  --amount 100.00 --documents-complete --received-on 2024-05-02 >"$IT_TMP/claim.out" 2>"$IT_TMP/claim.err" &
CLAIM_PID=$!
wait_blocked file_claim
it_pass "the claim waits for the close in flight"
hold "COMMIT;"
if wait "$CLAIM_PID"; then it_fail "a claim was filed in a year closed under it"; fi
it_assert_contains "$(cat "$IT_TMP/claim.err")" "policy year 2024 is closed" \
  "the claim is refused as of a closed year"
it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM aixin.claims")" "no claim written"

exec 3>&-
wait "$HOLD_PID" || true
it_assert_eq "" "$(grep -i error "$IT_TMP/hold.out" || true)" "the held session had no error"
it_pass "closing against writes in flight"
