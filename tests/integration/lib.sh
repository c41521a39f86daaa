# shellcheck shell=bash
# Shared setup for tests/integration/it_*.sh.  Source it first thing:
#
#   source "$(dirname "$0")/lib.sh"
#   it_create_db        # fresh database, migrated, divisions, admin account
#   it_start_daemon     # aixind on loopback port 0 (the kernel picks); exports AIXIN_SERVER
#   it_expect_exit 0 "$AIXIN_CLI" divisions
#   it_assert_eq 266 "$(it_psql -c 'SELECT count(*) FROM aixin.divisions')" "divisions"
#
# CTest runs each test with AIXIN_BIN_DIR (the build directory) and
# AIXIN_SOURCE_DIR (the repository).  PostgreSQL comes from the PG*
# variables (tests/run exports them); without PGHOST the test starts a
# throwaway cluster of its own.  On exit the daemon is stopped, the database
# dropped and the cluster (if ours) removed; the temp directory is kept when
# the test failed.  The first failed assertion ends the test.

set -euo pipefail

AIXIN_SOURCE_DIR=${AIXIN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AIXIN_BIN_DIR=${AIXIN_BIN_DIR:-$AIXIN_SOURCE_DIR/build}
export AIXIN_SOURCE_DIR AIXIN_BIN_DIR
AIXIN_ROOT=$AIXIN_SOURCE_DIR

# shellcheck source=deploy/lib/common.sh
source "$AIXIN_SOURCE_DIR/deploy/lib/common.sh"
# shellcheck source=deploy/lib/pg.sh
source "$AIXIN_SOURCE_DIR/deploy/lib/pg.sh"

AIXIND=$AIXIN_BIN_DIR/server/aixind
# shellcheck disable=SC2034 # used by the tests that source this file
AIXIN_CLI=$AIXIN_BIN_DIR/client/aixin
IT_NAME=$(basename "$0" .sh)
IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/aixin-$IT_NAME.XXXXXX")
IT_ADMIN_PASSWORD=${IT_ADMIN_PASSWORD:-it-admin-password-1}
IT_DB=
IT_CONNINFO=
# The daemon serves as a role that may only execute the aixin.* functions;
# the schema belongs to IT_OWNER, which only migrates (see
# aixin_pg_create_roles). IT_CONNINFO is the superuser's, for checks.
IT_OWNER=aixin_owner
IT_SERVE=aixin_serve
IT_OWNER_CONNINFO=
IT_SERVE_CONNINFO=
IT_DAEMON_PID=
IT_DAEMON_PORT=
IT_DAEMON_ARGS=()
IT_DAEMON_LOG=$IT_TMP/aixind.log
IT_OWN_CLUSTER=0
IT_LAST_OUT=$IT_TMP/last.out
IT_LAST_ERR=$IT_TMP/last.err
IT_LAST_RC=0

# The tests never talk to a server named by the caller's environment, and
# the client keeps its session and configuration in the test's directory.
unset DATABASE_URL AIXIN_SERVER
export AIXIN_SESSION_FILE=$IT_TMP/client-session AIXIN_CONFIG=$IT_TMP/client-config

it_log() {
  printf '[%s %s] %s\n' "$(date '+%H:%M:%S')" "$IT_NAME" "$*"
}

it_pass() {
  printf 'PASS %s\n' "$*"
}

# Report a failure and end the test (the EXIT trap cleans up).
it_fail() {
  printf 'FAIL %s\n' "$*"
  exit 1
}

it_assert_eq() {
  local expected=$1 actual=$2 what=$3
  if [[ $expected == "$actual" ]]; then
    it_pass "$what"
  else
    it_fail "$what: expected [$expected], got [$actual]"
  fi
}

it_assert_contains() {
  local haystack=$1 needle=$2 what=$3
  if [[ $haystack == *"$needle"* ]]; then
    it_pass "$what"
  else
    it_fail "$what: [$needle] not found in [$haystack]"
  fi
}

# it_expect_exit CODE COMMAND...: run COMMAND, stdout to $IT_LAST_OUT and
# stderr to $IT_LAST_ERR; fail (showing both) unless it exits with CODE.
it_expect_exit() {
  local want=$1
  shift
  IT_LAST_RC=0
  "$@" >"$IT_LAST_OUT" 2>"$IT_LAST_ERR" </dev/null || IT_LAST_RC=$?
  if [[ $IT_LAST_RC != "$want" ]]; then
    printf -- '--- command: %s\n--- stdout:\n' "$*"
    cat "$IT_LAST_OUT"
    printf -- '--- stderr:\n'
    cat "$IT_LAST_ERR"
    it_fail "exit status $IT_LAST_RC, expected $want: $*"
  fi
  it_pass "exit $want: $*"
}

# Output of the last it_expect_exit.
it_last_stdout() { cat "$IT_LAST_OUT"; }
it_last_stderr() { cat "$IT_LAST_ERR"; }

# psql on the test database: unaligned, tuples only, stop at the first error.
it_psql() {
  psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" "$@"
}

# A fresh database aixin_it_<test>_<pid>: migrated with aixind (deploy/sql,
# or the folder given: a test of an older schema), divisions loaded, city
# admin 'admin' with $IT_ADMIN_PASSWORD.  Exports AIXIN_USER and
# AIXIN_PASSWORD for the client.
it_create_db() { # [SQL_DIR: the migrations to apply, default deploy/sql]
  local name sql_dir=${1:-$AIXIN_SOURCE_DIR/deploy/sql}
  name=$(printf 'aixin_it_%s_%s' "${IT_NAME#it_}" "$$" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n' '_')
  IT_DB=${name:0:63}
  IT_CONNINFO="dbname=$IT_DB"
  IT_OWNER_CONNINFO="dbname=$IT_DB user=$IT_OWNER"
  IT_SERVE_CONNINFO="dbname=$IT_DB user=$IT_SERVE"
  aixin_pg_create_roles "dbname=postgres" "$IT_OWNER" "$IT_SERVE" \
    || it_fail "cannot create the database roles"
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$IT_DB\" OWNER $IT_OWNER" \
    || it_fail "cannot create database $IT_DB"
  if ! "$AIXIND" --migrate --sql-dir "$sql_dir" --database "$IT_OWNER_CONNINFO" \
      >"$IT_TMP/migrate.log" 2>&1; then
    cat "$IT_TMP/migrate.log"
    it_fail "aixind --migrate --sql-dir $sql_dir"
  fi
  aixin_load_divisions "$IT_CONNINFO" "$AIXIN_SOURCE_DIR/deploy/divisions-360800.csv" 2>/dev/null \
    || it_fail "loading divisions"
  if ! AIXIN_ADMIN_PASSWORD=$IT_ADMIN_PASSWORD "$AIXIND" --create-admin admin \
      --database "$IT_CONNINFO" >"$IT_TMP/create-admin.log" 2>&1; then
    cat "$IT_TMP/create-admin.log"
    it_fail "aixind --create-admin"
  fi
  export AIXIN_USER=admin AIXIN_PASSWORD=$IT_ADMIN_PASSWORD
  it_log "database $IT_DB ready"
}

# Start aixind on loopback: the first time on port 0 (the kernel picks a
# free port, aixind writes it to $IT_TMP/listen.addr; nothing is probed),
# after a restart on the same port again; extra arguments go to aixind.
# Waits until it listens (30 s). On a busy machine another process may
# hold the old port for a moment (an outgoing connection given it as its
# ephemeral port): aixind then exits with listen_failed, and is started
# again, up to 10 times, until the port is free.
it_start_daemon() {
  local addr_file=$IT_TMP/listen.addr addr attempt lines
  [[ -n $IT_CONNINFO ]] || it_fail "it_start_daemon before it_create_db"
  [[ -z $IT_DAEMON_PID ]] || it_fail "the daemon is already running"
  IT_DAEMON_ARGS=("$@")
  for ((attempt = 1; ; attempt++)); do
    rm -f "$addr_file"
    printf -- '--- start %s\n' "$(date '+%H:%M:%S')" >>"$IT_DAEMON_LOG"
    lines=$(wc -l <"$IT_DAEMON_LOG")
    "$AIXIND" --listen "127.0.0.1:${IT_DAEMON_PORT:-0}" --listen-file "$addr_file" \
      --database "$IT_SERVE_CONNINFO" "$@" >>"$IT_DAEMON_LOG" 2>&1 </dev/null &
    IT_DAEMON_PID=$!
    addr=$(aixin_wait_addr_file "$IT_DAEMON_PID" "$addr_file" 30) && break
    if [[ -n ${IT_DAEMON_PORT:-} ]] && (( attempt < 10 )) &&
        ! kill -0 "$IT_DAEMON_PID" 2>/dev/null &&
        tail -n +"$((lines + 1))" "$IT_DAEMON_LOG" | grep 'event=listen_failed errno=98' >/dev/null; then
      wait "$IT_DAEMON_PID" 2>/dev/null || true
      IT_DAEMON_PID=
      it_log "127.0.0.1:$IT_DAEMON_PORT is taken for a moment; starting aixind again"
      sleep 1
      continue
    fi
    tail -n 30 "$IT_DAEMON_LOG"
    it_fail "aixind did not listen on 127.0.0.1:${IT_DAEMON_PORT:-0} within 30 s"
  done
  IT_DAEMON_PORT=${addr##*:}
  export AIXIN_SERVER=127.0.0.1:$IT_DAEMON_PORT
  it_log "aixind pid $IT_DAEMON_PID on $AIXIN_SERVER"
}

# SIGTERM, wait (30 s), then check the exit status and the log for
# sanitizer reports.  Prints why and returns 1 on a problem.
it__stop_daemon_checked() {
  local pid=$IT_DAEMON_PID rc=0 i
  [[ -n $pid ]] || return 0
  IT_DAEMON_PID=
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "aixind did not stop within 30 s of SIGTERM"
    return 1
  fi
  wait "$pid" 2>/dev/null || rc=$?
  if [[ $rc != 0 ]]; then
    tail -n 40 "$IT_DAEMON_LOG"
    echo "aixind exited with status $rc after SIGTERM"
    return 1
  fi
  if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' \
      "$IT_DAEMON_LOG"; then
    grep -A 30 -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' \
      "$IT_DAEMON_LOG" | head -n 80
    echo "sanitizer report in the aixind log"
    return 1
  fi
  return 0
}

it_stop_daemon() {
  if ! it__stop_daemon_checked; then
    it_fail "aixind stop"
  fi
  it_pass "aixind stopped cleanly"
}

it_restart_daemon() {
  it_stop_daemon
  it_start_daemon "${IT_DAEMON_ARGS[@]}"
}

# SIGKILL: no clean shutdown, no leak check.
it_kill_daemon() {
  local pid=$IT_DAEMON_PID
  [[ -n $pid ]] || return 0
  IT_DAEMON_PID=
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  it_log "aixind pid $pid killed"
}

it__cleanup() {
  local rc=$?
  set +e
  if [[ -n $IT_DAEMON_PID ]]; then
    if [[ $rc == 0 ]]; then
      if ! it__stop_daemon_checked; then
        printf 'FAIL aixind stop\n'
        rc=1
      fi
    else
      it_kill_daemon >/dev/null
    fi
  fi
  if [[ $rc != 0 && -s $IT_DAEMON_LOG ]]; then
    printf -- '--- last lines of %s\n' "$IT_DAEMON_LOG"
    tail -n 30 "$IT_DAEMON_LOG"
  fi
  if [[ -n $IT_DB ]]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$IT_DB\" WITH (FORCE)" >/dev/null 2>&1
  fi
  if [[ $IT_OWN_CLUSTER == 1 ]]; then
    aixin_pg_throwaway_stop >/dev/null 2>&1
  fi
  if [[ $rc == 0 ]]; then
    rm -rf "$IT_TMP"
    printf 'PASS %s\n' "$IT_NAME"
  else
    printf 'FAIL %s (files kept in %s)\n' "$IT_NAME" "$IT_TMP"
  fi
  exit "$rc"
}

trap it__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -x $AIXIND ]] || it_fail "no daemon at $AIXIND (build first)"

if [[ -z ${PGHOST:-} ]]; then
  aixin_ensure_account
  IT_OWN_CLUSTER=1
  aixin_pg_throwaway_start 2>/dev/null
  it_log "own PostgreSQL cluster in $AIXIN_PG_TMP"
fi
