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
--
-- 4. A single enrollment no longer parses SQL functions in every
--    transaction, nor searches the catalog for the policies' sequence.
--    The closed-year guard keeps one plan.

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

-- ---------------------------------------------------------------------------
-- 4. What a single enrollment paid in every transaction.
-- ---------------------------------------------------------------------------

-- A SQL function that is not inlined is parsed and planned again in every
-- transaction that calls it (its plan lives as long as the calling
-- expression, and PL/pgSQL's expressions live for one transaction), while
-- a PL/pgSQL function keeps its plans for the session.  These three were
-- called once per Enroll, and once per claim action or audit row: 150-200
-- us of the ~1,150 us an enrollment cost.  None can be inlined:
-- year_is_closed reads a table (so it runs as the schema's owner), and the
-- other two call functions that are only STABLE (jsonb_build_array and
-- extract from a timestamptz), which an IMMUTABLE SQL function may not be
-- inlined with.  Same expressions, so the same values: audit_verify
-- recomputes the hashes of rows written before with audit_row_text.

CREATE OR REPLACE FUNCTION aixin.year_is_closed(p_year int) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT c.action = 'close'
                     FROM aixin.year_closures c
                    WHERE c.policy_year = p_year
                    ORDER BY c.id DESC
                    LIMIT 1), false);
END;
$$;

CREATE OR REPLACE FUNCTION aixin.audit_row_text(p_seq bigint, p_at timestamptz, p_account bigint,
                                                p_request bigint, p_key bytea, p_action text,
                                                p_target text, p_detail jsonb)
RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN convert_to(jsonb_build_array(p_seq, (extract(epoch FROM p_at) * 1000000)::bigint,
                                      p_account, p_request, encode(p_key, 'hex'),
                                      p_action, p_target, p_detail)::text, 'UTF8');
END;
$$;

CREATE OR REPLACE FUNCTION aixin.epoch(p_at timestamptz) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN floor(extract(epoch FROM p_at))::bigint;
END;
$$;

-- As in 0010, but the policy id is drawn from its sequence by name
-- (pg_get_serial_sequence searched the catalog for it on every call).
CREATE OR REPLACE FUNCTION aixin.enroll(p_actor bigint, p_request_id bigint, p_key bytea,
                                        p_child_id_number text, p_year int)
RETURNS SETOF aixin.policy_row
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  idn text := upper(p_child_id_number);
  new_id bigint;
  claimed boolean;
  prior jsonb;
  e record;
  problem text[];
BEGIN
  IF NOT (acct.role = ANY (ARRAY['city_admin', 'county_clerk', 'township_clerk'])) THEN
    RAISE EXCEPTION 'permission denied for role %', acct.role USING ERRCODE = 'AXP01';
  END IF;
  IF p_key IS NULL OR length(p_key) <> 16 THEN
    RAISE EXCEPTION 'idempotency key must be 16 bytes'
      USING ERRCODE = 'AXB01', COLUMN = 'idempotency_key';
  END IF;
  new_id := nextval('aixin.policies_id_seq'::regclass);
  INSERT INTO aixin.idempotency_keys AS k (key, account_id, operation, request_hash, result)
  VALUES (p_key, p_actor, 'policy.enroll',
          sha256(convert_to(jsonb_build_array('policy.enroll',
                   jsonb_build_array(p_child_id_number, p_year))::text, 'UTF8')),
          jsonb_build_object('policy_id', new_id))
  ON CONFLICT (key) DO NOTHING
  RETURNING true INTO claimed;
  IF claimed IS NULL THEN
    prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy.enroll',
                              jsonb_build_array(p_child_id_number, p_year));
    RETURN QUERY SELECT * FROM aixin.policy_render((prior ->> 'policy_id')::bigint);
    RETURN;
  END IF;

  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  SELECT c.id AS child_id, c.household_id, c.birth_date, c.name AS child_name,
         h.township_code, d.county_code,
         d.code = acct.division_code OR d.county_code = acct.division_code
           OR d.city_code = acct.division_code AS in_scope,
         y.year IS NOT NULL AS year_found, y.reference_date, y.frozen AS year_frozen,
         y.premium_fen, y.city_subsidy_fen,
         t.county_code IS NOT NULL AS has_terms, t.frozen AS terms_frozen,
         t.county_share_fen, t.insurer_id, ins.code AS insurer_code,
         EXISTS (SELECT 1 FROM aixin.policies p
                  WHERE p.child_id = c.id AND p.policy_year = p_year) AS enrolled
    INTO e
    FROM aixin.children c
    JOIN aixin.households h ON h.id = c.household_id
    JOIN aixin.divisions d ON d.code = h.township_code
    LEFT JOIN aixin.policy_years y ON y.year = p_year
    LEFT JOIN aixin.county_terms t ON t.county_code = d.county_code AND t.policy_year = p_year
    LEFT JOIN aixin.insurers ins ON ins.id = t.insurer_id
   WHERE c.id_number = idn;
  IF NOT FOUND OR NOT e.in_scope THEN
    RAISE EXCEPTION 'child not found' USING ERRCODE = 'AXN01', COLUMN = 'child_id_number';
  END IF;
  problem := aixin.enrollment_problem(p_year, e.reference_date, e.enrolled, e.county_code,
                                      e.has_terms, e.birth_date);
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = problem[1], COLUMN = problem[2], MESSAGE = problem[3];
  END IF;
  IF NOT (e.year_frozen AND e.terms_frozen) THEN
    -- The first enrollment of the year or county: freeze, then read again.
    PERFORM aixin.terms_freeze(p_year, e.county_code);
    SELECT y.premium_fen, y.city_subsidy_fen, t.county_share_fen, t.insurer_id, ins.code
      INTO e.premium_fen, e.city_subsidy_fen, e.county_share_fen, e.insurer_id, e.insurer_code
      FROM aixin.policy_years y
      JOIN aixin.county_terms t ON t.county_code = e.county_code AND t.policy_year = y.year
      JOIN aixin.insurers ins ON ins.id = t.insurer_id
     WHERE y.year = p_year;
  END IF;

  INSERT INTO aixin.policies AS p (id, policy_year, child_id, household_id, township_code,
                                   premium_fen, city_share_fen, county_share_fen,
                                   township_share_fen, insurer_id, enrolled_by)
  VALUES (new_id, p_year, e.child_id, e.household_id, e.township_code, e.premium_fen,
          e.city_subsidy_fen, e.county_share_fen,
          e.premium_fen - e.city_subsidy_fen - e.county_share_fen, e.insurer_id, p_actor)
  ON CONFLICT (child_id, policy_year) DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'child already enrolled for %', p_year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END IF;

  INSERT INTO aixin.audit_log (account_id, request_id, idempotency_key, action, target, detail)
  VALUES (p_actor, p_request_id, p_key, 'policy.enroll', 'policy:' || new_id,
          jsonb_build_object('child_id', e.child_id, 'policy_year', p_year,
                             'premium_fen', e.premium_fen,
                             'city_share_fen', e.city_subsidy_fen,
                             'county_share_fen', e.county_share_fen,
                             'township_share_fen',
                               e.premium_fen - e.city_subsidy_fen - e.county_share_fen,
                             'insurer_code', e.insurer_code));

  RETURN NEXT ROW('ok', new_id, p_year, e.child_id, idn, e.child_name, e.household_id,
                  e.township_code, e.premium_fen, aixin.epoch(now()), e.city_subsidy_fen,
                  e.county_share_fen, e.premium_fen - e.city_subsidy_fen - e.county_share_fen,
                  e.insurer_code)::aixin.policy_row;
END;
$$;

-- The closed-year guard's lock on the years written was planned again on
-- every call (a custom plan for its array parameter: 40 us of every
-- enrollment, claim action and payout).  One plan serves every array.
ALTER FUNCTION aixin.year_closed_refuse(int[], text) SET plan_cache_mode = force_generic_plan;
