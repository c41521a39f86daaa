#!/usr/bin/env bash
# The database enforces the programme's rules by itself: tests/sql/rules.sql
# (IDs, divisions, roles and scope, idempotent replay, household and age
# rules, audit), then concurrent requests in separate sessions: two
# enrollments of one child (one wins, the other is told it exists), a retry
# with the first key while the first attempt is still open (same answer),
# and two children added at once to an only-child household.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db

# The set-based import answers a colliding batch exactly as its rows run
# one by one would (tests/sql/import_bulk.sql, first:
# it leaves nothing behind).
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/import_bulk.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/import_bulk.sql"
}
printf '%s\n' "$out"

# Rules checked once per statement judge a statement of several rows as
# its rows one after the other would be (tests/sql/statement_rules.sql).
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/statement_rules.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/statement_rules.sql"
}
printf '%s\n' "$out"

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/rules.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/rules.sql"
}
printf '%s\n' "$out"

# --- concurrency --------------------------------------------------------------
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
guardian=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082419800101777' AS d) x")
child=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082420220303771' AS d) x")
child2=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082420230404772' AS d) x")
child3=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082420230505774' AS d) x")
it_psql -o /dev/null <<SQL
SELECT * FROM aixin.register_household($admin, 1001, '\x00000000000000000000000000001001',
  '360824100', 'only_child', 'CONC-1', '$guardian', '测试', NULL, NULL);
SELECT * FROM aixin.add_child($admin, 1002, '\x00000000000000000000000000001002',
  (SELECT household_id FROM aixin.guardians WHERE id_number = '$guardian'), '$child', '测试子', NULL, NULL);
SELECT * FROM aixin.register_household($admin, 1003, '\x00000000000000000000000000001003',
  '360824100', 'only_child', 'CONC-2', (SELECT d || aixin.id_check_char(d) FROM (SELECT '36082419800101779' AS d) x),
  '测试二', NULL, NULL);
SQL
hh2=$(it_psql -c "SELECT id FROM aixin.households WHERE certificate_no = 'CONC-2'")

# Session A holds its transaction open until B and C are both waiting on it.
hold_until_two_waiters="DO \$\$
BEGIN
  FOR i IN 1..200 LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN (SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock') >= 2;
    PERFORM pg_sleep(0.05);
  END LOOP;
END \$\$"

run_session() { # NAME SQL...: run in the background, output in $IT_TMP/NAME.out
  local name=$1
  shift
  local args=()
  local sql
  for sql in "$@"; do args+=(-c "$sql"); done
  psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -d "$IT_CONNINFO" "${args[@]}" \
    >"$IT_TMP/$name.out" 2>&1 &
}

wait_for_file() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  it_fail "timed out waiting for $1"
}

key_a="'\\x00000000000000000000000000002001'"
key_b="'\\x00000000000000000000000000002002'"
enroll_sql() { # REQUEST_ID KEY
  printf "SELECT outcome, id FROM aixin.enroll(%s, %s, %s, '%s', 2027)" "$admin" "$1" "$2" "$child"
}

run_session a "BEGIN" "$(enroll_sql 2001 "$key_a")" "\\! touch $IT_TMP/a.ready" \
  "$hold_until_two_waiters" "COMMIT"
pid_a=$!
wait_for_file "$IT_TMP/a.ready"
run_session b "$(enroll_sql 2002 "$key_b")"
pid_b=$!
run_session c "$(enroll_sql 2003 "$key_a")"
pid_c=$!
rc_a=0 rc_b=0 rc_c=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
wait "$pid_c" || rc_c=$?

policy=$(it_psql -c "SELECT p.id FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
                      WHERE c.id_number = '$child' AND p.policy_year = 2027")
it_assert_eq "0 ok|$policy" "$rc_a $(cat "$IT_TMP/a.out")" "first enrollment commits"
it_assert_eq "1 ERROR:  AXE01" "$rc_b $(cat "$IT_TMP/b.out")" "concurrent enrollment with another key: already exists"
it_assert_eq "0 ok|$policy" "$rc_c $(cat "$IT_TMP/c.out")" "retry with the first key while it runs: same answer"
it_assert_eq "1" "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
                                  WHERE c.id_number = '$child'")" "exactly one policy"
it_assert_eq "policy.enroll policy.enroll.replay" \
  "$(it_psql -c "SELECT string_agg(action, ' ' ORDER BY id) FROM aixin.audit_log WHERE request_id BETWEEN 2001 AND 2003")" \
  "audit: one enrollment, one replay"

# Two children at once into one only-child household: one of them is refused.
rm -f "$IT_TMP/a.ready"
run_session a "BEGIN" \
  "SELECT id FROM aixin.add_child($admin, 3001, '\\x00000000000000000000000000003001', $hh2, '$child2', 'a', NULL, NULL)" \
  "\\! touch $IT_TMP/a.ready" "${hold_until_two_waiters/>= 2/>= 1}" "COMMIT"
pid_a=$!
wait_for_file "$IT_TMP/a.ready"
run_session b \
  "SELECT id FROM aixin.add_child($admin, 3002, '\\x00000000000000000000000000003002', $hh2, '$child3', 'b', NULL, NULL)"
pid_b=$!
rc_a=0 rc_b=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
it_assert_eq "0" "$rc_a" "first child committed"
it_assert_eq "1 ERROR:  AXR01" "$rc_b $(cat "$IT_TMP/b.out")" "second child at once: rule violated"
it_assert_eq "1" "$(it_psql -c "SELECT count(*) FROM aixin.children WHERE household_id = $hh2")" "one child in the household"
it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys WHERE key = '\\x00000000000000000000000000003002'")" \
  "refused request left no key"
