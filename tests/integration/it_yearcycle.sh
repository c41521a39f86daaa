#!/usr/bin/env bash
# The programme's year through the real client, daemon and PostgreSQL:
# closing a policy year (city admin only; never with open claims; before
# the end of its claims window only forced, with a reason), every write of
# a closed year refused through the client and through SQL, the reports of
# a closed year unchanged byte for byte and saying the year is closed,
# reopening with a reason, the history and audit rows; and renewal (续保):
# what is missing in the target year, scope, dry run, aged-out children,
# refusals of the bulk path, idempotency, each re-checked in SQL.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=clerk-password-1

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() {
  it_psql -v doc="$(it_last_stdout)" <<<"$1"
}
field() {
  local expr="" f
  for f in "$@"; do expr+="${expr:+ || '/' || }coalesce(d->>'$f', '')"; done
  json "SELECT $expr FROM (SELECT :'doc'::json AS d) x"
}
sql() { it_psql -c "$1"; }
# sql_refused SQL: the statement fails in the database itself, naming the
# closed year.
sql_refused() {
  local out
  if out=$(it_psql -c "$1" 2>&1); then
    it_fail "SQL accepted on a closed year: $1"
  fi
  it_assert_contains "$out" "policy year 2025 is closed" "SQL refused: $1"
}

# --- accounts, insurer, years, terms ---------------------------------------------
for spec in zhiyang:township_clerk:360821207 dunhou:township_clerk:360821100 \
            jian_county:county_clerk:360821; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
AIXIN_NEW_PASSWORD=$PW cli 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800 --supervisor
for y in 2025 2026; do
  cli 0 "$AIXIN_CLI" year open --year $y --reference-date $y-01-01 --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=20000.00
done
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2025 --county-share 10.00 --insurer chinalife

# --- households of 2025 -------------------------------------------------------------
# household USER TOWNSHIP SEQ KIND NAME BORN: one child born BORN
# (YYYYMMDD), its ID left in $kid.
household() {
  local user=$1 township=$2 seq=$3 kind=$4 name=$5 born=$6 guardian id
  guardian=$("$MAKE_ID" "${township:0:6}" 19900101 "$seq" M)
  as "$user" 0 "$AIXIN_CLI" --format json household register --township "$township" \
    --kind "$kind" --certificate "YC-$township-$seq" --guardian "$guardian:${name}父"
  id=$(field id)
  kid=$("$MAKE_ID" "${township:0:6}" "$born" "$seq" F)
  as "$user" 0 "$AIXIN_CLI" household add-child --household "$id" --id-number "$kid" \
    --name "$name"
}
# 指阳乡: K1 6 on 2026-01-01 (renewed), K2 7 on 2026-01-01 (aged out), K3
# born 2024. 敦厚镇: K4.
household zhiyang 360821207 110 only_child 刘甲 20190601; K1=$kid
household zhiyang 360821207 120 only_child 刘乙 20181201; K2=$kid
household zhiyang 360821207 130 two_daughters 刘丙 20240301; K3=$kid
household dunhou 360821100 210 only_child 王甲 20200101; K4=$kid
for k in "$K1" "$K2" "$K3"; do as zhiyang 0 "$AIXIN_CLI" enroll --child "$k" --year 2025; done
as dunhou 0 "$AIXIN_CLI" enroll --child "$K4" --year 2025
# K5: registered, not enrolled (for the refused enrollment).
household zhiyang 360821207 140 only_child 刘丁 20220101; K5=$kid

as zhiyang 0 "$AIXIN_CLI" census submit --township 360821207 --year 2025 --eligible 4
as admin 0 "$AIXIN_CLI" disbursement record --level city --division 360800 --year 2025 \
  --amount 8.00 --paid-on 2025-06-30 --reference SZ-2025-001

# Claims: K1 paid; K4 still open.
claim() {
  local user=$1 code=$2
  shift 2
  as "$user" "$code" "$AIXIN_CLI" --format json claim "$@"
  if [[ $1 == file && $code == 0 ]]; then claim=$(field id); fi
}
claim zhiyang 0 file --child "$K1" --year 2025 --event illness --incident-date 2025-03-05 \
  --amount 800.00 --documents-complete --received-on 2025-03-10
paid_claim=$claim
claim cl_li 0 approve --claim "$paid_claim" --amount 800.00 --decided-on 2025-03-10
claim cl_li 0 pay --claim "$paid_claim" --amount 800.00 --method bank_transfer --paid-on 2025-03-10
claim dunhou 0 file --child "$K4" --year 2025 --event illness --incident-date 2025-11-05 \
  --amount 300.00 --documents-complete --received-on 2025-11-10
open_claim=$claim

# --- closing: who, when ---------------------------------------------------------------
as zhiyang 1 "$AIXIN_CLI" year close --year 2025
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a township clerk cannot close a year"
as jian_county 1 "$AIXIN_CLI" year close --year 2025
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a county clerk cannot close a year"
cli 2 "$AIXIN_CLI" year close
cli 1 "$AIXIN_CLI" year close --year 2030
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "a year not opened cannot be closed"
cli 1 "$AIXIN_CLI" year close --year 2025
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "a year with an open claim is not closed"
it_assert_contains "$(it_last_stderr)" "1 open claims" "the refusal counts the open claims"
cli 1 "$AIXIN_CLI" year close --year 2025 --force --reason 试一试
it_assert_contains "$(it_last_stderr)" "open claims" "not even forced"
claim cl_li 0 reject --claim "$open_claim" --reason 门诊费用不在保障范围 --decided-on 2025-11-12

# 2026's claims window runs until 2027-03-31 (today is before it).
cli 1 "$AIXIN_CLI" year close --year 2026
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "closing before the claims window ends is refused"
it_assert_contains "$(it_last_stderr)" "2027-03-31" "the refusal names the end of the claims window"
cli 2 "$AIXIN_CLI" year close --year 2026 --force
it_assert_eq "0" "$(sql "SELECT count(*) FROM aixin.year_closures")" "nothing closed by the refusals"

# --- the reports before the close --------------------------------------------------------
kinds=(enrollment funding claims service insurers assessment)
report_all() {
  local dir=$1 k f
  mkdir -p "$dir"
  for k in "${kinds[@]}"; do
    for f in table csv json html; do
      as admin 0 "$AIXIN_CLI" report "$k" --year 2025 --format "$f" --output -
      # The page carries the time it was made; everything else is compared.
      if [[ $f == html ]]; then
        it_last_stdout | sed -E 's/[0-9]{2}:[0-9]{2}(:[0-9]{2})?//g' >"$dir/$k.$f"
      else
        it_last_stdout >"$dir/$k.$f"
      fi
    done
  done
}
report_all "$IT_TMP/before"

# --- close 2025 ---------------------------------------------------------------------------
cli 0 "$AIXIN_CLI" --format json year close --year 2025 --reason 年度结账
it_assert_eq "2025/true/2026-03-31" "$(field year closed claims_window_end)" "2025 closed"
it_assert_eq "close/admin/年度结账/false" \
  "$(json "SELECT concat_ws('/', h->>'action', h->>'username', h->>'reason', h->>'forced')
           FROM json_array_elements((:'doc'::json)->'closure_history') h")" "the close in the history"
it_assert_eq "close|admin|年度结账|f" \
  "$(sql "SELECT c.action, a.username, c.reason, c.forced FROM aixin.year_closures c
          JOIN aixin.accounts a ON a.id = c.account_id WHERE c.policy_year = 2025")" \
  "year_closures: who and why"
it_assert_eq "1|false|年度结账" \
  "$(sql "SELECT count(*), max(detail->>'forced'), max(detail->>'reason')
          FROM aixin.audit_log l JOIN aixin.accounts a ON a.id = l.account_id
          WHERE action = 'policy_year.close' AND target = 'policy_year:2025'
            AND a.username = 'admin'")" "the close is audited"
cli 1 "$AIXIN_CLI" year close --year 2025
it_assert_contains "$(it_last_stderr)" "already closed" "a closed year is not closed twice"
cli 0 "$AIXIN_CLI" --format json year show --year 2025
it_assert_eq "true/2026-03-31" "$(field closed claims_window_end)" "year show: closed"
cli 0 "$AIXIN_CLI" --format json year list
it_assert_eq "2026:false,2025:true" \
  "$(json "SELECT string_agg((y->>'year') || ':' || (y->>'closed'), ',' ORDER BY ord)
           FROM json_array_elements(:'doc'::json) WITH ORDINALITY AS t(y, ord)")" "year list: closed"

# --- every write of 2025 refused through the client -----------------------------------------
closed_refusal() {
  it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "$1: RULE_VIOLATION"
  it_assert_contains "$(it_last_stderr)" "policy year 2025 is closed" "$1: names the closed year"
}
as zhiyang 1 "$AIXIN_CLI" enroll --child "$K5" --year 2025
closed_refusal "enrollment"
claim zhiyang 1 file --child "$K3" --year 2025 --event illness --incident-date 2025-06-01 \
  --amount 100.00 --documents-complete --received-on 2025-06-02
closed_refusal "claim filing"
claim cl_li 1 visit --claim "$paid_claim" --visited-on 2025-04-01
closed_refusal "follow-up visit"
claim admin 1 supplement --claim "$paid_claim" --amount 100.00 --reference SZ-ZJ-X --paid-on 2025-04-01
closed_refusal "supplementary payout"
as admin 1 "$AIXIN_CLI" disbursement record --level city --division 360800 --year 2025 \
  --amount 1.00 --paid-on 2025-07-01 --reference SZ-2025-002
closed_refusal "disbursement"
as zhiyang 1 "$AIXIN_CLI" census submit --township 360821207 --year 2025 --eligible 5
closed_refusal "census"
cli 1 "$AIXIN_CLI" terms set --county 360822 --year 2025 --county-share 10.00 --insurer chinalife
closed_refusal "county terms"
cli 1 "$AIXIN_CLI" year update --year 2025 --reference-date 2025-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=20000.00 \
  --supplementary-budget 100.00
it_assert_contains "$(it_last_stderr)" "RULE_VIOLATION" "year terms: refused"

# ... and through SQL.
k3_policy=$(sql "SELECT p.id FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
                 WHERE c.id_number = '$K3' AND p.policy_year = 2025")
sql_refused "INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on,
             reference, recorded_by) VALUES ('city', '360800', 2025, 100, '2025-07-01', 'SQL-1', 1)"
sql_refused "INSERT INTO aixin.claims (policy_id, event, incident_date, amount_claimed_fen,
             received_on, filed_by) VALUES ($k3_policy, 'illness', '2025-06-01', 10000, '2025-06-02', 1)"
sql_refused "DELETE FROM aixin.policies WHERE id = $k3_policy"
sql_refused "INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
             premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id,
             enrolled_by)
             SELECT 2025, c.id, c.household_id, h.township_code, 3000, 200, 1000, 1800, 1, 1
               FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id
              WHERE c.id_number = '$K5'"
sql_refused "INSERT INTO aixin.claim_visits (claim_id, visited_on, recorded_by)
             VALUES ($paid_claim, '2025-04-02', 1)"
sql_refused "UPDATE aixin.policy_years SET supplementary_budget_fen = 100 WHERE year = 2025"
it_assert_eq "4|1|1" \
  "$(sql "SELECT (SELECT count(*) FROM aixin.policies WHERE policy_year = 2025),
                 (SELECT count(*) FROM aixin.disbursements WHERE policy_year = 2025),
                 (SELECT count(*) FROM aixin.census_submissions WHERE policy_year = 2025)")" \
  "nothing of 2025 was written"

# --- the reports: unchanged, and saying the year is closed ------------------------------------
report_all "$IT_TMP/closed"
for k in "${kinds[@]}"; do
  it_assert_eq "$(tr -d '\r' <"$IT_TMP/before/$k.csv" | head -n1),closed_years" \
    "$(tr -d '\r' <"$IT_TMP/closed/$k.csv" | head -n1)" "$k CSV: a closed_years column"
  it_assert_eq "$(tail -n +2 "$IT_TMP/before/$k.csv" | sed 's/\r$/,2025\r/' | md5sum)" \
    "$(tail -n +2 "$IT_TMP/closed/$k.csv" | md5sum)" "$k CSV: the figures as before the close"
  it_assert_contains "$(cat "$IT_TMP/closed/$k.table")" "2025" "$k table names the closed year"
  it_assert_eq "[2025]" \
    "$(it_psql -v doc="$(cat "$IT_TMP/closed/$k.json")" \
       <<<"SELECT DISTINCT (r->'closed_years')::text FROM json_array_elements(:'doc'::json) r")" \
    "$k JSON: closed_years on every row"
  it_assert_contains "$(cat "$IT_TMP/closed/$k.html")" 'class="closed"' "$k page says closed"
done
# Write attempts above changed nothing: a second run is the same, byte for byte.
report_all "$IT_TMP/after"
for k in "${kinds[@]}"; do
  for f in table csv json html; do
    cmp -s "$IT_TMP/closed/$k.$f" "$IT_TMP/after/$k.$f" ||
      it_fail "$k $f report changed after the refused writes"
  done
done
it_pass "every report of the closed year unchanged byte for byte"

# --- reopen -----------------------------------------------------------------------------------
as zhiyang 1 "$AIXIN_CLI" year reopen --year 2025 --reason 补录
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a clerk cannot reopen a year"
cli 2 "$AIXIN_CLI" year reopen --year 2025
cli 1 "$AIXIN_CLI" year reopen --year 2026 --reason 补录
it_assert_contains "$(it_last_stderr)" "not closed" "an open year is not reopened"
cli 0 "$AIXIN_CLI" --format json year reopen --year 2025 --reason 补录一户漏保儿童
it_assert_eq "false" "$(field closed)" "2025 reopened"
it_assert_eq "close,reopen" \
  "$(sql "SELECT string_agg(action, ',' ORDER BY id) FROM aixin.year_closures WHERE policy_year = 2025")" \
  "year_closures: close then reopen"
it_assert_eq "补录一户漏保儿童" \
  "$(sql "SELECT detail->>'reason' FROM aixin.audit_log WHERE action = 'policy_year.reopen'")" \
  "the reopening is audited with its reason"
as zhiyang 0 "$AIXIN_CLI" enroll --child "$K5" --year 2025
it_pass "a reopened year takes enrollments again"
cli 0 "$AIXIN_CLI" year close --year 2025
cli 0 "$AIXIN_CLI" --format json year show --year 2025
it_assert_eq "close,reopen,close" \
  "$(json "SELECT string_agg(h->>'action', ',' ORDER BY ord)
           FROM json_array_elements((:'doc'::json)->'closure_history') WITH ORDINALITY AS t(h, ord)")" \
  "year show: the whole history"
cli 0 "$AIXIN_CLI" year show --year 2025
it_assert_contains "$(it_last_stdout)" "补录一户漏保儿童" "year show (table): the reopening's reason"

# --- renewal ----------------------------------------------------------------------------------
as zhiyang 1 "$AIXIN_CLI" renew --from-year 2026 --to-year 2027
it_assert_contains "$(it_last_stderr)" "2027 is not open yet" "renewal into a year not opened"
as zhiyang 1 "$AIXIN_CLI" renew --from-year 2025 --to-year 2026
it_assert_contains "$(it_last_stderr)" "360821 吉安县" "renewal names the county without terms"
as zhiyang 2 "$AIXIN_CLI" renew --from-year 2025 --to-year 2027
cli 0 "$AIXIN_CLI" terms set --county 360821 --year 2026 --county-share 10.00 --insurer chinalife
as zhiyang 1 "$AIXIN_CLI" renew --from-year 2025 --to-year 2026 --county 360821
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "a township clerk renews only its township"

# Dry run: the answer of a real run, nothing kept.
as zhiyang 0 "$AIXIN_CLI" --format json renew --from-year 2025 --to-year 2026 --dry-run
it_assert_eq "true/4/3/0/1/0" "$(field dry_run children renewed already_renewed aged_out refused)" \
  "dry run in 指阳乡: K1, K3, K5 would be renewed, K2 aged out"
it_assert_eq "0" "$(sql "SELECT count(*) FROM aixin.policies WHERE policy_year = 2026")" \
  "the dry run enrolled nobody"
it_assert_eq "0" "$(sql "SELECT count(*) FROM aixin.audit_log WHERE action LIKE 'import.enrollment%'")" \
  "the dry run left no audit row of an enrollment"

as zhiyang 0 "$AIXIN_CLI" --format json renew --from-year 2025 --to-year 2026
it_assert_eq "false/4/3/0/1/0" "$(field dry_run children renewed already_renewed aged_out refused)" \
  "renewal in 指阳乡"
it_assert_eq "$K2/刘乙/7" \
  "$(json "SELECT concat_ws('/', c->>'child_id_number', c->>'child_name', c->>'age')
           FROM json_array_elements((:'doc'::json)->'aged_out_children') c")" "K2 listed as aged out"
it_assert_eq "360821207:3:1" \
  "$(json "SELECT string_agg(concat_ws(':', t->>'township_code', t->>'renewed', t->>'aged_out'), ',')
           FROM json_array_elements((:'doc'::json)->'townships') t")" "summary by township"
it_assert_eq "$(printf '%s\n' "$K1" "$K3" "$K5" | sort | paste -sd,)" \
  "$(sql "SELECT string_agg(c.id_number, ',' ORDER BY c.id_number) FROM aixin.policies p
          JOIN aixin.children c ON c.id = p.child_id WHERE p.policy_year = 2026")" \
  "SQL: exactly K1, K3, K5 insured in 2026"
it_assert_eq "0" \
  "$(sql "SELECT count(*) FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
          JOIN aixin.policy_years y ON y.year = p.policy_year
          WHERE p.policy_year = 2026 AND extract(year FROM age(y.reference_date, c.birth_date)) >= 7")" \
  "SQL: nobody 7 or older renewed"
it_assert_eq "1" \
  "$(sql "SELECT count(*) FROM aixin.children c WHERE c.id_number = '$K2'
          AND extract(year FROM age(DATE '2026-01-01', c.birth_date)) >= 7
          AND NOT EXISTS (SELECT 1 FROM aixin.policies p WHERE p.child_id = c.id AND p.policy_year = 2026)")" \
  "SQL: K2 is 7 on 2026-01-01 and not renewed"
it_assert_eq "3/1000/1800" \
  "$(sql "SELECT count(*) || '/' || min(county_share_fen) || '/' || min(township_share_fen)
          FROM aixin.policies WHERE policy_year = 2026")" "renewed under 2026's terms"

# Twice = once.
as zhiyang 0 "$AIXIN_CLI" --format json renew --from-year 2025 --to-year 2026
it_assert_eq "0/3/1" "$(field renewed already_renewed aged_out)" "a second run renews nobody"
it_assert_eq "3" "$(sql "SELECT count(*) FROM aixin.policies WHERE policy_year = 2026")" \
  "SQL: the second run created nothing"
# The same as a table: the aged-out child and the township's line.
as zhiyang 0 "$AIXIN_CLI" renew --from-year 2025 --to-year 2026
it_assert_contains "$(it_last_stdout)" "$K2" "table: the aged-out child listed"
it_assert_contains "$(it_last_stdout)" "360821207" "table: the summary by township"

# The county renews the rest (敦厚镇's K4); 指阳乡's are already renewed.
as jian_county 0 "$AIXIN_CLI" --format json renew --from-year 2025 --to-year 2026 --county 360821
it_assert_eq "5/1/3/1/0" "$(field children renewed already_renewed aged_out refused)" \
  "the county clerk renews the county"
it_assert_eq "360821100:1:0,360821207:0:3" \
  "$(json "SELECT string_agg(concat_ws(':', t->>'township_code', t->>'renewed', t->>'already_renewed'),
                             ',' ORDER BY t->>'township_code')
           FROM json_array_elements((:'doc'::json)->'townships') t")" "county summary by township"
it_assert_eq "4" "$(sql "SELECT count(*) FROM aixin.policies WHERE policy_year = 2026")" \
  "SQL: K4 renewed too"
it_assert_eq "4" \
  "$(sql "SELECT count(*) FROM aixin.audit_log WHERE action = 'import.enrollment'")" \
  "each renewed policy audited as an enrollment"

# A refusal of the bulk path is listed with its reason: a household left
# without its first guardian (changed by hand in SQL) no longer passes.
household zhiyang 360821207 150 only_child 刘戊 20210101; K6=$kid
cli 0 "$AIXIN_CLI" year reopen --year 2025 --reason 补录
as zhiyang 0 "$AIXIN_CLI" enroll --child "$K6" --year 2025
cli 0 "$AIXIN_CLI" year close --year 2025
sql "UPDATE aixin.guardians SET position = 2
      WHERE household_id = (SELECT household_id FROM aixin.children WHERE id_number = '$K6')" >/dev/null
as zhiyang 1 "$AIXIN_CLI" --format json renew --from-year 2025 --to-year 2026
it_assert_eq "0/3/1/1" "$(field renewed already_renewed aged_out refused)" "K6 refused"
it_assert_eq "$K6" \
  "$(json "SELECT string_agg(c->>'child_id_number', ',')
           FROM json_array_elements((:'doc'::json)->'refused_children') c
           WHERE c->>'reason' <> ''")" "the refused child, with a reason"

# A closed target year takes no renewal.
cli 0 "$AIXIN_CLI" year close --year 2026 --force --reason 测试提前结账
it_assert_eq "t" "$(sql "SELECT forced FROM aixin.year_closures WHERE policy_year = 2026")" \
  "a forced close is recorded as forced"
as jian_county 1 "$AIXIN_CLI" renew --from-year 2025 --to-year 2026
it_assert_contains "$(it_last_stderr)" "2026 is closed" "no renewal into a closed year"

it_pass "year cycle"
