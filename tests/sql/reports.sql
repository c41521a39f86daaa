-- SQL-level checks of the reports (deploy/sql/0007_reports.sql): every
-- kind on a small programme built through the API functions, with the
-- figures worked out by hand below; parent rows equal to the sum of their
-- children for every number and every rate recomputed from its parts; the
-- same row whatever the root; year ranges; empty divisions; scope, roles
-- and argument errors; the policy totals and the claims' copies exact after
-- every kind of write.
-- Run by tests/integration/it_sql_reports.sh against a freshly migrated
-- database with the Ji'an divisions and the account 'admin' loaded:
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/reports.sql
-- Every check raises on failure; \echo lines report the sections passed.
-- ID numbers are synthetic (correct check characters, made-up people).
--
-- Years: Y is the current year (Asia/Shanghai); the programme runs in
-- A = Y - 2 and B = Y - 1, so every paper date lies in the past and the
-- open claims are all overdue today.
--
-- Divisions: city 360800 (吉安市); county X = 360821 (吉安县) with
-- townships A1 = 360821100 (敦厚镇), A2 = 360821101 (永阳镇) and
-- C0 = 360821102 (天河镇, a census of 0); county W = 360822 (吉水县) with
-- township B1 = 360822100 (文峰镇); county Z = 360823 (峡江县) with
-- township Z1 = 360823100 (水边镇, A only; 12 townships in Z); county
-- 360824 (新干县) has nothing.
--
-- THE PROGRAMME
-- Terms  A: premium 30.00, city 5.00; X county 10.00 (township 15.00),
--           W county 8.00 (township 17.00), Z county 12.00 (township 13.00)
--        B: premium 40.00, city 10.00; X county 10.00 (township 20.00),
--           W county 15.00 (township 15.00)
-- Insurers A: X chinalife, W taikang, Z chinalife;  B: X chinalife, W picc
--
-- Households and policies (kid: years enrolled)
--   A1: h1 only child k1: A B;  h2 two daughters k2a: A B, k2b: A;
--       h3 only child k3: B
--   A2: h4 only child k4: A B;  h5 only child k5: A
--   B1: h6 two daughters k6a: A B, k6b: A B;  h7 only child k7: B
--   Z1: z1..z9 only children: A
-- Policies   A: A1 3 (households 2), A2 2 (2), B1 2 (1), Z1 9 (9)
--            B: A1 3 (3), A2 1 (1), B1 3 (2)
-- Census (current revision)
--   A: A1 10 corrected to 4, A2 2, C0 0, B1 1, Z1 10;  B: A1 3, A2 2, B1 3
--
-- ENROLLMENT  eligible insured policies rate
--            A                      B                    A..B
--   A1   4  2  3 0.5000      3 3 3 1.0000        7  5  6 0.7142
--   A2   2  2  2 1.0000      2 1 1 0.5000        4  3  3 0.7500
--   C0   0  0  0 null        0 0 0 null          0  0  0 null
--   X    6  4  5 0.6666      5 4 4 0.8000       11  8  9 0.7272
--   B1   1  1  2 1.0000      3 2 3 0.6666        4  3  5 0.7500
--   W    1  1  2 1.0000      3 2 3 0.6666        4  3  5 0.7500
--   Z   10  9  9 0.9000      0 0 0 null         10  9  9 0.9000
--   city 17 14 16 0.8235     8 6 7 0.7500       25 20 23 0.8000
-- ASSESSMENT (A): Z 0.9000 exactly: met, 10 points; W 1.0000: met; X no.
--
-- FUNDING  premium, owed city/county/township, paid city/county/township,
-- outstanding.  Owed A: A1 9000 = 1500/3000/4500, A2 6000 = 1000/2000/
-- 3000, B1 6000 = 1000/1600/3400, Z1 27000 = 4500/10800/11700;
-- B: A1 12000 = 3000/3000/6000, A2 4000 = 1000/1000/2000,
--    B1 12000 = 3000/4500/4500.
-- Payments A: city 79.99 (one fen short of 80.00), X 40.00, W 16.00,
--   A1 45.00, B1 30.00.
--   The city's 7999 fen by city share owed (A1 1500, A2 1000, B1 1000,
--   Z1 4500 of 8000): floors 1499, 999, 999, 4499 (7996), remainders
--   (x 8000) 6500, 7000, 7000, 3500: the 3 fen left go to A2 and B1 (tie,
--   by code) and A1: A1 1500, A2 1000, B1 1000, Z1 4499.
--   X's 4000 fen by county share owed (3000, 2000 of 5000): A1 2400,
--   A2 1600.  W's 1600: B1.
-- Payments B: city 50.00, Z 1.90 (Z owes nothing in B), A2 20.00.
--   The city's 5000 fen (A1 3000, A2 1000, B1 3000 of 7000): floors 2142,
--   714, 2142, remainders 6000, 2000, 6000: A1 2143, A2 714, B1 2143.
--   Z's 190 fen in equal parts over its 12 townships: 15 each and 10 left,
--   one more to the first 10 by code: Z1 16.
--            A                                                  B
--   A1  9000 1500 3000 4500 1500 2400 4500   600   12000 3000 3000 6000 2143    0    0  9857
--   A2  6000 1000 2000 3000 1000 1600    0  3400    4000 1000 1000 2000  714    0 2000  1286
--   X  15000 2500 5000 7500 2500 4000 4500  4000   16000 4000 4000 8000 2857    0 2000 11143
--   W   6000 1000 1600 3400 1000 1600 3000   400   12000 3000 4500 4500 2143    0    0  9857
--   Z1 27000 4500 10800 11700 4499 0   0  22501       0    0    0    0    0   16    0   -16
--   Z  27000 4500 10800 11700 4499 0   0  22501       0    0    0    0    0  190    0  -190
--   city 48000 8000 17400 22600 7999 5600 7500 26901
--                                                  28000 7000 8500 12500 5000 190 2000 20810
--
-- CLAIMS (amounts in fen; all dates in A or B)
--   c1  k1  A illness    800.00 complete 03-02, approved 600.00 and paid
--           03-02 (same day: on time); visited 03-10
--   c2  k2a A accident   300.00 complete 04-01, rejected 04-03 (same day: late)
--   c3  k2b A illness  4,000.00 complete 05-01, escalated 05-02, approved
--           3,500.00 by the supervisor 05-10, paid 05-20 (due 05-17: late);
--           supplementary 1,000.00 06-01; visited 06-02 and 06-03
--   c4  k4  A guardian_death 10,000.00 complete 07-01, approved 07-05,
--           paid 07-08 home (seven days: on time)
--   c5  k6a A illness  1,500.00 complete 08-01, approved 1,200.00 08-03,
--           paid 08-12 (due 08-08: late)
--   c6  k6b A accident   200.00 complete 08-05, paid 08-05 (same day: on time)
--   c7  k5  A illness    500.00 filed 09-01 without complete documents: no
--           clock, not counted, never overdue
--   c8  z1  A illness    600.00 complete 10-01, under review: overdue now
--   c9  k1  B illness  6,000.00 complete 02-01, approved 5,500.00 02-05,
--           paid 02-06 home (on time); supplementary 500.00; visited
--   c10 k3  B child_death 10,000.00 complete 03-01, approved 03-05, not
--           paid: overdue now, home delivery required and not done
--   c11 k7  B accident   900.00 complete 04-01, doubt: seven days,
--           approved 04-05, paid 04-07 (on time)
--   c12 k6a B illness    300.00 complete 05-01, escalated 05-02 and not
--           answered: overdue now
--   c13 k4  B illness    700.00 complete 06-01, rejected 06-01 (on time)
-- claims_filed claims_paid paid_fen premium_fen payout_ratio supplementary
-- h500 h3000 hdeath
--   A:  A1 3 2 410000 9000 45.5555 100000 2 1 0;  A2 2 1 1000000 6000
--       166.6666 0 1 1 1;  B1 2 2 140000 6000 23.3333 0 1 0 0;  Z1 1 0 0
--       27000 0.0000 0 0 0 0;  X 5 3 1410000 15000 94.0000 100000 3 2 1;
--       city 8 5 1550000 48000 32.2916 100000 4 2 1
--   B:  A1 2 1 550000 12000 45.8333 50000 1 1 0;  W 2 1 90000 12000 7.5000
--       0 1 0 0;  city 5 2 640000 28000 22.8571 50000 2 1 0
--   A..B (households distinct over both years: h1 paid in A and in B
--   counts once):  A1 5 3 960000 21000 45.7142 150000 2 2 0;
--       B1 4 3 230000 18000 12.7777 0 2 0 0;
--       city 13 7 2190000 76000 28.8157 150000 5 3 1
-- SERVICE  same_day total/on time, seven_day, fifteen_day, home delivery
-- required/done, visits, overdue now
--   A:  A1 2 1 0 0 1 0 0 0 2 0;  A2 0 0 1 1 0 0 1 1 0 0;
--       B1 1 1 1 0 0 0 0 0 0 0;  Z1 1 0 0 0 0 0 0 0 0 1;
--       city 4 2 2 1 1 0 1 1 2 1
--   B:  A1 0 0 2 1 0 0 2 1 1 1;  A2 1 1 0 0 0 0 0 0 0 0;
--       B1 0 0 1 1 1 0 0 0 0 1;  city 1 1 3 2 1 0 2 1 1 2
--   A..B: city 5 3 5 3 2 0 3 2 3 3
-- INSURERS  policies premium paid ratio share
--   A: chinalife 14 42000 1410000 33.5714 0.8750; taikang 2 6000 140000
--      23.3333 0.1250
--   A..B: chinalife 18 58000 1960000 33.7931 0.7826; picc 3 12000 90000
--      7.5000 0.1304; taikang 2 6000 140000 23.3333 0.0869

\set QUIET on
SET client_min_messages = warning;

-- ---------------------------------------------------------------------------
-- Test functions (session-local, nothing is added to the schema).

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

CREATE FUNCTION pg_temp.expect(stmt text, state text, col text DEFAULT NULL)
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

CREATE FUNCTION pg_temp.acct(u text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = u
$$;

-- Years A and B, and a date in them.
CREATE FUNCTION pg_temp.ya() RETURNS int LANGUAGE sql AS $$
  SELECT extract(year FROM aixin.local_today())::int - 2
$$;
CREATE FUNCTION pg_temp.yb() RETURNS int LANGUAGE sql AS $$
  SELECT extract(year FROM aixin.local_today())::int - 1
$$;
CREATE FUNCTION pg_temp.ad(m int, d int) RETURNS date LANGUAGE sql AS $$
  SELECT make_date(pg_temp.ya(), m, d)
$$;
CREATE FUNCTION pg_temp.bd(m int, d int) RETURNS date LANGUAGE sql AS $$
  SELECT make_date(pg_temp.yb(), m, d)
$$;

CREATE SEQUENCE pg_temp.req START 100000;
CREATE FUNCTION pg_temp.nk() RETURNS int LANGUAGE sql AS $$
  SELECT nextval('pg_temp.req')::int
$$;

-- Households and children by short name.
CREATE TABLE pg_temp.hh (name text PRIMARY KEY, id bigint NOT NULL);
CREATE TABLE pg_temp.kids (name text PRIMARY KEY, id_number text NOT NULL);

CREATE FUNCTION pg_temp.kid(n text) RETURNS text LANGUAGE sql AS $$
  SELECT id_number FROM pg_temp.kids WHERE name = n
$$;

CREATE FUNCTION pg_temp.household(n text, township text, kind text, seq int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  guardian text := pg_temp.mkid(left(township, 6), DATE '1988-01-01' + seq, seq);
BEGIN
  PERFORM * FROM aixin.register_household(pg_temp.admin(), r, pg_temp.k(r), township, kind,
                                          'RP-' || n, guardian, '家长' || n, NULL, NULL);
  INSERT INTO pg_temp.hh
  SELECT n, household_id FROM aixin.guardians WHERE id_number = guardian;
END $$;

-- A child (odd seq: a boy, even: a girl) born on 10 May of A - 3.
CREATE FUNCTION pg_temp.child(n text, household text, seq int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  township text := (SELECT h.township_code FROM aixin.households h
                     WHERE h.id = (SELECT id FROM pg_temp.hh WHERE name = household));
  idn text := pg_temp.mkid(left(township, 6), make_date(pg_temp.ya() - 3, 5, 10), seq);
BEGIN
  PERFORM * FROM aixin.add_child(pg_temp.admin(), r, pg_temp.k(r),
                                 (SELECT id FROM pg_temp.hh WHERE name = household), idn,
                                 '孩子' || n, NULL, NULL);
  INSERT INTO pg_temp.kids VALUES (n, idn);
END $$;

CREATE FUNCTION pg_temp.enroll(n text, yr int, who text DEFAULT 'admin') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
BEGIN
  PERFORM * FROM aixin.enroll(pg_temp.acct(who), r, pg_temp.k(r), pg_temp.kid(n), yr);
END $$;

CREATE FUNCTION pg_temp.census(township text, yr int, n bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
BEGIN
  PERFORM * FROM aixin.submit_census(pg_temp.admin(), r, pg_temp.k(r), township, yr, n, NULL);
END $$;

CREATE FUNCTION pg_temp.pay_in(lvl text, division text, yr int, fen bigint, ref text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
BEGIN
  PERFORM * FROM aixin.record_disbursement(pg_temp.admin(), r, pg_temp.k(r), lvl, division, yr,
                                           fen, make_date(yr, 6, 30), ref);
END $$;

-- Claim steps: each call is one request with a fresh request id and key.
CREATE FUNCTION pg_temp.file(kid text, yr int, ev text, amount bigint, complete boolean,
                             received date)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
  cid bigint;
BEGIN
  SELECT id INTO STRICT cid
    FROM aixin.file_claim(pg_temp.admin(), r, pg_temp.k(r), pg_temp.kid(kid), yr, ev,
                          received - 1, amount, complete, ARRAY['理赔申请书'], NULL, received);
  RETURN cid;
END $$;

CREATE FUNCTION pg_temp.step(fn text, who text, cid bigint, VARIADIC args text[] DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r int := pg_temp.nk();
BEGIN
  EXECUTE format('SELECT * FROM aixin.%I(%s, %s, %L, %s%s)', fn, pg_temp.acct(who), r,
                 pg_temp.k(r), cid,
                 (SELECT coalesce(string_agg(', ' || a, '' ORDER BY o), '')
                    FROM unnest(args) WITH ORDINALITY u (a, o)));
END $$;

CREATE FUNCTION pg_temp.q(d date) RETURNS text LANGUAGE sql AS $$
  SELECT quote_literal(d::text) || '::date'
$$;

-- The rows of a report, in order, as json (column order kept).
CREATE FUNCTION pg_temp.rows(kind text, y1 int, y2 int, division text, who text DEFAULT 'admin')
RETURNS SETOF json LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT row_to_json(x) FROM aixin.%I(%s, %s, %s, %L) x',
                              'report_' || kind, pg_temp.acct(who), y1, y2, division);
END $$;

-- The figures of one row (by division or insurer code), space separated
-- in column order, without the code, name and level.
CREATE FUNCTION pg_temp.line(kind text, y1 int, y2 int, division text, code text,
                             who text DEFAULT 'admin')
RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(e.value::text, ' ' ORDER BY e.ord)
    FROM pg_temp.rows(kind, y1, y2, division, who) r
   CROSS JOIN LATERAL json_each(r) WITH ORDINALITY e (key, value, ord)
   WHERE coalesce(r ->> 'division', r ->> 'insurer') = code
     AND e.key NOT IN ('division', 'insurer', 'name', 'level')
$$;

-- The codes of the rows, in order.
CREATE FUNCTION pg_temp.codes(kind text, y1 int, y2 int, division text, who text DEFAULT 'admin')
RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(coalesce(r ->> 'division', r ->> 'insurer'), ' ')
    FROM pg_temp.rows(kind, y1, y2, division, who) r
$$;

-- A fraction as the reports give it.
CREATE FUNCTION pg_temp.rate(num numeric, den numeric) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN den = 0 THEN 'null' ELSE trunc(num / den, 4)::text END
$$;

-- Parent = sum of children for every number of a report (rows after the
-- first are the children of the first); every rate recomputed from its
-- row's numerator and denominator; the assessment's target and points
-- from its rate.
CREATE FUNCTION pg_temp.sums(kind text, y1 int, y2 int, division text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  rs json[] := ARRAY(SELECT pg_temp.rows(kind, y1, y2, division));
  e record;
  total numeric;
  r json;
  what text := format('%s %s-%s %s', kind, y1, y2, division);
BEGIN
  IF cardinality(rs) > 1 AND kind NOT IN ('insurers', 'assessment') THEN
    FOR e IN SELECT j.key, j.value FROM json_each(rs[1]) j
              WHERE json_typeof(j.value) = 'number'
                AND j.key NOT IN ('enrollment_rate', 'payout_ratio') LOOP
      SELECT sum((x ->> e.key)::numeric) INTO total FROM unnest(rs[2:]) x;
      PERFORM pg_temp.eq((e.value #>> '{}'), total::text, what || ': parent ' || e.key);
    END LOOP;
  END IF;
  FOREACH r IN ARRAY rs LOOP
    IF kind IN ('enrollment', 'assessment') THEN
      PERFORM pg_temp.eq(pg_temp.rate((r ->> 'insured_households')::numeric,
                                      (r ->> 'eligible_households')::numeric),
                         coalesce(r ->> 'enrollment_rate', 'null'), what || ': enrollment_rate');
    END IF;
    IF kind IN ('claims', 'insurers') THEN
      PERFORM pg_temp.eq(pg_temp.rate((r ->> 'paid_fen')::numeric, (r ->> 'premium_fen')::numeric),
                         coalesce(r ->> 'payout_ratio', 'null'), what || ': payout_ratio');
    END IF;
    IF kind = 'funding' THEN
      PERFORM pg_temp.eq(((r ->> 'premium_fen')::bigint - (r ->> 'city_paid_fen')::bigint
                          - (r ->> 'county_paid_fen')::bigint - (r ->> 'township_paid_fen')::bigint)::text,
                         r ->> 'outstanding_fen', what || ': outstanding');
      PERFORM pg_temp.eq(r ->> 'premium_fen',
                         ((r ->> 'city_owed_fen')::bigint + (r ->> 'county_owed_fen')::bigint
                          + (r ->> 'township_owed_fen')::bigint)::text, what || ': owed adds up');
    END IF;
    IF kind = 'assessment' THEN
      PERFORM pg_temp.eq(((r ->> 'eligible_households')::bigint > 0
                          AND (r ->> 'insured_households')::numeric
                              >= 0.9 * (r ->> 'eligible_households')::numeric)::text,
                         r ->> 'meets_target', what || ': meets_target');
      PERFORM pg_temp.eq(CASE WHEN (r ->> 'meets_target')::boolean THEN '10' ELSE '0' END,
                         r ->> 'points', what || ': points');
    END IF;
  END LOOP;
END $$;

-- The row of division code in a report rooted at root equals its row in a
-- report rooted at the code itself.
CREATE FUNCTION pg_temp.same_row(kind text, y1 int, y2 int, root text, code text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_temp.eq(pg_temp.line(kind, y1, y2, code, code), pg_temp.line(kind, y1, y2, root, code),
                     format('%s %s-%s: row %s alone and under %s', kind, y1, y2, code, root));
END $$;

-- The policy totals against the policies themselves: per year, township
-- and insurer (households per year and township).
CREATE FUNCTION pg_temp.totals_exact(what text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM (
    (SELECT policy_year, township_code, insurer_id, sum(policies), sum(premium_fen),
            sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
       FROM aixin.report_policy_totals GROUP BY 1, 2, 3 HAVING sum(policies) <> 0
     EXCEPT
     SELECT policy_year, township_code, insurer_id, count(*), sum(premium_fen),
            sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
       FROM aixin.policies GROUP BY 1, 2, 3)
    UNION ALL
    (SELECT policy_year, township_code, insurer_id, count(*), sum(premium_fen),
            sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
       FROM aixin.policies GROUP BY 1, 2, 3
     EXCEPT
     SELECT policy_year, township_code, insurer_id, sum(policies), sum(premium_fen),
            sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
       FROM aixin.report_policy_totals GROUP BY 1, 2, 3)) x;
  PERFORM pg_temp.eq('0', n::text, what || ': policy totals by year, township and insurer');
  SELECT count(*) INTO n FROM (
    (SELECT policy_year, township_code, sum(households)
       FROM aixin.report_policy_totals GROUP BY 1, 2 HAVING sum(households) <> 0
     EXCEPT
     SELECT policy_year, township_code, count(DISTINCT household_id)
       FROM aixin.policies GROUP BY 1, 2)
    UNION ALL
    (SELECT policy_year, township_code, count(DISTINCT household_id)
       FROM aixin.policies GROUP BY 1, 2
     EXCEPT
     SELECT policy_year, township_code, sum(households)
       FROM aixin.report_policy_totals GROUP BY 1, 2)) x;
  PERFORM pg_temp.eq('0', n::text, what || ': insured households by year and township');
END $$;

-- ---------------------------------------------------------------------------
-- The programme.

SELECT * FROM aixin.register_insurer(pg_temp.admin(), 1, pg_temp.k(1), 'chinalife', '中国人寿') \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(2), 'taikang', '泰康人寿') \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 3, pg_temp.k(3), 'picc', '中国人保') \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 4, pg_temp.k(4), pg_temp.ya(), pg_temp.ad(1, 1),
  3000, 500, 0, 3000,
  '[{"event": "illness", "max_payout_fen": 2000000}, {"event": "accident_injury", "max_payout_fen": 300000},
    {"event": "child_death", "max_payout_fen": 1000000}, {"event": "guardian_death", "max_payout_fen": 1000000}]') \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 5, pg_temp.k(5), pg_temp.yb(), pg_temp.bd(1, 1),
  4000, 1000, 0, 3000,
  '[{"event": "illness", "max_payout_fen": 2000000}, {"event": "accident_injury", "max_payout_fen": 300000},
    {"event": "child_death", "max_payout_fen": 1000000}, {"event": "guardian_death", "max_payout_fen": 1000000}]') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 6, pg_temp.k(6), '360821', pg_temp.ya(), 1000, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 7, pg_temp.k(7), '360822', pg_temp.ya(), 800, 'taikang') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 8, pg_temp.k(8), '360823', pg_temp.ya(), 1200, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 9, pg_temp.k(9), '360821', pg_temp.yb(), 1000, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 10, pg_temp.k(10), '360822', pg_temp.yb(), 1500, 'picc') \g /dev/null

CREATE FUNCTION pg_temp.mkacct(req int, u text, r text, division text, insurer text, sup boolean)
RETURNS void LANGUAGE sql AS $$
  SELECT NULL FROM aixin.create_account(pg_temp.admin(), req, pg_temp.k(req), u,
                    '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', r, division, insurer, sup)
$$;
SELECT pg_temp.mkacct(11, 'clerk_x', 'county_clerk', '360821', NULL, false);
SELECT pg_temp.mkacct(12, 'clerk_a1', 'township_clerk', '360821100', NULL, false);
SELECT pg_temp.mkacct(13, 'clerk_b1', 'township_clerk', '360822100', NULL, false);
SELECT pg_temp.mkacct(14, 'auditor_city', 'auditor', '360800', NULL, false);
SELECT pg_temp.mkacct(15, 'auditor_w', 'auditor', '360822', NULL, false);
SELECT pg_temp.mkacct(16, 'adj_cl', 'insurer_adjuster', '360800', 'chinalife', false);
SELECT pg_temp.mkacct(17, 'sup_cl', 'insurer_adjuster', '360800', 'chinalife', true);
SELECT pg_temp.mkacct(18, 'adj_tk', 'insurer_adjuster', '360800', 'taikang', false);
SELECT pg_temp.mkacct(19, 'adj_pc', 'insurer_adjuster', '360800', 'picc', false);

SELECT pg_temp.household('h1', '360821100', 'only_child', 1);
SELECT pg_temp.household('h2', '360821100', 'two_daughters', 2);
SELECT pg_temp.household('h3', '360821100', 'only_child', 3);
SELECT pg_temp.household('h4', '360821101', 'only_child', 4);
SELECT pg_temp.household('h5', '360821101', 'only_child', 5);
SELECT pg_temp.household('h6', '360822100', 'two_daughters', 6);
SELECT pg_temp.household('h7', '360822100', 'only_child', 7);
SELECT pg_temp.household('z' || i, '360823100', 'only_child', 10 + i) FROM generate_series(1, 9) i;
SELECT pg_temp.child('k1', 'h1', 101);
SELECT pg_temp.child('k2a', 'h2', 102);
SELECT pg_temp.child('k2b', 'h2', 104);
SELECT pg_temp.child('k3', 'h3', 103);
SELECT pg_temp.child('k4', 'h4', 105);
SELECT pg_temp.child('k5', 'h5', 107);
SELECT pg_temp.child('k6a', 'h6', 106);
SELECT pg_temp.child('k6b', 'h6', 108);
SELECT pg_temp.child('k7', 'h7', 109);
SELECT pg_temp.child('z' || i, 'z' || i, 109 + 2 * i) FROM generate_series(1, 9) i;

SELECT pg_temp.enroll(n, pg_temp.ya())
  FROM unnest(ARRAY['k1', 'k2a', 'k2b', 'k4', 'k5', 'k6a', 'k6b', 'z1', 'z2', 'z3', 'z4', 'z5',
                    'z6', 'z7', 'z8', 'z9']) n;
SELECT pg_temp.enroll(n, pg_temp.yb()) FROM unnest(ARRAY['k1', 'k2a', 'k3', 'k4', 'k6a', 'k6b', 'k7']) n;

SELECT pg_temp.census('360821100', pg_temp.ya(), 10);
SELECT pg_temp.census('360821100', pg_temp.ya(), 4);
SELECT pg_temp.census('360821101', pg_temp.ya(), 2);
SELECT pg_temp.census('360821102', pg_temp.ya(), 0);
SELECT pg_temp.census('360822100', pg_temp.ya(), 1);
SELECT pg_temp.census('360823100', pg_temp.ya(), 10);
SELECT pg_temp.census('360821100', pg_temp.yb(), 3);
SELECT pg_temp.census('360821101', pg_temp.yb(), 2);
SELECT pg_temp.census('360822100', pg_temp.yb(), 3);

SELECT pg_temp.pay_in('city', '360800', pg_temp.ya(), 7999, 'CITY-A');
SELECT pg_temp.pay_in('county', '360821', pg_temp.ya(), 4000, 'X-A');
SELECT pg_temp.pay_in('county', '360822', pg_temp.ya(), 1600, 'W-A');
SELECT pg_temp.pay_in('township', '360821100', pg_temp.ya(), 4500, 'A1-A');
SELECT pg_temp.pay_in('township', '360822100', pg_temp.ya(), 3000, 'B1-A');
SELECT pg_temp.pay_in('city', '360800', pg_temp.yb(), 5000, 'CITY-B');
SELECT pg_temp.pay_in('county', '360823', pg_temp.yb(), 190, 'Z-B');
SELECT pg_temp.pay_in('township', '360821101', pg_temp.yb(), 2000, 'A2-B');

-- The claims (see the table at the top).
CREATE TABLE pg_temp.cl (name text PRIMARY KEY, id bigint NOT NULL);
INSERT INTO pg_temp.cl VALUES
  ('c1', pg_temp.file('k1', pg_temp.ya(), 'illness', 80000, true, pg_temp.ad(3, 2))),
  ('c2', pg_temp.file('k2a', pg_temp.ya(), 'accident_injury', 30000, true, pg_temp.ad(4, 1))),
  ('c3', pg_temp.file('k2b', pg_temp.ya(), 'illness', 400000, true, pg_temp.ad(5, 1))),
  ('c4', pg_temp.file('k4', pg_temp.ya(), 'guardian_death', 1000000, true, pg_temp.ad(7, 1))),
  ('c5', pg_temp.file('k6a', pg_temp.ya(), 'illness', 150000, true, pg_temp.ad(8, 1))),
  ('c6', pg_temp.file('k6b', pg_temp.ya(), 'accident_injury', 20000, true, pg_temp.ad(8, 5))),
  ('c7', pg_temp.file('k5', pg_temp.ya(), 'illness', 50000, false, pg_temp.ad(9, 1))),
  ('c8', pg_temp.file('z1', pg_temp.ya(), 'illness', 60000, true, pg_temp.ad(10, 1))),
  ('c9', pg_temp.file('k1', pg_temp.yb(), 'illness', 600000, true, pg_temp.bd(2, 1))),
  ('c10', pg_temp.file('k3', pg_temp.yb(), 'child_death', 1000000, true, pg_temp.bd(3, 1))),
  ('c11', pg_temp.file('k7', pg_temp.yb(), 'accident_injury', 90000, true, pg_temp.bd(4, 1))),
  ('c12', pg_temp.file('k6a', pg_temp.yb(), 'illness', 30000, true, pg_temp.bd(5, 1))),
  ('c13', pg_temp.file('k4', pg_temp.yb(), 'illness', 70000, true, pg_temp.bd(6, 1)));
CREATE FUNCTION pg_temp.c(n text) RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM pg_temp.cl WHERE name = n
$$;

SELECT pg_temp.step('approve_claim', 'adj_cl', pg_temp.c('c1'), '60000', 'NULL', pg_temp.q(pg_temp.ad(3, 2)));
SELECT pg_temp.step('pay_claim', 'adj_cl', pg_temp.c('c1'), '60000', pg_temp.q(pg_temp.ad(3, 2)), '''cash''', 'false');
SELECT pg_temp.step('record_visit', 'adj_cl', pg_temp.c('c1'), pg_temp.q(pg_temp.ad(3, 10)), '''回访''');
SELECT pg_temp.step('reject_claim', 'adj_cl', pg_temp.c('c2'), '''材料不实''', pg_temp.q(pg_temp.ad(4, 3)));
SELECT pg_temp.step('escalate_claim', 'adj_cl', pg_temp.c('c3'), 'NULL', pg_temp.q(pg_temp.ad(5, 2)));
SELECT pg_temp.step('approve_claim', 'sup_cl', pg_temp.c('c3'), '350000', 'NULL', pg_temp.q(pg_temp.ad(5, 10)));
SELECT pg_temp.step('pay_claim', 'adj_cl', pg_temp.c('c3'), '350000', pg_temp.q(pg_temp.ad(5, 20)), '''bank_transfer''', 'false');
SELECT pg_temp.step('add_supplementary_payout', 'admin', pg_temp.c('c3'), '100000', pg_temp.q(pg_temp.ad(6, 1)), '''SUP-C3''');
SELECT pg_temp.step('record_visit', 'adj_cl', pg_temp.c('c3'), pg_temp.q(pg_temp.ad(6, 2)), '''回访''');
SELECT pg_temp.step('record_visit', 'adj_cl', pg_temp.c('c3'), pg_temp.q(pg_temp.ad(6, 3)), '''再访''');
SELECT pg_temp.step('approve_claim', 'adj_cl', pg_temp.c('c4'), '1000000', 'NULL', pg_temp.q(pg_temp.ad(7, 5)));
SELECT pg_temp.step('pay_claim', 'adj_cl', pg_temp.c('c4'), '1000000', pg_temp.q(pg_temp.ad(7, 8)), '''cash''', 'true');
SELECT pg_temp.step('approve_claim', 'adj_tk', pg_temp.c('c5'), '120000', 'NULL', pg_temp.q(pg_temp.ad(8, 3)));
SELECT pg_temp.step('pay_claim', 'adj_tk', pg_temp.c('c5'), '120000', pg_temp.q(pg_temp.ad(8, 12)), '''bank_transfer''', 'false');
SELECT pg_temp.step('approve_claim', 'adj_tk', pg_temp.c('c6'), '20000', 'NULL', pg_temp.q(pg_temp.ad(8, 5)));
SELECT pg_temp.step('pay_claim', 'adj_tk', pg_temp.c('c6'), '20000', pg_temp.q(pg_temp.ad(8, 5)), '''cash''', 'false');
SELECT pg_temp.step('review_claim', 'adj_cl', pg_temp.c('c8'), 'NULL');
SELECT pg_temp.step('approve_claim', 'adj_cl', pg_temp.c('c9'), '550000', 'NULL', pg_temp.q(pg_temp.bd(2, 5)));
SELECT pg_temp.step('pay_claim', 'adj_cl', pg_temp.c('c9'), '550000', pg_temp.q(pg_temp.bd(2, 6)), '''cash''', 'true');
SELECT pg_temp.step('add_supplementary_payout', 'admin', pg_temp.c('c9'), '50000', pg_temp.q(pg_temp.bd(3, 1)), '''SUP-C9''');
SELECT pg_temp.step('record_visit', 'adj_cl', pg_temp.c('c9'), pg_temp.q(pg_temp.bd(2, 20)), '''回访''');
SELECT pg_temp.step('approve_claim', 'adj_cl', pg_temp.c('c10'), '1000000', 'NULL', pg_temp.q(pg_temp.bd(3, 5)));
SELECT pg_temp.step('flag_claim_doubt', 'adj_pc', pg_temp.c('c11'), '''伤情存疑''');
SELECT pg_temp.step('approve_claim', 'adj_pc', pg_temp.c('c11'), '90000', 'NULL', pg_temp.q(pg_temp.bd(4, 5)));
SELECT pg_temp.step('pay_claim', 'adj_pc', pg_temp.c('c11'), '90000', pg_temp.q(pg_temp.bd(4, 7)), '''cash''', 'false');
SELECT pg_temp.step('escalate_claim', 'adj_pc', pg_temp.c('c12'), 'NULL', pg_temp.q(pg_temp.bd(5, 2)));
SELECT pg_temp.step('reject_claim', 'adj_cl', pg_temp.c('c13'), '''不属于保险责任''', pg_temp.q(pg_temp.bd(6, 1)));

-- The deadlines as claim_due sees them today (the service figures rest on them).
SELECT pg_temp.eq(
  'c1 same_day false|c2 same_day true|c3 fifteen_day true|c4 seven_day false|c5 seven_day true|'
  'c6 same_day false|c7 seven_day false|c8 same_day true|c9 seven_day false|c10 seven_day true|'
  'c11 seven_day false|c12 fifteen_day true|c13 same_day false',
  (SELECT string_agg(c.name || ' ' || r.service_class || ' ' || r.overdue, '|' ORDER BY c.id)
     FROM pg_temp.cl c CROSS JOIN LATERAL aixin.claim_render(c.id) r),
  'the claims'' service classes and overdue flags');
\echo PASS the programme built through the API

-- ---------------------------------------------------------------------------
-- Copies on claims and the policy totals.

SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.claims c JOIN aixin.policies p ON p.id = c.policy_id
                        WHERE (c.policy_year, c.township_code, c.household_id, c.insurer_id)
                              IS DISTINCT FROM (p.policy_year, p.township_code, p.household_id, p.insurer_id)),
  'every claim carries its policy''s year, township, household and insurer');
UPDATE aixin.claims SET township_code = '360822100', policy_year = 2000, household_id = 0, insurer_id = 0
 WHERE id = pg_temp.c('c7');
SELECT pg_temp.eq('360821101 ' || pg_temp.ya(),
  (SELECT township_code || ' ' || policy_year FROM aixin.claims WHERE id = pg_temp.c('c7')),
  'the copies cannot be rewritten');
SELECT pg_temp.totals_exact('after the API calls');
SELECT pg_temp.eq('4', (SELECT sum(households)::text FROM aixin.report_policy_totals
                         WHERE policy_year = pg_temp.ya() AND township_code IN ('360821100', '360821101')),
  'two daughters enrolled one after the other: their household counts once');
\echo PASS copies and totals

-- ---------------------------------------------------------------------------
-- enrollment

SELECT pg_temp.eq('4 2 3 0.5000', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), '360821', '360821100'), 'enrollment A: A1');
SELECT pg_temp.eq('2 2 2 1.0000', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), '360821', '360821101'), 'enrollment A: A2');
SELECT pg_temp.eq('0 0 0 null', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), '360821', '360821102'),
  'enrollment A: C0, a census of 0: rate null');
SELECT pg_temp.eq('6 4 5 0.6666', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), '360821', '360821'), 'enrollment A: X');
SELECT pg_temp.eq('6 4 5 0.6666', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360821'), 'enrollment A: X under the city');
SELECT pg_temp.eq('1 1 2 1.0000', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360822'), 'enrollment A: W');
SELECT pg_temp.eq('10 9 9 0.9000', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360823'), 'enrollment A: Z');
SELECT pg_temp.eq('0 0 0 null', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360824'), 'enrollment A: empty county');
SELECT pg_temp.eq('17 14 16 0.8235', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360800'), 'enrollment A: city');
SELECT pg_temp.eq('3 3 3 1.0000', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), '360821', '360821100'), 'enrollment B: A1');
SELECT pg_temp.eq('2 1 1 0.5000', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), '360821', '360821101'), 'enrollment B: A2');
SELECT pg_temp.eq('5 4 4 0.8000', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), NULL, '360821'), 'enrollment B: X');
SELECT pg_temp.eq('3 2 3 0.6666', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), '360822', '360822100'), 'enrollment B: B1');
SELECT pg_temp.eq('0 0 0 null', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), NULL, '360823'), 'enrollment B: Z, no census');
SELECT pg_temp.eq('8 6 7 0.7500', pg_temp.line('enrollment', pg_temp.yb(), pg_temp.yb(), NULL, '360800'), 'enrollment B: city');
SELECT pg_temp.eq('7 5 6 0.7142', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.yb(), '360821100', '360821100'), 'enrollment A-B: A1');
SELECT pg_temp.eq('4 3 3 0.7500', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.yb(), '360821', '360821101'), 'enrollment A-B: A2');
SELECT pg_temp.eq('11 8 9 0.7272', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.yb(), NULL, '360821'), 'enrollment A-B: X');
SELECT pg_temp.eq('4 3 5 0.7500', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.yb(), NULL, '360822'), 'enrollment A-B: W');
SELECT pg_temp.eq('25 20 23 0.8000', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.yb(), NULL, '360800'), 'enrollment A-B: city');
SELECT pg_temp.eq('0 0 0 null', pg_temp.line('enrollment', 2000, 2001, NULL, '360800'), 'years without a programme: zeros');
-- The rows: the division, then each division directly below it by code.
SELECT pg_temp.eq('360800 360802 360803 360821 360822 360823 360824 360825 360826 360827 360828 360829 360830 360881',
  pg_temp.codes('enrollment', pg_temp.ya(), pg_temp.yb(), NULL), 'city: itself, then its 13 counties by code');
SELECT pg_temp.eq('360823 360823100 360823101 360823102 360823103 360823104 360823105 360823200 360823201 360823202 360823203 360823204 360823400',
  pg_temp.codes('enrollment', pg_temp.ya(), pg_temp.yb(), '360823'), 'county: itself, then its townships by code');
SELECT pg_temp.eq('360821100', pg_temp.codes('enrollment', pg_temp.ya(), pg_temp.yb(), '360821100'), 'township: itself only');
SELECT pg_temp.eq('city county township',
  (SELECT string_agg(DISTINCT r ->> 'level', ' ') FROM pg_temp.rows('enrollment', pg_temp.ya(), pg_temp.ya(), NULL) r)
  || ' ' || (SELECT string_agg(DISTINCT r ->> 'level', ' ') FROM pg_temp.rows('enrollment', pg_temp.ya(), pg_temp.ya(), '360821100') r),
  'levels');
SELECT pg_temp.eq('吉安市 吉安县 敦厚镇',
  (SELECT string_agg(r ->> 'name', ' ') FROM (
     SELECT r FROM pg_temp.rows('enrollment', pg_temp.ya(), pg_temp.ya(), NULL) r LIMIT 1) x)
  || ' ' || (SELECT r ->> 'name' FROM pg_temp.rows('enrollment', pg_temp.ya(), pg_temp.ya(), '360821') r
              WHERE r ->> 'division' = '360821')
  || ' ' || (SELECT r ->> 'name' FROM pg_temp.rows('enrollment', pg_temp.ya(), pg_temp.ya(), '360821100') r),
  'names');
\echo PASS enrollment

-- ---------------------------------------------------------------------------
-- assessment (the last two figures: assessment_points and weighted_score
-- by the year settings, 0019_post_audit.sql; defaults 90%, 10, 40%)

SELECT pg_temp.eq('6 4 0.6666 false 0 0 0.0000', pg_temp.line('assessment', pg_temp.ya(), pg_temp.ya(), NULL, '360821'), 'assessment A: X');
SELECT pg_temp.eq('1 1 1.0000 true 10 10 4.0000', pg_temp.line('assessment', pg_temp.ya(), pg_temp.ya(), NULL, '360822'), 'assessment A: W');
SELECT pg_temp.eq('10 9 0.9000 true 10 10 4.0000', pg_temp.line('assessment', pg_temp.ya(), pg_temp.ya(), NULL, '360823'),
  'assessment A: Z at exactly 90%: met');
SELECT pg_temp.eq('0 0 null false 0 0 0.0000', pg_temp.line('assessment', pg_temp.ya(), pg_temp.ya(), NULL, '360824'),
  'assessment A: no census: rate null, not met');
SELECT pg_temp.eq('3 2 0.6666 false 0 0 0.0000', pg_temp.line('assessment', pg_temp.yb(), pg_temp.yb(), NULL, '360822'), 'assessment B: W');
SELECT pg_temp.eq('360802 360803 360821 360822 360823 360824 360825 360826 360827 360828 360829 360830 360881',
  pg_temp.codes('assessment', pg_temp.ya(), pg_temp.ya(), NULL), 'assessment of the city: its 13 counties');
SELECT pg_temp.eq('360821', pg_temp.codes('assessment', pg_temp.ya(), pg_temp.ya(), '360821'), 'assessment of a county: itself');
SELECT pg_temp.eq('360821', pg_temp.codes('assessment', pg_temp.ya(), pg_temp.ya(), NULL, 'clerk_x'),
  'assessment for a county clerk: the county');
SELECT pg_temp.eq('county', (SELECT string_agg(DISTINCT r ->> 'level', ' ')
                               FROM pg_temp.rows('assessment', pg_temp.ya(), pg_temp.ya(), NULL) r), 'assessment rows are counties');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_assessment(%s, %s, %s, %L)',
  pg_temp.admin(), pg_temp.ya(), pg_temp.ya(), '360821100'), 'AXB01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_assessment(%s, %s, %s, NULL)',
  pg_temp.acct('clerk_a1'), pg_temp.ya(), pg_temp.ya()), 'AXB01', 'division_code');
\echo PASS assessment

-- ---------------------------------------------------------------------------
-- funding

SELECT pg_temp.eq('9000 1500 3000 4500 1500 2400 4500 600', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), '360821', '360821100'),
  'funding A: A1 (city part 1500 of 7999, county part 2400 of 4000)');
SELECT pg_temp.eq('6000 1000 2000 3000 1000 1600 0 3400', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), '360821', '360821101'),
  'funding A: A2');
SELECT pg_temp.eq('15000 2500 5000 7500 2500 4000 4500 4000', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), NULL, '360821'),
  'funding A: X');
SELECT pg_temp.eq('6000 1000 1600 3400 1000 1600 3000 400', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), NULL, '360822'),
  'funding A: W');
SELECT pg_temp.eq('27000 4500 10800 11700 4499 0 0 22501', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), '360823', '360823100'),
  'funding A: Z1 (the largest remainder lost the odd fen)');
SELECT pg_temp.eq('48000 8000 17400 22600 7999 5600 7500 26901', pg_temp.line('funding', pg_temp.ya(), pg_temp.ya(), NULL, '360800'),
  'funding A: city');
SELECT pg_temp.eq('12000 3000 3000 6000 2143 0 0 9857', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), '360821', '360821100'),
  'funding B: A1');
SELECT pg_temp.eq('4000 1000 1000 2000 714 0 2000 1286', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), '360821', '360821101'),
  'funding B: A2');
SELECT pg_temp.eq('16000 4000 4000 8000 2857 0 2000 11143', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), NULL, '360821'),
  'funding B: X');
SELECT pg_temp.eq('12000 3000 4500 4500 2143 0 0 9857', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), NULL, '360822'),
  'funding B: W');
SELECT pg_temp.eq('0 0 0 0 0 16 0 -16', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), '360823', '360823100'),
  'funding B: Z1, an equal part of a payment nobody owed');
SELECT pg_temp.eq('0 0 0 0 0 15 0 -15', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), '360823', '360823400'),
  'funding B: the last township of Z by code');
SELECT pg_temp.eq('0 0 0 0 0 190 0 -190', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), NULL, '360823'),
  'funding B: Z, overpaid');
SELECT pg_temp.eq('28000 7000 8500 12500 5000 190 2000 20810', pg_temp.line('funding', pg_temp.yb(), pg_temp.yb(), NULL, '360800'),
  'funding B: city');
SELECT pg_temp.eq('76000 15000 25900 35100 12999 5790 9500 47711', pg_temp.line('funding', pg_temp.ya(), pg_temp.yb(), NULL, '360800'),
  'funding A-B: city (the sum of the years)');
SELECT pg_temp.eq('21000 4500 6000 10500 3643 2400 4500 10457', pg_temp.line('funding', pg_temp.ya(), pg_temp.yb(), '360821100', '360821100'),
  'funding A-B: A1 as its own root');
SELECT pg_temp.eq('0 0 0 0 0 0 0 0', pg_temp.line('funding', pg_temp.ya(), pg_temp.yb(), NULL, '360824'), 'funding: empty county');
-- Payments as recorded, per paying division (the ledger of 0003) add up
-- to the city row.
SELECT pg_temp.eq((SELECT sum(amount_fen) FILTER (WHERE level = 'city') || ' ' || sum(amount_fen) FILTER (WHERE level = 'county')
                          || ' ' || sum(amount_fen) FILTER (WHERE level = 'township')
                     FROM aixin.disbursements),
  (SELECT (r ->> 'city_paid_fen') || ' ' || (r ->> 'county_paid_fen') || ' ' || (r ->> 'township_paid_fen')
     FROM pg_temp.rows('funding', pg_temp.ya(), pg_temp.yb(), NULL) r LIMIT 1),
  'funding: the city row has every payment');
\echo PASS funding

-- ---------------------------------------------------------------------------
-- claims

SELECT pg_temp.eq('3 2 410000 9000 45.5555 100000 2 1 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), '360821', '360821100'), 'claims A: A1');
SELECT pg_temp.eq('2 1 1000000 6000 166.6666 0 1 1 1', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), '360821', '360821101'), 'claims A: A2');
SELECT pg_temp.eq('2 2 140000 6000 23.3333 0 1 0 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), '360822', '360822100'), 'claims A: B1');
SELECT pg_temp.eq('1 0 0 27000 0.0000 0 0 0 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), '360823', '360823100'), 'claims A: Z1');
SELECT pg_temp.eq('5 3 1410000 15000 94.0000 100000 3 2 1', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), NULL, '360821'), 'claims A: X');
SELECT pg_temp.eq('8 5 1550000 48000 32.2916 100000 4 2 1', pg_temp.line('claims', pg_temp.ya(), pg_temp.ya(), NULL, '360800'), 'claims A: city');
SELECT pg_temp.eq('2 1 550000 12000 45.8333 50000 1 1 0', pg_temp.line('claims', pg_temp.yb(), pg_temp.yb(), '360821', '360821100'), 'claims B: A1');
SELECT pg_temp.eq('2 1 90000 12000 7.5000 0 1 0 0', pg_temp.line('claims', pg_temp.yb(), pg_temp.yb(), NULL, '360822'), 'claims B: W');
SELECT pg_temp.eq('5 2 640000 28000 22.8571 50000 2 1 0', pg_temp.line('claims', pg_temp.yb(), pg_temp.yb(), NULL, '360800'), 'claims B: city');
SELECT pg_temp.eq('5 3 960000 21000 45.7142 150000 2 2 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), '360821', '360821100'),
  'claims A-B: A1 (h1 paid in both years counts once)');
SELECT pg_temp.eq('4 3 230000 18000 12.7777 0 2 0 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), NULL, '360822'), 'claims A-B: W');
SELECT pg_temp.eq('13 7 2190000 76000 28.8157 150000 5 3 1', pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), NULL, '360800'), 'claims A-B: city');
SELECT pg_temp.eq('0 0 0 0 null 0 0 0 0', pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), NULL, '360824'), 'claims: empty county, ratio null');
\echo PASS claims

-- ---------------------------------------------------------------------------
-- service

SELECT pg_temp.eq('2 1 0 0 1 0 0 0 2 0', pg_temp.line('service', pg_temp.ya(), pg_temp.ya(), '360821', '360821100'), 'service A: A1');
SELECT pg_temp.eq('0 0 1 1 0 0 1 1 0 0', pg_temp.line('service', pg_temp.ya(), pg_temp.ya(), '360821', '360821101'), 'service A: A2');
SELECT pg_temp.eq('1 1 1 0 0 0 0 0 0 0', pg_temp.line('service', pg_temp.ya(), pg_temp.ya(), '360822', '360822100'), 'service A: B1');
SELECT pg_temp.eq('1 0 0 0 0 0 0 0 0 1', pg_temp.line('service', pg_temp.ya(), pg_temp.ya(), NULL, '360823'), 'service A: Z');
SELECT pg_temp.eq('4 2 2 1 1 0 1 1 2 1', pg_temp.line('service', pg_temp.ya(), pg_temp.ya(), NULL, '360800'), 'service A: city');
SELECT pg_temp.eq('0 0 2 1 0 0 2 1 1 1', pg_temp.line('service', pg_temp.yb(), pg_temp.yb(), '360821', '360821100'), 'service B: A1');
SELECT pg_temp.eq('1 1 0 0 0 0 0 0 0 0', pg_temp.line('service', pg_temp.yb(), pg_temp.yb(), '360821', '360821101'), 'service B: A2');
SELECT pg_temp.eq('0 0 1 1 1 0 0 0 0 1', pg_temp.line('service', pg_temp.yb(), pg_temp.yb(), '360822', '360822100'), 'service B: B1');
SELECT pg_temp.eq('1 1 3 2 1 0 2 1 1 2', pg_temp.line('service', pg_temp.yb(), pg_temp.yb(), NULL, '360800'), 'service B: city');
SELECT pg_temp.eq('5 3 5 3 2 0 3 2 3 3', pg_temp.line('service', pg_temp.ya(), pg_temp.yb(), NULL, '360800'), 'service A-B: city');
\echo PASS service

-- ---------------------------------------------------------------------------
-- insurers

SELECT pg_temp.eq('chinalife taikang', pg_temp.codes('insurers', pg_temp.ya(), pg_temp.ya(), NULL), 'insurers A: by code');
SELECT pg_temp.eq('14 42000 1410000 33.5714 0.8750', pg_temp.line('insurers', pg_temp.ya(), pg_temp.ya(), NULL, 'chinalife'), 'insurers A: chinalife');
SELECT pg_temp.eq('2 6000 140000 23.3333 0.1250', pg_temp.line('insurers', pg_temp.ya(), pg_temp.ya(), NULL, 'taikang'), 'insurers A: taikang');
SELECT pg_temp.eq('chinalife picc taikang', pg_temp.codes('insurers', pg_temp.ya(), pg_temp.yb(), NULL), 'insurers A-B');
SELECT pg_temp.eq('18 58000 1960000 33.7931 0.7826', pg_temp.line('insurers', pg_temp.ya(), pg_temp.yb(), NULL, 'chinalife'), 'insurers A-B: chinalife');
SELECT pg_temp.eq('3 12000 90000 7.5000 0.1304', pg_temp.line('insurers', pg_temp.ya(), pg_temp.yb(), NULL, 'picc'), 'insurers A-B: picc');
SELECT pg_temp.eq('2 6000 140000 23.3333 0.0869', pg_temp.line('insurers', pg_temp.ya(), pg_temp.yb(), NULL, 'taikang'), 'insurers A-B: taikang');
SELECT pg_temp.eq('picc taikang', pg_temp.codes('insurers', pg_temp.ya(), pg_temp.yb(), '360822'), 'insurers of county W');
SELECT pg_temp.eq('3 12000 90000 7.5000 0.6000', pg_temp.line('insurers', pg_temp.ya(), pg_temp.yb(), '360822', 'picc'), 'insurers of W: picc');
SELECT pg_temp.eq('中国人保', (SELECT r ->> 'name' FROM pg_temp.rows('insurers', pg_temp.ya(), pg_temp.yb(), '360822') r
                               WHERE r ->> 'insurer' = 'picc'), 'insurer name');
SELECT pg_temp.eq(NULL, pg_temp.codes('insurers', pg_temp.ya(), pg_temp.yb(), '360824'), 'insurers of an empty county: no rows');
-- The insurers' premiums and payouts are the claims report's.
SELECT pg_temp.eq(
  (SELECT (r ->> 'premium_fen') || ' ' || (r ->> 'paid_fen') FROM pg_temp.rows('claims', pg_temp.ya(), pg_temp.yb(), NULL) r LIMIT 1),
  (SELECT sum((r ->> 'premium_fen')::bigint) || ' ' || sum((r ->> 'paid_fen')::bigint)
     FROM pg_temp.rows('insurers', pg_temp.ya(), pg_temp.yb(), NULL) r),
  'insurers add up to the claims report');
\echo PASS insurers

-- ---------------------------------------------------------------------------
-- Every kind at every root: parent = sum of children, rates from their
-- parts; a division's row is the same under any root.

SELECT pg_temp.sums(k, y.y1, y.y2, d)
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers']) k,
       (VALUES (pg_temp.ya(), pg_temp.ya()), (pg_temp.yb(), pg_temp.yb()), (pg_temp.ya(), pg_temp.yb()),
               (2000, 2100)) y (y1, y2),
       unnest(ARRAY[NULL, '360821', '360822', '360823', '360824', '360821100', '360822100', '360823400']) d;
SELECT pg_temp.sums('assessment', y.y1, y.y2, d)
  FROM (VALUES (pg_temp.ya(), pg_temp.ya()), (pg_temp.yb(), pg_temp.yb()), (pg_temp.ya(), pg_temp.yb())) y (y1, y2),
       unnest(ARRAY[NULL, '360821', '360822', '360824']) d;
SELECT pg_temp.same_row(k, y.y1, y.y2, r.root, r.code)
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service']) k,
       (VALUES (pg_temp.ya(), pg_temp.ya()), (pg_temp.yb(), pg_temp.yb()), (pg_temp.ya(), pg_temp.yb())) y (y1, y2),
       (VALUES ('360800', '360821'), ('360800', '360822'), ('360800', '360823'), ('360821', '360821100'),
               ('360821', '360821101'), ('360821', '360821102'), ('360822', '360822100'),
               ('360823', '360823100'), ('360823', '360823204')) r (root, code);
SELECT pg_temp.same_row('assessment', y.y1, y.y2, '360800', c)
  FROM (VALUES (pg_temp.ya(), pg_temp.ya()), (pg_temp.ya(), pg_temp.yb())) y (y1, y2),
       unnest(ARRAY['360821', '360822', '360823']) c;
-- A range is the sum of its years for every additive figure (the claims
-- report's households are distinct over the range instead).
SELECT pg_temp.eq(
  (SELECT string_agg(e.value::text, ' ' ORDER BY x.rn, e.ord)
     FROM (SELECT r, row_number() OVER () AS rn FROM pg_temp.rows(k, pg_temp.ya(), pg_temp.yb(), NULL) r) x,
          json_each(x.r) WITH ORDINALITY e (key, value, ord)
    WHERE json_typeof(e.value) = 'number' AND e.key NOT LIKE '%rate' AND e.key NOT LIKE '%ratio'
      AND e.key NOT LIKE 'households%'),
  (SELECT string_agg(s.v::text, ' ' ORDER BY s.rn, s.ord) FROM (
     SELECT x.rn, e.ord, sum((e.value #>> '{}')::numeric) AS v
       FROM (SELECT r, row_number() OVER () AS rn FROM pg_temp.rows(k, pg_temp.ya(), pg_temp.ya(), NULL) r
             UNION ALL
             SELECT r, row_number() OVER () FROM pg_temp.rows(k, pg_temp.yb(), pg_temp.yb(), NULL) r) x,
            json_each(x.r) WITH ORDINALITY e (key, value, ord)
      WHERE json_typeof(e.value) = 'number' AND e.key NOT LIKE '%rate' AND e.key NOT LIKE '%ratio'
        AND e.key NOT LIKE 'households%'
      GROUP BY x.rn, e.ord) s),
  k || ': A-B is A plus B')
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service']) k;
\echo PASS parent = sum of children, rates from their parts, the same rows under any root

-- ---------------------------------------------------------------------------
-- Scope, roles and arguments.

-- A county clerk: its county by default, its townships, nothing else.
SELECT pg_temp.eq(pg_temp.codes('enrollment', pg_temp.ya(), pg_temp.yb(), '360821'),
  pg_temp.codes('enrollment', pg_temp.ya(), pg_temp.yb(), NULL, 'clerk_x'), 'county clerk: its county by default');
SELECT pg_temp.eq(pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), '360821', '360821'),
  pg_temp.line('claims', pg_temp.ya(), pg_temp.yb(), NULL, '360821', 'clerk_x'), 'county clerk: the same figures');
SELECT pg_temp.eq('360821101', pg_temp.codes('funding', pg_temp.ya(), pg_temp.yb(), '360821101', 'clerk_x'),
  'county clerk: a township of its county');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_%s(%s, %s, %s, %L)', k, pg_temp.acct('clerk_x'),
  pg_temp.ya(), pg_temp.yb(), d), 'AXP01', 'division_code')
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers', 'assessment']) k,
       unnest(ARRAY['360822', '360800', '360822100']) d;
-- A township clerk: its township only.
SELECT pg_temp.eq('360821100', pg_temp.codes('service', pg_temp.ya(), pg_temp.yb(), NULL, 'clerk_a1'), 'township clerk: its township');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_enrollment(%s, %s, %s, %L)', pg_temp.acct('clerk_a1'),
  pg_temp.ya(), pg_temp.yb(), '360821'), 'AXP01', 'division_code');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_enrollment(%s, %s, %s, %L)', pg_temp.acct('clerk_a1'),
  pg_temp.ya(), pg_temp.yb(), '360821101'), 'AXP01', 'division_code');
-- Auditors read like the offices of their division.
SELECT pg_temp.eq(pg_temp.line('funding', pg_temp.ya(), pg_temp.yb(), NULL, '360800'),
  pg_temp.line('funding', pg_temp.ya(), pg_temp.yb(), NULL, '360800', 'auditor_city'), 'city auditor: the city');
SELECT pg_temp.eq('picc taikang', pg_temp.codes('insurers', pg_temp.ya(), pg_temp.yb(), '', 'auditor_w'),
  'county auditor: its county (empty code = own division)');
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_claims(%s, %s, %s, %L)', pg_temp.acct('auditor_w'),
  pg_temp.ya(), pg_temp.yb(), '360821'), 'AXP01', 'division_code');
-- Adjusters read no reports.
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_%s(%s, %s, %s, NULL)', k, pg_temp.acct('adj_cl'),
  pg_temp.ya(), pg_temp.yb()), 'AXP01')
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers', 'assessment']) k;
-- Unknown actor, unknown division, bad years.
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_%s(-1, %s, %s, NULL)', k, pg_temp.ya(), pg_temp.yb()), 'AXU01')
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers', 'assessment']) k;
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_%s(%s, %s, %s, %L)', k, pg_temp.admin(),
  pg_temp.ya(), pg_temp.yb(), d), 'AXN01', 'division_code')
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers', 'assessment']) k,
       unnest(ARRAY['999999', '360821999', 'x']) d;
SELECT pg_temp.expect(format('SELECT * FROM aixin.report_%s(%s, %s, %s, NULL)', k, pg_temp.admin(), a.y1, a.y2),
  'AXB01', a.col)
  FROM unnest(ARRAY['enrollment', 'funding', 'claims', 'service', 'insurers', 'assessment']) k,
       (VALUES ('1999', '2000', 'year_from'), ('2101', '2101', 'year_from'), ('2000', '2101', 'year_to'),
               ('2000', '1999', 'year_to'), ('2020', '2019', 'year_to'), ('NULL', '2020', 'year_from'),
               ('2020', 'NULL', 'year_to'), ('0', '0', 'year_from')) a (y1, y2, col);
SELECT pg_temp.eq('14', (SELECT count(*)::text FROM aixin.report_enrollment(pg_temp.admin(), 2000, 2100, NULL)),
  'the widest range is accepted');
-- Reports write nothing, not even an audit row.
SELECT count(*) AS audit0 FROM aixin.audit_log \gset
SELECT count(*) FROM aixin.report_enrollment(pg_temp.admin(), pg_temp.ya(), pg_temp.yb(), NULL),
                     aixin.report_claims(pg_temp.admin(), pg_temp.ya(), pg_temp.yb(), NULL) \g /dev/null
SELECT pg_temp.eq(:'audit0', (SELECT count(*)::text FROM aixin.audit_log), 'reports are not audited');
SELECT pg_temp.eq('s', (SELECT string_agg(DISTINCT p.provolatile::text, '') FROM pg_proc p
                         WHERE p.pronamespace = 'aixin'::regnamespace
                           AND p.proname IN ('report_enrollment', 'report_funding', 'report_claims',
                                             'report_service', 'report_insurers', 'report_assessment')),
  'every report function is STABLE (reads only)');
\echo PASS scope, roles and arguments

-- ---------------------------------------------------------------------------
-- The totals stay exact under every kind of write.

-- A direct DELETE (no API does it) of policies without claims: in B a
-- daughter whose sister stays insured (k6b) and the only insured daughter
-- of a household (k2a); in A two only children of Z1.  Undone afterwards.
DO $$
BEGIN
  BEGIN
    DELETE FROM aixin.policies p USING aixin.children c
     WHERE c.id = p.child_id AND p.policy_year = pg_temp.yb()
       AND c.id_number IN (pg_temp.kid('k6b'), pg_temp.kid('k2a'));
    PERFORM pg_temp.eq('2 2|2 2',
      (SELECT string_agg(x, '|' ORDER BY t) FROM (
         SELECT township_code AS t, sum(policies) || ' ' || sum(households) AS x
           FROM aixin.report_policy_totals
          WHERE policy_year = pg_temp.yb() AND township_code IN ('360821100', '360822100')
          GROUP BY township_code) y),
      'delete in B: A1 loses a household, B1 keeps it');
    PERFORM pg_temp.totals_exact('after a delete');
    DELETE FROM aixin.policies p USING aixin.children c
     WHERE c.id = p.child_id AND c.id_number IN (pg_temp.kid('z2'), pg_temp.kid('z3'));
    PERFORM pg_temp.totals_exact('after a second delete');
    -- An update that changes nothing summed, and a rebuild.
    UPDATE aixin.policies SET enrolled_at = enrolled_at - interval '1 day';
    PERFORM pg_temp.totals_exact('after an update');
    PERFORM aixin.report_policy_totals_rebuild();
    PERFORM pg_temp.totals_exact('after a rebuild');
    PERFORM pg_temp.eq('1', (SELECT count(DISTINCT shard)::text FROM aixin.report_policy_totals),
                       'a rebuild leaves one shard');
    RAISE EXCEPTION 'undo' USING ERRCODE = 'ZZ999';
  EXCEPTION WHEN SQLSTATE 'ZZ999' THEN
    NULL;
  END;
END $$;
SELECT pg_temp.totals_exact('after the undo');
-- A bulk insert under session_replication_role = replica (user triggers
-- and foreign keys off, as a bulk loader would): the totals follow.
DO $$
BEGIN
  BEGIN
    SET LOCAL session_replication_role = replica;
    INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code, premium_fen,
                                enrolled_by, city_share_fen, county_share_fen, township_share_fen,
                                insurer_id)
    SELECT pg_temp.yb(), c.id, c.household_id, h.township_code, 4000, pg_temp.admin(), 1000, 1000,
           2000, (SELECT id FROM aixin.insurers WHERE code = 'chinalife')
      FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id
     WHERE c.id_number IN (pg_temp.kid('k2b'), pg_temp.kid('k5'));
    PERFORM pg_temp.totals_exact('after a bulk insert under replica');
    PERFORM pg_temp.eq('4 3', (SELECT sum(policies) || ' ' || sum(households) FROM aixin.report_policy_totals
                               WHERE policy_year = pg_temp.yb() AND township_code = '360821100'),
                       'k2b joins her sister in B: a policy, not a household');
    TRUNCATE aixin.policies CASCADE;
    PERFORM pg_temp.eq('0', (SELECT count(*)::text FROM aixin.report_policy_totals), 'a truncate empties the totals');
    RAISE EXCEPTION 'undo' USING ERRCODE = 'ZZ999';
  EXCEPTION WHEN SQLSTATE 'ZZ999' THEN
    NULL;
  END;
END $$;
SELECT pg_temp.totals_exact('after the second undo');
SELECT pg_temp.eq('17 14 16 0.8235', pg_temp.line('enrollment', pg_temp.ya(), pg_temp.ya(), NULL, '360800'),
  'the figures are back');
\echo PASS the totals stay exact
