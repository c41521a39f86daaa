#!/usr/bin/env bash
# Limits on supplementary payouts (追加赔付), per policy year, through the
# command line. A year opened without limits takes them later with
# `year update` (only the limits may change once policies exist; the
# premium stays frozen). Three claims paid 400 yuan each. Thirty
# supplementary payouts of 1,000,000 yuan on one claim, from the city
# administrator: every one refused (RULE_VIOLATION), none recorded. Within
# a cap of 2,000 yuan per claim: 1,500 and then 500 go in, 600 more would
# pass the cap and is refused. With a budget of 5,000 yuan for the year: a
# second claim's 2,000 goes in (4,000), a third claim's 1,500 would pass the
# budget and is refused, 1,000 fits exactly. `year show` states the limits
# and the 5,000 paid; raising the budget lets the third claim take 500
# more. A negative limit is refused here, and the year's audit row of the
# update holds the limits before and after. Two payouts racing for the last
# of the budget, in two transactions: exactly one goes in.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=limits-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
INCIDENT=$(day '20 days ago')
YEAR=${INCIDENT:0:4}

it_create_db
it_start_daemon

as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
field() { json "SELECT :'doc'::json->>'$1'"; }
supplements() { it_psql -c "SELECT count(*) || '/' || coalesce(sum(amount_fen), 0)
                              FROM aixin.supplementary_payouts"; }

terms=(--year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 --city-subsidy 2.00
       --county-share-range 6.00-20.00 --benefit illness=10000.00)
as admin 0 "$AIXIN_CLI" year open "${terms[@]}"
as admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
as admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 \
  --insurer chinalife
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username zhiyang \
  --role township_clerk --division 360821207
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800

# Three children enrolled, each with a claim paid 400 yuan.
claims=()
for i in 1 2 3; do
  guardian=$("$MAKE_ID" 360821 19900101 "5${i}0" M)
  child=$("$MAKE_ID" 360821 20230301 "5${i}0" F)
  as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
    --kind only_child --certificate "SL-$i" --guardian "$guardian:家长$i"
  household=$(field id)
  as zhiyang 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
    --name "孩子$i"
  as zhiyang 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
  as zhiyang 0 "$AIXIN_CLI" --format json claim file --child "$child" --year "$YEAR" \
    --event illness --incident-date "$INCIDENT" --amount 400.00 --documents-complete \
    --document 住院发票
  claim=$(field id)
  as cl_li 0 "$AIXIN_CLI" claim review --claim "$claim"
  as cl_li 0 "$AIXIN_CLI" claim approve --claim "$claim" --amount 400.00
  as cl_li 0 "$AIXIN_CLI" claim pay --claim "$claim" --amount 400.00 --method bank_transfer
  claims+=("$claim")
done

# --- limits after the first enrollment ------------------------------------------
as admin 1 "$AIXIN_CLI" year update "${terms[@]/30.00/31.00}" --supplementary-cap 2000.00
it_assert_contains "$(it_last_stderr)" "frozen" "the premium of an enrolled year stays frozen"
as admin 1 "$AIXIN_CLI" year update "${terms[@]}" --supplementary-cap -5.00
it_assert_contains "$(it_last_stderr)" "supplementary_cap_per_claim_fen" "a negative cap is refused here"
as admin 0 "$AIXIN_CLI" --format json year update "${terms[@]}" \
  --supplementary-cap 2000.00 --supplementary-budget 5000.00
it_assert_eq "200000/500000/0/3000" \
  "$(json "SELECT concat_ws('/', d->>'supplementary_cap_per_claim_fen',
             d->>'supplementary_budget_fen', d->>'supplementary_paid_fen', d->>'premium_fen')
           FROM (SELECT :'doc'::json AS d) x")" \
  "the limits are set on an enrolled year, its premium unchanged"
it_assert_eq "null/null/200000/500000" "$(it_psql -c "
    SELECT concat_ws('/', coalesce(detail->'before'->>'supplementary_cap_per_claim_fen', 'null'),
                     coalesce(detail->'before'->>'supplementary_budget_fen', 'null'),
                     detail->'after'->>'supplementary_cap_per_claim_fen',
                     detail->'after'->>'supplementary_budget_fen')
      FROM aixin.audit_log WHERE action = 'policy_year.update' ORDER BY id DESC LIMIT 1")" \
  "the audit holds the limits before and after"

# --- the attack: thirty payouts of 1,000,000 yuan on a claim paid 400 -------------
refused=0
for ((k = 1; k <= 30; k++)); do
  if as admin 1 "$AIXIN_CLI" claim supplement --claim "${claims[0]}" --amount 1000000.00 \
       --reference "ATK-$k" >/dev/null; then
    [[ $(it_last_stderr) == *RULE_VIOLATION* ]] && refused=$((refused + 1))
  fi
done
it_assert_eq 30 "$refused" "thirty payouts of 1,000,000 yuan: all refused as RULE_VIOLATION"
it_assert_eq "0/0" "$(supplements)" "none recorded"
it_assert_contains "$(it_last_stderr)" "cap" "the refusal names the cap"

# --- the cap per claim -------------------------------------------------------------
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[0]}" --amount 1500.00 --reference ZJ-1
as admin 1 "$AIXIN_CLI" claim supplement --claim "${claims[0]}" --amount 600.00 --reference ZJ-2
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "1,500 + 600 passes the cap of 2,000"
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[0]}" --amount 500.00 --reference ZJ-3
it_assert_eq "2/200000" "$(supplements)" "the cap reached exactly"

# --- the year's budget ---------------------------------------------------------------
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[1]}" --amount 2000.00 --reference ZJ-4
as admin 1 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 1500.00 --reference ZJ-5
it_assert_contains "$(it_last_stderr)" "budget" "4,000 + 1,500 passes the budget of 5,000"
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 1000.00 --reference ZJ-6
it_assert_eq "4/500000" "$(supplements)" "the budget reached exactly"
as admin 0 "$AIXIN_CLI" --format json year show --year "$YEAR"
it_assert_eq "500000" "$(field supplementary_paid_fen)" "year show: 5,000 paid in supplements"
as admin 1 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 0.01 --reference ZJ-7
it_assert_contains "$(it_last_stderr)" "budget" "not a fen over the budget"

as admin 0 "$AIXIN_CLI" year update "${terms[@]}" \
  --supplementary-cap 2000.00 --supplementary-budget 6000.00
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 500.00 --reference ZJ-8
it_assert_eq "5/550000" "$(supplements)" "a raised budget takes more"

# --- two payouts at once ------------------------------------------------------------
# Cap 3,000 per claim; 500 left in the budget. Claims 1 and 2 each ask 400
# in their own transaction; the first holds its transaction open for a
# while. Each fits alone, not both: exactly one is recorded.
as admin 0 "$AIXIN_CLI" year update "${terms[@]}" \
  --supplementary-cap 3000.00 --supplementary-budget 6000.00
admin_id=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
race() { # CLAIM REF HOLD_SECONDS
  it_psql -c "BEGIN;
    SELECT count(*) FROM aixin.add_supplementary_payout($admin_id, 1, decode(md5('$2'), 'hex'),
                                                        $1, 40000, NULL, '$2');
    SELECT pg_sleep($3);
    COMMIT;" >"$IT_TMP/race-$2.out" 2>&1
}
race "${claims[0]}" RACE-A 1 &
first=$!
sleep 0.3
race "${claims[1]}" RACE-B 0 && b=ok || b=refused
wait "$first" && a=ok || a=refused
it_log "race: A $a, B $b"
[[ $a != "$b" ]] || it_fail "both payouts $a: $(cat "$IT_TMP"/race-*.out)"
grep -qh "budget" "$IT_TMP"/race-*.out || it_fail "the refused one does not name the budget"
it_assert_eq "6/590000" "$(supplements)" "one of two payouts racing for the last 500 yuan is recorded"
it_stop_daemon
