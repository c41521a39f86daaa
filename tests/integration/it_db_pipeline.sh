#!/usr/bin/env bash
# The pool's pipeline mode (server/db_pool.c): one database connection,
# up to 8 queries queued on it, single enrollments from 8 clients at
# once. Each query is its own transaction: an enrollment refused by its
# function (a child never registered) and one whose COMMIT fails (a
# deferred trigger this test adds) are answered with their own errors,
# nothing done for them; every enrollment queued behind them is done
# exactly once and acknowledged; none is answered "outcome unknown". The
# metrics prove that queries were queued behind others.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
ROWS=60
WORKERS=8

it_create_db
it_start_daemon --set threads=1 --set db_pool_size=1 --set db_pipeline_depth=8 \
  --set pwhash_per_address=8 \
  --set admin_listen=127.0.0.1:0 --set "admin_listen_file=$IT_TMP/admin.addr"

cli() { it_expect_exit "$@"; }
cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" year open --year 2028 --reference-date 2027-12-31 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for year in 2027 2028; do
  for county in 360821 360824; do
    cli 0 "$AIXIN_CLI" terms set --county "$county" --year "$year" --county-share 10.00 \
      --insurer chinalife
  done
done

# The children, registered by an import for 2027.
csv=$IT_TMP/enrollments.csv
enrollments_csv "$ROWS" "$csv"
cli 0 "$AIXIN_CLI" import enrollments "$csv"
it_assert_eq "$ROWS" "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2027")" \
  "the children are registered"
mapfile -t children < <(it_psql -c "SELECT id_number FROM aixin.children ORDER BY id")
it_assert_eq "$ROWS" "${#children[@]}" "one child per row"

# The COMMIT of the 2028 policy of one child fails: a deferred trigger,
# run at the commit (the pipeline segment's Sync), after the enrollment
# function has already returned its row. It waits a little first, so
# that the enrollments sent after it queue behind it.
doomed=${children[7]}
doomed_id=$(it_psql -c "SELECT id FROM aixin.children WHERE id_number = '$doomed'")
# (It runs at COMMIT as aixind's role, which may read no table.)
it_psql <<SQL
CREATE FUNCTION public.it_refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
  IF NEW.policy_year = 2028 AND NEW.child_id = $doomed_id THEN
    PERFORM pg_sleep(0.3);
    RAISE EXCEPTION 'refused at commit by the test' USING ERRCODE = 'AXR01';
  END IF;
  RETURN NULL;
END
\$\$;
CREATE CONSTRAINT TRIGGER it_refuse_at_commit AFTER INSERT ON aixin.policies
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.it_refuse_at_commit();
SQL

# A child nobody registered: the function refuses it at once.
stranger=$("$MAKE_ID" 360821 20240102 401 M)

# One login, then the clients share its session (no password hash each).
export AIXIN_SESSION_FILE=$IT_TMP/session
cli 0 "$AIXIN_CLI" login
# Worker w enrolls children w, w+WORKERS, ...; worker 0 also the stranger.
enroll_worker() {
  local w=$1 i rc
  for ((i = w; i < ROWS; i += WORKERS)); do
    rc=0
    env -u AIXIN_USER -u AIXIN_PASSWORD "$AIXIN_CLI" enroll --child "${children[i]}" --year 2028 \
      >"$IT_TMP/enroll.$i.out" 2>"$IT_TMP/enroll.$i.err" || rc=$?
    echo "$rc" >"$IT_TMP/enroll.$i.rc"
  done
  if ((w == 0)); then
    rc=0
    env -u AIXIN_USER -u AIXIN_PASSWORD "$AIXIN_CLI" enroll --child "$stranger" --year 2028 \
      >"$IT_TMP/enroll.stranger.out" 2>"$IT_TMP/enroll.stranger.err" || rc=$?
    echo "$rc" >"$IT_TMP/enroll.stranger.rc"
  fi
}
pids=()
for ((w = 0; w < WORKERS; w++)); do
  enroll_worker "$w" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || it_fail "an enrollment worker failed"
done

# Every answer is the enrollment's own.
for ((i = 0; i < ROWS; i++)); do
  rc=$(cat "$IT_TMP/enroll.$i.rc")
  if [[ ${children[i]} == "$doomed" ]]; then
    it_assert_eq 1 "$rc" "the enrollment whose COMMIT failed is refused"
    it_assert_contains "$(cat "$IT_TMP/enroll.$i.err")" "refused at commit by the test" \
      "with the error of its COMMIT"
  else
    [[ $rc == 0 ]] || it_fail "enrollment of ${children[i]}: exit $rc: $(cat "$IT_TMP/enroll.$i.err")"
  fi
done
it_assert_eq 1 "$(cat "$IT_TMP/enroll.stranger.rc")" "an unregistered child is refused"
it_assert_contains "$(cat "$IT_TMP/enroll.stranger.err")" "NOT_FOUND" "as not found"
if grep -l "OUTCOME_UNKNOWN" "$IT_TMP"/enroll.*.err >/dev/null 2>&1; then
  it_fail "an enrollment was answered outcome unknown: $(grep -h OUTCOME_UNKNOWN "$IT_TMP"/enroll.*.err)"
fi

# The database agrees: every other child once for 2028, the doomed one not.
it_assert_eq "$((ROWS - 1))" \
  "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2028")" \
  "every acknowledged enrollment is there"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c
    ON c.id = p.child_id WHERE p.policy_year = 2028 AND c.id_number = '$doomed'")" \
  "the enrollment whose COMMIT failed left nothing"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM (SELECT child_id FROM aixin.policies
    GROUP BY child_id, policy_year HAVING count(*) > 1) d")" "nothing doubled"

# Queries did queue behind others on the one connection.
http_get() {
  local port=$1 path=$2
  exec 5<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&5
  timeout 10 cat <&5
  exec 5<&-
}
admin_addr=$(<"$IT_TMP/admin.addr")
admin_port=${admin_addr##*:}
pipelined=
for ((t = 0; t < 30; t++)); do # the counters are published every few hundred ms
  metrics=$(http_get "$admin_port" /metrics)
  pipelined=$(sed -n 's/^aixin_db_queries_pipelined_total \([0-9]*\).*/\1/p' <<<"$metrics")
  ((${pipelined:-0} > 0)) && break
  sleep 0.2
done
((${pipelined:-0} > 0)) || it_fail "no query was pipelined: $metrics"
it_pass "queries queued behind others on the connection: $pipelined"
