# shellcheck shell=bash
# The replicated setup on one machine: etcd, three PostgreSQL members under
# Patroni (synchronous mode), two aixind reaching the primary through a
# multi-host conninfo (reports from a standby when there is one), HAProxy
# in front of the daemons.  Used by
# deploy/cluster and tests/cluster/failover.sh.  Source deploy/lib/common.sh
# and deploy/lib/pg.sh first; nothing runs here.
#
# Every component listens on loopback at a fixed offset from one base port
# (cluster_port), written to DIR/ports so that a restart finds them again:
#   +0 HAProxy (clients)   +1 etcd clients   +2 etcd peers
#   +3..+5 PostgreSQL pg0..pg2              +6..+8 Patroni REST pg0..pg2
#   +10, +11 aixind a1, a2                  +12, +13 their admin HTTP ports
# PostgreSQL's local connections use unix sockets in DIR/pgN.
#
# Processes run as the unprivileged account, in their own session, with
# pid files in DIR/run and logs in DIR/log.

AIXIN_CLUSTER_MEMBERS=(pg0 pg1 pg2)
AIXIN_CLUSTER_DAEMONS=(a1 a2)

# Port of COMPONENT for the cluster whose base is BASE.
cluster_port() {
  local base=$1 what=$2
  case $what in
    haproxy) echo $((base)) ;;
    etcd) echo $((base + 1)) ;;
    etcd-peer) echo $((base + 2)) ;;
    pg0 | pg1 | pg2) echo $((base + 3 + ${what#pg})) ;;
    rest-pg0 | rest-pg1 | rest-pg2) echo $((base + 6 + ${what#rest-pg})) ;;
    a1 | a2) echo $((base + 10 + ${what#a} - 1)) ;;
    admin-a1 | admin-a2) echo $((base + 12 + ${what#admin-a} - 1)) ;;
    *) aixin_die "cluster_port: unknown component $what" ;;
  esac
}

# The libpq conninfo that reaches whichever member is primary now (or,
# with prefer-standby, a standby if there is one: for reports, whose
# connections are named aixind-reports).
cluster_conninfo() {
  local dir=$1 base=$2 attrs=${3:-read-write} user=${4:-$AIXIN_USER_ACCOUNT} extra=
  [[ $attrs == read-write ]] || extra=" application_name=aixind-reports"
  printf "host=127.0.0.1,127.0.0.1,127.0.0.1 port=%s,%s,%s user=%s dbname=aixin passfile=%s target_session_attrs=%s connect_timeout=2%s" \
    "$(cluster_port "$base" pg0)" "$(cluster_port "$base" pg1)" "$(cluster_port "$base" pg2)" \
    "$user" "$dir/secrets/pgpass" "$attrs" "$extra"
}

cluster_base() {
  local dir=$1
  sed -n 's/^base=//p' "$dir/ports" 2>/dev/null  || true
}

# Start COMMAND... in the background as the account, in its own session;
# pid in DIR/run/NAME.pid, output appended to DIR/log/NAME.log.
cluster_spawn() {
  local dir=$1 name=$2
  shift 2
  local run_as=()
  if aixin_is_root; then
    run_as=(setpriv --reuid="$AIXIN_USER_ACCOUNT" --regid="$AIXIN_USER_ACCOUNT" --init-groups --)
  fi
  printf -- '--- start %s\n' "$(date '+%F %T')" >>"$dir/log/$name.log"
  setsid "${run_as[@]}" "$@" >>"$dir/log/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/run/$name.pid"
}

# Pid of NAME if it runs, else nothing (false).
cluster_pid() {
  local dir=$1 name=$2 pid
  pid=$(cat "$dir/run/$name.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Stop NAME with SIGTERM (SIGKILL after TIMEOUT seconds, default 30).
cluster_stop_one() {
  local dir=$1 name=$2 timeout=${3:-30} pid i
  pid=$(cluster_pid "$dir" "$name") || { rm -f "$dir/run/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    aixin_log "$name (pid $pid) did not stop within $timeout s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/run/$name.pid"
}

# HTTP status of URL ('000' when nothing answers).
cluster_http_status() {
  curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

# Wait up to TIMEOUT seconds until COMMAND... succeeds. The limit is
# kept by the clock, not by counting tries: on a loaded machine one try
# (a few curl or psql calls) can take longer than the pause between tries.
cluster_wait() {
  local timeout=$1 end
  shift
  end=$((SECONDS + timeout))
  while :; do
    "$@" && return 0
    (( SECONDS < end )) || return 1
    sleep 0.2
  done
}

# True when a log of the cluster says a port was taken.
cluster_port_clash() {
  local dir=$1
  grep -qsiE 'address already in use|could not bind|cannot bind socket|reason=bind' "$dir"/log/*.log
}

cluster_secret() {
  local dir=$1 name=$2
  if [[ ! -s $dir/secrets/$name ]]; then
    (umask 077 && openssl rand -hex 24 >"$dir/secrets/$name")
  fi
  cat "$dir/secrets/$name"
}

# Folders, secrets and the Patroni/HAProxy configuration for BASE.
cluster_write_config() {
  local dir=$1 base=$2 m su rep
  mkdir -p "$dir"/{log,run,secrets,etcd}
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do mkdir -p "$dir/$m"; done
  su=$(cluster_secret "$dir" superuser)
  rep=$(cluster_secret "$dir" replication)
  (umask 077 && printf '*:*:*:%s:%s\n' "$AIXIN_USER_ACCOUNT" "$su" >"$dir/secrets/pgpass")
  printf 'base=%s\n' "$base" >"$dir/ports"
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    (umask 077 && cluster_patroni_yaml "$dir" "$base" "$m" "$su" "$rep" >"$dir/$m/patroni.yml")
  done
  cluster_haproxy_cfg "$base" >"$dir/haproxy.cfg"
  if aixin_is_root; then
    chown -R "$AIXIN_USER_ACCOUNT:" "$dir"
  fi
  chmod 0700 "$dir/secrets" "$dir/etcd" "$dir"/pg?
}

# Patroni's configuration of member M (see Patroni's postgres0.yml).
# Synchronous mode: a commit is acknowledged only once a standby has it,
# so the standby Patroni promotes holds every acknowledged enrollment.
# primary_start_timeout 0: a crashed primary is failed over at once
# rather than restarted in place.  ttl/loop_wait/retry_timeout are small
# for one machine (loop_wait + 2 * retry_timeout <= ttl).
cluster_patroni_yaml() {
  local dir=$1 base=$2 m=$3 su=$4 rep=$5
  cat <<YAML
scope: aixin
namespace: /aixin/
name: $m
restapi:
  listen: 127.0.0.1:$(cluster_port "$base" "rest-$m")
  connect_address: 127.0.0.1:$(cluster_port "$base" "rest-$m")
etcd3:
  host: 127.0.0.1:$(cluster_port "$base" etcd)
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    primary_start_timeout: 0
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        fsync: 'on'
        synchronous_commit: 'on'
        full_page_writes: 'on'
        wal_log_hints: 'on'
        max_connections: 100
        timezone: UTC
        log_timezone: UTC
  initdb:
  - encoding: UTF8
  - locale: C.UTF-8
  - data-checksums
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 scram-sha-256
  - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$(cluster_port "$base" "$m")
  connect_address: 127.0.0.1:$(cluster_port "$base" "$m")
  data_dir: $dir/$m/data
  bin_dir: $AIXIN_PG_BIN
  pgpass: $dir/$m/pgpass
  use_unix_socket: true
  authentication:
    superuser:
      username: $AIXIN_USER_ACCOUNT
      password: $su
    replication:
      username: replicator
      password: $rep
  parameters:
    unix_socket_directories: '$dir/$m'
    unix_socket_permissions: '0700'
    log_line_prefix: '%m [%p] %q%u@%d '
watchdog:
  mode: 'off'
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
YAML
}

# HAProxy: TCP mode (TLS passes through untouched), a daemon counts only
# while its /readyz says 200 (it has a database connection); connections
# to a daemon marked down are cut so their clients reconnect elsewhere.
cluster_haproxy_cfg() {
  local base=$1
  cat <<CFG
global
    maxconn 4000

defaults
    mode tcp
    retries 3
    option redispatch
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 2s

frontend aixin
    bind 127.0.0.1:$(cluster_port "$base" haproxy)
    default_backend aixind

backend aixind
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server a1 127.0.0.1:$(cluster_port "$base" a1) check port $(cluster_port "$base" admin-a1)
    server a2 127.0.0.1:$(cluster_port "$base" a2) check port $(cluster_port "$base" admin-a2)
CFG
}

cluster_etcd_healthy() {
  local base=$1
  [[ $(cluster_http_status "http://127.0.0.1:$(cluster_port "$base" etcd)/health") == 200 ]]
}

cluster_start_etcd() {
  local dir=$1 base=$2 peer client
  cluster_pid "$dir" etcd >/dev/null && return 0
  peer=http://127.0.0.1:$(cluster_port "$base" etcd-peer)
  client=http://127.0.0.1:$(cluster_port "$base" etcd)
  cluster_spawn "$dir" etcd etcd --name e0 --data-dir "$dir/etcd" \
    --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "e0=$peer" --initial-cluster-state new --logger zap
  cluster_wait 30 cluster_etcd_healthy "$base"
}

# Name of the member whose Patroni says it is the primary (nothing if none).
cluster_primary() {
  local base=$1 m
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    if [[ $(cluster_http_status "http://127.0.0.1:$(cluster_port "$base" "rest-$m")/primary") == 200 ]]; then
      echo "$m"
      return 0
    fi
  done
  return 1
}

# True when a primary and a synchronous standby are up.
cluster_replicated() {
  local base=$1 m sync=0
  cluster_primary "$base" >/dev/null || return 1
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    [[ $(cluster_http_status "http://127.0.0.1:$(cluster_port "$base" "rest-$m")/sync") == 200 ]] && sync=1
  done
  (( sync ))
}

# Pid of member M's postmaster (from its data directory).
cluster_postmaster_pid() {
  local dir=$1 m=$2
  head -n 1 "$dir/$m/data/postmaster.pid" 2>/dev/null
}

cluster_start_members() {
  local dir=$1 base=$2 m
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    cluster_pid "$dir" "$m" >/dev/null && continue
    cluster_spawn "$dir" "$m" patroni "$dir/$m/patroni.yml"
  done
  cluster_wait 180 cluster_replicated "$base"
}

cluster_daemon_ready() {
  local base=$1 d=$2
  [[ $(cluster_http_status "http://127.0.0.1:$(cluster_port "$base" "admin-$d")/readyz") == 200 ]]
}

# Start daemon D (a1 or a2): 2 event loops with 4 PostgreSQL connections
# each, as many again for reports; extra arguments go to aixind.
cluster_start_daemon() {
  local dir=$1 base=$2 d=$3 aixind=$4
  shift 4
  cluster_pid "$dir" "$d" >/dev/null && return 0
  cluster_spawn "$dir" "$d" "$aixind" --listen "127.0.0.1:$(cluster_port "$base" "$d")" \
    --set "admin_listen=127.0.0.1:$(cluster_port "$base" "admin-$d")" \
    --database "$(cluster_conninfo "$dir" "$base" read-write aixin_serve)" \
    --set "report_database=$(cluster_conninfo "$dir" "$base" prefer-standby aixin_serve)" \
    --set threads=2 --set db_pool_size=4 "$@"
  cluster_wait 30 cluster_daemon_ready "$base" "$d"
}

cluster_haproxy_up() {
  local base=$1
  aixin_port_listening "$(cluster_port "$base" haproxy)"
}

cluster_start_haproxy() {
  local dir=$1 base=$2
  cluster_pid "$dir" haproxy >/dev/null && return 0
  cluster_spawn "$dir" haproxy haproxy -db -f "$dir/haproxy.cfg"
  cluster_wait 15 cluster_haproxy_up "$base"
}

cluster_members_have_database() {
  local dir=$1 base=$2 m
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    psql -X -q -At -d "host=$dir/$m port=$(cluster_port "$base" "$m") user=$AIXIN_USER_ACCOUNT dbname=aixin" \
      -c 'SELECT 1' >/dev/null 2>&1 || return 1
  done
}

# Create the database, migrate, load the divisions and create 'admin'
# (password AIXIN_ADMIN_PASSWORD, else generated into DIR/admin-password).
cluster_prepare_database() {
  local dir=$1 base=$2 aixind=$3 conninfo out
  conninfo=$(cluster_conninfo "$dir" "$base")
  aixin_pg_create_database "${conninfo/dbname=aixin/dbname=postgres}" aixin
  # libpq tries the next host only when one cannot be reached, not when it
  # refuses: a standby listed first that has not replayed CREATE DATABASE
  # yet ends the attempt, so wait until every member has it.
  cluster_wait 60 cluster_members_have_database "$dir" "$base" || return 1
  # Least privilege, as deploy/up: the schema belongs to aixin_owner (used
  # by --migrate only); the daemons serve as aixin_serve, which may only
  # call the aixin.* functions.  Both log in over TCP with the cluster's
  # generated password, kept in its pgpass.
  local pw postgres_ci=${conninfo/dbname=aixin/dbname=postgres} r
  pw=$(sed -n "s/^\*:\*:\*:$AIXIN_USER_ACCOUNT://p" "$dir/secrets/pgpass" | head -n 1)
  aixin_pg_create_roles "$postgres_ci" aixin_owner aixin_serve || return 1
  for r in aixin_owner aixin_serve; do
    aixin_psql "$postgres_ci" >/dev/null -c "ALTER ROLE $r PASSWORD '$pw'" || return 1
    grep -q "^\*:\*:\*:$r:" "$dir/secrets/pgpass" ||
      printf '*:*:*:%s:%s\n' "$r" "$pw" >>"$dir/secrets/pgpass"
  done
  aixin_psql "$postgres_ci" >/dev/null -c "ALTER DATABASE aixin OWNER TO aixin_owner" || return 1
  "$aixind" --migrate --sql-dir "$AIXIN_ROOT/deploy/sql" \
    --database "${conninfo/user=$AIXIN_USER_ACCOUNT/user=aixin_owner}" >>"$dir/log/migrate.log" 2>&1 \
    || { tail -n 20 "$dir/log/migrate.log" >&2; return 1; }
  aixin_load_divisions "$conninfo" "$AIXIN_ROOT/deploy/divisions-360800.csv"
  out=$("$aixind" --create-admin admin --database "$conninfo") || return 1
  if [[ $out =~ with\ password:\ ([^[:space:]]+) ]]; then
    (umask 077 && printf '%s\n' "${BASH_REMATCH[1]}" >"$dir/admin-password")
  fi
}

# Everything up, in order.  Returns 0 when up, 2 when a port was taken
# (stop it and try another base), 1 on any other failure.  Extra
# arguments go to both aixind.
cluster_start_all() {
  local dir=$1 base=$2 aixind=$3 d
  shift 3
  cluster_start_etcd "$dir" "$base" || { cluster_port_clash "$dir" && return 2; aixin_log "etcd did not start: $dir/log/etcd.log"; return 1; }
  cluster_start_members "$dir" "$base" || { cluster_port_clash "$dir" && return 2; aixin_log "no replicated primary: $dir/log/pg?.log"; return 1; }
  cluster_prepare_database "$dir" "$base" "$aixind" || { cluster_port_clash "$dir" && return 2; aixin_log "database not prepared: $dir/log/migrate.log"; return 1; }
  for d in "${AIXIN_CLUSTER_DAEMONS[@]}"; do
    cluster_start_daemon "$dir" "$base" "$d" "$aixind" "$@" \
      || { cluster_port_clash "$dir" && return 2; aixin_log "aixind $d not ready: $dir/log/$d.log"; return 1; }
  done
  cluster_start_haproxy "$dir" "$base" || { cluster_port_clash "$dir" && return 2; aixin_log "HAProxy did not start: $dir/log/haproxy.log"; return 1; }
}

cluster_stop_all() {
  local dir=$1 d m
  cluster_stop_one "$dir" haproxy
  for d in "${AIXIN_CLUSTER_DAEMONS[@]}"; do cluster_stop_one "$dir" "$d"; done
  # Patroni stops its PostgreSQL on SIGTERM; standbys first, so that the
  # primary does not wait on a synchronous standby that is going.
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do
    [[ $(cluster_primary "$(cluster_base "$dir")" 2>/dev/null) == "$m" ]] && continue
    cluster_stop_one "$dir" "$m" 60
  done
  for m in "${AIXIN_CLUSTER_MEMBERS[@]}"; do cluster_stop_one "$dir" "$m" 60; done
  cluster_stop_one "$dir" etcd
}

# Bring up a fresh cluster in DIR on a random base port, trying another
# base when a port turns out to be taken (no probing beforehand: the
# components' own bind errors decide).  Prints the base.
cluster_up_random() {
  local dir=$1 aixind=$2 try base rc
  shift 2
  for ((try = 0; try < 5; try++)); do
    # Below the kernel's ephemeral range (net.ipv4.ip_local_port_range,
    # 32768-60999 by default), where outgoing connections and port-0
    # listeners of other tests cannot take a port while a component is
    # restarted (etcd stopped and started again, for one).
    base=$((20000 + (RANDOM * 32768 + RANDOM) % 12700))
    cluster_write_config "$dir" "$base"
    rc=0
    cluster_start_all "$dir" "$base" "$aixind" "$@" || rc=$?
    if (( rc == 0 )); then
      echo "$base"
      return 0
    fi
    cluster_stop_all "$dir"
    (( rc == 2 )) || return 1
    aixin_log "a port of base $base is taken; trying another"
    find "$dir" -mindepth 1 -maxdepth 1 ! -name log -exec rm -rf {} +
    for f in "$dir"/log/*.log; do [[ -f $f ]] && mv "$f" "$f.try$try"; done
  done
  return 1
}
