#!/usr/bin/env bash
# The weighted county assessment through the command line: two years with
# different settings. 2024 keeps the defaults (90%, 10 points, weight
# 40%); 2025 sets an 80% threshold, 12 points and a weight of 25%.
#   吉安县 (360821): 2024 9 of 10 households insured, 2025 8 of 10;
#   永丰县 (360825): 2024 8 of 10, 2025 9 of 10.
# So 2024: 吉安县 10 points, 4.00; 永丰县 nothing. 2025 (8 of 10 is exactly
# the 80% threshold): both 12 points, 3.00. 2024-2025: 22 / 7.00 and
# 12 / 3.00. The figures are re-checked in SQL from the policies, the
# census and the settings; the report's earlier columns are compared with
# the assessment function as it was before (0007_reports.sql, taken from
# the source tree), for each year and the range, and the CSV keeps them
# first, in their order.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

it_create_db
it_start_daemon

admin() { AIXIN_USER=admin AIXIN_PASSWORD=$IT_ADMIN_PASSWORD it_expect_exit "$@"; }
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
# row CODE KEYS...: keys of the county's row in the report just printed.
row() {
  local code=$1 cols=() k
  shift
  for k in "$@"; do cols+=("coalesce(r->>'$k', 'null')"); done
  local IFS=,
  json "SELECT concat_ws('/', ${cols[*]}) FROM json_array_elements(:'doc'::json) r
        WHERE r->>'division' = '$code'"
}

# --- two years, two counties --------------------------------------------------------
admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for y in 2024 2025; do
  admin 0 "$AIXIN_CLI" year open --year "$y" --reference-date "$y-01-01" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
  admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$y" --county-share 10.00 --insurer chinalife
  admin 0 "$AIXIN_CLI" terms set --county 360825 --year "$y" --county-share 6.00 --insurer chinalife
  admin 0 "$AIXIN_CLI" census submit --township 360821207 --year "$y" --eligible 10
  admin 0 "$AIXIN_CLI" census submit --township 360825105 --year "$y" --eligible 10
done
admin 0 "$AIXIN_CLI" year set --year 2025 assessment_enrollment_threshold 80%
admin 0 "$AIXIN_CLI" year set --year 2025 assessment_points 12
admin 0 "$AIXIN_CLI" year set --year 2025 assessment_insurance_weight 25%
admin 0 "$AIXIN_CLI" --format json year settings --year 2024
it_assert_eq "4000" "$(json "SELECT e->>'value' FROM json_array_elements(:'doc'::json) e
                             WHERE e->>'name' = 'assessment_insurance_weight'")" \
  "a year that set nothing weighs the insurance item 40%"

# Households of the township with a child each, the first n_2024 enrolled
# in 2024 and the first n_2025 in 2025 (with the functions the daemon
# calls, as the admin).
it_psql <<'SQL'
CREATE FUNCTION pg_temp.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS $$
  SELECT d || aixin.id_check_char(d)
    FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x
$$;
CREATE SEQUENCE pg_temp.req START 700000;
CREATE FUNCTION pg_temp.k(n bigint) RETURNS bytea LANGUAGE sql AS
  $$ SELECT decode(lpad(to_hex(n), 32, '0'), 'hex') $$;
CREATE FUNCTION pg_temp.families(township text, n_2024 int, n_2025 int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  admin bigint := (SELECT id FROM aixin.accounts WHERE username = 'admin');
  guardian text;
  child text;
  hid bigint;
  r bigint;
BEGIN
  FOR i IN 1 .. greatest(n_2024, n_2025) LOOP
    guardian := pg_temp.mkid(left(township, 6), DATE '1990-01-01', i);
    child := pg_temp.mkid(left(township, 6), DATE '2022-03-01', i);
    r := nextval('pg_temp.req');
    SELECT household_id INTO hid
      FROM aixin.register_household(admin, r, pg_temp.k(r), township, 'only_child',
                                    'AS-' || township || '-' || i, guardian, '家长', NULL, NULL);
    r := nextval('pg_temp.req');
    PERFORM * FROM aixin.add_child(admin, r, pg_temp.k(r), hid, child, '孩子' || i, NULL, NULL);
    IF i <= n_2024 THEN
      r := nextval('pg_temp.req');
      PERFORM * FROM aixin.enroll(admin, r, pg_temp.k(r), child, 2024);
    END IF;
    IF i <= n_2025 THEN
      r := nextval('pg_temp.req');
      PERFORM * FROM aixin.enroll(admin, r, pg_temp.k(r), child, 2025);
    END IF;
  END LOOP;
END $$;
SELECT pg_temp.families('360821207', 9, 8);
SELECT pg_temp.families('360825105', 8, 9);
SQL

# --- the figures ----------------------------------------------------------------------
N=(points assessment_points weighted_score)
admin 0 "$AIXIN_CLI" --format json report assessment --year 2024
it_assert_eq "0.9000/10/10/4.0000" "$(row 360821 enrollment_rate "${N[@]}")" \
  "2024 吉安县: 90% earns 10 points, weighted 40%: 4"
it_assert_eq "0.8000/0/0/0.0000" "$(row 360825 enrollment_rate "${N[@]}")" "2024 永丰县: below 90%"
it_assert_eq "0/0/0.0000" "$(row 360822 "${N[@]}")" "2024 吉水县: nothing to assess"
admin 0 "$AIXIN_CLI" --format json report assessment --year 2025
it_assert_eq "0.8000/false/0/12/3.0000" "$(row 360821 enrollment_rate meets_target "${N[@]}")" \
  "2025 吉安县: 80% reaches the year's threshold: 12 points x 25% (the old 90% column says no)"
it_assert_eq "0.9000/true/10/12/3.0000" "$(row 360825 enrollment_rate meets_target "${N[@]}")" \
  "2025 永丰县: 12 points x 25%"
admin 0 "$AIXIN_CLI" --format json report assessment --from 2024 --to 2025
it_assert_eq "0.8500/0/22/7.0000" "$(row 360821 enrollment_rate "${N[@]}")" \
  "2024-2025 吉安县: each year by its own settings, summed"
it_assert_eq "0.8500/0/12/3.0000" "$(row 360825 enrollment_rate "${N[@]}")" "2024-2025 永丰县"

# The rule written out in SQL over the policies, the census and the settings.
expected_sql() {
  it_psql -c "
    WITH yrs AS (SELECT generate_series($1, $2) AS yr),
    s AS (
      SELECT yr,
             coalesce((SELECT value FROM aixin.year_settings
                        WHERE policy_year = yr AND name = 'assessment_enrollment_threshold'), 9000) thr,
             coalesce((SELECT value FROM aixin.year_settings
                        WHERE policy_year = yr AND name = 'assessment_points'), 10) pts,
             coalesce((SELECT value FROM aixin.year_settings
                        WHERE policy_year = yr AND name = 'assessment_insurance_weight'), 4000) w
        FROM yrs),
    per AS (
      SELECT d.code, s.yr, s.thr, s.pts, s.w,
             (SELECT count(DISTINCT p.household_id) FROM aixin.policies p
               WHERE p.policy_year = s.yr AND left(p.township_code, 6) = d.code) insured,
             (SELECT coalesce(sum(c.eligible_households), 0)
                FROM (SELECT DISTINCT ON (township_code) eligible_households
                        FROM aixin.census_submissions
                       WHERE policy_year = s.yr AND left(township_code, 6) = d.code
                       ORDER BY township_code, revision DESC) c) eligible
        FROM aixin.divisions d CROSS JOIN s
       WHERE d.level = 'county')
    SELECT string_agg(code || ':' || p || '/' || to_char(ws, 'FM990.0000'), ',' ORDER BY code)
      FROM (SELECT code,
                   sum(CASE WHEN eligible > 0 AND insured * 10000 >= eligible * thr THEN pts ELSE 0 END) p,
                   sum(CASE WHEN eligible > 0 AND insured * 10000 >= eligible * thr
                            THEN pts * w ELSE 0 END) / 10000.0 ws
              FROM per GROUP BY code) x"
}
reported() {
  admin 0 "$AIXIN_CLI" --format json report assessment --from "$1" --to "$2" >&2
  json "SELECT string_agg(r->>'division' || ':' || (r->>'assessment_points') || '/' ||
                          to_char((r->>'weighted_score')::numeric, 'FM990.0000'), ','
                          ORDER BY r->>'division')
          FROM json_array_elements(:'doc'::json) r"
}
for range in "2024 2024" "2025 2025" "2024 2025"; do
  read -r from to <<<"$range"
  it_assert_eq "$(expected_sql "$from" "$to")" "$(reported "$from" "$to")" \
    "points and weighted scores $from-$to re-computed in SQL"
done

# --- the earlier columns, as before -----------------------------------------------------
OLD=(division name level eligible_households insured_households enrollment_rate meets_target points)
MAIN_FN=$(sed -n '/^CREATE FUNCTION aixin.report_assessment(/,/^\$\$;/p' \
  "$AIXIN_SOURCE_DIR/deploy/sql/0007_reports.sql" |
  sed 's/aixin\.report_assessment(/pg_temp.report_assessment_main(/')
[[ $MAIN_FN == *pg_temp.report_assessment_main* ]] || it_fail "0007's report_assessment not found"
for range in "2024 2024" "2025 2025" "2024 2025" "2023 2026"; do
  read -r from to <<<"$range"
  admin 0 "$AIXIN_CLI" --format json report assessment --from "$from" --to "$to"
  it_assert_eq t "$(it_psql -v doc="$(it_last_stdout)" <<SQL
$MAIN_FN
SELECT (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.division)
          FROM pg_temp.report_assessment_main((SELECT id FROM aixin.accounts WHERE username = 'admin'),
                                              $from, $to, NULL) m)
     = (SELECT jsonb_agg(r - 'assessment_points' - 'weighted_score' ORDER BY r->>'division')
          FROM jsonb_array_elements(:'doc'::jsonb) r);
SQL
)" "$from-$to: the earlier columns equal the assessment as it was"
done
admin 0 "$AIXIN_CLI" report assessment --year 2025 --format csv
IFS=, read -r -a header <<<"$(it_last_stdout | head -1 | tr -d '\r')"
it_assert_eq "${OLD[*]} assessment_points weighted_score" "${header[*]}" \
  "CSV: the earlier columns first, in their order, the new ones appended"
it_assert_eq "360821,吉安县,county,10,8,0.8000,false,0,12,3.0000" \
  "$(it_last_stdout | tr -d '\r' | grep -m1 '^360821,')" "CSV: 2025 吉安县"
admin 0 "$AIXIN_CLI" report assessment --year 2025
it_assert_contains "$(it_last_stdout | grep 360821)" " 3.00" "the table shows the score as a number"
if it_last_stdout | grep 360821 | grep "300.00%" >/dev/null; then
  it_fail "the table shows the score as a percentage"
fi
it_pass "not as a percentage"
admin 0 "$AIXIN_CLI" report assessment --from 2024 --to 2025 --format html \
  --output "$IT_TMP/assessment.html"
HTML=$(cat "$IT_TMP/assessment.html")
it_assert_contains "$HTML" "Weighted score" "the html report has the weighted score column"
it_assert_contains "$HTML" ">7.00<" "and 吉安县's score over the two years as a number"
it_assert_contains "$HTML" "weight in the incentive-policy assessment; over several years" \
  "and says how it is computed"
