-- The funding ledger (aixin.get_ledger) against the same figures computed
-- straight from the base tables, for every root (the city, every county,
-- every township with policies or payments and one without) and every
-- year, one at a time and all together (year 0).  get_ledger reads the
-- report summary (aixin.report_policy_totals); the reference below reads
-- the policies and the disbursements themselves, in another shape: every
-- policy owes one share to each of its three paying divisions.
--
-- Included by tests/sql/ledger.sql (\ir), or run alone after a change of
-- the data (tests/integration/it_sql_ledger.sh):
--   psql -X -q -v ON_ERROR_STOP=1 -v what='after the import' -f tests/sql/ledger_check.sql
-- Defines session-local functions only; raises on the first difference.

\set QUIET on
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION pg_temp.ledger_eq(expected text, actual text, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF expected IS DISTINCT FROM actual THEN
    RAISE EXCEPTION 'FAIL %: expected [%], got [%]', what, expected, actual;
  END IF;
END $$;

-- One line per ledger row, in the order get_ledger returns them.
CREATE OR REPLACE FUNCTION pg_temp.ledger_text(actor bigint, y int, root text) RETURNS text
LANGUAGE sql AS $$
  SELECT coalesce(string_agg(concat_ws(':', l.policy_year, l.level, l.division_code,
                                       l.division_name, l.policies, l.owed_fen, l.paid_fen,
                                       l.outstanding_fen), E'\n' ORDER BY l.n), '')
    FROM aixin.get_ledger(actor, y, root)
         WITH ORDINALITY AS l(level, division_code, division_name, policy_year, policies,
                              owed_fen, paid_fen, outstanding_fen, n)
$$;

-- The same from the base tables: each paying division at or below the
-- root, each year of the range, where it has policies under it or
-- payments of its own; ordered by year, level (city, county, township)
-- and code.
CREATE OR REPLACE FUNCTION pg_temp.ledger_ref(y int, root text) RETURNS text
LANGUAGE sql AS $$
  WITH owed AS (
    SELECT s.level, s.code, p.policy_year, count(*) AS n, sum(s.share) AS owed
      FROM aixin.policies p
      JOIN aixin.divisions t ON t.code = p.township_code
     CROSS JOIN LATERAL (VALUES ('city', t.city_code, p.city_share_fen),
                                ('county', t.county_code, p.county_share_fen),
                                ('township', t.code, p.township_share_fen)) s(level, code, share)
     GROUP BY s.level, s.code, p.policy_year
  ), paid AS (
    SELECT x.level, x.division_code AS code, x.policy_year, sum(x.amount_fen) AS paid
      FROM aixin.disbursements x
     GROUP BY x.level, x.division_code, x.policy_year
  ), lines AS (
    SELECT v.level, v.code, v.name, yr.year, coalesce(o.n, 0) AS n, coalesce(o.owed, 0) AS owed,
           coalesce(pd.paid, 0) AS paid, o.n IS NOT NULL OR pd.paid IS NOT NULL AS shown
      FROM aixin.divisions v
     CROSS JOIN aixin.policy_years yr
      LEFT JOIN owed o ON o.level = v.level AND o.code = v.code AND o.policy_year = yr.year
      LEFT JOIN paid pd ON pd.level = v.level AND pd.code = v.code AND pd.policy_year = yr.year
     WHERE root IN (v.code, v.county_code, v.city_code)
       AND (y = 0 OR yr.year = y)
  )
  SELECT coalesce(string_agg(concat_ws(':', l.year, l.level, l.code, l.name, l.n, l.owed, l.paid,
                                       l.owed - l.paid), E'\n'
                             ORDER BY l.year,
                                      array_position(ARRAY['city', 'county', 'township'], l.level),
                                      l.code COLLATE "C"), '')
    FROM lines l
   WHERE l.shown
$$;

-- Every root and every year (and 0) as the city admin; the number of
-- ledgers compared.
CREATE OR REPLACE FUNCTION pg_temp.ledger_exact(what text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  admin bigint := (SELECT id FROM aixin.accounts WHERE username = 'admin');
  root text;
  y int;
  n int := 0;
BEGIN
  FOR root IN
    SELECT d.code FROM aixin.divisions d
     WHERE d.level IN ('city', 'county')
        OR d.code IN (SELECT p.township_code FROM aixin.policies p
                      UNION SELECT x.division_code FROM aixin.disbursements x)
        OR d.code = (SELECT min(e.code) FROM aixin.divisions e
                      WHERE e.level = 'township'
                        AND NOT EXISTS (SELECT 1 FROM aixin.policies p WHERE p.township_code = e.code)
                        AND NOT EXISTS (SELECT 1 FROM aixin.disbursements x
                                         WHERE x.division_code = e.code))
     ORDER BY d.code
  LOOP
    FOR y IN SELECT 0 UNION ALL SELECT yr.year FROM aixin.policy_years yr LOOP
      PERFORM pg_temp.ledger_eq(pg_temp.ledger_ref(y, root), pg_temp.ledger_text(admin, y, root),
                                format('%s: ledger of %s, year %s', what, root, y));
      n := n + 1;
    END LOOP;
  END LOOP;
  -- Not vacuous: the city's ledger of every year shows every policy's
  -- premium once, over its three levels, and every payment.
  PERFORM pg_temp.ledger_eq(
    (SELECT coalesce(sum(p.premium_fen), 0) || ' ' || count(*) FROM aixin.policies p)
      || ' ' || (SELECT coalesce(sum(x.amount_fen), 0) FROM aixin.disbursements x),
    (SELECT coalesce(sum(l.owed_fen), 0) || ' ' || coalesce(sum(l.policies) FILTER (WHERE l.level = 'city'), 0)
              || ' ' || coalesce(sum(l.paid_fen), 0)
       FROM aixin.divisions d, aixin.get_ledger(admin, 0, d.code) l
      WHERE d.level = 'city'),
    what || ': the city ledger of every year holds every premium, policy and payment');
  RETURN n;
END $$;

\if :{?what}
SELECT pg_temp.ledger_exact(:'what') AS compared \gset
\echo PASS ledger exact :what (:compared ledgers)
\endif
