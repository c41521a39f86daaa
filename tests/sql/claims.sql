-- SQL-level checks of claims (deploy/sql/0006_claims.sql): adjuster
-- accounts with an insurer and the supervisor right, filing, documents,
-- every transition allowed and refused (by state and by role), service
-- classes and deadlines, benefit caps, home delivery, paper dates, visits,
-- supplementary payouts, history, reads and the due list.
-- Run by tests/integration/it_sql_claims.sh against a freshly migrated
-- database with the Ji'an divisions and the account 'admin' loaded:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/claims.sql
-- Every check raises on failure; \echo lines report the sections passed.
-- ID numbers are synthetic (correct check characters, made-up people).
--
-- Years: Y is the current year in Asia/Shanghai, P = Y - 1; claims with
-- paper dates lie in P (always in the past), claims dated today in Y.
-- Divisions: county X = 360821 (吉安县, insurer chinalife) with townships
-- A = 360821100 and C = 360821101; county W = 360822 (吉水县, insurer
-- taikang) with township B = 360822100.

\set QUIET on
SET client_min_messages = warning;

-- ---------------------------------------------------------------------------
-- Helpers (session-local, nothing is added to the schema).

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

-- Run a statement and undo it: 'ok' when it succeeded, else its SQLSTATE.
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  got_state text;
BEGIN
  BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'ZZ999';
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE;
    RETURN CASE WHEN got_state = 'ZZ999' THEN 'ok' ELSE got_state END;
  END;
END $$;

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = u
$$;

CREATE FUNCTION pg_temp.y() RETURNS int LANGUAGE sql AS $$
  SELECT extract(year FROM aixin.local_today())::int
$$;

CREATE FUNCTION pg_temp.p() RETURNS int LANGUAGE sql AS $$
  SELECT pg_temp.y() - 1
$$;

-- A date of year P, and the same as text.
CREATE FUNCTION pg_temp.pd(m int, d int) RETURNS date LANGUAGE sql AS $$
  SELECT make_date(pg_temp.p(), m, d)
$$;

CREATE FUNCTION pg_temp.ps(m int, d int) RETURNS text LANGUAGE sql AS $$
  SELECT aixin.ymd(pg_temp.pd(m, d))
$$;

CREATE FUNCTION pg_temp.today() RETURNS date LANGUAGE sql AS $$
  SELECT aixin.local_today()
$$;

-- Request ids and keys of the wrappers below.
CREATE SEQUENCE pg_temp.req START 100000;

CREATE FUNCTION pg_temp.nk() RETURNS int LANGUAGE sql AS $$
  SELECT nextval('pg_temp.req')::int
$$;

-- Everything a refused request could have touched.
CREATE FUNCTION pg_temp.fp() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(c::text, ';' ORDER BY c.id) FROM aixin.claims c),
    (SELECT string_agg(d::text, ';' ORDER BY d.id) FROM aixin.claim_documents d),
    (SELECT string_agg(t::text, ';' ORDER BY t.id) FROM aixin.claim_transitions t),
    (SELECT string_agg(v::text, ';' ORDER BY v.id) FROM aixin.claim_visits v),
    (SELECT string_agg(s::text, ';' ORDER BY s.id) FROM aixin.supplementary_payouts s),
    (SELECT string_agg(a::text, ';' ORDER BY a.id) FROM aixin.accounts a),
    (SELECT string_agg(p::text, ';' ORDER BY p.id) FROM aixin.policies p),
    (SELECT count(*)::text FROM aixin.idempotency_keys),
    (SELECT count(*)::text FROM aixin.audit_log)))
$$;

-- The children used below, by short name.
CREATE TABLE pg_temp.kids (name text PRIMARY KEY, id_number text NOT NULL);

CREATE FUNCTION pg_temp.kid(n text) RETURNS text LANGUAGE sql AS $$
  SELECT id_number FROM pg_temp.kids WHERE name = n
$$;

-- A one-child household with its child, enrolled in the given years.
CREATE FUNCTION pg_temp.family(n text, township text, born date, seq int, years int[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  guardian text := pg_temp.mkid(left(township, 6), DATE '1990-01-01' + seq, seq);
  child text := pg_temp.mkid(left(township, 6), born, seq);
  r int;
  y int;
BEGIN
  r := pg_temp.nk();
  PERFORM * FROM aixin.register_household(pg_temp.admin(), r, pg_temp.k(r), township,
                                          'only_child', 'CL-' || n, guardian, '家长', NULL, NULL);
  r := pg_temp.nk();
  PERFORM * FROM aixin.add_child(pg_temp.admin(), r, pg_temp.k(r),
                                 (SELECT household_id FROM aixin.guardians WHERE id_number = guardian),
                                 child, '孩子' || n, NULL, NULL);
  FOREACH y IN ARRAY years LOOP
    r := pg_temp.nk();
    PERFORM * FROM aixin.enroll(pg_temp.admin(), r, pg_temp.k(r), child, y);
  END LOOP;
  INSERT INTO pg_temp.kids VALUES (n, child);
END $$;

-- Wrappers: each call is one request with a fresh request id and key.
CREATE FUNCTION pg_temp.file(who text, kid text, yr int, ev text, incident date, amount bigint,
                             complete boolean, received date,
                             docs text[] DEFAULT ARRAY['理赔申请书'], descr text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  cid bigint;
BEGIN
  SELECT id INTO STRICT cid
    FROM aixin.file_claim(pg_temp.acct(who), r, pg_temp.k(r), pg_temp.kid(kid), yr, ev, incident,
                          amount, complete, docs, descr, received);
  RETURN cid;
END $$;

CREATE FUNCTION pg_temp.docs(who text, cid bigint, names text[], complete boolean, received date)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.add_claim_documents(pg_temp.acct(who), r, pg_temp.k(r), cid, names, complete, received);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.review(who text, cid bigint, note text DEFAULT NULL)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res FROM aixin.review_claim(pg_temp.acct(who), r, pg_temp.k(r), cid, note);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.doubt(who text, cid bigint, note text)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res FROM aixin.flag_claim_doubt(pg_temp.acct(who), r, pg_temp.k(r), cid, note);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.escalate(who text, cid bigint, on_date date, note text DEFAULT NULL)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.escalate_claim(pg_temp.acct(who), r, pg_temp.k(r), cid, note, on_date);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.approve(who text, cid bigint, fen bigint, on_date date, note text DEFAULT NULL)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.approve_claim(pg_temp.acct(who), r, pg_temp.k(r), cid, fen, note, on_date);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.reject(who text, cid bigint, on_date date, reason text DEFAULT '材料不实')
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.reject_claim(pg_temp.acct(who), r, pg_temp.k(r), cid, reason, on_date);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.pay(who text, cid bigint, fen bigint, on_date date, home boolean DEFAULT false,
                            method text DEFAULT 'bank_transfer')
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.pay_claim(pg_temp.acct(who), r, pg_temp.k(r), cid, fen, on_date, method, home);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.visit(who text, cid bigint, on_date date, note text DEFAULT '回访')
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.record_visit(pg_temp.acct(who), r, pg_temp.k(r), cid, on_date, note);
  RETURN res;
END $$;

CREATE FUNCTION pg_temp.supp(who text, cid bigint, fen bigint, on_date date, ref text)
RETURNS aixin.claim_row LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  res aixin.claim_row;
BEGIN
  SELECT * INTO STRICT res
    FROM aixin.add_supplementary_payout(pg_temp.acct(who), r, pg_temp.k(r), cid, fen, on_date, ref);
  RETURN res;
END $$;

-- A claim as the renderer shows it (no audit).
CREATE FUNCTION pg_temp.c(cid bigint) RETURNS aixin.claim_row LANGUAGE sql AS $$
  SELECT * FROM aixin.claim_render(cid)
$$;

-- Its deadline: 'class clock-start due overdue' ('-' for none).
CREATE FUNCTION pg_temp.dl(cid bigint) RETURNS text LANGUAGE sql AS $$
  SELECT service_class || ' ' || coalesce(clock_start_date, '-') || ' ' || coalesce(due_date, '-')
      || ' ' || overdue
    FROM aixin.claim_render(cid)
$$;

CREATE FUNCTION pg_temp.st(cid bigint) RETURNS text LANGUAGE sql AS $$
  SELECT state FROM aixin.claims WHERE id = cid
$$;

-- aixin.claim_due as 'class clock-start due overdue'.
CREATE FUNCTION pg_temp.due(amount bigint, complete_on date, doubt boolean, escalated_on date,
                            state text, decided_on date, paid_on date, today date)
RETURNS text LANGUAGE sql AS $$
  SELECT service_class || ' ' || coalesce(aixin.ymd(clock_start), '-') || ' '
      || coalesce(aixin.ymd(due_date), '-') || ' ' || overdue
    FROM aixin.claim_due(amount, complete_on, doubt, escalated_on, state, decided_on, paid_on, today)
$$;

-- ---------------------------------------------------------------------------
-- Programme set-up: insurers, years with caps, county terms.
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 1, pg_temp.k(1), 'chinalife', '中国人寿') \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(2), 'taikang', '泰康人寿') \g /dev/null
-- Year P: the reference date is 31 December, so a child born in P is
-- covered; disability is not covered in P.
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 3, pg_temp.k(3), pg_temp.p(), pg_temp.pd(12, 31),
  3000, 200, 0, 3000,
  '[{"event": "illness", "max_payout_fen": 2000000}, {"event": "accident_injury", "max_payout_fen": 300000},
    {"event": "child_death", "max_payout_fen": 1000000}, {"event": "guardian_death", "max_payout_fen": 1000000}]') \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 4, pg_temp.k(4), pg_temp.y(), make_date(pg_temp.y(), 1, 1),
  3000, 200, 0, 3000,
  '[{"event": "illness", "max_payout_fen": 2000000}, {"event": "accident_injury", "max_payout_fen": 300000},
    {"event": "disability", "max_payout_fen": 800000},
    {"event": "child_death", "max_payout_fen": 1000000}, {"event": "guardian_death", "max_payout_fen": 1000000}]') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 5, pg_temp.k(5), '360821', pg_temp.p(), 1000, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 6, pg_temp.k(6), '360821', pg_temp.y(), 1000, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 7, pg_temp.k(7), '360822', pg_temp.p(), 1000, 'taikang') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 8, pg_temp.k(8), '360822', pg_temp.y(), 1000, 'taikang') \g /dev/null

-- ---------------------------------------------------------------------------
-- Accounts: the new create_account, adjusters with an insurer.
CREATE FUNCTION pg_temp.mkacct(req int, u text, r text, division text, insurer text, sup boolean)
RETURNS text LANGUAGE sql AS $$
  SELECT username || ' ' || role || ' ' || division_code || ' ' || coalesce(insurer_code, '-') || ' '
      || supervisor || ' ' || (created_at > 0)
    FROM aixin.create_account(pg_temp.admin(), req, pg_temp.k(req), u,
                              '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', r, division, insurer, sup)
$$;

SELECT pg_temp.eq('clerk_a township_clerk 360821100 - false true',
  pg_temp.mkacct(11, 'clerk_a', 'township_clerk', '360821100', '', false), 'township clerk A');
SELECT pg_temp.eq('clerk_c township_clerk 360821101 - false true',
  pg_temp.mkacct(12, 'clerk_c', 'township_clerk', '360821101', NULL, NULL), 'township clerk C');
SELECT pg_temp.eq('clerk_x county_clerk 360821 - false true',
  pg_temp.mkacct(13, 'clerk_x', 'county_clerk', '360821', NULL, false), 'county clerk X');
SELECT pg_temp.eq('clerk_b township_clerk 360822100 - false true',
  pg_temp.mkacct(14, 'clerk_b', 'township_clerk', '360822100', NULL, false), 'township clerk B');
SELECT pg_temp.eq('auditor_x auditor 360821 - false true',
  pg_temp.mkacct(15, 'auditor_x', 'auditor', '360821', NULL, false), 'auditor X');
SELECT pg_temp.eq('auditor_b auditor 360822 - false true',
  pg_temp.mkacct(16, 'auditor_b', 'auditor', '360822', NULL, false), 'auditor W');
SELECT pg_temp.eq('auditor_city auditor 360800 - false true',
  pg_temp.mkacct(17, 'auditor_city', 'auditor', '360800', NULL, false), 'auditor city');
SELECT pg_temp.eq('adj_cl1 insurer_adjuster 360800 chinalife false true',
  pg_temp.mkacct(18, 'adj_cl1', 'insurer_adjuster', '360800', 'chinalife', false), 'adjuster chinalife 1');
SELECT pg_temp.eq('adj_cl2 insurer_adjuster 360821 chinalife false true',
  pg_temp.mkacct(19, 'adj_cl2', 'insurer_adjuster', '360821', 'chinalife', NULL), 'adjuster chinalife 2 (any division)');
SELECT pg_temp.eq('sup_cl insurer_adjuster 360800 chinalife true true',
  pg_temp.mkacct(20, 'sup_cl', 'insurer_adjuster', '360800', 'chinalife', true), 'supervisor chinalife');
SELECT pg_temp.eq('adj_tk insurer_adjuster 360800 taikang false true',
  pg_temp.mkacct(21, 'adj_tk', 'insurer_adjuster', '360800', 'taikang', false), 'adjuster taikang');
SELECT pg_temp.eq('sup_tk insurer_adjuster 360822100 taikang true true',
  pg_temp.mkacct(22, 'sup_tk', 'insurer_adjuster', '360822100', 'taikang', true), 'supervisor taikang');

SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'adj_none', 'insurer_adjuster', '360800', '', false)$$,
  'AXB01', 'insurer_code');
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'adj_none', 'insurer_adjuster', '360800', NULL, true)$$,
  'AXB01', 'insurer_code');
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'adj_none', 'insurer_adjuster', '360800', 'pingan', false)$$,
  'AXN01', 'insurer_code');
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'clerk_ins', 'township_clerk', '360821100', 'chinalife', false)$$,
  'AXB01', 'insurer_code');
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'clerk_sup', 'county_clerk', '360821', NULL, true)$$,
  'AXB01', 'supervisor');
SELECT pg_temp.expect($$SELECT pg_temp.mkacct(30, 'aud_sup', 'auditor', '360800', '', true)$$,
  'AXB01', 'supervisor');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.acct('clerk_x'), 30, pg_temp.k(30), 'x_adj',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'insurer_adjuster', '360821', 'chinalife', false)$$, 'AXP01');
-- A replay with the same key returns the first account, even with a new
-- password hash (not part of the fingerprint); other fields: AXK01.
SELECT pg_temp.eq(pg_temp.acct('sup_cl')::text,
  (SELECT id::text FROM aixin.create_account(pg_temp.admin(), 20, pg_temp.k(20), 'sup_cl',
     '$argon2id$v=19$m=65536,t=2,p=1$b3RoZXI$aGFzaA', 'insurer_adjuster', '360800', 'chinalife', true)),
  'create_account replay');
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 20, pg_temp.k(20), 'sup_cl',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'insurer_adjuster', '360800', 'chinalife', false)$$,
  'AXK01', 'idempotency_key');
SELECT pg_temp.expect($$SELECT * FROM aixin.create_account(pg_temp.admin(), 20, pg_temp.k(20), 'sup_cl',
  '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', 'insurer_adjuster', '360800', 'taikang', true)$$,
  'AXK01', 'idempotency_key');
-- The table says the same to any writer.
SELECT pg_temp.expect($$UPDATE aixin.accounts SET insurer_id = NULL WHERE username = 'adj_cl1'$$, '23514');
SELECT pg_temp.expect($$UPDATE aixin.accounts SET supervisor = true WHERE username = 'clerk_a'$$, '23514');
SELECT pg_temp.expect($$UPDATE aixin.accounts SET insurer_id = (SELECT id FROM aixin.insurers LIMIT 1)
                         WHERE username = 'auditor_x'$$, '23514');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused account requests changed nothing');
SELECT pg_temp.eq(NULL, to_regprocedure('aixin.create_account(bigint,bigint,bytea,text,text,text,text)')::text,
  'the 7-argument create_account is gone');
SELECT pg_temp.eq('adj_cl2 insurer_adjuster 360821 chinalife false',
  (SELECT username || ' ' || role || ' ' || division_code || ' ' || insurer_code || ' ' || supervisor
     FROM aixin.bind_certificate(pg_temp.admin(), 31, pg_temp.k(31), 'adj_cl2', repeat('ab', 32))),
  'bind_certificate answers with the insurer and supervisor');
SELECT pg_temp.eq('{"role": "insurer_adjuster", "username": "sup_cl", "supervisor": true, "insurer_code": "chinalife", "division_code": "360800", "password_change_required": false}',
  (SELECT detail::text FROM aixin.audit_log WHERE action = 'account.create' AND target = 'account:' || pg_temp.acct('sup_cl')),
  'account creation audited with insurer and supervisor');
\echo PASS accounts with insurers and supervisors

-- ---------------------------------------------------------------------------
-- Households, children and policies.  Children born in Y-3 are 1 and 2
-- on the reference dates; a9 is born in P (covered in P only).
SELECT pg_temp.family(n, '360821100', make_date(pg_temp.y() - 3, 5, 10), s, ARRAY[pg_temp.p(), pg_temp.y()])
  FROM (VALUES ('a1', 101), ('a2', 103), ('a3', 105), ('a4', 107), ('a5', 109), ('a6', 111),
               ('a7', 113), ('a8', 115), ('a10', 117), ('a11', 119)) v (n, s) \g /dev/null
SELECT pg_temp.family('a9', '360821100', pg_temp.pd(6, 1), 121, ARRAY[pg_temp.p()]) \g /dev/null
SELECT pg_temp.family('c1', '360821101', make_date(pg_temp.y() - 3, 5, 10), 123, ARRAY[pg_temp.p(), pg_temp.y()]) \g /dev/null
SELECT pg_temp.family('b1', '360822100', make_date(pg_temp.y() - 3, 5, 10), 125, ARRAY[pg_temp.p(), pg_temp.y()]) \g /dev/null
SELECT pg_temp.family('b2', '360822100', make_date(pg_temp.y() - 3, 5, 10), 127, ARRAY[pg_temp.p(), pg_temp.y()]) \g /dev/null

-- ---------------------------------------------------------------------------
-- Deadlines: aixin.claim_due on fixed dates.
-- Same-day: <= 1,000 yuan, complete, no doubt: due the clock-start date.
SELECT pg_temp.eq('same_day 2027-03-31 2027-03-31 false',
  pg_temp.due(100000, '2027-03-31', false, NULL, 'filed', NULL, NULL, '2027-03-31'), 'same-day due the same day');
SELECT pg_temp.eq('same_day 2027-03-31 2027-03-31 true',
  pg_temp.due(100000, '2027-03-31', false, NULL, 'under_review', NULL, NULL, '2027-04-01'),
  'same-day overdue after midnight');
SELECT pg_temp.eq('same_day 2027-12-31 2027-12-31 true',
  pg_temp.due(50000, '2027-12-31', false, NULL, 'approved', '2027-12-31', NULL, '2028-01-01'),
  'same-day across the year end');
-- Seven-day: any other claim.
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 false',
  pg_temp.due(100001, '2027-03-31', false, NULL, 'filed', NULL, NULL, '2027-04-07'),
  'over 1,000 yuan: seven days, across the month end');
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 true',
  pg_temp.due(100001, '2027-03-31', false, NULL, 'filed', NULL, NULL, '2027-04-08'), 'seven-day overdue on day 8');
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 false',
  pg_temp.due(100000, '2027-03-31', true, NULL, 'under_review', NULL, NULL, '2027-04-01'),
  'a doubt moves a same-day claim to seven days, same clock start');
SELECT pg_temp.eq('seven_day 2027-01-28 2027-02-04 false',
  pg_temp.due(200000, '2027-01-28', false, NULL, 'filed', NULL, NULL, '2027-01-28'), 'Jan 28 + 7 = Feb 4');
SELECT pg_temp.eq('seven_day 2028-02-24 2028-03-02 false',
  pg_temp.due(200000, '2028-02-24', false, NULL, 'filed', NULL, NULL, '2028-02-24'), 'leap year: Feb 24 + 7 = Mar 2');
SELECT pg_temp.eq('seven_day 2027-02-24 2027-03-03 false',
  pg_temp.due(200000, '2027-02-24', false, NULL, 'filed', NULL, NULL, '2027-02-24'), 'common year: Feb 24 + 7 = Mar 3');
SELECT pg_temp.eq('seven_day 2027-12-28 2028-01-04 false',
  pg_temp.due(200000, '2027-12-28', false, NULL, 'filed', NULL, NULL, '2027-12-28'), 'Dec 28 + 7 = Jan 4');
SELECT pg_temp.eq('seven_day - - false',
  pg_temp.due(50000, NULL, false, NULL, 'filed', NULL, NULL, '2030-01-01'), 'incomplete documents: no clock');
SELECT pg_temp.eq('seven_day - - false',
  pg_temp.due(50000, NULL, false, NULL, 'rejected', '2027-05-01', NULL, '2030-01-01'),
  'rejected before the clock started: never late');
-- Settled on time or late.
SELECT pg_temp.eq('same_day 2027-03-31 2027-03-31 false',
  pg_temp.due(100000, '2027-03-31', false, NULL, 'paid', '2027-03-31', '2027-03-31', '2030-01-01'), 'same-day paid that day');
SELECT pg_temp.eq('same_day 2027-03-31 2027-03-31 true',
  pg_temp.due(100000, '2027-03-31', false, NULL, 'paid', '2027-03-31', '2027-04-01', '2030-01-01'), 'same-day paid the next day');
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 false',
  pg_temp.due(300000, '2027-03-31', false, NULL, 'rejected', '2027-04-07', NULL, '2030-01-01'), 'rejected on day 7');
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 true',
  pg_temp.due(300000, '2027-03-31', false, NULL, 'rejected', '2027-04-08', NULL, '2030-01-01'), 'rejected on day 8');
SELECT pg_temp.eq('seven_day 2027-03-31 2027-04-07 false',
  pg_temp.due(300000, '2027-03-31', false, NULL, 'approved', '2027-04-02', NULL, '2027-04-07'), 'approved, payment due');
-- Fifteen-day: escalated claims.
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-04 false',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'escalated', NULL, NULL, '2028-01-04'),
  'escalated: answer due in 15 days, across the year end');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-04 true',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'escalated', NULL, NULL, '2028-01-05'), 'escalation unanswered on day 16');
SELECT pg_temp.eq('fifteen_day 2028-02-20 2028-03-06 false',
  pg_temp.due(50000, '2028-02-20', false, '2028-02-20', 'escalated', NULL, NULL, '2028-02-20'), 'leap year: Feb 20 + 15 = Mar 6');
SELECT pg_temp.eq('fifteen_day 2027-02-20 2027-03-07 false',
  pg_temp.due(50000, NULL, false, '2027-02-20', 'escalated', NULL, NULL, '2027-02-20'),
  'common year: Feb 20 + 15 = Mar 7; escalation runs without documents');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-04 false',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'under_review', NULL, NULL, '2028-01-02'),
  'sent back to review: still the escalation deadline');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-04 false',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'rejected', '2028-01-04', NULL, '2030-01-01'), 'answered on day 15');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-04 true',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'rejected', '2028-01-05', NULL, '2030-01-01'), 'answered on day 16');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-10 false',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'paid', '2028-01-03', '2028-01-10', '2030-01-01'),
  'approved after escalation: paid within 7 days of the decision');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-10 true',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'paid', '2028-01-03', '2028-01-11', '2030-01-01'),
  'approved after escalation: paid on day 8');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-13 true',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'paid', '2028-01-06', '2028-01-07', '2030-01-01'),
  'late answer stays late though paid promptly');
SELECT pg_temp.eq('fifteen_day 2027-12-20 2028-01-10 false',
  pg_temp.due(300000, '2027-12-01', false, '2027-12-20', 'approved', '2028-01-03', NULL, '2028-01-10'),
  'approved after escalation, payment not yet due');
-- The local calendar is Asia/Shanghai whatever the session's time zone:
-- 15:59:59 UTC on 31 March is still 31 March there, 16:00 is 1 April.
SET TimeZone = 'America/Los_Angeles';
SELECT pg_temp.eq((now() AT TIME ZONE 'Asia/Shanghai')::date::text, aixin.local_today()::text,
  'local_today is the Shanghai date (session in Los Angeles)');
SET TimeZone = 'UTC';
SELECT pg_temp.eq((now() AT TIME ZONE 'Asia/Shanghai')::date::text, aixin.local_today()::text,
  'local_today is the Shanghai date (session in UTC)');
SELECT pg_temp.eq('2027-03-31 2027-04-01',
  aixin.ymd((timestamptz '2027-03-31 15:59:59+00' AT TIME ZONE 'Asia/Shanghai')::date) || ' '
    || aixin.ymd((timestamptz '2027-03-31 16:00:00+00' AT TIME ZONE 'Asia/Shanghai')::date),
  'midnight in Shanghai is 16:00 UTC');
RESET TimeZone;
\echo PASS deadline computation (same-day, seven-day, fifteen-day; midnight, month and year ends, leap years)

-- ---------------------------------------------------------------------------
-- Filing.
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('auditor_x'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('adj_cl1'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXP01');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_b'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXN01', 'child_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_c'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXN01', 'child_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), 'not-an-id',
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXB01', 'child_id_number');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y() - 2, 'illness', make_date(pg_temp.y() - 2, 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a9'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXN01', 'policy_year');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'flood', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXB01', 'event');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.p(), 'disability', pg_temp.pd(3, 1), 80000, true, NULL, NULL, pg_temp.pd(3, 2))$$,
  'AXR01', 'event', 'the % policies do not cover disability');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 0, true, NULL, NULL, NULL)$$, 'AXB01', 'amount_claimed_fen');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', pg_temp.pd(12, 31), 80000, true, NULL, NULL, NULL)$$, 'AXB01', 'incident_date');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.p(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$, 'AXB01', 'incident_date');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.p(), 'illness', NULL, 80000, true, NULL, NULL, NULL)$$, 'AXB01', 'incident_date');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.p(), 'illness', pg_temp.pd(3, 5), 80000, true, NULL, NULL, pg_temp.pd(3, 4))$$,
  'AXB01', 'incident_date', '%after the claim was received%');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a9'),
  pg_temp.p(), 'illness', pg_temp.pd(3, 5), 80000, true, NULL, NULL, pg_temp.pd(7, 1))$$,
  'AXB01', 'incident_date', '%before the child was born');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, pg_temp.today() + 1)$$,
  'AXB01', 'received_on');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, repeat('病', 501), NULL)$$,
  'AXB01', 'description');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, E'two\nlines', NULL)$$,
  'AXB01', 'description');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, pg_temp.k(40), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, ARRAY['发票', ''], NULL, NULL)$$,
  'AXB01', 'documents[1]');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 40, '\x00'::bytea, pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, NULL, NULL, NULL)$$,
  'AXB01', 'idempotency_key');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused filings changed nothing');

-- A township clerk files today (received_on defaults to today).
SELECT id AS claim_today FROM aixin.file_claim(pg_temp.acct('clerk_a'), 41, pg_temp.k(41), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true, ARRAY['理赔申请书', '住院发票'],
  '住院三天', NULL) \gset
SELECT pg_temp.eq(format('%s %s 360821100 chinalife illness %s 80000 true false 住院三天 filed same_day %s %s - - - - - false false 0 %s false',
                         pg_temp.kid('a1'), '孩子a1', make_date(pg_temp.y(), 1, 1), pg_temp.today(),
                         pg_temp.today(), pg_temp.today()),
  (SELECT child_id_number || ' ' || child_name || ' ' || township_code || ' ' || insurer_code || ' ' || event
       || ' ' || incident_date || ' ' || amount_claimed_fen || ' ' || documents_complete || ' ' || doubt || ' '
       || description || ' ' || state || ' ' || service_class || ' ' || clock_start_date || ' ' || due_date
       || ' ' || coalesce(approved_fen::text, '-') || ' ' || coalesce(decision_reason, '-') || ' '
       || coalesce(paid_fen::text, '-') || ' ' || coalesce(paid_on, '-') || ' ' || coalesce(payment_method, '-')
       || ' ' || delivered_home || ' ' || home_delivery_required || ' ' || supplementary_fen || ' '
       || received_on || ' ' || overdue
     FROM pg_temp.c(:claim_today)),
  'filed today: same-day, due today, the row as the Claim message');
SELECT pg_temp.eq('true', (SELECT (filed_at BETWEEN aixin.epoch(now()) - 5 AND aixin.epoch(now()))::text
                             FROM pg_temp.c(:claim_today)), 'filed_at is the system time');
SELECT pg_temp.eq('理赔申请书,住院发票', (SELECT string_agg(name, ',' ORDER BY id) FROM aixin.claim_documents
                                    WHERE claim_id = :claim_today), 'documents recorded');
-- Replay: same key, same answer, nothing new; same key, other request: AXK01.
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.eq(:'claim_today', (SELECT id::text FROM aixin.file_claim(pg_temp.acct('clerk_a'), 41, pg_temp.k(41),
  pg_temp.kid('a1'), pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 80000, true,
  ARRAY['理赔申请书', '住院发票'], '住院三天', NULL)), 'filing replay: same claim');
SELECT pg_temp.eq('1', (SELECT count(*)::text FROM aixin.claims WHERE id >= :claim_today), 'filing replay: no new claim');
SELECT pg_temp.expect($$SELECT * FROM aixin.file_claim(pg_temp.acct('clerk_a'), 41, pg_temp.k(41), pg_temp.kid('a1'),
  pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 90000, true, ARRAY['理赔申请书', '住院发票'], '住院三天', NULL)$$,
  'AXK01', 'idempotency_key');
-- A county clerk files in another township of the county; the city admin anywhere.
SELECT pg_temp.file('clerk_x', 'c1', pg_temp.p(), 'illness', pg_temp.pd(10, 1), 150000, true, pg_temp.pd(10, 1)) AS claim_c1 \gset
SELECT pg_temp.file('admin', 'b1', pg_temp.p(), 'illness', pg_temp.pd(10, 1), 150000, true, pg_temp.pd(10, 1)) AS claim_b_old \gset
SELECT pg_temp.eq('360821101 chinalife filed', (SELECT township_code || ' ' || insurer_code || ' ' || state
                                                 FROM pg_temp.c(:claim_c1)), 'county clerk files for township C');
SELECT pg_temp.eq('360822100 taikang filed', (SELECT township_code || ' ' || insurer_code || ' ' || state
                                               FROM pg_temp.c(:claim_b_old)), 'city admin files in county W');
\echo PASS filing

-- ---------------------------------------------------------------------------
-- Every transition, by state and by role.  Six claims of a2, one in each
-- state; each attempt is undone.
CREATE TABLE pg_temp.mx (ord int PRIMARY KEY, id bigint NOT NULL);
INSERT INTO pg_temp.mx
SELECT ord, pg_temp.file('clerk_a', 'a2', pg_temp.p(), 'illness', pg_temp.pd(3, 1), 150000, true, pg_temp.pd(3, 1))
  FROM generate_series(1, 6) ord;
SELECT pg_temp.review('sup_cl', id) FROM pg_temp.mx WHERE ord = 2 \g /dev/null
SELECT pg_temp.escalate('adj_cl1', id, pg_temp.pd(3, 2)) FROM pg_temp.mx WHERE ord = 3 \g /dev/null
SELECT pg_temp.approve('adj_cl1', id, 100000, pg_temp.pd(3, 3)) FROM pg_temp.mx WHERE ord IN (4, 6) \g /dev/null
SELECT pg_temp.reject('adj_cl2', id, pg_temp.pd(3, 3)) FROM pg_temp.mx WHERE ord = 5 \g /dev/null
SELECT pg_temp.pay('adj_cl2', id, 100000, pg_temp.pd(3, 4)) FROM pg_temp.mx WHERE ord = 6 \g /dev/null
SELECT pg_temp.eq('filed under_review escalated approved rejected paid',
  (SELECT string_agg(pg_temp.st(id), ' ' ORDER BY ord) FROM pg_temp.mx), 'one claim in each state');

-- The outcome of one action by one account on the six claims.
CREATE FUNCTION pg_temp.matrix(who text, action text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  tmpl text := CASE action
    WHEN 'review' THEN 'SELECT * FROM aixin.review_claim(%s, 9, pg_temp.k(999999), %s, NULL)'
    WHEN 'doubt' THEN 'SELECT * FROM aixin.flag_claim_doubt(%s, 9, pg_temp.k(999999), %s, ''票据存疑'')'
    WHEN 'escalate' THEN 'SELECT * FROM aixin.escalate_claim(%s, 9, pg_temp.k(999999), %s, NULL, NULL)'
    WHEN 'approve' THEN 'SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 100000, NULL, NULL)'
    WHEN 'reject' THEN 'SELECT * FROM aixin.reject_claim(%s, 9, pg_temp.k(999999), %s, ''不符合条款'', NULL)'
    WHEN 'pay' THEN 'SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''cash'', false)'
    WHEN 'visit' THEN 'SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, NULL, NULL)'
    WHEN 'supplement' THEN 'SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 1000, NULL, ''M-1'')'
    WHEN 'documents' THEN 'SELECT * FROM aixin.add_claim_documents(%s, 9, pg_temp.k(999999), %s, ARRAY[''补充材料''], false, NULL)'
  END;
BEGIN
  RETURN (SELECT string_agg(pg_temp.try(format(tmpl, pg_temp.acct(who), m.id)), ' ' ORDER BY m.ord)
            FROM pg_temp.mx m);
END $$;

SELECT pg_temp.fp() AS fp0 \gset
--                                  filed  review escal. approv reject paid
SELECT pg_temp.eq('ok AXC01 ok AXC01 AXC01 AXC01',       pg_temp.matrix('sup_cl', 'review'), 'supervisor: review');
SELECT pg_temp.eq('ok ok ok AXC01 AXC01 AXC01',          pg_temp.matrix('sup_cl', 'doubt'), 'supervisor: doubt');
SELECT pg_temp.eq('ok ok AXC01 AXC01 AXC01 AXC01',       pg_temp.matrix('sup_cl', 'escalate'), 'supervisor: escalate');
SELECT pg_temp.eq('ok ok ok AXC01 AXC01 AXC01',          pg_temp.matrix('sup_cl', 'approve'), 'supervisor: approve');
SELECT pg_temp.eq('ok ok ok AXC01 AXC01 AXC01',          pg_temp.matrix('sup_cl', 'reject'), 'supervisor: reject');
SELECT pg_temp.eq('AXC01 AXC01 AXC01 ok AXC01 AXC01',    pg_temp.matrix('sup_cl', 'pay'), 'supervisor: pay');
SELECT pg_temp.eq('AXC01 AXC01 AXC01 AXC01 AXC01 ok',    pg_temp.matrix('sup_cl', 'visit'), 'supervisor: visit');
SELECT pg_temp.eq('ok AXC01 AXP01 AXC01 AXC01 AXC01',    pg_temp.matrix('adj_cl1', 'review'), 'adjuster: review');
SELECT pg_temp.eq('ok ok ok AXC01 AXC01 AXC01',          pg_temp.matrix('adj_cl1', 'doubt'), 'adjuster: doubt');
SELECT pg_temp.eq('ok ok AXC01 AXC01 AXC01 AXC01',       pg_temp.matrix('adj_cl1', 'escalate'), 'adjuster: escalate');
SELECT pg_temp.eq('ok ok AXP01 AXC01 AXC01 AXC01',       pg_temp.matrix('adj_cl1', 'approve'), 'adjuster: approve');
SELECT pg_temp.eq('ok ok AXP01 AXC01 AXC01 AXC01',       pg_temp.matrix('adj_cl1', 'reject'), 'adjuster: reject');
SELECT pg_temp.eq('AXC01 AXC01 AXC01 ok AXC01 AXC01',    pg_temp.matrix('adj_cl2', 'pay'), 'adjuster: pay');
SELECT pg_temp.eq('AXC01 AXC01 AXC01 AXC01 AXC01 ok',    pg_temp.matrix('adj_cl2', 'visit'), 'adjuster: visit');
SELECT pg_temp.eq('AXP01 AXP01 AXP01 AXP01 AXP01 AXP01', pg_temp.matrix('adj_cl1', 'supplement'), 'adjuster: supplement');
SELECT pg_temp.eq('AXP01 AXP01 AXP01 AXP01 AXP01 AXP01', pg_temp.matrix('adj_cl1', 'documents'), 'adjuster: documents');
SELECT pg_temp.eq('AXC01 AXC01 AXC01 AXC01 AXC01 ok',    pg_temp.matrix('admin', 'supplement'), 'city admin: supplement');
SELECT pg_temp.eq('ok ok ok ok AXC01 AXC01',             pg_temp.matrix('clerk_a', 'documents'), 'township clerk: documents');
SELECT pg_temp.eq('ok ok ok ok AXC01 AXC01',             pg_temp.matrix('clerk_x', 'documents'), 'county clerk: documents');
SELECT pg_temp.eq('ok ok ok ok AXC01 AXC01',             pg_temp.matrix('admin', 'documents'), 'city admin: documents');
SELECT pg_temp.eq('AXN01 AXN01 AXN01 AXN01 AXN01 AXN01', pg_temp.matrix('clerk_b', 'documents'), 'clerk of another county: documents');
SELECT pg_temp.eq('AXN01 AXN01 AXN01 AXN01 AXN01 AXN01', pg_temp.matrix('clerk_c', 'documents'), 'clerk of another township: documents');
SELECT pg_temp.eq('AXP01 AXP01 AXP01 AXP01 AXP01 AXP01', pg_temp.matrix('clerk_a', 'supplement'), 'clerk: supplement');
-- Other insurers see nothing; offices decide nothing; auditors write nothing.
SELECT pg_temp.eq(true::text, (SELECT bool_and(pg_temp.matrix(w, a) = 'AXN01 AXN01 AXN01 AXN01 AXN01 AXN01')::text
    FROM unnest(ARRAY['adj_tk', 'sup_tk']) w,
         unnest(ARRAY['review', 'doubt', 'escalate', 'approve', 'reject', 'pay', 'visit']) a),
  'adjusters of another insurer: claim not found, for every action and state');
SELECT pg_temp.eq(true::text, (SELECT bool_and(pg_temp.matrix(w, a) = 'AXP01 AXP01 AXP01 AXP01 AXP01 AXP01')::text
    FROM unnest(ARRAY['clerk_a', 'clerk_x', 'admin', 'auditor_x', 'auditor_city']) w,
         unnest(ARRAY['review', 'doubt', 'escalate', 'approve', 'reject', 'pay', 'visit']) a),
  'offices and auditors: no adjuster action');
SELECT pg_temp.eq(true::text, (SELECT bool_and(pg_temp.matrix('auditor_x', a) = 'AXP01 AXP01 AXP01 AXP01 AXP01 AXP01')::text
    FROM unnest(ARRAY['documents', 'supplement']) a), 'auditors: no documents, no supplements');
SELECT pg_temp.expect(format('SELECT * FROM aixin.file_claim(%s, 9, pg_temp.k(999999), %L, %s, ''illness'', %L, 1000, true, NULL, NULL, %L)',
  pg_temp.acct('auditor_city'), pg_temp.kid('a2'), pg_temp.p(), pg_temp.pd(3, 1), pg_temp.pd(3, 1)), 'AXP01');
-- Messages and fields of the refusals.
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 100000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 4)), 'AXC01', 'claim_id',
  'claim % is already approved; approval needs a claim that is filed or under review or escalated');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''cash'', false)',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXC01', 'claim_id',
  'claim % is filed; payment needs a claim that is approved');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 100000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 3)), 'AXP01', 'claim_id',
  'only a supervisor of the insurer answers an escalated claim');
SELECT pg_temp.expect(format('SELECT * FROM aixin.review_claim(%s, 9, pg_temp.k(999999), %s, NULL)',
  pg_temp.acct('adj_tk'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXN01', 'claim_id', 'claim % not found');
SELECT pg_temp.expect(format('SELECT * FROM aixin.review_claim(%s, 9, pg_temp.k(999999), 99999999, NULL)',
  pg_temp.acct('adj_cl1')), 'AXN01', 'claim_id');
SELECT pg_temp.expect(format('SELECT * FROM aixin.flag_claim_doubt(%s, 9, pg_temp.k(999999), %s, '''')',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'note');
SELECT pg_temp.expect(format('SELECT * FROM aixin.reject_claim(%s, 9, pg_temp.k(999999), %s, '''', NULL)',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'reason');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 0, NULL, NULL)',
  pg_temp.acct('adj_cl1'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'approved_fen');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_claim_documents(%s, 9, pg_temp.k(999999), %s, NULL, false, NULL)',
  pg_temp.acct('clerk_a'), (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'documents');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused and undone transitions changed nothing');
\echo PASS every transition allowed and refused, by state and by role

-- ---------------------------------------------------------------------------
-- The database enforces the state machine for any writer.
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'paid' WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXC01', 'claim_id', 'claim % cannot go from filed to paid');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'filed' WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 2)), 'AXC01', 'claim_id');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'approved' WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 5)), 'AXC01', 'claim_id', '% is rejected (final)');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET updated_at = now() WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 6)), 'AXC01', 'claim_id', '% is paid (final)');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET amount_claimed_fen = 1 WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET approved_fen = 1 WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 4)), 'AXB01');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET escalated_on = escalated_on - 1 WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 3)), 'AXB01');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'approved', approved_fen = 2000001,
    decided_on = received_on WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 2)), 'AXR01', 'approved_fen');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'approved', decided_on = received_on WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 2)), '23514');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'paid', paid_fen = 100001, paid_on = decided_on,
    payment_method = 'cash' WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 4)), '23514');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'under_review', decided_on = NULL, approved_fen = NULL
    WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 4)), 'AXC01');
SELECT pg_temp.expect(format($$INSERT INTO aixin.claims (policy_id, event, incident_date, amount_claimed_fen,
    received_on, filed_by, state, decided_on, approved_fen, documents_complete, documents_complete_on)
  SELECT policy_id, event, incident_date, 100, received_on, filed_by, 'approved', received_on, 100, true, received_on
    FROM aixin.claims WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'state');
SELECT pg_temp.expect(format($$INSERT INTO aixin.claims (policy_id, event, incident_date, amount_claimed_fen,
    received_on, filed_by)
  SELECT policy_id, event, incident_date - 366, 100, received_on, filed_by FROM aixin.claims WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'incident_date');
SELECT pg_temp.expect(format($$INSERT INTO aixin.claims (policy_id, event, incident_date, amount_claimed_fen,
    received_on, filed_by)
  SELECT policy_id, event, incident_date, 100, aixin.local_today() + 1, filed_by FROM aixin.claims WHERE id = %s$$,
  (SELECT id FROM pg_temp.mx WHERE ord = 1)), 'AXB01', 'received_on');
SELECT pg_temp.expect(format($$INSERT INTO aixin.claim_documents (claim_id, name, received_on, recorded_by)
  SELECT id, 'x', received_on, filed_by FROM aixin.claims WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 5)),
  'AXC01', 'claim_id');
SELECT pg_temp.expect(format($$INSERT INTO aixin.claim_visits (claim_id, visited_on, recorded_by)
  SELECT id, received_on, filed_by FROM aixin.claims WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 4)),
  'AXC01', 'claim_id');
SELECT pg_temp.expect(format($$INSERT INTO aixin.supplementary_payouts (claim_id, amount_fen, paid_on, reference, recorded_by)
  SELECT id, 100, paid_on - 1, 'R', filed_by FROM aixin.claims WHERE id = %s$$, (SELECT id FROM pg_temp.mx WHERE ord = 6)),
  'AXB01', 'paid_on');
SELECT pg_temp.expect('DELETE FROM aixin.claims', 'AXP01');
SELECT pg_temp.expect('DELETE FROM aixin.claim_transitions', 'AXP01');
SELECT pg_temp.expect($$UPDATE aixin.claim_transitions SET note = 'x'$$, 'AXP01');
SELECT pg_temp.expect($$UPDATE aixin.claim_documents SET name = 'x'$$, 'AXP01');
SELECT pg_temp.expect('TRUNCATE aixin.claim_visits', 'AXP01');
SELECT pg_temp.expect('TRUNCATE aixin.supplementary_payouts', 'AXP01');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused direct writes changed nothing');
\echo PASS the state machine holds for direct writes

-- ---------------------------------------------------------------------------
-- Deadlines of real claims (paper dates in P).
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(3, 30), 100000, true, pg_temp.pd(3, 31)) AS d_same \gset
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(3, 30), 100001, true, pg_temp.pd(3, 31)) AS d_seven \gset
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(1, 20), 200000, true, pg_temp.pd(1, 28)) AS d_jan \gset
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(12, 20), 200000, true, pg_temp.pd(12, 28)) AS d_dec \gset
SELECT pg_temp.eq(format('same_day %s %s true', pg_temp.ps(3, 31), pg_temp.ps(3, 31)), pg_temp.dl(:d_same),
  'same-day claim received 03-31 was due 03-31 (overdue now)');
SELECT pg_temp.eq(format('seven_day %s %s true', pg_temp.ps(3, 31), pg_temp.ps(4, 7)), pg_temp.dl(:d_seven),
  '1,000.01 yuan: due 04-07');
SELECT pg_temp.eq(format('seven_day %s %s true', pg_temp.ps(1, 28), pg_temp.ps(2, 4)), pg_temp.dl(:d_jan), 'Jan 28 + 7');
SELECT pg_temp.eq(format('seven_day %s %s-01-04 %s', pg_temp.ps(12, 28), pg_temp.y(), (pg_temp.today() > make_date(pg_temp.y(), 1, 4))::text),
  pg_temp.dl(:d_dec), 'Dec 28 + 7 = Jan 4 of the next year');
-- Documents completed after filing: the clock starts on that date.
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(1, 20), 50000, false, pg_temp.pd(1, 28),
                    ARRAY['理赔申请书']) AS d_late \gset
SELECT pg_temp.eq('seven_day - - false', pg_temp.dl(:d_late), 'incomplete at filing: no clock');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 50000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :d_late), 'AXR01', 'claim_id', 'the documents of claim % are not complete');
SELECT (pg_temp.docs('clerk_a', :d_late, ARRAY['门诊病历'], false, pg_temp.pd(2, 1))).state \g /dev/null
SELECT pg_temp.eq('seven_day - - false', pg_temp.dl(:d_late), 'documents added, still incomplete: no clock');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_claim_documents(%s, 9, pg_temp.k(999999), %s, ARRAY[''x''], true, %L)',
  pg_temp.acct('clerk_a'), :d_late, pg_temp.pd(1, 27)), 'AXB01', 'received_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_claim_documents(%s, 9, pg_temp.k(999999), %s, ARRAY[''x''], true, %L)',
  pg_temp.acct('clerk_a'), :d_late, pg_temp.today() + 1), 'AXB01', 'received_on');
SELECT (pg_temp.docs('clerk_x', :d_late, ARRAY['发票', '诊断证明'], true, pg_temp.pd(2, 10))).state \g /dev/null
SELECT pg_temp.eq(format('same_day %s %s true', pg_temp.ps(2, 10), pg_temp.ps(2, 10)), pg_temp.dl(:d_late),
  'completed on 02-10: the same-day clock starts then');
SELECT pg_temp.eq('true 理赔申请书,门诊病历,发票,诊断证明', (SELECT c.documents_complete || ' ' || string_agg(d.name, ',' ORDER BY d.id)
    FROM pg_temp.c(:d_late) c JOIN aixin.claim_documents d ON d.claim_id = c.id GROUP BY c.documents_complete),
  'every document kept');
SELECT (pg_temp.doubt('adj_cl1', :d_late, '发票与病历日期不符')).state \g /dev/null
SELECT pg_temp.eq(format('seven_day %s %s true', pg_temp.ps(2, 10), pg_temp.ps(2, 17)), pg_temp.dl(:d_late),
  'a doubt moves it to seven days from the same clock start');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 50000, NULL, %L)',
  pg_temp.acct('adj_cl1'), :d_late, pg_temp.pd(2, 9)), 'AXB01', 'decided_on', '%before the documents were complete%');
-- Settled on time and late.
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(5, 1), 80000, true, pg_temp.pd(5, 5)) AS d_ontime \gset
SELECT (pg_temp.approve('adj_cl1', :d_ontime, 80000, pg_temp.pd(5, 5))).state \g /dev/null
SELECT pg_temp.eq(format('same_day %s %s true', pg_temp.ps(5, 5), pg_temp.ps(5, 5)), pg_temp.dl(:d_ontime),
  'approved, unpaid after the due date: overdue');
SELECT (pg_temp.pay('adj_cl2', :d_ontime, 80000, pg_temp.pd(5, 5), false, 'cash')).state \g /dev/null
SELECT pg_temp.eq(format('same_day %s %s false', pg_temp.ps(5, 5), pg_temp.ps(5, 5)), pg_temp.dl(:d_ontime),
  'same-day claim paid that day: on time');
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(5, 1), 150000, true, pg_temp.pd(5, 5)) AS d_paidlate \gset
SELECT (pg_temp.approve('adj_cl1', :d_paidlate, 150000, pg_temp.pd(5, 10))).state \g /dev/null
SELECT (pg_temp.pay('adj_cl1', :d_paidlate, 150000, pg_temp.pd(5, 13))).state \g /dev/null
SELECT pg_temp.eq(format('seven_day %s %s true', pg_temp.ps(5, 5), pg_temp.ps(5, 12)), pg_temp.dl(:d_paidlate),
  'seven-day claim paid on day 8: late');
-- Escalation: 15 days for the answer, then 7 for the payment.
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(6, 1), 300000, true, pg_temp.pd(6, 1)) AS d_esc \gset
SELECT (pg_temp.review('adj_cl1', :d_esc)).state \g /dev/null
SELECT pg_temp.expect(format('SELECT * FROM aixin.escalate_claim(%s, 9, pg_temp.k(999999), %s, NULL, %L)',
  pg_temp.acct('adj_cl1'), :d_esc, pg_temp.pd(5, 31)), 'AXB01', 'decided_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.escalate_claim(%s, 9, pg_temp.k(999999), %s, NULL, %L)',
  pg_temp.acct('adj_cl1'), :d_esc, pg_temp.today() + 1), 'AXB01', 'decided_on');
SELECT (pg_temp.escalate('adj_cl1', :d_esc, pg_temp.pd(6, 20), '金额较大需上报')).state \g /dev/null
SELECT pg_temp.eq(format('fifteen_day %s %s true', pg_temp.ps(6, 20), pg_temp.ps(7, 5)), pg_temp.dl(:d_esc),
  'escalated 06-20: answer due 07-05');
SELECT pg_temp.eq('under_review', (pg_temp.review('sup_cl', :d_esc, '继续审核')).state, 'supervisor sends it back to review');
SELECT pg_temp.eq(format('fifteen_day %s %s true', pg_temp.ps(6, 20), pg_temp.ps(7, 5)), pg_temp.dl(:d_esc),
  'back in review: the escalation deadline stays');
SELECT (pg_temp.escalate('adj_cl2', :d_esc, pg_temp.pd(6, 25))).state \g /dev/null
SELECT pg_temp.eq(format('fifteen_day %s %s true', pg_temp.ps(6, 20), pg_temp.ps(7, 5)), pg_temp.dl(:d_esc),
  'escalated again: the first escalation date keeps the clock');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 300000, NULL, %L)',
  pg_temp.acct('sup_cl'), :d_esc, pg_temp.pd(6, 19)), 'AXB01', 'decided_on', '%before the escalation%');
SELECT pg_temp.eq('approved', (pg_temp.approve('sup_cl', :d_esc, 300000, pg_temp.pd(7, 1))).state,
  'supervisor approves the escalated claim');
SELECT pg_temp.eq(format('fifteen_day %s %s true', pg_temp.ps(6, 20), pg_temp.ps(7, 8)), pg_temp.dl(:d_esc),
  'approved 07-01: payment due 07-08');
SELECT (pg_temp.pay('adj_cl1', :d_esc, 300000, pg_temp.pd(7, 8))).state \g /dev/null
SELECT pg_temp.eq(format('fifteen_day %s %s false', pg_temp.ps(6, 20), pg_temp.ps(7, 8)), pg_temp.dl(:d_esc),
  'paid 07-08: on time');
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(6, 1), 300000, true, pg_temp.pd(6, 1)) AS d_esclate \gset
SELECT (pg_temp.escalate('adj_cl1', :d_esclate, pg_temp.pd(6, 20))).state \g /dev/null
SELECT pg_temp.expect(format('SELECT * FROM aixin.reject_claim(%s, 9, pg_temp.k(999999), %s, ''x'', %L)',
  pg_temp.acct('sup_cl'), :d_esclate, pg_temp.pd(6, 19)), 'AXB01', 'decided_on');
SELECT (pg_temp.reject('sup_cl', :d_esclate, pg_temp.pd(7, 6))).state \g /dev/null
SELECT pg_temp.eq(format('fifteen_day %s %s true rejected 材料不实', pg_temp.ps(6, 20), pg_temp.ps(7, 5)),
  pg_temp.dl(:d_esclate) || ' ' || (SELECT state || ' ' || decision_reason FROM pg_temp.c(:d_esclate)),
  'escalation answered on day 16: late');
-- Paper dates of decisions: the past is fine, the future and dates before
-- the claim was received are not.
SELECT pg_temp.file('clerk_a', 'a3', pg_temp.p(), 'illness', pg_temp.pd(8, 1), 120000, true, pg_temp.pd(8, 3)) AS d_paper \gset
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 120000, NULL, %L)',
  pg_temp.acct('adj_cl1'), :d_paper, pg_temp.pd(8, 2)), 'AXB01', 'decided_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 120000, NULL, %L)',
  pg_temp.acct('adj_cl1'), :d_paper, pg_temp.today() + 1), 'AXB01', 'decided_on', '%in the future%');
SELECT pg_temp.expect(format('SELECT * FROM aixin.reject_claim(%s, 9, pg_temp.k(999999), %s, ''x'', %L)',
  pg_temp.acct('adj_cl1'), :d_paper, pg_temp.pd(8, 2)), 'AXB01', 'decided_on');
SELECT pg_temp.eq(pg_temp.ps(8, 3), (pg_temp.approve('adj_cl1', :d_paper, 120000, pg_temp.pd(8, 3))).received_on,
  'decided on the day received');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 120000, %L, ''cash'', false)',
  pg_temp.acct('adj_cl1'), :d_paper, pg_temp.pd(8, 2)), 'AXB01', 'paid_on', '%before the approval%');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 120000, %L, ''cash'', false)',
  pg_temp.acct('adj_cl1'), :d_paper, pg_temp.today() + 1), 'AXB01', 'paid_on');
SELECT pg_temp.eq(pg_temp.ps(8, 20), (pg_temp.pay('adj_cl1', :d_paper, 120000, pg_temp.pd(8, 20))).paid_on, 'paid on a past date');
SELECT pg_temp.eq(format('%s %s %s %s', pg_temp.ps(8, 3), pg_temp.ps(8, 3), pg_temp.ps(8, 20), pg_temp.today()),
  (SELECT received_on || ' ' || decided_on || ' ' || paid_on || ' ' || aixin.ymd((updated_at AT TIME ZONE 'Asia/Shanghai')::date)
     FROM aixin.claims WHERE id = :d_paper), 'paper dates kept beside the system time');
SELECT pg_temp.eq(pg_temp.today()::text, (SELECT received_on FROM pg_temp.c(
  pg_temp.file('clerk_a', 'a3', pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 10000, true, NULL))),
  'received_on defaults to today');
\echo PASS deadlines of real claims, documents completed later, doubts, escalations, paper dates

-- ---------------------------------------------------------------------------
-- Benefit caps: accident_injury is capped at 3,000 yuan a policy in P.
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.p(), 'accident_injury', pg_temp.pd(2, 1), 300000, true, pg_temp.pd(2, 2)) AS cap0 \gset
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.p(), 'accident_injury', pg_temp.pd(3, 1), 250000, true, pg_temp.pd(3, 2)) AS cap1 \gset
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.p(), 'accident_injury', pg_temp.pd(4, 1), 200000, true, pg_temp.pd(4, 2)) AS cap2 \gset
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.p(), 'accident_injury', pg_temp.pd(5, 1), 50000, true, pg_temp.pd(5, 2)) AS cap3 \gset
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.y(), 'accident_injury', make_date(pg_temp.y(), 1, 1), 300000, true, NULL) AS cap_next \gset
SELECT pg_temp.file('clerk_a', 'a4', pg_temp.p(), 'illness', pg_temp.pd(5, 1), 300000, true, pg_temp.pd(5, 2)) AS cap_ill \gset
SELECT (pg_temp.reject('adj_cl1', :cap0, pg_temp.pd(2, 3))).state \g /dev/null
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 250001, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :cap1), 'AXR01', 'approved_fen', '%more than the 2500.00 yuan claimed');
SELECT (pg_temp.approve('adj_cl1', :cap1, 200000, pg_temp.pd(3, 3))).state \g /dev/null
SELECT (pg_temp.pay('adj_cl1', :cap1, 200000, pg_temp.pd(3, 4))).state \g /dev/null
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 150000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :cap2), 'AXR01', 'approved_fen',
  format('approving 1500.00 yuan would exceed the %s accident_injury cap of 3000.00 yuan: 1000.00 yuan remain', pg_temp.p()));
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused approval changed nothing');
SELECT pg_temp.eq('approved 100000', (SELECT state || ' ' || approved_fen FROM pg_temp.approve('adj_cl1', :cap2, 100000, pg_temp.pd(4, 3))),
  'approving up to the cap');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 1, NULL, NULL)',
  pg_temp.acct('sup_cl'), :cap3), 'AXR01', 'approved_fen', '%: 0.00 yuan remain');
SELECT pg_temp.eq('approved', (pg_temp.approve('adj_cl1', :cap_next, 300000, NULL)).state, 'the next year has its own cap');
SELECT pg_temp.eq('approved', (pg_temp.approve('adj_cl1', :cap_ill, 300000, pg_temp.pd(5, 3))).state, 'another event has its own cap');
SELECT pg_temp.eq('300000', (SELECT sum(approved_fen)::text FROM aixin.claims c JOIN aixin.policies p ON p.id = c.policy_id
    WHERE p.policy_year = pg_temp.p() AND p.child_id = (SELECT id FROM aixin.children WHERE id_number = pg_temp.kid('a4'))
      AND c.event = 'accident_injury' AND c.state IN ('approved', 'paid')), 'total approved = the cap');
-- Death benefits follow the schedule (10,000 yuan here).
SELECT pg_temp.file('clerk_a', 'a5', pg_temp.p(), 'child_death', pg_temp.pd(4, 1), 1000000, true, pg_temp.pd(4, 2)) AS death1 \gset
SELECT pg_temp.file('clerk_a', 'a6', pg_temp.p(), 'child_death', pg_temp.pd(4, 1), 1000000, true, pg_temp.pd(4, 2)) AS death2 \gset
SELECT pg_temp.file('clerk_a', 'a5', pg_temp.p(), 'guardian_death', pg_temp.pd(4, 1), 1000000, true, pg_temp.pd(4, 2)) AS death3 \gset
SELECT pg_temp.file('clerk_a', 'a5', pg_temp.p(), 'guardian_death', pg_temp.pd(4, 1), 1000000, true, pg_temp.pd(4, 2)) AS death4 \gset
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 800000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :death1), 'AXR01', 'approved_fen', 'a death benefit is the scheduled 10000.00 yuan; a lower amount needs a note');
SELECT pg_temp.eq('approved 800000 已获其他赔偿', (SELECT state || ' ' || approved_fen || ' ' || decision_reason
    FROM pg_temp.approve('adj_cl1', :death1, 800000, pg_temp.pd(4, 3), '已获其他赔偿')), 'a lower death benefit with a note');
SELECT pg_temp.eq('approved 1000000', (SELECT state || ' ' || approved_fen FROM pg_temp.approve('adj_cl2', :death2, 1000000, pg_temp.pd(4, 3))),
  'the scheduled death benefit');
SELECT pg_temp.eq('approved 1000000', (SELECT state || ' ' || approved_fen FROM pg_temp.approve('adj_cl2', :death3, 1000000, pg_temp.pd(4, 3))),
  'guardian death: its own schedule');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 9, pg_temp.k(999999), %s, 1000000, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :death4), 'AXR01', 'approved_fen', '%0.00 yuan remain');
\echo PASS benefit caps and the death benefit schedule

-- ---------------------------------------------------------------------------
-- Home delivery of 5,000 yuan and more; payment checks.
SELECT pg_temp.file('clerk_a', 'a7', pg_temp.p(), 'illness', pg_temp.pd(8, 1), 500000, true, pg_temp.pd(8, 1)) AS home1 \gset
SELECT pg_temp.file('clerk_a', 'a7', pg_temp.p(), 'illness', pg_temp.pd(8, 1), 600000, true, pg_temp.pd(8, 1)) AS home2 \gset
SELECT pg_temp.file('clerk_a', 'a7', pg_temp.p(), 'illness', pg_temp.pd(8, 1), 499999, true, pg_temp.pd(8, 1)) AS home3 \gset
SELECT pg_temp.eq('true', (pg_temp.approve('adj_cl1', :home1, 500000, pg_temp.pd(8, 2))).home_delivery_required::text,
  'approved 5,000 yuan: home delivery required');
SELECT (pg_temp.approve('adj_cl1', :home2, 600000, pg_temp.pd(8, 2))).state \g /dev/null
SELECT (pg_temp.approve('adj_cl1', :home3, 499999, pg_temp.pd(8, 2))).state \g /dev/null
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 500000, %L, ''cash'', false)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 3)), 'AXR01', 'delivered_home', '%must be delivered to the home');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 500000, %L, ''cash'', NULL)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 3)), 'AXR01', 'delivered_home');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 400000, %L, ''cash'', true)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 3)), 'AXB01', 'amount_fen', 'the amount paid must be the 5000.00 yuan approved');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 500000, %L, ''gold'', true)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 3)), 'AXB01', 'method');
SELECT pg_temp.expect(format('SELECT * FROM aixin.pay_claim(%s, 9, pg_temp.k(999999), %s, 500000, %L, '''', true)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 3)), 'AXB01', 'method');
SELECT pg_temp.expect(format($$UPDATE aixin.claims SET state = 'paid', paid_fen = approved_fen, paid_on = decided_on,
    payment_method = 'cash' WHERE id = %s$$, :home2), '23514');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused payments changed nothing');
SELECT pg_temp.eq(format('paid 500000 %s bank_transfer true true', pg_temp.ps(8, 3)),
  (SELECT state || ' ' || paid_fen || ' ' || paid_on || ' ' || payment_method || ' ' || delivered_home || ' ' || home_delivery_required
     FROM pg_temp.pay('adj_cl1', :home1, 500000, pg_temp.pd(8, 3), true)), 'paid 5,000 yuan, delivered to the home');
SELECT pg_temp.eq('paid cheque false false',
  (SELECT state || ' ' || payment_method || ' ' || delivered_home || ' ' || home_delivery_required
     FROM pg_temp.pay('adj_cl2', :home3, 499999, pg_temp.pd(8, 3), false, 'cheque')), 'paid 4,999.99 yuan: no home delivery needed');
\echo PASS home delivery and payment checks

-- ---------------------------------------------------------------------------
-- Visits (paid claims only) and supplementary payouts (city admin only).
SELECT pg_temp.fp() AS fp0 \gset
SELECT pg_temp.expect(format('SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, NULL, NULL)',
  pg_temp.acct('adj_cl1'), :home2), 'AXC01', 'claim_id', 'claim % is approved; a visit needs a claim that is paid');
SELECT pg_temp.expect(format('SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, %L, NULL)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.pd(8, 2)), 'AXB01', 'visited_on', '%before the payment%');
SELECT pg_temp.expect(format('SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, %L, NULL)',
  pg_temp.acct('adj_cl1'), :home1, pg_temp.today() + 1), 'AXB01', 'visited_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, NULL, NULL)',
  pg_temp.acct('adj_tk'), :home1), 'AXN01', 'claim_id');
SELECT pg_temp.expect(format('SELECT * FROM aixin.record_visit(%s, 9, pg_temp.k(999999), %s, NULL, NULL)',
  pg_temp.acct('clerk_a'), :home1), 'AXP01');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''ZJ-1'')',
  pg_temp.acct('clerk_x'), :home1), 'AXP01');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''ZJ-1'')',
  pg_temp.acct('sup_cl'), :home1), 'AXP01');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''ZJ-1'')',
  pg_temp.acct('auditor_city'), :home1), 'AXP01');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''ZJ-1'')',
  pg_temp.admin(), :home2), 'AXC01', 'claim_id');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 0, NULL, ''ZJ-1'')',
  pg_temp.admin(), :home1), 'AXB01', 'amount_fen');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, %L, ''ZJ-1'')',
  pg_temp.admin(), :home1, pg_temp.pd(8, 2)), 'AXB01', 'paid_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, %L, ''ZJ-1'')',
  pg_temp.admin(), :home1, pg_temp.today() + 1), 'AXB01', 'paid_on');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, '''')',
  pg_temp.admin(), :home1), 'AXB01', 'reference');
SELECT pg_temp.eq(:'fp0', pg_temp.fp(), 'refused visits and supplements changed nothing');
SELECT pg_temp.eq('paid', (pg_temp.visit('adj_cl2', :home1, pg_temp.pd(8, 10), '家庭已收到赔款')).state, 'visit by a non-supervisor');
SELECT pg_temp.eq('paid', (pg_temp.visit('sup_cl', :home1, pg_temp.pd(8, 3))).state, 'visit on the day of payment');
SELECT pg_temp.eq('2', (SELECT count(*)::text FROM aixin.claim_visits WHERE claim_id = :home1), 'two visits recorded');
SELECT pg_temp.eq('100000', (pg_temp.supp('admin', :home1, 100000, pg_temp.pd(9, 1), 'ZJ-1')).supplementary_fen::text,
  'a supplementary payout');
SELECT pg_temp.eq('150000', (pg_temp.supp('admin', :home1, 50000, NULL, 'ZJ-2')).supplementary_fen::text,
  'a second one (paid today)');
SELECT pg_temp.expect(format('SELECT * FROM aixin.add_supplementary_payout(%s, 9, pg_temp.k(999999), %s, 100000, NULL, ''ZJ-1'')',
  pg_temp.admin(), :home1), 'AXE01', 'reference', 'supplementary payout ZJ-1 of claim % is already recorded');
SELECT pg_temp.eq('1000', (pg_temp.supp('admin', :home3, 1000, NULL, 'ZJ-1')).supplementary_fen::text,
  'the same reference on another claim');
SELECT pg_temp.eq('paid 500000 150000', (SELECT state || ' ' || paid_fen || ' ' || supplementary_fen FROM pg_temp.c(:home1)),
  'supplements do not change the claim');
\echo PASS visits and supplementary payouts

-- ---------------------------------------------------------------------------
-- A whole life cycle and its history.
SELECT id AS life FROM aixin.file_claim(pg_temp.acct('clerk_a'), 7001, pg_temp.k(7001), pg_temp.kid('a8'), pg_temp.p(),
  'illness', pg_temp.pd(3, 28), 900000, false, ARRAY['理赔申请书'], '车祸住院', pg_temp.pd(4, 1)) \gset
SELECT * FROM aixin.add_claim_documents(pg_temp.acct('clerk_x'), 7002, pg_temp.k(7002), :life,
  ARRAY['住院发票', '出院小结'], true, pg_temp.pd(4, 3)) \g /dev/null
SELECT * FROM aixin.review_claim(pg_temp.acct('adj_cl1'), 7003, pg_temp.k(7003), :life, '开始审核') \g /dev/null
SELECT * FROM aixin.flag_claim_doubt(pg_temp.acct('adj_cl2'), 7004, pg_temp.k(7004), :life, '发票金额存疑') \g /dev/null
SELECT * FROM aixin.escalate_claim(pg_temp.acct('adj_cl1'), 7005, pg_temp.k(7005), :life, '上报', pg_temp.pd(4, 5)) \g /dev/null
SELECT * FROM aixin.review_claim(pg_temp.acct('sup_cl'), 7006, pg_temp.k(7006), :life, '继续审核') \g /dev/null
SELECT * FROM aixin.approve_claim(pg_temp.acct('adj_cl2'), 7007, pg_temp.k(7007), :life, 850000, '部分费用自付', pg_temp.pd(4, 10)) \g /dev/null
SELECT * FROM aixin.pay_claim(pg_temp.acct('adj_cl1'), 7008, pg_temp.k(7008), :life, 850000, pg_temp.pd(4, 12), 'cash', true) \g /dev/null
SELECT * FROM aixin.record_visit(pg_temp.acct('adj_cl2'), 7009, pg_temp.k(7009), :life, pg_temp.pd(5, 1), '回访满意') \g /dev/null
SELECT * FROM aixin.add_supplementary_payout(pg_temp.admin(), 7010, pg_temp.k(7010), :life, 200000, pg_temp.pd(5, 2), 'ZJ-9') \g /dev/null
-- Replays of the approval and the payment return the claim as it is now.
SELECT pg_temp.eq('paid 850000', (SELECT state || ' ' || approved_fen FROM aixin.approve_claim(pg_temp.acct('adj_cl2'), 7007,
  pg_temp.k(7007), :life, 850000, '部分费用自付', pg_temp.pd(4, 10))), 'approval replay after payment: no conflict');
SELECT pg_temp.eq('paid', (SELECT state FROM aixin.pay_claim(pg_temp.acct('adj_cl1'), 7008, pg_temp.k(7008), :life, 850000,
  pg_temp.pd(4, 12), 'cash', true)), 'payment replay');
SELECT pg_temp.expect(format('SELECT * FROM aixin.approve_claim(%s, 7007, pg_temp.k(7007), %s, 800000, NULL, NULL)',
  pg_temp.acct('adj_cl2'), :life), 'AXK01', 'idempotency_key');
SELECT pg_temp.eq(
  format('file:-:filed:clerk_a:%1$s:7001:%11$s:理赔申请书:900000|'
      || 'add_documents:filed:filed:clerk_x:%2$s:7002:%12$s:住院发票, 出院小结; documents complete:-|'
      || 'review:filed:under_review:adj_cl1:%3$s:7003:%13$s:开始审核:-|'
      || 'doubt:under_review:under_review:adj_cl2:%3$s:7004:%14$s:发票金额存疑:-|'
      || 'escalate:under_review:escalated:adj_cl1:%4$s:7005:%15$s:上报:-|'
      || 'review:escalated:under_review:sup_cl:%3$s:7006:%16$s:继续审核:-|'
      || 'approve:under_review:approved:adj_cl2:%5$s:7007:%17$s:部分费用自付:850000|'
      || 'pay:approved:paid:adj_cl1:%6$s:7008:%18$s:cash, delivered home:850000|'
      || 'visit:paid:paid:adj_cl2:%7$s:7009:%19$s:回访满意:-|'
      || 'supplement:paid:paid:admin:%8$s:7010:%20$s:ZJ-9:200000',
    pg_temp.ps(4, 1), pg_temp.ps(4, 3), pg_temp.today(), pg_temp.ps(4, 5), pg_temp.ps(4, 10), pg_temp.ps(4, 12),
    pg_temp.ps(5, 1), pg_temp.ps(5, 2), NULL, NULL,
    encode(pg_temp.k(7001), 'hex'), encode(pg_temp.k(7002), 'hex'), encode(pg_temp.k(7003), 'hex'),
    encode(pg_temp.k(7004), 'hex'), encode(pg_temp.k(7005), 'hex'), encode(pg_temp.k(7006), 'hex'),
    encode(pg_temp.k(7007), 'hex'), encode(pg_temp.k(7008), 'hex'), encode(pg_temp.k(7009), 'hex'),
    encode(pg_temp.k(7010), 'hex')),
  (SELECT string_agg(action || ':' || coalesce(from_state, '-') || ':' || to_state || ':' || actor || ':' || effective_on
                     || ':' || request_id || ':' || idempotency_key || ':' || coalesce(note, '-') || ':'
                     || coalesce(amount_fen::text, '-'), '|' ORDER BY id)
     FROM aixin.claim_history(pg_temp.acct('clerk_a'), 1, :life)),
  'claim history: every step with who, paper date, request id and key');
SELECT pg_temp.eq('true', (SELECT bool_and(recorded_at BETWEEN aixin.epoch(now()) - 60 AND aixin.epoch(now()))::text
                             FROM aixin.claim_history(pg_temp.acct('adj_cl1'), 1, :life)), 'history carries the system time');
SELECT pg_temp.eq(format('paid fifteen_day %s %s false 200000 true', pg_temp.ps(4, 5), pg_temp.ps(4, 17)),
  (SELECT state || ' ' || service_class || ' ' || clock_start_date || ' ' || due_date || ' ' || overdue || ' '
       || supplementary_fen || ' ' || doubt FROM pg_temp.c(:life)), 'the claim at the end of its life');
\echo PASS life cycle and claim history

-- ---------------------------------------------------------------------------
-- Reading: offices in scope and the insurer's adjusters; nobody else.
SELECT pg_temp.eq(true::text, (SELECT bool_and((SELECT id FROM aixin.get_claim(pg_temp.acct(w), 77, :life)) = :life)::text
    FROM unnest(ARRAY['clerk_a', 'clerk_x', 'auditor_x', 'auditor_city', 'admin', 'adj_cl1', 'adj_cl2', 'sup_cl']) w),
  'offices in scope and the insurer''s adjusters read the claim');
SELECT pg_temp.eq(true::text, (SELECT bool_and(pg_temp.try(format('SELECT * FROM aixin.get_claim(%s, 77, %s)', pg_temp.acct(w), :life)) = 'AXN01'
                                            AND pg_temp.try(format('SELECT * FROM aixin.claim_history(%s, 77, %s)', pg_temp.acct(w), :life)) = 'AXN01')::text
    FROM unnest(ARRAY['clerk_b', 'clerk_c', 'auditor_b', 'adj_tk', 'sup_tk']) w),
  'other townships, counties and insurers: claim not found');
SELECT pg_temp.expect('SELECT * FROM aixin.get_claim(pg_temp.admin(), 77, 99999999)', 'AXN01', 'claim_id');
SELECT pg_temp.eq('8', (SELECT count(*)::text FROM aixin.audit_log
                                         WHERE action = 'claim.read' AND target = 'claim:' || :life AND request_id = 77),
  'every read audited');
SELECT pg_temp.eq('true', (SELECT (count(*) >= 2)::text FROM aixin.audit_log WHERE action = 'claim.history'
                                                                             AND target = 'claim:' || :life),
  'history reads audited');
SELECT pg_temp.eq('adj_tk 360822100 taikang', (SELECT 'adj_tk ' || township_code || ' ' || insurer_code
                                                  FROM aixin.get_claim(pg_temp.acct('adj_tk'), 78, :claim_b_old)),
  'taikang reads its own claim');
\echo PASS reading and its audit

-- ---------------------------------------------------------------------------
-- The due list: waiting claims overdue or due soon, in scope, by due date.
SELECT pg_temp.file('clerk_b', 'b2', pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 90000, true, NULL) AS b_today \gset
SELECT pg_temp.file('clerk_b', 'b2', pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 150000, true, NULL) AS b_week \gset
SELECT pg_temp.file('clerk_b', 'b2', pg_temp.y(), 'illness', make_date(pg_temp.y(), 1, 1), 150000, false, NULL) AS b_nodocs \gset
SELECT pg_temp.file('clerk_b', 'b2', pg_temp.p(), 'illness', pg_temp.pd(2, 1), 150000, true, pg_temp.pd(2, 1)) AS b_rejected \gset
SELECT (pg_temp.reject('sup_tk', :b_rejected, pg_temp.pd(2, 20))).state \g /dev/null
SELECT pg_temp.file('clerk_b', 'b2', pg_temp.p(), 'illness', pg_temp.pd(2, 1), 150000, true, pg_temp.pd(2, 1)) AS b_paid \gset
SELECT (pg_temp.approve('adj_tk', :b_paid, 150000, pg_temp.pd(2, 20))).state \g /dev/null
SELECT (pg_temp.pay('adj_tk', :b_paid, 150000, pg_temp.pd(2, 21))).state \g /dev/null

CREATE FUNCTION pg_temp.due_ids(who text, days int) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(r.id::text, ',' ORDER BY r.ordinality), '')
    FROM aixin.list_due_claims(pg_temp.acct(who), days) WITH ORDINALITY AS r
$$;
SELECT pg_temp.eq(format('%s,%s', :claim_b_old, :b_today), pg_temp.due_ids('adj_tk', 0), 'taikang, due today or overdue');
SELECT pg_temp.eq(format('%s,%s', :claim_b_old, :b_today), pg_temp.due_ids('adj_tk', 6), 'taikang, within 6 days');
SELECT pg_temp.eq(format('%s,%s,%s', :claim_b_old, :b_today, :b_week), pg_temp.due_ids('adj_tk', 7), 'taikang, within 7 days');
SELECT pg_temp.eq(pg_temp.due_ids('adj_tk', 30), pg_temp.due_ids('sup_tk', 30), 'every taikang adjuster sees the same');
SELECT pg_temp.eq(pg_temp.due_ids('adj_tk', 30), pg_temp.due_ids('clerk_b', 30), 'the township clerk of B sees the same');
SELECT pg_temp.eq(pg_temp.due_ids('adj_tk', 30), pg_temp.due_ids('auditor_b', 30), 'the auditor of county W sees the same');
SELECT pg_temp.eq(format('%s,%s', :claim_b_old, :b_today),
  (SELECT string_agg(id::text, ',' ORDER BY id) FROM aixin.list_due_claims(pg_temp.acct('sup_tk'), 366) WHERE overdue OR due_date = aixin.ymd(aixin.local_today())),
  'overdue first, then due today');
-- Chinalife and the offices of county X: none of county W's claims.
SELECT pg_temp.eq('0 0', (SELECT count(*) FILTER (WHERE insurer_code <> 'chinalife') || ' '
                              || count(*) FILTER (WHERE state NOT IN ('filed', 'under_review', 'escalated', 'approved'))
                           FROM aixin.list_due_claims(pg_temp.acct('adj_cl1'), 366)), 'chinalife sees only its open claims');
SELECT pg_temp.eq(format('true false 0 true'),
  (SELECT bool_or(id = :claim_today) || ' ' || bool_or(id = :claim_c1) || ' '
          || count(*) FILTER (WHERE township_code <> '360821100') || ' ' || bool_or(id = :d_same)
     FROM aixin.list_due_claims(pg_temp.acct('clerk_a'), 0)), 'township clerk A: township A only');
SELECT pg_temp.eq('true true 0', (SELECT bool_or(id = :claim_c1) || ' ' || bool_or(id = :claim_today) || ' '
                                        || count(*) FILTER (WHERE township_code NOT LIKE '360821%')
                                   FROM aixin.list_due_claims(pg_temp.acct('clerk_x'), 0)), 'county clerk X: county X only');
SELECT pg_temp.eq((SELECT count(*)::text FROM aixin.claims c
                   CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt, c.escalated_on,
                                                      c.state, c.decided_on, c.paid_on, aixin.local_today()) d
                    WHERE c.state IN ('filed', 'under_review', 'escalated', 'approved')
                      AND (d.overdue OR d.due_date <= aixin.local_today() + 7)),
  (SELECT count(*)::text FROM aixin.list_due_claims(pg_temp.acct('auditor_city'), 7)), 'the city sees every claim due');
SELECT pg_temp.eq(pg_temp.due_ids('auditor_city', 7), pg_temp.due_ids('admin', 7), 'city admin as the city auditor');
SELECT pg_temp.eq('true', (SELECT coalesce(bool_and(due_date <= next_due), true)::text
    FROM (SELECT r.due_date, lead(r.due_date) OVER (ORDER BY r.ordinality) AS next_due
            FROM aixin.list_due_claims(pg_temp.admin(), 366) WITH ORDINALITY AS r) x), 'ordered by due date');
SELECT pg_temp.eq('false false', (SELECT bool_or(id = :b_nodocs) || ' ' || bool_or(id IN (:b_rejected, :b_paid))
                                    FROM aixin.list_due_claims(pg_temp.admin(), 366)),
  'no clock, or settled: never due');
SELECT pg_temp.expect('SELECT * FROM aixin.list_due_claims(pg_temp.admin(), -1)', 'AXB01', 'within_days');
SELECT pg_temp.expect('SELECT * FROM aixin.list_due_claims(pg_temp.admin(), 367)', 'AXB01', 'within_days');
SELECT pg_temp.eq('true', (SELECT (count(*) > 5)::text FROM aixin.audit_log WHERE action = 'claim.list_due'),
  'due lists audited');
\echo PASS the due list and its scope

-- ---------------------------------------------------------------------------
-- Audit: every change, with its request, no full ID number.
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.claim_transitions t
                         WHERE NOT EXISTS (SELECT 1 FROM aixin.audit_log a
                                            WHERE a.action = 'claim.' || t.action AND a.target = 'claim:' || t.claim_id
                                              AND a.request_id = t.request_id AND a.idempotency_key = t.idempotency_key)),
  'every transition has its audit row');
SELECT pg_temp.eq((SELECT count(*)::text FROM aixin.claims),
  (SELECT count(*)::text FROM aixin.audit_log WHERE action = 'claim.file'), 'every filing audited once');
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.claim_transitions t
                         WHERE (SELECT count(*) FROM aixin.claim_transitions u
                                 WHERE u.idempotency_key = t.idempotency_key) > 1), 'replays added no transition');
SELECT id AS masked FROM aixin.file_claim(pg_temp.acct('clerk_a'), 7100, pg_temp.k(7100), pg_temp.kid('a10'), pg_temp.p(),
  'illness', pg_temp.pd(3, 1), 10000, true, NULL, '监护人身份证 ' || pg_temp.kid('a10'), pg_temp.pd(3, 1)) \gset
SELECT pg_temp.eq('监护人身份证 ' || aixin.mask_id(pg_temp.kid('a10')) || ' ' || aixin.mask_id(pg_temp.kid('a10')),
  (SELECT (detail ->> 'description') || ' ' || (detail ->> 'child') FROM aixin.audit_log
    WHERE action = 'claim.file' AND target = 'claim:' || :masked), 'ID numbers masked in the audit trail');
\echo PASS audit of claims
