# shellcheck shell=bash
# Shared helpers for deploy/up, deploy/down, tests/run and the integration
# tests.  Source it; it defines functions and a few variables, nothing runs.
#
#   AIXIN_ROOT   repository root (derived from this file's location)
#   AIXIN_USER_ACCOUNT  unprivileged system account that owns PostgreSQL
#                 clusters and runs the daemon (default: aixin)

AIXIN_ROOT=${AIXIN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AIXIN_USER_ACCOUNT=${AIXIN_USER_ACCOUNT:-aixin}

# Debian packages needed to build, test and run aixin.
AIXIN_PACKAGES=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libevent-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev libssl-dev
  libsodium-dev libcmocka-dev libcsv-dev gettext libsystemd-dev
  postgresql-15 postgresql-client-15
  iproute2 procps util-linux
)

# Debian packages only the tests need (tests/run installs them besides
# AIXIN_PACKAGES; deploy/up does not): headless Chromium renders the HTML
# reports (tests/integration/it_report_html.sh), with a CJK font for the
# Chinese names.
# Also: Selenium and ChromeDriver drive the desk (it_desk), lintian and
# bash-completion check the packages (it_package), the metrics parser checks
# /metrics (it_admin_http).
AIXIN_TEST_PACKAGES=(chromium fonts-wqy-zenhei python3-prometheus-client
  chromium-driver python3-selenium lintian bash-completion)
# Node.js and npm install and run the FHIR validator of it_exports (the npm
# package `fhir`). A Node.js that bundles its own npm (NodeSource's)
# conflicts with Debian's npm package, so npm is asked for only when missing.
AIXIN_TEST_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || AIXIN_TEST_PACKAGES+=(npm)

# Debian packages of the replicated setup (deploy/cluster, and its failover
# test that tests/run runs): etcd for Patroni's consensus, Patroni with its
# PostgreSQL driver, HAProxy in front of the daemons, curl for health
# checks, openssl for the generated passwords.
AIXIN_CLUSTER_PACKAGES=(etcd-server etcd-client patroni python3-psycopg2 haproxy curl openssl)

aixin_log() {
  printf '%s %s\n' "$(date '+%H:%M:%S')" "$*" >&2
}

aixin_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Print the comment block at the top of a script (after the #! line).
aixin_script_help() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
}

# True when PID is a running aixind (pid files can outlive their process
# and pids get reused).
aixin_pid_is_aixind() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == aixind ]]
}

aixin_is_root() {
  [[ ${EUID:-$(id -u)} -eq 0 ]]
}

# Install the Debian packages given (default: AIXIN_PACKAGES) that are not
# installed yet.  Only root can install; anyone else gets told what is missing.
aixin_ensure_packages() {
  local pkgs=("$@") missing=() p status
  if [[ ${#pkgs[@]} -eq 0 ]]; then
    pkgs=("${AIXIN_PACKAGES[@]}")
  fi
  for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  if ! aixin_is_root; then
    aixin_die "missing Debian packages (run as root to install): ${missing[*]}"
  fi
  aixin_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Create the unprivileged system account if it does not exist.
aixin_ensure_account() {
  if id -u "$AIXIN_USER_ACCOUNT" >/dev/null 2>&1; then
    return 0
  fi
  aixin_is_root || aixin_die "system account $AIXIN_USER_ACCOUNT is missing (run as root to create it)"
  aixin_log "creating system account $AIXIN_USER_ACCOUNT"
  useradd --system --user-group --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin "$AIXIN_USER_ACCOUNT"
}

# Run a command as the unprivileged account (as yourself when not root).
aixin_as_account() {
  if aixin_is_root; then
    runuser -u "$AIXIN_USER_ACCOUNT" -- "$@"
  else
    "$@"
  fi
}

# Make every directory from / down to DIR traversable by the account.
# Prints each change.  Uses an ACL entry for the account when setfacl is
# available, else o+x.
aixin_ensure_traverse() {
  local dir=$1 d
  aixin_is_root || return 0
  d=$(cd "$dir" && pwd)
  local parents=()
  while [[ $d != / ]]; do
    parents=("$d" "${parents[@]}")
    d=$(dirname "$d")
  done
  for d in "${parents[@]}"; do
    if ! runuser -u "$AIXIN_USER_ACCOUNT" -- test -x "$d" 2>/dev/null; then
      if command -v setfacl >/dev/null 2>&1; then
        setfacl -m "u:$AIXIN_USER_ACCOUNT:x" "$d"
        aixin_log "granted $AIXIN_USER_ACCOUNT traverse (x) on $d (setfacl -m u:$AIXIN_USER_ACCOUNT:x)"
      else
        chmod o+x "$d"
        aixin_log "granted traverse on $d (chmod o+x) so that $AIXIN_USER_ACCOUNT can reach its files"
      fi
    fi
  done
}

# Number of parallel build jobs: at most 2 unless AIXIN_JOBS says otherwise.
aixin_jobs() {
  local n
  n=$(nproc 2>/dev/null || echo 1)
  if [[ -n ${AIXIN_JOBS:-} ]]; then
    echo "$AIXIN_JOBS"
  elif (( n > 2 )); then
    echo 2
  else
    echo "$n"
  fi
}

# Configure (once) and build TARGET... ('all' for everything) in
# $AIXIN_ROOT/build; cmake --build is incremental.
aixin_build_normal() {
  local dir=$AIXIN_ROOT/build targets=() t
  [[ $# -gt 0 ]] || aixin_die "aixin_build_normal: no target"
  for t in "$@"; do targets+=(--target "$t"); done
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    aixin_log "configuring $dir"
    cmake -S "$AIXIN_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  aixin_log "building $dir"
  cmake --build "$dir" -j "$(aixin_jobs)" "${targets[@]}"
}

# Configure (once) and build the sanitizer + fuzzer build in build-asan.
aixin_build_asan() {
  local dir=$AIXIN_ROOT/build-asan
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    aixin_log "configuring $dir"
    CC=clang cmake -S "$AIXIN_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Debug \
      -DAIXIN_SANITIZE=ON -DAIXIN_FUZZ=ON
  fi
  aixin_log "building $dir"
  cmake --build "$dir" -j "$(aixin_jobs)"
}

# Is something listening on 127.0.0.1:PORT (TCP)?
aixin_port_listening() {
  local port=$1
  [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
}

# A TCP port on loopback that nothing listens on, from a random start.
# Racy (another process may take it before it is bound): tests start
# aixind on port 0 and read the address it reports (aixin_wait_addr_file).
aixin_free_port() {
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! aixin_port_listening "$port"; then
      echo "$port"
      return 0
    fi
  done
  aixin_die "no free TCP port found"
}

# Wait until PID listens on PORT (TCP), at most TIMEOUT seconds (default 30).
# Fails early when the process exits.
aixin_wait_listen() {
  local pid=$1 port=$2 timeout=${3:-30} i
  for ((i = 0; i < timeout * 10; i++)); do
    if aixin_port_listening "$port"; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# Wait until PID has written the address it listens on (HOST:PORT) to FILE
# (aixind's listen_file / admin_listen_file), at most TIMEOUT seconds
# (default 30), and print it.  Fails early when the process exits.
aixin_wait_addr_file() {
  local pid=$1 file=$2 timeout=${3:-30} i addr
  for ((i = 0; i < timeout * 10; i++)); do
    if [[ -s $file ]]; then
      addr=$(<"$file")
      if [[ $addr == *:* ]]; then
        printf '%s\n' "$addr"
        return 0
      fi
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# The zh_CN.UTF-8 locale, under which the client speaks Chinese (glibc
# needs it generated: Debian's `locales` package, locale-gen).
aixin_ensure_locale_zh_cn() {
  if locale -a 2>/dev/null | grep -iE '^zh_CN\.utf-?8$' >/dev/null; then
    return 0
  fi
  aixin_ensure_packages locales
  if ! aixin_is_root; then
    aixin_die "the zh_CN.UTF-8 locale is missing (run as root to generate it)"
  fi
  aixin_log "generating the zh_CN.UTF-8 locale"
  if grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen; then
    sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  elif ! grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen; then
    echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
  fi
  locale-gen >/dev/null
}
