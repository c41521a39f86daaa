#!/usr/bin/env bash
# Failover figures: runs tests/integration/it_failover.sh (the replicated
# setup of deploy/cluster under an import and 8 offices; kill -9 of the
# primary's postmaster, then of one aixind) RUNS times and prints its
# FIGURE lines and the spread of the failover times.
#
#   AIXIN_BIN_DIR=build tests/bench/bench-failover.sh [--runs N] [--rows N]
#
# Defaults: 1 run of 20,000 import rows (the size of the issue); each run
# takes a few minutes. failover_pg_ms: kill -9 of the postmaster to the end
# of the first enrollment acknowledged to an office that started after the
# kill; failover_aixind_ms: the same for kill -9 of one aixind.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=1
rows=20000
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --rows) rows=$2; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
export AIXIN_BIN_DIR=${AIXIN_BIN_DIR:-$root/build} AIXIN_SOURCE_DIR=$root
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
for ((r = 1; r <= runs; r++)); do
  echo "run $r of $runs ($rows rows)" >&2
  AIXIN_FAILOVER_ROWS=$rows bash "$root/tests/integration/it_failover.sh" >"$figures.out" 2>&1 \
    || { tail -n 40 "$figures.out"; echo "run $r failed" >&2; exit 1; }
  grep '^FIGURE' "$figures.out" | tee -a "$figures"
done
rm -f "$figures.out"
for key in failover_pg_ms failover_aixind_ms; do
  sed -n "s/.* $key=\([0-9]*\).*/\1/p" "$figures" | sort -n |
    awk -v k="$key" '{ v[NR] = $1 } END { if (NR) printf "%s: min %d median %d max %d (%d runs)\n", k, v[1], v[int((NR + 1) / 2)], v[NR], NR }'
done
