-- A programme for the ledger tests, written through the API functions that
-- exist since migration 0006 (before the report summary of 0007), so that
-- the same data can be loaded into an old schema and migrated: three
-- years with different premiums and city subsidies; counties 360821 (吉安县),
-- 360822 (吉水县) and 360823 (峡江县) with shares and insurers that change
-- from year to year; 48 households over five townships (every fifth a
-- two-daughter household with two daughters); single enrollments in 2027
-- and 2028; payments at every level, also by county 360824 and township
-- 360821102, which have no policies, and several per division and year.
-- Run by tests/integration/it_sql_ledger.sh on a database with the Ji'an
-- divisions and the account 'admin':
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/ledger_data.sql
-- ID numbers are synthetic (correct check characters, made-up people).

\set QUIET on
SET client_min_messages = warning;

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

SELECT * FROM aixin.register_insurer(pg_temp.admin(), 1, pg_temp.k(700001), 'chinalife', '中国人寿') \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(700002), 'taikang', '泰康人寿') \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 3, pg_temp.k(700003), 'picc', '中国人保') \g /dev/null

-- Years: premium and city subsidy; county shares between 500 and 2000.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 4, pg_temp.k(700004), 2027, '2027-01-01',
                                     3000, 500, 500, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 5, pg_temp.k(700005), 2028, '2028-01-01',
                                     3500, 700, 500, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 6, pg_temp.k(700006), 2029, '2029-01-01',
                                     4000, 1000, 500, 2000, '[]'::jsonb) \g /dev/null

-- County terms: (county, year, share, insurer).
SELECT count(*) FROM (
  SELECT (aixin.set_county_terms(pg_temp.admin(), 10 + n, pg_temp.k(700010 + n), c, y, s, i)).*
    FROM (VALUES (1, '360821', 2027, 1000, 'chinalife'), (2, '360822', 2027, 800, 'taikang'),
                 (3, '360823', 2027, 1200, 'chinalife'), (4, '360824', 2027, 600, 'chinalife'),
                 (5, '360821', 2028, 1100, 'chinalife'), (6, '360822', 2028, 900, 'picc'),
                 (7, '360823', 2028, 1300, 'taikang'), (8, '360824', 2028, 700, 'taikang'),
                 (9, '360821', 2029, 1200, 'picc'), (10, '360822', 2029, 1000, 'picc'),
                 (11, '360823', 2029, 1400, 'taikang'), (12, '360824', 2029, 800, 'chinalife'))
         t(n, c, y, s, i)) x \g /dev/null

-- Households 1..48 over five townships (360821100 twice as often); the
-- guardian born 1990-01-01 + i days, the children 2022-03-01 + 7 i days
-- (a sister one day later).
DO $$
DECLARE
  twps text[] := ARRAY['360821100', '360821101', '360822100', '360822101', '360823100',
                       '360821100'];
  i int;
  twp text;
  two boolean;
  hid bigint;
  req int := 1000;
  c int;
  born date;
BEGIN
  FOR i IN 1..48 LOOP
    twp := twps[i % 6 + 1];
    two := i % 5 = 0;
    req := req + 1;
    SELECT r.household_id INTO hid
      FROM aixin.register_household(pg_temp.admin(), req, pg_temp.k(710000 + req), twp,
                                    CASE WHEN two THEN 'two_daughters' ELSE 'only_child' END,
                                    'LG-' || i, pg_temp.mkid(left(twp, 6), DATE '1990-01-01' + i, 601),
                                    '家长' || i, NULL, NULL) r
     LIMIT 1;
    FOR c IN 0..(CASE WHEN two THEN 1 ELSE 0 END) LOOP
      req := req + 1;
      born := DATE '2022-03-01' + 7 * i + c;
      PERFORM * FROM aixin.add_child(pg_temp.admin(), req, pg_temp.k(710000 + req), hid,
                                     pg_temp.mkid(left(twp, 6), born,
                                                  CASE WHEN two OR i % 2 = 0 THEN 502 ELSE 501 END),
                                     '孩子' || i || '-' || c, NULL, NULL);
    END LOOP;
  END LOOP;
END $$;

-- Single enrollments: 2027 every household but every fourth, 2028 every
-- one but every third.
DO $$
DECLARE
  ch record;
  req int := 2000;
BEGIN
  FOR ch IN
    SELECT c.id_number, y.year
      FROM aixin.children c
      JOIN aixin.households h ON h.id = c.household_id
     CROSS JOIN (VALUES (2027), (2028)) y(year)
     WHERE h.certificate_no LIKE 'LG-%'
       AND CASE y.year WHEN 2027 THEN substr(h.certificate_no, 4)::int % 4 <> 0
                       ELSE substr(h.certificate_no, 4)::int % 3 <> 0 END
     ORDER BY y.year, c.id
  LOOP
    req := req + 1;
    PERFORM * FROM aixin.enroll(pg_temp.admin(), req, pg_temp.k(720000 + req), ch.id_number, ch.year);
  END LOOP;
END $$;

-- Payments: (level, division, year, amount, reference).
SELECT count(*) FROM (
  SELECT (aixin.record_disbursement(pg_temp.admin(), 3000 + n, pg_temp.k(730000 + n), l, d, y, a,
                                    DATE '2025-06-01' + n, r)).*
    FROM (VALUES (1, 'city', '360800', 2027, 12345, 'C27-1'), (2, 'city', '360800', 2027, 6789, 'C27-2'),
                 (3, 'city', '360800', 2028, 50001, 'C28-1'),
                 (4, 'county', '360821', 2027, 20000, 'X27'), (5, 'county', '360821', 2028, 3333, 'X28'),
                 (6, 'county', '360822', 2027, 9999, 'W27'),
                 (7, 'county', '360824', 2028, 777, 'N28'),
                 (8, 'township', '360821100', 2027, 40001, 'A27'),
                 (9, 'township', '360821100', 2028, 1, 'A28'),
                 (10, 'township', '360823100', 2028, 5000, 'Z28'),
                 (11, 'township', '360821102', 2027, 250, 'E27'))
         t(n, l, d, y, a, r)) x \g /dev/null

SELECT count(*) AS policies FROM aixin.policies \gset
\echo ledger_data: :policies policies in 2027 and 2028
