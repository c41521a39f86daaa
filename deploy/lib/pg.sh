# shellcheck shell=bash
# PostgreSQL helpers: private clusters owned by the unprivileged account,
# and loading the divisions.  Source deploy/lib/common.sh first.

AIXIN_PG_BIN=${AIXIN_PG_BIN:-/usr/lib/postgresql/15/bin}

# Longest unix socket path the kernel accepts (sun_path minus the NUL).
AIXIN_SOCKET_PATH_MAX=107

# True when the cluster in DATADIR is running.
aixin_pg_running() {
  local datadir=$1
  [[ -f $datadir/PG_VERSION ]] || return 1
  aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1
}

# Create a cluster in DATADIR (an empty or missing directory whose parent
# the account can write) unless one is there already.
aixin_pg_init() {
  local datadir=$1
  if [[ -f $datadir/PG_VERSION ]]; then
    return 0
  fi
  mkdir -p "$datadir"
  if aixin_is_root; then
    chown "$AIXIN_USER_ACCOUNT:" "$datadir"
  fi
  chmod 0700 "$datadir"
  aixin_log "initdb $datadir"
  aixin_as_account "$AIXIN_PG_BIN/initdb" -D "$datadir" -U "$AIXIN_USER_ACCOUNT" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  if ! grep -q "^include_if_exists 'aixin.conf'" "$datadir/postgresql.conf"; then
    printf "\n# Settings written by aixin's scripts at every start.\ninclude_if_exists 'aixin.conf'\n" \
      >>"$datadir/postgresql.conf"
  fi
}

# Memory and checkpoint settings for aixin.conf, by AIXIN_PG_MEMORY:
#   machine  the cluster has the machine (deploy/up, the benchmarks): a
#            quarter of the RAM for shared buffers (128 MB to 8 GB) and up
#            to 4 GB of WAL between checkpoints (max_wal_size; one starts
#            after ~2 GB).  PostgreSQL's defaults (128 MB, 1 GB: one after
#            ~540 MB) are sized for a machine shared with much else: a city's
#            year of 200,000 enrollments is ~400 MB of tables and indexes
#            and ~700 MB of WAL, so with them a bulk import writes evicted
#            pages back from the backends and checkpoints in the middle,
#            after which every page it touches first is logged whole.
#   small    PostgreSQL's defaults: the throwaway clusters of the tests,
#            many at once on one machine (the default there).
aixin_pg_sizing() {
  local kind=$1 mem_kb shared_mb
  [[ $kind == small ]] && return 0
  [[ $kind == machine ]] || aixin_die "AIXIN_PG_MEMORY is 'machine' or 'small', not '$kind'"
  mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  shared_mb=$((mem_kb / 4 / 1024))
  ((shared_mb < 128)) && shared_mb=128
  ((shared_mb > 8192)) && shared_mb=8192
  cat <<CONF
shared_buffers = '${shared_mb}MB'
effective_cache_size = '$((mem_kb * 3 / 4 / 1024))MB'
maintenance_work_mem = '256MB'
max_wal_size = '4GB'
min_wal_size = '1GB'
CONF
}

# Write DATADIR/aixin.conf: where to listen, the durability settings the
# daemon insists on, and the sizing (aixin_pg_sizing; AIXIN_PG_MEMORY,
# default machine).  LISTEN is '' (unix socket only) or '127.0.0.1'.
aixin_pg_configure() {
  local datadir=$1 sockdir=$2 port=$3 listen=$4 sizing
  sizing=$(aixin_pg_sizing "${AIXIN_PG_MEMORY:-machine}")
  local sock="$sockdir/.s.PGSQL.$port"
  if (( ${#sock} > AIXIN_SOCKET_PATH_MAX )); then
    aixin_die "socket path $sock is longer than $AIXIN_SOCKET_PATH_MAX bytes; set AIXIN_PG_SOCKET_DIR to a shorter directory"
  fi
  mkdir -p "$sockdir"
  if aixin_is_root; then
    chown "$AIXIN_USER_ACCOUNT:" "$sockdir"
  fi
  chmod 0700 "$sockdir"
  local conf
  conf=$(cat <<CONF
# Written by aixin's scripts; edit the script, not this file.
listen_addresses = '$listen'
port = $port
unix_socket_directories = '$sockdir'
unix_socket_permissions = 0700
max_connections = 200
# aixind refuses to run without durable commits.
fsync = on
synchronous_commit = on
full_page_writes = on
# The server keeps UTC; SQL names 'Asia/Shanghai' where the local calendar matters.
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
$sizing
CONF
)
  printf '%s\n' "$conf" | aixin_as_account tee "$datadir/aixin.conf" >/dev/null
}

# Start the cluster in DATADIR, logging to LOGFILE; waits until it accepts
# connections.
aixin_pg_start() {
  local datadir=$1 logfile=$2
  if aixin_pg_running "$datadir"; then
    return 0
  fi
  mkdir -p "$(dirname "$logfile")"
  if aixin_is_root; then
    touch "$logfile"
    chown "$AIXIN_USER_ACCOUNT:" "$logfile"
  fi
  aixin_log "starting PostgreSQL ($datadir)"
  if ! aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 start >/dev/null; then
    tail -n 20 "$logfile" >&2 || true
    aixin_die "PostgreSQL did not start; log: $logfile"
  fi
}

# Stop the cluster in DATADIR (fast shutdown: clients are disconnected,
# committed work is safe).
aixin_pg_stop() {
  local datadir=$1
  if aixin_pg_running "$datadir"; then
    aixin_log "stopping PostgreSQL ($datadir)"
    aixin_as_account "$AIXIN_PG_BIN/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null
  fi
}

# psql with the flags scripts want: no psqlrc, stop at the first error.
# Connection from CONNINFO (may be empty: then libpq's PG* variables).
aixin_psql() {
  local conninfo=$1
  shift
  if [[ -n $conninfo ]]; then
    psql -X -q -v ON_ERROR_STOP=1 -d "$conninfo" "$@"
  else
    psql -X -q -v ON_ERROR_STOP=1 "$@"
  fi
}

# Create database NAME on the server reached through ADMIN_CONNINFO unless
# it exists.
aixin_pg_create_database() {
  local admin_conninfo=$1 name=$2
  if [[ -z $(aixin_psql "$admin_conninfo" -At -c "SELECT 1 FROM pg_database WHERE datname = '$name'") ]]; then
    aixin_log "creating database $name"
    aixin_psql "$admin_conninfo" -c "CREATE DATABASE \"$name\""
  fi
}

# Load a divisions CSV (code,name,parent_code,level with a header row) into
# the database at CONNINFO through aixin.upsert_division, parents first.
# Idempotent: a second load changes nothing.
aixin_load_divisions() {
  local conninfo=$1 csv=$2 counts
  [[ -r $csv ]] || aixin_die "cannot read $csv"
  counts=$(aixin_psql "$conninfo" -1 -At \
    -c 'CREATE TEMP TABLE division_load (code text, name text, parent_code text, level text) ON COMMIT DROP' \
    -c "\\copy division_load FROM pstdin WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')" \
    -c "SELECT count(*) FILTER (WHERE changed) || ' changed of ' || count(*)
          FROM (SELECT aixin.upsert_division(code, name, parent_code, level) AS changed
                  FROM (SELECT * FROM division_load
                         ORDER BY CASE level WHEN 'city' THEN 0 WHEN 'county' THEN 1 ELSE 2 END, code
                        OFFSET 0) ordered) loaded" <"$csv")
  aixin_log "divisions from $(basename "$csv"): $counts"
}

# Start a throwaway cluster in its own mktemp directory and export PGHOST,
# PGPORT, PGUSER, PGDATABASE for it.  It listens on a unix socket in that
# private directory only (listen_addresses = ''), so the port number just
# names the socket file and can never collide with another cluster.
# SIZING (aixin_pg_sizing): small by default, as the tests run many at
# once; the benchmarks pass machine, to measure the cluster deploy/up
# runs.  AIXIN_PG_MEMORY, when set, wins.
# Sets AIXIN_PG_TMP; stop it with aixin_pg_throwaway_stop.
aixin_pg_throwaway_start() {
  local port=5432 sizing=${1:-small}
  AIXIN_PG_TMP=$(mktemp -d /tmp/aixin-test-pg.XXXXXX)
  if aixin_is_root; then
    chown "$AIXIN_USER_ACCOUNT:" "$AIXIN_PG_TMP"
  fi
  aixin_pg_init "$AIXIN_PG_TMP/data"
  AIXIN_PG_MEMORY=${AIXIN_PG_MEMORY:-$sizing} \
    aixin_pg_configure "$AIXIN_PG_TMP/data" "$AIXIN_PG_TMP/run" "$port" ''
  aixin_pg_start "$AIXIN_PG_TMP/data" "$AIXIN_PG_TMP/postgresql.log"
  export PGHOST=$AIXIN_PG_TMP/run PGPORT=$port PGUSER=$AIXIN_USER_ACCOUNT PGDATABASE=postgres
}

aixin_pg_throwaway_stop() {
  if [[ -n ${AIXIN_PG_TMP:-} && -d $AIXIN_PG_TMP ]]; then
    aixin_pg_stop "$AIXIN_PG_TMP/data" || true
    rm -rf "$AIXIN_PG_TMP"
  fi
  AIXIN_PG_TMP=
}

# The two roles of least privilege on the server reached through
# ADMIN_CONNINFO (a superuser): OWNER owns the schema and runs
# `aixind --migrate`; SERVE is what aixind serves as, and may only execute
# the aixin.* functions (the grants are made by --migrate). Neither has a
# password: they log in over the local socket only. Idempotent, and safe
# when several scripts run it at once.
aixin_pg_create_roles() {
  local admin_conninfo=$1 owner=${2:-aixin_owner} serve=${3:-aixin_serve} r
  for r in "$owner" "$serve"; do
    [[ $r =~ ^[a-z_][a-z0-9_]*$ ]] || aixin_die "bad role name: $r"
    aixin_psql "$admin_conninfo" >/dev/null -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$r') THEN
    CREATE ROLE $r LOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END \$\$"
  done
}
