-- The rules that deploy/sql/0015_enrollment_inline.sql moved from row
-- triggers to statement triggers judge a statement of several rows as if
-- its rows were written one after the other: the household composition
-- (children_rules_set), the policy premium, age, terms and split
-- (policies_rules_set); and the rewritten helpers answer as before
-- (id_check_char, id_sex, id_number_valid, enrollment_problem,
-- import_row_problem); the audit chain, now in strands, still verifies
-- and names a row changed by hand.  Run by tests/integration/it_sql_rules.sh on a
-- freshly migrated database with the Ji'an divisions and 'admin':
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/statement_rules.sql
-- Everything runs in one transaction that is rolled back at the end.

\set QUIET on
SET client_min_messages = warning;
BEGIN;

CREATE FUNCTION pg_temp.k(n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(lpad(to_hex(n), 32, '0'), 'hex')
$$;

CREATE FUNCTION pg_temp.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS $$
  SELECT d || aixin.id_check_char(d)
    FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x
$$;

CREATE FUNCTION pg_temp.eq(expected text, actual text, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF expected IS DISTINCT FROM actual THEN
    RAISE EXCEPTION 'FAIL %: expected [%], got [%]', what, expected, actual;
  END IF;
END $$;

-- The statement fails with this SQLSTATE, column and message.
CREATE FUNCTION pg_temp.expect(stmt text, state text, col text, msg text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  got_state text;
  got_col text;
  got_msg text;
BEGIN
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE, got_col = COLUMN_NAME,
                            got_msg = MESSAGE_TEXT;
    IF (got_state, got_col, got_msg) IS DISTINCT FROM (state, col, msg) THEN
      RAISE EXCEPTION 'FAIL %: expected % (%) %, got % (%) %', stmt, state, col, msg,
        got_state, got_col, got_msg;
    END IF;
    RETURN;
  END;
  RAISE EXCEPTION 'FAIL %: expected %, but it succeeded', stmt, state;
END $$;

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

\echo statement_rules: the ID helpers answer as the definitions of 0001 and 0009
-- The check character by the loop of 0001, for every 17-digit prefix tried.
CREATE FUNCTION pg_temp.check_char_loop(p text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  weights constant int[] := '{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}';
  total int := 0;
BEGIN
  IF p !~ '^[0-9]{17}$' THEN
    RETURN NULL;
  END IF;
  FOR i IN 1..17 LOOP
    total := total + (ascii(substr(p, i, 1)) - 48) * weights[i];
  END LOOP;
  RETURN substr('10X98765432', total % 11 + 1, 1);
END $$;
SELECT pg_temp.eq('0', (SELECT count(*)::text
  FROM generate_series(0, 19999) g,
       LATERAL (SELECT lpad((g::bigint * 7919 * 104729 + g)::text, 17, '3') AS p) x
 WHERE aixin.id_check_char(x.p) IS DISTINCT FROM pg_temp.check_char_loop(x.p)), 'check characters');
SELECT pg_temp.eq('||', (SELECT coalesce(aixin.id_check_char('1234567890123456'), '') || '|'
                             || coalesce(aixin.id_check_char('1234567890123456a'), '') || '|'
                             || coalesce(aixin.id_check_char(NULL), '')), 'check character of non-digits');
SELECT pg_temp.eq('M F  ', (SELECT aixin.id_sex(pg_temp.mkid('360821', '2022-01-01', 11)) || ' '
                              || aixin.id_sex(pg_temp.mkid('360821', '2022-01-01', 12)) || ' '
                              || coalesce(aixin.id_sex('12345'), '') || ' '
                              || coalesce(aixin.id_sex(NULL), '')), 'sex of an ID');
SELECT pg_temp.eq('t f f f f NULL', (SELECT concat_ws(' ',
    aixin.id_number_valid(pg_temp.mkid('360821', '2022-01-01', 11)),
    aixin.id_number_valid(overlay(pg_temp.mkid('360821', '2022-01-01', 11) PLACING 'X' FROM 18)),
    aixin.id_number_valid('000000' || substr(pg_temp.mkid('360821', '2022-01-01', 11), 7)),
    aixin.id_number_valid('36082120220230011' || aixin.id_check_char('36082120220230011')),
    aixin.id_number_valid('3608212022010101'),
    coalesce(aixin.id_number_valid(NULL)::text, 'NULL'))), 'ID numbers');

\echo statement_rules: the ID checks of 0026 answer as those of 0001 and 0015 for every input
-- The definitions they replace, word for word (0001's birth date; 0015's
-- validity over the loop's check character).
CREATE FUNCTION pg_temp.birth_date_0001(p_id text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  y int;
  m int;
  d int;
  first_of_month date;
BEGIN
  IF p_id !~ '^[0-9]{17}[0-9X]$' THEN
    RETURN NULL;
  END IF;
  y := substr(p_id, 7, 4)::int;
  m := substr(p_id, 11, 2)::int;
  d := substr(p_id, 13, 2)::int;
  IF y < 1900 OR y > 2100 OR m < 1 OR m > 12 OR d < 1 THEN
    RETURN NULL;
  END IF;
  first_of_month := make_date(y, m, 1);
  IF d > extract(day FROM first_of_month + interval '1 month - 1 day')::int THEN
    RETURN NULL;
  END IF;
  RETURN make_date(y, m, d);
END $$;
CREATE FUNCTION pg_temp.valid_0015(p_id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  RETURN p_id ~ '^[0-9]{17}[0-9X]$'
     AND left(p_id, 2) ~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])$'
     AND pg_temp.check_char_loop(left(p_id, 17)) = substr(p_id, 18, 1)
     AND pg_temp.birth_date_0001(p_id) IS NOT NULL;
END $$;
-- Every month number 00-13 and day number 00-32 of common, leap and
-- century years at both ends of the range, under every province prefix
-- 00-99 in turn, each with its right check character, a wrong one, X and
-- x; then strings of other shapes.
CREATE TEMP TABLE id_inputs AS
SELECT s.d17 || c.ch AS id
  FROM (SELECT lpad(((y * 41 + m * 7 + d) % 100)::text, 2, '0') || '0821'
               || y::text || lpad(m::text, 2, '0') || lpad(d::text, 2, '0')
               || lpad(((y + m + d) % 1000)::text, 3, '0') AS d17
          FROM unnest(ARRAY[1899, 1900, 1901, 1904, 1999, 2000, 2001, 2023, 2024, 2099,
                            2100, 2101]) y,
               generate_series(0, 13) m, generate_series(0, 32) d) s,
       LATERAL (VALUES (pg_temp.check_char_loop(s.d17)),
                       (substr('10X98765432',
                               (position(pg_temp.check_char_loop(s.d17) IN '10X98765432') % 11) + 1,
                               1)),
                       ('X'), ('x')) c(ch)
UNION ALL
SELECT v FROM (VALUES (NULL::text), (''), ('36082120220101001'), ('3608212022010100111'),
                      ('36082120220101001X '), (' 36082120220101001X'), ('3608212022O101001X'),
                      ('36082120220101001Ｘ'), ('３6082120220101001X'), ('360821202201 1001X'),
                      (E'36082120220101001X\n'), ('-36082120220101001'), ('+6082120220101001X'),
                      ('36082120220101.01X'), ('36082120220101001' || chr(8203))) o(v)
UNION ALL
SELECT left(pg_temp.mkid('360821', date '2020-02-29' + g, g % 1000), 17 + g % 2)
       || CASE WHEN g % 3 = 0 THEN 'X' ELSE '' END
  FROM generate_series(0, 400) g;
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM id_inputs
                         WHERE aixin.id_birth_date(id) IS DISTINCT FROM pg_temp.birth_date_0001(id)),
  'birth dates as 0001');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM id_inputs
                         WHERE aixin.id_number_valid(id) IS DISTINCT FROM pg_temp.valid_0015(id)),
  'ID numbers as 0015');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM id_inputs
                         WHERE aixin.id_check_char(left(id, 17))
                               IS DISTINCT FROM pg_temp.check_char_loop(left(id, 17))),
  'check characters of the inputs');
-- The inputs hold valid and invalid numbers and dates of both kinds.
SELECT pg_temp.eq('true', (SELECT count(*) FILTER (WHERE pg_temp.valid_0015(id)) > 1000
                           AND count(*) FILTER (WHERE NOT pg_temp.valid_0015(id)) > 10000
                           AND count(*) FILTER (WHERE pg_temp.birth_date_0001(id) = date '2024-02-29') > 0
                           AND count(*) FILTER (WHERE id LIKE '______21000229%'
                                                  AND pg_temp.birth_date_0001(id) IS NULL) > 0
                           AND count(*) FILTER (WHERE id LIKE '______21001231%'
                                                  AND pg_temp.birth_date_0001(id) IS NOT NULL) > 0
                         FROM id_inputs)::text,
  'the inputs cover both answers');

\echo statement_rules: the enrollment and import row rules word for word
SELECT pg_temp.eq('AXN01|policy_year|policy year 2031 not found',
  array_to_string(aixin.enrollment_problem(2031, NULL, false, '360821', true, '2022-01-01'), '|'),
  'year not found');
SELECT pg_temp.eq('AXE01|child_id_number|child already enrolled for 2027',
  array_to_string(aixin.enrollment_problem(2027, '2027-01-01', true, '360821', true, '2022-01-01'), '|'),
  'already enrolled');
SELECT pg_temp.eq('AXR01|policy_year|county 360824 has no share and insurer set for 2027',
  array_to_string(aixin.enrollment_problem(2027, '2027-01-01', false, '360824', false, '2022-01-01'), '|'),
  'no terms');
SELECT pg_temp.eq('AXR01|child_id_number|child is not yet born on 2027-01-01',
  array_to_string(aixin.enrollment_problem(2027, '2027-01-01', false, '360821', true, '2027-01-02'), '|'),
  'not yet born');
SELECT pg_temp.eq('AXR01|child_id_number|child is 7 or older on 2027-01-01 (age 7); only ages 0-6 are covered',
  array_to_string(aixin.enrollment_problem(2027, '2027-01-01', false, '360821', true, '2020-01-01'), '|'),
  'seven on the reference date');
SELECT pg_temp.eq(NULL,
  array_to_string(aixin.enrollment_problem(2027, '2027-01-01', false, '360821', true, '2020-01-02'), '|'),
  'six the day before');
SELECT pg_temp.eq('AXN01|township_code|township  not found',
  array_to_string(aixin.import_row_problem(NULL, false, false, NULL, NULL, NULL, NULL, NULL, NULL,
                                           NULL, NULL, NULL, NULL), '|'),
  'no township (format of NULL is empty)');
SELECT pg_temp.eq('AXP01|township_code|township 360824100 is outside your division',
  array_to_string(aixin.import_row_problem('360824100', true, false, NULL, NULL, NULL, NULL, NULL,
                                           NULL, NULL, NULL, NULL, NULL), '|'),
  'out of scope');
SELECT pg_temp.eq('AXB01|child_id_number|the birth date in the ID number is in the future',
  array_to_string(aixin.import_row_problem('360821100', true, true, 'only_child', 'C-1', true, '家长',
                                           true, '孩子', '', NULL, 'F',
                                           aixin.local_today() + 1), '|'),
  'born tomorrow');
SELECT pg_temp.eq(NULL,
  array_to_string(aixin.import_row_problem('360821100', true, true, 'only_child', 'C-1', true, '家长',
                                           true, '孩子', 'f', aixin.local_today(), 'F',
                                           aixin.local_today()), '|'),
  'born today');

-- A year with terms for 360821, none for 360824.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 1, pg_temp.k(900001), 2027, '2027-01-01',
                                     3000, 200, 0, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(900003), 'chinalife',
                                     '中国人寿') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 3, pg_temp.k(900004), '360821', 2027,
                                     1000, 'chinalife') \g /dev/null
INSERT INTO aixin.households (id, township_code, kind, certificate_no, created_by)
VALUES (900001, '360821100', 'only_child', 'ST-1', pg_temp.admin()),
       (900002, '360821100', 'two_daughters', 'ST-2', pg_temp.admin()),
       (900003, '360821100', 'two_daughters', 'ST-3', pg_temp.admin()),
       (900004, '360824100', 'only_child', 'ST-4', pg_temp.admin());

\echo statement_rules: household composition over a statement of several children
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (900001, %L, 'a', 'M', '2022-01-01', 1), (900001, %L, 'b', 'F', '2022-01-01', 1)$$,
  pg_temp.mkid('360821', '2022-01-01', 101), pg_temp.mkid('360821', '2022-01-01', 102)),
  'AXR01', 'household_id', 'an only-child household has at most one child');
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (900002, %L, 'a', 'F', '2022-01-01', 1), (900002, %L, 'b', 'F', '2022-01-01', 1),
         (900002, %L, 'c', 'F', '2022-01-01', 1)$$,
  pg_temp.mkid('360821', '2022-01-01', 104), pg_temp.mkid('360821', '2022-01-01', 106),
  pg_temp.mkid('360821', '2022-01-01', 108)),
  'AXR01', 'household_id', 'a two-daughter household has at most two children');
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (900002, %L, 'a', 'F', '2022-01-01', 1), (900002, %L, 'b', 'M', '2022-01-01', 1)$$,
  pg_temp.mkid('360821', '2022-01-01', 104), pg_temp.mkid('360821', '2022-01-01', 105)),
  'AXR01', 'sex', 'a two-daughter household registers daughters only');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.children WHERE household_id IN (900001, 900002)),
  'refused statements left no child');
-- Allowed: one child each, two daughters in one statement, across households.
INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
VALUES (900001, pg_temp.mkid('360821', '2022-01-01', 101), 'a', 'M', '2022-01-01', 1),
       (900002, pg_temp.mkid('360821', '2022-01-01', 104), 'b', 'F', '2022-01-01', 1),
       (900002, pg_temp.mkid('360821', '2022-01-01', 106), 'c', 'F', '2022-01-01', 1),
       (900003, pg_temp.mkid('360821', '2020-01-01', 108), 'd', 'F', '2020-01-01', 1),
       (900004, pg_temp.mkid('360824', '2022-01-01', 110), 'e', 'F', '2022-01-01', 1);
SELECT pg_temp.eq('5', (SELECT count(*)::text FROM aixin.children WHERE household_id BETWEEN 900001 AND 900004),
  'five children in one statement');
-- A later statement meets the children already there.
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (900003, %L, 'f', 'F', '2022-01-01', 1), (900002, %L, 'g', 'F', '2022-01-01', 1)$$,
  pg_temp.mkid('360821', '2022-01-01', 112), pg_temp.mkid('360821', '2022-01-01', 114)),
  'AXR01', 'household_id', 'a two-daughter household has at most two children');

\echo statement_rules: policies over a statement of several rows
CREATE FUNCTION pg_temp.child(idn text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.children WHERE id_number = idn
$$;
SELECT pg_temp.mkid('360821', '2022-01-01', 101) AS a, pg_temp.mkid('360821', '2022-01-01', 104) AS b,
       pg_temp.mkid('360821', '2022-01-01', 106) AS c, pg_temp.mkid('360821', '2020-01-01', 108) AS d,
       pg_temp.mkid('360824', '2022-01-01', 110) AS e \gset
SELECT pg_temp.eq('false', (SELECT frozen::text FROM aixin.county_terms WHERE county_code = '360821' AND policy_year = 2027),
  'terms not frozen yet');
-- One bad row among good ones refuses the statement, with that row's reason.
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
    premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  VALUES (2027, %s, 900001, '360821100', 3000, 200, 1000, 1800, %s, 1),
         (2027, %s, 900002, '360821100', 3000, 200, 900, 1900, %s, 1)$$,
  pg_temp.child(:'a'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife'),
  pg_temp.child(:'b'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife')),
  'AXB01', 'county_share_fen', 'the county share of a 2027 policy in county 360821 is 1000 fen');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
    premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  VALUES (2027, %s, 900001, '360821100', 3000, 200, 1000, 1800, %s, 1),
         (2027, %s, 900003, '360821100', 3000, 200, 1000, 1800, %s, 1)$$,
  pg_temp.child(:'a'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife'),
  pg_temp.child(:'d'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife')),
  'AXR01', 'child_id_number', 'child is 7 or older on 2027-01-01 (age 7); only ages 0-6 are covered');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
    premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  VALUES (2027, %s, 900004, '360824100', 3000, 200, 1000, 1800, %s, 1)$$,
  pg_temp.child(:'e'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife')),
  'AXR01', 'policy_year', 'county 360824 has no share and insurer set for 2027');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
    premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  VALUES (2027, %s, 900001, '360821100', 3100, 200, 1000, 1900, %s, 1)$$,
  pg_temp.child(:'a'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife')),
  'AXB01', 'premium_fen', 'the premium of a 2027 policy is 3000 fen');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
    premium_fen, city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  VALUES (2027, %s, 900001, '360821100', 3000, 300, 1000, 1700, %s, 1)$$,
  pg_temp.child(:'a'), (SELECT id FROM aixin.insurers WHERE code = 'chinalife')),
  'AXB01', 'city_share_fen', 'the city share of a 2027 policy is 200 fen');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.policies), 'refused statements left no policy');
-- Good rows, one written with its split and two without, in one statement:
-- the terms freeze, the split is filled in, the summary counts them.
INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
                            premium_fen, city_share_fen, county_share_fen, township_share_fen,
                            insurer_id, enrolled_by)
VALUES (2027, pg_temp.child(:'a'), 900001, '360821100', 3000, 200, 1000, 1800,
        (SELECT id FROM aixin.insurers WHERE code = 'chinalife'), 1),
       (2027, pg_temp.child(:'b'), 900002, '360821100', NULL, NULL, NULL, NULL, NULL, 1),
       (2027, pg_temp.child(:'c'), 900002, '360821100', NULL, NULL, NULL, NULL, NULL, 1);
SELECT pg_temp.eq('3000=200+1000+1800 x3', (SELECT min(premium_fen || '=' || city_share_fen || '+' || county_share_fen
    || '+' || township_share_fen) || ' x' || count(*) FROM aixin.policies), 'split filled in');
SELECT pg_temp.eq('true true', (SELECT y.frozen || ' ' || t.frozen FROM aixin.policy_years y
    JOIN aixin.county_terms t ON t.policy_year = y.year AND t.county_code = '360821' WHERE y.year = 2027),
  'terms frozen by the statement');
SELECT pg_temp.eq('3 2 9000', (SELECT sum(policies) || ' ' || sum(households) || ' ' || sum(premium_fen)
    FROM aixin.report_policy_totals WHERE policy_year = 2027), 'summary of the statement');
-- The split stays frozen.
SELECT pg_temp.expect($$UPDATE aixin.policies SET county_share_fen = 900, township_share_fen = 1900
  WHERE id = (SELECT min(id) FROM aixin.policies)$$,
  'AXR01', 'premium_fen', format('the premium split and insurer of policy %s are frozen at enrollment',
                                 (SELECT min(id) FROM aixin.policies)));

\echo statement_rules: the audit chain in strands
-- The rows this session wrote are one strand, positions without gaps.
SELECT pg_temp.eq('true', (SELECT (count(DISTINCT chain_strand) = 1
                                   AND max(chain_pos) - min(chain_pos) + 1 = count(*))::text
                             FROM aixin.audit_log WHERE chain_strand = pg_backend_pid() % 64),
  'one strand per session');
SELECT pg_temp.eq('t', (SELECT concat_ws('|', rows_checked > 0, first_broken_seq, first_broken_id, problem)
                           FROM aixin.audit_verify(pg_temp.admin())), 'the chain verifies');
-- A row changed by hand is named.
SELECT min(chain_seq) AS victim FROM aixin.audit_log WHERE action = 'audit.verify' \gset
SET LOCAL session_replication_role = replica;
UPDATE aixin.audit_log SET detail = '{"rows": 0}' WHERE chain_seq = :victim;
SET LOCAL session_replication_role = origin;
SELECT pg_temp.eq(:victim || '|the row was changed after it was written',
  (SELECT first_broken_seq || '|' || problem FROM aixin.audit_verify(pg_temp.admin())),
  'a changed row is named');

-- ---------------------------------------------------------------------------
-- The IMMUTABLE helpers stay inlinable after every migration (0024): no
-- SECURITY DEFINER, no settings, and the rules' helpers are inlined into
-- a query that calls them (no call of them left in its plan).
-- ---------------------------------------------------------------------------
SELECT pg_temp.eq('', (SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '')
                         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'aixin' AND p.provolatile = 'i'
                          AND (p.prosecdef OR p.proconfig IS NOT NULL)),
  'IMMUTABLE functions with SECURITY DEFINER or settings');
CREATE TEMP TABLE plan_lines (line text);
DO $$
DECLARE
  l text;
BEGIN
  FOR l IN EXPLAIN (VERBOSE, COSTS OFF)
    SELECT aixin.import_row_check(r.t, true, true, 'only_child', r.c, true, r.n, true, r.n,
                                  'M', NULL, 'M', date '2024-01-01', date '2026-01-01'),
           aixin.enrollment_problem(2027, date '2027-01-01', false, '360821', true,
                                    date '2024-01-01'),
           aixin.label_ok(r.n, 64), aixin.id_sex(r.c)
      FROM (VALUES ('360821100', 'JA-1', '孩子')) r(t, c, n)
  LOOP
    INSERT INTO plan_lines VALUES (l);
  END LOOP;
END
$$;
SELECT pg_temp.eq('', (SELECT coalesce(string_agg(m[1], ', '), '')
                         FROM plan_lines,
                              regexp_matches(line, '(import_row_check|enrollment_problem|label_ok|id_sex)\(', 'g') m),
  'helpers left as calls in the plan (not inlined)');

ROLLBACK;
\echo statement_rules.sql: all checks passed
