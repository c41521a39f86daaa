-- SQL-level checks of the programme terms (deploy/sql/0003_programme.sql):
-- policy years with shares and benefit caps, insurers, county terms, the
-- frozen split of each policy, the freeze rule, the census, disbursements
-- and the ledger.
-- Run by tests/integration/it_sql_programme.sh against a freshly migrated
-- database with the Ji'an divisions and the account 'admin' loaded:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/programme.sql
-- Every check raises on failure; \echo lines report the sections passed.
-- ID numbers are synthetic (correct check characters, made-up people).
--
-- Divisions used: city 360800; county X = 360821 (吉安县) with townships
-- A = 360821100 (敦厚镇) and C = 360821101 (永阳镇); county Y = 360822
-- (吉水县) with township B = 360822100 (文峰镇); county Z = 360823 (峡江县)
-- with township 360823100.

\set QUIET on
SET client_min_messages = warning;

-- Helpers (session-local, nothing is added to the schema).

-- A 16-byte idempotency key from a number.
CREATE FUNCTION pg_temp.k(n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(lpad(to_hex(n), 32, '0'), 'hex')
$$;

-- A synthetic ID number: region, birth date, 3-digit sequence (odd = male).
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

-- Run a statement and require it to fail with SQLSTATE state (and COLUMN col
-- when given, and a message LIKE msg when given).
CREATE FUNCTION pg_temp.expect(stmt text, state text, col text DEFAULT NULL, msg text DEFAULT NULL)
RETURNS void
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
    IF got_state <> state OR (col IS NOT NULL AND got_col IS DISTINCT FROM col)
       OR (msg IS NOT NULL AND got_msg NOT LIKE msg) THEN
      RAISE EXCEPTION 'FAIL %: expected % (%) [%], got % (%): %', stmt, state, col, msg,
        got_state, got_col, got_msg;
    END IF;
    RETURN;
  END;
  RAISE EXCEPTION 'FAIL %: expected %, but it succeeded', stmt, state;
END $$;

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = u
$$;

-- A policy year rendered on one line.
CREATE FUNCTION pg_temp.year_line(y int) RETURNS text LANGUAGE sql AS $$
  SELECT year || ' ' || reference_date || ' ' || premium_fen || ' ' || city_subsidy_fen || ' '
      || county_share_min_fen || ' ' || county_share_max_fen || ' [' || benefits || '] '
      || policies || ' ' || frozen
    FROM aixin.get_policy_year(pg_temp.admin(), y)
$$;

-- The county terms of a year as the city admin sees them, one line.
CREATE FUNCTION pg_temp.terms_line(y int) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(county_code || ':' || city_share_fen || '/' || county_share_fen || '/'
                    || township_share_fen || ':' || insurer_code || ':' || policies, ' ')
    FROM aixin.list_county_terms(pg_temp.admin(), y)
$$;

-- A one-child household in a township, registered and its child added by
-- the city admin (request ids and keys req and req + 1).
CREATE FUNCTION pg_temp.family(req int, township text, cert text, guardian text, child text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM * FROM aixin.register_household(pg_temp.admin(), req, pg_temp.k(req), township,
                                          'only_child', cert, guardian, '家长', NULL, NULL);
  PERFORM * FROM aixin.add_child(pg_temp.admin(), req + 1, pg_temp.k(req + 1),
                                 (SELECT household_id FROM aixin.guardians WHERE id_number = guardian),
                                 child, '孩子', NULL, NULL);
END $$;

CREATE FUNCTION pg_temp.split(child text, y int) RETURNS text LANGUAGE sql AS $$
  SELECT p.premium_fen || '=' || p.city_share_fen || '+' || p.county_share_fen || '+'
      || p.township_share_fen || ':' || i.code
    FROM aixin.policies p
    JOIN aixin.children c ON c.id = p.child_id
    JOIN aixin.insurers i ON i.id = p.insurer_id
   WHERE c.id_number = child AND p.policy_year = y
$$;

-- A ledger as 'year:level:code:policies:owed:paid:outstanding', comma separated.
CREATE FUNCTION pg_temp.ledger(actor bigint, y int, root text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(policy_year || ':' || level || ':' || division_code || ':' || policies || ':'
                    || owed_fen || ':' || paid_fen || ':' || outstanding_fen, ',')
    FROM aixin.get_ledger(actor, y, root)
$$;

-- Accounts.
-- Adjusters belong to an insurer (0006).
-- (Written directly with an id of its own, so that the insurers the tests
-- register below keep ids 1 and 2.)
INSERT INTO aixin.insurers (id, code, name, created_by) VALUES (99, 'adjtest', '测试保险', pg_temp.admin());
SELECT * FROM aixin.create_account(pg_temp.admin(), 1, pg_temp.k(1), 'clerk_x',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 2, pg_temp.k(2), 'clerk_y',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360822', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 3, pg_temp.k(3), 'clerk_a',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360821100', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 4, pg_temp.k(4), 'clerk_c',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360821101', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 5, pg_temp.k(5), 'clerk_b',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360822100', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 6, pg_temp.k(6), 'auditor_city',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'auditor', '360800', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 7, pg_temp.k(7), 'auditor_x',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'auditor', '360821', NULL, false) \g /dev/null
SELECT * FROM aixin.create_account(pg_temp.admin(), 8, pg_temp.k(8), 'adjuster',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'insurer_adjuster', '360800', 'adjtest', false) \g /dev/null

-- ---------------------------------------------------------------------------
-- Helpers of the migration.
SELECT pg_temp.eq('26.00 26.99 -1.50 0.05 0.00', aixin.yuan(2600) || ' ' || aixin.yuan(2699) || ' '
  || aixin.yuan(-150) || ' ' || aixin.yuan(5) || ' ' || aixin.yuan(0), 'yuan');
SELECT pg_temp.eq('note 360821********101X, 1234567890123456',
  aixin.audit_text('note 36082120220615101X, 1234567890123456'), 'audit_text masks long digit runs');
\echo PASS helpers

-- ---------------------------------------------------------------------------
-- Policy years: terms and benefit caps.
SELECT pg_temp.eq('2027 2027-01-01 3000 200 600 2000 [illness:500000,child_death:1000000] 0 false',
  (SELECT year || ' ' || reference_date || ' ' || premium_fen || ' ' || city_subsidy_fen || ' '
       || county_share_min_fen || ' ' || county_share_max_fen || ' [' || benefits || '] '
       || policies || ' ' || frozen
     FROM aixin.open_policy_year(pg_temp.admin(), 10, pg_temp.k(10), 2027, '2027-01-01', 3000, 200, 600, 2000,
       '[{"event": "child_death", "max_payout_fen": 1000000}, {"event": "illness", "max_payout_fen": "500000"}]')),
  'open 2027, caps in event order');
-- Replay: the same answer, nothing new; the same key with other terms is refused.
SELECT pg_temp.eq('2027', (SELECT string_agg(year::text, ',') FROM aixin.open_policy_year(pg_temp.admin(), 11, pg_temp.k(10),
  2027, '2027-01-01', 3000, 200, 600, 2000,
  '[{"event": "child_death", "max_payout_fen": 1000000}, {"event": "illness", "max_payout_fen": "500000"}]')), 'open replay');
SELECT pg_temp.eq('2', (SELECT count(*)::text FROM aixin.policy_year_benefits), 'two caps after replay');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 11, pg_temp.k(10), 2027, '2027-01-01',
  3000, 300, 600, 2000, '[]')$$, 'AXK01', 'idempotency_key');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2027, '2027-01-01',
  3000, 200, 600, 2000, '[]')$$, 'AXE01', 'year');
-- Invalid terms.
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 1999, '1999-01-01',
  3000, 200, 600, 2000, '[]')$$, 'AXB01', 'year');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2027-12-31',
  3000, 200, 600, 2000, '[]')$$, 'AXB01', 'reference_date');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  0, 0, 0, 0, '[]')$$, 'AXB01', 'premium_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 3001, 0, 0, '[]')$$, 'AXB01', 'city_subsidy_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, -1, 0, 0, '[]')$$, 'AXB01', 'city_subsidy_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, -1, 2000, '[]')$$, 'AXB01', 'county_share_min_fen');
-- City 500 + minimum county 2600 > premium 3000: no county could leave a township share.
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 500, 2600, 3000, '[]')$$, 'AXB01', 'county_share_min_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 599, '[]')$$, 'AXB01', 'county_share_max_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 3001, '[]')$$, 'AXB01', 'county_share_max_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[{"event": "illness", "max_payout_fen": 1}, {"event": "illness", "max_payout_fen": 2}]')$$,
  'AXB01', 'benefits');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[{"event": "flood", "max_payout_fen": 1}]')$$, 'AXB01', 'benefits[0].event');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[{"event": "illness", "max_payout_fen": 5}, {"event": "disability", "max_payout_fen": 0}]')$$,
  'AXB01', 'benefits[1].max_payout_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[{"event": "illness", "max_payout_fen": 12.5}]')$$, 'AXB01', 'benefits[0].max_payout_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '{"event": "illness"}')$$, 'AXB01', 'benefits');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.acct('clerk_x'), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[]')$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.acct('auditor_city'), 12, pg_temp.k(12), 2029, '2029-01-01',
  3000, 200, 600, 2000, '[]')$$, 'AXP01');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.policy_years WHERE year = 2029), 'nothing opened by refusals');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE key = pg_temp.k(12)), 'no key stored on error');

-- 2028: no caps (NULL benefits), then changed twice before any enrollment.
SELECT pg_temp.eq('2028 [] false', (SELECT year || ' [' || benefits || '] ' || frozen
  FROM aixin.open_policy_year(pg_temp.admin(), 13, pg_temp.k(13), 2028, '2028-01-01', 3500, 500, 0, 3500, NULL)), 'open 2028');
SELECT pg_temp.eq('2028 2027-12-31 4000 600 100 3000 [accident_injury:200000] 0 false',
  (SELECT year || ' ' || reference_date || ' ' || premium_fen || ' ' || city_subsidy_fen || ' '
       || county_share_min_fen || ' ' || county_share_max_fen || ' [' || benefits || '] ' || policies || ' ' || frozen
     FROM aixin.update_policy_year(pg_temp.admin(), 14, pg_temp.k(14), 2028, '2027-12-31', 4000, 600, 100, 3000,
       '[{"event": "accident_injury", "max_payout_fen": 200000}]')), 'update before enrollment');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.update_policy_year(pg_temp.admin(), 15, pg_temp.k(14), 2028,
  '2027-12-31', 4000, 600, 100, 3000, '[{"event": "accident_injury", "max_payout_fen": 200000}]')), 'update replay');
-- The 2028 terms used below: premium 3000, city 500, county 0-3000.
SELECT pg_temp.eq('2028 2028-01-01 3000 500 0 3000 [] 0 false',
  (SELECT year || ' ' || reference_date || ' ' || premium_fen || ' ' || city_subsidy_fen || ' '
       || county_share_min_fen || ' ' || county_share_max_fen || ' [' || benefits || '] ' || policies || ' ' || frozen
     FROM aixin.update_policy_year(pg_temp.admin(), 16, pg_temp.k(16), 2028, '2028-01-01', 3000, 500, 0, 3000, '[]')),
  'second update, caps removed');
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 17, pg_temp.k(17), 2031, '2031-01-01',
  3000, 500, 0, 3000, '[]')$$, 'AXN01', 'year');
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.acct('clerk_x'), 17, pg_temp.k(17), 2028, '2028-01-01',
  3000, 500, 0, 3000, '[]')$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 17, pg_temp.k(17), 2028, '2028-01-01',
  3000, 500, 0, 3000, '[{"event": "illness", "max_payout_fen": 1}, {"event": "illness", "max_payout_fen": 1}]')$$,
  'AXB01', 'benefits');
SELECT pg_temp.eq('2028 2028-01-01 3000 500 0 3000 [] 0 false', pg_temp.year_line(2028), 'refused updates change nothing');
-- Reads: any authenticated account; newest first.
SELECT pg_temp.eq('2028,2027', (SELECT string_agg(year::text, ',') FROM aixin.list_policy_years(pg_temp.acct('adjuster'))),
  'years newest first');
SELECT pg_temp.eq('2027', (SELECT year::text FROM aixin.get_policy_year(pg_temp.acct('clerk_a'), 2027)), 'get year');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_policy_year(pg_temp.admin(), 2031)$$, 'AXN01', 'year');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_policy_years(123456)$$, 'AXU01');
-- The table checks the terms by itself.
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET county_share_min_fen = 2600 WHERE year = 2028$$, '23514');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET county_share_max_fen = 3001 WHERE year = 2028$$, '23514');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET city_subsidy_fen = -1 WHERE year = 2028$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.policy_year_benefits VALUES (2028, 'flood', 1)$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.policy_year_benefits VALUES (2028, 'illness', 0)$$, '23514');
\echo PASS policy years

-- ---------------------------------------------------------------------------
-- Insurers.
SELECT pg_temp.eq('chinalife 中国人寿', (SELECT code || ' ' || name
  FROM aixin.register_insurer(pg_temp.admin(), 20, pg_temp.k(20), 'chinalife', '中国人寿')), 'register insurer');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.register_insurer(pg_temp.admin(), 21, pg_temp.k(20),
  'chinalife', '中国人寿')), 'insurer replay');
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 22, pg_temp.k(22), 'taikang', '泰康人寿') \g /dev/null
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.admin(), 23, pg_temp.k(23), 'chinalife', 'x')$$,
  'AXE01', 'code');
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.admin(), 23, pg_temp.k(23), 'China Life', 'x')$$,
  'AXB01', 'code');
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.admin(), 23, pg_temp.k(23), 'x', 'x')$$,
  'AXB01', 'code');
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.admin(), 23, pg_temp.k(23), 'picc', ' 人保')$$,
  'AXB01', 'name');
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.admin(), 23, pg_temp.k(23), 'picc', '')$$,
  'AXB01', 'name');
SELECT pg_temp.expect($$SELECT * FROM aixin.register_insurer(pg_temp.acct('clerk_x'), 23, pg_temp.k(23), 'picc', '人保')$$,
  'AXP01');
SELECT pg_temp.eq('adjtest,chinalife,taikang', (SELECT string_agg(code, ',') FROM aixin.list_insurers(pg_temp.acct('clerk_a'))),
  'insurers by code');
SELECT pg_temp.expect($$INSERT INTO aixin.insurers (code, name, created_by) VALUES ('UP', 'x', 1)$$, '23514');
\echo PASS insurers

-- ---------------------------------------------------------------------------
-- County terms.  2027: premium 3000, city 200, county 600-2000.
--   X (360821): county 1000, chinalife -> township 3000 - 200 - 1000 = 1800
--   Y (360822): county  600, taikang   -> township 3000 - 200 -  600 = 2200
SELECT pg_temp.eq('360821 吉安县 2027 200 1000 1800 chinalife 中国人寿 0',
  (SELECT county_code || ' ' || county_name || ' ' || policy_year || ' ' || city_share_fen || ' ' || county_share_fen
       || ' ' || township_share_fen || ' ' || insurer_code || ' ' || insurer_name || ' ' || policies
     FROM aixin.set_county_terms(pg_temp.admin(), 30, pg_temp.k(30), '360821', 2027, 1000, 'chinalife')), 'terms of X');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.set_county_terms(pg_temp.admin(), 31, pg_temp.k(30),
  '360821', 2027, 1000, 'chinalife')), 'terms replay');
-- Y first set otherwise, then changed before any enrollment.
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 32, pg_temp.k(32), '360822', 2027, 800, 'chinalife') \g /dev/null
SELECT pg_temp.eq('360822 600 2200 taikang', (SELECT county_code || ' ' || county_share_fen || ' ' || township_share_fen
  || ' ' || insurer_code FROM aixin.set_county_terms(pg_temp.admin(), 33, pg_temp.k(33), '360822', 2027, 600, 'taikang')),
  'terms changed before enrollment');
SELECT pg_temp.eq('true', (SELECT (detail -> 'before' = '{"county_share_fen": 800, "insurer_code": "chinalife"}')::text
  FROM aixin.audit_log WHERE request_id = 33 AND action = 'county_terms.set'), 'audit keeps the previous terms');
-- Outside the year's range (6.00-20.00 yuan).
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 34, pg_temp.k(34), '360823', 2027, 599, 'taikang')$$,
  'AXB01', 'county_share_fen', '%between 6.00 and 20.00 yuan%');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 34, pg_temp.k(34), '360823', 2027, 2001, 'taikang')$$,
  'AXB01', 'county_share_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 34, pg_temp.k(34), '360823', 2027, NULL, 'taikang')$$,
  'AXB01', 'county_share_fen');
-- 2028: premium 3000, city 500, county up to 3000: 2600 would leave
-- 3000 - 500 - 2600 = -100 for the township; 2500 leaves exactly 0.
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 34, pg_temp.k(34), '360821', 2028, 2600, 'chinalife')$$,
  'AXR01', 'county_share_fen', 'township share would be negative: %-1.00 yuan');
SELECT pg_temp.eq('360821:500/2500/0:chinalife:0', (SELECT county_code || ':' || city_share_fen || '/' || county_share_fen
  || '/' || township_share_fen || ':' || insurer_code || ':' || policies
  FROM aixin.set_county_terms(pg_temp.admin(), 35, pg_temp.k(35), '360821', 2028, 2500, 'chinalife')), 'township share 0');
-- Unknown or wrong arguments.
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 36, pg_temp.k(36), '360899', 2027, 1000, 'taikang')$$,
  'AXN01', 'county_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 36, pg_temp.k(36), '360821100', 2027, 1000, 'taikang')$$,
  'AXB01', 'county_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 36, pg_temp.k(36), '360800', 2027, 1000, 'taikang')$$,
  'AXB01', 'county_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 36, pg_temp.k(36), '360823', 2031, 1000, 'taikang')$$,
  'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 36, pg_temp.k(36), '360823', 2027, 1000, 'picc')$$,
  'AXN01', 'insurer_code');
-- Only the city admin sets terms.
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.acct('clerk_a'), 36, pg_temp.k(36), '360821', 2027, 1000, 'taikang')$$,
  'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.acct('clerk_x'), 36, pg_temp.k(36), '360821', 2027, 1000, 'taikang')$$,
  'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.acct('auditor_city'), 36, pg_temp.k(36), '360821', 2027, 1000, 'taikang')$$,
  'AXP01');
SELECT pg_temp.eq('360821:200/1000/1800:chinalife:0 360822:200/600/2200:taikang:0', pg_temp.terms_line(2027),
  'terms unchanged by refusals');
-- The table checks the terms by itself.
SELECT pg_temp.expect($$INSERT INTO aixin.county_terms (county_code, policy_year, county_share_fen, insurer_id, set_by)
  VALUES ('360823', 2027, 100, 1, 1)$$, 'AXB01', 'county_share_fen');
SELECT pg_temp.expect($$INSERT INTO aixin.county_terms (county_code, policy_year, county_share_fen, insurer_id, set_by)
  VALUES ('360823', 2028, 2600, 1, 1)$$, 'AXR01', 'county_share_fen');
SELECT pg_temp.expect($$INSERT INTO aixin.county_terms (county_code, policy_year, county_share_fen, insurer_id, set_by)
  VALUES ('360823100', 2027, 1000, 1, 1)$$, '23503');
SELECT pg_temp.expect($$UPDATE aixin.county_terms SET county_share_fen = 2001 WHERE county_code = '360822' AND policy_year = 2027$$,
  'AXB01', 'county_share_fen');
-- Changing the year's range must keep the terms already set inside it.
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 37, pg_temp.k(37), 2027, '2027-01-01',
  3000, 200, 700, 2000, '[]')$$, 'AXR01', 'county_share_min_fen', 'county 360822 has a share of 6.00 yuan%');
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 37, pg_temp.k(37), 2027, '2027-01-01',
  3000, 200, 600, 900, '[]')$$, 'AXR01', 'county_share_max_fen');
-- City 2100: X would leave 3000 - 2100 - 1000 = -100.
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 37, pg_temp.k(37), 2027, '2027-01-01',
  3000, 2100, 600, 2000, '[]')$$, 'AXR01', 'city_subsidy_fen', 'township share in county 360821 would be negative%');
-- Premium 1100: X would leave 1100 - 200 - 1000 = -100.
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 37, pg_temp.k(37), 2027, '2027-01-01',
  1100, 200, 600, 1100, '[]')$$, 'AXR01', 'premium_fen', '%premium 11.00 - city subsidy 2.00 - county share 10.00 = -1.00 yuan');
SELECT pg_temp.eq('2027 2027-01-01 3000 200 600 2000 [illness:500000,child_death:1000000] 0 false', pg_temp.year_line(2027),
  'year unchanged by refused updates');
-- Visibility: a county and what lies under it, or the county above a township.
SELECT pg_temp.eq('360821,360822', (SELECT string_agg(county_code, ',') FROM aixin.list_county_terms(pg_temp.acct('adjuster'), 2027)),
  'city-level account sees every county');
SELECT pg_temp.eq('360821', (SELECT string_agg(county_code, ',') FROM aixin.list_county_terms(pg_temp.acct('clerk_a'), 2027)),
  'township clerk sees its county');
SELECT pg_temp.eq('360822', (SELECT string_agg(county_code, ',') FROM aixin.list_county_terms(pg_temp.acct('clerk_y'), 2027)),
  'county clerk sees its county');
SELECT pg_temp.eq('360821', (SELECT string_agg(county_code, ',') FROM aixin.list_county_terms(pg_temp.acct('auditor_x'), 2027)),
  'county auditor');
SELECT pg_temp.eq('360821', (SELECT string_agg(county_code, ',') FROM aixin.list_county_terms(pg_temp.admin(), 2028)),
  'only counties with terms');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_county_terms(pg_temp.admin(), 2031)$$, 'AXN01', 'policy_year');
\echo PASS county terms

-- ---------------------------------------------------------------------------
-- Enrollment freezes the split.
CREATE TEMP TABLE ids AS SELECT
  pg_temp.mkid('360821', '2022-03-01', 101) AS a1,
  pg_temp.mkid('360821', '2023-04-02', 103) AS a2,
  pg_temp.mkid('360821', '2024-05-03', 105) AS a3,
  pg_temp.mkid('360822', '2022-06-04', 107) AS b1,
  pg_temp.mkid('360822', '2023-07-05', 109) AS b2,
  pg_temp.mkid('360823', '2022-08-06', 111) AS z1;
SELECT * FROM ids \gset
SELECT pg_temp.family(100, '360821100', 'P-A1', pg_temp.mkid('360821', '1990-01-01', 201), :'a1');
SELECT pg_temp.family(102, '360821100', 'P-A2', pg_temp.mkid('360821', '1990-01-01', 203), :'a2');
SELECT pg_temp.family(104, '360821100', 'P-A3', pg_temp.mkid('360821', '1990-01-01', 205), :'a3');
SELECT pg_temp.family(106, '360822100', 'P-B1', pg_temp.mkid('360822', '1990-01-01', 207), :'b1');
SELECT pg_temp.family(108, '360822100', 'P-B2', pg_temp.mkid('360822', '1990-01-01', 209), :'b2');
SELECT pg_temp.family(110, '360823100', 'P-Z1', pg_temp.mkid('360823', '1990-01-01', 211), :'z1');

SELECT pg_temp.eq('ok 2027 3000 200 1000 1800 chinalife', (SELECT outcome || ' ' || policy_year || ' ' || premium_fen || ' '
  || city_share_fen || ' ' || county_share_fen || ' ' || township_share_fen || ' ' || insurer_code
  FROM aixin.enroll(pg_temp.acct('clerk_a'), 120, pg_temp.k(120), :'a1', 2027)), 'enroll in X');
-- Replay: the stored policy with its split.
SELECT pg_temp.eq('ok 200 1000 1800 chinalife', (SELECT outcome || ' ' || city_share_fen || ' ' || county_share_fen || ' '
  || township_share_fen || ' ' || insurer_code
  FROM aixin.enroll(pg_temp.acct('clerk_a'), 121, pg_temp.k(120), :'a1', 2027)), 'enroll replay keeps the split');
SELECT * FROM aixin.enroll(pg_temp.acct('clerk_a'), 122, pg_temp.k(122), :'a2', 2027) \g /dev/null
SELECT * FROM aixin.enroll(pg_temp.acct('clerk_x'), 123, pg_temp.k(123), :'a3', 2027) \g /dev/null
SELECT pg_temp.eq('ok 2027 3000 200 600 2200 taikang', (SELECT outcome || ' ' || policy_year || ' ' || premium_fen || ' '
  || city_share_fen || ' ' || county_share_fen || ' ' || township_share_fen || ' ' || insurer_code
  FROM aixin.enroll(pg_temp.acct('clerk_b'), 124, pg_temp.k(124), :'b1', 2027)), 'enroll in Y');
SELECT * FROM aixin.enroll(pg_temp.admin(), 125, pg_temp.k(125), :'b2', 2027) \g /dev/null
SELECT pg_temp.eq('3000=200+1000+1800:chinalife 3000=200+1000+1800:chinalife 3000=200+1000+1800:chinalife '
  || '3000=200+600+2200:taikang 3000=200+600+2200:taikang',
  pg_temp.split(:'a1', 2027) || ' ' || pg_temp.split(:'a2', 2027) || ' ' || pg_temp.split(:'a3', 2027) || ' '
  || pg_temp.split(:'b1', 2027) || ' ' || pg_temp.split(:'b2', 2027), 'stored splits');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.policies
  WHERE city_share_fen + county_share_fen + township_share_fen <> premium_fen), 'every split sums to the premium');
SELECT pg_temp.eq('ok:2027:200:1000:1800:chinalife', (SELECT string_agg(outcome || ':' || policy_year || ':' || city_share_fen
  || ':' || county_share_fen || ':' || township_share_fen || ':' || insurer_code, ',')
  FROM aixin.list_policies(pg_temp.acct('auditor_x'), 126, :'a2')), 'list_policies carries the split');
SELECT pg_temp.eq('not_found:', (SELECT string_agg(outcome || ':' || coalesce(insurer_code, ''), ',')
  FROM aixin.list_policies(pg_temp.acct('clerk_b'), 127, :'a2')), 'list_policies out of scope');
SELECT pg_temp.eq('true', (SELECT (detail - 'child_id' - 'policy_year' - 'premium_fen'
  = '{"city_share_fen": 200, "county_share_fen": 600, "township_share_fen": 2200, "insurer_code": "taikang"}')::text
  FROM aixin.audit_log WHERE request_id = 124), 'enroll audit records the split');
-- No county terms, no enrollment.
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.admin(), 128, pg_temp.k(128), %L, 2027)$$, :'z1'),
  'AXR01', 'policy_year', 'county 360823 has no share and insurer set for 2027');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE key = pg_temp.k(128)), 'refused enroll left no key');
-- The table checks the split by itself.
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen,
  city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  SELECT 2027, c.id, c.household_id, '360823100', 3000, 200, 1000, 1800, 1, 1 FROM aixin.children c WHERE c.id_number = %L$$, :'z1'),
  'AXR01', 'policy_year');
BEGIN;
DELETE FROM aixin.policies WHERE child_id = (SELECT id FROM aixin.children WHERE id_number = :'a3');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen,
  city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  SELECT 2027, c.id, c.household_id, '360821100', 3000, 200, 600, 2200, 1, 1 FROM aixin.children c WHERE c.id_number = %L$$, :'a3'),
  'AXB01', 'county_share_fen');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen,
  city_share_fen, county_share_fen, township_share_fen, insurer_id, enrolled_by)
  SELECT 2027, c.id, c.household_id, '360821100', 3000, 200, 1000, 1800, 2, 1 FROM aixin.children c WHERE c.id_number = %L$$, :'a3'),
  'AXB01', 'insurer_code');
SELECT pg_temp.expect(format($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen,
  city_share_fen, enrolled_by)
  SELECT 2027, c.id, c.household_id, '360821100', 3000, 200, 1 FROM aixin.children c WHERE c.id_number = %L$$, :'a3'),
  'AXB01', 'county_share_fen');
-- Written without a split, the policy gets the terms in force.
INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, enrolled_by)
SELECT 2027, c.id, c.household_id, '360821100', 1 FROM aixin.children c WHERE c.id_number = :'a3';
SELECT pg_temp.eq('3000=200+1000+1800:chinalife', pg_temp.split(:'a3', 2027), 'split filled in from the terms');
ALTER TABLE aixin.policies DISABLE TRIGGER policies_rules;
SELECT pg_temp.expect($$UPDATE aixin.policies SET township_share_fen = 1801 WHERE township_code = '360821100'$$, '23514');
SELECT pg_temp.expect($$UPDATE aixin.policies SET township_share_fen = -1, county_share_fen = 2801
  WHERE township_code = '360821100'$$, '23514');
ROLLBACK;
SELECT pg_temp.expect($$UPDATE aixin.policies SET county_share_fen = 900, township_share_fen = 1900
  WHERE township_code = '360821100'$$, 'AXR01', 'premium_fen');
SELECT pg_temp.expect($$UPDATE aixin.policies SET insurer_id = (SELECT id FROM aixin.insurers WHERE code = 'taikang')
  WHERE township_code = '360821100'$$, 'AXR01');
SELECT pg_temp.expect($$UPDATE aixin.policies SET premium_fen = 3500, township_share_fen = 2300
  WHERE township_code = '360821100'$$, 'AXB01', 'policy_year');
\echo PASS enrollment split

-- ---------------------------------------------------------------------------
-- The freeze rule: terms of a year or county-year with policies do not change.
SELECT pg_temp.eq('2027 2027-01-01 3000 200 600 2000 [illness:500000,child_death:1000000] 5 true', pg_temp.year_line(2027),
  'year frozen');
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 130, pg_temp.k(130), 2027, '2027-01-01',
  3000, 300, 600, 2000, '[{"event": "illness", "max_payout_fen": 500000}, {"event": "child_death", "max_payout_fen": 1000000}]')$$,
  'AXR01', 'year', 'policy year 2027 is frozen: 5 policies already enrolled');
-- Same terms, other caps: refused too.
SELECT pg_temp.expect($$SELECT * FROM aixin.update_policy_year(pg_temp.admin(), 130, pg_temp.k(130), 2027, '2027-01-01',
  3000, 200, 600, 2000, '[]')$$, 'AXR01', 'year');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET city_subsidy_fen = 300 WHERE year = 2027$$, 'AXR01', 'year',
  'policy year 2027 is frozen: 5 policies already enrolled');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET reference_date = '2027-02-01' WHERE year = 2027$$, 'AXR01', 'year');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET county_share_max_fen = 2100 WHERE year = 2027$$, 'AXR01', 'year');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET premium_fen = 3100 WHERE year = 2027$$, 'AXR01', 'year');
SELECT pg_temp.expect($$INSERT INTO aixin.policy_year_benefits VALUES (2027, 'disability', 300000)$$, 'AXR01', 'benefits');
SELECT pg_temp.expect($$UPDATE aixin.policy_year_benefits SET max_payout_fen = 1 WHERE policy_year = 2027$$, 'AXR01', 'benefits');
SELECT pg_temp.expect($$DELETE FROM aixin.policy_year_benefits WHERE policy_year = 2027$$, 'AXR01', 'benefits');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 131, pg_temp.k(131), '360821', 2027, 1200, 'chinalife')$$,
  'AXR01', 'policy_year', 'county 360821 is frozen for 2027: 3 policies already enrolled');
SELECT pg_temp.expect($$SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 131, pg_temp.k(131), '360822', 2027, 600, 'taikang')$$,
  'AXR01', 'policy_year', 'county 360822 is frozen for 2027: 2 policies already enrolled');
SELECT pg_temp.expect($$UPDATE aixin.county_terms SET county_share_fen = 1100 WHERE county_code = '360821' AND policy_year = 2027$$,
  'AXR01', 'policy_year');
SELECT pg_temp.expect($$UPDATE aixin.county_terms SET insurer_id = 2 WHERE county_code = '360822' AND policy_year = 2027$$,
  'AXR01', 'policy_year');
SELECT pg_temp.expect($$DELETE FROM aixin.county_terms WHERE county_code = '360821' AND policy_year = 2027$$, 'AXR01', 'policy_year');
-- Nothing changed.
SELECT pg_temp.eq('2027 2027-01-01 3000 200 600 2000 [illness:500000,child_death:1000000] 5 true', pg_temp.year_line(2027),
  'frozen year unchanged');
SELECT pg_temp.eq('360821:200/1000/1800:chinalife:3 360822:200/600/2200:taikang:2', pg_temp.terms_line(2027),
  'frozen county terms unchanged');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE key IN (pg_temp.k(130), pg_temp.k(131))),
  'refused changes left no key');
-- A county without policies in the year can still get (and change) its terms,
-- and the frozen year's unrelated columns may change.
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 132, pg_temp.k(132), '360823', 2027, 1500, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 133, pg_temp.k(133), '360823', 2027, 2000, 'taikang') \g /dev/null
SELECT pg_temp.eq('360823:200/2000/800:taikang:0', (SELECT county_code || ':' || city_share_fen || '/' || county_share_fen || '/'
  || township_share_fen || ':' || insurer_code || ':' || policies FROM aixin.list_county_terms(pg_temp.admin(), 2027)
  WHERE county_code = '360823'), 'terms of a county without policies');
UPDATE aixin.policy_years SET created_by = created_by WHERE year = 2027;
\echo PASS freeze

-- ---------------------------------------------------------------------------
-- Census: corrections are new revisions; history is kept.
SELECT pg_temp.eq('360821100 敦厚镇 2027 4 1  clerk_a true', (SELECT township_code || ' ' || township_name || ' ' || policy_year
  || ' ' || eligible_households || ' ' || revision || ' ' || coalesce(note, '') || ' ' || submitted_by || ' ' || current
  FROM aixin.submit_census(pg_temp.acct('clerk_a'), 140, pg_temp.k(140), '360821100', 2027, 4, '')), 'first census');
SELECT pg_temp.eq('1 true', (SELECT revision || ' ' || current
  FROM aixin.submit_census(pg_temp.acct('clerk_a'), 141, pg_temp.k(140), '360821100', 2027, 4, '')), 'census replay');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.census_submissions), 'one submission after replay');
SELECT pg_temp.eq('2 5 corrected after village check clerk_x', (SELECT revision || ' ' || eligible_households || ' ' || note
  || ' ' || submitted_by FROM aixin.submit_census(pg_temp.acct('clerk_x'), 142, pg_temp.k(142), '360821100', 2027, 5,
  'corrected after village check')), 'county clerk corrects');
SELECT pg_temp.eq('3 6 admin', (SELECT revision || ' ' || eligible_households || ' ' || submitted_by
  FROM aixin.submit_census(pg_temp.admin(), 143, pg_temp.k(143), '360821100', 2027, 6, NULL)), 'city admin corrects');
SELECT pg_temp.eq('1', (SELECT revision::text FROM aixin.submit_census(pg_temp.acct('clerk_c'), 144, pg_temp.k(144),
  '360821101', 2027, 10, NULL)), 'township C');
SELECT pg_temp.eq('1', (SELECT revision::text FROM aixin.submit_census(pg_temp.acct('clerk_b'), 145, pg_temp.k(145),
  '360822100', 2027, 3, NULL)), 'township B');
SELECT pg_temp.eq('1', (SELECT revision::text FROM aixin.submit_census(pg_temp.acct('clerk_a'), 146, pg_temp.k(146),
  '360821100', 2028, 7, NULL)), 'another year starts at 1');
-- A note holding an ID number is stored as typed but masked in the audit trail.
SELECT pg_temp.eq('2', (SELECT revision::text FROM aixin.submit_census(pg_temp.acct('clerk_b'), 147, pg_temp.k(147),
  '360822100', 2027, 3, 'recount incl. child ' || :'b1')), 'note with an ID number');
SELECT pg_temp.eq('recount incl. child ' || aixin.mask_id(:'b1'), (SELECT detail ->> 'note' FROM aixin.audit_log
  WHERE request_id = 147), 'note masked in audit');
-- Current figures vs history.
SELECT pg_temp.eq('360821100:3:6:true,360821101:1:10:true,360822100:2:3:true',
  (SELECT string_agg(township_code || ':' || revision || ':' || eligible_households || ':' || current, ',')
     FROM aixin.list_census(pg_temp.acct('auditor_city'), 2027, NULL, false)), 'current census of the city');
SELECT pg_temp.eq('360821100:1:4:false,360821100:2:5:false,360821100:3:6:true,360821101:1:10:true',
  (SELECT string_agg(township_code || ':' || revision || ':' || eligible_households || ':' || current, ',')
     FROM aixin.list_census(pg_temp.admin(), 2027, '360821', true)), 'census history of county X');
SELECT pg_temp.eq('360821100:3', (SELECT string_agg(township_code || ':' || revision, ',')
  FROM aixin.list_census(pg_temp.acct('clerk_a'), 2027, '', NULL)), 'township clerk: own township');
SELECT pg_temp.eq('360821100:1', (SELECT string_agg(township_code || ':' || revision, ',')
  FROM aixin.list_census(pg_temp.acct('clerk_x'), 2028, '360821100', true)), 'county clerk, one township, 2028');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_census(pg_temp.acct('clerk_a'), 2027, '360821', false)$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_census(pg_temp.acct('auditor_x'), 2027, '360822', false)$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_census(pg_temp.acct('adjuster'), 2027, NULL, false)$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_census(pg_temp.admin(), 2027, '999999', false)$$, 'AXN01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_census(pg_temp.admin(), 2031, NULL, false)$$, 'AXN01', 'policy_year');
-- Who may submit, and what.
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.acct('clerk_a'), 148, pg_temp.k(148), '360821101', 2027, 1, NULL)$$,
  'AXP01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.acct('clerk_y'), 148, pg_temp.k(148), '360821100', 2027, 1, NULL)$$,
  'AXP01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.acct('auditor_city'), 148, pg_temp.k(148), '360821100', 2027, 1, NULL)$$,
  'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.acct('adjuster'), 148, pg_temp.k(148), '360821100', 2027, 1, NULL)$$,
  'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821', 2027, 1, NULL)$$,
  'AXB01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821999', 2027, 1, NULL)$$,
  'AXN01', 'township_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2031, 1, NULL)$$,
  'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2027, -1, NULL)$$,
  'AXB01', 'eligible_households');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2027, NULL, NULL)$$,
  'AXB01', 'eligible_households');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2027, 1, E'two\nlines')$$,
  'AXB01', 'note');
SELECT pg_temp.expect($$SELECT * FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2027, 1, repeat('x', 201))$$,
  'AXB01', 'note');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.submit_census(pg_temp.admin(), 148, pg_temp.k(148), '360821100', 2027, 6,
  repeat('备', 200))), '200-character note');
-- History is never rewritten; revisions are numbered by the table.
SELECT pg_temp.expect($$UPDATE aixin.census_submissions SET eligible_households = 0$$, 'AXP01');
SELECT pg_temp.expect($$DELETE FROM aixin.census_submissions$$, 'AXP01');
SELECT pg_temp.expect($$TRUNCATE aixin.census_submissions$$, 'AXP01');
SELECT pg_temp.expect($$INSERT INTO aixin.census_submissions (township_code, policy_year, eligible_households, revision, submitted_by)
  VALUES ('360821101', 2027, 1, 5, 1)$$, 'AXB01', 'revision');
SELECT pg_temp.expect($$INSERT INTO aixin.census_submissions (township_code, policy_year, eligible_households, submitted_by)
  VALUES ('360821', 2027, 1, 1)$$, '23503');
SELECT pg_temp.eq('4', (SELECT max(revision)::text FROM aixin.census_submissions
  WHERE township_code = '360821100' AND policy_year = 2027), 'revisions 1-4');
\echo PASS census

-- ---------------------------------------------------------------------------
-- Disbursements.
SELECT pg_temp.eq('city 360800 吉安市 2027 600 CZ-2027-001 admin', (SELECT level || ' ' || division_code || ' ' || division_name
  || ' ' || policy_year || ' ' || amount_fen || ' ' || reference || ' ' || recorded_by
  FROM aixin.record_disbursement(pg_temp.admin(), 150, pg_temp.k(150), 'city', '360800', 2027, 600, '2026-03-01',
    'CZ-2027-001')), 'city pays');
SELECT pg_temp.eq('2026-03-01', (SELECT paid_on FROM aixin.record_disbursement(pg_temp.admin(), 151, pg_temp.k(150),
  'city', '360800', 2027, 600, '2026-03-01', 'CZ-2027-001')), 'disbursement replay');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.disbursements), 'one disbursement after replay');
SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 152, pg_temp.k(152), 'city', '360800', 2027, 100, aixin.local_today(),
  'CZ-2027-002') \g /dev/null
SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_x'), 153, pg_temp.k(153), 'county', '360821', 2027, 3000, '2026-03-02',
  'JA-2027-01') \g /dev/null
SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_y'), 154, pg_temp.k(154), 'county', '360822', 2027, 1000, '2026-03-02',
  'JS-2027-01') \g /dev/null
SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_a'), 155, pg_temp.k(155), 'township', '360821100', 2027, 5000, '2026-03-03',
  '敦厚财〔2027〕1号') \g /dev/null
-- A county clerk records a payment of one of its townships (C has no policies).
SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_x'), 156, pg_temp.k(156), 'township', '360821101', 2027, 100, '2026-03-04',
  'YY-2027-01') \g /dev/null
-- The same voucher number is fine for another division or year.
SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 157, pg_temp.k(157), 'city', '360800', 2028, 500, '2026-10-20',
  'CZ-2027-001') \g /dev/null
-- Refusals.
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821100', 2027,
  100, '2026-03-01', 'R-1')$$, 'AXB01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'city', '360821', 2027,
  100, '2026-03-01', 'R-1')$$, 'AXB01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'province', '360800', 2027,
  100, '2026-03-01', 'R-1')$$, 'AXB01', 'level');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360899', 2027,
  100, '2026-03-01', 'R-1')$$, 'AXN01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2031,
  100, '2026-03-01', 'R-1')$$, 'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, aixin.local_today() + 1, 'R-1')$$, 'AXB01', 'paid_on');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, '1999-12-31', 'R-1')$$, 'AXB01', 'paid_on');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  -100, '2026-03-01', 'R-1')$$, 'AXB01', 'amount_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  0, '2026-03-01', 'R-1')$$, 'AXB01', 'amount_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, '2026-03-01', '')$$, 'AXB01', 'reference');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, '2026-03-01', E'R\t1')$$, 'AXB01', 'reference');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, '2026-03-01', repeat('R', 65))$$, 'AXB01', 'reference');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.admin(), 158, pg_temp.k(158), 'county', '360821', 2027,
  100, '2026-04-01', 'JA-2027-01')$$, 'AXE01', 'reference');
-- Who records whose payments.
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_a'), 158, pg_temp.k(158), 'township', '360821101',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_a'), 158, pg_temp.k(158), 'county', '360821',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_x'), 158, pg_temp.k(158), 'city', '360800',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_x'), 158, pg_temp.k(158), 'township', '360822100',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('clerk_y'), 158, pg_temp.k(158), 'county', '360821',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('auditor_city'), 158, pg_temp.k(158), 'city', '360800',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.record_disbursement(pg_temp.acct('adjuster'), 158, pg_temp.k(158), 'city', '360800',
  2027, 100, '2026-03-01', 'R-1')$$, 'AXP01');
SELECT pg_temp.eq('7', (SELECT count(*)::text FROM aixin.disbursements), 'refusals recorded nothing');
-- Append-only; the table checks by itself.
SELECT pg_temp.expect($$UPDATE aixin.disbursements SET amount_fen = 1$$, 'AXP01');
SELECT pg_temp.expect($$DELETE FROM aixin.disbursements$$, 'AXP01');
SELECT pg_temp.expect($$TRUNCATE aixin.disbursements$$, 'AXP01');
SELECT pg_temp.expect($$INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on, reference, recorded_by)
  VALUES ('county', '360821', 2027, 1, aixin.local_today() + 1, 'T-1', 1)$$, 'AXB01', 'paid_on');
SELECT pg_temp.expect($$INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on, reference, recorded_by)
  VALUES ('county', '360821100', 2027, 1, '2026-01-01', 'T-1', 1)$$, '23503');
SELECT pg_temp.expect($$INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on, reference, recorded_by)
  VALUES ('county', '360821', 2027, 0, '2026-01-01', 'T-1', 1)$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on, reference, recorded_by)
  VALUES ('county', '360821', 2027, 1, '2026-01-01', 'JA-2027-01', 1)$$, '23505');
\echo PASS disbursements

-- ---------------------------------------------------------------------------
-- The ledger, worked by hand for 2027 (premium 3000, city 200):
--   township A (county X, county share 1000): 3 policies at 200/1000/1800
--   township B (county Y, county share  600): 2 policies at 200/ 600/2200
--   owed: city 5 x 200 = 1000; X 3 x 1000 = 3000; Y 2 x 600 = 1200;
--         A 3 x 1800 = 5400; B 2 x 2200 = 4400   (sum 15000 = 5 x 3000)
--   paid: city 600 + 100 = 700; X 3000; Y 1000; A 5000; C 100; B nothing
--   outstanding: city 300; X 0; Y 200; A 400; B 4400; C -100 (paid ahead)
SELECT pg_temp.eq('2027:city:360800:5:1000:700:300,'
                  '2027:county:360821:3:3000:3000:0,'
                  '2027:county:360822:2:1200:1000:200,'
                  '2027:township:360821100:3:5400:5000:400,'
                  '2027:township:360821101:0:0:100:-100,'
                  '2027:township:360822100:2:4400:0:4400',
  pg_temp.ledger(pg_temp.admin(), 2027, NULL), 'city ledger 2027');
SELECT pg_temp.eq('15000', (SELECT sum(owed_fen)::text FROM aixin.get_ledger(pg_temp.admin(), 2027, '')),
  'levels owe the whole premium');
SELECT pg_temp.eq('2027:county:360821:3:3000:3000:0,2027:township:360821100:3:5400:5000:400,2027:township:360821101:0:0:100:-100',
  pg_temp.ledger(pg_temp.acct('clerk_x'), 2027, ''), 'county clerk: county and its townships');
SELECT pg_temp.eq('2027:county:360822:2:1200:1000:200,2027:township:360822100:2:4400:0:4400',
  pg_temp.ledger(pg_temp.acct('auditor_city'), 2027, '360822'), 'auditor, root county Y');
SELECT pg_temp.eq('2027:township:360821100:3:5400:5000:400', pg_temp.ledger(pg_temp.acct('clerk_a'), 2027, NULL),
  'township clerk: own township');
SELECT pg_temp.eq('2027:township:360821100:3:5400:5000:400', pg_temp.ledger(pg_temp.acct('auditor_x'), 2027, '360821100'),
  'county auditor, one township');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.acct('clerk_a'), 2027, '360822')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.acct('clerk_a'), 2027, '360821')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.acct('clerk_x'), 2027, '360800')$$, 'AXP01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.acct('adjuster'), 2027, NULL)$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.admin(), 2027, '999999')$$, 'AXN01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.get_ledger(pg_temp.admin(), 2031, NULL)$$, 'AXN01', 'policy_year');
-- Every year (0): 2028 adds a1 in A at 500/2500/0 and the city's 500 for 2028.
SELECT pg_temp.eq('3000=500+2500+0:chinalife', (SELECT premium_fen || '=' || city_share_fen || '+' || county_share_fen || '+'
  || township_share_fen || ':' || insurer_code FROM aixin.enroll(pg_temp.acct('clerk_a'), 160, pg_temp.k(160), :'a1', 2028)),
  'a1 enrolled again in 2028');
SELECT pg_temp.eq('2027:county:360821:3:3000:3000:0,2027:township:360821100:3:5400:5000:400,2027:township:360821101:0:0:100:-100,'
                  '2028:county:360821:1:2500:0:2500,2028:township:360821100:1:0:0:0',
  pg_temp.ledger(pg_temp.acct('clerk_x'), 0, NULL), 'county X, every year');
SELECT pg_temp.eq('2028:city:360800:1:500:500:0,2028:county:360821:1:2500:0:2500,2028:township:360821100:1:0:0:0',
  pg_temp.ledger(pg_temp.admin(), 2028, NULL), 'city ledger 2028');
SELECT pg_temp.eq('9', (SELECT count(*)::text FROM aixin.get_ledger(pg_temp.admin(), 0, NULL)), 'city ledger, every year');
SELECT pg_temp.eq('1200', aixin.city_subsidy_paid_to_date(pg_temp.acct('auditor_x'))::text, 'city subsidy paid to date');
SELECT pg_temp.eq('1200', aixin.city_subsidy_paid_to_date(pg_temp.acct('clerk_a'))::text, 'city subsidy, township reader');
SELECT pg_temp.expect($$SELECT aixin.city_subsidy_paid_to_date(pg_temp.acct('adjuster'))$$, 'AXP01');
\echo PASS ledger

-- ---------------------------------------------------------------------------
-- Audit: every change has its row with request and key; no ID numbers.
SELECT pg_temp.eq('census.submit:8 county_terms.set:6 disbursement.record:7 insurer.register:2 policy.enroll:6 '
                  'policy_year.open:2 policy_year.update:2',
  (SELECT string_agg(action || ':' || n, ' ' ORDER BY action) FROM (
     SELECT action, count(*) AS n FROM aixin.audit_log
      WHERE action IN ('policy_year.open', 'policy_year.update', 'insurer.register', 'county_terms.set',
                       'census.submit', 'disbursement.record', 'policy.enroll')
      GROUP BY action) a), 'one audit row per change');
SELECT pg_temp.eq('true', (SELECT bool_and(request_id IS NOT NULL AND idempotency_key IS NOT NULL)::text FROM aixin.audit_log
  WHERE action IN ('policy_year.open', 'policy_year.update', 'insurer.register', 'county_terms.set', 'census.submit',
                   'disbursement.record', 'policy.enroll')), 'changes carry request and key');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.audit_log
  WHERE coalesce(target, '') ~ '[0-9]{17}' OR coalesce(detail::text, '') ~ '[0-9]{17}'), 'no ID numbers in audit');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE result IS NULL), 'every key has its result');
\echo PASS audit
