#!/usr/bin/env bash
# aixind starts on a migrated database, stops cleanly on SIGTERM (exit 0, no
# sanitizer report), comes back on the same port after a restart and after
# SIGKILL, and refuses to start on a database that was never migrated.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db
it_start_daemon
it_restart_daemon
it_kill_daemon
it_start_daemon
it_assert_eq "$AIXIN_SERVER" "127.0.0.1:$IT_DAEMON_PORT" "same address after SIGKILL and start"
it_stop_daemon

# An empty database: the daemon must refuse to serve it.
empty=${IT_DB}_empty
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$empty\""
rc=0
timeout 30 "$AIXIND" --listen 127.0.0.1:0 --database "dbname=$empty" \
  >"$IT_TMP/unmigrated.log" 2>&1 || rc=$?
psql -X -q -d postgres -c "DROP DATABASE \"$empty\""
if [[ $rc == 0 || $rc == 124 ]]; then
  cat "$IT_TMP/unmigrated.log"
  it_fail "aixind started on a database without migrations (status $rc)"
fi
it_pass "aixind refuses an unmigrated database (status $rc)"
