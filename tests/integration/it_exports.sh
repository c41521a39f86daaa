#!/usr/bin/env bash
# aixin export policies|claims through the real client, daemon and
# PostgreSQL: a 2024 programme built with the client (two counties, two
# insurers, a two-daughter household with two guardians, claims paid,
# rejected, pending, supplemented, with odd fen), exported as CSV and FHIR.
# Checked: the counts and money sums of every export equal SQL over the
# tables, to the fen; the server pages (small pages, and a 1,500-policy
# year in pages of 500, seen in the audit log); an adjuster exports only
# its insurer's records and is refused another insurer (PERMISSION_DENIED,
# audited, no file left); a township clerk only its township; ID numbers
# whole for offices, masked for adjusters and auditors; GB18030 CSV with
# Chinese headers reads back as the UTF-8 one; the FHIR Bundles pass an R4
# validator from the npm registry (package `fhir`, installed into the build
# directory), and a Bundle with one broken resource or a dangling
# reference fails it. Only when npm cannot reach its registry is the FHIR
# validation skipped, with a message saying so.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PY=/usr/bin/python3
PW=exports-password-1

it_create_db
it_start_daemon

# as USER CODE ARGS...: run the client as USER (its session saved once).
as() {
  local user=$1 password=$PW session=$IT_TMP/session-$1
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  if [[ ! -s $session ]]; then
    AIXIN_SESSION_FILE=$session AIXIN_USER=$user AIXIN_PASSWORD=$password \
      "$AIXIN_CLI" login >/dev/null 2>&1 </dev/null || it_fail "login as $user"
  fi
  AIXIN_SESSION_FILE=$session AIXIN_USER='' AIXIN_PASSWORD='' LC_ALL=C LANGUAGE= \
    it_expect_exit "$@"
}
cli() { as admin "$@"; }
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
field() { json "SELECT :'doc'::json->>'$1'"; }
sql() { it_psql -c "$1"; }
# csv_stats FILE ENCODING: "rows;sum of each *_yuan column (exact
# decimals);the distinct values of insurer_code;whether every ID column
# is masked (all/none/mixed)" of an export CSV (header row of keys).
csv_stats() {
  "$PY" - "$1" "${2:-utf-8}" <<'PY'
import csv, decimal, re, sys
with open(sys.argv[1], encoding=sys.argv[2], newline='') as f:
    rows = list(csv.DictReader(f))
sums = {}
for r in rows:
    for k, v in r.items():
        if k.endswith('_yuan') and v != '':
            if not re.fullmatch(r'-?\d+\.\d\d', v):
                sys.exit('not yuan with 2 decimals: %s=%r' % (k, v))
            sums[k] = sums.get(k, decimal.Decimal('0.00')) + decimal.Decimal(v)
ids = [v for r in rows for k, v in r.items() if k.endswith('id_number') and v]
masked = [bool(re.fullmatch(r'\d{6}\*{8}[\dX]{4}', v)) for v in ids]
whole = [bool(re.fullmatch(r'\d{17}[\dX]', v)) for v in ids]
state = 'all' if ids and all(masked) else 'none' if ids and all(whole) else 'mixed'
print('%d;%s;%s;%s' % (len(rows), ','.join('%s=%s' % (k, sums[k]) for k in sorted(sums)),
      ','.join(sorted({r.get('insurer_code', '') for r in rows})), state))
PY
}
yuan() { sql "SELECT to_char(coalesce($1, 0) / 100.0, 'FM9999999990.00')"; }
audit_count() { sql "SELECT count(*) FROM aixin.audit_log WHERE action = '$1'"; }
# policy_sums YEAR: the *_yuan sums csv_stats prints, from SQL.
policy_sums() {
  local w="FROM aixin.policies WHERE policy_year = $1"
  printf 'city_share_yuan=%s,county_share_yuan=%s,premium_yuan=%s,township_share_yuan=%s' \
    "$(yuan "(SELECT sum(city_share_fen) $w)")" "$(yuan "(SELECT sum(county_share_fen) $w)")" \
    "$(yuan "(SELECT sum(premium_fen) $w)")" "$(yuan "(SELECT sum(township_share_fen) $w)")"
}

# --- the programme --------------------------------------------------------------
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" insurer add --code taikang --name '泰康人寿, "泰康"'
caps=(--benefit illness=10000.00 --benefit accident_injury=5000.00 --benefit disability=10000.00
      --benefit child_death=10000.00 --benefit guardian_death=10000.00)
cli 0 "$AIXIN_CLI" year open --year 2024 --reference-date 2024-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 "${caps[@]}"
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2024 --county-share 10.33 --insurer chinalife
cli 0 "$AIXIN_CLI" terms set --county 360825 --year 2024 --county-share 6.00 --insurer taikang
for spec in zhiyang:township_clerk:360821207 tengtian:township_clerk:360825105 \
            jian_county:county_clerk:360821 city_auditor:auditor:360800; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username tk_zhao \
  --role insurer_adjuster --insurer taikang --division 360800

# household USER TOWNSHIP SEQ KIND NAME [DAUGHTERS]: one child (two
# daughters and two guardians with DAUGHTERS=2), enrolled for 2024; the
# children's ID numbers in $kid1 (and $kid2).
household() {
  local user=$1 township=$2 seq=$3 kind=$4 name=$5 daughters=${6:-1} id g=()
  g=(--guardian "$("$MAKE_ID" "${township:0:6}" 19900101 "$seq" M):${name}父")
  [[ $daughters != 2 ]] ||
    g+=(--guardian "$("$MAKE_ID" "${township:0:6}" 19910202 "$seq" F):${name}母")
  as "$user" 0 "$AIXIN_CLI" --format json household register --township "$township" \
    --kind "$kind" --certificate "EX-$township-$seq" "${g[@]}"
  id=$(field id)
  kid1=$("$MAKE_ID" "${township:0:6}" 20230301 "$seq" F)
  as "$user" 0 "$AIXIN_CLI" household add-child --household "$id" --id-number "$kid1" --name "${name}一"
  as "$user" 0 "$AIXIN_CLI" enroll --child "$kid1" --year 2024
  kid2=
  if [[ $daughters == 2 ]]; then
    kid2=$("$MAKE_ID" "${township:0:6}" 20230915 "$seq" F)
    as "$user" 0 "$AIXIN_CLI" household add-child --household "$id" --id-number "$kid2" --name "${name}二"
    as "$user" 0 "$AIXIN_CLI" enroll --child "$kid2" --year 2024
  fi
}
household zhiyang 360821207 110 only_child 刘甲; A1=$kid1
household zhiyang 360821207 120 only_child 刘乙; A2=$kid1
household zhiyang 360821207 130 only_child 刘丙; A3=$kid1
household zhiyang 360821207 140 only_child 刘丁
household zhiyang 360821207 150 two_daughters 刘戊 2; A5a=$kid1
household tengtian 360825105 310 only_child 陈甲; C1=$kid1
household tengtian 360825105 320 only_child 陈乙

claim() {
  local user=$1
  shift
  as "$user" 0 "$AIXIN_CLI" --format json claim "$@"
  if [[ $1 == file ]]; then claim=$(field id); fi
}
# Paid 800.00; paid 10,000.00 at home with two supplements; rejected;
# pending; taikang's paid 600.00; an accident paid 1,234.56.
claim zhiyang file --child "$A1" --year 2024 --event illness --incident-date 2024-03-05 \
  --amount 800.00 --documents-complete --received-on 2024-03-10
claim cl_li approve --claim "$claim" --amount 800.00 --decided-on 2024-03-10
claim cl_li pay --claim "$claim" --amount 800.00 --method bank_transfer --paid-on 2024-03-10
claim zhiyang file --child "$A2" --year 2024 --event child_death --incident-date 2024-04-30 \
  --amount 10000.00 --documents-complete --received-on 2024-05-02
claim cl_li approve --claim "$claim" --amount 10000.00 --decided-on 2024-05-06
claim cl_li pay --claim "$claim" --amount 10000.00 --method cash --delivered-home --paid-on 2024-05-12
claim admin supplement --claim "$claim" --amount 2000.00 --reference SZ-2024-01 --paid-on 2024-06-10
claim admin supplement --claim "$claim" --amount 500.01 --reference SZ-2024-02 --paid-on 2024-07-01
claim zhiyang file --child "$A3" --year 2024 --event illness --incident-date 2024-05-28 \
  --amount 300.00 --documents-complete --received-on 2024-06-01
claim cl_li reject --claim "$claim" --reason '门诊费用, 不在"保障"范围' --decided-on 2024-06-01
claim zhiyang file --child "$A1" --year 2024 --event illness --incident-date 2024-07-20 \
  --amount 400.00 --document 住院发票 --received-on 2024-08-01
claim tengtian file --child "$C1" --year 2024 --event illness --incident-date 2024-06-25 \
  --amount 600.00 --documents-complete --received-on 2024-07-01
claim tk_zhao approve --claim "$claim" --amount 600.00 --decided-on 2024-07-03
claim tk_zhao pay --claim "$claim" --amount 600.00 --method cash --paid-on 2024-07-03
claim zhiyang file --child "$A5a" --year 2024 --event accident_injury --incident-date 2024-08-02 \
  --amount 1234.56 --documents-complete --received-on 2024-08-05
claim cl_li approve --claim "$claim" --amount 1234.56 --decided-on 2024-08-06
claim cl_li pay --claim "$claim" --amount 1234.56 --method bank_transfer --paid-on 2024-08-07
it_assert_eq "8/6" "$(sql "SELECT (SELECT count(*) FROM aixin.policies WHERE policy_year = 2024)
                              || '/' || (SELECT count(*) FROM aixin.claims)")" "8 policies, 6 claims"

# --- policies as CSV, in pages of 3 ---------------------------------------------------
pages_before=$(audit_count export.policies)
cli 0 "$AIXIN_CLI" export policies --year 2024 --format csv --page-size 3 \
  --output "$IT_TMP/policies.csv"
it_assert_contains "$(it_last_stdout)" "8 records written to $IT_TMP/policies.csv" "the summary line"
it_assert_eq 3 "$(($(audit_count export.policies) - pages_before))" \
  "8 policies in pages of 3: three pages, each audited"
expected="8;$(policy_sums 2024);chinalife,taikang;none"
it_assert_eq "$expected" "$(csv_stats "$IT_TMP/policies.csv")" \
  "policy CSV: count and sums equal SQL, whole ID numbers for the city admin"
it_assert_eq "policy_id,policy_year,county_code,county_name,township_code,township_name,household_id,household_kind,child_id_number,child_name,child_sex,child_birth_date,guardian1_id_number,guardian1_name,guardian2_id_number,guardian2_name,insurer_code,insurer_name,premium_yuan,city_share_yuan,county_share_yuan,township_share_yuan,enrolled_on" \
  "$(head -n 1 "$IT_TMP/policies.csv" | tr -d '\r')" "the documented policy columns"
it_assert_contains "$(cat "$IT_TMP/policies.csv")" '"泰康人寿, ""泰康"""' "CSV quotes a name with a comma and quotes"
it_assert_contains "$(grep -a "$A5a" "$IT_TMP/policies.csv")" "刘戊母" "the second guardian"
it_assert_contains "$(grep -a "$A1" "$IT_TMP/policies.csv")" ",30.00,2.00,10.33,17.67," \
  "premium and shares in yuan with two decimals"
[[ $(tr -d '\r' <"$IT_TMP/policies.csv" | grep -c '\(^\|,\)[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}$') == 8 ]] ||
  it_fail "enrolled_on is an ISO date on every row"

# --- claims as CSV, in pages of 2 ---------------------------------------------------------
cli 0 "$AIXIN_CLI" export claims --year 2024 --format csv --page-size 2 --output "$IT_TMP/claims.csv"
where="FROM aixin.claims c WHERE c.policy_year = 2024"
supp="(SELECT sum(s.amount_fen) FROM aixin.supplementary_payouts s JOIN aixin.claims c ON c.id = s.claim_id WHERE c.policy_year = 2024)"
expected="6;approved_yuan=$(yuan "(SELECT sum(approved_fen) $where)")"
expected+=",claimed_yuan=$(yuan "(SELECT sum(amount_claimed_fen) $where)")"
expected+=",paid_yuan=$(yuan "(SELECT sum(paid_fen) $where)")"
expected+=",supplementary_yuan=$(yuan "$supp")"
expected+=",total_paid_yuan=$(yuan "(SELECT sum(paid_fen) $where) + $supp")"
expected+=";chinalife,taikang;none"
it_assert_eq "$expected" "$(csv_stats "$IT_TMP/claims.csv")" \
  "claim CSV: count, claimed, approved, paid and supplementary sums equal SQL"
it_assert_contains "$(grep -a ',child_death,' "$IT_TMP/claims.csv")" \
  ",10000.00,2024-05-12,cash,true,2500.01,2,2024-07-01,12500.01" "a claim row carries its payouts"
it_assert_contains "$(cat "$IT_TMP/claims.csv")" '"门诊费用, 不在""保障""范围"' "the rejection reason, quoted"

# --- an adjuster: its own insurer only, ID numbers masked -------------------------------
as cl_li 0 "$AIXIN_CLI" export policies --year 2024 --format csv --output "$IT_TMP/cl-policies.csv"
ins="(SELECT id FROM aixin.insurers WHERE code = 'chinalife')"
it_assert_eq "$(sql "SELECT count(*) FROM aixin.policies WHERE policy_year = 2024 AND insurer_id = $ins")" \
  "$(csv_stats "$IT_TMP/cl-policies.csv" | cut -d';' -f1)" "the adjuster's policy count equals SQL for its insurer"
it_assert_eq "chinalife;all" "$(csv_stats "$IT_TMP/cl-policies.csv" | cut -d';' -f3-)" \
  "the adjuster sees its insurer only, ID numbers masked"
as cl_li 0 "$AIXIN_CLI" export claims --year 2024 --format csv --output "$IT_TMP/cl-claims.csv"
it_assert_eq "$(sql "SELECT count(*) $where AND c.insurer_id = $ins")/$(yuan "(SELECT sum(paid_fen) $where AND c.insurer_id = $ins)")" \
  "$("$PY" -c "import csv,decimal,sys; r=list(csv.DictReader(open(sys.argv[1], newline=''))); print('%d/%s' % (len(r), sum(decimal.Decimal(x['paid_yuan']) for x in r if x['paid_yuan'])))" "$IT_TMP/cl-claims.csv")" \
  "the adjuster's claims and payments equal SQL for its insurer"
refusals_before=$(sql "SELECT count(*) FROM aixin.audit_log a JOIN aixin.accounts u ON u.id = a.account_id
                       WHERE u.username = 'cl_li' AND a.action LIKE 'refused.%'")
as cl_li 1 "$AIXIN_CLI" export claims --year 2024 --insurer taikang --format csv \
  --output "$IT_TMP/refused.csv"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "another insurer's export is refused"
[[ ! -e $IT_TMP/refused.csv && ! -e $IT_TMP/refused.csv.partial ]] || it_fail "a refused export leaves no file"
it_pass "a refused export leaves no file"
it_assert_eq "$((refusals_before + 1))" \
  "$(sql "SELECT count(*) FROM aixin.audit_log a JOIN aixin.accounts u ON u.id = a.account_id
          WHERE u.username = 'cl_li' AND a.action LIKE 'refused.%'")" "the refusal is in the audit log"
as cl_li 0 "$AIXIN_CLI" export claims --year 2024 --insurer chinalife --format csv
it_assert_eq "chinalife" "$(it_last_stdout | "$PY" -c "import csv,sys; print(','.join(sorted({r['insurer_code'] for r in csv.DictReader(sys.stdin)})))")" \
  "naming its own insurer is fine (standard output)"

# --- offices and auditors ---------------------------------------------------------------
as tengtian 0 "$AIXIN_CLI" export policies --year 2024 --format csv --output "$IT_TMP/tt.csv"
it_assert_eq "2;taikang;none" "$(csv_stats "$IT_TMP/tt.csv" | cut -d';' -f1,3-)" \
  "a township clerk exports its township, with whole ID numbers"
as tengtian 1 "$AIXIN_CLI" export policies --year 2024 --division 360821 --format csv
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "another county is refused"
as city_auditor 0 "$AIXIN_CLI" export policies --year 2024 --format csv --output "$IT_TMP/aud.csv"
it_assert_eq "8;all" "$(csv_stats "$IT_TMP/aud.csv" | cut -d';' -f1,4)" "an auditor reads masked ID numbers"
it_assert_eq "0" "$(sql "SELECT count(*) FROM aixin.audit_log WHERE detail::text ~ '$A1'")" \
  "no whole ID number in the audit log"

# --- GB18030 with Chinese headers ---------------------------------------------------------
AIXIN_SESSION_FILE=$IT_TMP/session-jian_county AIXIN_USER=jian_county AIXIN_PASSWORD=$PW \
  "$AIXIN_CLI" login >/dev/null 2>&1 </dev/null || it_fail "login as jian_county"
AIXIN_SESSION_FILE=$IT_TMP/session-jian_county AIXIN_USER='' AIXIN_PASSWORD='' \
  LC_ALL=zh_CN.UTF-8 LANGUAGE= it_expect_exit 0 "$AIXIN_CLI" export policies --year 2024 \
  --format csv --encoding gb18030 --output "$IT_TMP/gb.csv"
AIXIN_SESSION_FILE=$IT_TMP/session-jian_county AIXIN_USER='' AIXIN_PASSWORD='' \
  LC_ALL=zh_CN.UTF-8 LANGUAGE= it_expect_exit 0 "$AIXIN_CLI" export policies --year 2024 \
  --format csv --output "$IT_TMP/zh.csv"
if iconv -f UTF-8 -t UTF-8 "$IT_TMP/gb.csv" >/dev/null 2>&1; then
  it_fail "the GB18030 file is not UTF-8"
fi
it_assert_eq "$(sha256sum <"$IT_TMP/zh.csv")" "$(iconv -f GB18030 -t UTF-8 "$IT_TMP/gb.csv" | sha256sum)" \
  "the GB18030 file reads back as the UTF-8 one"
it_assert_contains "$(head -n 1 "$IT_TMP/zh.csv")" "保单号,保单年度,县代码" "Chinese headers under zh_CN"
it_assert_eq "6" "$("$PY" -c "import csv,sys; print(len(list(csv.reader(open(sys.argv[1], encoding='gb18030', newline=''))))-1)" "$IT_TMP/gb.csv")" \
  "the county clerk's 6 policies, read as GB18030"

# --- a large year, in pages of 500 --------------------------------------------------------
cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 "${caps[@]}"
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife
cli 0 "$AIXIN_CLI" terms set --county 360824 --year 2027 --county-share 7.00 --insurer taikang
enrollments_csv 1500 "$IT_TMP/big.csv"
cli 0 "$AIXIN_CLI" import enrollments "$IT_TMP/big.csv"
big=$(sql "SELECT count(*) FROM aixin.policies WHERE policy_year = 2027")
pages_before=$(audit_count export.policies)
cli 0 "$AIXIN_CLI" export policies --year 2027 --format csv --output "$IT_TMP/big-export.csv"
pages=$(($(audit_count export.policies) - pages_before))
it_assert_eq "$(( (big + 499) / 500 + (big % 500 == 0 ? 1 : 0) ))" "$pages" "$big policies in pages of 500"
it_assert_eq "$big;$(policy_sums 2027);chinalife,taikang;none" "$(csv_stats "$IT_TMP/big-export.csv")" \
  "the large year: count and every sum equal SQL"

# --- FHIR ----------------------------------------------------------------------------------
cli 0 "$AIXIN_CLI" export policies --year 2024 --format fhir --page-size 3 --output "$IT_TMP/policies.json"
cli 0 "$AIXIN_CLI" export claims --year 2024 --format fhir --page-size 2 --output "$IT_TMP/claims.json"
NPM_DIR=$AIXIN_BIN_DIR/fhir-validator
command -v npm >/dev/null && command -v node >/dev/null ||
  it_fail "node and npm are missing (tests/run installs them: AIXIN_TEST_PACKAGES)"
if [[ ! -d $NPM_DIR/node_modules/fhir ]]; then
  mkdir -p "$NPM_DIR"
  if ! npm install --prefix "$NPM_DIR" --no-audit --no-fund --silent fhir@4.12.0 >"$IT_TMP/npm.log" 2>&1; then
    if ! npm ping >>"$IT_TMP/npm.log" 2>&1; then
      it_log "SKIP FHIR validation: npm cannot reach its registry to install the validator (npm ping failed)"
      exit 0
    fi
    cat "$IT_TMP/npm.log"
    it_fail "npm install fhir (the registry answers, the install failed)"
  fi
fi
validate() { NODE_PATH=$NPM_DIR/node_modules node "$AIXIN_SOURCE_DIR/tests/integration/fhir_validate.js" "$1"; }
vjson() { it_psql -v doc="$1" <<<"SELECT $2 FROM (SELECT :'doc'::json AS d) x"; }

out=$(validate "$IT_TMP/policies.json") || { echo "$out"; it_fail "the policy Bundle is valid FHIR R4"; }
it_pass "the policy Bundle is valid FHIR R4 (fhir validator)"
it_assert_eq "8/8/10/2" "$(vjson "$out" "concat_ws('/', d->'counts'->>'Coverage', d->'counts'->>'Patient',
                                           d->'counts'->>'RelatedPerson', d->'counts'->>'Organization')")" \
  "a Coverage and a Patient per policy, a RelatedPerson per guardian of each child, an Organization per insurer"
out=$(validate "$IT_TMP/claims.json") || { echo "$out"; it_fail "the claim Bundle is valid FHIR R4"; }
it_pass "the claim Bundle is valid FHIR R4 (fhir validator)"
it_assert_eq "6/6/$(sql "SELECT sum(paid_fen) $where")/$(sql "SELECT sum(approved_fen) $where")/$(sql "SELECT sum(amount_fen) FROM aixin.supplementary_payouts")" \
  "$(vjson "$out" "concat_ws('/', d->'counts'->>'Claim', d->'counts'->>'ClaimResponse', d->>'payment_fen',
                            d->>'benefit_fen', d->>'supplementary_fen')")" \
  "a Claim and a ClaimResponse per claim; payments, benefits and supplements equal SQL"
grep -q '"currency":"CNY"' "$IT_TMP/claims.json" || it_fail "money is CNY"
as cl_li 0 "$AIXIN_CLI" export claims --year 2024 --format fhir --output "$IT_TMP/cl-claims.json"
out=$(validate "$IT_TMP/cl-claims.json") || { echo "$out"; it_fail "the adjuster's claim Bundle is valid FHIR R4"; }
it_assert_eq "$(sql "SELECT count(*) $where AND c.insurer_id = $ins")/2" \
  "$(vjson "$out" "concat_ws('/', d->'counts'->>'Claim', d->'counts'->>'Organization' )")" \
  "the adjuster's Bundle: its insurer's claims, one insurer (and one township office)"
if grep -q -e "$A1" -e '"urn:aixin:resident-id"' "$IT_TMP/cl-claims.json"; then
  it_fail "the adjuster's Bundle has whole ID numbers"
fi
it_assert_contains "$(cat "$IT_TMP/cl-claims.json")" '"system":"urn:aixin:resident-id-masked","value":"360821********' \
  "the adjuster's Bundle carries masked ID numbers, under their own system"
cli 0 "$AIXIN_CLI" export policies --year 2024 --format fhir --output "$IT_TMP/policies-again.json"
it_assert_eq "$(grep -o 'urn:uuid:[0-9a-f-]*' "$IT_TMP/policies.json" | sort -u | sha256sum)" \
  "$(grep -o 'urn:uuid:[0-9a-f-]*' "$IT_TMP/policies-again.json" | sort -u | sha256sum)" \
  "entry identities are stable from one export to the next"

# One broken resource, then one dangling reference: the validation fails.
"$PY" - "$IT_TMP/policies.json" "$IT_TMP/broken.json" "$IT_TMP/dangling.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding='utf-8'))
cov = next(e['resource'] for e in b['entry'] if e['resource']['resourceType'] == 'Coverage')
del cov['beneficiary']
json.dump(b, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
b = json.load(open(sys.argv[1], encoding='utf-8'))
cov = next(e['resource'] for e in b['entry'] if e['resource']['resourceType'] == 'Coverage')
cov['payor'][0]['reference'] = 'urn:uuid:00000000-0000-8000-8000-000000000000'
json.dump(b, open(sys.argv[3], 'w', encoding='utf-8'), ensure_ascii=False)
PY
if out=$(validate "$IT_TMP/broken.json"); then it_fail "a Coverage without its beneficiary passes"; fi
it_assert_contains "$out" "Coverage.beneficiary" "a Coverage without its beneficiary fails validation"
if out=$(validate "$IT_TMP/dangling.json"); then it_fail "a dangling reference passes"; fi
it_assert_contains "$out" "is not in the Bundle" "a reference outside the Bundle fails validation"
