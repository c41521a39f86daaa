#!/usr/bin/env bash
# Four eyes on money, through the command line. With the thresholds off
# (the default) approvals and supplementary payouts take effect at once,
# as before. With four_eyes_approval_fen = 1,000 yuan and
# four_eyes_supplementary_fen = 500 yuan set for the year: an approval of
# 3,000 yuan and a payout of 800 yuan are left pending (the answer names
# the pending id), and nothing counts until a second account confirms:
# the claim stays under review, no payout row, `year show` and
# `report claims` unchanged. The account that asked is refused
# (PERMISSION_DENIED, audited); a city admin cannot confirm an approval,
# an adjuster cannot see a payout; another adjuster / city admin confirms,
# and confirming twice is once. A decline needs a reason and is final; the
# asker may withdraw. A pending payout does not hold part of the cap: the
# cap is checked again when it is confirmed. The audit names both
# accounts.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=foureyes-password-1
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
claim_sql() { it_psql -c "SELECT state || '/' || coalesce(approved_fen::text, '-')
                            FROM aixin.claims WHERE id = $1"; }
claims_report() {
  as admin 0 "$AIXIN_CLI" --format csv report claims --year "$YEAR"
  it_last_stdout
}

terms=(--year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 --city-subsidy 2.00
       --county-share-range 6.00-20.00 --benefit illness=10000.00)
as admin 0 "$AIXIN_CLI" year open "${terms[@]}"
as admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
as admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 \
  --insurer chinalife
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username zhiyang \
  --role township_clerk --division 360821207
for adj in cl_li cl_wang; do
  AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username "$adj" \
    --role insurer_adjuster --insurer chinalife --division 360800
done
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username admin_two \
  --role city_admin --division 360800

# Four children enrolled, each with a claim of 3,000 yuan under review.
claims=()
for i in 1 2 3 4; do
  guardian=$("$MAKE_ID" 360821 19900101 "6${i}0" M)
  child=$("$MAKE_ID" 360821 20230301 "6${i}0" F)
  as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
    --kind only_child --certificate "FE-$i" --guardian "$guardian:家长$i"
  household=$(field id)
  as zhiyang 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
    --name "孩子$i"
  as zhiyang 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
  as zhiyang 0 "$AIXIN_CLI" --format json claim file --child "$child" --year "$YEAR" \
    --event illness --incident-date "$INCIDENT" --amount 3000.00 --documents-complete \
    --document 住院发票
  claim=$(field id)
  as cl_li 0 "$AIXIN_CLI" claim review --claim "$claim"
  claims+=("$claim")
done

# --- thresholds off (the default): as before ------------------------------------------
as admin 0 "$AIXIN_CLI" --format json year settings --year "$YEAR"
it_assert_eq "0/0" "$(json "SELECT string_agg(e->>'value', '/' ORDER BY e->>'name')
                              FROM json_array_elements(:'doc'::json) e
                             WHERE e->>'name' LIKE 'four_eyes_%'")" \
  "both thresholds are 0 (off) by default"
as cl_li 0 "$AIXIN_CLI" --format json claim approve --claim "${claims[0]}" --amount 3000.00
it_assert_eq "approved/300000" "$(claim_sql "${claims[0]}")" "off: 3,000 yuan approved at once"
it_assert_eq "" "$(field pending_id)" "off: no pending id in the answer"
as cl_li 0 "$AIXIN_CLI" claim pay --claim "${claims[0]}" --amount 3000.00 --method bank_transfer
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[0]}" --amount 800.00 --reference ZJ-0
it_assert_eq "1/80000" "$(supplements)" "off: a supplementary payout recorded at once"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.pending_actions")" "off: nothing pending"

# --- thresholds set ---------------------------------------------------------------------
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" four_eyes_approval_fen 1000
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" four_eyes_supplementary_fen 500
as cl_li 0 "$AIXIN_CLI" claim approve --claim "${claims[1]}" --amount 1000.00
it_assert_eq "approved/100000" "$(claim_sql "${claims[1]}")" "exactly the threshold: approved at once"
as cl_li 0 "$AIXIN_CLI" claim pay --claim "${claims[1]}" --amount 1000.00 --method bank_transfer

report_before=$(claims_report)
as admin 0 "$AIXIN_CLI" --format json year show --year "$YEAR"
paid_before=$(field supplementary_paid_fen)

# An approval above the threshold waits.
as cl_li 0 "$AIXIN_CLI" --format json claim approve --claim "${claims[2]}" --amount 3000.00
approval=$(field pending_id)
[[ $approval =~ ^[0-9]+$ ]] || it_fail "no pending id in the answer: $(it_last_stdout)"
it_assert_eq under_review "$(field state)" "the answer shows the claim unchanged"
it_assert_contains "$(it_last_stderr)" "claim confirm $approval" "the answer says what to confirm"
it_assert_eq "under_review/-" "$(claim_sql "${claims[2]}")" "pending: the claim is not approved"
as cl_li 1 "$AIXIN_CLI" claim pay --claim "${claims[2]}" --amount 3000.00 --method bank_transfer
it_assert_contains "$(it_last_stderr)" "CONFLICT" "pending: it cannot be paid"
as cl_li 1 "$AIXIN_CLI" claim approve --claim "${claims[2]}" --amount 900.00
it_assert_contains "$(it_last_stderr)" "pending $approval" "a second approval waits for the first"
as cl_li 0 "$AIXIN_CLI" --format json claim show --claim "${claims[2]}"
it_assert_eq "" "$(field pending_id)" "claim show carries no pending id"

# A payout above its threshold waits.
as admin 0 "$AIXIN_CLI" --format json claim supplement --claim "${claims[1]}" --amount 800.00 \
  --reference ZJ-1
payout=$(field pending_id)
[[ $payout =~ ^[0-9]+$ ]] || it_fail "no pending id for the payout: $(it_last_stdout)"
it_assert_eq "1/80000" "$(supplements)" "pending: no payout row"
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[1]}" --amount 500.00 --reference ZJ-2
it_assert_eq "2/130000" "$(supplements)" "exactly the threshold: recorded at once"
paid_before=$((paid_before + 50000))
as admin 1 "$AIXIN_CLI" claim supplement --claim "${claims[1]}" --amount 800.00 --reference ZJ-1
it_assert_contains "$(it_last_stderr)" "waiting" "the same reference cannot wait twice"

# Nothing pending counts: year show and the claims report.
as admin 0 "$AIXIN_CLI" --format json year show --year "$YEAR"
it_assert_eq "$paid_before" "$(field supplementary_paid_fen)" "pending: year show unchanged"
report_pending=$(claims_report)
it_assert_eq "$(sed 's/,130000,/,80000,/' <<<"$report_pending")" "$report_before" \
  "pending: the claims report differs only by the 500 yuan recorded at once"

as cl_li 0 "$AIXIN_CLI" --format json claim pending --year "$YEAR"
it_assert_eq "$approval" "$(json "SELECT string_agg(e->>'id', ',') FROM json_array_elements(:'doc'::json) e")" \
  "an adjuster lists the approvals of its insurer only"
as admin 0 "$AIXIN_CLI" --format json claim pending --year "$YEAR"
it_assert_eq "$approval,$payout" "$(json "SELECT string_agg(e->>'id', ',' ORDER BY (e->>'id')::int) FROM json_array_elements(:'doc'::json) e")" \
  "the city admin lists both"

# --- who may confirm --------------------------------------------------------------------
refusals() { it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action LIKE '%refused%'"; }
before_refusals=$(refusals)
as cl_li 1 "$AIXIN_CLI" claim confirm "$approval"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "the asker cannot confirm its own approval"
as admin 1 "$AIXIN_CLI" claim confirm "$payout"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "the asker cannot confirm its own payout"
as admin_two 1 "$AIXIN_CLI" claim confirm "$approval"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a city admin does not confirm an approval"
as cl_wang 1 "$AIXIN_CLI" claim confirm "$payout"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "an adjuster does not see a payout"
as zhiyang 1 "$AIXIN_CLI" claim confirm "$approval"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a clerk confirms nothing"
it_assert_eq $((before_refusals + 4)) "$(refusals)" "each PERMISSION_DENIED is an audit row"
it_assert_eq "under_review/-" "$(claim_sql "${claims[2]}")" "still not approved"
it_assert_eq "2/130000" "$(supplements)" "still not recorded"

# --- confirmation -----------------------------------------------------------------------
as cl_wang 0 "$AIXIN_CLI" --format json claim confirm "$approval"
it_assert_eq "confirmed/cl_li/cl_wang" "$(json "SELECT concat_ws('/', :'doc'::json->>'state',
                                                 :'doc'::json->>'requested_by', :'doc'::json->>'decided_by')")" \
  "confirmed by the second adjuster"
it_assert_eq "approved/300000" "$(claim_sql "${claims[2]}")" "confirmed: the claim is approved"
as cl_wang 0 "$AIXIN_CLI" claim confirm "$approval"
as cl_wang 0 "$AIXIN_CLI" claim confirm "$approval"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.claim_transitions
                               WHERE claim_id = ${claims[2]} AND action = 'approve'")" \
  "confirming three times is once"
it_assert_eq "cl_li" "$(it_psql -c "SELECT a.username FROM aixin.claim_transitions t
                                    JOIN aixin.accounts a ON a.id = t.account_id
                                   WHERE t.claim_id = ${claims[2]} AND t.action = 'approve'")" \
  "the history names the adjuster who decided"
as admin_two 0 "$AIXIN_CLI" claim confirm "$payout"
it_assert_eq "3/210000" "$(supplements)" "confirmed: the payout is recorded"
as admin_two 1 "$AIXIN_CLI" claim decline "$payout" --reason "too late"
it_assert_contains "$(it_last_stderr)" "CONFLICT" "a confirmed payout cannot be declined"

it_assert_eq "claim.approve.requested:cl_li claim.approve:cl_wang" "$(it_psql -c "
    SELECT string_agg(l.action || ':' || a.username, ' ' ORDER BY l.id)
      FROM aixin.audit_log l JOIN aixin.accounts a ON a.id = l.account_id
     WHERE l.target = 'claim:${claims[2]}' AND l.action LIKE 'claim.approve%'")" \
  "the audit names the asker and the confirmer"
it_assert_eq "$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'cl_li'")" \
  "$(it_psql -c "SELECT detail->>'requested_by' FROM aixin.audit_log
                  WHERE target = 'claim:${claims[2]}' AND action = 'claim.approve'")" \
  "the confirmation's audit row names the asker too"
as admin 0 "$AIXIN_CLI" --format json year show --year "$YEAR"
it_assert_eq $((paid_before + 80000)) "$(field supplementary_paid_fen)" "confirmed: year show counts it"

# --- decline and withdraw ---------------------------------------------------------------
as admin 0 "$AIXIN_CLI" --format json claim supplement --claim "${claims[0]}" --amount 900.00 \
  --reference ZJ-3
declined=$(field pending_id)
as admin_two 2 "$AIXIN_CLI" claim decline "$declined"
it_assert_contains "$(it_last_stderr)" "--reason" "a decline needs a reason"
as admin_two 0 "$AIXIN_CLI" claim decline "$declined" --reason "发票金额不符"
as admin_two 1 "$AIXIN_CLI" claim confirm "$declined"
it_assert_contains "$(it_last_stderr)" "CONFLICT" "a declined payout cannot be confirmed"
as admin 0 "$AIXIN_CLI" --format json claim supplement --claim "${claims[0]}" --amount 700.00 \
  --reference ZJ-4
withdrawn=$(field pending_id)
as admin 0 "$AIXIN_CLI" --format json claim decline "$withdrawn" --reason "录入错误"
it_assert_eq "declined/admin" "$(json "SELECT concat_ws('/', :'doc'::json->>'state', :'doc'::json->>'decided_by')")" \
  "the asker withdraws its own"
it_assert_eq "3/210000" "$(supplements)" "declined and withdrawn: nothing recorded"
as admin 0 "$AIXIN_CLI" --format json claim pending --year "$YEAR"
it_assert_eq 0 "$(json "SELECT json_array_length(:'doc'::json)")" "nothing waits any more"
as admin 0 "$AIXIN_CLI" --format json claim pending --year "$YEAR" --all
it_assert_eq 4 "$(json "SELECT json_array_length(:'doc'::json)")" "--all lists the decided ones"

# --- a pending payout holds no part of the cap; confirmation checks it again -------------
as admin 0 "$AIXIN_CLI" year update "${terms[@]}" --supplementary-cap 1500.00
as cl_li 0 "$AIXIN_CLI" claim pay --claim "${claims[2]}" --amount 3000.00 --method bank_transfer \
  --delivered-home
as admin 0 "$AIXIN_CLI" --format json claim supplement --claim "${claims[2]}" --amount 1000.00 \
  --reference ZJ-5
capped=$(field pending_id)
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 500.00 --reference ZJ-6
as admin 0 "$AIXIN_CLI" claim supplement --claim "${claims[2]}" --amount 500.00 --reference ZJ-7
as admin_two 1 "$AIXIN_CLI" claim confirm "$capped"
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "the cap is checked again at confirmation"
it_assert_eq pending "$(it_psql -c "SELECT state FROM aixin.pending_actions WHERE id = $capped")" \
  "a refused confirmation leaves it waiting"

# --- retries with the same key, as the server runs them -----------------------------------
# The statement of db_statements.c: the action, then the pending id its key made.
li=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'cl_li'")
wang=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'cl_wang'")
approve_again() {
  it_psql -c "SELECT r.state || '/' || aixin.pending_for_key(decode(md5('replay-1'), 'hex'))
                FROM aixin.approve_claim($li, 7, decode(md5('replay-1'), 'hex'), ${claims[3]},
                                         250000, NULL, NULL) r"
}
first=$(approve_again)
it_assert_eq "$first" "$(approve_again)" "a retry of a pending approval answers the same pending id"
[[ $first == under_review/* ]] || it_fail "the approval did not wait: $first"
replayed=${first#under_review/}
decide_again() {
  it_psql -c "SELECT state FROM aixin.decide_pending($wang, 8, decode(md5('replay-2'), 'hex'),
                                                     $replayed, 'confirm', NULL)"
}
it_assert_eq confirmed "$(decide_again)" "confirmed"
it_assert_eq confirmed "$(decide_again)" "the same confirmation again: the first answer"
it_assert_eq "1/approved" "$(it_psql -c "SELECT count(*) || '/' || max(c.state)
                                          FROM aixin.claim_transitions t JOIN aixin.claims c ON c.id = t.claim_id
                                         WHERE t.claim_id = ${claims[3]} AND t.action = 'approve'")" \
  "one approval for two confirmations with one key"
it_stop_daemon
