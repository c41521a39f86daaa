#!/usr/bin/env bash
# Claims through the real client, daemon and PostgreSQL: filed by township
# clerks, decided and paid by the adjusters of the policy's insurer,
# escalated claims answered by a supervisor, supplements by the city.
# Covered: the same-day and 7-day service classes and the 15-day answer
# after escalation, with due dates from the paper dates (a claim whose
# documents come later starts its clock on the day they are complete);
# paper dates in the past, never in the future nor before the claim was
# received; the home-delivery rule; the year's benefit cap per event;
# visits only after payment; scope (another insurer's adjuster and another
# county's clerks see nothing, clerks decide nothing); two adjusters
# approving one claim at once (one wins, the other gets CONFLICT);
# `claim due` per caller; `claim history` with who, when and the request.
#
# Dates: the policy year is the year of the incidents, which lie 20 days
# back (Beijing time), so that every paper date of the test can be in the
# past whatever today is.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=claims-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
TODAY=$(day today)
# Two days ahead, not one: still in the future if the test crosses
# midnight in Shanghai while it runs.
FUTURE=$(day "2 days")
INCIDENT=$(day '20 days ago')
YEAR=${INCIDENT:0:4}
D12=$(day '12 days ago')
D8=$(day '8 days ago')
D7=$(day '7 days ago')
D6=$(day '6 days ago')
D5=$(day '5 days ago')
D4=$(day '4 days ago')
D3=$(day '3 days ago')
D2=$(day '2 days ago')
D1=$(day '1 day ago')
IN3=$(day '3 days')
IN15=$(day '15 days')

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
# as USER CODE ARGS...: run the client as USER (admin or an account made
# below), expecting exit CODE.
as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
# json SQL: evaluate SQL over the last command's JSON output, bound as :'doc'.
json() {
  it_psql -v doc="$(it_last_stdout)" <<<"$1"
}
# field KEY...: the keys of the JSON object just printed, joined by '/'
# (an absent or null key is empty).
field() {
  local cols=() k
  for k in "$@"; do cols+=("coalesce(d->>'$k', '')"); done
  local IFS=,
  json "SELECT concat_ws('/', ${cols[*]}) FROM (SELECT :'doc'::json AS d) x"
}
# claim ACTION... as USER: "claim_as USER CODE VERB ARGS..." prints JSON.
claim_as() {
  local user=$1 code=$2
  shift 2
  as "$user" "$code" "$AIXIN_CLI" --format json claim "$@"
}
# history_actions CLAIM: "action:from>to:actor,..." oldest first.
history_actions() {
  as admin 0 "$AIXIN_CLI" --format json claim history --claim "$1" >/dev/null
  json "SELECT string_agg(concat(t->>'action', ':', coalesce(t->>'from_state', ''), '>',
          t->>'to_state', ':', t->>'actor'), ',' ORDER BY (t->>'id')::bigint)
        FROM json_array_elements(:'doc'::json) t"
}
# refused_unseen WHAT: the last command was refused as out of scope.
refused_unseen() {
  if [[ $(it_last_stderr) =~ NOT_FOUND|PERMISSION_DENIED ]]; then
    it_pass "$1"
  else
    it_fail "$1: expected NOT_FOUND or PERMISSION_DENIED, got [$(it_last_stderr)]"
  fi
}
# due_ids USER: the ids `claim due` lists for USER, in its order.
due_ids() {
  as "$1" 0 "$AIXIN_CLI" --format json claim due --within-days 3 >/dev/null
  json "SELECT coalesce(string_agg(c->>'id', ',' ORDER BY ord), '')
        FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(c, ord)"
}
it_log "policy year $YEAR, incidents on $INCIDENT, today $TODAY"

# --- the programme: a year with caps, two insurers, county terms -------------------
cli 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 \
  --benefit illness=10000.00 --benefit accident_injury=5000.00 --benefit disability=10000.00 \
  --benefit child_death=10000.00 --benefit guardian_death=10000.00
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" insurer add --code taikang --name 泰康人寿
cli 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 --insurer chinalife
cli 0 "$AIXIN_CLI" terms set --county 360825 --year "$YEAR" --county-share 6.00 --insurer taikang

# --- accounts -------------------------------------------------------------------
for spec in zhiyang:township_clerk:360821207 tengtian:township_clerk:360825105 \
            jian_county:county_clerk:360821 yongfeng_county:county_clerk:360825; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" --format json account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
it_assert_eq "insurer_adjuster/chinalife/false" "$(field role insurer_code supervisor)" \
  "an adjuster of chinalife"
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" --format json account create --no-password-change --username cl_wang \
  --role insurer_adjuster --insurer chinalife --division 360800 --supervisor
it_assert_eq "chinalife/true" "$(field insurer_code supervisor)" "a supervisor of chinalife"
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username tk_zhao \
  --role insurer_adjuster --insurer taikang --division 360800
it_assert_contains "$(it_last_stdout)" "SUPERVISOR" "account tables show the supervisor column"
it_assert_contains "$(it_last_stdout)" "taikang" "account tables show the insurer"
# Local usage checks: an adjuster needs an insurer; only adjusters take one.
AIXIN_NEW_PASSWORD=$PW cli 2 "$AIXIN_CLI" account create --no-password-change --username cl_x \
  --role insurer_adjuster --division 360800
AIXIN_NEW_PASSWORD=$PW cli 2 "$AIXIN_CLI" account create --no-password-change --username zy_x \
  --role township_clerk --division 360821207 --insurer chinalife
AIXIN_NEW_PASSWORD=$PW cli 2 "$AIXIN_CLI" account create --no-password-change --username zy_y \
  --role township_clerk --division 360821207 --supervisor
AIXIN_NEW_PASSWORD=$PW cli 1 "$AIXIN_CLI" account create --no-password-change --username pa_x \
  --role insurer_adjuster --division 360800 --insurer pingan
it_assert_contains "$(it_last_stderr)" "insurer" "an adjuster of an unknown insurer is refused"

# --- households and policies --------------------------------------------------------
# enrolled_child USER TOWNSHIP REGION SEQ NAME: a household with one child,
# enrolled for $YEAR; the child's ID number is left in $child.
enrolled_child() {
  local user=$1 township=$2 region=$3 seq=$4 name=$5 guardian household
  guardian=$("$MAKE_ID" "$region" 19900101 "$seq" M)
  child=$("$MAKE_ID" "$region" 20230301 "$seq" F)
  as "$user" 0 "$AIXIN_CLI" --format json household register --township "$township" \
    --kind only_child --certificate "CL-$region-$seq" --guardian "$guardian:${name}父"
  household=$(json "SELECT :'doc'::json->>'id'")
  as "$user" 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
    --name "$name"
  as "$user" 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
}
kids=()
for i in 1 2 3 4 5 6 7 8; do
  enrolled_child zhiyang 360821207 360821 3${i}0 "刘小$i"
  kids+=("$child")
done
enrolled_child tengtian 360825105 360825 410 "陈小一"
yf_kid=$child

# --- filing: local checks, dates, scope ---------------------------------------------
file_args=(--year "$YEAR" --event illness --incident-date "$INCIDENT")
as zhiyang 2 "$AIXIN_CLI" claim file --child "${kids[0]}" --year "$YEAR" --event flu \
  --incident-date "$INCIDENT" --amount 800.00
as zhiyang 2 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}"
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 0.00
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 8.001
bad_check=$([[ ${kids[0]:17:1} == 1 ]] && echo 2 || echo 1)
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]:0:17}$bad_check" "${file_args[@]}" --amount 800.00
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 800.00 \
  --received-on 2027-02-30
before=$(it_psql -c "SELECT count(*) FROM aixin.claims")
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" --year "$YEAR" --event illness \
  --incident-date "$FUTURE" --amount 800.00
it_assert_contains "$(it_last_stderr)" "incident_date" "an incident in the future is refused"
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 800.00 \
  --received-on "$FUTURE"
it_assert_contains "$(it_last_stderr)" "received_on" "a claim received in the future is refused"
as tengtian 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 800.00
refused_unseen "another county's clerk cannot file for the child"
as cl_li 1 "$AIXIN_CLI" claim file --child "${kids[0]}" "${file_args[@]}" --amount 800.00
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "an adjuster does not file claims"
as zhiyang 1 "$AIXIN_CLI" claim file --child "${kids[0]}" --year 2031 --event illness \
  --incident-date "$INCIDENT" --amount 800.00
it_assert_eq "$before" "$(it_psql -c "SELECT count(*) FROM aixin.claims")" \
  "refused filings left no claim"

# --- same day: at most 1,000.00 with complete documents --------------------------------
claim_as zhiyang 0 file --child "${kids[0]}" "${file_args[@]}" --amount 800.00 \
  --documents-complete --document 住院发票 --document 出院小结 --description 肺炎住院五天
c_same=$(field id)
it_assert_eq "filed/same_day/$TODAY/$TODAY/80000/0/0/chinalife/illness/false" \
  "$(field state service_class clock_start_date due_date amount_claimed_fen approved_fen paid_fen \
     insurer_code event overdue)" \
  "a complete 800.00 claim is due the same day"
it_assert_eq "$YEAR/${kids[0]}/刘小1/360821207/true/$TODAY/$INCIDENT/肺炎住院五天" \
  "$(field policy_year child_id_number child_name township_code documents_complete received_on \
     incident_date description)" \
  "the claim carries its policy, child and paper dates"
claim_as cl_li 0 review --claim "$c_same" --note 发票已核
it_assert_eq "under_review" "$(field state)" "review: filed -> under_review"
claim_as cl_li 0 approve --claim "$c_same" --amount 800.00
it_assert_eq "approved/80000" "$(field state approved_fen)" "approve: under_review -> approved"
claim_as cl_li 0 pay --claim "$c_same" --amount 800.00 --method bank_transfer
it_assert_eq "paid/80000/80000/$TODAY/bank_transfer/false/$TODAY/false" \
  "$(field state approved_fen paid_fen paid_on payment_method delivered_home due_date overdue)" \
  "paid the same day: on time"
as cl_li 0 "$AIXIN_CLI" claim show --claim "$c_same"
it_assert_contains "$(it_last_stdout)" "same_day" "the claim table shows the service class"
it_assert_contains "$(it_last_stdout)" "800.00" "the claim table shows yuan"
# A final state takes no more decisions.
claim_as cl_li 1 approve --claim "$c_same" --amount 800.00
claim_as cl_li 1 reject --claim "$c_same" --reason 重复

# --- seven days, documents completed later, paper dates in the past ---------------------
claim_as zhiyang 0 file --child "${kids[1]}" "${file_args[@]}" --amount 1500.00 \
  --document 住院发票 --received-on "$D6"
c_late=$(field id)
it_assert_eq "filed/seven_day/$D6/false" "$(field state service_class received_on documents_complete)" \
  "a claim without all documents falls under the 7-day rule"
claim_as zhiyang 1 documents --claim "$c_late" --document 诊断证明 --received-on "$D7"
it_assert_contains "$(it_last_stderr)" "received_on" "documents cannot arrive before the claim"
claim_as zhiyang 1 documents --claim "$c_late" --complete --received-on "$FUTURE"
claim_as zhiyang 0 documents --claim "$c_late" --document 诊断证明 --complete --received-on "$D4"
it_assert_eq "true/$D4/$IN3" "$(field documents_complete clock_start_date due_date)" \
  "the 7-day clock starts when the documents are complete ($D4 + 7 days)"
# Near its deadline: listed for its insurer's adjusters and its clerks only.
c_due=$c_late
claim_as cl_li 0 review --claim "$c_late"
claim_as cl_li 1 approve --claim "$c_late" --amount 1500.00 --decided-on "$FUTURE"
it_assert_contains "$(it_last_stderr)" "decided_on" "a decision dated in the future is refused"
claim_as cl_li 1 approve --claim "$c_late" --amount 1500.00 --decided-on "$D7"
it_assert_contains "$(it_last_stderr)" "decided_on" "a decision before the claim was received (and complete) is refused"
claim_as cl_li 0 approve --claim "$c_late" --amount 1500.00 --decided-on "$D3"
it_assert_eq "approved/150000" "$(field state approved_fen)" "approved on paper three days ago"
claim_as cl_li 1 pay --claim "$c_late" --amount 1500.00 --method cash --paid-on "$D8"
it_assert_contains "$(it_last_stderr)" "paid_on" "a payment before the claim was received is refused"
claim_as cl_li 1 pay --claim "$c_late" --amount 1200.00 --method cash --paid-on "$D2"
it_assert_contains "$(it_last_stderr)" "amount" "the payment is the approved amount"
claim_as cl_li 0 pay --claim "$c_late" --amount 1500.00 --method cash --paid-on "$D2"
it_assert_eq "paid/150000/$D2/cash/$IN3/false" "$(field state paid_fen paid_on payment_method due_date overdue)" \
  "paid on paper two days ago, within its 7 days"

# --- overdue: received twelve days ago, complete, still open ---------------------------
claim_as zhiyang 0 file --child "${kids[6]}" "${file_args[@]}" --amount 1500.00 \
  --documents-complete --received-on "$D12"
c_overdue=$(field id)
it_assert_eq "seven_day/$D12/$D5/true" "$(field service_class clock_start_date due_date overdue)" \
  "a complete claim received twelve days ago was due five days ago"

# --- claim due ---------------------------------------------------------------------------
claim_as zhiyang 0 file --child "${kids[7]}" "${file_args[@]}" --amount 2000.00 \
  --documents-complete --received-on "$D4"
c_due=$(field id)
it_assert_eq "seven_day/$IN3" "$(field service_class due_date)" "received four days ago: due in three days"
it_assert_eq "$c_overdue,$c_due" "$(due_ids cl_li)" "claim due (adjuster): overdue first, then near its deadline"
it_assert_eq "true,false" \
  "$(json "SELECT string_agg(c->>'overdue', ',' ORDER BY ord) FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(c, ord)")" \
  "claim due flags the overdue claim"
it_assert_eq "$c_overdue,$c_due" "$(due_ids zhiyang)" "claim due (township clerk)"
it_assert_eq "$c_overdue,$c_due" "$(due_ids jian_county)" "claim due (county clerk)"
it_assert_eq "" "$(due_ids tk_zhao)" "claim due (another insurer): nothing"
it_assert_eq "" "$(due_ids tengtian)" "claim due (another county's clerk): nothing"
as cl_li 0 "$AIXIN_CLI" claim due
it_assert_contains "$(it_last_stdout)" "OVERDUE" "claim due table has the overdue column"
as cl_li 0 "$AIXIN_CLI" --format json claim due --within-days 0
it_assert_eq "$c_overdue" \
  "$(json "SELECT coalesce(string_agg(c->>'id', ','), '') FROM json_array_elements(:'doc'::json) c")" \
  "claim due --within-days 0: only what is due today or overdue"
# Settled late stays overdue.
claim_as cl_li 0 review --claim "$c_overdue"
claim_as cl_li 0 approve --claim "$c_overdue" --amount 1500.00 --decided-on "$D1"
claim_as cl_li 0 pay --claim "$c_overdue" --amount 1500.00 --method bank_transfer
it_assert_eq "paid/true" "$(field state overdue)" "paid after its due date: settled late"

# --- escalation, supervisor, home delivery, visits, supplement ---------------------------
claim_as zhiyang 0 file --child "${kids[2]}" --year "$YEAR" --event disability \
  --incident-date "$INCIDENT" --amount 8000.00 --documents-complete
c_esc=$(field id)
it_assert_eq "seven_day/false" "$(field service_class home_delivery_required)" "8,000.00: the 7-day rule"
claim_as cl_li 0 review --claim "$c_esc"
claim_as cl_li 0 doubt --claim "$c_esc" --note 伤残等级存疑
it_assert_eq "true/under_review" "$(field doubt state)" "a doubt is flagged, the claim stays under review"
claim_as cl_li 0 escalate --claim "$c_esc" --note 上报总公司
it_assert_eq "escalated/fifteen_day/$TODAY/$IN15" "$(field state service_class clock_start_date due_date)" \
  "escalated: an answer within 15 days of the escalation"
claim_as cl_li 1 approve --claim "$c_esc" --amount 8000.00
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "an adjuster without the supervisor right cannot answer"
claim_as tk_zhao 1 approve --claim "$c_esc" --amount 8000.00
claim_as cl_wang 0 approve --claim "$c_esc" --amount 8000.00 --note 复核通过
it_assert_eq "approved/800000" "$(field state approved_fen)" "the supervisor approves the escalated claim"
claim_as cl_li 1 visit --claim "$c_esc" --note 提前回访
it_assert_contains "$(it_last_stderr)" "rejected" "no visit before payment"
claim_as cl_li 1 pay --claim "$c_esc" --amount 8000.00 --method cash
it_assert_contains "$(it_last_stderr)" "delivered_home" "8,000.00 must be delivered to the home"
claim_as cl_li 0 pay --claim "$c_esc" --amount 8000.00 --method cash --delivered-home
it_assert_eq "paid/800000/true/true" "$(field state paid_fen delivered_home home_delivery_required)" \
  "paid and delivered to the home"
claim_as cl_li 0 visit --claim "$c_esc" --note 孩子恢复良好
it_assert_eq "paid" "$(field state)" "a visit leaves the claim paid"
claim_as tk_zhao 1 visit --claim "$c_esc"
claim_as cl_li 1 supplement --claim "$c_esc" --amount 2000.00 --reference SZ-ZJ-001
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "only the city adds supplementary payouts"
claim_as admin 0 supplement --claim "$c_esc" --amount 2000.00 --reference SZ-ZJ-001
it_assert_eq "200000/800000" "$(field supplementary_fen paid_fen)" "a supplementary payout of 2,000.00"
claim_as admin 2 supplement --claim "$c_esc" --amount 2000.00

# --- reject ---------------------------------------------------------------------------------
claim_as zhiyang 0 file --child "${kids[3]}" "${file_args[@]}" --amount 300.00 --documents-complete
c_rej=$(field id)
claim_as cl_li 0 review --claim "$c_rej"
claim_as cl_li 2 reject --claim "$c_rej"
claim_as cl_li 0 reject --claim "$c_rej" --reason 未住院治疗
it_assert_eq "rejected/未住院治疗/0" "$(field state decision_reason approved_fen)" "rejected with its reason"
claim_as cl_li 1 approve --claim "$c_rej" --amount 300.00
claim_as cl_li 1 pay --claim "$c_rej" --amount 300.00 --method cash

# --- the year's cap per event: accident_injury 5,000.00 --------------------------------------
injury=(--year "$YEAR" --event accident_injury --incident-date "$INCIDENT" --documents-complete)
claim_as zhiyang 0 file --child "${kids[4]}" "${injury[@]}" --amount 3000.00
c_cap1=$(field id)
claim_as cl_li 0 review --claim "$c_cap1"
claim_as cl_li 0 approve --claim "$c_cap1" --amount 3000.00
claim_as zhiyang 0 file --child "${kids[4]}" "${injury[@]}" --amount 2500.00
c_cap2=$(field id)
claim_as cl_li 0 review --claim "$c_cap2"
claim_as cl_li 1 approve --claim "$c_cap2" --amount 2500.00
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "3,000.00 + 2,500.00 exceeds the 5,000.00 cap"
claim_as cl_li 0 approve --claim "$c_cap2" --amount 2000.00
it_assert_eq "approved/200000" "$(field state approved_fen)" "up to the cap exactly"

# --- scope ----------------------------------------------------------------------------------
for who in tk_zhao tengtian yongfeng_county; do
  as "$who" 1 "$AIXIN_CLI" claim show --claim "$c_same"
  it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "$who does not see a chinalife claim of 吉安县"
  as "$who" 1 "$AIXIN_CLI" claim history --claim "$c_same"
  it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "$who does not see its history"
done
as jian_county 0 "$AIXIN_CLI" claim show --claim "$c_same"
as cl_wang 0 "$AIXIN_CLI" claim show --claim "$c_same"
claim_as zhiyang 0 file --child "${kids[5]}" "${file_args[@]}" --amount 500.00 --documents-complete
c_scope=$(field id)
claim_as tk_zhao 1 review --claim "$c_scope"
claim_as cl_li 0 review --claim "$c_scope"
before=$(history_actions "$c_scope")
claim_as zhiyang 1 approve --claim "$c_scope" --amount 500.00
refused_unseen "a township clerk cannot approve"
claim_as jian_county 1 approve --claim "$c_scope" --amount 500.00
refused_unseen "a county clerk cannot approve"
claim_as tk_zhao 1 approve --claim "$c_scope" --amount 500.00
refused_unseen "another insurer's adjuster cannot approve"
claim_as tk_zhao 1 escalate --claim "$c_scope"
refused_unseen "nor escalate"
it_assert_eq "$before" "$(history_actions "$c_scope")" "the refused decisions changed nothing"
# The taikang side: its own claim, its own adjuster.
claim_as tengtian 0 file --child "$yf_kid" "${file_args[@]}" --amount 900.00 --documents-complete
c_tk=$(field id)
it_assert_eq "taikang" "$(field insurer_code)" "a 永丰县 claim goes to taikang"
as cl_li 1 "$AIXIN_CLI" claim show --claim "$c_tk"
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "chinalife does not see a taikang claim"
claim_as tk_zhao 0 review --claim "$c_tk"
it_assert_eq "$c_tk" "$(due_ids tk_zhao)" "taikang's adjuster: its own claim is due today"

# --- two adjusters approve one claim at once ---------------------------------------------------
# Each adjuster logs in once; the concurrent runs then only authenticate
# with the saved token and send the approval.
for who in cl_li cl_wang; do
  AIXIN_SESSION_FILE=$IT_TMP/session-$who AIXIN_USER=$who AIXIN_PASSWORD=$PW \
    cli 0 "$AIXIN_CLI" login
done
approve_as() {
  env -u AIXIN_USER -u AIXIN_PASSWORD AIXIN_SESSION_FILE="$IT_TMP/session-$1" \
    "$AIXIN_CLI" --format json claim approve --claim "$2" --amount 900.00 \
    >"$IT_TMP/race-$1.out" 2>"$IT_TMP/race-$1.err" </dev/null
}
for round in 1 2 3; do
  claim_as zhiyang 0 file --child "${kids[5]}" "${file_args[@]}" --amount 900.00 \
    --documents-complete
  c_race=$(field id)
  claim_as cl_li 0 review --claim "$c_race"
  rc_li=0 rc_wang=0
  approve_as cl_li "$c_race" & pid_li=$!
  approve_as cl_wang "$c_race" & pid_wang=$!
  wait "$pid_li" || rc_li=$?
  wait "$pid_wang" || rc_wang=$?
  it_assert_eq "0 1" "$(printf '%s\n' "$rc_li" "$rc_wang" | sort | paste -sd' ')" \
    "round $round: one approval wins, the other is refused (exit $rc_li/$rc_wang)"
  loser=cl_li
  [[ $rc_li == 0 ]] && loser=cl_wang
  it_assert_contains "$(cat "$IT_TMP/race-$loser.err")" "CONFLICT" "round $round: the loser ($loser) gets CONFLICT"
  approvals=$(history_actions "$c_race" | tr ',' '\n' | grep -c '^approve:' || true)
  it_assert_eq 1 "$approvals" "round $round: exactly one approval in the history"
  as cl_li 0 "$AIXIN_CLI" --format json claim show --claim "$c_race"
  it_assert_eq "approved/90000" "$(field state approved_fen)" "round $round: approved once"
done

# --- history ---------------------------------------------------------------------------------
it_assert_eq "file:>filed:zhiyang,review:filed>under_review:cl_li,doubt:under_review>under_review:cl_li,escalate:under_review>escalated:cl_li,approve:escalated>approved:cl_wang,pay:approved>paid:cl_li,visit:paid>paid:cl_li,supplement:paid>paid:admin" \
  "$(history_actions "$c_esc")" "claim history: every transition with who"
it_assert_eq "8/8/8/8" \
  "$(json "SELECT concat_ws('/', count(*), count(*) FILTER (WHERE (t->>'request_id')::bigint > 0),
           count(*) FILTER (WHERE t->>'idempotency_key' ~ '^[0-9a-f]{32}$'),
           count(*) FILTER (WHERE t->>'recorded_at' LIKE '%+08:00' AND t->>'effective_on' ~ '^\d{4}-\d{2}-\d{2}$'))
           FROM json_array_elements(:'doc'::json) t")" \
  "every transition carries its request id, key, paper date and recorded time"
it_assert_eq "800000/200000" \
  "$(json "SELECT concat_ws('/', max((t->>'amount_fen')::bigint) FILTER (WHERE t->>'action' = 'pay'),
           max((t->>'amount_fen')::bigint) FILTER (WHERE t->>'action' = 'supplement'))
           FROM json_array_elements(:'doc'::json) t")" \
  "the history keeps the amounts paid and supplemented"
it_assert_eq "$D6,$D4,$D3,$D2" \
  "$(history_actions "$c_late" >/dev/null
     json "SELECT string_agg(t->>'effective_on', ',' ORDER BY (t->>'id')::bigint)
           FROM json_array_elements(:'doc'::json) t WHERE t->>'action' IN ('file', 'add_documents', 'approve', 'pay')")" \
  "the history keeps the paper dates"
as cl_li 0 "$AIXIN_CLI" claim history --claim "$c_esc"
for word in ACTION FROM TO BY EFFECTIVE RECORDED REQUEST KEY escalate cl_wang; do
  it_assert_contains "$(it_last_stdout)" "$word" "claim history table shows $word"
done

it_stop_daemon
