-- SQL-level checks of aixin.import_enrollment (deploy/sql/0004_import.sql).
-- Run by tests/integration/it_import.sh against a freshly migrated database
-- with the Ji'an divisions and the account 'admin' loaded:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/import.sql
-- Every check raises on failure; \echo lines report the sections passed.
-- Everything runs in one transaction that is rolled back at the end.
-- ID numbers are synthetic (correct check characters, made-up people).

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

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

-- One import call with defaults for the household: township 360821100 (敦厚镇).
CREATE FUNCTION pg_temp.imp(key int, cert text, guardian text, child text, child_name text,
                            kind text DEFAULT 'only_child', township text DEFAULT '360821100',
                            year int DEFAULT 2027, actor bigint DEFAULT NULL)
RETURNS TABLE (replayed boolean, household_created boolean, child_created boolean,
               policy_id bigint, household_id bigint, county_share bigint)
LANGUAGE sql AS $$
  SELECT r.replayed, r.household_created, r.child_created, r.id, r.household_id,
         r.county_share_fen
    FROM aixin.import_enrollment(coalesce(actor, pg_temp.admin()), key, pg_temp.k(key), key,
                                 year, township, kind, cert, guardian, '家长', child,
                                 child_name, aixin.id_sex(child), aixin.id_birth_date(child)) r
$$;

-- The programme year with its terms: premium 30.00, city 2.00, county 10.00.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 1, pg_temp.k(900001), 2027, '2027-01-01',
                                     3000, 200, 0, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(900002), 'chinalife',
                                     '中国人寿') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 3, pg_temp.k(900003), '360821', 2027,
                                     1000, 'chinalife') \g /dev/null

-- ---------------------------------------------------------------------------
\echo import: new household, new child, enrolled with the frozen split
SELECT pg_temp.eq('f t t 1000',
  (SELECT concat_ws(' ', replayed, household_created, child_created, county_share)
     FROM pg_temp.imp(1, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
                      pg_temp.mkid('360821', '2023-05-01', 21), '甲')),
  'first row creates household and child');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.households WHERE certificate_no = 'IMP-1'),
  'one household');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.audit_log WHERE action = 'import.enrollment'),
  'one audit row');

\echo import: the same key again is a replay with the first answer
SELECT pg_temp.eq('t t t',
  (SELECT concat_ws(' ', replayed, household_created, child_created)
     FROM pg_temp.imp(1, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
                      pg_temp.mkid('360821', '2023-05-01', 21), '甲')),
  'replay answers the first flags');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.policies), 'still one policy');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.audit_log WHERE action = 'import.enrollment'),
  'a replay adds no import audit row');
-- The same key with another row is refused.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(1, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
  pg_temp.mkid('360821', '2023-05-01', 21), '乙')$$, 'AXK01', 'idempotency_key');

\echo import: two daughters of one household, matched by certificate and guardian
SELECT pg_temp.eq('f t t',
  (SELECT concat_ws(' ', replayed, household_created, child_created)
     FROM pg_temp.imp(2, 'IMP-2', pg_temp.mkid('360821', '1988-02-02', 12),
                      pg_temp.mkid('360821', '2022-01-01', 22), '大女', 'two_daughters')),
  'first daughter');
SELECT pg_temp.eq('f f t',
  (SELECT concat_ws(' ', replayed, household_created, child_created)
     FROM pg_temp.imp(3, 'IMP-2', pg_temp.mkid('360821', '1988-02-02', 12),
                      pg_temp.mkid('360821', '2024-01-01', 24), '二女', 'two_daughters')),
  'second daughter joins the household');
-- A son in a two-daughter household.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(4, 'IMP-2', pg_temp.mkid('360821', '1988-02-02', 12),
  pg_temp.mkid('360821', '2025-01-01', 25), '儿子', 'two_daughters')$$, 'AXR01', 'child_sex');
-- A child already enrolled this year under another key.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(5, 'IMP-2', pg_temp.mkid('360821', '1988-02-02', 12),
  pg_temp.mkid('360821', '2024-01-01', 24), '二女', 'two_daughters')$$, 'AXE01', 'child_id_number');

\echo import: households are matched strictly
-- The certificate with a guardian who is not one of its guardians.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(6, 'IMP-1', pg_temp.mkid('360821', '1991-01-01', 13),
  pg_temp.mkid('360821', '2023-06-01', 26), '丙')$$, 'AXR01', 'certificate_no');
-- The certificate in another township.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(7, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
  pg_temp.mkid('360821', '2023-06-01', 26), '丙', 'only_child', '360821101')$$, 'AXR01', 'certificate_no');
-- A child of one household named in a row of another.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(8, 'IMP-8', pg_temp.mkid('360821', '1992-01-01', 15),
  pg_temp.mkid('360821', '2023-05-01', 21), '甲')$$, 'AXR01', 'child_id_number');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.households WHERE certificate_no = 'IMP-8'),
  'a refused row leaves no household behind');
-- The same child under another name.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(9, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
  pg_temp.mkid('360821', '2023-05-01', 21), '甲二', 'only_child', '360821100', 2028)$$, 'AXB01', 'child_name');
-- A second child in an only-child household.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(10, 'IMP-1', pg_temp.mkid('360821', '1990-01-01', 11),
  pg_temp.mkid('360821', '2024-07-01', 27), '丁')$$, 'AXR01', 'child_id_number');
-- A guardian of another household, under a new certificate.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(11, 'IMP-11', pg_temp.mkid('360821', '1990-01-01', 11),
  pg_temp.mkid('360821', '2024-07-01', 27), '丁')$$, 'AXE01', 'guardian.id_number');

\echo import: field and programme checks
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(12, 'IMP-12', pg_temp.mkid('360821', '1990-03-03', 17),
  pg_temp.mkid('360821', '2023-05-05', 28), '戊', 'only_child', '360821999')$$, 'AXN01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(13, 'IMP-13', pg_temp.mkid('360821', '1990-03-03', 17),
  pg_temp.mkid('360821', '2023-05-05', 28), '戊', 'only_child', '360821100', 2030)$$, 'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(14, 'IMP-14', pg_temp.mkid('360821', '1990-03-03', 17),
  pg_temp.mkid('360821', '2019-05-05', 28), '戊')$$, 'AXR01', 'child_id_number');
-- No county terms for 新干县 (360824) in 2027.
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(15, 'IMP-15', pg_temp.mkid('360824', '1990-03-03', 17),
  pg_temp.mkid('360824', '2023-05-05', 28), '戊', 'only_child', '360824100')$$, 'AXR01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.import_enrollment(pg_temp.admin(), 16, pg_temp.k(16), 16,
  2027, '360821100', 'only_child', 'IMP-16', '360821199003031711', '家长',
  '360821202305052811', '戊', 'M', NULL)$$, 'AXB01', 'guardian.id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.import_enrollment(pg_temp.admin(), 17, pg_temp.k(17), 17,
  2027, '360821100', 'only_child', 'IMP-17', $$ || quote_literal(pg_temp.mkid('360821', '1990-03-03', 17))
  || $$, '家长', $$ || quote_literal(pg_temp.mkid('360821', '2023-05-05', 28))
  || $$, '戊', 'F', '2023-05-06')$$, 'AXB01', 'child_birth_date');

\echo import: scope
INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
VALUES ('imp_twp_clerk', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'township_clerk', '360821101', 'township'),
       ('imp_auditor', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'auditor', '360800', 'city');
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(18, 'IMP-18', pg_temp.mkid('360821', '1990-03-03', 17),
  pg_temp.mkid('360821', '2023-05-05', 28), '戊', 'only_child', '360821100', 2027,
  (SELECT id FROM aixin.accounts WHERE username = 'imp_twp_clerk'))$$, 'AXP01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM pg_temp.imp(19, 'IMP-19', pg_temp.mkid('360821', '1990-03-03', 17),
  pg_temp.mkid('360821', '2023-05-05', 28), '戊', 'only_child', '360821100', 2027,
  (SELECT id FROM aixin.accounts WHERE username = 'imp_auditor'))$$, 'AXP01');

\echo import: enroll still works through the shared insert
SELECT pg_temp.expect($$SELECT * FROM aixin.enroll(pg_temp.admin(), 21, pg_temp.k(21),
  pg_temp.mkid('360821', '2023-05-01', 21), 2027)$$, 'AXE01', 'child_id_number');
SELECT pg_temp.eq('3', (SELECT count(*)::text FROM aixin.policies), 'three policies in all');
SELECT pg_temp.eq('0',
  (SELECT count(*)::text FROM aixin.audit_log WHERE detail::text ~ '[0-9]{17}[0-9X]'),
  'no full ID number in the audit log');

ROLLBACK;
\echo import.sql: all checks passed
