#!/usr/bin/env bash
# Programme terms enforced by the database: tests/sql/programme.sql (policy
# years, insurers, county terms, frozen splits, the freeze rule, census,
# disbursements, the ledger), then concurrent requests in separate sessions:
# two census submissions for one township at once (distinct revisions), a
# change of county terms or of a year's terms while an enrollment is still
# open (refused once it commits), and an enrollment while new county terms
# are being set (it copies the new terms).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/programme.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/programme.sql"
}
printf '%s\n' "$out"

# --- concurrency --------------------------------------------------------------
# County W = 360824 (新干县), township 360824100; years 2029-2031, each with
# premium 3000 and city subsidy 200; W's share 1000 with chinalife.
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
guardian=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082419800101901' AS d) x")
child=$(it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '36082420240601903' AS d) x")
it_psql -o /dev/null <<SQL
SELECT * FROM aixin.open_policy_year($admin, 5001, '\x00000000000000000000000000005001', 2029, '2029-01-01',
  3000, 200, 0, 3000, '[]');
SELECT * FROM aixin.open_policy_year($admin, 5002, '\x00000000000000000000000000005002', 2030, '2030-01-01',
  3000, 200, 0, 3000, '[]');
SELECT * FROM aixin.open_policy_year($admin, 5003, '\x00000000000000000000000000005003', 2031, '2031-01-01',
  3000, 200, 0, 3000, '[]');
SELECT * FROM aixin.set_county_terms($admin, 5004, '\x00000000000000000000000000005004', '360824', 2029, 1000, 'chinalife');
SELECT * FROM aixin.set_county_terms($admin, 5005, '\x00000000000000000000000000005005', '360824', 2030, 1000, 'chinalife');
SELECT * FROM aixin.set_county_terms($admin, 5006, '\x00000000000000000000000000005006', '360824', 2031, 1000, 'chinalife');
SELECT * FROM aixin.register_household($admin, 5007, '\x00000000000000000000000000005007',
  '360824100', 'only_child', 'CONC-P1', '$guardian', '测试', NULL, NULL);
SELECT * FROM aixin.add_child($admin, 5008, '\x00000000000000000000000000005008',
  (SELECT household_id FROM aixin.guardians WHERE id_number = '$guardian'), '$child', '测试子', NULL, NULL);
SQL

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

census_sql() { # REQUEST_ID ELIGIBLE
  printf "SELECT revision FROM aixin.submit_census(%s, %s, '\\\\x%032d', '360824100', 2029, %s, NULL)" \
    "$admin" "$1" "$1" "$2"
}
enroll_sql() { # REQUEST_ID YEAR
  printf "SELECT city_share_fen || '/' || county_share_fen || '/' || township_share_fen || ':' || insurer_code
            FROM aixin.enroll(%s, %s, '\\\\x%032d', '%s', %s)" "$admin" "$1" "$1" "$child" "$2"
}
terms_sql() { # REQUEST_ID YEAR SHARE INSURER
  printf "SELECT county_share_fen || ':' || insurer_code
            FROM aixin.set_county_terms(%s, %s, '\\\\x%032d', '360824', %s, %s, '%s')" "$admin" "$1" "$1" "$2" "$3" "$4"
}

# Two submissions for one township and year at once: revisions 1 and 2.
run_pair "$(census_sql 6001 10)" "$(census_sql 6002 11)"
it_assert_eq "0 1" "$rc_a $(cat "$IT_TMP/a.out")" "first census submission: revision 1"
it_assert_eq "0 2" "$rc_b $(cat "$IT_TMP/b.out")" "concurrent census submission: revision 2"
it_assert_eq "1:10 2:11" \
  "$(it_psql -c "SELECT string_agg(revision || ':' || eligible_households, ' ' ORDER BY revision)
                   FROM aixin.census_submissions WHERE township_code = '360824100' AND policy_year = 2029")" \
  "both revisions kept"

# County terms changed while an enrollment is open: the change waits, then
# sees the policy and is refused; the policy keeps the terms it copied.
run_pair "$(enroll_sql 6003 2029)" "$(terms_sql 6004 2029 1500 taikang)"
it_assert_eq "0 200/1000/1800:chinalife" "$rc_a $(cat "$IT_TMP/a.out")" "enrollment commits with the terms in force"
it_assert_eq "1 ERROR:  AXR01" "$rc_b $(cat "$IT_TMP/b.out")" "concurrent change of county terms: frozen"
it_assert_eq "1000:chinalife:1" \
  "$(it_psql -c "SELECT county_share_fen || ':' || insurer_code || ':' || policies
                   FROM aixin.list_county_terms($admin, 2029) WHERE county_code = '360824'")" \
  "county terms unchanged"

# A year's terms changed while an enrollment is open: refused the same way.
run_pair "$(enroll_sql 6005 2030)" \
  "SELECT year FROM aixin.update_policy_year($admin, 6006, '\\x00000000000000000000000000006006', 2030,
     '2030-01-01', 3000, 300, 0, 3000, '[]')"
it_assert_eq "0 200/1000/1800:chinalife" "$rc_a $(cat "$IT_TMP/a.out")" "enrollment in 2030 commits"
it_assert_eq "1 ERROR:  AXR01" "$rc_b $(cat "$IT_TMP/b.out")" "concurrent change of the year's terms: frozen"
it_assert_eq "200 1 true" \
  "$(it_psql -c "SELECT city_subsidy_fen || ' ' || policies || ' ' || frozen FROM aixin.get_policy_year($admin, 2030)")" \
  "year terms unchanged"

# New county terms being set while an enrollment starts: the enrollment
# waits and copies the new terms.
run_pair "$(terms_sql 6007 2031 1200 taikang)" "$(enroll_sql 6008 2031)"
it_assert_eq "0 1200:taikang" "$rc_a $(cat "$IT_TMP/a.out")" "county terms changed first"
it_assert_eq "0 200/1200/1600:taikang" "$rc_b $(cat "$IT_TMP/b.out")" "enrollment copies the new terms"

it_assert_eq "0" \
  "$(it_psql -c "SELECT count(*) FROM aixin.policies
                  WHERE city_share_fen + county_share_fen + township_share_fen <> premium_fen")" \
  "every split sums to the premium"
it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM aixin.idempotency_keys WHERE key IN
                                  ('\\x00000000000000000000000000006004', '\\x00000000000000000000000000006006')")" \
  "refused requests left no key"
