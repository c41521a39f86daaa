#!/usr/bin/env bash
# Housekeeping: aixind purges expired sessions and idempotency keys older
# than idempotency_retention_days, in batches of housekeeping_batch rows
# (several transactions, each logged), while it keeps serving; live
# sessions, keys younger than the retention and a key whose first attempt
# has no answer yet stay. A retention under 400 days is refused, by the
# daemon's configuration and by the SQL function itself.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
# 2,500 expired sessions, 3 live ones; keys: 2,500 aged 500 days, 10 aged
# 399 days, 1 aged 500 days still in progress (no result), 5 new.
it_psql -c "INSERT INTO aixin.sessions (token_hash, account_id, created_at, expires_at)
            SELECT sha256(('expired' || g)::bytea), $admin, now() - interval '3 days',
                   now() - interval '1 day' FROM generate_series(1, 2500) g" \
        -c "INSERT INTO aixin.sessions (token_hash, account_id, expires_at)
            SELECT sha256(('live' || g)::bytea), $admin, now() + interval '1 day'
              FROM generate_series(1, 3) g" \
        -c "INSERT INTO aixin.idempotency_keys (key, account_id, operation, request_hash, result, created_at)
            SELECT substring(sha256(('k' || g)::bytea) FROM 1 FOR 16), $admin, 'enroll',
                   sha256(('r' || g)::bytea), '{}'::jsonb,
                   now() - CASE WHEN g <= 2500 THEN interval '500 days'
                                WHEN g <= 2510 THEN interval '399 days'
                                ELSE interval '1 hour' END
              FROM generate_series(1, 2515) g" \
        -c "INSERT INTO aixin.idempotency_keys (key, account_id, operation, request_hash, result, created_at)
            VALUES (substring(sha256('running'::bytea) FROM 1 FOR 16), $admin, 'enroll',
                    sha256('r'::bytea), NULL, now() - interval '500 days')"

rc=0
timeout 20 "$AIXIND" --listen 127.0.0.1:0 --database "$IT_SERVE_CONNINFO" \
  --set idempotency_retention_days=399 >"$IT_TMP/short.log" 2>&1 || rc=$?
[[ $rc != 0 && $rc != 124 ]] || it_fail "aixind accepted a retention of 399 days"
it_assert_contains "$(cat "$IT_TMP/short.log")" "idempotency_retention_days" "a retention under 400 days refused"
rc=0
it_psql -c "SELECT * FROM aixin.housekeeping_purge(10, 30)" >"$IT_TMP/sql.out" 2>&1 || rc=$?
[[ $rc != 0 ]] || it_fail "housekeeping_purge accepted 30 days"
it_assert_contains "$(cat "$IT_TMP/sql.out")" "at least 400 days" "the SQL function refuses it too"

it_start_daemon --set housekeeping_interval_s=1 --set housekeeping_batch=1000 \
  --set idempotency_retention_days=400
left() { it_psql -c "SELECT (SELECT count(*) FROM aixin.sessions WHERE expires_at < now())
                          + (SELECT count(*) FROM aixin.idempotency_keys
                              WHERE created_at < now() - interval '400 days' AND result IS NOT NULL)"; }
served=0
for _ in $(seq 1 150); do
  # Requests are answered all along.
  "$AIXIN_CLI" divisions --root 360821100 >/dev/null && served=$((served + 1))
  [[ $(left) == 0 ]] && break
  sleep 0.2
done
it_assert_eq 0 "$(left)" "expired sessions and old keys purged"
(( served > 0 )) || it_fail "no request answered during the purge"
it_pass "$served requests answered during the purge"
batches=$(grep -c 'event=housekeeping ' "$IT_DAEMON_LOG" || true)
(( batches >= 3 )) || it_fail "purged in $batches transactions, expected at least 3 of at most 1000 rows"
it_pass "purged in $batches batches of at most 1000 rows"
it_assert_eq 3 "$(it_psql -c "SELECT count(*) FROM aixin.sessions WHERE token_hash IN
                               (SELECT sha256(('live' || g)::bytea) FROM generate_series(1, 3) g)")" \
  "live sessions kept"
it_assert_eq 16 "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys WHERE operation = 'enroll'")" \
  "keys younger than 400 days and the one in progress kept"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys WHERE result IS NULL")" \
  "the key still in progress kept"
