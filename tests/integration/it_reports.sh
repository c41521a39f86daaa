#!/usr/bin/env bash
# City reports through the real client, daemon and PostgreSQL: a small
# programme of two policy years (2024, 2025) in two counties (吉安县 with two
# townships, 永丰县 with one) is built with the client, then every report
# kind is checked in JSON and CSV against figures worked out by hand below:
# enrollment, funding (the city's and a county's lump payments divided
# among the townships pro rata, largest remainder), claims (insurers'
# payouts, supplements apart, households counted once over a range),
# service (deadlines kept per class on paper dates), insurers and the
# county assessment; every parent row is the sum of its children; the
# figures are those the SQL functions give in psql; scope (a county
# clerk's report is its county, another county is refused); empty
# divisions (a rate over zero eligible households is null); a range of
# years, with a year never opened counting zero; the table, CSV (RFC 4180
# quoting, CRLF, --bom) and HTML file outputs.
#
# The years lie in the past, and so do all paper dates, so the figures do
# not depend on today (claims still open are overdue whatever today is).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=reports-password-1

it_create_db
it_start_daemon

# as USER CODE ARGS...: run the client as USER, expecting exit CODE. Each
# user logs in once; later commands use the saved session (a token instead
# of a password hashed on every command).
as() {
  local user=$1 password=$PW session=$IT_TMP/session-$1
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  if [[ ! -s $session ]]; then
    AIXIN_SESSION_FILE=$session AIXIN_USER=$user AIXIN_PASSWORD=$password \
      "$AIXIN_CLI" login >/dev/null 2>&1 </dev/null || it_fail "login as $user"
  fi
  AIXIN_SESSION_FILE=$session AIXIN_USER='' AIXIN_PASSWORD='' it_expect_exit "$@"
}
cli() { as admin "$@"; }
# json SQL: evaluate SQL over the last command's JSON output, bound as :'doc'.
json() {
  it_psql -v doc="$(it_last_stdout)" <<<"$1"
}
# field KEY...: keys of the JSON object just printed, joined by '/'.
field() {
  local cols=() k
  for k in "$@"; do cols+=("coalesce(d->>'$k', '')"); done
  local IFS=,
  json "SELECT concat_ws('/', ${cols[*]}) FROM (SELECT :'doc'::json AS d) x"
}
# report USER ARGS...: `aixin --format json report ARGS` as USER (exit 0).
report() {
  local user=$1
  shift
  as "$user" 0 "$AIXIN_CLI" --format json report "$@"
}
# row CODE KEYS...: the keys of the row of division (or insurer) CODE in the
# report just printed, joined by '/', null as "null".
row() {
  local code=$1 cols=() k
  shift
  for k in "$@"; do cols+=("coalesce(r->>'$k', 'null')"); done
  local IFS=,
  json "SELECT concat_ws('/', ${cols[*]}) FROM json_array_elements(:'doc'::json) r
        WHERE coalesce(r->>'division', r->>'insurer') = '$code'"
}
# codes: the division (or insurer) codes of the report just printed, in order.
codes() {
  json "SELECT string_agg(coalesce(r->>'division', r->>'insurer'), ',' ORDER BY n)
        FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(r, n)"
}
# parent_is_sum WHAT: in the report just printed, the first row's every
# whole-number column equals the sum over the other rows.
parent_is_sum() {
  local result
  result=$(json "WITH cells AS (
      SELECT t.n, e.key, e.value::text AS v
        FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(r, n),
             json_each(t.r) e
       WHERE json_typeof(e.value) = 'number' AND e.value::text !~ '[.]'
    ), cmp AS (
      SELECT key, sum(v::bigint) FILTER (WHERE n = 1) AS parent,
             coalesce(sum(v::bigint) FILTER (WHERE n > 1), 0) AS children
        FROM cells GROUP BY key
    )
    SELECT count(*) || ':' || coalesce(string_agg(key || '=' || parent || '<>' || children, ',')
                                         FILTER (WHERE parent <> children), '')
      FROM cmp")
  if [[ $result =~ ^[1-9][0-9]*:$ ]]; then
    it_pass "$1: parent = sum of children (${result%:} columns)"
  else
    it_fail "$1: parent differs from the sum of its children: $result"
  fi
}
# same_as_sql FUNCTION FROM TO DIVISION: the JSON just printed is what
# aixin.report_FUNCTION gives an administrator in psql (DIVISION '' = own).
same_as_sql() {
  local fn=$1 from=$2 to=$3 div=$4
  it_assert_eq "t" "$(json "SELECT (:'doc'::jsonb) = (
      SELECT coalesce(jsonb_agg(to_jsonb(x) - 'ordinality' ORDER BY x.ordinality), '[]'::jsonb)
        FROM aixin.report_$fn((SELECT id FROM aixin.accounts WHERE username = 'admin'),
                              $from, $to, nullif('$div', '')) WITH ORDINALITY AS x)")" \
    "report $fn $from-$to ${div:-own}: the client shows what psql shows"
}
# csv_line CODE: the CSV record (CR removed) of the report just printed
# whose first field is CODE.
csv_line() {
  it_last_stdout | tr -d '\r' | grep -a -m1 "^$1,"
}

# --- the programme: insurers, years, county terms, accounts --------------------
# The second insurer's name has a comma and quotes: CSV must quote it.
TAIKANG='泰康人寿, "泰康"'
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" insurer add --code taikang --name "$TAIKANG"
caps=(--benefit illness=10000.00 --benefit accident_injury=5000.00 --benefit disability=10000.00
      --benefit child_death=10000.00 --benefit guardian_death=10000.00)
cli 0 "$AIXIN_CLI" year open --year 2024 --reference-date 2024-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 "${caps[@]}"
cli 0 "$AIXIN_CLI" year open --year 2025 --reference-date 2025-01-01 --premium 30.00 \
  --city-subsidy 5.00 --county-share-range 6.00-20.00 "${caps[@]}"
# Splits (fen) city/county/township of a 3000 premium:
#   2024 吉安县 200/1000/1800 chinalife   永丰县 200/600/2200 taikang
#   2025 吉安县 500/1200/1300 chinalife   永丰县 500/800/1700 chinalife
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2024 --county-share 10.00 --insurer chinalife
cli 0 "$AIXIN_CLI" terms set --county 360825 --year 2024 --county-share 6.00 --insurer taikang
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2025 --county-share 12.00 --insurer chinalife
cli 0 "$AIXIN_CLI" terms set --county 360825 --year 2025 --county-share 8.00 --insurer chinalife
for spec in zhiyang:township_clerk:360821207 dunhou:township_clerk:360821100 \
            tengtian:township_clerk:360825105 jian_county:county_clerk:360821 \
            yongfeng_county:county_clerk:360825 city_auditor:auditor:360800; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_wang \
  --role insurer_adjuster --insurer chinalife --division 360800 --supervisor
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username tk_zhao \
  --role insurer_adjuster --insurer taikang --division 360800

# --- households ----------------------------------------------------------------
# household USER TOWNSHIP SEQ KIND NAME [DAUGHTERS]: a household with one
# child (two daughters with DAUGHTERS=2); the children's ID numbers are
# left in $kid1 and $kid2.
household() {
  local user=$1 township=$2 seq=$3 kind=$4 name=$5 daughters=${6:-1} guardian id
  guardian=$("$MAKE_ID" "${township:0:6}" 19900101 "$seq" M)
  as "$user" 0 "$AIXIN_CLI" --format json household register --township "$township" \
    --kind "$kind" --certificate "RP-$township-$seq" --guardian "$guardian:${name}父"
  id=$(field id)
  kid1=$("$MAKE_ID" "${township:0:6}" 20230301 "$seq" F)
  as "$user" 0 "$AIXIN_CLI" household add-child --household "$id" --id-number "$kid1" \
    --name "${name}一"
  kid2=
  if [[ $daughters == 2 ]]; then
    kid2=$("$MAKE_ID" "${township:0:6}" 20230915 "$seq" F)
    as "$user" 0 "$AIXIN_CLI" household add-child --household "$id" --id-number "$kid2" \
      --name "${name}二"
  fi
}
enroll() {
  as "$1" 0 "$AIXIN_CLI" enroll --child "$2" --year "$3"
}
# 指阳乡 360821207: A1-A4 one child each, A5 two daughters.
household zhiyang 360821207 110 only_child 刘甲; A1=$kid1
household zhiyang 360821207 120 only_child 刘乙; A2=$kid1
household zhiyang 360821207 130 only_child 刘丙; A3=$kid1
household zhiyang 360821207 140 only_child 刘丁; A4=$kid1
household zhiyang 360821207 150 two_daughters 刘戊 2; A5a=$kid1 A5b=$kid2
# 敦厚镇 360821100: B1, B2.  藤田镇 360825105: C1-C3.
household dunhou 360821100 210 only_child 王甲; B1=$kid1
household dunhou 360821100 220 only_child 王乙; B2=$kid1
household tengtian 360825105 310 only_child 陈甲; C1=$kid1
household tengtian 360825105 320 only_child 陈乙; C2=$kid1
household tengtian 360825105 330 only_child 陈丙; C3=$kid1

# Policies (households / policies):
#   2024 指阳乡 A1 A2 A3 A5a A5b (4/5)   敦厚镇 B1 (1/1)     藤田镇 C1 C2 (2/2)
#   2025 指阳乡 A1-A4 A5a A5b    (5/6)   敦厚镇 B1 B2 (2/2)  藤田镇 C1-C3 (3/3)
for kid in "$A1" "$A2" "$A3" "$A5a" "$A5b"; do enroll zhiyang "$kid" 2024; done
enroll dunhou "$B1" 2024
for kid in "$C1" "$C2"; do enroll tengtian "$kid" 2024; done
for kid in "$A1" "$A2" "$A3" "$A4" "$A5a" "$A5b"; do enroll zhiyang "$kid" 2025; done
for kid in "$B1" "$B2"; do enroll dunhou "$kid" 2025; done
for kid in "$C1" "$C2" "$C3"; do enroll tengtian "$kid" 2025; done
it_assert_eq "2024:8,2025:11" \
  "$(it_psql -c "SELECT string_agg(policy_year || ':' || n, ',' ORDER BY policy_year)
                 FROM (SELECT policy_year, count(*) n FROM aixin.policies GROUP BY 1) x")" \
  "policies enrolled"

# --- census (eligible households) -------------------------------------------------
# 2024: 指阳乡 6 corrected to 5 (the current revision counts), 敦厚镇 2, 藤田镇 2.
# 2025: 指阳乡 5, 敦厚镇 2, 藤田镇 4.  吉水县 360822 submits nothing.
census() {
  as "$1" 0 "$AIXIN_CLI" census submit --township "$2" --year "$3" --eligible "$4"
}
census zhiyang 360821207 2024 6
census zhiyang 360821207 2024 5
census dunhou 360821100 2024 2
census tengtian 360825105 2024 2
census zhiyang 360821207 2025 5
census dunhou 360821100 2025 2
census tengtian 360825105 2025 4

# --- disbursements ------------------------------------------------------------------
disburse() {
  as "$1" 0 "$AIXIN_CLI" disbursement record --level "$2" --division "$3" --year "$4" \
    --amount "$5" --paid-on "$6" --reference "$7"
}
disburse admin city 360800 2024 10.01 2024-12-20 SZ-2024-001
disburse jian_county county 360821 2024 50.00 2024-12-21 JAX-2024-001
disburse zhiyang township 360821207 2024 60.00 2024-12-22 ZY-2024-001
disburse yongfeng_county county 360825 2024 15.00 2024-12-23 YF-2024-001
disburse admin city 360800 2025 20.00 2025-06-30 SZ-2025-001

# --- claims ----------------------------------------------------------------------------
# claim USER CODE VERB ARGS...: `aixin --format json claim VERB ...`; a new
# claim's id is left in $claim.
claim() {
  local user=$1 code=$2
  shift 2
  as "$user" "$code" "$AIXIN_CLI" --format json claim "$@"
  if [[ $1 == file && $code == 0 ]]; then claim=$(field id); fi
}
# K1 2024 A1 illness 800.00, complete: same day, paid that day (on time).
claim zhiyang 0 file --child "$A1" --year 2024 --event illness --incident-date 2024-03-05 \
  --amount 800.00 --documents-complete --received-on 2024-03-10
claim cl_li 0 approve --claim "$claim" --amount 800.00 --decided-on 2024-03-10
claim cl_li 0 pay --claim "$claim" --amount 800.00 --method bank_transfer --paid-on 2024-03-10
# K2 2024 A2 accident 3,500.00: 7 days (due 04-08), paid 04-05 (on time).
claim zhiyang 0 file --child "$A2" --year 2024 --event accident_injury --incident-date 2024-03-28 \
  --amount 3500.00 --documents-complete --received-on 2024-04-01
claim cl_li 0 review --claim "$claim"
claim cl_li 0 approve --claim "$claim" --amount 3500.00 --decided-on 2024-04-03
claim cl_li 0 pay --claim "$claim" --amount 3500.00 --method bank_transfer --paid-on 2024-04-05
# K3 2024 A3 child death 10,000.00: 7 days (due 05-09), paid 05-12 (late),
# delivered home, visited; the city adds 2,000.00.
claim zhiyang 0 file --child "$A3" --year 2024 --event child_death --incident-date 2024-04-30 \
  --amount 10000.00 --documents-complete --received-on 2024-05-02
k3=$claim
claim cl_li 0 approve --claim "$k3" --amount 10000.00 --decided-on 2024-05-06
claim cl_li 0 pay --claim "$k3" --amount 10000.00 --method cash --delivered-home --paid-on 2024-05-12
claim cl_li 0 visit --claim "$k3" --visited-on 2024-06-01
claim admin 0 supplement --claim "$k3" --amount 2000.00 --reference SZ-ZJ-2024-01 --paid-on 2024-06-10
it_assert_eq "paid/1000000/200000/true" "$(field state paid_fen supplementary_fen delivered_home)" \
  "K3 paid, delivered home, supplemented"
# K4 2024 B1 illness 300.00: same day, rejected that day (on time).
claim dunhou 0 file --child "$B1" --year 2024 --event illness --incident-date 2024-05-28 \
  --amount 300.00 --documents-complete --received-on 2024-06-01
claim cl_li 0 reject --claim "$claim" --reason 门诊费用不在保障范围 --decided-on 2024-06-01
# K5 2024 C1 illness 600.00 (taikang): same day (due 07-01), paid 07-03 (late).
claim tengtian 0 file --child "$C1" --year 2024 --event illness --incident-date 2024-06-25 \
  --amount 600.00 --documents-complete --received-on 2024-07-01
claim tk_zhao 0 approve --claim "$claim" --amount 600.00 --decided-on 2024-07-03
claim tk_zhao 0 pay --claim "$claim" --amount 600.00 --method cash --paid-on 2024-07-03
# K6 2024 A1 illness 400.00, documents still missing: no deadline yet.
claim zhiyang 0 file --child "$A1" --year 2024 --event illness --incident-date 2024-07-20 \
  --amount 400.00 --document 住院发票 --received-on 2024-08-01
# K7 2025 A1 illness 1,500.00: 7 days (due 02-08), paid 02-05 (on time).
claim zhiyang 0 file --child "$A1" --year 2025 --event illness --incident-date 2025-01-25 \
  --amount 1500.00 --documents-complete --received-on 2025-02-01
claim cl_li 0 approve --claim "$claim" --amount 1500.00 --decided-on 2025-02-03
claim cl_li 0 pay --claim "$claim" --amount 1500.00 --method bank_transfer --paid-on 2025-02-05
# K8 2025 A4 disability 6,000.00: escalated 03-03 (answer due 03-18), the
# supervisor approves 03-20 (late), paid 03-22 delivered home, visited.
claim zhiyang 0 file --child "$A4" --year 2025 --event disability --incident-date 2025-02-20 \
  --amount 6000.00 --documents-complete --received-on 2025-03-01
k8=$claim
claim cl_li 0 review --claim "$k8"
claim cl_li 0 escalate --claim "$k8" --note 伤残等级待鉴定 --decided-on 2025-03-03
claim cl_wang 0 approve --claim "$k8" --amount 6000.00 --decided-on 2025-03-20
claim cl_li 0 pay --claim "$k8" --amount 6000.00 --method cash --delivered-home --paid-on 2025-03-22
claim cl_li 0 visit --claim "$k8" --visited-on 2025-04-10
it_assert_eq "fifteen_day/true" "$(field service_class overdue)" "K8 answered late"
# K9 2025 C2 guardian death 10,000.00 (chinalife now): 7 days (due 04-08),
# paid 04-03 delivered home (on time).
claim tengtian 0 file --child "$C2" --year 2025 --event guardian_death --incident-date 2025-03-25 \
  --amount 10000.00 --documents-complete --received-on 2025-04-01
claim cl_li 0 approve --claim "$claim" --amount 10000.00 --decided-on 2025-04-02
claim cl_li 0 pay --claim "$claim" --amount 10000.00 --method bank_transfer --delivered-home \
  --paid-on 2025-04-03
# K10 2025 C3 illness 900.00, complete, never handled: same day, overdue.
claim tengtian 0 file --child "$C3" --year 2025 --event illness --incident-date 2025-04-28 \
  --amount 900.00 --documents-complete --received-on 2025-05-01
# K11 2025 B2 accident 2,000.00: approved 06-02, never paid: 7 days, overdue.
claim dunhou 0 file --child "$B2" --year 2025 --event accident_injury --incident-date 2025-05-30 \
  --amount 2000.00 --documents-complete --received-on 2025-06-01
claim cl_li 0 approve --claim "$claim" --amount 2000.00 --decided-on 2025-06-02
it_assert_eq "11" "$(it_psql -c "SELECT count(*) FROM aixin.claims")" "eleven claims filed"

# --- enrollment ----------------------------------------------------------------------------
# Hand-worked (eligible / insured households / policies / rate, rounded to
# four decimals):
#   2024 指阳乡 5/4/5 0.8000   敦厚镇 2/1/1 0.5000   吉安县 7/5/6 5/7 = 0.7142
#        藤田镇 = 永丰县 2/2/2 1.0000   吉水县 0/0/0 null
#        吉安市 9/7/8 7/9 = 0.7777
#   2025 指阳乡 5/5/6 1.0000   敦厚镇 2/2/2 1.0000   吉安县 7/7/8 1.0000
#        藤田镇 = 永丰县 4/3/3 0.7500   吉安市 11/10/11 10/11 = 0.9090
#   2024-2025 (household-years): 吉安县 14/12/14 12/14 = 0.8571,
#        永丰县 6/5/5 5/6 = 0.8333, 吉安市 20/17/19 17/20 = 0.8500
E=(eligible_households insured_households policies enrollment_rate)
report admin enrollment --year 2024
it_assert_eq "360800,360802,360803,360821,360822,360823,360824,360825,360826,360827,360828,360829,360830,360881" \
  "$(codes)" "enrollment rows: the city, then its 13 counties by code"
it_assert_eq "吉安市/city/9/7/8/0.7777" "$(row 360800 name level "${E[@]}")" "enrollment 2024 吉安市"
it_assert_eq "吉安县/county/7/5/6/0.7142" "$(row 360821 name level "${E[@]}")" "enrollment 2024 吉安县"
it_assert_eq "2/2/2/1.0000" "$(row 360825 "${E[@]}")" "enrollment 2024 永丰县"
it_assert_eq "0/0/0/null" "$(row 360822 "${E[@]}")" "enrollment 2024 吉水县: no census, rate null"
it_assert_eq "number/number/null/string" \
  "$(json "SELECT concat_ws('/', json_typeof(r->'policies'), json_typeof(r->'enrollment_rate'),
           json_typeof(r2->'enrollment_rate'), json_typeof(r->'name'))
           FROM json_array_elements(:'doc'::json) r, json_array_elements(:'doc'::json) r2
           WHERE r->>'division' = '360800' AND r2->>'division' = '360822'")" \
  "JSON types: counts and rates are numbers, a missing rate is null"
parent_is_sum "enrollment 2024 city"
same_as_sql enrollment 2024 2024 ''
report admin enrollment --year 2025
it_assert_eq "11/10/11/0.9090" "$(row 360800 "${E[@]}")" "enrollment 2025 吉安市"
it_assert_eq "7/7/8/1.0000" "$(row 360821 "${E[@]}")" "enrollment 2025 吉安县"
it_assert_eq "4/3/3/0.7500" "$(row 360825 "${E[@]}")" "enrollment 2025 永丰县"
parent_is_sum "enrollment 2025 city"
report admin enrollment --year 2025 --division 360821
it_assert_eq 24 "$(json "SELECT json_array_length(:'doc'::json)")" "吉安县 and its 23 townships"
it_assert_eq "360821/county" "$(json "SELECT (d->0->>'division') || '/' || (d->0->>'level') FROM (SELECT :'doc'::json d) x")" \
  "the first row is the division itself"
it_assert_eq "指阳乡/township/5/5/6/1.0000" "$(row 360821207 name level "${E[@]}")" "enrollment 2025 指阳乡"
it_assert_eq "敦厚镇/2/2/2/1.0000" "$(row 360821100 name "${E[@]}")" "enrollment 2025 敦厚镇"
it_assert_eq "0/0/0/null" "$(row 360821101 "${E[@]}")" "a township with nothing: zeros and a null rate"
parent_is_sum "enrollment 2025 吉安县"
same_as_sql enrollment 2025 2025 360821
report admin enrollment --from 2024 --to 2025
it_assert_eq "20/17/19/0.8500" "$(row 360800 "${E[@]}")" "enrollment 2024-2025 吉安市"
it_assert_eq "14/12/14/0.8571" "$(row 360821 "${E[@]}")" "enrollment 2024-2025 吉安县"
it_assert_eq "6/5/5/0.8333" "$(row 360825 "${E[@]}")" "enrollment 2024-2025 永丰县"
parent_is_sum "enrollment 2024-2025 city"
same_as_sql enrollment 2024 2025 ''
range_doc=$(it_last_stdout)
report admin enrollment --from 2023 --to 2025
it_assert_eq "$range_doc" "$(it_last_stdout)" "a year never opened (2023) counts zero"
# An empty county: its row and every township of it, rates null.
report admin enrollment --year 2025 --division 360822
it_assert_eq "20/0/0/0/null" \
  "$(json "SELECT concat_ws('/', count(*), sum((r->>'eligible_households')::int),
           sum((r->>'insured_households')::int), sum((r->>'policies')::int),
           coalesce(string_agg(DISTINCT r->>'enrollment_rate', ','), 'null'))
           FROM json_array_elements(:'doc'::json) r")" \
  "吉水县: 20 rows of zeros, every rate null"

# CSV: the header is the keys; rates as four-decimal fractions; null empty;
# records end in CRLF; UTF-8 without a byte order mark unless --bom.
as admin 0 "$AIXIN_CLI" report enrollment --year 2025 --division 360821 --format csv
it_assert_eq "division,name,level,eligible_households,insured_households,policies,enrollment_rate" \
  "$(it_last_stdout | head -n1 | tr -d '\r')" "CSV header: the column keys"
it_assert_eq "360821,吉安县,county,7,7,8,1.0000" "$(csv_line 360821)" "CSV 吉安县"
it_assert_eq "360821207,指阳乡,township,5,5,6,1.0000" "$(csv_line 360821207)" "CSV 指阳乡"
it_assert_eq "360821101,$(it_psql -c "SELECT name FROM aixin.divisions WHERE code = '360821101'"),township,0,0,0," \
  "$(csv_line 360821101)" "CSV: a null rate is an empty field"
it_assert_eq "25 25" "$(it_last_stdout | wc -l) $(it_last_stdout | grep -c $'\r$')" \
  "CSV: header and 24 records, each ended by CRLF"
it_assert_eq "646976" "$(it_last_stdout | head -c 3 | od -An -tx1 | tr -d ' \n')" \
  "CSV: no byte order mark"
as admin 0 "$AIXIN_CLI" --format csv report enrollment --year 2025 --bom
it_assert_eq "efbbbf" "$(it_last_stdout | head -c 3 | od -An -tx1 | tr -d ' \n')" \
  "CSV --bom (global --format csv) starts with the byte order mark"
as admin 2 "$AIXIN_CLI" report enrollment --year 2025 --bom

# The table: aligned columns, rates as percentages, null as '-'.
as admin 0 "$AIXIN_CLI" report enrollment --year 2024
it_assert_contains "$(it_last_stdout)" "ENROLLMENT RATE" "table header of the rate"
it_assert_contains "$(it_last_stdout)" "77.77%" "table: the city's rate as a percentage"
it_assert_eq "-" "$(it_last_stdout | grep 360822 | awk '{print $NF}')" "table: a null rate is '-'"

# --- assessment --------------------------------------------------------------------------------
# One row per county: 2025 吉安县 7/7 1.0000 met (10 points); 永丰县 4/3
# 0.7500 not met; 吉水县 0/0 null not met.  2024: 吉安县 0.7142 no,
# 永丰县 1.0000 yes.  2024-2025: 吉安县 0.8571, 永丰县 0.8333: neither.
A=(eligible_households insured_households enrollment_rate meets_target points)
report admin assessment --year 2025
it_assert_eq "360802,360803,360821,360822,360823,360824,360825,360826,360827,360828,360829,360830,360881" \
  "$(codes)" "assessment: one row per county"
it_assert_eq "吉安县/7/7/1.0000/true/10" "$(row 360821 name "${A[@]}")" "assessment 2025 吉安县 earns 10 points"
it_assert_eq "4/3/0.7500/false/0" "$(row 360825 "${A[@]}")" "assessment 2025 永丰县 below 90%"
it_assert_eq "0/0/null/false/0" "$(row 360822 "${A[@]}")" "assessment 2025 吉水县: nothing to assess"
same_as_sql assessment 2025 2025 ''
report admin assessment --year 2024
it_assert_eq "0.7142/false/0,1.0000/true/10" \
  "$(row 360821 enrollment_rate meets_target points),$(row 360825 enrollment_rate meets_target points)" \
  "assessment 2024"
report admin assessment --from 2024 --to 2025
it_assert_eq "0.8571/false/0,0.8333/false/0" \
  "$(row 360821 enrollment_rate meets_target points),$(row 360825 enrollment_rate meets_target points)" \
  "assessment 2024-2025"
as admin 0 "$AIXIN_CLI" report assessment --year 2025 --format csv
it_assert_eq "360821,吉安县,county,7,7,1.0000,true,10,10,4.0000" "$(csv_line 360821)" "CSV: booleans as true/false"
it_assert_eq "360822,吉水县,county,0,0,,false,0,0,0.0000" "$(csv_line 360822)" "CSV: assessment with a null rate"

# --- funding -------------------------------------------------------------------------------------
# Owed (fen): policies x split.
#   2024 指阳乡 5: premium 15000 city 1000 county 5000 township 9000
#        敦厚镇 1: 3000 / 200 / 1000 / 1800      吉安县: 18000 / 1200 / 6000 / 10800
#        藤田镇 2: 6000 / 400 / 1200 / 4400      吉安市: 24000 / 1600 / 7200 / 15200
#   2025 指阳乡 6: 18000 / 3000 / 7200 / 7800    敦厚镇 2: 6000 / 1000 / 2400 / 2600
#        吉安县: 24000 / 4000 / 9600 / 10400     藤田镇 3: 9000 / 1500 / 2400 / 5100
#        吉安市: 33000 / 5500 / 12000 / 15500
# Paid: lump payments divided among the payer's townships in proportion to
# what each owes the payer that year, floors first, the fen left over to
# the largest remainders.
#   city 2024 1001 over city owed 1000/200/400 (of 1600):
#        指阳乡 1001000/1600 = 625 r 1000, 敦厚镇 200200/1600 = 125 r 200,
#        藤田镇 400400/1600 = 250 r 400; 1 fen left -> 指阳乡: 626/125/250
#   county 360821 2024 5000 over county owed 5000/1000 (of 6000):
#        指阳乡 4166 r 4000, 敦厚镇 833 r 2000; 1 left -> 指阳乡: 4167/833
#   county 360825 2024 1500: all to 藤田镇 (owes 1200: overpaid)
#   township 指阳乡 2024 6000: its own
#   city 2025 2000 over 3000/1000/1500 (of 5500): 指阳乡 1090 r 5000,
#        敦厚镇 363 r 3500, 藤田镇 545 r 2500; 2 left -> 1091/364/545
# outstanding = premium - everything paid:
#   2024 指阳乡 15000-626-4167-6000 = 4207; 敦厚镇 3000-125-833 = 2042;
#        吉安县 18000-751-5000-6000 = 6249; 永丰县 6000-250-1500 = 4250;
#        吉安市 24000-1001-6500-6000 = 10499
#   2025 指阳乡 16909, 敦厚镇 5636, 吉安县 22545, 永丰县 8455, 吉安市 31000
F=(premium_fen city_owed_fen county_owed_fen township_owed_fen city_paid_fen county_paid_fen
   township_paid_fen outstanding_fen)
report admin funding --year 2024 --division 360821
it_assert_eq "18000/1200/6000/10800/751/5000/6000/6249" "$(row 360821 "${F[@]}")" "funding 2024 吉安县"
it_assert_eq "15000/1000/5000/9000/626/4167/6000/4207" "$(row 360821207 "${F[@]}")" \
  "funding 2024 指阳乡: largest remainders"
it_assert_eq "3000/200/1000/1800/125/833/0/2042" "$(row 360821100 "${F[@]}")" "funding 2024 敦厚镇"
parent_is_sum "funding 2024 吉安县"
same_as_sql funding 2024 2024 360821
report admin funding --year 2024
it_assert_eq "24000/1600/7200/15200/1001/6500/6000/10499" "$(row 360800 "${F[@]}")" "funding 2024 吉安市"
it_assert_eq "6000/400/1200/4400/250/1500/0/4250" "$(row 360825 "${F[@]}")" "funding 2024 永丰县 overpaid its share"
it_assert_eq "0/0/0/0/0/0/0/0" "$(row 360822 "${F[@]}")" "funding 2024 吉水县: nothing"
parent_is_sum "funding 2024 city"
report admin funding --year 2025
it_assert_eq "33000/5500/12000/15500/2000/0/0/31000" "$(row 360800 "${F[@]}")" "funding 2025 吉安市"
it_assert_eq "24000/4000/9600/10400/1455/0/0/22545" "$(row 360821 "${F[@]}")" "funding 2025 吉安县"
it_assert_eq "9000/1500/2400/5100/545/0/0/8455" "$(row 360825 "${F[@]}")" "funding 2025 永丰县"
parent_is_sum "funding 2025 city"
report admin funding --year 2025 --division 360821
it_assert_eq "1091/16909,364/5636" \
  "$(row 360821207 city_paid_fen outstanding_fen),$(row 360821100 city_paid_fen outstanding_fen)" \
  "funding 2025: the city's 20.00 divided 1091/364/545"
report admin funding --from 2024 --to 2025
it_assert_eq "57000/7100/19200/30700/3001/6500/6000/41499" "$(row 360800 "${F[@]}")" "funding 2024-2025 吉安市"
parent_is_sum "funding 2024-2025 city"
same_as_sql funding 2024 2025 ''
as admin 0 "$AIXIN_CLI" report funding --year 2024 --division 360821 --format csv
it_assert_eq "division,name,level,premium_fen,city_owed_fen,county_owed_fen,township_owed_fen,city_paid_fen,county_paid_fen,township_paid_fen,outstanding_fen" \
  "$(it_last_stdout | head -n1 | tr -d '\r')" "CSV funding header: money columns in fen"
it_assert_eq "360821207,指阳乡,township,15000,1000,5000,9000,626,4167,6000,4207" "$(csv_line 360821207)" \
  "CSV funding 指阳乡 in fen"
as admin 0 "$AIXIN_CLI" report funding --year 2024 --division 360821
it_assert_contains "$(it_last_stdout | head -n1)" "CITY OWED" "table: money titles without _fen"
it_assert_contains "$(it_last_stdout | grep 360821207)" "41.67" "table: money in yuan (4,167 fen)"

# --- claims ------------------------------------------------------------------------------------------
# filed / paid / paid_fen (insurers only) / premium / payout ratio /
# supplementary / households paid >= 500 yuan on one claim / >= 3,000 /
# households paid for a death:
#   2024 指阳乡 K1 K2 K3 K6: 4/3/1430000/15000/95.3333/200000/3 (A1 A2 A3)/2 (A2 A3)/1 (A3)
#        敦厚镇 K4 rejected: 1/0/0/3000/0.0000/0/0/0/0
#        吉安县 5/3/1430000/18000/79.4444/200000/3/2/1
#        永丰县 K5: 1/1/60000/6000/10.0000/0/1 (C1)/0/0
#        吉安市 6/4/1490000/24000/62.0833/200000/4/2/1
#   2025 指阳乡 K7 K8: 2/2/750000/18000/41.6667/0/2 (A1 A4)/1 (A4)/0
#        敦厚镇 K11 approved, unpaid: 1/0/0/6000/0.0000/0/0/0/0
#        吉安县 3/2/750000/24000/31.2500/0/2/1/0
#        永丰县 K9 K10: 2/1/1000000/9000/111.1111/0/1 (C2)/1/1 (C2)
#        吉安市 5/3/1750000/33000/53.0303/0/3/2/1
#   2024-2025, households counted once (A1 paid in both years):
#        指阳乡 6/5/2180000/33000/66.0606/200000/4/3/1
#        吉安县 8/5/2180000/42000/51.9047/200000/4/3/1
#        永丰县 3/2/1060000/15000/70.6666/0/2/1/1
#        吉安市 11/7/3240000/57000/56.8421/200000/6/4/2
C=(claims_filed claims_paid paid_fen premium_fen payout_ratio supplementary_fen
   households_single_payout_500 households_single_payout_3000 households_death_payout)
report admin claims --year 2024
it_assert_eq "6/4/1490000/24000/62.0833/200000/4/2/1" "$(row 360800 "${C[@]}")" "claims 2024 吉安市"
it_assert_eq "5/3/1430000/18000/79.4444/200000/3/2/1" "$(row 360821 "${C[@]}")" "claims 2024 吉安县"
it_assert_eq "1/1/60000/6000/10.0000/0/1/0/0" "$(row 360825 "${C[@]}")" "claims 2024 永丰县"
it_assert_eq "0/0/0/0/null/0/0/0/0" "$(row 360822 "${C[@]}")" "claims 2024 吉水县: no premium, ratio null"
parent_is_sum "claims 2024 city"
same_as_sql claims 2024 2024 ''
report admin claims --year 2024 --division 360821
it_assert_eq "4/3/1430000/15000/95.3333/200000/3/2/1" "$(row 360821207 "${C[@]}")" "claims 2024 指阳乡"
it_assert_eq "1/0/0/3000/0.0000/0/0/0/0" "$(row 360821100 "${C[@]}")" "claims 2024 敦厚镇: rejected"
parent_is_sum "claims 2024 吉安县"
report admin claims --year 2025
it_assert_eq "5/3/1750000/33000/53.0303/0/3/2/1" "$(row 360800 "${C[@]}")" "claims 2025 吉安市"
it_assert_eq "3/2/750000/24000/31.2500/0/2/1/0" "$(row 360821 "${C[@]}")" "claims 2025 吉安县"
it_assert_eq "2/1/1000000/9000/111.1111/0/1/1/1" "$(row 360825 "${C[@]}")" "claims 2025 永丰县"
parent_is_sum "claims 2025 city"
report admin claims --from 2024 --to 2025
it_assert_eq "11/7/3240000/57000/56.8421/200000/6/4/2" "$(row 360800 "${C[@]}")" "claims 2024-2025 吉安市"
it_assert_eq "8/5/2180000/42000/51.9047/200000/4/3/1" "$(row 360821 "${C[@]}")" \
  "claims 2024-2025 吉安县: a household paid in both years counts once"
it_assert_eq "3/2/1060000/15000/70.6666/0/2/1/1" "$(row 360825 "${C[@]}")" "claims 2024-2025 永丰县"
parent_is_sum "claims 2024-2025 city"
same_as_sql claims 2024 2025 ''
report admin claims --from 2024 --to 2025 --division 360821
it_assert_eq "6/5/2180000/33000/66.0606/200000/4/3/1" "$(row 360821207 "${C[@]}")" "claims 2024-2025 指阳乡"
parent_is_sum "claims 2024-2025 吉安县"
as admin 0 "$AIXIN_CLI" report claims --year 2024 --format csv
it_assert_eq "360821,吉安县,county,5,3,1430000,18000,79.4444,200000,3,2,1" "$(csv_line 360821)" "CSV claims 吉安县"
it_assert_eq "360822,吉水县,county,0,0,0,0,,0,0,0,0" "$(csv_line 360822)" "CSV claims: a null ratio is empty"

# --- service -----------------------------------------------------------------------------------------------
# Settled claims, and unsettled ones already overdue, count in the total
# of their class; on time = settled within the deadline.  K6 (no
# documents, no deadline) counts nowhere yet.
#   2024 指阳乡 same day K1 1/1; 7 days K2 on time, K3 late 2/1; home 1/1 (K3); visits 1 (K3)
#        敦厚镇 same day K4 rejected on time 1/1
#        永丰县 same day K5 paid late 1/0
#        吉安县 2/2, 2/1, 0/0, home 1/1, visits 1, overdue 0
#        吉安市 3/2, 2/1, 0/0, home 1/1, visits 1, overdue 0
#   2025 指阳乡 7 days K7 1/1; 15 days K8 1/0; home 1/1; visits 1
#        敦厚镇 7 days K11 overdue 1/0; overdue now 1
#        永丰县 7 days K9 1/1; same day K10 overdue 1/0; home 1/1 (K9); overdue now 1
#        吉安县 0/0, 2/1, 1/0, home 1/1, visits 1, overdue 1
#        吉安市 1/0, 3/2, 1/0, home 2/2, visits 1, overdue 2
S=(same_day_total same_day_on_time seven_day_total seven_day_on_time fifteen_day_total
   fifteen_day_on_time home_delivery_required home_delivery_done visits_done overdue_now)
report admin service --year 2024
it_assert_eq "3/2/2/1/0/0/1/1/1/0" "$(row 360800 "${S[@]}")" "service 2024 吉安市"
it_assert_eq "2/2/2/1/0/0/1/1/1/0" "$(row 360821 "${S[@]}")" "service 2024 吉安县"
it_assert_eq "1/0/0/0/0/0/0/0/0/0" "$(row 360825 "${S[@]}")" "service 2024 永丰县: paid late"
parent_is_sum "service 2024 city"
same_as_sql service 2024 2024 ''
report admin service --year 2025
it_assert_eq "1/0/3/2/1/0/2/2/1/2" "$(row 360800 "${S[@]}")" "service 2025 吉安市"
it_assert_eq "0/0/2/1/1/0/1/1/1/1" "$(row 360821 "${S[@]}")" "service 2025 吉安县"
it_assert_eq "1/0/1/1/0/0/1/1/0/1" "$(row 360825 "${S[@]}")" "service 2025 永丰县"
parent_is_sum "service 2025 city"
report admin service --year 2025 --division 360821
it_assert_eq "0/0/1/1/1/0/1/1/1/0" "$(row 360821207 "${S[@]}")" "service 2025 指阳乡"
it_assert_eq "0/0/1/0/0/0/0/0/0/1" "$(row 360821100 "${S[@]}")" "service 2025 敦厚镇: approved, unpaid, overdue"
parent_is_sum "service 2025 吉安县"
report admin service --from 2024 --to 2025
it_assert_eq "4/2/5/3/1/0/3/3/2/2" "$(row 360800 "${S[@]}")" "service 2024-2025 吉安市"
parent_is_sum "service 2024-2025 city"
same_as_sql service 2024 2025 ''
as admin 0 "$AIXIN_CLI" report service --year 2025 --format csv
it_assert_eq "division,name,level,same_day_total,same_day_on_time,seven_day_total,seven_day_on_time,fifteen_day_total,fifteen_day_on_time,home_delivery_required,home_delivery_done,visits_done,overdue_now" \
  "$(it_last_stdout | head -n1 | tr -d '\r')" "CSV service header"
it_assert_eq "360800,吉安市,city,1,0,3,2,1,0,2,2,1,2" "$(csv_line 360800)" "CSV service 吉安市"

# --- insurers -------------------------------------------------------------------------------------------------
#   2024 chinalife 6 policies 18000 paid 1430000 79.4444 share 6/8 0.7500
#        taikang   2 policies  6000 paid   60000 10.0000 share 2/8 0.2500
#   2025 chinalife 11 policies 33000 paid 1750000 53.0303 share 1.0000 (taikang has none)
#   2024-2025 chinalife 17 51000 3180000 62.3529 17/19 0.8947
#             taikang    2  6000   60000 10.0000  2/19 0.1052
I=(name policies premium_fen paid_fen payout_ratio share_of_policies)
report admin insurers --year 2024
it_assert_eq "chinalife,taikang" "$(codes)" "insurers 2024: by code"
it_assert_eq "中国人寿/6/18000/1430000/79.4444/0.7500" "$(row chinalife "${I[@]}")" "insurers 2024 chinalife"
it_assert_eq "$TAIKANG/2/6000/60000/10.0000/0.2500" "$(row taikang "${I[@]}")" "insurers 2024 taikang"
same_as_sql insurers 2024 2024 ''
report admin insurers --year 2025
it_assert_eq "chinalife" "$(codes)" "insurers 2025: only the insurer with policies"
it_assert_eq "中国人寿/11/33000/1750000/53.0303/1.0000" "$(row chinalife "${I[@]}")" "insurers 2025 chinalife"
report admin insurers --from 2024 --to 2025
it_assert_eq "中国人寿/17/51000/3180000/62.3529/0.8947" "$(row chinalife "${I[@]}")" "insurers 2024-2025 chinalife"
it_assert_eq "$TAIKANG/2/6000/60000/10.0000/0.1052" "$(row taikang "${I[@]}")" "insurers 2024-2025 taikang"
same_as_sql insurers 2024 2025 ''
as yongfeng_county 0 "$AIXIN_CLI" --format json report insurers --year 2024
it_assert_eq "taikang/2/1.0000" "$(codes)/$(row taikang policies share_of_policies)" \
  "insurers in 永丰县's own report"
as admin 0 "$AIXIN_CLI" report insurers --year 2024 --format csv
it_assert_eq "insurer,name,policies,premium_fen,paid_fen,payout_ratio,share_of_policies" \
  "$(it_last_stdout | head -n1 | tr -d '\r')" "CSV insurers header"
it_assert_eq 'taikang,"泰康人寿, ""泰康""",2,6000,60000,10.0000,0.2500' "$(csv_line taikang)" \
  "CSV: a name with a comma and quotes is quoted, its quotes doubled"

# --- scope -----------------------------------------------------------------------------------------------------
for kind in enrollment funding claims service; do
  report jian_county "$kind" --year 2025
  it_assert_eq "24/360821/0" \
    "$(json "SELECT concat_ws('/', count(*), min(r->>'division'),
             count(*) FILTER (WHERE r->>'division' NOT LIKE '360821%'))
             FROM json_array_elements(:'doc'::json) r")" \
    "a county clerk's $kind report: its county and its 23 townships"
  as jian_county 1 "$AIXIN_CLI" report "$kind" --year 2025 --division 360825
  it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a county clerk cannot see another county's $kind"
done
report jian_county claims --year 2025
it_assert_eq "3/2/750000/24000/31.2500/0/2/1/0" "$(row 360821 "${C[@]}")" "the county clerk's figures are the city's"
report jian_county assessment --year 2025
it_assert_eq "360821" "$(codes)" "a county clerk's assessment: its own county"
report jian_county enrollment --year 2025 --division 360821207
it_assert_eq "360821207" "$(codes)" "a county clerk's report of one of its townships: that township"
report zhiyang enrollment --year 2025
it_assert_eq "360821207:5/5/6/1.0000" "$(codes):$(row 360821207 "${E[@]}")" "a township clerk's report: its township"
as zhiyang 1 "$AIXIN_CLI" report enrollment --year 2025 --division 360821
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a township clerk cannot see its county"
as zhiyang 1 "$AIXIN_CLI" report assessment --year 2025
it_assert_contains "$(it_last_stderr)" "division_code" "the assessment is of counties"
report city_auditor enrollment --year 2025
it_assert_eq "11/10/11/0.9090" "$(row 360800 "${E[@]}")" "an auditor reads the city's report"
as cl_li 1 "$AIXIN_CLI" report claims --year 2025
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "adjusters get no reports"
as admin 1 "$AIXIN_CLI" report enrollment --year 2025 --division 360899
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "an unknown division"
as admin 1 "$AIXIN_CLI" report enrollment --year 1999
it_assert_contains "$(it_last_stderr)" "year" "a year outside 2000-2100"

# --- usage ---------------------------------------------------------------------------------------------------------
as admin 2 "$AIXIN_CLI" report
as admin 2 "$AIXIN_CLI" report payroll --year 2025
as admin 2 "$AIXIN_CLI" report enrollment
as admin 2 "$AIXIN_CLI" report enrollment --year 2025 --from 2024 --to 2025
as admin 2 "$AIXIN_CLI" report enrollment --from 2024
as admin 2 "$AIXIN_CLI" report enrollment --year 2025 --format xml
as admin 1 "$AIXIN_CLI" report enrollment --from 2025 --to 2024
it_assert_contains "$(it_last_stderr)" "year_to" "a range that ends before it starts"
as admin 1 "$AIXIN_CLI" report enrollment --year 2025 --division 3608
as admin 2 "$AIXIN_CLI" --format csv divisions
as admin 0 "$AIXIN_CLI" report --help
it_assert_contains "$(it_last_stdout)" "assessment" "report --help lists the kinds"

# --- HTML and --output -------------------------------------------------------------------------------------------
as admin 0 "$AIXIN_CLI" report enrollment --year 2025 --format html --output -
it_assert_contains "$(it_last_stdout | head -n1)" "<!DOCTYPE html>" "html to standard output"
it_assert_contains "$(it_last_stdout)" "吉安市" "the page names the division"
(cd "$IT_TMP" && as admin 0 "$AIXIN_CLI" --format html report enrollment --from 2024 --to 2025)
[[ -s $IT_TMP/report-enrollment-2024-2025.html ]] \
  || it_fail "html without --output: report-enrollment-2024-2025.html in the current directory"
it_pass "html without --output writes report-KIND-YEARS.html"
it_assert_contains "$(it_last_stdout)" "report-enrollment-2024-2025.html" "the file written is named"
page=$(cat "$IT_TMP/report-enrollment-2024-2025.html")
it_assert_eq "0" "$(grep -c -i -E 'https?:|<script|<link|@import|url\(' <<<"$page" || true)" \
  "the page loads nothing: no URL, script, link or import"
it_assert_contains "$page" "<svg" "the page draws its charts inline"
it_assert_contains "$page" "Trend 2024" "a range has a trend"
as admin 0 "$AIXIN_CLI" report funding --year 2024 --format json --output "$IT_TMP/funding.json"
it_assert_eq "10499" \
  "$(it_psql -v doc="$(cat "$IT_TMP/funding.json")" <<<"SELECT r->>'outstanding_fen' FROM json_array_elements(:'doc'::json) r WHERE r->>'division' = '360800'")" \
  "--output FILE writes the JSON there"
as admin 3 "$AIXIN_CLI" report funding --year 2024 --output "$IT_TMP/no-such-dir/funding.txt"
it_assert_contains "$(it_last_stderr)" "cannot write" "an output file that cannot be written"

it_stop_daemon
