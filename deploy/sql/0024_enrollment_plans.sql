-- Enrollment near the machine's limit, third step: what a first import
-- into a young register and the year-cycle migration had undone.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- No rule, message or figure changes.
--
-- 1. The IMMUTABLE helpers run with the caller's rights again.  0016 gave
--    every function without SECURITY DEFINER the rights and search_path of
--    the others, the IMMUTABLE helpers that 0015 had freed among them, so
--    label_ok, id_sex, import_row_check, ... were called row by row through
--    the function machinery again instead of being inlined (a quarter of
--    the backend's CPU of a bulk import).  They read no table (the
--    privileges step of `aixind --migrate` leaves them alone for that
--    reason); tests/sql/statement_rules.sql checks that none is SECURITY
--    DEFINER or carries settings.
--
-- 2. The policies of a household and year are found by one index on both.
--    The report summary asks, per household and year of a statement,
--    whether the household had a policy of that year before.  A trigger's
--    query is planned once per session; planned on an empty register (the
--    first import of a new programme, or a daemon started on one) the
--    planner took the index on (policy_year, id) and filtered the
--    household, a pass over the whole year for every household, kept for
--    the session: 2,470 us of CPU per imported row at 20,000 rows instead
--    of 12, and growing with the register.  With both columns in one index
--    every plan finds them by index, whatever the sizes it was made on.
--    The index on household_id alone is replaced (the new one serves its
--    lookups too), so an insert maintains as many indexes as before.
--
-- 3. The summary counts "a policy before" as "more policies now than the
--    statement's own" (one index count) instead of an anti join of the
--    household's policies against the statement's rows, which the
--    trigger's settings (nested loops only) made a scan of the statement's
--    rows for every policy found.

-- ---------------------------------------------------------------------------
-- 1. IMMUTABLE functions with the caller's rights and settings.
-- ---------------------------------------------------------------------------

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'aixin' AND p.prokind = 'f' AND p.provolatile = 'i'
       AND (p.prosecdef OR p.proconfig IS NOT NULL)
  LOOP
    EXECUTE format('ALTER FUNCTION %s SECURITY INVOKER RESET ALL', f);
  END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- 2. One index for a household's policies of a year.
-- ---------------------------------------------------------------------------

CREATE INDEX policies_household_year_idx ON aixin.policies (household_id, policy_year);
DROP INDEX aixin.policies_household_idx;

-- ---------------------------------------------------------------------------
-- 3. The report summary (as in 0015 but for the household test on insert).
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION aixin.report_policy_totals_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM aixin.households h
     WHERE h.id = ANY (ARRAY(SELECT n.household_id FROM new_rows n))
     ORDER BY h.id
       FOR NO KEY UPDATE;
    INSERT INTO aixin.report_policy_totals AS t
      (policy_year, township_code, insurer_id, shard, policies, households, premium_fen,
       city_share_fen, county_share_fen, township_share_fen)
    SELECT d.policy_year, d.township_code, d.insurer_id, my_shard, sum(d.policies),
           sum(d.households), sum(d.premium), sum(d.city), sum(d.county), sum(d.township)
      FROM (SELECT n.policy_year, n.township_code, n.insurer_id, count(*) AS policies,
                   0 AS households, sum(n.premium_fen) AS premium, sum(n.city_share_fen) AS city,
                   sum(n.county_share_fen) AS county, sum(n.township_share_fen) AS township
              FROM new_rows n
             GROUP BY n.policy_year, n.township_code, n.insurer_id
            UNION ALL
            SELECT hy.policy_year, hy.township_code, hy.insurer_id, 0, 1, 0, 0, 0, 0
              FROM (SELECT n.policy_year, n.household_id, min(n.township_code) AS township_code,
                           min(n.insurer_id) AS insurer_id, count(*) AS new_policies
                      FROM new_rows n
                     GROUP BY n.policy_year, n.household_id) hy
             -- No policy of the household and year before the statement:
             -- all it has now are the statement's.
             WHERE (SELECT count(*) FROM aixin.policies p
                     WHERE p.household_id = hy.household_id
                       AND p.policy_year = hy.policy_year) = hy.new_policies) d
     GROUP BY d.policy_year, d.township_code, d.insurer_id
     ORDER BY d.policy_year, d.township_code, d.insurer_id
    ON CONFLICT (policy_year, township_code, insurer_id, shard) DO UPDATE
       SET policies = t.policies + excluded.policies,
           households = t.households + excluded.households,
           premium_fen = t.premium_fen + excluded.premium_fen,
           city_share_fen = t.city_share_fen + excluded.city_share_fen,
           county_share_fen = t.county_share_fen + excluded.county_share_fen,
           township_share_fen = t.township_share_fen + excluded.township_share_fen;

  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM aixin.households h
     WHERE h.id = ANY (ARRAY(SELECT o.household_id FROM old_rows o))
     ORDER BY h.id
       FOR NO KEY UPDATE;
    INSERT INTO aixin.report_policy_totals AS t
      (policy_year, township_code, insurer_id, shard, policies, households, premium_fen,
       city_share_fen, county_share_fen, township_share_fen)
    SELECT d.policy_year, d.township_code, d.insurer_id, my_shard, sum(d.policies),
           sum(d.households), sum(d.premium), sum(d.city), sum(d.county), sum(d.township)
      FROM (SELECT o.policy_year, o.township_code, o.insurer_id, -count(*) AS policies,
                   0 AS households, -sum(o.premium_fen) AS premium,
                   -sum(o.city_share_fen) AS city, -sum(o.county_share_fen) AS county,
                   -sum(o.township_share_fen) AS township
              FROM old_rows o
             GROUP BY o.policy_year, o.township_code, o.insurer_id
            UNION ALL
            SELECT hy.policy_year, hy.township_code, hy.insurer_id, 0, -1, 0, 0, 0, 0
              FROM (SELECT o.policy_year, o.household_id, min(o.township_code) AS township_code,
                           min(o.insurer_id) AS insurer_id
                      FROM old_rows o
                     GROUP BY o.policy_year, o.household_id) hy
             WHERE NOT EXISTS (SELECT 1 FROM aixin.policies p
                                WHERE p.household_id = hy.household_id
                                  AND p.policy_year = hy.policy_year)) d
     GROUP BY d.policy_year, d.township_code, d.insurer_id
     ORDER BY d.policy_year, d.township_code, d.insurer_id
    ON CONFLICT (policy_year, township_code, insurer_id, shard) DO UPDATE
       SET policies = t.policies + excluded.policies,
           households = t.households + excluded.households,
           premium_fen = t.premium_fen + excluded.premium_fen,
           city_share_fen = t.city_share_fen + excluded.city_share_fen,
           county_share_fen = t.county_share_fen + excluded.county_share_fen,
           township_share_fen = t.township_share_fen + excluded.township_share_fen;

  ELSE
    -- UPDATE: nothing to do unless a summed or grouping column changed
    -- (the split and year never change: policies_rules).
    IF NOT EXISTS (
         SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.policy_year, o.township_code, o.household_id, o.insurer_id, o.premium_fen,
                 o.city_share_fen, o.county_share_fen, o.township_share_fen)
                IS DISTINCT FROM
                (n.policy_year, n.township_code, n.household_id, n.insurer_id, n.premium_fen,
                 n.city_share_fen, n.county_share_fen, n.township_share_fen)) THEN
      RETURN NULL;
    END IF;
    PERFORM 1 FROM aixin.households h
     WHERE h.id = ANY (ARRAY(SELECT o.household_id FROM old_rows o
                             UNION SELECT n.household_id FROM new_rows n))
     ORDER BY h.id
       FOR NO KEY UPDATE;
    INSERT INTO aixin.report_policy_totals AS t
      (policy_year, township_code, insurer_id, shard, policies, households, premium_fen,
       city_share_fen, county_share_fen, township_share_fen)
    SELECT d.policy_year, d.township_code, d.insurer_id, my_shard, sum(d.policies),
           sum(d.households), sum(d.premium), sum(d.city), sum(d.county), sum(d.township)
      FROM (SELECT r.policy_year, r.township_code, r.insurer_id, sum(r.sign) AS policies,
                   0 AS households, sum(r.sign * r.premium_fen) AS premium,
                   sum(r.sign * r.city_share_fen) AS city,
                   sum(r.sign * r.county_share_fen) AS county,
                   sum(r.sign * r.township_share_fen) AS township
              FROM (SELECT 1 AS sign, n.* FROM new_rows n
                    UNION ALL
                    SELECT -1, o.* FROM old_rows o) r
             GROUP BY r.policy_year, r.township_code, r.insurer_id
            UNION ALL
            SELECT hy.policy_year, hy.township_code, hy.insurer_id, 0,
                   (EXISTS (SELECT 1 FROM aixin.policies p
                             WHERE p.household_id = hy.household_id
                               AND p.policy_year = hy.policy_year))::int
                   - (EXISTS (SELECT 1 FROM aixin.policies p
                               WHERE p.household_id = hy.household_id
                                 AND p.policy_year = hy.policy_year
                                 AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = p.id))
                      OR EXISTS (SELECT 1 FROM old_rows o
                                  WHERE o.household_id = hy.household_id
                                    AND o.policy_year = hy.policy_year))::int,
                   0, 0, 0, 0
              FROM (SELECT r.policy_year, r.household_id, min(r.township_code) AS township_code,
                           min(r.insurer_id) AS insurer_id
                      FROM (SELECT n.policy_year, n.household_id, n.township_code, n.insurer_id
                              FROM new_rows n
                            UNION ALL
                            SELECT o.policy_year, o.household_id, o.township_code, o.insurer_id
                              FROM old_rows o) r
                     GROUP BY r.policy_year, r.household_id) hy) d
     GROUP BY d.policy_year, d.township_code, d.insurer_id
     ORDER BY d.policy_year, d.township_code, d.insurer_id
    ON CONFLICT (policy_year, township_code, insurer_id, shard) DO UPDATE
       SET policies = t.policies + excluded.policies,
           households = t.households + excluded.households,
           premium_fen = t.premium_fen + excluded.premium_fen,
           city_share_fen = t.city_share_fen + excluded.city_share_fen,
           county_share_fen = t.county_share_fen + excluded.county_share_fen,
           township_share_fen = t.township_share_fen + excluded.township_share_fen;
  END IF;
  RETURN NULL;
END;
$$;

-- The settings of 0015 (CREATE OR REPLACE drops them): index lookups and
-- nested loops only, whatever the sizes the plan is made on.
ALTER FUNCTION aixin.report_policy_totals_apply()
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
