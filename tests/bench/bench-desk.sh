#!/usr/bin/env bash
# What the desk adds to a page: a throwaway PostgreSQL cluster and aixind,
# a small programme (a year, a household with two enrolled children, a
# claim, a census), the city administrator logged in, then `aixin desk`
# entered with curl (its one-time key, then its cookie). For each page the
# median of --runs requests after one warm-up (curl's total time), beside
# the same questions asked through the CLI (one process per command, as a
# clerk would type them; their total). The start page asks the server
# nothing: it is the desk's own cost (HTTP, guard, templates, gettext).
#
#   AIXIN_BIN_DIR=/tmp/build tests/bench/bench-desk.sh [--runs N]
#
# Prints a table of milliseconds. Figures, not assertions.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AIXIN_ROOT=$ROOT
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$ROOT/deploy/lib/pg.sh"

BIN=${AIXIN_BIN_DIR:-$ROOT/build}
RUNS=21
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    *) aixin_die "unknown argument $1 (see the top of $0)" ;;
  esac
done
CLI=$BIN/client/aixin
[[ -x $BIN/server/aixind && -x $CLI ]] || aixin_die "build $BIN first"

unset PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL AIXIN_SERVER AIXIN_USER AIXIN_PASSWORD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aixin-bench-desk.XXXXXX")
DAEMON_PID= DESK_PID=
cleanup() {
  [[ -n $DESK_PID ]] && kill -TERM "$DESK_PID" 2>/dev/null && wait "$DESK_PID" 2>/dev/null
  [[ -n $DAEMON_PID ]] && kill -TERM "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  aixin_pg_throwaway_stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
aixin_ensure_account
aixin_pg_throwaway_start machine 2>/dev/null
# As deployed: the schema's owner migrates, the daemon serves as a role
# that may only call the functions (aixind refuses a superuser).
aixin_pg_create_roles "dbname=postgres" aixin_owner aixin_serve
DB="dbname=aixin_bench_desk"
psql -X -q -d postgres -c "CREATE DATABASE aixin_bench_desk OWNER aixin_owner"
"$BIN/server/aixind" --migrate --sql-dir "$ROOT/deploy/sql" --database "$DB user=aixin_owner" >/dev/null
aixin_load_divisions "$DB" "$ROOT/deploy/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=bench-admin-password-1 "$BIN/server/aixind" --create-admin admin --database "$DB" >/dev/null
PORT=$(aixin_free_port)
"$BIN/server/aixind" --listen "127.0.0.1:$PORT" --database "$DB user=aixin_serve" >"$WORK/aixind.log" 2>&1 &
DAEMON_PID=$!
aixin_wait_listen "$DAEMON_PID" "$PORT" 30 || { tail -n 20 "$WORK/aixind.log" >&2; aixin_die "aixind did not start"; }

export HOME=$WORK AIXIN_SESSION_FILE=$WORK/session AIXIN_SPOOL_DIR=$WORK/spool
export AIXIN_SERVER=127.0.0.1:$PORT
AIXIN_USER=admin AIXIN_PASSWORD=bench-admin-password-1 "$CLI" login >/dev/null
MAKE_ID=$BIN/tests/make_id
guardian=$("$MAKE_ID" 360821 19900101 101 M)
child1=$("$MAKE_ID" 360821 20220315 103 F)
child2=$("$MAKE_ID" 360821 20230610 104 F)
q() { "$CLI" "$@" >/dev/null; }
q insurer add --code chinalife --name 中国人寿
q year open --year 2025 --reference-date 2025-01-01 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 6.00-20.00 --benefit illness=10000.00
q terms set --county 360821 --year 2025 --county-share 10.00 --insurer chinalife
q census submit --township 360821207 --year 2025 --eligible 8
household=$("$CLI" --format json household register --township 360821207 --kind two_daughters \
  --certificate BENCH-1 --guardian "$guardian:刘伟" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p' | head -1)
q household add-child --household "$household" --id-number "$child1" --name 刘小雨
q household add-child --household "$household" --id-number "$child2" --name 刘小红
q enroll --child "$child1" --year 2025
q enroll --child "$child2" --year 2025
q claim file --child "$child1" --year 2025 --event illness --incident-date 2025-06-01 \
  --amount 800.00 --documents-complete
q grievance file --channel visit --township 360821207 --summary 咨询参保办法

"$CLI" desk --no-browser --url-file "$WORK/desk.url" >"$WORK/desk.log" 2>&1 &
DESK_PID=$!
for _ in $(seq 100); do [[ -s $WORK/desk.url ]] && break; sleep 0.1; done
URL=$(cat "$WORK/desk.url")
ORIGIN=${URL%%/\?*}
curl -s -o /dev/null -c "$WORK/cookies" "$URL"

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# desk_ms PATH: the median page time in ms (curl's time_total).
desk_ms() {
  curl -s -o /dev/null -b "$WORK/cookies" "$ORIGIN$1"
  for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -b "$WORK/cookies" -w '%{time_total}\n' "$ORIGIN$1"
  done | awk '{printf "%.2f\n", $1 * 1000}' | median
}
# cli_ms 'COMMAND; COMMAND': the median time of the commands, in ms.
cli_ms() {
  eval "$1" >/dev/null
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(now_ns)
    eval "$1" >/dev/null
    t1=$(now_ns)
    awk -v d=$((t1 - t0)) 'BEGIN {printf "%.2f\n", d / 1e6}'
  done | median
}

printf 'runs: %s per figure (median); cores: %s; load average: %s\n' "$RUNS" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %10s\n' "page (what the server is asked)" "desk ms" "CLI ms"
row() { printf '%-44s %10s %10s\n' "$1" "$2" "$3"; }
row "start page (nothing)" "$(desk_ms /)" "-"
row "find household (1 find + 2 policy lists)" \
  "$(desk_ms "/household/find?guardian_id_number=$guardian")" \
  "$(cli_ms "'$CLI' household show --guardian $guardian; '$CLI' policies --child $child1; '$CLI' policies --child $child2")"
row "child's policies (1 policy list)" \
  "$(desk_ms "/household/find?child_id_number=$child1")" \
  "$(cli_ms "'$CLI' policies --child $child1")"
row "register form (1 year list)" "$(desk_ms /household/new)" "$(cli_ms "'$CLI' year list")"
row "claims due (1 due list)" "$(desk_ms /claims)" "$(cli_ms "'$CLI' claim due --within-days 7")"
row "claim (1 claim + 1 history)" "$(desk_ms "/claim?claim_id=1")" \
  "$(cli_ms "'$CLI' claim show --claim 1; '$CLI' claim history --claim 1")"
row "grievances (1 grievance list)" "$(desk_ms /grievances)" "$(cli_ms "'$CLI' grievance list")"
row "grievance (1 grievance + 1 history)" "$(desk_ms "/grievance?grievance_id=1")" \
  "$(cli_ms "'$CLI' grievance show --grievance 1")"
row "awaiting confirmation (1 pending list)" "$(desk_ms /pending)" "$(cli_ms "'$CLI' claim pending")"
row "password form (nothing)" "$(desk_ms /password)" "-"
row "enrollment report 2025, HTML (1 report)" "$(desk_ms "/report?kind=enrollment&year_from=2025")" \
  "$(cli_ms "'$CLI' report enrollment --year 2025 --format html --output $WORK/r.html")"

# --- import: the same file through the CLI and through the desk ---------------------------
# CLI, desk, desk, CLI, the database emptied of the import between them;
# the desk's time is the upload and the import page polled until done.
# shellcheck source=tests/integration/enrollments_csv.sh
source "$ROOT/tests/integration/enrollments_csv.sh"
ROWS=${AIXIN_BENCH_DESK_ROWS:-2000}
q year open --year 2027 --reference-date 2027-01-01 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 6.00-20.00 --benefit illness=10000.00
q terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife
q terms set --county 360824 --year 2027 --county-share 10.00 --insurer chinalife
enrollments_csv "$ROWS" "$WORK/rows.csv"
# Remove what an import made, with its idempotency keys, so that the next
# import is new work too. The claims tables are append-only (a trigger):
# off for this cleaning of a throwaway database.
clean_import() {
  psql -X -q -d "$DB" -c "SET client_min_messages = warning; SET session_replication_role = replica;
    TRUNCATE aixin.households, aixin.guardians, aixin.children, aixin.policies,
    aixin.idempotency_keys CASCADE" >/dev/null
  # The CLI keeps its progress next to the file, the desk next to the session.
  rm -f "$WORK"/rows.csv.aixin-progress "$WORK"/desk-import.rows.csv.aixin-progress
}
cli_import() {
  local t0 t1
  t0=$(now_ns)
  "$CLI" import enrollments "$WORK/rows.csv" --errors "$WORK/rows.errors.csv" >"$WORK/import.out" \
    || { cat "$WORK/import.out"; aixin_die "the CLI import did not enroll every row"; }
  t1=$(now_ns)
  cli_import_ms=$(( (t1 - t0) / 1000000 ))
}
desk_import() {
  local t0 t1 page
  t0=$(now_ns)
  curl -s -o /dev/null -b "$WORK/cookies" -H "Origin: $ORIGIN" -F "file=@$WORK/rows.csv" "$ORIGIN/import"
  for _ in $(seq 6000); do
    page=$(curl -s -b "$WORK/cookies" "$ORIGIN/import")
    [[ $page == *'data-state="running"'* ]] || break
    sleep 0.05
  done
  t1=$(now_ns)
  desk_import_ms=$(( (t1 - t0) / 1000000 ))
  [[ $page == *'id="n-enrolled">'"$ROWS"'<'* ]] || { printf '%s\n' "$page" | grep -o 'id="n-[a-z-]*">[0-9]*\|class="notice[^<]*<[^<]*<[^<]*' >&2; aixin_die "the desk's import did not enroll every row"; }
}
# Each way first once, then second once: the figures are the sums.
cli_import; a=$cli_import_ms; clean_import
desk_import; b=$desk_import_ms; clean_import
desk_import; b=$((b + desk_import_ms)); clean_import
cli_import; a=$((a + cli_import_ms))
desk_import_ms=$((b / 2)) cli_import_ms=$((a / 2))
row "import $ROWS rows, mean of 2 (upload+poll / command)" "$desk_import_ms" "$cli_import_ms"

# --- export: the year just imported, as CSV for Excel -------------------------------------
# The desk's time is the form sent, the page polled until the file is
# ready, and the download; the CLI's, the command writing its file.
desk_export_ms() {
  local t0 t1 page
  t0=$(now_ns)
  curl -s -o /dev/null -b "$WORK/cookies" -H "Origin: $ORIGIN" \
    -d kind=policies -d policy_year=2027 -d format=csv -d encoding=gb18030 "$ORIGIN/export"
  for _ in $(seq 6000); do
    page=$(curl -s -b "$WORK/cookies" "$ORIGIN/export")
    [[ $page == *'id="export-download"'* || $page == *'data-state="failed"'* ]] && break
    sleep 0.05
  done
  curl -s -o "$WORK/desk-export.csv" -b "$WORK/cookies" "$ORIGIN/export/file"
  t1=$(now_ns)
  [[ $(($(wc -l <"$WORK/desk-export.csv") - 1)) == "$ROWS" ]] ||
    aixin_die "the desk's export does not hold the $ROWS policies of 2027"
  echo $(( (t1 - t0) / 1000000 ))
}
b=0
for _ in 1 2 3; do b=$((b + $(desk_export_ms))); done
row "export $ROWS policies CSV (desk: mean of 3, form+poll+download)" "$((b / 3))" \
  "$(cli_ms "'$CLI' export policies --year 2027 --format csv --encoding gb18030 --output $WORK/cli-export.csv")"
