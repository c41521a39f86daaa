#!/usr/bin/env bash
# The offline spool: with the server stopped, changes are saved to the
# spool (exit 3, "saved to the spool") and `aixin spool` lists them with
# masked ID numbers; requests with a password and reads are not spooled.
# With the server back, `aixin sync` delivers each exactly once, in order,
# drops the rejected one, and a second sync does nothing. A spool cut at
# random offsets inside its last record, or with a flipped byte, keeps the
# records before the damage. A spool restored from a copy after its sync
# is sent again and changes nothing: each record is reported replayed.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
export AIXIN_SPOOL_DIR=$IT_TMP/spool

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
count() { it_psql -c "SELECT count(*) FROM aixin.$1"; }
spool_file() { compgen -G "$AIXIN_SPOOL_DIR/*.spool" | head -n 1; }
register() { # register CERT GUARDIAN_ID: a household in 吉安县 敦厚镇
  "$AIXIN_CLI" household register --township 360821100 --kind only_child \
    --certificate "$1" --guardian "$2:家长"
}

cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife

# Household B with its child, made online.
gb=$("$MAKE_ID" 360821 19880101 011 M)
kb=$("$MAKE_ID" 360821 20230101 022 F)
cli 0 "$AIXIN_CLI" --format json household register --township 360821100 --kind only_child \
  --certificate SP-B --guardian "$gb:刘一"
hb=$(sed -n 's/^  "id": \([0-9]*\),$/\1/p' "$IT_LAST_OUT")
cli 0 "$AIXIN_CLI" household add-child --household "$hb" --id-number "$kb" --name 刘小一

# --- server stopped: changes wait in the spool --------------------------------
it_stop_daemon
ga=$("$MAKE_ID" 360821 19890202 031 M)
gd=$("$MAKE_ID" 360821 19900303 041 M)
nobody=$("$MAKE_ID" 360821 20240404 052 F)
cli 3 register SP-A "$ga"
it_assert_contains "$(it_last_stderr)" "saved to the spool (1 waiting)" "register spooled"
it_assert_contains "$(it_last_stderr)" 'aixin sync' "the user is told to sync"
cli 3 "$AIXIN_CLI" enroll --child "$kb" --year 2027
it_assert_contains "$(it_last_stderr)" "saved to the spool (2 waiting)" "enroll spooled"
cli 3 "$AIXIN_CLI" enroll --child "$nobody" --year 2027
cli 3 register SP-D "$gd"
it_assert_contains "$(it_last_stderr)" "(4 waiting)" "four waiting"
# A password never goes to the spool; reads are not spooled either.
AIXIN_NEW_PASSWORD=clerk-password-1 cli 3 "$AIXIN_CLI" account create --no-password-change --username sp_clerk \
  --role township_clerk --division 360821100
it_assert_contains "$(it_last_stderr)" "gave up" "account create is not spooled"
cli 3 "$AIXIN_CLI" household show --guardian "$gb"

cli 0 "$AIXIN_CLI" --format json spool
listing=$(it_last_stdout)
it_assert_eq 4 "$(grep -c '"position"' <<<"$listing")" "aixin spool lists four records"
it_assert_contains "$listing" '"operation": "register_household"' "operation named"
it_assert_contains "$listing" "${kb:0:6}********${kb:14:4}" "ID numbers masked in the listing"
for id in "$kb" "$ga" "$gd" "$nobody"; do
  [[ $listing != *"$id"* ]] || it_fail "a full ID number in the spool listing"
done
it_pass "no full ID number in the spool listing"
cli 0 "$AIXIN_CLI" spool
it_assert_eq 5 "$(wc -l <"$IT_LAST_OUT")" "table listing: header and four rows"

# --- server back: sync delivers each once -------------------------------------
households0=$(count households)
policies0=$(count policies)
it_start_daemon
cli 1 "$AIXIN_CLI" sync
out=$(it_last_stdout)
it_assert_contains "$out" "#1 register_household" "first record first"
it_assert_contains "$out" "#3 enroll" "the third record is the bad enrollment"
it_assert_contains "$out" "rejected" "the unknown child is rejected"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "with the server's reason"
it_assert_contains "$out" "sync: 3 delivered (0 of them replays), 1 rejected, 0 still waiting" "sync summary"
it_assert_eq $((households0 + 2)) "$(count households)" "two households delivered once"
it_assert_eq $((policies0 + 1)) "$(count policies)" "one policy delivered once"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no = 'SP-A'")" "household A once"
[[ -z $(spool_file) ]] || it_fail "the spool file is still there after a full sync"
cli 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "nothing waiting" "a second sync does nothing"
it_assert_eq $((households0 + 2)) "$(count households)" "households unchanged by the second sync"

# --- torn and corrupt tails ---------------------------------------------------
it_stop_daemon
ge=$("$MAKE_ID" 360821 19910404 061 M)
gf=$("$MAKE_ID" 360821 19920505 071 M)
cli 3 register SP-E "$ge"
spool=$(spool_file)
one=$(stat -c %s "$spool")
cli 3 register SP-F "$gf"
two=$(stat -c %s "$spool")
cp "$spool" "$IT_TMP/two-records.spool"
for ((i = 0; i < 6; i++)); do
  cut=$((one + RANDOM % (two - one)))
  cp "$IT_TMP/two-records.spool" "$spool"
  truncate -s "$cut" "$spool"
  cli 0 "$AIXIN_CLI" --format json spool
  it_assert_eq 1 "$(grep -c '"position"' "$IT_LAST_OUT")" "cut at $cut of $two: the first record survives"
  if (( cut > one )); then
    it_assert_contains "$(it_last_stderr)" "damaged, not readable and never sent" "cut at $cut: the torn tail is reported"
  fi
done
# A flipped byte in the last record's payload: its checksum fails.
cp "$IT_TMP/two-records.spool" "$spool"
printf '\x00' | dd of="$spool" bs=1 seek=$((two - 3)) conv=notrunc status=none
cli 0 "$AIXIN_CLI" --format json spool
it_assert_eq 1 "$(grep -c '"position"' "$IT_LAST_OUT")" "corrupt last record dropped, first kept"
it_assert_contains "$(it_last_stderr)" "checksum" "the checksum mismatch is reported"
# Appending after damage sets the damaged bytes aside and keeps order.
gg=$("$MAKE_ID" 360821 19930606 081 M)
cli 3 register SP-G "$gg"
it_assert_contains "$(it_last_stderr)" "saved to the spool (2 waiting)" "append after a damaged tail"
compgen -G "$spool.damaged-*" >/dev/null || it_fail "the damaged bytes were not kept aside"
it_pass "damaged bytes kept aside"
it_start_daemon
cli 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "sync: 2 delivered" "E and G delivered"
for cert in SP-E SP-G; do
  it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no = '$cert'")" "$cert once"
done
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no = 'SP-F'")" "the torn record was not sent"

# --- replay of a spool restored from a copy ------------------------------------
it_stop_daemon
gh=$("$MAKE_ID" 360821 19940707 091 M)
kh=$("$MAKE_ID" 360821 20220202 102 F)
cli 3 register SP-H "$gh"
cli 3 "$AIXIN_CLI" enroll --child "$kb" --year 2027  # already enrolled: rejected
spool=$(spool_file)
cp "$spool" "$IT_TMP/before-sync.spool"
it_start_daemon
cli 1 "$AIXIN_CLI" sync
first=$(it_last_stdout)
it_assert_contains "$first" "sync: 1 delivered (0 of them replays), 1 rejected" "first sync"
before=$(it_psql -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
    SELECT h::text AS t FROM aixin.households h UNION ALL SELECT p::text FROM aixin.policies p) x")
cp "$IT_TMP/before-sync.spool" "$spool"
cli 1 "$AIXIN_CLI" sync
second=$(it_last_stdout)
it_assert_contains "$second" "delivered: household" "the restored record is answered"
it_assert_contains "$second" "(replayed: delivered before)" "and reported as a replay"
it_assert_contains "$second" "sync: 1 delivered (1 of them replays), 1 rejected" "second sync summary"
it_assert_eq "$(grep -o 'household [0-9]*' <<<"$first")" "$(grep -o 'household [0-9]*' <<<"$second")" \
  "the replay answers the same household"
after=$(it_psql -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
    SELECT h::text AS t FROM aixin.households h UNION ALL SELECT p::text FROM aixin.policies p) x")
it_assert_eq "$before" "$after" "the replay changed nothing"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = 'household.register.replay'")" \
  "the server saw one replay"
: "$kh"
it_stop_daemon
