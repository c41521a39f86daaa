#!/usr/bin/env bash
# Survive a machine: the replicated setup of deploy/cluster (etcd, three
# PostgreSQL under Patroni in synchronous mode, two aixind, HAProxy) in a
# folder of its own, while an import runs through HAProxy and 8 clients
# enroll children one by one (4 through HAProxy, 4 with the server list of
# both daemons) until told to stop:
#  (1) kill -9 the primary's postmaster: Patroni promotes the synchronous
#      standby, the daemons follow it, the import and the clients carry on;
#  (2) kill -9 one aixind: HAProxy and the clients move to the other;
#  then every acknowledged enrollment is in the database exactly once and
#  the totals are exact (spooled ones delivered by `aixin sync`);
#  (3) stop etcd (the only member, so the majority): Patroni demotes the
#      primary, no member takes writes (refused, not split); etcd back,
#      writes resume.
# Prints FIGURE lines: kill -> first acknowledged write started after it,
# and how many requests were answered OUTCOME_UNKNOWN or UNAVAILABLE
# (retried under their keys). tests/bench/bench-failover.sh collects them.
#
# Rows: 8,000 (4,000 in a sanitizer build) in batches of 50, so that the
# import is still running when the offices are all at work and the kills
# come, and the test stays within about 4 minutes on a small machine; AIXIN_FAILOVER_ROWS=20000 is the size
# of the issue (tests/bench/bench-failover.sh uses it).
# PostgreSQL members, daemons and HAProxy use a random base port; a taken
# port makes the cluster start again on another base.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=deploy/lib/cluster.sh
source "$AIXIN_SOURCE_DIR/deploy/lib/cluster.sh"

ROWS=8000
[[ $AIXIN_BIN_DIR != *asan* ]] || ROWS=4000
ROWS=${AIXIN_FAILOVER_ROWS:-$ROWS}
CLIENTS=8
# Enough children that the offices are still enrolling when the import ends.
PER_CLIENT=$(( ROWS / 30 > 150 ? ROWS / 30 : 150 ))

for p in "${AIXIN_CLUSTER_PACKAGES[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] \
    || it_fail "Debian package $p missing (tests/run installs AIXIN_CLUSTER_PACKAGES)"
done

CDIR=$IT_TMP/cluster
failover_cleanup() {
  local rc=$?
  set +e
  [[ -d $CDIR ]] && cluster_stop_all "$CDIR" >/dev/null 2>&1
  if [[ $rc != 0 ]]; then
    for f in "$CDIR"/log/*.log "$IT_TMP"/import.err "$IT_TMP"/office*.err; do
      [[ -f $f ]] || continue
      printf -- '--- last lines of %s\n' "$f"
      tail -n 15 "$f"
    done
  fi
  (exit "$rc")
  it__cleanup
}
trap failover_cleanup EXIT

now_ms() { date +%s%3N; }

mkdir -p "$CDIR"
aixin_ensure_account
aixin_ensure_traverse "$CDIR" 2>/dev/null
aixin_ensure_traverse "$(dirname "$AIXIND")" 2>/dev/null
export AIXIN_ADMIN_PASSWORD=$IT_ADMIN_PASSWORD
t=$(now_ms)
BASE=$(cluster_up_random "$CDIR" "$AIXIND" 2>"$IT_TMP/cluster-up.err") \
  || { cat "$IT_TMP/cluster-up.err"; it_fail "the cluster did not come up"; }
it_log "cluster up on base $BASE in $(( $(now_ms) - t )) ms"
CONNINFO=$(cluster_conninfo "$CDIR" "$BASE")
HA=127.0.0.1:$(cluster_port "$BASE" haproxy)
LIST=127.0.0.1:$(cluster_port "$BASE" a1),127.0.0.1:$(cluster_port "$BASE" a2)
export AIXIN_SERVER=$HA AIXIN_USER=admin AIXIN_PASSWORD=$IT_ADMIN_PASSWORD
export AIXIN_SPOOL_DIR=$IT_TMP/spool-admin

sql() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$CONNINFO" "$@"; }
policies() { sql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $1"; }
duplicates() {
  sql -c "SELECT count(*) FROM (SELECT child_id, policy_year FROM aixin.policies
            GROUP BY 1, 2 HAVING count(*) > 1) d"
}
cli() { it_expect_exit "$@"; }

primary=$(cluster_primary "$BASE")
# Report connections (report_database, prefer-standby) open on standbys.
standby_readers() {
  local m n sum=0
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    n=$(psql -X -A -t -q -d "host=$CDIR/$m port=$(cluster_port "$BASE" "$m") user=$AIXIN_USER_ACCOUNT dbname=aixin" \
      -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aixind-reports' AND pg_is_in_recovery()" \
      2>/dev/null) || n=0
    sum=$((sum + n))
  done
  echo "$sum"
}
all_readers_on_standbys() { [[ $(standby_readers) == 16 ]]; }
cluster_wait 30 all_readers_on_standbys \
  || it_fail "$(standby_readers) of 16 report connections on standbys, expected all"
it_pass "the 16 report connections of the two daemons are on standbys"
it_assert_eq on "$(sql -c 'SHOW synchronous_commit')" "synchronous_commit on the primary"
[[ -n $(sql -c 'SHOW synchronous_standby_names') ]] \
  || it_fail "Patroni set no synchronous standby"
it_pass "Patroni's synchronous mode names a standby ($(sql -c 'SHOW synchronous_standby_names'))"

for year in 2027 2028; do
  ref=$([[ $year == 2027 ]] && echo 2027-01-01 || echo 2027-12-31)
  cli 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$ref" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 5.00-20.00
done
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for year in 2027 2028; do
  for county in 360821 360824; do
    cli 0 "$AIXIN_CLI" terms set --county "$county" --year "$year" --county-share 10.00 \
      --insurer chinalife
  done
done

# The children the clients enroll for 2028 come in first (with their 2027
# policies) from the end of the file; the import then brings the rest.
E=$((CLIENTS * PER_CLIENT))
all=$IT_TMP/all.csv
enrollments_csv $((ROWS + E)) "$all"
head_csv=$IT_TMP/import.csv
tail_csv=$IT_TMP/children.csv
head -n $((ROWS + 1)) "$all" >"$head_csv"
{ head -n 1 "$all"; tail -n "$E" "$all"; } >"$tail_csv"
cli 0 "$AIXIN_CLI" import enrollments "$tail_csv"
it_assert_eq "$E" "$(policies 2027)" "the clients' $E children are registered"
tail -n "$E" "$all" | cut -d, -f2 >"$IT_TMP/children.ids"

# One office: log in once (the token works on either daemon), then enroll
# its children one by one until $IT_TMP/stop appears. Each line: start_ms
# end_ms child exit spooled.
office() {
  local i=$1 server=$2 ids=$3 id rc start err
  export AIXIN_SERVER=$server AIXIN_SESSION_FILE=$IT_TMP/office$i.session
  export AIXIN_SPOOL_DIR=$IT_TMP/office$i.spool
  "$AIXIN_CLI" login >/dev/null 2>"$IT_TMP/office$i.login.err" || return 1
  unset AIXIN_USER AIXIN_PASSWORD
  touch "$IT_TMP/office$i.ready"
  while read -r id; do
    [[ ! -e $IT_TMP/stop ]] || break
    start=$(now_ms)
    rc=0
    err=$("$AIXIN_CLI" enroll --child "$id" --year 2028 2>&1 >/dev/null </dev/null) || rc=$?
    printf '%s %s %s %s %s\n' "$start" "$(now_ms)" "$id" "$rc" \
      "$([[ $err == *"saved to the spool"* ]] && echo spooled || echo -)"
    [[ -z $err ]] || printf '%s\n' "$err" >>"$IT_TMP/office$i.err"
    sleep 0.2
  done <"$ids"
}

"$AIXIN_CLI" import enrollments "$head_csv" --batch 50 >"$IT_TMP/import.out" 2>"$IT_TMP/import.err" </dev/null &
importer=$!
offices=()
for ((i = 1; i <= CLIENTS; i++)); do
  sed -n "$(( (i - 1) * PER_CLIENT + 1 )),$(( i * PER_CLIENT ))p" "$IT_TMP/children.ids" >"$IT_TMP/office$i.ids"
  server=$HA
  (( i > CLIENTS / 2 )) && server=$LIST
  office "$i" "$server" "$IT_TMP/office$i.ids" >"$IT_TMP/office$i.log" &
  offices+=($!)
done

# Where the import and the offices are: 2027 policies, offices logged in,
# enrollments tried, whether the import still runs.
progress() {
  printf 'policies_2027=%s offices_ready=%s of %s enrollments_tried=%s import=%s' \
    "$(policies 2027)" "$(find "$IT_TMP" -maxdepth 1 -name 'office*.ready' | wc -l)" "$CLIENTS" \
    "$(cat "$IT_TMP"/office*.log 2>/dev/null | wc -l)" \
    "$(kill -0 "$importer" 2>/dev/null && echo running || echo ended)"
}
# Wait (at most 240 s by the clock) until 2027 has more than N policies,
# every office is logged in and they have made M enrollments; false, with
# where things stand, when the import ended first or time ran out.
wait_progress() {
  local n=$1 m=$2 end=$((SECONDS + 240))
  while (( SECONDS < end )); do
    if (( $(policies 2027) > n )) && (( $(find "$IT_TMP" -maxdepth 1 -name 'office*.ready' | wc -l) == CLIENTS )) &&
        (( $(cat "$IT_TMP"/office*.log 2>/dev/null | wc -l) >= m )); then
      return 0
    fi
    kill -0 "$importer" 2>/dev/null || break
    sleep 0.2
  done
  it_log "waited for more than $n policies and $m enrollments: $(progress)"
  cat "$IT_TMP"/office*.login.err 2>/dev/null | sed 's/^/office login: /'
  return 1
}
# Milliseconds from T0 to the end of the first write acknowledged to an
# office that started after T0 ('none' when there was none).
first_ack_after() {
  local t0=$1
  cat "$IT_TMP"/office*.log | awk -v t0="$t0" '$1 >= t0 && $4 == 0 { if (best == "" || $2 < best) best = $2 }
    END { if (best == "") print "none"; else print best - t0 }'
}
wait_ack_after() {
  local t0=$1 end=$((SECONDS + 60))
  while (( SECONDS < end )); do
    [[ $(first_ack_after "$t0") != none ]] && return 0
    sleep 0.1
  done
  it_log "no acknowledged write after the kill: $(progress)"
  return 1
}

# --- (1) kill -9 the primary's postmaster -----------------------------------------
wait_progress $((E + ROWS / 5)) $((CLIENTS * 3)) || it_fail "the import and the offices were not all at work before the kill"
pm=$(cluster_postmaster_pid "$CDIR" "$primary")
[[ $pm =~ ^[0-9]+$ ]] || it_fail "no postmaster pid for $primary"
t_pg=$(now_ms)
kill -KILL "$pm"
it_log "kill -9 postmaster of $primary (pid $pm)"
wait_ack_after "$t_pg" || it_fail "no office got a write through within 60 s of the primary's death"
ms_pg=$(first_ack_after "$t_pg")
has_primary() { cluster_primary "$BASE" >/dev/null; }
cluster_wait 60 has_primary || it_fail "no new primary"
new_primary=$(cluster_primary "$BASE")
[[ $new_primary != "$primary" ]] || it_fail "Patroni restarted $primary in place instead of failing over"
it_pass "Patroni promoted $new_primary; first office write acknowledged ${ms_pg} ms after the kill"

# --- (2) kill -9 one aixind -------------------------------------------------------
wait_progress $((E + ROWS / 2)) $((CLIENTS * 12)) || it_log "the import ended before the daemon kill"
a1=$(cluster_pid "$CDIR" a1) || it_fail "a1 is not running"
t_ax=$(now_ms)
kill -KILL "$a1"
it_log "kill -9 aixind a1 (pid $a1)"
wait_ack_after "$t_ax" || it_fail "no office got a write through within 60 s of a1's death"
ms_ax=$(first_ack_after "$t_ax")
it_pass "first office write acknowledged ${ms_ax} ms after a1 died"

rc=0
wait "$importer" || rc=$?
if [[ $rc != 0 ]]; then
  cat "$IT_TMP/import.out" "$IT_TMP/import.err"
  it_fail "the import did not ride out the failovers (exit $rc)"
fi
cat "$IT_TMP/import.out"
it_pass "the import rode out the primary's and a daemon's death"
touch "$IT_TMP/stop"
for pid in "${offices[@]}"; do
  wait "$pid" || it_fail "an office stopped early"
done
cat "$IT_TMP"/office*.log >"$IT_TMP/offices.log"
acked=$(awk '$4 == 0' "$IT_TMP/offices.log" | wc -l)
spooled=$(awk '$5 == "spooled"' "$IT_TMP/offices.log" | wc -l)
other=$(awk '$4 != 0 && $5 != "spooled"' "$IT_TMP/offices.log" | wc -l)
tried=$(wc -l <"$IT_TMP/offices.log")
(( tried < E )) || it_log "the offices enrolled all their children before the import ended"
it_assert_eq 0 "$other" "every enrollment was acknowledged or kept in the office's spool"
for ((i = 1; i <= CLIENTS; i++)); do
  AIXIN_SESSION_FILE=$IT_TMP/office$i.session AIXIN_SPOOL_DIR=$IT_TMP/office$i.spool \
    AIXIN_USER='' AIXIN_PASSWORD='' AIXIN_SERVER=$([[ $i -gt $((CLIENTS / 2)) ]] && echo "$LIST" || echo "$HA") \
    it_expect_exit 0 "$AIXIN_CLI" sync
done

it_assert_eq $((ROWS + E)) "$(policies 2027)" "exactly $((ROWS + E)) policies for 2027"
it_assert_eq "$tried" "$(policies 2028)" "exactly $tried policies for 2028 (one per child the offices enrolled)"
it_assert_eq 0 "$(duplicates)" "no child enrolled twice in a year"
not_once=$(sql -c "CREATE TEMP TABLE acked (child text)" -c "\\copy acked FROM pstdin" \
  -c "SELECT count(*) FROM acked a WHERE (SELECT count(*) FROM aixin.policies p
        JOIN aixin.children c ON c.id = p.child_id
       WHERE c.id_number = a.child AND p.policy_year = 2028) <> 1" \
  < <(awk '$4 == 0 { print $3 }' "$IT_TMP/offices.log"))
it_assert_eq 0 "$not_once" "each of the $acked acknowledged enrollments is there exactly once"
it_assert_eq $(( (ROWS + E + tried) * 3000 )) \
  "$(sql -c "SELECT coalesce(sum(premium_fen), 0) FROM aixin.policies")" \
  "the premiums add up to the fen"

unknown=$(cat "$CDIR"/log/a?.log | grep -c 'event=request .*status=OUTCOME_UNKNOWN' || true)
unavailable=$(cat "$CDIR"/log/a?.log | grep -c 'event=request .*status=UNAVAILABLE' || true)
# Reports come through report_database (prefer-standby): the same
# total once the standby has replayed the last commits.
city_policies() {
  "$AIXIN_CLI" report enrollment --year 2027 --format csv 2>/dev/null | awk -F, '$1 == "360800" { print $6 }'
}
report_caught_up() { [[ $(city_policies) == $((ROWS + E)) ]]; }
cluster_wait 30 report_caught_up || it_fail "the report says $(city_policies) policies for 2027, not $((ROWS + E))"
it_pass "the city report (report_database pool) counts $((ROWS + E)) policies for 2027"

# Import rows sent again under their keys after an unknown outcome and
# answered "done before" by the server.
replayed=$(sed -n 's/.*(\([0-9]*\) answered as done before.*/\1/p' "$IT_TMP/import.out")
printf 'FIGURE rows=%s offices=%s failover_pg_ms=%s failover_aixind_ms=%s outcome_unknown=%s unavailable=%s import_rows_replayed=%s office_spooled=%s office_acknowledged=%s lost=0 doubled=0\n' \
  "$ROWS" "$CLIENTS" "$ms_pg" "$ms_ax" "$unknown" "$unavailable" "${replayed:-0}" "$spooled" "$acked"

# Space on disk per policy, measured on this database: the policies table
# with its indexes, and every table of the schema (children, households,
# idempotency keys, audit) divided by the number of policies.
read -r policy_bytes schema_bytes < <(sql -F ' ' -c "SELECT pg_total_relation_size('aixin.policies') / count(*),
    (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'aixin' AND c.relkind = 'r')::bigint / count(*) FROM aixin.policies")
printf 'FIGURE policies=%s policy_bytes=%s schema_bytes_per_policy=%s\n' \
  "$(sql -c 'SELECT count(*) FROM aixin.policies')" "$policy_bytes" "$schema_bytes"

# --- (3) etcd gone: writes refused, not split ------------------------------------
cluster_stop_one "$CDIR" etcd 10
it_log "etcd stopped"
no_primary() { ! cluster_primary "$BASE" >/dev/null; }
cluster_wait 60 no_primary || it_fail "a member still calls itself primary 60 s after etcd stopped"
# No member takes writes: each one that answers is in recovery (a member
# that is down, such as the old primary still being rebuilt, takes none).
in_recovery() {
  local m
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    [[ $(psql -X -A -t -q -d "host=$CDIR/$m port=$(cluster_port "$BASE" "$m") user=$AIXIN_USER_ACCOUNT dbname=aixin" \
      -c 'SELECT pg_is_in_recovery()' 2>/dev/null) != f ]] || return 1
  done
}
cluster_wait 60 in_recovery || it_fail "a member still takes writes without etcd"
it_pass "without etcd every member is read-only (Patroni demoted the primary)"
cli 3 "$AIXIN_CLI" insurer add --code picc --name 人保
it_pass "a write is refused while there is no primary"
cluster_start_etcd "$CDIR" "$BASE" || it_fail "etcd did not start again"
cluster_wait 90 cluster_replicated "$BASE" || it_fail "no primary 90 s after etcd came back"
cluster_wait 30 cluster_daemon_ready "$BASE" a2 || it_fail "a2 did not reach the new primary"
cli 0 "$AIXIN_CLI" sync
it_assert_eq 1 "$(sql -c "SELECT count(*) FROM aixin.insurers WHERE code = 'picc'")" \
  "the refused write, kept in the spool, is made once when a primary is back"
it_assert_eq $((ROWS + E)) "$(policies 2027)" "still exactly $((ROWS + E)) policies for 2027"

cluster_stop_one "$CDIR" a2
if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$CDIR"/log/a?.log; then
  grep -h -A 30 -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$CDIR"/log/a?.log | head -n 60
  it_fail "sanitizer report in an aixind log"
fi
it_pass "no sanitizer report from the daemons"
