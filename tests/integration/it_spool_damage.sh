#!/usr/bin/env bash
# Damage costs only what is damaged, and sync tells the truth after a kill.
#
# (1) Ten registrations spooled (server stopped); one byte flipped inside
#     record 3: `aixin spool` names the damage and says 9 wait; one more
#     change is spooled (10 waiting) and the damaged bytes are set aside in
#     a file of their own; `aixin sync` delivers all 10 intact changes,
#     "0 still waiting", and only record 3's household is missing.
# (2) A sync killed (kill -9) half-way, the server paused so that the kill
#     lands in the middle: the next sync delivers every change once and
#     calls at least every change the killed one had printed a replay.
# (3) fsync of the spool fails (an LD_PRELOAD shim): the change is NOT
#     saved, said so, and taken back out: no sync sends it.
# (4) The spool on a full file system: the change is refused as NOT saved
#     (exit 3), and once there is room again every change saved is
#     delivered once (what was cut short is set aside, never sent).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
export AIXIN_SPOOL_DIR=$IT_TMP/spool

it_create_db
it_start_daemon

spool_file() { compgen -G "$AIXIN_SPOOL_DIR/*.spool" | head -n 1; }
households() { it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no LIKE '$1'"; }
# The guardian of registration PREFIX-I: one a prefix and number.
guardian() {
  local born
  case $1 in DMG) born=19900101 ;; KIL) born=19900202 ;; FSY) born=19900404 ;; *) born=19900303 ;; esac
  "$MAKE_ID" 360821 "$born" "$(printf '%03d' $((2 * $2 + 1)))" M
}
# Spool registrations CERT-FROM..CERT-TO at once (the server is stopped;
# each client waits out its retries, so they run side by side).
spool_many() {
  local prefix=$1 from=$2 to=$3 i pids=() rc=0
  for ((i = from; i <= to; i++)); do
    "$AIXIN_CLI" household register --township 360821100 --kind only_child \
      --certificate "$prefix-$i" --guardian "$(guardian "$prefix" "$i"):家长" \
      >"$IT_TMP/spool-$prefix-$i.out" 2>&1 </dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || [[ $? == 3 ]] || rc=1
  done
  [[ $rc == 0 ]] || it_fail "spooling $prefix: an exit status other than 3"
  grep -L "saved to the spool" "$IT_TMP"/spool-"$prefix"-*.out | grep . >/dev/null &&
    it_fail "spooling $prefix: a change not saved"
  it_pass "spooled $prefix-$from..$to"
}
# Offset and length of record N (1-based) of a spool file.
record_at() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, n = 0, int(sys.argv[2])
for i in range(1, n + 1):
    length = struct.unpack(">I", data[off + 4:off + 8])[0]
    if i == n:
        print(off, 12 + length)
    off += 12 + length
PY
}

# --- (1) a damaged record in the middle ---------------------------------------------
it_stop_daemon
spool_many DMG 1 10
spool=$(spool_file)
it_expect_exit 0 "$AIXIN_CLI" --format json spool
it_assert_eq 10 "$(grep -c '"position"' "$IT_LAST_OUT")" "ten changes waiting"
third=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[2]["summary"])' \
  <"$IT_LAST_OUT" | sed -n 's/.*certificate \(DMG-[0-9]*\).*/\1/p')
[[ -n $third ]] || it_fail "no certificate in record 3's summary"
read -r off len < <(record_at "$spool" 3)
printf '\xff' | dd of="$spool" bs=1 seek=$((off + len / 2)) conv=notrunc status=none
it_expect_exit 0 "$AIXIN_CLI" --format json spool
it_assert_eq 9 "$(grep -c '"position"' "$IT_LAST_OUT")" "the nine intact changes are listed"
it_assert_contains "$(it_last_stderr)" "$len bytes at offset $off" "aixin spool names the damaged bytes"
it_assert_contains "$(it_last_stderr)" "9 changes waiting" "and says how many wait"

it_expect_exit 3 "$AIXIN_CLI" household register --township 360821100 --kind only_child \
  --certificate DMG-11 --guardian "$(guardian DMG 11):家长"
it_assert_contains "$(it_last_stderr)" "saved to the spool (10 waiting)" "one more change: 10 waiting"
it_assert_contains "$(it_last_stderr)" "moved to" "the damaged bytes are set aside"
aside=$(compgen -G "$spool.damaged-*" | head -n 1)
[[ -n $aside ]] || it_fail "no file with the damaged bytes"
it_assert_eq "$len" "$(stat -c %s "$aside")" "the set-aside file holds exactly record 3"
it_expect_exit 0 "$AIXIN_CLI" spool
it_assert_contains "$(it_last_stderr)" "set aside earlier" "aixin spool names the set-aside file"
it_assert_contains "$(it_last_stderr)" "10 changes waiting" "and 10 waiting"

it_start_daemon
it_expect_exit 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "sync: 10 delivered (0 of them replays), 0 rejected, 0 still waiting" \
  "every intact change delivered"
it_assert_eq 10 "$(households 'DMG-%')" "ten households"
it_assert_eq 0 "$(households "$third")" "only the damaged record's household ($third) is missing"

# --- (2) a sync killed half-way ------------------------------------------------------------
it_stop_daemon
spool_many KIL 1 12
it_start_daemon
"$AIXIN_CLI" sync >"$IT_TMP/killed.out" 2>"$IT_TMP/killed.err" </dev/null &
sync_pid=$!
for ((i = 0; i < 3000; i++)); do
  (( $(grep -c ': delivered' "$IT_TMP/killed.out") >= 3 )) && break
  kill -0 "$sync_pid" 2>/dev/null || break
  sleep 0.01
done
kill -STOP "$IT_DAEMON_PID"
sleep 0.3
kill -KILL "$sync_pid" 2>/dev/null || true
wait "$sync_pid" 2>/dev/null || true
kill -CONT "$IT_DAEMON_PID"
printed=$(grep -c ': delivered' "$IT_TMP/killed.out" || true)
it_log "the killed sync printed $printed deliveries"
(( printed >= 3 && printed < 12 )) || it_fail "the kill did not land half-way ($printed printed)"
it_expect_exit 0 "$AIXIN_CLI" sync
replays=$(it_last_stdout | sed -n 's/^sync: 12 delivered (\([0-9]*\) of them replays), 0 rejected, 0 still waiting$/\1/p')
[[ -n $replays ]] || { it_last_stdout; it_fail "the second sync did not deliver the 12 changes"; }
(( replays >= printed && replays <= printed + 1 )) ||
  it_fail "the second sync called $replays replays; the killed one had printed $printed"
it_pass "every change printed by the killed sync is called a replay ($replays)"
it_assert_eq 12 "$(households 'KIL-%')" "each change made once"

# --- (3) fsync fails while spooling ---------------------------------------------------------
# (tests/support/fault_fsync.c: fsync of the spool file answers EIO.)
it_stop_daemon
spool_many FSY 1 2
shim=$AIXIN_BIN_DIR/tests/libfault_fsync.so
[[ -f $shim ]] || it_fail "no $shim (build the tests)"
it_expect_exit 3 env LD_PRELOAD="$shim" AIXIN_FAULT_FSYNC_MATCH=.spool ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
  "$AIXIN_CLI" household register --township 360821100 --kind only_child \
  --certificate FSY-3 --guardian "$(guardian FSY 3):家长"
it_assert_contains "$(it_last_stderr)" "NOT saved" "fsync failed: the change is NOT saved, and said so"
[[ $(it_last_stderr) != *"saved to the spool"* ]] || it_fail "fsync failed: called saved"
it_pass "not called saved"
it_expect_exit 0 "$AIXIN_CLI" --format json spool
it_assert_eq 2 "$(grep -c '"position"' "$IT_LAST_OUT")" "the change called unsaved is not in the spool"
it_start_daemon
it_expect_exit 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "sync: 2 delivered" "the two saved changes are delivered"
it_assert_eq 0 "$(households 'FSY-3')" "the change called unsaved was not made"

# --- (4) a full file system under the spool ----------------------------------------------------
full=$IT_TMP/full
mkdir -p "$full"
mount -t tmpfs -o size=64k tmpfs "$full" || it_fail "cannot mount a small tmpfs (run as root)"
trap 'rc=$?; umount "$full" 2>/dev/null; (exit $rc); it__cleanup' EXIT
export AIXIN_SPOOL_DIR=$full/spool
it_stop_daemon
mkdir -p "$AIXIN_SPOOL_DIR"
dd if=/dev/zero of="$full/filler" bs=4k count=64 status=none 2>/dev/null || true
it_expect_exit 3 "$AIXIN_CLI" household register --township 360821100 --kind only_child \
  --certificate FUL-1 --guardian "$(guardian FUL 1):家长"
it_assert_contains "$(it_last_stderr)" "NOT saved" "a full disk: the change is NOT saved, and said so"
[[ $(it_last_stderr) != *"saved to the spool"* ]] || it_fail "a full disk: called saved"
it_pass "not called saved"
rm -f "$full/filler"
spool_many FUL 2 3
it_start_daemon
it_expect_exit 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "sync: 2 delivered" "the two saved changes are delivered"
it_assert_eq 2 "$(households 'FUL-%')" "two households"
it_assert_eq 0 "$(households 'FUL-1')" "the change not saved was not made"
it_stop_daemon
