#!/usr/bin/env bash
# Import batches are split by their encoded size (docs/PROTOCOL.md, "Size
# of a request"). The daemon takes requests of at most 32 KiB; a file of
# 600 rows with long (50-character) Chinese names, sent at the default 500
# rows a batch, would make requests several times that size. The client
# cuts each batch at the limit: every row is enrolled, none refused, and
# the daemon saw no oversize frame. Then, under a limit smaller than one
# row, the import stops with a clear answer naming the line, and enrolls
# nothing.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

LIMIT=32768
ROWS=600

it_create_db
it_start_daemon --set "max_frame_bytes=$LIMIT"
faults_programme 2027

pad=$(printf '长%.0s' $(seq 1 50))
csv=$IT_TMP/long_names.csv
enrollments_csv "$ROWS" "$IT_TMP/plain.csv"
# Children 孩子N and guardians 家长N get the same 50-character tail (a
# guardian's rows stay alike).
sed -E "2,\$ s/,(孩子[0-9]+),/,\\1$pad,/; 2,\$ s/,(家长[0-9]+),/,\\1$pad,/" \
  "$IT_TMP/plain.csv" >"$csv"
it_assert_eq "$ROWS" "$(grep -c "孩子[0-9]*$pad," "$csv")" "every child name is long"

# The names alone of the first 500 rows (one default batch) weigh more
# than the limit.
names_bytes=$(sed -n '2,501p' "$csv" | cut -d, -f3,9 | tr -d ',\n' | wc -c)
it_log "names of one default batch: $names_bytes bytes; limit $LIMIT"
(( names_bytes > 4 * LIMIT )) || it_fail "the test file is too small to matter"
it_pass "a default batch of this file is over the frame limit ($names_bytes bytes of names alone)"

it_expect_exit 0 "$AIXIN_CLI" import enrollments "$csv"
printf '%s\n' "$(it_last_stdout)"
it_assert_eq "$ROWS" "$(it_psql -c "SELECT count(*) FROM aixin.policies")" \
  "every row is enrolled"
it_assert_eq "$ROWS" "$(it_psql -c "SELECT count(*) FROM aixin.children
    WHERE name LIKE '%$pad'")" "with its long name"
if grep -q "FRAME_TOO_LARGE\|over the server's limit" "$IT_DAEMON_LOG"; then
  it_fail "the daemon saw an oversize frame"
fi
it_pass "no request was over the limit"

# --- a limit smaller than one row -------------------------------------------
it_stop_daemon
it_start_daemon --set "max_frame_bytes=300"
one=$IT_TMP/one.csv
sed -n '1,2p' "$csv" >"$one" # its first row: never sent, so nothing replays
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$one"
it_assert_contains "$(it_last_stderr)" "line 2 cannot be sent" "the answer names the line"
it_assert_eq "$ROWS" "$(it_psql -c "SELECT count(*) FROM aixin.policies")" \
  "nothing more is enrolled"
it_stop_daemon
