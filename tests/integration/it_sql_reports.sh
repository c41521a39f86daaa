#!/usr/bin/env bash
# Reports computed by the database: tests/sql/reports.sql (every kind on a
# small two-year programme with the figures worked out by hand, parent =
# sum of children, ranges, empty divisions, scope, roles, arguments, and
# the policy totals exact after every kind of write), then the totals under
# concurrent enrollments in separate sessions: the two daughters of one
# household enrolled at the same moment count as one household, and
# enrollments of other households in the same township all count.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db

out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null \
        -f "$AIXIN_SOURCE_DIR/tests/sql/reports.sql" 2>&1) || {
  printf '%s\n' "$out"
  it_fail "tests/sql/reports.sql"
}
printf '%s\n' "$out"

# --- concurrency --------------------------------------------------------------
# reports.sql left year B (= this year - 1) open with terms for county
# 360821.  New households in township 360821105 (万福镇, no policies yet): a
# two-daughter household D with daughters d1 and d2, and one-child
# households e1..e4.
admin=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
year=$(it_psql -c "SELECT extract(year FROM aixin.local_today())::int - 1")
twp=360821105
mkid() { # REGION BORN(YYYYMMDD) SEQ
  it_psql -c "SELECT d || aixin.id_check_char(d) FROM (SELECT '$1$2' || lpad('$3', 3, '0') AS d) x"
}
key() { printf '\\x%032d' "$1"; }
register() { # REQ KIND CERT GUARDIAN: prints the household id
  it_psql -c "SELECT household_id FROM aixin.register_household($admin, $1, '$(key "$1")', '$twp',
                '$2', '$3', '$4', '家长', NULL, NULL) LIMIT 1"
}
add_child() { # REQ HOUSEHOLD CHILD
  it_psql -o /dev/null -c "SELECT * FROM aixin.add_child($admin, $1, '$(key "$1")', $2, '$3', '孩子', NULL, NULL)"
}
born=$((year - 3))0301
hd=$(register 9001 two_daughters CONC-D "$(mkid 360821 19880301 901)")
d1=$(mkid 360821 "$born" 902)
d2=$(mkid 360821 "$born" 904)
add_child 9002 "$hd" "$d1"
add_child 9003 "$hd" "$d2"
es=()
for i in 1 2 3 4; do
  h=$(register $((9010 + i)) only_child "CONC-E$i" "$(mkid 360821 1988030$i 91$i)")
  e=$(mkid 360821 "$born" $((911 + 2 * i)))
  add_child $((9020 + i)) "$h" "$e"
  es+=("$e")
done

enroll_sql() { # REQ CHILD
  printf "SELECT policy_year FROM aixin.enroll(%s, %s, '%s', '%s', %s)" "$admin" "$1" "$(key "$1")" "$2" "$year"
}
totals() { # households and policies of the township in year B, from the totals and from the policies
  it_psql -c "SELECT (SELECT coalesce(sum(households), 0) || ' ' || coalesce(sum(policies), 0)
                        FROM aixin.report_policy_totals
                       WHERE policy_year = $year AND township_code = '$twp')
                     || ' / ' ||
                     (SELECT count(DISTINCT household_id) || ' ' || count(*) FROM aixin.policies
                       WHERE policy_year = $year AND township_code = '$twp')"
}

# Session A enrolls d1 and keeps its transaction open until another
# session waits for a lock; session B enrolls d2 meanwhile.
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
run_session() { # NAME SQL...: in the background, output in $IT_TMP/NAME.out
  local name=$1
  shift
  local args=() sql
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

rm -f "$IT_TMP/a.ready"
waiters="SELECT pg_stat_clear_snapshot(); SELECT count(*) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'"
run_session a "BEGIN" "$(enroll_sql 9101 "$d1")" "\\! touch $IT_TMP/a.ready" "$(hold_until_waiters 1)" \
  "$waiters" "COMMIT"
pid_a=$!
wait_for_file "$IT_TMP/a.ready"
run_session b "$(enroll_sql 9102 "$d2")"
pid_b=$!
rc_a=0 rc_b=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
it_assert_eq "0 $year 1" "$rc_a $(grep -v '^$' "$IT_TMP/a.out" | tr '\n' ' ' | sed 's/ $//')" \
  "session A enrolls the first daughter; session B waits for her household"
it_assert_eq "0 $year" "$rc_b $(cat "$IT_TMP/b.out")" "session B enrolls her sister at the same time"
it_assert_eq "1 2 / 1 2" "$(totals)" "two sisters enrolled at once: one household, two policies"

# Four sessions enroll four other households of the same township at
# once: every one counts.
pids=()
for i in 0 1 2 3; do
  run_session "e$i" "BEGIN" "$(enroll_sql $((9110 + i)) "${es[$i]}")" "SELECT pg_sleep(0.5)" "COMMIT"
  pids+=($!)
done
for i in 0 1 2 3; do
  rc=0
  wait "${pids[$i]}" || rc=$?
  it_assert_eq "0 $year" "$rc $(head -n 1 "$IT_TMP/e$i.out")" "concurrent enrollment $i"
done
it_assert_eq "5 6 / 5 6" "$(totals)" "concurrent enrollments in one township: all counted"
it_assert_eq "5 6 null" \
  "$(it_psql -c "SELECT insured_households || ' ' || policies || ' ' || coalesce(enrollment_rate::text, 'null')
                   FROM aixin.report_enrollment($admin, $year, $year, '$twp')")" \
  "the report agrees (no census there: rate null)"
