#!/usr/bin/env bash
# The programme's parameters and money through the real client, daemon and
# PostgreSQL: insurers; a policy year with its premium, city subsidy,
# county share range and benefit caps; each county's share and insurer,
# and the split every policy freezes at enrollment; the rules on shares
# (inside the year's range, township share never negative, nothing changes
# once a county or year has policies, no enrollment without county terms);
# the eligible-household census with its corrections and scope;
# disbursements by level and role; and the ledger of what each level owes,
# has paid and has outstanding, checked against a hand-worked example.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=clerk-password-1
# Disbursements may not be dated in the future; the server counts days in
# Beijing time.
TODAY=$(TZ=Asia/Shanghai date +%F)
TOMORROW=$(TZ=Asia/Shanghai date -d tomorrow +%F)

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
# as USER CODE ARGS...: run the client as USER (a clerk, or admin),
# expecting exit CODE.
as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
# json SQL: evaluate SQL over the last command's JSON output, bound as
# :'doc' (PostgreSQL's JSON functions; the tests need no other JSON tool).
json() {
  it_psql -v doc="$(it_last_stdout)" <<<"$1"
}
# The policy just printed: premium/city/county/township share/insurer.
policy_split() {
  json "SELECT concat_ws('/', d->>'premium_fen', d->>'city_share_fen',
          d->>'county_share_fen', d->>'township_share_fen', d->>'insurer_code')
        FROM (SELECT :'doc'::json AS d) x"
}
# ledger_row LEVEL DIVISION YEAR: policies/owed/paid/outstanding of one row
# of the ledger just printed ("" when there is no such row).
ledger_row() {
  json "SELECT concat_ws('/', r->>'policies', r->>'owed_fen', r->>'paid_fen',
          r->>'outstanding_fen')
        FROM json_array_elements((:'doc'::json)->'rows') r
        WHERE r->>'level' = '$1' AND r->>'division_code' = '$2'
          AND r->>'policy_year' = '$3'"
}

# --- accounts ---------------------------------------------------------------
for spec in zhiyang:township_clerk:360821207 dunhou:township_clerk:360821100 \
            tengtian:township_clerk:360825105 wenfeng:township_clerk:360822100 \
            jian_county:county_clerk:360821 yongfeng_county:county_clerk:360825 \
            city_auditor:auditor:360800; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done

# --- insurers -----------------------------------------------------------------
cli 0 "$AIXIN_CLI" --format json insurer add --code chinalife --name 中国人寿
it_assert_eq "chinalife/中国人寿" "$(json "SELECT (:'doc'::json->>'code') || '/' || (:'doc'::json->>'name')")" \
  "insurer chinalife registered"
cli 0 "$AIXIN_CLI" insurer add --code taikang --name 泰康人寿
cli 1 "$AIXIN_CLI" insurer add --code chinalife --name 另一家
it_assert_contains "$(it_last_stderr)" "ALREADY_EXISTS" "an insurer code is registered once"
as jian_county 1 "$AIXIN_CLI" insurer add --code pingan --name 中国平安
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "only the city admin registers insurers"
cli 2 "$AIXIN_CLI" insurer add --code pingan
cli 1 "$AIXIN_CLI" insurer add --code Ping.An --name 中国平安
cli 0 "$AIXIN_CLI" --format json insurer list
it_assert_eq "chinalife,taikang" \
  "$(json "SELECT string_agg(i->>'code', ',' ORDER BY i->>'code') FROM json_array_elements(:'doc'::json) i")" \
  "insurer list"

# --- policy years -------------------------------------------------------------
benefits=(--benefit illness=20000.00 --benefit accident_injury=10000.00
          --benefit disability=10000.00 --benefit child_death=10000.00
          --benefit guardian_death=10000.00)
as zhiyang 1 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a clerk cannot open a year"
cli 0 "$AIXIN_CLI" --format json year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 "${benefits[@]}"
it_assert_eq "2027/2027-01-01/3000/200/600/2000/0/false" \
  "$(json "SELECT concat_ws('/', d->>'year', d->>'reference_date', d->>'premium_fen',
             d->>'city_subsidy_fen', d->>'county_share_min_fen', d->>'county_share_max_fen',
             d->>'policies', d->>'frozen') FROM (SELECT :'doc'::json AS d) x")" \
  "year 2027 opened with its terms in fen"
it_assert_eq "accident_injury:1000000,child_death:1000000,disability:1000000,guardian_death:1000000,illness:2000000" \
  "$(json "SELECT string_agg((b->>'event') || ':' || (b->>'max_payout_fen'), ',' ORDER BY b->>'event')
           FROM json_array_elements((:'doc'::json)->'benefits') b")" \
  "year 2027 benefit caps"
cli 1 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00
it_assert_contains "$(it_last_stderr)" "ALREADY_EXISTS" "a year is opened once"
# Local checks: an event twice is a usage error; a range below zero or upside down is refused.
cli 2 "$AIXIN_CLI" year open --year 2029 --reference-date 2029-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=1.00 --benefit illness=2.00
cli 1 "$AIXIN_CLI" year open --year 2029 --reference-date 2029-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 20.00-6.00
# Before the first policy the terms can be replaced: raise the illness cap.
cli 0 "$AIXIN_CLI" --format json year update --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 "${benefits[@]/illness=20000.00/illness=25000.00}"
it_assert_eq "2500000" \
  "$(json "SELECT b->>'max_payout_fen' FROM json_array_elements((:'doc'::json)->'benefits') b WHERE b->>'event' = 'illness'")" \
  "year update before enrollment replaces the caps"
# 2028: a larger city subsidy and a range up to 25.00, which can leave the
# township share negative for a county share above 20.00 (30 - 10 - 21 < 0).
cli 0 "$AIXIN_CLI" year open --year 2028 --reference-date 2028-01-01 --premium 30.00 \
  --city-subsidy 10.00 --county-share-range 6.00-25.00 --benefit illness=20000.00
cli 0 "$AIXIN_CLI" --format json year list
it_assert_eq "2028,2027" \
  "$(json "SELECT string_agg(y->>'year', ',' ORDER BY ord) FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(y, ord)")" \
  "year list, newest first"

# --- county terms -------------------------------------------------------------
cli 0 "$AIXIN_CLI" --format json terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife
it_assert_eq "360821/吉安县/2027/200/1000/1800/chinalife/中国人寿/0" \
  "$(json "SELECT concat_ws('/', d->>'county_code', d->>'county_name', d->>'policy_year',
             d->>'city_share_fen', d->>'county_share_fen', d->>'township_share_fen',
             d->>'insurer_code', d->>'insurer_name', d->>'policies') FROM (SELECT :'doc'::json AS d) x")" \
  "吉安县 2027: 2.00 + 10.00 + 18.00 with chinalife"
cli 0 "$AIXIN_CLI" --format json terms set --county 360825 --year 2027 --county-share 6.00 --insurer taikang
it_assert_eq "200/600/2200/taikang" \
  "$(json "SELECT concat_ws('/', d->>'city_share_fen', d->>'county_share_fen', d->>'township_share_fen',
             d->>'insurer_code') FROM (SELECT :'doc'::json AS d) x")" \
  "永丰县 2027: 2.00 + 6.00 + 22.00 with taikang"
cli 1 "$AIXIN_CLI" terms set --county 360822 --year 2027 --county-share 20.01 --insurer chinalife
it_assert_contains "$(it_last_stderr)" "county_share" "a county share above the year's range is refused"
cli 1 "$AIXIN_CLI" terms set --county 360822 --year 2027 --county-share 5.99 --insurer chinalife
it_assert_contains "$(it_last_stderr)" "county_share" "a county share below the year's range is refused"
cli 1 "$AIXIN_CLI" terms set --county 360822 --year 2027 --county-share 8.00 --insurer pingan
it_assert_contains "$(it_last_stderr)" "insurer" "an unknown insurer is refused"
cli 1 "$AIXIN_CLI" terms set --county 360822 --year 2030 --county-share 8.00 --insurer chinalife
it_assert_contains "$(it_last_stderr)" "policy_year" "terms for a year not opened are refused"
as jian_county 1 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 8.00 --insurer chinalife
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a county clerk cannot set its own terms"
cli 1 "$AIXIN_CLI" terms set --county 360821 --year 2028 --county-share 21.00 --insurer chinalife
it_assert_contains "$(it_last_stderr)" "township" "a county share leaving a negative township share is refused"
cli 0 "$AIXIN_CLI" --format json terms set --county 360821 --year 2028 --county-share 20.00 --insurer taikang
it_assert_eq "1000/2000/0" \
  "$(json "SELECT concat_ws('/', d->>'city_share_fen', d->>'county_share_fen', d->>'township_share_fen')
           FROM (SELECT :'doc'::json AS d) x")" \
  "a township share of exactly 0.00 is allowed"
cli 0 "$AIXIN_CLI" --format json terms list --year 2027
it_assert_eq "360821:1000:chinalife,360825:600:taikang" \
  "$(json "SELECT string_agg(concat_ws(':', t->>'county_code', t->>'county_share_fen', t->>'insurer_code'), ','
           ORDER BY t->>'county_code') FROM json_array_elements(:'doc'::json) t")" \
  "terms list 2027: the refused counties have no terms"
as jian_county 0 "$AIXIN_CLI" --format json terms list --year 2027
it_assert_eq "360821" \
  "$(json "SELECT string_agg(t->>'county_code', ',') FROM json_array_elements(:'doc'::json) t")" \
  "a county clerk sees its own county's terms"

# --- enrollment: each policy freezes its county's split --------------------------
# register_child USER TOWNSHIP REGION SEQ CERT NAME: a household with one
# child, whose ID number is left in $child (progress goes to stderr).
register_child() {
  local user=$1 township=$2 region=$3 seq=$4 cert=$5 name=$6 guardian household
  guardian=$("$MAKE_ID" "$region" 19900101 "$seq" M)
  child=$("$MAKE_ID" "$region" 20230301 "$seq" F)
  as "$user" 0 "$AIXIN_CLI" --format json household register --township "$township" \
    --kind only_child --certificate "$cert" --guardian "$guardian:${name}父" >&2
  household=$(json "SELECT :'doc'::json->>'id'")
  as "$user" 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
    --name "$name" >&2
}
jian_children=()
for i in 1 2 3; do
  register_child zhiyang 360821207 360821 1${i}0 "ZY-2027-$i" "刘小$i"
  jian_children+=("$child")
done
yf_children=()
for i in 1 2; do
  register_child tengtian 360825105 360825 2${i}0 "TT-2027-$i" "陈小$i"
  yf_children+=("$child")
done
for child in "${jian_children[@]}"; do
  as zhiyang 0 "$AIXIN_CLI" --format json enroll --child "$child" --year 2027
  it_assert_eq "3000/200/1000/1800/chinalife" "$(policy_split)" "吉安县 policy split and insurer"
done
for child in "${yf_children[@]}"; do
  as tengtian 0 "$AIXIN_CLI" --format json enroll --child "$child" --year 2027
  it_assert_eq "3000/200/600/2200/taikang" "$(policy_split)" "永丰县 policy split and insurer"
done
as jian_county 0 "$AIXIN_CLI" --format json policies --child "${jian_children[0]}"
it_assert_eq "2027:200:1000:1800:chinalife" \
  "$(json "SELECT string_agg(concat_ws(':', p->>'policy_year', p->>'city_share_fen', p->>'county_share_fen',
             p->>'township_share_fen', p->>'insurer_code'), ',') FROM json_array_elements(:'doc'::json) p")" \
  "policies lists the frozen split"
# 吉水县 (360822) has no terms for 2027: no enrollment there.
register_child wenfeng 360822100 360822 310 WF-2027-1 "王小一"
as wenfeng 1 "$AIXIN_CLI" enroll --child "$child" --year 2027
it_assert_eq 5 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" \
  "a county without terms gets no policy"

# --- frozen terms -------------------------------------------------------------
cli 0 "$AIXIN_CLI" --format json year show --year 2027
it_assert_eq "5/true" "$(json "SELECT (:'doc'::json->>'policies') || '/' || (:'doc'::json->>'frozen')")" \
  "year 2027 has 5 policies and is frozen"
year_before=$(it_last_stdout)
cli 1 "$AIXIN_CLI" year update --year 2027 --reference-date 2027-01-01 --premium 35.00 \
  --city-subsidy 5.00 --county-share-range 6.00-20.00 "${benefits[@]}"
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "year update refused once the year has policies"
cli 1 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 12.00 --insurer taikang
it_assert_contains "$(it_last_stderr)" "rejected" "terms of a county with policies refused"
cli 0 "$AIXIN_CLI" --format json year show --year 2027
it_assert_eq "$year_before" "$(it_last_stdout)" "year 2027 unchanged by the refused update"
cli 0 "$AIXIN_CLI" --format json terms list --year 2027
it_assert_eq "1000:chinalife:3" \
  "$(json "SELECT concat_ws(':', t->>'county_share_fen', t->>'insurer_code', t->>'policies')
           FROM json_array_elements(:'doc'::json) t WHERE t->>'county_code' = '360821'")" \
  "吉安县 terms unchanged, with its 3 policies"
# A county without policies can still get terms.
cli 0 "$AIXIN_CLI" terms set --county 360823 --year 2027 --county-share 8.00 --insurer chinalife
cli 0 "$AIXIN_CLI" year show --year 2027
it_assert_contains "$(it_last_stdout)" "Benefit caps" "year show prints the benefit caps"

# --- census -------------------------------------------------------------------
as zhiyang 0 "$AIXIN_CLI" --format json census submit --township 360821207 --year 2027 --eligible 120
it_assert_eq "120/1/true" \
  "$(json "SELECT concat_ws('/', d->>'eligible_households', d->>'revision', d->>'current') FROM (SELECT :'doc'::json AS d) x")" \
  "census submitted"
as zhiyang 0 "$AIXIN_CLI" --format json census submit --township 360821207 --year 2027 --eligible 118 \
  --note "corrected after the village check"
it_assert_eq "118/2" \
  "$(json "SELECT concat_ws('/', d->>'eligible_households', d->>'revision') FROM (SELECT :'doc'::json AS d) x")" \
  "census corrected"
as dunhou 1 "$AIXIN_CLI" census submit --township 360821207 --year 2027 --eligible 5
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "another township's clerk cannot submit for it"
as tengtian 1 "$AIXIN_CLI" census submit --township 360821207 --year 2027 --eligible 5
as zhiyang 0 "$AIXIN_CLI" --format json census list --year 2027 --division 360821207
it_assert_eq "360821207:指阳乡:118:2:true:zhiyang" \
  "$(json "SELECT string_agg(concat_ws(':', e->>'township_code', e->>'township_name', e->>'eligible_households',
             e->>'revision', e->>'current', e->>'submitted_by'), ',') FROM json_array_elements(:'doc'::json) e")" \
  "census list: the current figure"
as jian_county 0 "$AIXIN_CLI" --format json census list --year 2027 --division 360821207 --history
it_assert_eq "1:120:false:,2:118:true:corrected after the village check" \
  "$(json "SELECT string_agg(concat_ws(':', e->>'revision', e->>'eligible_households', e->>'current',
             coalesce(e->>'note', '')), ',' ORDER BY (e->>'revision')::int) FROM json_array_elements(:'doc'::json) e")" \
  "census history: both revisions, the refused submissions left no trace"
as tengtian 1 "$AIXIN_CLI" census list --year 2027 --division 360821207

# --- disbursements ------------------------------------------------------------
# disburse USER CODE LEVEL DIVISION YEAR AMOUNT PAID_ON REFERENCE
disburse() {
  as "$1" "$2" "$AIXIN_CLI" --format json disbursement record --level "$3" --division "$4" \
    --year "$5" --amount "$6" --paid-on "$7" --reference "$8"
}
disburse admin 0 city 360800 2027 6.00 "$TODAY" SZ-2027-001
it_assert_eq "city/360800/2027/600/admin" \
  "$(json "SELECT concat_ws('/', d->>'level', d->>'division_code', d->>'policy_year', d->>'amount_fen',
             d->>'recorded_by') FROM (SELECT :'doc'::json AS d) x")" \
  "the city admin records the city's payment"
disburse admin 0 city 360800 2028 1.00 "$TODAY" SZ-2028-001
disburse jian_county 0 county 360821 2027 30.00 "$TODAY" JAX-2027-001
disburse zhiyang 0 township 360821207 2027 20.00 "$TODAY" ZY-2027-001
disburse yongfeng_county 0 county 360825 2027 15.00 "$TODAY" YF-2027-001
# Wrong roles and scopes.
disburse zhiyang 1 county 360821 2027 1.00 "$TODAY" ZY-X-1
disburse zhiyang 1 township 360821100 2027 1.00 "$TODAY" ZY-X-2
disburse jian_county 1 city 360800 2027 1.00 "$TODAY" JAX-X-1
disburse yongfeng_county 1 county 360821 2027 1.00 "$TODAY" YF-X-1
disburse city_auditor 1 city 360800 2027 1.00 "$TODAY" AUD-X-1
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "an auditor records nothing"
# The level must be the paying division's level (the client catches a
# township level with a county code itself).
disburse admin 1 county 360800 2027 1.00 "$TODAY" SZ-X-1
disburse admin 1 city 360821 2027 1.00 "$TODAY" SZ-X-2
disburse admin 1 township 360821 2027 1.00 "$TODAY" SZ-X-3
disburse admin 1 county 360821207 2027 1.00 "$TODAY" SZ-X-4
# Not in the future; a reference is recorded once.
disburse admin 1 city 360800 2027 1.00 "$TOMORROW" SZ-X-5
it_assert_contains "$(it_last_stderr)" "paid_on" "a payment dated tomorrow is refused"
disburse jian_county 1 county 360821 2027 30.00 "$TODAY" JAX-2027-001
it_assert_contains "$(it_last_stderr)" "ALREADY_EXISTS" "a duplicate reference is refused"
disburse admin 1 county 360821 2027 5.00 "$TODAY" JAX-2027-001
# Local checks: no zero amounts, real dates.
disburse admin 1 city 360800 2027 0.00 "$TODAY" SZ-X-6
disburse admin 1 city 360800 2027 1.00 2027-02-30 SZ-X-7

# --- the ledger ---------------------------------------------------------------
# Hand-worked, policy year 2027 (amounts in fen):
#   splits   吉安县 360821: city 200 + county 1000 + township 1800 = 3000
#            永丰县 360825: city 200 + county  600 + township 2200 = 3000
#   policies 指阳乡 360821207: 3; 藤田镇 360825105: 2; city: 3 + 2 = 5
#   owed     city 360800          5 x  200 = 1000
#            county 360821        3 x 1000 = 3000
#            county 360825        2 x  600 = 1200
#            township 360821207   3 x 1800 = 5400
#            township 360825105   2 x 2200 = 4400
#            total 1000 + 3000 + 1200 + 5400 + 4400 = 15000 = 5 x 3000
#   paid     city 600 (SZ-2027-001), county 360821 3000, county 360825 1500,
#            township 360821207 2000, township 360825105 nothing; the
#            refused disbursements add nothing: 600+3000+1500+2000 = 7100
#   outstanding = owed - paid:
#            city 1000 - 600 = 400
#            county 360821 3000 - 3000 = 0
#            county 360825 1200 - 1500 = -300 (overpaid)
#            township 360821207 5400 - 2000 = 3400
#            township 360825105 4400 - 0 = 4400
#   city subsidy paid to date, every year: 600 (2027) + 100 (2028) = 700
cli 0 "$AIXIN_CLI" --format json ledger --year 2027
it_assert_eq "5/1000/600/400" "$(ledger_row city 360800 2027)" "ledger: city"
it_assert_eq "3/3000/3000/0" "$(ledger_row county 360821 2027)" "ledger: 吉安县"
it_assert_eq "2/1200/1500/-300" "$(ledger_row county 360825 2027)" "ledger: 永丰县 overpaid"
it_assert_eq "3/5400/2000/3400" "$(ledger_row township 360821207 2027)" "ledger: 指阳乡"
it_assert_eq "2/4400/0/4400" "$(ledger_row township 360825105 2027)" "ledger: 藤田镇"
it_assert_eq "15000/7100/7900" \
  "$(json "SELECT concat_ws('/', sum((r->>'owed_fen')::bigint), sum((r->>'paid_fen')::bigint),
             sum((r->>'outstanding_fen')::bigint)) FROM json_array_elements((:'doc'::json)->'rows') r")" \
  "ledger totals: owed = 5 premiums, paid = the accepted disbursements"
it_assert_eq "700" "$(json "SELECT :'doc'::json->>'city_subsidy_paid_to_date_fen'")" \
  "city subsidy paid to date covers every year"
cli 0 "$AIXIN_CLI" ledger --year 2027
it_assert_contains "$(it_last_stdout)" "city subsidy paid to date: 7.00" "ledger table ends with the city subsidy"
# Every year: the 2028 city payment appears beside 2027.
cli 0 "$AIXIN_CLI" --format json ledger
it_assert_eq "0/100/-100" "$(ledger_row city 360800 2028 | cut -d/ -f2-)" "ledger: the city's 2028 payment"
# A county clerk's ledger: its county and its townships only.
as jian_county 0 "$AIXIN_CLI" --format json ledger --year 2027
it_assert_eq "0" \
  "$(json "SELECT count(*) FROM json_array_elements((:'doc'::json)->'rows') r
           WHERE r->>'division_code' NOT LIKE '360821%'")" \
  "a county clerk's ledger stays in its county"
it_assert_eq "3/3000/3000/0" "$(ledger_row county 360821 2027)" "county clerk's ledger: 吉安县"
it_assert_eq "3/5400/2000/3400" "$(ledger_row township 360821207 2027)" "county clerk's ledger: 指阳乡"
as jian_county 1 "$AIXIN_CLI" ledger --year 2027 --division 360825
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "nor another county's ledger"
as zhiyang 0 "$AIXIN_CLI" --format json ledger --year 2027
it_assert_eq "360821207" \
  "$(json "SELECT string_agg(DISTINCT r->>'division_code', ',') FROM json_array_elements((:'doc'::json)->'rows') r")" \
  "a township clerk's ledger is its township"

it_stop_daemon
