#!/usr/bin/env bash
# Early warnings (`aixin alerts`) through the real client, daemon and
# PostgreSQL. Data is built so that every kind is raised: a county's payout
# ratio above the year's threshold (after the threshold is lowered) and
# another's below it; each level's premium share unpaid past the year's
# funding due date; a claim past its same-day deadline and one due today;
# an enrollment rate of 10% with the enrollment period ending in 5 days; a
# grievance unanswered past its deadline. Then each is put right (paid,
# decided, answered, the census corrected, the thresholds set back) and
# the list is empty. Scope: a township clerk sees its township, an
# adjuster its insurer's alerts; another county is refused. Every figure
# and threshold is checked against the data, and the sentences are there.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=alerts-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
# days_between A B: whole days from date A to date B.
days_between() { echo $(( ($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400 )); }
TODAY=$(day today)
D30=$(day '30 days ago')
D10=$(day '10 days ago')
D3=$(day '3 days ago')
D1=$(day '1 day ago')
IN5=$(day '5 days')
YEAR=${D30:0:4}
REF=$YEAR-01-01

it_create_db
it_start_daemon

as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
field() { json "SELECT coalesce(:'doc'::json->>'$1', '')"; }
# alerts USER ARGS...: the alerts USER gets, one per line as
# kind:division:insurer:level:figure:threshold:due_on, sorted.
alerts() {
  local user=$1
  shift
  as "$user" 0 "$AIXIN_CLI" --format json alerts --year "$YEAR" "$@" >/dev/null
  json "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE \"C\"), '')
          FROM (SELECT concat_ws(':', a->>'kind', a->>'division_code',
                                 coalesce(a->>'insurer_code', ''), coalesce(a->>'level', ''),
                                 a->>'figure', a->>'threshold', coalesce(a->>'due_on', '')) AS line
                  FROM json_array_elements(:'doc'::json) a) s"
}
it_log "policy year $YEAR, today $TODAY"

# --- the programme ----------------------------------------------------------
as admin 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$REF" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
as admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
as admin 0 "$AIXIN_CLI" insurer add --code taikang --name 泰康人寿
as admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 \
  --insurer chinalife
as admin 0 "$AIXIN_CLI" terms set --county 360825 --year "$YEAR" --county-share 6.00 \
  --insurer taikang
for spec in zhiyang:township_clerk:360821207 tengtian:township_clerk:360825105; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
for spec in cl_li:chinalife tk_zhao:taikang; do
  IFS=: read -r user insurer <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role insurer_adjuster --insurer "$insurer" --division 360800
done

# The year's dates: funding was due 10 days ago, enrollment ends in 5 days.
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" funding_due_days "$(days_between "$REF" "$D10")"
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" enrollment_period_days \
  "$(days_between "$REF" "$IN5")"

enrolled_child() { # USER TOWNSHIP REGION SEQ
  local guardian household
  guardian=$("$MAKE_ID" "$3" 19900101 "$4" M)
  child=$("$MAKE_ID" "$3" 20230301 "$4" F)
  as "$1" 0 "$AIXIN_CLI" --format json household register --township "$2" \
    --kind only_child --certificate "AL-$3-$4" --guardian "$guardian:家长$4"
  household=$(field id)
  as "$1" 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
    --name "孩子$4"
  as "$1" 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
}
enrolled_child zhiyang 360821207 360821 310
kid_a=$child
enrolled_child zhiyang 360821207 360821 320
enrolled_child tengtian 360825105 360825 410
as zhiyang 0 "$AIXIN_CLI" census submit --township 360821207 --year "$YEAR" --eligible 20
as tengtian 0 "$AIXIN_CLI" census submit --township 360825105 --year "$YEAR" --eligible 1

claim_file() { # RECEIVED AMOUNT: a complete claim for kid_a; its id in $claim
  as zhiyang 0 "$AIXIN_CLI" --format json claim file --child "$kid_a" --year "$YEAR" \
    --event illness --incident-date "$REF" --received-on "$1" --amount "$2" \
    --documents-complete --document 发票
  claim=$(field id)
}
claim_file "$D10" 30.00
as cl_li 0 "$AIXIN_CLI" claim review --claim "$claim"
as cl_li 0 "$AIXIN_CLI" claim approve --claim "$claim" --amount 30.00
as cl_li 0 "$AIXIN_CLI" claim pay --claim "$claim" --amount 30.00 --method cash
claim_file "$D3" 20.00
c_late=$claim
claim_file "$TODAY" 20.00
c_today=$claim
as zhiyang 0 "$AIXIN_CLI" --format json grievance file --channel letter --township 360821207 \
  --summary 宣传不到位 --received-on "$D30"
grievance=$(field id)

# --- every kind raised ----------------------------------------------------------
expected_all="claims_due_today:360821:chinalife::1:0:$TODAY
claims_overdue:360821:chinalife::1:0:
enrollment_low:360821:chinalife::1000:9000:$IN5
funding_overdue:360821::city:400:0:$D10
funding_overdue:360821::county:2000:0:$D10
funding_overdue:360821::township:3600:0:$D10
funding_overdue:360825::city:200:0:$D10
funding_overdue:360825::county:600:0:$D10
funding_overdue:360825::township:2200:0:$D10
grievances_overdue:360821:::1:0:$(day "$D30 + 15 days")
payout_ratio_low:360825:taikang::0:2000:"
it_assert_eq "$expected_all" "$(alerts admin)" \
  "the city sees every alert by county and insurer, with figures and thresholds"
it_assert_eq critical "$(json "SELECT a->>'severity' FROM json_array_elements(:'doc'::json)
                                WITH ORDINALITY t(a, o) ORDER BY o LIMIT 1")" \
  "the most urgent come first"
it_assert_eq "50%" "$(it_psql -c "SELECT (sum(paid_fen)::bigint * 100 / 6000)::text || '%' FROM aixin.claims")" \
  "吉安县's payout ratio is 50%, between the default thresholds: no ratio alert there"

as admin 0 "$AIXIN_CLI" year set --year "$YEAR" alert_payout_ratio_high 40
it_assert_contains "$(alerts admin)" "payout_ratio_high:360821:chinalife::5000:4000:" \
  "a lower threshold for the year raises the payout ratio alert"

as admin 0 "$AIXIN_CLI" alerts --year "$YEAR"
it_assert_contains "$(it_last_stdout)" "吉安县" "the table names the county"
it_assert_contains "$(it_last_stdout)" "中国人寿" "and the insurer"
LC_ALL=zh_CN.UTF-8 LANGUAGE= as admin 0 "$AIXIN_CLI" alerts --year "$YEAR"
it_assert_contains "$(it_last_stdout)" "赔付率" "a sentence in Chinese says what is wrong"
as admin 0 "$AIXIN_CLI" --format json alerts --year "$YEAR" --division 360825
it_assert_eq 4 "$(json "SELECT count(*) FROM json_array_elements(:'doc'::json)")" \
  "--division keeps one county"

# --- scope ---------------------------------------------------------------------------
it_assert_eq "funding_overdue:360825105::city:200:0:$D10
funding_overdue:360825105::county:600:0:$D10
funding_overdue:360825105::township:2200:0:$D10
payout_ratio_low:360825105:taikang::0:2000:" "$(alerts tengtian)" \
  "a township clerk sees its own township's alerts"
it_assert_eq "claims_due_today:360821:chinalife::1:0:$TODAY
claims_overdue:360821:chinalife::1:0:
enrollment_low:360821:chinalife::1000:9000:$IN5
payout_ratio_high:360821:chinalife::5000:4000:" "$(alerts cl_li)" \
  "an adjuster sees its insurer's alerts"
it_assert_eq "payout_ratio_low:360825:taikang::0:2000:" "$(alerts tk_zhao)" \
  "and the other insurer its own"
as zhiyang 1 "$AIXIN_CLI" alerts --year "$YEAR" --division 360825
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "another county is refused"

# --- put right, nothing left ---------------------------------------------------------
pay() { as admin 0 "$AIXIN_CLI" disbursement record --level "$1" --division "$2" \
          --year "$YEAR" --amount "$3" --paid-on "$D1" --reference "AL-$1-$2"; }
pay city 360800 6.00
pay county 360821 20.00
pay county 360825 6.00
pay township 360821207 36.00
pay township 360825105 22.00
as cl_li 0 "$AIXIN_CLI" claim reject --claim "$c_late" --reason 重复报案
as cl_li 0 "$AIXIN_CLI" claim reject --claim "$c_today" --reason 重复报案
as zhiyang 0 "$AIXIN_CLI" grievance answer --grievance "$grievance" --answer 已加强宣传
as zhiyang 0 "$AIXIN_CLI" census submit --township 360821207 --year "$YEAR" --eligible 2 \
  --note 更正
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" alert_payout_ratio_high 80
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" alert_payout_ratio_low 0
it_assert_eq "" "$(alerts admin)" "with everything put right, nothing is listed"
as admin 0 "$AIXIN_CLI" alerts --year "$YEAR"
it_assert_contains "$(it_last_stdout)" "Nothing needs attention" "and the table says so"
