-- SQL-level checks of the aixin schema and API functions (deploy/sql).
-- Run by tests/integration/it_sql_rules.sh against a freshly migrated
-- database with the Ji'an divisions and the account 'admin' loaded:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/rules.sql
-- Every check raises on failure; \echo lines report the sections passed.
-- ID numbers are synthetic (correct check characters, made-up people).

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
-- when given).
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

-- ---------------------------------------------------------------------------
-- ID numbers and masking.
SELECT pg_temp.eq('true', aixin.id_number_valid('11010519491231002X')::text, 'valid id');
SELECT pg_temp.eq('false', aixin.id_number_valid('110105194912310021')::text, 'bad check char');
SELECT pg_temp.eq('false', aixin.id_number_valid('11010519491231002x')::text, 'lower-case x');
SELECT pg_temp.eq('false', aixin.id_number_valid(pg_temp.mkid('360821', '2023-01-01', 1) || '0')::text, 'too long');
SELECT pg_temp.eq('false', aixin.id_number_valid('36082120230230' || '001' || aixin.id_check_char('36082120230230001'))::text, 'Feb 30');
SELECT pg_temp.eq('true', aixin.id_number_valid(pg_temp.mkid('360821', '2024-02-29', 2))::text, 'leap day');
SELECT pg_temp.eq('false', aixin.id_number_valid('36082120230229' || '001' || aixin.id_check_char('36082120230229001'))::text, 'Feb 29 in 2023');
SELECT pg_temp.eq('1949-12-31', aixin.id_birth_date('11010519491231002X')::text, 'birth date');
SELECT pg_temp.eq('F', aixin.id_sex('11010519491231002X'), 'sex even');
SELECT pg_temp.eq('M', aixin.id_sex(pg_temp.mkid('360821', '2023-01-01', 1)), 'sex odd');
SELECT pg_temp.eq('110105********002X', aixin.mask_id('11010519491231002X'), 'mask');
\echo PASS id numbers and masking

-- ---------------------------------------------------------------------------
-- Divisions and scope.
SELECT pg_temp.eq('266', (SELECT count(*)::text FROM aixin.divisions), 'divisions loaded');
SELECT pg_temp.eq('360800', (SELECT city_code FROM aixin.divisions WHERE code = '360821100'), 'township city');
SELECT pg_temp.eq('360821', (SELECT county_code FROM aixin.divisions WHERE code = '360821100'), 'township county');
SELECT pg_temp.eq('true', aixin.in_scope('360800', '360821100')::text, 'city scope');
SELECT pg_temp.eq('true', aixin.in_scope('360821', '360821100')::text, 'county scope');
SELECT pg_temp.eq('false', aixin.in_scope('360822', '360821100')::text, 'other county');
SELECT pg_temp.eq('false', aixin.in_scope('360821100', '360821')::text, 'township above');
SELECT pg_temp.eq('false', aixin.upsert_division('360821', '吉安县', '360800', 'county')::text, 'upsert idempotent');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360821', '吉安县', NULL, 'city')$$, 'AXB01');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360899', 'x', '360821', 'county')$$, 'AXB01');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360821999', 'x', '360800', 'township')$$, 'AXB01', 'parent_code');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360822999', 'x', '360821', 'township')$$, '23514');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360821999', 'x', '360821999', 'township')$$, 'AXN01');
SELECT pg_temp.expect($$SELECT aixin.upsert_division('360900', 'x', NULL, 'city')$$, '23505');
SELECT pg_temp.expect($$UPDATE aixin.divisions SET parent_code = '360822' WHERE code = '360821100'$$, 'AXB01');
-- Derived columns come from the parent, whatever the writer says; with the
-- trigger out of the way the constraints still hold.
INSERT INTO aixin.divisions (code, name, parent_code, level, county_code, city_code)
VALUES ('360821998', 'x', '360821', 'township', '360821', '360821');
SELECT pg_temp.eq('360800', (SELECT city_code FROM aixin.divisions WHERE code = '360821998'), 'derived city');
DELETE FROM aixin.divisions WHERE code = '360821998';
BEGIN;
ALTER TABLE aixin.divisions DISABLE TRIGGER divisions_derive;
SELECT pg_temp.expect($$INSERT INTO aixin.divisions (code, name, parent_code, level, county_code, city_code)
                        VALUES ('360821998', 'x', '360821', 'township', '360821', '360821')$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.divisions (code, name, parent_code, level, county_code, city_code)
                        VALUES ('360821998', 'x', '360821', 'township', '360821', '360821100')$$, '23503');
SELECT pg_temp.expect($$INSERT INTO aixin.divisions (code, name, parent_code, level, county_code, city_code)
                        VALUES ('360899', 'x', '360821', 'county', '360899', '360821')$$, '23503');
ROLLBACK;
\echo PASS divisions and scope

-- ---------------------------------------------------------------------------
-- Accounts.
SELECT pg_temp.eq('city_admin', (SELECT role FROM aixin.accounts WHERE id = pg_temp.admin()), 'admin role');
SELECT pg_temp.eq('false', aixin.bootstrap_admin('admin', '$argon2id$v=19$m=65536,t=2,p=1$x$y')::text, 'bootstrap again');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.account_for_login('admin')), 'login lookup');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.account_for_login('nobody')), 'unknown login');

-- Adjusters belong to an insurer (0006).
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 900, pg_temp.k(900), 'testins', '测试保险') \g /dev/null
SELECT pg_temp.eq('clerk_jaxian', (SELECT username FROM aixin.create_account(pg_temp.admin(), 1, pg_temp.k(1),
  'clerk_jaxian', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false)), 'county clerk');
SELECT pg_temp.eq('clerk_dunhou', (SELECT username FROM aixin.create_account(pg_temp.admin(), 2, pg_temp.k(2),
  'clerk_dunhou', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360821100', NULL, false)), 'township clerk');
SELECT pg_temp.eq('clerk_other', (SELECT username FROM aixin.create_account(pg_temp.admin(), 3, pg_temp.k(3),
  'clerk_other', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360822100', NULL, false)), 'other township clerk');
SELECT pg_temp.eq('auditor_jaxian', (SELECT username FROM aixin.create_account(pg_temp.admin(), 4, pg_temp.k(4),
  'auditor_jaxian', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'auditor', '360821', NULL, false)), 'auditor');
SELECT pg_temp.eq('adjuster', (SELECT username FROM aixin.create_account(pg_temp.admin(), 5, pg_temp.k(5),
  'adjuster', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'insurer_adjuster', '360800', 'testins', false)), 'adjuster');

CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = u
$$;

-- Replay returns the first answer; the same key with another request is refused.
SELECT pg_temp.eq(pg_temp.acct('clerk_jaxian')::text, (SELECT id::text FROM aixin.create_account(pg_temp.admin(), 1, pg_temp.k(1),
  'clerk_jaxian', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false)), 'account replay');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 1, pg_temp.k(1),
  'clerk_jaxian2', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false)$$, 'AXK01', 'idempotency_key');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'clerk_jaxian', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false)$$, 'AXE01', 'username');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'Bad Name', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821', NULL, false)$$, 'AXB01', 'username');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'plain', 'secret', 'county_clerk', '360821', NULL, false)$$, 'AXB01', 'password');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'wrong_level', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'county_clerk', '360821100', NULL, false)$$, 'AXB01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'no_div', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'auditor', '999999', NULL, false)$$, 'AXN01', 'division_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, pg_temp.k(9),
  'bad_role', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'root', '360821', NULL, false)$$, 'AXB01', 'role');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.acct('clerk_jaxian'), 9, pg_temp.k(9),
  'by_clerk', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360821100', NULL, false)$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(123456, 9, pg_temp.k(9),
  'by_ghost', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'township_clerk', '360821100', NULL, false)$$, 'AXU01');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 9, '\x00'::bytea,
  'short_key', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'auditor', '360821', NULL, false)$$, 'AXB01', 'idempotency_key');
-- Rejected requests leave no key behind.
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE key = pg_temp.k(9)), 'no key stored on error');
-- The table re-checks role and level.
SELECT pg_temp.expect($$INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
  VALUES ('sneaky', '$argon2id$x', 'city_admin', '360821', 'county')$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
  VALUES ('sneaky', '$argon2id$x', 'city_admin', '360821', 'city')$$, '23503');
\echo PASS accounts

-- ---------------------------------------------------------------------------
-- Sessions.
SELECT pg_temp.eq('admin city_admin 360800', (SELECT username || ' ' || role || ' ' || division_code
  FROM aixin.session_open(pg_temp.admin(), sha256('tok-1'), 3600)), 'session open');
SELECT pg_temp.eq(pg_temp.admin()::text, (SELECT account_id::text FROM aixin.session_resume(sha256('tok-1'))), 'session resume');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.session_resume(sha256('tok-unknown'))), 'unknown token');
SELECT pg_temp.expect($$SELECT * FROM aixin.session_open(pg_temp.admin(), '\x01'::bytea, 3600)$$, 'AXB01');
SELECT aixin.session_close(sha256('tok-1'));
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.session_resume(sha256('tok-1'))), 'closed session');
SELECT * FROM aixin.session_open(pg_temp.acct('adjuster'), sha256('tok-2'), 3600) \g /dev/null
UPDATE aixin.accounts SET disabled = true WHERE username = 'adjuster';
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.session_resume(sha256('tok-2'))), 'disabled account session');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.account_for_login('adjuster')), 'disabled login');
SELECT pg_temp.expect($$SELECT * FROM aixin.session_open(pg_temp.acct('adjuster'), sha256('tok-3'), 3600)$$, 'AXU01');
UPDATE aixin.accounts SET disabled = false WHERE username = 'adjuster';
UPDATE aixin.sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
 WHERE token_hash = sha256('tok-2');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.session_resume(sha256('tok-2'))), 'expired session');
\echo PASS sessions

-- ---------------------------------------------------------------------------
-- Divisions listing.
SELECT pg_temp.eq('266', (SELECT count(*)::text FROM aixin.list_divisions(pg_temp.admin(), NULL)), 'admin sees all');
SELECT pg_temp.eq('360800', (SELECT code FROM aixin.list_divisions(pg_temp.admin(), '') LIMIT 1), 'ordered by code');
SELECT pg_temp.eq((SELECT (count(*) + 1)::text FROM aixin.divisions WHERE parent_code = '360821'),
  (SELECT count(*)::text FROM aixin.list_divisions(pg_temp.acct('clerk_jaxian'), NULL)), 'county clerk sees county');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.list_divisions(pg_temp.acct('clerk_dunhou'), NULL)), 'township clerk');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_divisions(pg_temp.acct('clerk_dunhou'), '360821')$$, 'AXP01', 'root_code');
SELECT pg_temp.expect($$SELECT * FROM aixin.list_divisions(pg_temp.admin(), '999999')$$, 'AXN01', 'root_code');
\echo PASS list_divisions

-- ---------------------------------------------------------------------------
-- Households.
CREATE TEMP TABLE ids AS SELECT
  pg_temp.mkid('360821', '1990-03-04', 111) AS father,
  pg_temp.mkid('360821', '1992-05-06', 222) AS mother,
  pg_temp.mkid('360821', '1988-01-02', 333) AS father2,
  pg_temp.mkid('360821', '1989-01-02', 444) AS mother2,
  pg_temp.mkid('360822', '1985-07-08', 555) AS far_guardian,
  pg_temp.mkid('360821', '2022-06-15', 101) AS son,
  pg_temp.mkid('360821', '2021-02-01', 102) AS daughter1,
  pg_temp.mkid('360821', '2023-09-09', 104) AS daughter2,
  pg_temp.mkid('360821', '2024-01-01', 106) AS daughter3,
  pg_temp.mkid('360821', '2019-12-31', 201) AS old_son,
  pg_temp.mkid('360821', '2020-01-01', 203) AS just_six,
  pg_temp.mkid('360822', '2022-01-01', 301) AS far_child;
SELECT * FROM ids \gset

SELECT pg_temp.eq('2', (SELECT count(*)::text FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 10, pg_temp.k(10),
  '360821100', 'only_child', 'JA-0001', :'father', '张三', lower(:'mother'), '李四')), 'register rows');
CREATE TEMP TABLE hh AS SELECT household_id AS only_hh FROM aixin.guardians g JOIN aixin.households h ON h.id = g.household_id
 WHERE g.id_number = :'father';
SELECT only_hh FROM hh \gset
-- Replay: same rows, nothing new.
SELECT pg_temp.eq(:'only_hh' || ' guardian 1 ' || :'father' || ' M 1990-03-04',
  (SELECT household_id || ' ' || member || ' ' || member_id || ' ' || id_number || ' ' || sex || ' ' || birth_date
     FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 11, pg_temp.k(10),
       '360821100', 'only_child', 'JA-0001', :'father', '张三', lower(:'mother'), '李四') LIMIT 1), 'register replay');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.households), 'one household after replay');
SELECT pg_temp.eq(upper(:'mother'), (SELECT id_number FROM aixin.guardians WHERE position = 2), 'stored upper-case');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(10),
  '360821100', 'only_child', 'JA-0002', %L, '张三', NULL, NULL)$$, :'father'), 'AXK01', 'idempotency_key');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0001', %L, 'x', NULL, NULL)$$, :'father2'), 'AXE01', 'certificate_no');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', %L, 'x', %L, 'y')$$, :'father2', :'mother'), 'AXE01', 'guardians[1].id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', %L, 'x', %L, 'y')$$, :'father2', :'father2'), 'AXB01', 'guardians[1].id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', '110105194912310021', 'x', NULL, NULL)$$), 'AXB01', 'guardians[0].id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'three_sons', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXB01', 'kind');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', E'JA\n1', %L, 'x', NULL, NULL)$$, :'father2'), 'AXB01', 'certificate_no');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', %L, ' x', NULL, NULL)$$, :'father2'), 'AXB01', 'guardians[0].name');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821101', 'only_child', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXP01', 'township_code');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821', 'only_child', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXB01', 'township_code');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('clerk_dunhou'), 12, pg_temp.k(12),
  '360821999', 'only_child', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXN01', 'township_code');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('auditor_jaxian'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXP01');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.acct('adjuster'), 12, pg_temp.k(12),
  '360821100', 'only_child', 'JA-0009', %L, 'x', NULL, NULL)$$, :'father2'), 'AXP01');
-- A county clerk registers in a township of the county; the city admin anywhere.
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.register_household(pg_temp.acct('clerk_jaxian'), 13, pg_temp.k(13),
  '360821101', 'two_daughters', 'JA-0002', :'father2', '王五', NULL, NULL)), 'county clerk registers');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.register_household(pg_temp.admin(), 14, pg_temp.k(14),
  '360822100', 'only_child', 'TH-0001', :'far_guardian', '赵六', NULL, NULL)), 'admin registers');
-- Certificates: required for only-child households, optional for two-daughter ones.
SELECT pg_temp.eq('-', (SELECT DISTINCT coalesce(certificate_no, '-') FROM aixin.register_household(pg_temp.admin(), 15, pg_temp.k(15),
  '360821102', 'two_daughters', '', pg_temp.mkid('360821', '1987-01-01', 151), '甲', NULL, NULL)), 'two daughters, no certificate');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.register_household(pg_temp.admin(), 16, pg_temp.k(16),
  '360821102', 'two_daughters', NULL, pg_temp.mkid('360821', '1987-01-01', 153), '乙', '', '')), 'another without certificate');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.admin(), 17, pg_temp.k(17),
  '360821102', 'only_child', '', %L, 'x', NULL, NULL)$$, pg_temp.mkid('360821', '1987-01-01', 155)), 'AXB01', 'certificate_no');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.register_household(pg_temp.admin(), 17, pg_temp.k(17),
  '360821102', 'only_child', 'JA 0003', %L, 'x', NULL, NULL)$$, pg_temp.mkid('360821', '1987-01-01', 155)), 'AXB01', 'certificate_no');
SELECT pg_temp.expect($$INSERT INTO aixin.households (township_code, kind, certificate_no, created_by)
  VALUES ('360821102', 'only_child', NULL, 1)$$, '23514');
SELECT pg_temp.expect($$INSERT INTO aixin.households (township_code, kind, certificate_no, created_by)
  VALUES ('360821', 'only_child', 'X-1', 1)$$, '23503');
SELECT pg_temp.expect($$UPDATE aixin.households SET kind = 'two_daughters' WHERE certificate_no = 'JA-0001'$$, 'AXB01');
\echo PASS register_household

-- ---------------------------------------------------------------------------
-- Children.
CREATE TEMP TABLE hh2 AS SELECT household_id AS two_hh FROM aixin.guardians WHERE id_number = (SELECT father2 FROM ids);
CREATE TEMP TABLE hh3 AS SELECT household_id AS far_hh FROM aixin.guardians WHERE id_number = (SELECT far_guardian FROM ids);
SELECT * FROM hh2, hh3 \gset

SELECT pg_temp.eq(:'son' || ' M 2022-06-15', (SELECT id_number || ' ' || sex || ' ' || birth_date
  FROM aixin.add_child(pg_temp.acct('clerk_dunhou'), 20, pg_temp.k(20), :only_hh, :'son', '张小三', NULL, NULL)), 'add child');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.add_child(pg_temp.acct('clerk_dunhou'), 21, pg_temp.k(20),
  :only_hh, :'son', '张小三', NULL, NULL)), 'add child replay');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.children), 'one child after replay');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_dunhou'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :only_hh, :'daughter1'), 'AXR01');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_dunhou'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :only_hh, :'son'), 'AXE01', 'id_number');
-- Out of scope looks like missing.
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_other'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :only_hh, :'daughter1'), 'AXN01', 'household_id');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_dunhou'), 22, pg_temp.k(22), 999999, %L, 'x', NULL, NULL)$$,
  :'daughter1'), 'AXN01', 'household_id');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 22, pg_temp.k(22), %s, %L, 'x', 'M', NULL)$$,
  :two_hh, :'daughter1'), 'AXB01', 'sex');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 22, pg_temp.k(22), %s, %L, 'x', NULL, '2021-02-02')$$,
  :two_hh, :'daughter1'), 'AXB01', 'birth_date');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :two_hh, :'old_son'), 'AXR01', 'sex');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :two_hh, pg_temp.mkid('360821', (CURRENT_DATE + 400), 2)), 'AXB01', 'id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('auditor_jaxian'), 22, pg_temp.k(22), %s, %L, 'x', NULL, NULL)$$,
  :two_hh, :'daughter1'), 'AXP01');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 23, pg_temp.k(23),
  :two_hh, :'daughter2', '王小二', 'f', '2023-09-09')), 'daughter 2');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 24, pg_temp.k(24),
  :two_hh, :'daughter1', '王小一', NULL, NULL)), 'daughter 1');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.add_child(pg_temp.acct('clerk_jaxian'), 25, pg_temp.k(25), %s, %L, 'x', NULL, NULL)$$,
  :two_hh, :'daughter3'), 'AXR01', 'household_id');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.add_child(pg_temp.admin(), 26, pg_temp.k(26),
  :far_hh, :'far_child', '赵小六', NULL, NULL)), 'far child');
-- The table re-checks what the function checks (on an empty household).
SELECT * FROM aixin.register_household(pg_temp.admin(), 27, pg_temp.k(27), '360821100', 'only_child', 'EMPTY-1',
  pg_temp.mkid('360821', '1980-01-01', 271), 'x', NULL, NULL) \g /dev/null
CREATE TEMP TABLE hh4 AS SELECT id AS empty_hh FROM aixin.households WHERE certificate_no = 'EMPTY-1';
SELECT * FROM hh4 \gset
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (%s, %L, 'x', 'F', '2024-01-02', 1)$$, :empty_hh, :'daughter3'), '23514');
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (%s, %L, 'x', 'M', '2024-01-01', 1)$$, :empty_hh, :'daughter3'), '23514');
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (%s, '110105194912310021', 'x', 'F', '1949-12-31', 1)$$, :empty_hh), '23514');
SELECT pg_temp.expect(format($$INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
  VALUES (%s, lower(%L), 'x', 'F', '2024-01-01', 1)$$, :empty_hh,
  (SELECT i FROM generate_series(2, 998, 2) s, pg_temp.mkid('360821', '2024-01-01', s) i WHERE i LIKE '%X' LIMIT 1)), '23514');
\echo PASS add_child

-- ---------------------------------------------------------------------------
-- Finding households (audited, refusals too).
SELECT pg_temp.eq('guardian guardian child', (SELECT string_agg(member, ' ')
  FROM aixin.find_household(pg_temp.acct('clerk_dunhou'), 30, :'mother')), 'find rows');
SELECT pg_temp.eq('guardian:1988-01-02 child:2021-02-01 child:2023-09-09', (SELECT string_agg(member || ':' || birth_date, ' ')
  FROM aixin.find_household(pg_temp.acct('auditor_jaxian'), 31, :'father2')), 'children by birth date');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome || coalesce(household_id::text, ''), ',')
  FROM aixin.find_household(pg_temp.acct('clerk_other'), 32, :'father')), 'other township: not found');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome || coalesce(household_id::text, ''), ',')
  FROM aixin.find_household(pg_temp.acct('clerk_dunhou'), 33, pg_temp.mkid('360821', '1970-01-01', 999))), 'unknown: not found');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.find_household(pg_temp.acct('adjuster'), 34, :'father')), 'adjuster: not found');
SELECT pg_temp.expect($$SELECT * FROM aixin.find_household(pg_temp.admin(), 35, '12345')$$, 'AXB01', 'guardian_id_number');
SELECT pg_temp.eq('household.read household.read household.read.denied household.read.missing household.read.denied',
  (SELECT string_agg(action, ' ' ORDER BY request_id) FROM aixin.audit_log WHERE request_id BETWEEN 30 AND 34), 'read audit');
SELECT pg_temp.eq('household:' || :'only_hh', (SELECT target FROM aixin.audit_log WHERE request_id = 32), 'denied audit target');
\echo PASS find_household

-- By the certificate number and from a child to its household, with the
-- guardian lookup's scope rule and audit.
SELECT pg_temp.eq(:'only_hh' || ' guardian guardian child', (SELECT min(household_id) || ' ' || string_agg(member, ' ')
  FROM aixin.find_household(pg_temp.acct('clerk_dunhou'), 9001, NULL, 'JA-0001', NULL)), 'find by certificate');
SELECT pg_temp.eq(:'only_hh' || ' guardian guardian child', (SELECT min(household_id) || ' ' || string_agg(member, ' ')
  FROM aixin.find_household(pg_temp.acct('clerk_dunhou'), 9002, '', '', lower(:'son'))), 'find by child');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.find_household(pg_temp.acct('clerk_other'), 9003, NULL, 'JA-0001', NULL)), 'certificate, other township: not found');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.find_household(pg_temp.acct('clerk_other'), 9004, NULL, NULL, :'son')), 'child, other township: not found');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.find_household(pg_temp.acct('clerk_dunhou'), 9005, NULL, 'NO-SUCH', NULL)), 'unknown certificate: not found');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.find_household(pg_temp.acct('adjuster'), 9006, NULL, NULL, :'son')), 'child, adjuster: not found');
SELECT pg_temp.expect($$SELECT * FROM aixin.find_household(pg_temp.admin(), 9007, NULL, NULL, NULL)$$, 'AXB01', 'guardian_id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.find_household(pg_temp.admin(), 9007, %L, 'JA-0001', NULL)$$, :'father'),
  'AXB01', 'guardian_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.find_household(pg_temp.admin(), 9007, NULL, NULL, '12345')$$, 'AXB01', 'child_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.find_household(pg_temp.admin(), 9007, NULL, 'JA 1', NULL)$$, 'AXB01', 'certificate_no');
SELECT pg_temp.eq('household.read household.read household.read.denied household.read.denied household.read.missing household.read.denied',
  (SELECT string_agg(action, ' ' ORDER BY request_id) FROM aixin.audit_log WHERE request_id BETWEEN 9001 AND 9006), 'read audit by certificate and child');
SELECT pg_temp.eq('household:' || :'only_hh' || ' certificate:JA-0001', (SELECT target || ' ' || (detail->>'by')
  FROM aixin.audit_log WHERE request_id = 9003), 'denied audit names the certificate');
SELECT pg_temp.eq('child:' || aixin.mask_id(:'son'), (SELECT target FROM aixin.audit_log WHERE request_id = 9006), 'role refusal masks the child');
\echo PASS find_household by certificate and child

-- ---------------------------------------------------------------------------
-- Policy years and enrollment.
SELECT pg_temp.eq('2027 2027-01-01 3000', (SELECT year || ' ' || reference_date || ' ' || premium_fen
  FROM aixin.open_policy_year(pg_temp.admin(), 40, pg_temp.k(40), 2027, '2027-01-01', 3000, 0, 0, 3000, '[]')), 'open year');
SELECT pg_temp.eq('2027', (SELECT year::text FROM aixin.open_policy_year(pg_temp.admin(), 41, pg_temp.k(40), 2027, '2027-01-01', 3000, 0, 0, 3000, '[]')), 'open year replay');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 41, pg_temp.k(40), 2027, '2027-01-01', 3500, 0, 0, 3500, '[]')$$, 'AXK01');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 42, pg_temp.k(42), 2027, '2027-01-01', 3000, 0, 0, 3000, '[]')$$, 'AXE01', 'year');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 42, pg_temp.k(42), 2028, '2030-01-01', 3000, 0, 0, 3000, '[]')$$, 'AXB01', 'reference_date');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 42, pg_temp.k(42), 2028, '2028-01-01', 0, 0, 0, 0, '[]')$$, 'AXB01', 'premium_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 42, pg_temp.k(42), 1999, '1999-01-01', 3000, 0, 0, 3000, '[]')$$, 'AXB01', 'year');
SELECT pg_temp.expect($$SELECT * FROM aixin.open_policy_year(pg_temp.acct('clerk_jaxian'), 42, pg_temp.k(42), 2028, '2028-01-01', 3000, 0, 0, 3000, '[]')$$, 'AXP01');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.open_policy_year(pg_temp.admin(), 43, pg_temp.k(43), 2026, '2026-01-01', 2500, 0, 0, 2500, '[]')), 'open 2026');
-- Enrollment needs the county's share and insurer for the year (0003).
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 901, pg_temp.k(901), '360821', 2026, 0, 'testins') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 902, pg_temp.k(902), '360821', 2027, 0, 'testins') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 903, pg_temp.k(903), '360824', 2027, 0, 'testins') \g /dev/null
SELECT pg_temp.eq('2027,2026', (SELECT string_agg(year::text, ',') FROM aixin.list_policy_years(pg_temp.acct('adjuster'))), 'years desc');

SELECT pg_temp.eq('ok 2027 3000 ' || :'son', (SELECT outcome || ' ' || policy_year || ' ' || premium_fen || ' ' || child_id_number
  FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 50, pg_temp.k(50), :'son', 2027)), 'enroll');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 51, pg_temp.k(50), :'son', 2027)), 'enroll replay');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.policies), 'one policy after replay');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 52, pg_temp.k(52), %L, 2027)$$, :'son'), 'AXE01');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 52, pg_temp.k(52), %L, 2030)$$, :'son'), 'AXN01', 'policy_year');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.acct('clerk_other'), 52, pg_temp.k(52), %L, 2026)$$, :'son'), 'AXN01', 'child_id_number');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.acct('auditor_jaxian'), 52, pg_temp.k(52), %L, 2026)$$, :'son'), 'AXP01');
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 52, pg_temp.k(52), %L, 2026)$$,
  pg_temp.mkid('360821', '2020-01-01', 999)), 'AXN01', 'child_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.enroll(pg_temp.acct('clerk_dunhou'), 52, pg_temp.k(52), 'nonsense', 2026)$$, 'AXB01', 'child_id_number');
-- Ages: 0-6 on the reference date.
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.enroll(pg_temp.acct('clerk_jaxian'), 53, pg_temp.k(53), :'daughter1', 2027)), 'age 5');
SELECT pg_temp.eq('2500', (SELECT premium_fen::text FROM aixin.enroll(pg_temp.acct('clerk_jaxian'), 54, pg_temp.k(54), :'daughter2', 2026)), 'premium of the year');
\echo PASS policy years and enroll basics

-- Age boundaries on a throwaway household (rolled back).
BEGIN;
SELECT * FROM aixin.register_household(pg_temp.admin(), 60, pg_temp.k(60), '360821100', 'only_child', 'AGE-1',
  pg_temp.mkid('360821', '1980-01-01', 601), 'x', NULL, NULL) \g /dev/null
SELECT * FROM aixin.register_household(pg_temp.admin(), 61, pg_temp.k(61), '360821100', 'only_child', 'AGE-2',
  pg_temp.mkid('360821', '1980-01-01', 603), 'x', NULL, NULL) \g /dev/null
SELECT * FROM aixin.register_household(pg_temp.admin(), 62, pg_temp.k(62), '360821100', 'only_child', 'AGE-3',
  pg_temp.mkid('360821', '1980-01-01', 605), 'x', NULL, NULL) \g /dev/null
SELECT * FROM aixin.add_child(pg_temp.admin(), 63, pg_temp.k(63),
  (SELECT id FROM aixin.households WHERE certificate_no = 'AGE-1'), pg_temp.mkid('360821', '2020-01-02', 611), 'x', NULL, NULL) \g /dev/null
SELECT * FROM aixin.add_child(pg_temp.admin(), 64, pg_temp.k(64),
  (SELECT id FROM aixin.households WHERE certificate_no = 'AGE-2'), pg_temp.mkid('360821', '2020-01-01', 613), 'x', NULL, NULL) \g /dev/null
SELECT * FROM aixin.add_child(pg_temp.admin(), 65, pg_temp.k(65),
  (SELECT id FROM aixin.households WHERE certificate_no = 'AGE-3'), pg_temp.mkid('360821', '2020-02-29', 615), 'x', NULL, NULL) \g /dev/null
-- Born 2020-01-02: 6 on 2027-01-01 (turns 7 the next day).
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.enroll(pg_temp.admin(), 66, pg_temp.k(66),
  pg_temp.mkid('360821', '2020-01-02', 611), 2027)), 'six, last day');
-- Born 2020-01-01: 7 on 2027-01-01.
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.admin(), 67, pg_temp.k(67), %L, 2027)$$,
  pg_temp.mkid('360821', '2020-01-01', 613)), 'AXR01', 'child_id_number');
-- Born on the reference date itself: age 0, covered.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 68, pg_temp.k(68), 2020, '2020-02-29', 3000, 0, 0, 3000, '[]') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 904, pg_temp.k(904), '360821', 2020, 0, 'testins') \g /dev/null
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.enroll(pg_temp.admin(), 69, pg_temp.k(69),
  pg_temp.mkid('360821', '2020-02-29', 615), 2020)), 'born on reference date');
-- Not yet born on the reference date.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 71, pg_temp.k(71), 2019, '2019-06-01', 3000, 0, 0, 3000, '[]') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 905, pg_temp.k(905), '360821', 2019, 0, 'testins') \g /dev/null
SELECT pg_temp.expect(format($$SELECT * FROM aixin.enroll(pg_temp.admin(), 70, pg_temp.k(70), %L, 2019)$$,
  pg_temp.mkid('360821', '2020-01-02', 611)), 'AXR01', 'child_id_number');
-- The table refuses an ineligible policy or a wrong premium written directly.
SELECT pg_temp.expect($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen, enrolled_by)
  SELECT 2027, c.id, c.household_id, '360821100', 3000, 1 FROM aixin.children c
   WHERE c.id_number = pg_temp.mkid('360821', '2020-01-01', 613)$$, 'AXR01');
SELECT pg_temp.expect($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen, enrolled_by)
  SELECT 2026, c.id, c.household_id, '360821100', 1, 1 FROM aixin.children c
   WHERE c.id_number = pg_temp.mkid('360821', '2020-01-02', 611)$$, 'AXB01');
SELECT pg_temp.expect($$INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen, enrolled_by)
  SELECT 2026, c.id, c.household_id, '360821101', 2500, 1 FROM aixin.children c
   WHERE c.id_number = pg_temp.mkid('360821', '2020-01-02', 611)$$, '23503');
SELECT pg_temp.expect($$UPDATE aixin.policy_years SET premium_fen = 1 WHERE year = 2027$$, 'AXR01');
ROLLBACK;
\echo PASS enrollment age rules

-- ---------------------------------------------------------------------------
-- Listing policies (audited, refusals too).
SELECT pg_temp.eq('ok:2027', (SELECT string_agg(outcome || ':' || policy_year, ',')
  FROM aixin.list_policies(pg_temp.acct('clerk_dunhou'), 80, :'son')), 'list policies');
SELECT * FROM aixin.enroll(pg_temp.acct('clerk_jaxian'), 81, pg_temp.k(81), :'daughter1', 2026) \g /dev/null
SELECT pg_temp.eq('2027,2026', (SELECT string_agg(policy_year::text, ',')
  FROM aixin.list_policies(pg_temp.acct('auditor_jaxian'), 82, :'daughter1')), 'newest first');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.list_policies(pg_temp.admin(), 83, :'far_child')), 'no policies: no rows');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome || coalesce(id::text, ''), ',')
  FROM aixin.list_policies(pg_temp.acct('clerk_other'), 84, :'son')), 'other township');
SELECT pg_temp.eq('not_found', (SELECT string_agg(outcome, ',')
  FROM aixin.list_policies(pg_temp.acct('clerk_dunhou'), 85, pg_temp.mkid('360821', '2020-01-01', 999))), 'unknown child');
SELECT pg_temp.eq('policy.read policy.read policy.read policy.read.denied policy.read.missing',
  (SELECT string_agg(action, ' ' ORDER BY request_id) FROM aixin.audit_log WHERE request_id BETWEEN 80 AND 85
     AND action LIKE 'policy.read%'), 'list audit');
\echo PASS list_policies

-- ---------------------------------------------------------------------------
-- Audit log: append-only, no full ID numbers anywhere in it.
SELECT pg_temp.expect($$UPDATE aixin.audit_log SET action = 'x'$$, 'AXP01');
SELECT pg_temp.expect($$DELETE FROM aixin.audit_log$$, 'AXP01');
SELECT pg_temp.expect($$TRUNCATE aixin.audit_log$$, 'AXP01');
SELECT pg_temp.expect($$SELECT aixin.audit(1, 1, NULL, 'test.leak', 'child:11010519491231002X', NULL)$$, '23514');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.audit_log
  WHERE coalesce(target, '') ~ '[0-9]{17}' OR coalesce(detail::text, '') ~ '[0-9]{17}'), 'no ID numbers in audit');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.audit_log a, ids i
  WHERE a.target LIKE '%' || i.son || '%' OR a.detail::text LIKE '%' || i.father || '%'), 'no known ID in audit');
SELECT pg_temp.eq('true', (SELECT bool_and(request_id IS NOT NULL AND idempotency_key IS NOT NULL)::text
  FROM aixin.audit_log WHERE action IN ('household.register', 'child.add', 'policy.enroll')), 'writes carry request and key');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.idempotency_keys WHERE result IS NULL), 'every key has its result');
\echo PASS audit log
