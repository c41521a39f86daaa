#!/usr/bin/env bash
# kill -9 of aixind, ten times, at random points of one import over TLS
# with planted bad and duplicate rows; the client rides through each (it waits and
# resends with the same keys). Planted: 3 rows refused by the checks here
# (impossible dates), 2 rows repeated word for word (refused here), 3 rows
# of an unknown township and 5 rows putting an earlier row's child in
# another household (refused by the server). After every kill, each row
# the progress file calls done is in the database. At the end: every valid
# row has its policy, none doubled, the error file names exactly the
# planted lines, the first row for each child won, and the summary's
# counts are the database's.
#
# Rows: 12,000 valid, so that ten kills fall inside the import even when
# batches commit fast (each kill waits for 40 more policies, then 0-90 ms).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

ROWS=12000
KILLS=10
MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

it_create_db
# Over TLS, as an office far from the city would be.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=aixind \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$IT_TMP/server.key" -out "$IT_TMP/server.pem" \
  2>/dev/null || it_fail "openssl req"
it_start_daemon --set "tls_cert_file=$IT_TMP/server.pem" --set "tls_key_file=$IT_TMP/server.key"
export AIXIN_CA_FILE=$IT_TMP/server.pem
faults_programme 2027

# --- the file: valid rows with 13 planted ones spread through it -------------------
base=$IT_TMP/base.csv
enrollments_csv "$ROWS" "$base"
csv=$IT_TMP/rows.csv
planted=$IT_TMP/planted.txt
: >"$planted"
{
  head -n 1 "$base"
  n=0 k=0
  while IFS= read -r row; do
    printf '%s\n' "$row"
    n=$((n + 1))
    if (( n % (ROWS / 14) == 0 && k < 13 )); then
      k=$((k + 1))
      IFS=, read -r _ child name _ _ _ _ _ _ sex born <<<"$row"
      line=$(( n + k + 1 ))                 # header + rows so far + planted so far
      case $k in
        1 | 5 | 9)  # an impossible date
          printf 'bad date %d,%s,%s,2027,360821100,only_child,BAD-%d,%s,家长,F,2023-02-30\n' \
            "$k" "$("$MAKE_ID" 360821 20230228 "$(printf '%03d' $((2 * k)))" F)" "坏$k" "$k" \
            "$("$MAKE_ID" 360821 19700101 "$(printf '%03d' $((2 * k + 1)))" M)" ;;
        2 | 6)      # the row before, word for word
          printf '%s\n' "$row" ;;
        3 | 7 | 11) # no such township
          printf 'no township %d,%s,无乡%d,2027,360821999,only_child,NT-%d,%s,家长,F,2023-04-04\n' \
            "$k" "$("$MAKE_ID" 360821 20230404 "$(printf '%03d' $((2 * k)))" F)" "$k" "$k" \
            "$("$MAKE_ID" 360821 19710101 "$(printf '%03d' $((2 * k + 1)))" M)" ;;
        *)          # the row before's child, in another household
          printf 'dup child %d,%s,%s,2027,360824100,only_child,DUP-%d,%s,外人,%s,%s\n' \
            "$k" "$child" "$name" "$k" \
            "$("$MAKE_ID" 360824 19720101 "$(printf '%03d' $((2 * k + 1)))" M)" "$sex" "$born" ;;
      esac
      printf '%d ' "$line" >>"$planted"
    fi
  done < <(tail -n +2 "$base")
} >"$csv"
it_assert_eq 13 "$(wc -w <"$planted")" "13 rows planted"
it_log "planted on lines $(cat "$planted")"

# Rows the progress file calls done that have no policy.
missing_acked() {
  it_psql -c "CREATE TEMP TABLE acked (child text)" -c "\\copy acked FROM pstdin" \
    -c "SELECT count(*) FROM acked a WHERE NOT EXISTS (
          SELECT 1 FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
           WHERE c.id_number = a.child AND p.policy_year = 2027)" \
    < <(awk 'NR == FNR { if ($1 == "done") want[$3] = 1; next }
             FNR in want { split($0, f, ","); print f[2] }' "$csv.aixin-progress" "$csv" 2>/dev/null)
}

# --- import, with aixind killed at random points ------------------------------------
"$AIXIN_CLI" import enrollments "$csv" --batch 50 >"$IT_LAST_OUT" 2>"$IT_LAST_ERR" </dev/null &
client=$!
kills=0
while (( kills < KILLS )); do
  floor=$(policies)
  for ((i = 0; i < 600; i++)); do
    (( $(policies) >= floor + 40 )) && break
    kill -0 "$client" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$client" 2>/dev/null || break
  sleep "0.0$((RANDOM % 10))"
  it_kill_daemon >/dev/null
  kills=$((kills + 1))
  it_assert_eq 0 "$(missing_acked)" "kill $kills at $(policies) policies: every row called done is present"
  it_start_daemon "${IT_DAEMON_ARGS[@]}" >/dev/null
done
rc=0
wait "$client" || rc=$?
(( kills == KILLS )) || it_fail "the import ended after $kills kills: more rows needed"
it_pass "aixind killed $kills times during the import"
cat "$IT_LAST_OUT"
[[ $rc == 1 ]] || { cat "$IT_LAST_ERR"; it_fail "the import exited $rc, expected 1"; }
it_pass "the import finished (exit 1: rows refused)"

# --- what must hold ------------------------------------------------------------------
it_assert_eq "$ROWS" "$(policies)" "every valid row has its policy"
it_assert_eq 0 "$(doubled)" "none doubled"
it_assert_eq "$(cat "$planted")" "$(error_lines "$IT_TMP/rows.errors.csv")" \
  "the error file names exactly the planted lines"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no LIKE 'DUP-%'
                              OR certificate_no LIKE 'NT-%' OR certificate_no LIKE 'BAD-%'")" \
  "the first row for each child won; no household made by a refused row"
it_assert_eq "$ROWS" "$(( $(summary_count 'enrolled now:') + $(summary_count 'already done:') ))" \
  "the summary: enrolled + already done = the policies"
it_assert_contains "$(it_last_stdout)" "refused:       13 (5 by the checks here, 8 by the server)" \
  "the summary: 13 refused"
[[ $(it_last_stdout) != *"not done"* ]] || it_fail "the summary has rows not done"
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_contains "$(it_last_stdout)" "enrolled now:  0" "a rerun adds nothing"
it_assert_eq "$ROWS" "$(policies)" "still every valid row, once"
it_stop_daemon
