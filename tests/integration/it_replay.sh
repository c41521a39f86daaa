#!/usr/bin/env bash
# Exactly once on the wire: one enrollment key sent three times over two
# connections at once gives one policy and the same answer each time; the
# key reused with another request is refused (KEY_REUSED) and changes
# nothing; a retry after a daemon restart still returns the first answer.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PROBE=$AIXIN_BIN_DIR/tests/replay_probe

it_create_db
it_start_daemon
it_expect_exit 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 \
  --premium 30.00 --city-subsidy 2.00 --county-share-range 6.00-20.00
it_expect_exit 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
it_expect_exit 0 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 10.00 \
  --insurer chinalife
guardian=$("$MAKE_ID" 360821 19870101 001 M)
child=$("$MAKE_ID" 360821 20240601 002 F)
it_expect_exit 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind only_child --certificate RP-0001 --guardian "$guardian:赵军"
household=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
it_expect_exit 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" --name 赵小雪

before_keys=$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys")
it_expect_exit 0 "$PROBE" 127.0.0.1 "$IT_DAEMON_PORT" admin "$IT_ADMIN_PASSWORD" "$child" 2027
read -r policy key <"$IT_LAST_OUT"
it_pass "three sends over two connections answered with policy $policy"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id WHERE c.id_number = '$child'")" \
  "exactly one policy for the child"
it_assert_eq $((before_keys + 1)) "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys")" \
  "exactly one key stored"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2028")" \
  "the reused key created nothing"
it_restart_daemon
it_expect_exit 0 "$PROBE" 127.0.0.1 "$IT_DAEMON_PORT" admin "$IT_ADMIN_PASSWORD" "$child" 2027 "$key"
read -r again _ <"$IT_LAST_OUT"
it_assert_eq "$policy" "$again" "after a restart the same key answers with the first policy"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" "still one policy"
it_expect_exit 1 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_contains "$(it_last_stderr)" "ALREADY_EXISTS" "a new key for the same enrollment is a duplicate, not a replay"
it_stop_daemon
