#!/usr/bin/env bash
# Post-audit of same-day claims through the command line. Last month (M)
# has 45 same-day claims paid in it (30 of chinalife in 吉安县, 15 of
# taikang in 永丰县) and two 7-day claims; the month before (E) has no
# same-day claim. Covered: the sample's size (5% of 45 rounded up = 3),
# its claims re-drawn in SQL from the stored seed both with
# aixin.post_audit_recompute and with the rule written out here; drawing
# twice (by another reviewer) shows the same sample; a month without
# same-day claims stores an empty sample; a month not over and a clerk are
# refused; findings (recovered above what was paid refused and nothing
# stored, not in a sample, twice, ok with an amount); the post-audit
# report re-checked in SQL, its total row = the sum of the insurer rows,
# an adjuster's rows (its insurer only) and a county clerk's (its county).
#
# The households, policies and claims are made with the same SQL
# functions the daemon calls (as the admin and the insurers' adjusters),
# so that 47 claims do not take 200 client runs; everything the test is
# about goes through the client.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PW=audit-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
M=$(day "$(day today | cut -c1-7)-01 -1 month" | cut -c1-7)
E=$(day "$M-01 -1 month" | cut -c1-7)
E2=$(day "$E-01 -1 month" | cut -c1-7)
YEAR=${M:0:4}
NOW_MONTH=$(day today | cut -c1-7)

it_create_db
it_start_daemon

as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
# The sampled claim ids the last command printed, by rank.
printed_ids() {
  json "SELECT coalesce(string_agg(c->>'claim_id', ',' ORDER BY (c->>'rank')::int), '')
          FROM json_array_elements(:'doc'::json->'claims') c"
}
it_log "sample month $M, empty month $E, policy year $YEAR"

# --- the programme --------------------------------------------------------------
as admin 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
as admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
as admin 0 "$AIXIN_CLI" insurer add --code taikang --name 泰康人寿
as admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 --insurer chinalife
as admin 0 "$AIXIN_CLI" terms set --county 360825 --year "$YEAR" --county-share 6.00 --insurer taikang
for spec in shen:auditor:360800 jian_county:county_clerk:360821 \
            yongfeng_county:county_clerk:360825; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username tk_zhao \
  --role insurer_adjuster --insurer taikang --division 360800

# --- households, policies and paid claims ---------------------------------------
it_psql -v year="$YEAR" -v m="$M-01" -v e="$E-01" <<'SQL'
CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS
  $$ SELECT id FROM aixin.accounts WHERE username = u $$;
CREATE FUNCTION pg_temp.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS $$
  SELECT d || aixin.id_check_char(d)
    FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x
$$;
CREATE SEQUENCE pg_temp.req START 500000;
CREATE FUNCTION pg_temp.k(n bigint) RETURNS bytea LANGUAGE sql AS
  $$ SELECT decode(lpad(to_hex(n), 32, '0'), 'hex') $$;
-- A child of a new household in the township, enrolled for the year; a
-- claim of `fen` received, decided and paid on `paid`, by the adjuster.
CREATE FUNCTION pg_temp.paid_claim(township text, seq int, yr int, fen bigint, paid date,
                                   adjuster text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  admin bigint := pg_temp.acct('admin');
  guardian text := pg_temp.mkid(left(township, 6), DATE '1990-01-01', seq);
  child text := pg_temp.mkid(left(township, 6), DATE '2023-03-01', seq);
  hid bigint;
  cid bigint;
  r bigint;
BEGIN
  r := nextval('pg_temp.req');
  SELECT household_id INTO hid FROM aixin.register_household(admin, r, pg_temp.k(r), township, 'only_child',
                                                     'PA-' || seq, guardian, '家长', NULL, NULL);
  r := nextval('pg_temp.req');
  PERFORM * FROM aixin.add_child(admin, r, pg_temp.k(r), hid, child, '孩子' || seq, NULL, NULL);
  r := nextval('pg_temp.req');
  PERFORM * FROM aixin.enroll(admin, r, pg_temp.k(r), child, yr);
  r := nextval('pg_temp.req');
  SELECT id INTO cid FROM aixin.file_claim(admin, r, pg_temp.k(r), child, yr, 'illness', paid, fen,
                                           true, ARRAY['发票'], NULL, paid);
  r := nextval('pg_temp.req');
  PERFORM * FROM aixin.approve_claim(pg_temp.acct(adjuster), r, pg_temp.k(r), cid, fen, NULL, paid);
  r := nextval('pg_temp.req');
  PERFORM * FROM aixin.pay_claim(pg_temp.acct(adjuster), r, pg_temp.k(r), cid, fen, paid,
                                 'bank_transfer', false);
  RETURN cid;
END $$;

SELECT count(pg_temp.paid_claim('360821207', i, :year, 10000 + i * 2000,
                                 :'m'::date + (i % 28), 'cl_li'))
  FROM generate_series(1, 30) i;
SELECT count(pg_temp.paid_claim('360825105', i, :year, 20000 + (i - 30) * 3000,
                                 :'m'::date + (i % 28), 'tk_zhao'))
  FROM generate_series(31, 45) i;
-- Over 1,000 yuan: 7-day claims, not in the population.
SELECT pg_temp.paid_claim('360821207', 46, :year, 200000, :'m'::date + 3, 'cl_li');
SELECT pg_temp.paid_claim('360825105', 47, :year, 150000, :'m'::date + 5, 'tk_zhao');
-- The month before: a 7-day claim only (when it is in the same year).
SELECT pg_temp.paid_claim('360821207', 48, :year, 300000, :'e'::date + 2, 'cl_li')
 WHERE extract(year FROM :'e'::date) = :year;
SQL
it_assert_eq 47 "$(it_psql -c "SELECT count(*) FROM aixin.claims
                               WHERE state = 'paid' AND to_char(paid_on, 'YYYY-MM') = '$M'")" \
  "47 claims paid in $M"

# --- the draw -------------------------------------------------------------------
as admin 0 "$AIXIN_CLI" --format json claim audit-sample --month "$M"
it_assert_eq "$M/500/45/3/admin" \
  "$(json "SELECT concat_ws('/', d->>'month', d->>'rate_bp', d->>'population', d->>'sample_size',
                               d->>'drawn_by') FROM (SELECT :'doc'::json d) x")" \
  "5% of 45 same-day claims, rounded up: 3, drawn by the admin"
FIRST=$(printed_ids)
SEED=$(json "SELECT :'doc'::json->>'seed'")
it_assert_eq 3 "$(tr ',' '\n' <<<"$FIRST" | sort -u | wc -l)" "three different claims printed"
it_assert_eq "$FIRST" "$(it_psql -c "SELECT string_agg(claim_id::text, ',' ORDER BY rank)
                                     FROM aixin.post_audit_sample_claims WHERE month = '$M-01'")" \
  "the printed claims are the stored ones"
it_assert_eq "$SEED" "$(it_psql -c "SELECT encode(seed, 'hex') FROM aixin.post_audit_samples
                                    WHERE month = '$M-01'")" "the printed seed is the stored one"
it_assert_eq "$FIRST" "$(it_psql -c "SELECT string_agg(claim_id::text, ',' ORDER BY rank)
                                     FROM aixin.post_audit_recompute('$M-01')")" \
  "aixin.post_audit_recompute draws the same claims from the stored seed"
# The rule written out: same-day paid claims of the month (<= 1,000 yuan,
# documents complete, no doubt, never escalated), ordered by
# sha256(seed || the id as 8 bytes big-endian), the first ceil(n x 5%).
it_assert_eq "$FIRST" "$(it_psql -c "
  WITH pop AS (
    SELECT c.id FROM aixin.claims c
     WHERE c.state = 'paid' AND to_char(c.paid_on, 'YYYY-MM') = '$M'
       AND c.amount_claimed_fen <= 100000 AND c.documents_complete AND NOT c.doubt
       AND c.escalated_on IS NULL)
  SELECT string_agg(id::text, ',' ORDER BY h)
    FROM (SELECT id, sha256(decode('$SEED', 'hex') || decode(lpad(to_hex(id), 16, '0'), 'hex')) h
            FROM pop ORDER BY 2 LIMIT (SELECT ceil(count(*) * 500 / 10000.0) FROM pop)) s")" \
  "the sample re-computed in SQL from the seed and the month's claims"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log
                              WHERE action = 'post_audit.draw' AND target = 'month:$M'")" \
  "the draw is audited"

as shen 0 "$AIXIN_CLI" --format json claim audit-sample --month "$M"
it_assert_eq "$FIRST|$SEED|admin" "$(printed_ids)|$(json "SELECT :'doc'::json->>'seed'")|$(
  json "SELECT :'doc'::json->>'drawn_by'")" "drawing again (an auditor) shows the same sample"
it_assert_eq "1|3|1" "$(it_psql -c "SELECT (SELECT count(*) FROM aixin.post_audit_samples) || '|' ||
    (SELECT count(*) FROM aixin.post_audit_sample_claims) || '|' ||
    (SELECT count(*) FROM aixin.audit_log WHERE action = 'post_audit.draw')")" \
  "and stores nothing more"
as admin 0 "$AIXIN_CLI" claim audit-sample --month "$M"
it_assert_contains "$(it_last_stdout)" "$SEED" "the table shows the seed"

as admin 0 "$AIXIN_CLI" --format json claim audit-sample --month "$E"
it_assert_eq "0/0/0" "$(json "SELECT concat_ws('/', d->>'population', d->>'sample_size',
                                  json_array_length(d->'claims')) FROM (SELECT :'doc'::json d) x")" \
  "a month without same-day claims: an empty sample"
it_assert_eq "0|0" "$(it_psql -c "SELECT population || '|' || sample_size FROM aixin.post_audit_samples
                                  WHERE month = '$E-01'")" "stored empty"

# Two reviewers drawing one month at once: one sample, both shown it.
racers=()
for user in admin shen; do
  password=$PW
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password "$AIXIN_CLI" --format json claim audit-sample \
    --month "$E2" >"$IT_TMP/race-$user.json" 2>"$IT_TMP/race-$user.err" &
  racers+=($!)
done
for pid in "${racers[@]}"; do
  wait "$pid" || it_fail "a concurrent draw failed: $(cat "$IT_TMP"/race-*.err)"
done
it_assert_eq "1|$(it_psql -c "SELECT encode(seed, 'hex') FROM aixin.post_audit_samples
                              WHERE month = '$E2-01'")" \
  "$(it_psql -c "SELECT count(*) FROM aixin.post_audit_samples WHERE month = '$E2-01'")|$(
     it_psql -v a="$(cat "$IT_TMP/race-admin.json")" -v b="$(cat "$IT_TMP/race-shen.json")" \
       <<<"SELECT CASE WHEN :'a'::json->>'seed' = :'b'::json->>'seed'
                       THEN :'a'::json->>'seed' ELSE 'differ' END")" \
  "two draws of one month at once: one sample, the same seed for both"

as admin 1 "$AIXIN_CLI" claim audit-sample --month "$NOW_MONTH"
it_assert_contains "$(it_last_stderr)" "INVALID_ARGUMENT" "the current month is not over: refused"
as admin 2 "$AIXIN_CLI" claim audit-sample --month "$YEAR-13"
as jian_county 1 "$AIXIN_CLI" claim audit-sample --month "$M"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "a county clerk does not draw"
as cl_li 1 "$AIXIN_CLI" claim audit-sample --month "$M"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "nor does an adjuster"
it_assert_eq 3 "$(it_psql -c "SELECT count(*) FROM aixin.post_audit_samples")" \
  "refusals stored no sample"

# --- findings -------------------------------------------------------------------
IFS=, read -r S1 S2 S3 <<<"$FIRST"
PAID2=$(it_psql -c "SELECT paid_fen FROM aixin.claims WHERE id = $S2")
over=$(printf '%d.%02d' $(((PAID2 + 1) / 100)) $(((PAID2 + 1) % 100)))
as shen 0 "$AIXIN_CLI" --format json claim audit-finding --claim "$S1" --result ok \
  --note '材料齐全,金额无误'
it_assert_eq "$S1/ok/0/shen" "$(json "SELECT concat_ws('/', c->>'claim_id', c->>'result',
    c->>'recovered_fen', c->>'reviewed_by') FROM json_array_elements(:'doc'::json->'claims') c")" \
  "an ok finding, printed with the reviewer"
as shen 1 "$AIXIN_CLI" claim audit-finding --claim "$S2" --result recovered --amount "$over" \
  --note '超额'
it_assert_contains "$(it_last_stderr)" "INVALID_ARGUMENT" "recovering more than was paid is refused"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.post_audit_findings")" "and stored nothing"
if it_psql -c "INSERT INTO aixin.post_audit_findings (claim_id, result, recovered_fen, note, recorded_by)
               VALUES ($S2, 'recovered', $PAID2 + 1, 'x', 1)" 2>/dev/null; then
  it_fail "the table took a recovery above the payment"
fi
it_pass "the table refuses a recovery above the payment written by hand"
as admin 0 "$AIXIN_CLI" claim audit-finding --claim "$S2" --result recovered --amount 50.00 \
  --note '重复计费'
it_assert_eq "recovered|5000" "$(it_psql -c "SELECT result || '|' || recovered_fen
                                             FROM aixin.post_audit_findings WHERE claim_id = $S2")" \
  "a recovery of 50.00 yuan stored in fen"
as admin 1 "$AIXIN_CLI" claim audit-finding --claim "$S1" --result ok --note again
it_assert_contains "$(it_last_stderr)" "CONFLICT" "a second finding on a claim is refused"
NOT_SAMPLED=$(it_psql -c "SELECT min(id) FROM aixin.claims WHERE id NOT IN ($FIRST)")
as admin 1 "$AIXIN_CLI" claim audit-finding --claim "$NOT_SAMPLED" --result ok --note x
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "a claim not in a sample has no finding"
as admin 2 "$AIXIN_CLI" claim audit-finding --claim "$S3" --result ok --amount 1.00 --note x
as admin 2 "$AIXIN_CLI" claim audit-finding --claim "$S3" --result recovered --note x
as admin 2 "$AIXIN_CLI" claim audit-finding --claim "$S3" --result maybe --note x
as jian_county 1 "$AIXIN_CLI" claim audit-finding --claim "$S3" --result ok --note x
it_assert_eq 2 "$(it_psql -c "SELECT count(*) FROM aixin.post_audit_findings")" \
  "refused findings stored nothing"

# --- the report -----------------------------------------------------------------
COLS=(sampled reviewed ok with_recovery sampled_paid_fen recovered_fen)
# report_rows USER [DIVISION]: "insurer:figures;..." of the post-audit report
# (the total row first, as 'total').
report_rows() {
  local args=(--format json report post-audit --year "$YEAR")
  [[ -z ${2:-} ]] || args+=(--division "$2")
  as "$1" 0 "$AIXIN_CLI" "${args[@]}" >&2
  json "SELECT string_agg(coalesce(r->>'insurer', 'total') || ':' || concat_ws('/',
          r->>'sampled', r->>'reviewed', r->>'ok', r->>'with_recovery', r->>'sampled_paid_fen',
          r->>'recovered_fen'), ';' ORDER BY ord)
          FROM json_array_elements(:'doc'::json) WITH ORDINALITY t(r, ord)"
}
# expected FILTER: the same from the tables, with the sampled claims that
# FILTER admits (ROLLUP's grand total is the total row, also when empty).
expected() {
  it_psql -c "
    WITH s AS (
      SELECT i.code, c.paid_fen, f.result, f.recovered_fen
        FROM aixin.post_audit_sample_claims sc
        JOIN aixin.claims c ON c.id = sc.claim_id
        JOIN aixin.insurers i ON i.id = c.insurer_id
        LEFT JOIN aixin.post_audit_findings f ON f.claim_id = sc.claim_id
       WHERE $1),
    g AS (
      SELECT code, count(*) n, count(result) rv, count(*) FILTER (WHERE result = 'ok') ok,
             count(*) FILTER (WHERE result = 'recovered') rc, coalesce(sum(paid_fen), 0) paid,
             coalesce(sum(recovered_fen), 0) rec
        FROM s GROUP BY ROLLUP (code))
    SELECT string_agg(coalesce(code, 'total') || ':' || concat_ws('/', n, rv, ok, rc, paid, rec), ';'
                      ORDER BY code IS NOT NULL, code)
      FROM g"
}
ALL=$(report_rows admin)
it_assert_eq "$(expected true)" "$ALL" "the city's report equals the findings in the tables"
it_assert_contains "$ALL" "total:3/2/1/1/" "three sampled, two reviewed, one ok, one recovery"
it_assert_eq "$(json "SELECT concat_ws('/', $(printf "(r->>'%s')::bigint," "${COLS[@]}" | sed 's/,$//'))
                        FROM json_array_elements(:'doc'::json) WITH ORDINALITY t(r, ord) WHERE ord = 1")" \
  "$(json "SELECT concat_ws('/', $(printf "sum((r->>'%s')::bigint)," "${COLS[@]}" | sed 's/,$//'))
             FROM json_array_elements(:'doc'::json) WITH ORDINALITY t(r, ord) WHERE ord > 1")" \
  "the total row is the sum of the insurer rows"
it_assert_eq "$(expected "i.code = 'chinalife'")" "$(report_rows cl_li)" \
  "an adjuster of chinalife sees its insurer only"
it_assert_eq "$(expected "c.township_code LIKE '360825%'")" "$(report_rows yongfeng_county)" \
  "a clerk of 永丰县 sees its county's sampled claims"
as yongfeng_county 1 "$AIXIN_CLI" report post-audit --year "$YEAR" --division 360821
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "and not another county's"
as cl_li 1 "$AIXIN_CLI" report claims --year "$YEAR"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "adjusters still read no other report"
as admin 0 "$AIXIN_CLI" --format csv report post-audit --year "$YEAR"
it_assert_eq "division,name,insurer,sampled,reviewed,ok,with_recovery,sampled_paid_fen,recovered_fen" \
  "$(head -1 <<<"$(it_last_stdout)" | tr -d '\r')" "the report's CSV columns"
# The sample is random: the table names each insurer it drew from.
as admin 0 "$AIXIN_CLI" report post-audit --year "$YEAR"
for name in $(it_psql -c "SELECT DISTINCT i.name FROM aixin.post_audit_sample_claims sc
                            JOIN aixin.claims c ON c.id = sc.claim_id
                            JOIN aixin.insurers i ON i.id = c.insurer_id"); do
  it_assert_contains "$(it_last_stdout)" "$name" "the table names the insurer $name"
done
as cl_li 0 "$AIXIN_CLI" report post-audit --year "$YEAR"
if grep -q 泰康人寿 <<<"$(it_last_stdout)"; then
  it_fail "an adjuster of chinalife saw taikang's row"
fi
it_pass "and not another insurer"
as admin 0 "$AIXIN_CLI" report post-audit --year "$YEAR" --format html \
  --output "$IT_TMP/post-audit.html"
it_assert_contains "$(cat "$IT_TMP/post-audit.html")" "当日结案事后抽查" "the html report has its title"
