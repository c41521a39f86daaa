#!/usr/bin/env bash
# The backup drill: a cluster archiving its WAL (deploy/backup --setup),
# 110 enrollments, a base backup (deploy/backup), 110 more, the time T
# noted, 110 more; deploy/restore --to T while aixind keeps running: the
# database holds exactly the policies acknowledged before T (same ids),
# the enrollment and funding reports equal the ones taken at T to the fen,
# and the same aixind serves again without a restart. Then 110 more on
# the restored timeline and deploy/restore --latest from the same base
# backup: everything of the new timeline is back, nothing of the
# abandoned one. Prints the base backup's size and time and each
# restore's time. Runs its own PostgreSQL cluster (it replaces it); the
# normal build only (a sanitizer build adds nothing to shell scripts and
# PostgreSQL, and this drill takes half a minute or more).
if [[ ${AIXIN_BIN_DIR:-} == *asan* ]]; then
  echo "it_backup_restore: skipped in the sanitizer build: the drill runs in the normal build"
  exit 0
fi
unset PGHOST PGPORT PGUSER PGDATABASE
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

backup_dir=$IT_TMP/backup
datadir=$AIXIN_PG_TMP/data
backup() { it_expect_exit 0 "$AIXIN_SOURCE_DIR/deploy/backup" --datadir "$datadir" --dir "$backup_dir" "$@"; }
restore() { it_expect_exit 0 "$AIXIN_SOURCE_DIR/deploy/restore" --datadir "$datadir" --dir "$backup_dir" --database "$IT_DB" "$@"; }

aixin_ensure_traverse "$IT_TMP"
backup --setup
it_create_db
it_start_daemon

cli() { it_expect_exit 0 "$AIXIN_CLI" "$@"; }
cli year open --year 2027 --reference-date 2027-01-01 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 5.00-20.00
cli insurer add --code chinalife --name 中国人寿
for county in 360821 360824; do
  cli terms set --county "$county" --year 2027 --county-share 10.00 --insurer chinalife
done
# Four files of 110 rows (10 households, one of them with two children:
# whole households in each file).
all=$IT_TMP/all.csv
enrollments_csv 440 "$all"
for part in 1 2 3 4; do
  { head -n 1 "$all"; tail -n +2 "$all" | sed -n "$(((part - 1) * 110 + 1)),$((part * 110))p"; } >"$IT_TMP/part$part.csv"
done
import() { cli import enrollments "$IT_TMP/part$1.csv"; }
policy_ids() { it_psql -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM aixin.policies"; }
reports() {
  "$AIXIN_CLI" report enrollment --year 2027 --division 360800 --format csv
  "$AIXIN_CLI" report funding --year 2027 --division 360800 --format csv
}

import 1
t0=$(date +%s.%N)
backup
t1=$(date +%s.%N)
base_size=$(du -sb "$backup_dir/base" | cut -f1)
it_log "base backup: $base_size bytes in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
import 2
sleep 1.1
T=$(it_psql -c "SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') || '+08'")
at_t_ids=$(policy_ids)
at_t_reports=$(reports)
it_assert_contains "$at_t_reports" "360821" "reports taken at T"
sleep 1.1
import 3
it_assert_eq 330 "$(it_psql -c 'SELECT count(*) FROM aixin.policies')" "330 policies before the restore"

t0=$(date +%s.%N)
restore --to "$T"
t1=$(date +%s.%N)
it_log "restore to $T: $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
it_assert_eq 220 "$(it_psql -c 'SELECT count(*) FROM aixin.policies')" "220 policies after restoring to T"
it_assert_eq "$at_t_ids" "$(policy_ids)" "exactly the policies acknowledged before T"

# The same aixind serves again: its pool reconnects by itself.
served=0
for _ in $(seq 1 60); do
  if "$AIXIN_CLI" whoami >/dev/null 2>&1; then served=1; break; fi
  sleep 0.5
done
(( served )) || it_fail "aixind does not serve after the restore"
it_pass "aixind serves again without a restart"
it_assert_eq "$at_t_reports" "$(reports)" "enrollment and funding reports equal to those at T"

import 4
after_ids=$(policy_ids)
t0=$(date +%s.%N)
restore --latest
t1=$(date +%s.%N)
it_log "restore --latest: $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
it_assert_eq 330 "$(it_psql -c 'SELECT count(*) FROM aixin.policies')" "330 policies after --latest"
it_assert_eq "$after_ids" "$(policy_ids)" "--latest follows the restored timeline, not the abandoned one"
