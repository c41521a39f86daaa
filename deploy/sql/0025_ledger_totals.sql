-- The funding ledger (aixin.get_ledger) from the report summary, ranking
-- its levels inline.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
--
-- Since 0010 the ledger reads aixin.report_policy_totals (0007: kept exact
-- by statement triggers on aixin.policies, whoever writes) instead of a
-- pass over the policies: a city's five years are a few thousand summary
-- rows (years x townships x insurers x writer shards) instead of a million
-- policies.  What remained per call was mostly per output row, and the
-- largest single part was the sort key aixin.level_rank(level): a SQL
-- function that is not inlined (it is STRICT around a function that is
-- not), so every row of the answer paid a function call: 1,330 calls for
-- the city's five years.  The rank is now a CASE expression in the query;
-- the order, the rows and every figure are those of 0010
-- (tests/integration/it_sql_ledger.sh compares the ledger with the base
-- tables for every root and year).  On the 1.08 million policies of
-- tests/bench/gen_province.sql the city's five years took 10.6-11.4 ms of
-- the backend's CPU per call and take 7.8-9.5 now; with the summary
-- spread over all 16 writer shards, 17-19.5 and 14-14.5 ms (0003's pass
-- over the policies: 380 ms without parallel workers).
--
-- The summary needs nothing new: it already carries, per year, township
-- and insurer, the policies and the three shares of their premiums, which
-- is all the ledger owes.  No trigger is added to aixin.policies.

-- As in 0010, with the levels ranked by a CASE expression.
CREATE OR REPLACE FUNCTION aixin.get_ledger(p_actor bigint, p_year int, p_division_code text)
RETURNS SETOF aixin.ledger_row
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root_code text := coalesce(nullif(p_division_code, ''), acct.division_code);
  root_level text;
  yr int := coalesce(p_year, 0);
  years int[];
  twp_lo text;
  twp_hi text;
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles());
  SELECT d.level INTO root_level FROM aixin.divisions d WHERE d.code = root_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', root_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, root_code) THEN
    RAISE EXCEPTION 'division % is outside your division', root_code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  IF yr <> 0 AND NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = yr) THEN
    RAISE EXCEPTION 'policy year % not found', yr USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  years := CASE WHEN yr = 0 THEN ARRAY(SELECT y.year FROM aixin.policy_years y ORDER BY y.year)
                ELSE ARRAY[yr] END;
  twp_lo := CASE root_level WHEN 'city' THEN '000000000' WHEN 'county' THEN root_code || '000'
                            ELSE root_code END;
  twp_hi := CASE root_level WHEN 'city' THEN '999999999' WHEN 'county' THEN root_code || '999'
                            ELSE root_code END;

  RETURN QUERY
    WITH by_twp AS MATERIALIZED (
      SELECT t.policy_year, t.township_code, sum(t.policies) AS n,
             sum(t.city_share_fen) AS city_fen, sum(t.county_share_fen) AS county_fen,
             sum(t.township_share_fen) AS township_fen
        FROM aixin.report_policy_totals t
       WHERE t.policy_year = ANY (years)
         AND t.township_code BETWEEN twp_lo AND twp_hi
       GROUP BY t.policy_year, t.township_code
      HAVING sum(t.policies) <> 0
    ), owed AS (
      SELECT 'city'::text AS level, d.city_code AS code, b.policy_year,
             sum(b.n) AS n, sum(b.city_fen) AS owed
        FROM by_twp b JOIN aixin.divisions d ON d.code = b.township_code
       WHERE root_level = 'city'
       GROUP BY d.city_code, b.policy_year
      UNION ALL
      SELECT 'county', d.county_code, b.policy_year, sum(b.n), sum(b.county_fen)
        FROM by_twp b JOIN aixin.divisions d ON d.code = b.township_code
       WHERE root_level IN ('city', 'county')
       GROUP BY d.county_code, b.policy_year
      UNION ALL
      SELECT 'township', b.township_code, b.policy_year, b.n, b.township_fen
        FROM by_twp b
    ), paid AS (
      SELECT x.level, x.division_code AS code, x.policy_year, sum(x.amount_fen) AS paid
        FROM aixin.disbursements x
        JOIN aixin.divisions d ON d.code = x.division_code
       WHERE x.policy_year = ANY (years)
         AND (d.code = root_code OR d.county_code = root_code OR d.city_code = root_code)
       GROUP BY x.level, x.division_code, x.policy_year
    )
    SELECT coalesce(o.level, pd.level), d.code, d.name, coalesce(o.policy_year, pd.policy_year),
           coalesce(o.n, 0)::bigint, coalesce(o.owed, 0)::bigint, coalesce(pd.paid, 0)::bigint,
           (coalesce(o.owed, 0) - coalesce(pd.paid, 0))::bigint
      FROM owed o
      FULL JOIN paid pd
        ON pd.level = o.level AND pd.code = o.code AND pd.policy_year = o.policy_year
      JOIN aixin.divisions d ON d.code = coalesce(o.code, pd.code)
     ORDER BY 4,
              CASE coalesce(o.level, pd.level) WHEN 'city' THEN 1 WHEN 'county' THEN 2
                                               WHEN 'township' THEN 3 END,
              d.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.get_ledger(bigint, int, text) IS
  'Owed, paid and outstanding per paying division and year under a root (default: the actor''s division); year 0 = every year';
