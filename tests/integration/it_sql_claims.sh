#!/usr/bin/env bash
# Claims enforced by the database: tests/sql/claims.sql (adjuster accounts,
# filing, every transition by state and role, deadlines, caps, home
# delivery, paper dates, visits, supplementary payouts, history, reads, the
# due list), then concurrent requests in separate sessions: two adjusters
# approving one claim at once (one wins, the other gets a conflict), an
# approval racing a rejection, two approvals of different claims that
# together would pass the benefit cap, and a retry with the first key while
# the first attempt is still open.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/claims.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/claims.sql"
}
printf '%s\n' "$out"

# --- concurrency --------------------------------------------------------------
# claims.sql left years P (= this year - 1) with an accident_injury cap of
# 3,000 yuan, chinalife insuring county 360821, and the accounts adj_cl1,
# adj_cl2 (adjusters) and sup_cl (supervisor).  One more child in township
# 360821100, enrolled in P, with five claims filed in P.
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
adj1=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'adj_cl1'")
adj2=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'adj_cl2'")
sup=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'sup_cl'")
year=$(it_psql -c "SELECT extract(year FROM aixin.local_today())::int - 1")
guardian=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082119850101901' AS d) x")
child=$(it_psql -c "SELECT d || aixin.id_check_char(d)
                      FROM (SELECT '360821' || ($year - 2) || '0303' || '903' AS d) x")
it_psql -o /dev/null <<SQL
SELECT * FROM aixin.register_household($admin, 8001, '\x00000000000000000000000000008001',
  '360821100', 'only_child', 'CONC-C1', '$guardian', '测试', NULL, NULL);
SELECT * FROM aixin.add_child($admin, 8002, '\x00000000000000000000000000008002',
  (SELECT household_id FROM aixin.guardians WHERE id_number = '$guardian'), '$child', '测试子', NULL, NULL);
SELECT * FROM aixin.enroll($admin, 8003, '\x00000000000000000000000000008003', '$child', $year);
SQL
file_claim() { # REQUEST_ID EVENT AMOUNT: prints the claim id
  it_psql -c "SELECT id FROM aixin.file_claim($admin, $1, '\\x$(printf '%032d' "$1")', '$child', $year, '$2',
                make_date($year, 3, 1), $3, true, ARRAY['理赔申请书'], NULL, make_date($year, 3, 2))"
}
c_race=$(file_claim 8010 illness 150000)
c_mixed=$(file_claim 8011 illness 150000)
c_cap1=$(file_claim 8012 accident_injury 200000)
c_cap2=$(file_claim 8013 accident_injury 200000)
c_retry=$(file_claim 8014 illness 150000)

# Session A holds its transaction open until N sessions wait for a lock.
hold_until_waiters() { # N
  printf '%s' "DO \$\$
BEGIN
  FOR i IN 1..200 LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN (SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock') >= $1;
    PERFORM pg_sleep(0.05);
  END LOOP;
END \$\$"
}

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

# run_pair FIRST_SQL SECOND_SQL: A runs FIRST_SQL in a transaction it keeps
# open until B (SECOND_SQL) waits for a lock; sets rc_a, rc_b.
run_pair() {
  local pid_a pid_b
  rm -f "$IT_TMP/a.ready"
  run_session a "BEGIN" "$1" "\\! touch $IT_TMP/a.ready" "$(hold_until_waiters 1)" "COMMIT"
  pid_a=$!
  wait_for_file "$IT_TMP/a.ready"
  run_session b "$2"
  pid_b=$!
  rc_a=0 rc_b=0
  wait "$pid_a" || rc_a=$?
  wait "$pid_b" || rc_b=$?
}

approve_sql() { # ACTOR REQUEST_ID CLAIM AMOUNT
  printf "SELECT state || ':' || approved_fen FROM aixin.approve_claim(%s, %s, '\\\\x%032d', %s, %s, NULL, NULL)" \
    "$1" "$2" "$2" "$3" "$4"
}
reject_sql() { # ACTOR REQUEST_ID CLAIM
  printf "SELECT state FROM aixin.reject_claim(%s, %s, '\\\\x%032d', %s, '重复报案', NULL)" "$1" "$2" "$2" "$3"
}
transitions() { # CLAIM: the claim's actions after filing
  it_psql -c "SELECT coalesce(string_agg(action || ':' || a.username, ' ' ORDER BY t.id), '')
                FROM aixin.claim_transitions t JOIN aixin.accounts a ON a.id = t.account_id
               WHERE t.claim_id = $1 AND t.action <> 'file'"
}

# Two adjusters approve the same claim at once: the first wins, the second
# waits for the claim row, finds it approved and gets a conflict.
run_pair "$(approve_sql "$adj1" 8020 "$c_race" 150000)" "$(approve_sql "$adj2" 8021 "$c_race" 120000)"
it_assert_eq "0 approved:150000" "$rc_a $(cat "$IT_TMP/a.out")" "first adjuster approves"
it_assert_eq "1 ERROR:  AXC01" "$rc_b $(cat "$IT_TMP/b.out")" "second adjuster: conflict"
it_assert_eq "approve:adj_cl1" "$(transitions "$c_race")" "exactly one approval recorded"
it_assert_eq "approved 150000" \
  "$(it_psql -c "SELECT state || ' ' || approved_fen FROM aixin.claims WHERE id = $c_race")" "the winner's amount"
late=$(psql -X -A -t -q -d "$IT_CONNINFO" -v VERBOSITY=verbose \
         -c "$(approve_sql "$adj2" 8022 "$c_race" 120000)" 2>&1 || true)
it_assert_contains "$late" "ERROR:  AXC01: claim $c_race is already approved" "a late approval: conflict naming the state"
it_assert_contains "$late" "COLUMN NAME:  claim_id" "the conflict names the field claim_id"

# An adjuster rejects while the supervisor approves: the rejection came
# first, the approval is a conflict.
run_pair "$(reject_sql "$adj1" 8030 "$c_mixed")" "$(approve_sql "$sup" 8031 "$c_mixed" 150000)"
it_assert_eq "0 rejected" "$rc_a $(cat "$IT_TMP/a.out")" "rejection first"
it_assert_eq "1 ERROR:  AXC01" "$rc_b $(cat "$IT_TMP/b.out")" "approval afterwards: conflict"
it_assert_eq "reject:adj_cl1" "$(transitions "$c_mixed")" "only the rejection recorded"

# Two claims of one policy and event approved at once, 2,000 yuan each
# under a 3,000 yuan cap: the second approval waits for the first and is
# refused by the cap.
run_pair "$(approve_sql "$adj1" 8040 "$c_cap1" 200000)" "$(approve_sql "$adj2" 8041 "$c_cap2" 200000)"
it_assert_eq "0 approved:200000" "$rc_a $(cat "$IT_TMP/a.out")" "first approval within the cap"
it_assert_eq "1 ERROR:  AXR01" "$rc_b $(cat "$IT_TMP/b.out")" "concurrent approval past the cap: refused"
it_assert_eq "200000" \
  "$(it_psql -c "SELECT sum(approved_fen) FROM aixin.claims WHERE id IN ($c_cap1, $c_cap2) AND state = 'approved'")" \
  "the cap holds"

# A retry with the first key while the first attempt is still open waits
# for it and returns the same answer; one approval only.
run_pair "$(approve_sql "$adj1" 8050 "$c_retry" 140000)" "$(approve_sql "$adj1" 8050 "$c_retry" 140000)"
it_assert_eq "0 approved:140000" "$rc_a $(cat "$IT_TMP/a.out")" "first attempt"
it_assert_eq "0 approved:140000" "$rc_b $(cat "$IT_TMP/b.out")" "retry with the same key: same answer"
it_assert_eq "approve:adj_cl1" "$(transitions "$c_retry")" "the retry added nothing"

it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys WHERE key IN
                                  ('\\x00000000000000000000000000008021', '\\x00000000000000000000000000008022',
                                   '\\x00000000000000000000000000008031', '\\x00000000000000000000000000008041')")" \
  "refused requests left no key"
