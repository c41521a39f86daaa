-- The funding ledger stays exact to the fen after every kind of write that
-- changes the policies or the payments: on the programme of
-- tests/sql/ledger_data.sql, aixin.get_ledger is compared with the figures
-- computed from the base tables (tests/sql/ledger_check.sql: every root,
-- every year and year 0) after single enrollments, per-row imports, a
-- renewal (the bulk path), a multi-row INSERT of policies whose split the
-- database fills, a DELETE of policies that empties a township's year, an UPDATE of splits
-- and insurers under session_replication_role = replica (an
-- administrator's correction: only the summary's triggers fire), an
-- UPDATE that changes nothing summed, new payments, a TRUNCATE (rolled
-- back) and a rebuild of the summary; then the scope rules: every reader
-- sees the same rows as the city admin for the roots in its division and
-- is refused the others.
-- Run by tests/integration/it_sql_ledger.sh after ledger_data.sql:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/ledger.sql
-- Every check raises on failure; \echo lines report the sections passed.

\set QUIET on
SET client_min_messages = warning;
\ir ledger_check.sql

CREATE FUNCTION pg_temp.k(n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(lpad(to_hex(n), 32, '0'), 'hex')
$$;

CREATE FUNCTION pg_temp.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS $$
  SELECT d || aixin.id_check_char(d)
    FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x
$$;

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = u
$$;

CREATE FUNCTION pg_temp.expect(stmt text, state text, col text DEFAULT NULL) RETURNS void
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
    IF got_state <> state OR (col IS NOT NULL AND got_col IS DISTINCT FROM col) THEN
      RAISE EXCEPTION 'FAIL %: expected % (%), got % (%): %', stmt, state, col,
        got_state, got_col, got_msg;
    END IF;
    RETURN;
  END;
  RAISE EXCEPTION 'FAIL %: expected %, but it succeeded', stmt, state;
END $$;

-- Policies per year as 'year:count', to show that a step wrote.
CREATE FUNCTION pg_temp.per_year() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(policy_year || ':' || n, ' ' ORDER BY policy_year)
    FROM (SELECT policy_year, count(*) AS n FROM aixin.policies GROUP BY 1) x
$$;

-- ledger_data.sql enrolled 2027: the 36 households with i % 4 <> 0 and
-- the second daughters of 7 of them (i = 5, 10, 15, 25, 30, 35, 45): 43;
-- 2028: 32 households (i % 3 <> 0) and 6 second daughters: 38.
SELECT pg_temp.ledger_exact('the programme') \g /dev/null
SELECT pg_temp.ledger_eq('2027:43 2028:38', pg_temp.per_year(), 'the programme''s policies');
\echo PASS ledger: the programme of 2027 and 2028

-- ---------------------------------------------------------------------------
-- Per-row imports into 2029: new households in 360822101 and 360823100,
-- and a child of the programme under its own household.
DO $$
DECLARE
  i int;
  twp text;
BEGIN
  FOR i IN 1..6 LOOP
    twp := CASE WHEN i % 2 = 0 THEN '360822101' ELSE '360823100' END;
    PERFORM * FROM aixin.import_enrollment(pg_temp.admin(), 4000, pg_temp.k(740000 + i), i + 1,
      2029, twp, 'only_child', 'LI-' || i, pg_temp.mkid(left(twp, 6), DATE '1991-02-01' + i, 603),
      '户主' || i, pg_temp.mkid(left(twp, 6), DATE '2024-05-01' + 3 * i, 504), '新孩' || i, 'F',
      NULL);
  END LOOP;
  PERFORM r.*
     FROM aixin.households h
     JOIN aixin.guardians g ON g.household_id = h.id
     JOIN aixin.children c ON c.household_id = h.id
    CROSS JOIN LATERAL aixin.import_enrollment(pg_temp.admin(), 4000, pg_temp.k(740100), 8, 2029,
      h.township_code, h.kind, h.certificate_no, g.id_number, g.name, c.id_number, c.name, '',
      NULL) r
    WHERE h.certificate_no = 'LG-7';
END $$;
SELECT pg_temp.ledger_eq('2027:43 2028:38 2029:7', pg_temp.per_year(), 'per-row imports: 6 + 1');
SELECT pg_temp.ledger_exact('after per-row imports') \g /dev/null
\echo PASS ledger: per-row imports

-- ---------------------------------------------------------------------------
-- Single enrollments into 2029 (aixin.enroll): the children of LG-3, LG-6
-- and LG-9, who have no policy of 2028.
SELECT count(*) FROM (
  SELECT (aixin.enroll(pg_temp.admin(), 4050 + n, pg_temp.k(740200 + n), c.id_number, 2029)).*
    FROM (VALUES (1, 'LG-3'), (2, 'LG-6'), (3, 'LG-9')) t(n, cert)
    JOIN aixin.households h ON h.certificate_no = t.cert
    JOIN aixin.children c ON c.household_id = h.id) x \g /dev/null
SELECT pg_temp.ledger_eq('2027:43 2028:38 2029:10', pg_temp.per_year(), 'single enrollments');
SELECT pg_temp.ledger_exact('after single enrollments') \g /dev/null
\echo PASS ledger: single enrollments

-- ---------------------------------------------------------------------------
-- The renewal of 2028 into 2029 (the bulk path, batches of 10).
DO $$
DECLARE
  after_id bigint := 0;
  r record;
BEGIN
  LOOP
    SELECT * INTO r FROM aixin.renew_policies(pg_temp.admin(), 4100, 2028, 2029, NULL, false,
                                              after_id, 10) LIMIT 1;
    EXIT WHEN r.done;
    after_id := r.next_after;
  END LOOP;
END $$;
SELECT pg_temp.ledger_eq('2027:43 2028:38 2029:47', pg_temp.per_year(),
  'renewal: the 38 children of 2028 but LG-7''s, imported already');
SELECT pg_temp.ledger_exact('after the renewal') \g /dev/null
\echo PASS ledger: renewal through the bulk path

-- ---------------------------------------------------------------------------
-- One INSERT of many policies (years 2027 and 2029, several townships and
-- counties), the split and insurer filled by the database.
INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, enrolled_by)
SELECT y.year, c.id, c.household_id, h.township_code, pg_temp.admin()
  FROM aixin.children c
  JOIN aixin.households h ON h.id = c.household_id
 CROSS JOIN (VALUES (2027), (2029)) y(year)
 WHERE h.certificate_no LIKE 'LG-%'
   AND NOT EXISTS (SELECT 1 FROM aixin.policies p WHERE p.child_id = c.id AND p.policy_year = y.year);
SELECT pg_temp.ledger_eq('2027:57 2028:38 2029:63', pg_temp.per_year(),
  'multi-row insert: all 57 children of the programme in 2027 and 2029');
SELECT pg_temp.ledger_exact('after a multi-row insert') \g /dev/null
\echo PASS ledger: a multi-row insert

-- ---------------------------------------------------------------------------
-- A DELETE (no API deletes a policy; an administrator may): every 2029
-- policy of 360822101 (the township leaves that year's ledger) and two
-- 2027 policies of 360821100, one of a two-daughter household whose
-- sister stays.
SELECT pg_temp.ledger_eq('1', (SELECT count(*)::text
                                 FROM aixin.get_ledger(pg_temp.admin(), 2029, '360822101')),
  'township 360822101 is in the 2029 ledger before');
DELETE FROM aixin.policies p
 WHERE (p.policy_year = 2029 AND p.township_code = '360822101')
    OR (p.policy_year = 2027 AND p.child_id IN (
          SELECT c.id FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id
           WHERE h.certificate_no = 'LG-30'
             AND c.id = (SELECT min(c2.id) FROM aixin.children c2 WHERE c2.household_id = h.id)
          UNION ALL
          SELECT c.id FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id
           WHERE h.certificate_no = 'LG-11'));
SELECT pg_temp.ledger_eq('0', (SELECT count(*)::text
                                 FROM aixin.get_ledger(pg_temp.admin(), 2029, '360822101')),
  'township 360822101 has nothing left in 2029');
SELECT pg_temp.ledger_exact('after a delete') \g /dev/null
\echo PASS ledger: a delete

-- ---------------------------------------------------------------------------
-- Updates: corrected splits and insurers of 2028 in 360821101 and 360823100
-- under session_replication_role = replica (ordinary triggers and foreign
-- keys off; the summary's triggers fire always); then an update that
-- changes nothing summed.
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE aixin.policies p
   SET county_share_fen = p.county_share_fen + 150, township_share_fen = p.township_share_fen - 150,
       insurer_id = (SELECT id FROM aixin.insurers WHERE code = 'picc')
 WHERE p.policy_year = 2028 AND p.township_code IN ('360821101', '360823100');
COMMIT;
UPDATE aixin.policies SET enrolled_at = enrolled_at - interval '1 day' WHERE policy_year = 2029;
SELECT pg_temp.ledger_exact('after updates') \g /dev/null
\echo PASS ledger: updates of the split and insurer, and of nothing summed

-- ---------------------------------------------------------------------------
-- Payments of 2029 at every level, one by a township without policies.
SELECT count(*) FROM (
  SELECT (aixin.record_disbursement(pg_temp.admin(), 4200 + n, pg_temp.k(750000 + n), l, d, 2029, a,
                                    DATE '2025-09-01' + n, r)).*
    FROM (VALUES (1, 'city', '360800', 40009, 'C29-1'), (2, 'county', '360823', 1401, 'Z29'),
                 (3, 'township', '360823100', 9, 'Z29-T'), (4, 'township', '360822101', 3000, 'B29'),
                 (5, 'county', '360821', 77777, 'X29'))
         t(n, l, d, a, r)) x \g /dev/null
SELECT pg_temp.ledger_exact('after payments') \g /dev/null
\echo PASS ledger: payments

-- ---------------------------------------------------------------------------
-- A TRUNCATE leaves the payments alone in the ledger (rolled back), and a
-- rebuild of the summary changes no figure.
BEGIN;
SET LOCAL session_replication_role = replica;  -- the append-only guards of the claims' tables
TRUNCATE aixin.policies CASCADE;
SELECT pg_temp.ledger_eq('0', (SELECT count(*)::text FROM aixin.report_policy_totals),
  'a truncate empties the summary');
SELECT pg_temp.ledger_exact('after a truncate') \g /dev/null
ROLLBACK;
SELECT pg_temp.ledger_exact('after the truncate is rolled back') \g /dev/null
SELECT aixin.report_policy_totals_rebuild() \g /dev/null
SELECT pg_temp.ledger_exact('after a rebuild of the summary') \g /dev/null
\echo PASS ledger: truncate and rebuild

-- ---------------------------------------------------------------------------
-- Scope: each reader sees, for every root of its division (its own by
-- default), what the city admin sees; a root outside it is refused.
INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
VALUES ('ledger_county', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'county_clerk', '360821', 'county'),
       ('ledger_twp', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'township_clerk', '360821100', 'township'),
       ('ledger_auditor', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'auditor', '360823', 'county');
DO $$
DECLARE
  a record;
  root text;
  y int;
BEGIN
  FOR a IN SELECT id, division_code FROM aixin.accounts
            WHERE username IN ('ledger_county', 'ledger_twp', 'ledger_auditor') LOOP
    FOR y IN SELECT 0 UNION ALL SELECT year FROM aixin.policy_years LOOP
      PERFORM pg_temp.ledger_eq(pg_temp.ledger_text(pg_temp.admin(), y, a.division_code),
                                pg_temp.ledger_text(a.id, y, NULL),
                                format('%s, own division, year %s', a.division_code, y));
      FOR root IN SELECT d.code FROM aixin.divisions d
                   WHERE d.code = a.division_code OR d.county_code = a.division_code LOOP
        PERFORM pg_temp.ledger_eq(pg_temp.ledger_text(pg_temp.admin(), y, root),
                                  pg_temp.ledger_text(a.id, y, root),
                                  format('reader of %s, root %s, year %s', a.division_code, root, y));
      END LOOP;
    END LOOP;
  END LOOP;
END $$;
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 0, %L)', pg_temp.acct('ledger_county'), '360800'),
                      'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 2028, %L)', pg_temp.acct('ledger_county'), '360822100'),
                      'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 0, %L)', pg_temp.acct('ledger_twp'), '360821'),
                      'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 0, %L)', pg_temp.acct('ledger_twp'), '360821101'),
                      'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 2029, %L)', pg_temp.acct('ledger_auditor'), '360821'),
                      'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 2030, NULL)', pg_temp.admin()),
                      'AXN01', 'policy_year');
SELECT pg_temp.expect(format('SELECT * FROM aixin.get_ledger(%s, 0, %L)', pg_temp.admin(), '360899'),
                      'AXN01', 'division_code');
\echo PASS ledger: scope

SELECT pg_temp.ledger_exact('at the end') AS compared \gset
\echo ledger.sql: all checks passed (:compared ledgers compared after the last step)
