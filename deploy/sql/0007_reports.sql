-- aixin reports: the city's indicators per division and policy years
-- (DOMAIN.md, "What the city reports"), one function per ReportKind
-- (reports.proto).  The daemon's GetReport calls them and administrators
-- may call them from psql, so both always see the same figures.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql.
--
-- Every report takes (p_actor, p_year_from, p_year_to, p_division_code):
--   * policy years p_year_from..p_year_to (2000-2100, from <= to; AXB01
--     'year_from' / 'year_to'); years that were never opened count zero;
--   * p_division_code NULL or '' = the actor's division; unknown: AXN01, out
--     of the actor's scope: AXP01 (COLUMN 'division_code');
--   * readers only (city admin, clerks, auditors); adjusters: AXP01;
--   * reports carry no personal data, so they write no audit rows.
-- The column names of each function are the report's stable JSON keys.
--
-- ROWS.  enrollment, funding, claims and service answer one row for the
-- division itself, then one for each division directly below it, by code
-- (a township: itself only).  level is city, county or township.  Every
-- figure is computed per township and summed upwards, so a parent row is
-- exactly the sum of its children; rates are recomputed from the summed
-- numerator and denominator (4 decimals, NULL when the denominator is 0).
-- insurers answers one row per insurer with policies in the division and
-- years, by code; assessment one row per county in the division.
--
-- COUNTING RULES.
--   * A policy, and every claim on it, counts in its policy year.
--   * eligible_households: the current (highest) census revision of each
--     township and year, summed over the years; no census counts 0.
--   * insured_households: households with at least one policy in a year,
--     summed over the years (household-years).
--   * Households in the claims report (payouts of 500 and 3,000 yuan or
--     more on one claim, death payouts) are distinct over the whole range:
--     a household paid in two years counts once.  A household lives in one
--     township, so the parent rows still add up.  "One claim paid 500 yuan
--     or more" is the insurer's payment of that claim (paid_fen >= 50000);
--     supplementary payouts are reported apart and do not count here.
--   * paid_fen and payout_ratio are the insurers' payments of paid claims;
--     supplementary_fen is the city's supplementary payouts on those
--     claims.
--
-- PAID AMOUNTS IN THE FUNDING REPORT.  The city's and the counties'
-- payments are lump sums for a year, recorded against the paying division
-- (disbursements).  So that every row adds up, a payment of the city for a
-- year is divided among all townships of the city in proportion to what
-- each township's policies of that year owe the city (city_share_fen), and
-- a county's payment among the county's townships in proportion to their
-- county shares; a township's payments stay with the township.  The parts
-- are whole fen, by the largest-remainder method (floor of the exact
-- share, then one fen more to the largest remainders, ties by township
-- code), so they add up to the payment exactly.  If the townships owe the
-- payer nothing that year, the payment is divided equally.  Thus:
--   city row:     city_paid_fen = everything the city paid for the years;
--   county row:   city_paid_fen = the part of it for the county's policies,
--                 county_paid_fen = what the county paid;
--   township row: the parts of the city's and the county's payments for its
--                 policies, and what the township itself paid.
-- outstanding_fen = premium_fen - (city + county + township paid), negative
-- when overpaid.  aixin.get_ledger (0003) shows the payments unallocated,
-- per paying division.
--
-- SERVICE (aixin.claim_due, 0006, on today's date in Asia/Shanghai).  Each
-- claim belongs to the service class claim_due gives it now.  A class's
-- *_total counts its claims that are settled (paid or rejected) plus those
-- not settled but already overdue; *_on_time counts those settled and not
-- overdue (claim_due's "settled on time": for the 15-day class both the
-- answer by escalated_on + 15 and the payment by decided_on + 7).  Claims
-- still within their deadline are not counted yet.  home_delivery_required:
-- claims whose paid (or, before payment, approved) amount is 5,000 yuan or
-- more; home_delivery_done: those of them paid and delivered home;
-- visits_done: claims with at least one follow-up visit; overdue_now:
-- claims not settled and overdue today.
--
-- SPEED.  A province-sized programme (tests/bench/bench-reports.sh: over a
-- million policies) is answered without reading the policies:
--   * aixin.report_policy_totals holds, per policy year, township and
--     insurer, the number of policies, of insured households and the sums
--     of the premium and its split.  Statement triggers on aixin.policies
--     keep it exact for every INSERT, UPDATE, DELETE and TRUNCATE, whoever
--     writes (they fire even under session_replication_role = replica).
--     A writing session adds to its own shard row (backend pid mod 16), so
--     concurrent enrollments in one township do not queue behind a single
--     row; a report sums the shards.  A household counts in a year when its
--     first policy of that year arrives: the trigger locks the household
--     rows of the statement (in id order) before looking for other
--     policies, so two siblings enrolled at the same moment by two sessions
--     count once.  aixin.report_policy_totals_rebuild() recomputes it.
--   * claims carry copies of their policy's year, township, household and
--     insurer, indexed by (policy_year, township_code), so the claims of a
--     division and years are read without touching the policies.  A
--     trigger fills them from the policy whoever writes the claim and keeps
--     them on update; they cannot go stale, since a policy's year and
--     insurer are frozen (policies_rules) and its household and township
--     are held by the foreign keys to its child and household (a child
--     cannot change household under its policies, nor a household its
--     township).
-- The census and the disbursements are small and read as they are.

-- ---------------------------------------------------------------------------
-- Policy totals per year, township and insurer.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.report_policy_totals (
  policy_year        int NOT NULL,
  township_code      text NOT NULL,
  insurer_id         bigint NOT NULL,
  -- The writing session's shard (backend pid mod 16); rows of one key are
  -- added up, never read alone.  A shard may go negative after deletes.
  shard              smallint NOT NULL,
  policies           bigint NOT NULL,
  households         bigint NOT NULL,
  premium_fen        bigint NOT NULL,
  city_share_fen     bigint NOT NULL,
  county_share_fen   bigint NOT NULL,
  township_share_fen bigint NOT NULL,
  PRIMARY KEY (policy_year, township_code, insurer_id, shard)
);

COMMENT ON TABLE aixin.report_policy_totals IS
  'Policies, insured households, premium and split per year, township and insurer (summed over shards); kept by triggers on aixin.policies';

-- Add the changes of one statement on aixin.policies.  Transition tables:
-- new_rows (INSERT, UPDATE) and old_rows (DELETE, UPDATE).  Households:
-- for every (year, household) the statement touched, +1 when the household
-- has a policy of that year now and had none before, -1 the other way
-- round ("before" = a policy of it other than the statement's new rows, or
-- one of its old rows).
CREATE FUNCTION aixin.report_policy_totals_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM aixin.households h
     WHERE h.id IN (SELECT n.household_id FROM new_rows n)
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
                           min(n.insurer_id) AS insurer_id
                      FROM new_rows n
                     GROUP BY n.policy_year, n.household_id) hy
             WHERE NOT EXISTS (SELECT 1 FROM aixin.policies p
                                WHERE p.household_id = hy.household_id
                                  AND p.policy_year = hy.policy_year
                                  AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = p.id))) d
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
     WHERE h.id IN (SELECT o.household_id FROM old_rows o)
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
     WHERE h.id IN (SELECT o.household_id FROM old_rows o
                    UNION SELECT n.household_id FROM new_rows n)
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

CREATE FUNCTION aixin.report_policy_totals_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE aixin.report_policy_totals;
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_policy_totals_ins
  AFTER INSERT ON aixin.policies
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.report_policy_totals_apply();
CREATE TRIGGER report_policy_totals_upd
  AFTER UPDATE ON aixin.policies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.report_policy_totals_apply();
CREATE TRIGGER report_policy_totals_del
  AFTER DELETE ON aixin.policies
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.report_policy_totals_apply();
CREATE TRIGGER report_policy_totals_trunc
  AFTER TRUNCATE ON aixin.policies
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.report_policy_totals_truncate();

-- Bulk loads that skip user triggers (session_replication_role = replica)
-- must still keep the totals.
ALTER TABLE aixin.policies ENABLE ALWAYS TRIGGER report_policy_totals_ins;
ALTER TABLE aixin.policies ENABLE ALWAYS TRIGGER report_policy_totals_upd;
ALTER TABLE aixin.policies ENABLE ALWAYS TRIGGER report_policy_totals_del;
ALTER TABLE aixin.policies ENABLE ALWAYS TRIGGER report_policy_totals_trunc;

-- Recompute the totals from the policies (writers wait meanwhile); the
-- number of rows written.  For repairs: the triggers keep them exact.  A
-- household counts once per year and township, with the lowest insurer
-- among its policies of that year (a county-year has one insurer anyway).
CREATE FUNCTION aixin.report_policy_totals_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE aixin.policies IN SHARE MODE;
  DELETE FROM aixin.report_policy_totals;
  INSERT INTO aixin.report_policy_totals
    (policy_year, township_code, insurer_id, shard, policies, households, premium_fen,
     city_share_fen, county_share_fen, township_share_fen)
  SELECT k.policy_year, k.township_code, k.insurer_id, 0, k.n, coalesce(h.n, 0), k.premium,
         k.city, k.county, k.township
    FROM (SELECT p.policy_year, p.township_code, p.insurer_id, count(*) AS n,
                 sum(p.premium_fen) AS premium, sum(p.city_share_fen) AS city,
                 sum(p.county_share_fen) AS county, sum(p.township_share_fen) AS township
            FROM aixin.policies p
           GROUP BY p.policy_year, p.township_code, p.insurer_id) k
    LEFT JOIN (SELECT x.policy_year, x.township_code, x.insurer_id, count(*) AS n
                 FROM (SELECT p.policy_year, p.township_code, min(p.insurer_id) AS insurer_id
                         FROM aixin.policies p
                        GROUP BY p.policy_year, p.township_code, p.household_id) x
                GROUP BY x.policy_year, x.township_code, x.insurer_id) h
      ON h.policy_year = k.policy_year AND h.township_code = k.township_code
     AND h.insurer_id = k.insurer_id;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END;
$$;

COMMENT ON FUNCTION aixin.report_policy_totals_rebuild() IS
  'Recompute aixin.report_policy_totals from the policies (locks out writers while it runs); rows written';

SELECT aixin.report_policy_totals_rebuild();

-- ---------------------------------------------------------------------------
-- Claims: copies of their policy's year, township, household and insurer.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.claims
  ADD COLUMN policy_year int,
  ADD COLUMN township_code text,
  ADD COLUMN household_id bigint,
  ADD COLUMN insurer_id bigint;

COMMENT ON COLUMN aixin.claims.policy_year IS 'Copied from the policy when the claim is written (reports)';
COMMENT ON COLUMN aixin.claims.township_code IS 'Copied from the policy when the claim is written (reports)';
COMMENT ON COLUMN aixin.claims.household_id IS 'Copied from the policy when the claim is written (reports)';
COMMENT ON COLUMN aixin.claims.insurer_id IS 'Copied from the policy when the claim is written (reports)';

-- Claims written before this migration (claims_rules would refuse to
-- touch final claims, and updated_at must not move).
ALTER TABLE aixin.claims DISABLE TRIGGER claims_rules;
UPDATE aixin.claims c
   SET policy_year = p.policy_year, township_code = p.township_code,
       household_id = p.household_id, insurer_id = p.insurer_id
  FROM aixin.policies p
 WHERE p.id = c.policy_id;
ALTER TABLE aixin.claims ENABLE TRIGGER claims_rules;

-- The copies are the policy's whoever writes the claim: set on insert (a
-- missing policy leaves them NULL, and the foreign key refuses the row),
-- kept on update (claims_rules refuses a change of policy).
CREATE FUNCTION aixin.claims_copy_policy() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.policy_id = OLD.policy_id THEN
    NEW.policy_year := OLD.policy_year;
    NEW.township_code := OLD.township_code;
    NEW.household_id := OLD.household_id;
    NEW.insurer_id := OLD.insurer_id;
    RETURN NEW;
  END IF;
  SELECT p.policy_year, p.township_code, p.household_id, p.insurer_id
    INTO NEW.policy_year, NEW.township_code, NEW.household_id, NEW.insurer_id
    FROM aixin.policies p
   WHERE p.id = NEW.policy_id;
  RETURN NEW;
END;
$$;

CREATE TRIGGER claims_copy_policy
  BEFORE INSERT OR UPDATE ON aixin.claims
  FOR EACH ROW EXECUTE FUNCTION aixin.claims_copy_policy();
ALTER TABLE aixin.claims ENABLE ALWAYS TRIGGER claims_copy_policy;

CREATE INDEX claims_report_idx ON aixin.claims (policy_year, township_code);

-- ---------------------------------------------------------------------------
-- Building blocks (no permission checks: the report functions check first).
-- ---------------------------------------------------------------------------

-- The report's division, after the checks every report makes: a reader
-- role, years 2000-2100 with from <= to, the division known and in the
-- actor's scope.
CREATE FUNCTION aixin.report_root(p_actor bigint, p_year_from int, p_year_to int,
                                  p_division_code text)
RETURNS aixin.divisions
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root_code text := coalesce(nullif(p_division_code, ''), acct.division_code);
  root aixin.divisions;
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles());
  IF p_year_from IS NULL OR p_year_from NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year_from must be between 2000 and 2100'
      USING ERRCODE = 'AXB01', COLUMN = 'year_from';
  END IF;
  IF p_year_to IS NULL OR p_year_to NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year_to must be between 2000 and 2100'
      USING ERRCODE = 'AXB01', COLUMN = 'year_to';
  END IF;
  IF p_year_to < p_year_from THEN
    RAISE EXCEPTION 'year_to (%) is before year_from (%)', p_year_to, p_year_from
      USING ERRCODE = 'AXB01', COLUMN = 'year_to';
  END IF;
  SELECT * INTO root FROM aixin.divisions d WHERE d.code = root_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', root_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, root.code) THEN
    RAISE EXCEPTION 'division % is outside your division', root.code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  RETURN root;
END;
$$;

COMMENT ON FUNCTION aixin.report_root(bigint, int, int, text) IS
  'The checks every report makes (reader role, years, division known and in scope); returns the division';

CREATE FUNCTION aixin.report_years(p_year_from int, p_year_to int) RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT generate_series(p_year_from, p_year_to))
$$;

-- The township codes below a division form one range: a township code is
-- its county's code and 3 digits (divisions_shape), and there is one city.
CREATE FUNCTION aixin.report_township_low(p_root aixin.divisions) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_root.level WHEN 'city' THEN '000000000' WHEN 'county' THEN p_root.code || '000'
                           ELSE p_root.code END
$$;

CREATE FUNCTION aixin.report_township_high(p_root aixin.divisions) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_root.level WHEN 'city' THEN '999999999' WHEN 'county' THEN p_root.code || '999'
                           ELSE p_root.code END
$$;

-- The rows of a report: the division (ord 0), then the divisions directly
-- below it (ord 1).
CREATE FUNCTION aixin.report_rows(p_root aixin.divisions)
RETURNS TABLE (ord int, code text, name text, level text)
LANGUAGE sql STABLE AS $$
  SELECT 0, p_root.code, p_root.name, p_root.level
  UNION ALL
  SELECT 1, d.code, d.name, d.level
    FROM aixin.divisions d
   WHERE d.parent_code = p_root.code
$$;

-- Every township below (or equal to) the division, with the report row it
-- adds into (the county below a city, else the township itself).
CREATE FUNCTION aixin.report_units(p_root aixin.divisions)
RETURNS TABLE (township_code text, county_code text, row_code text)
LANGUAGE sql STABLE AS $$
  SELECT t.code, t.county_code,
         CASE WHEN p_root.level = 'city' THEN t.county_code ELSE t.code END
    FROM aixin.divisions t
   WHERE t.level = 'township'
     AND (t.code = p_root.code OR t.county_code = p_root.code OR t.city_code = p_root.code)
$$;

-- A fraction with 4 decimals; NULL when the denominator is 0.
CREATE FUNCTION aixin.report_rate(p_num numeric, p_den numeric) RETURNS numeric(10,4)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_den = 0 THEN NULL ELSE round(p_num / p_den, 4) END::numeric(10,4)
$$;

-- Enrollment per township below p_root over p_years: every township, zero
-- when it has nothing.
CREATE FUNCTION aixin.report_township_enrollment(p_root aixin.divisions, p_years int[])
RETURNS TABLE (township_code text, county_code text, row_code text, eligible_households bigint,
               insured_households bigint, policies bigint)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
  lo text := aixin.report_township_low(p_root);
  hi text := aixin.report_township_high(p_root);
BEGIN
  RETURN QUERY
    WITH pol AS (
      SELECT t.township_code, sum(t.households) AS households, sum(t.policies) AS n
        FROM aixin.report_policy_totals t
       WHERE t.policy_year = ANY (p_years)
         AND t.township_code BETWEEN lo AND hi
       GROUP BY t.township_code
    ), cen AS (
      SELECT s.township_code, sum(s.eligible_households) AS eligible
        FROM (SELECT DISTINCT ON (c.township_code, c.policy_year)
                     c.township_code, c.eligible_households
                FROM aixin.census_submissions c
               WHERE c.policy_year = ANY (p_years)
                 AND c.township_code BETWEEN lo AND hi
               ORDER BY c.township_code, c.policy_year, c.revision DESC) s
       GROUP BY s.township_code
    )
    SELECT u.township_code, u.county_code, u.row_code, coalesce(c.eligible, 0)::bigint,
           coalesce(p.households, 0)::bigint, coalesce(p.n, 0)::bigint
      FROM aixin.report_units(p_root) u
      LEFT JOIN pol p ON p.township_code = u.township_code
      LEFT JOIN cen c ON c.township_code = u.township_code;
END;
$$;

COMMENT ON FUNCTION aixin.report_township_enrollment(aixin.divisions, int[]) IS
  'Eligible and insured households and policies per township below a division over some years (no checks)';

-- ---------------------------------------------------------------------------
-- enrollment
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.report_enrollment(p_actor bigint, p_year_from int, p_year_to int,
                                        p_division_code text)
RETURNS TABLE (division text, name text, level text, eligible_households bigint,
               insured_households bigint, policies bigint, enrollment_rate numeric(10,4))
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_enrollment(root, aixin.report_years(p_year_from, p_year_to))
    )
    SELECT r.code, r.name, r.level,
           coalesce(sum(t.eligible_households), 0)::bigint,
           coalesce(sum(t.insured_households), 0)::bigint,
           coalesce(sum(t.policies), 0)::bigint,
           aixin.report_rate(coalesce(sum(t.insured_households), 0),
                             coalesce(sum(t.eligible_households), 0))
      FROM aixin.report_rows(root) r
      LEFT JOIN t ON r.ord = 0 OR t.row_code = r.code
     GROUP BY r.ord, r.code, r.name, r.level
     ORDER BY r.ord, r.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_enrollment(bigint, int, int, text) IS
  'Eligible households (current census), insured households, policies and enrollment rate of a division and the divisions below it';

-- ---------------------------------------------------------------------------
-- funding
-- ---------------------------------------------------------------------------

-- Owed and paid per township below p_root over p_years (see PAID AMOUNTS
-- at the top of this file).  The city's payments are divided over every
-- township of the city, so when there are any, the whole city's totals of
-- those years are read.
CREATE FUNCTION aixin.report_township_funding(p_root aixin.divisions, p_years int[])
RETURNS TABLE (township_code text, row_code text, premium_fen bigint, city_owed_fen bigint,
               county_owed_fen bigint, township_owed_fen bigint, city_paid_fen bigint,
               county_paid_fen bigint, township_paid_fen bigint)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
  scan aixin.divisions := p_root;
  lo text;
  hi text;
BEGIN
  IF p_root.level <> 'city'
     AND EXISTS (SELECT 1 FROM aixin.disbursements x
                  WHERE x.policy_year = ANY (p_years) AND x.level = 'city') THEN
    SELECT * INTO scan FROM aixin.divisions d WHERE d.code = p_root.city_code;
  ELSIF p_root.level = 'township' THEN
    SELECT * INTO scan FROM aixin.divisions d WHERE d.code = p_root.county_code;
  END IF;
  lo := aixin.report_township_low(scan);
  hi := aixin.report_township_high(scan);

  RETURN QUERY
    WITH owed AS MATERIALIZED (
      SELECT t.policy_year, t.township_code, sum(t.premium_fen) AS premium,
             sum(t.city_share_fen) AS city, sum(t.county_share_fen) AS county,
             sum(t.township_share_fen) AS township
        FROM aixin.report_policy_totals t
       WHERE t.policy_year = ANY (p_years)
         AND t.township_code BETWEEN lo AND hi
       GROUP BY t.policy_year, t.township_code
    ), pay AS (
      -- The payments that reach a township below the root: the city's,
      -- the counties' over such townships, the townships' below the root.
      SELECT x.level, x.division_code, x.policy_year, sum(x.amount_fen) AS amount
        FROM aixin.disbursements x
       WHERE x.policy_year = ANY (p_years)
         AND (x.level = 'city'
              OR (x.level = 'county'
                  AND (p_root.level = 'city' OR x.division_code = p_root.county_code))
              OR (x.level = 'township'
                  AND x.division_code BETWEEN aixin.report_township_low(p_root)
                                          AND aixin.report_township_high(p_root)))
       GROUP BY x.level, x.division_code, x.policy_year
    ), weights AS (
      -- A city or county payment against each township of the payer,
      -- weighted by what the township's policies owe the payer that year.
      SELECT y.level, y.division_code, y.policy_year, y.amount, t.code AS township_code,
             coalesce(CASE y.level WHEN 'city' THEN o.city ELSE o.county END, 0) AS w
        FROM pay y
        JOIN aixin.divisions t
          ON t.level = 'township'
         AND (y.level = 'city' OR t.county_code = y.division_code)
        LEFT JOIN owed o ON o.policy_year = y.policy_year AND o.township_code = t.code
       WHERE y.level IN ('city', 'county')
    ), weights2 AS (
      -- Nothing owed to the payer that year: equal parts.
      SELECT w.level, w.division_code, w.policy_year, w.amount, w.township_code,
             CASE WHEN sum(w.w) OVER payer = 0 THEN 1 ELSE w.w END::numeric AS w
        FROM weights w
      WINDOW payer AS (PARTITION BY w.level, w.division_code, w.policy_year)
    ), floors AS (
      SELECT w.level, w.division_code, w.policy_year, w.amount, w.township_code,
             div(w.amount * w.w, sum(w.w) OVER payer) AS base,
             mod(w.amount * w.w, sum(w.w) OVER payer) AS remainder
        FROM weights2 w
      WINDOW payer AS (PARTITION BY w.level, w.division_code, w.policy_year)
    ), parts AS (
      SELECT f.level, f.township_code,
             f.base + CASE WHEN row_number() OVER (PARTITION BY f.level, f.division_code, f.policy_year
                                                   ORDER BY f.remainder DESC,
                                                            f.township_code COLLATE "C")
                                <= f.amount - sum(f.base) OVER (PARTITION BY f.level, f.division_code,
                                                                             f.policy_year)
                           THEN 1 ELSE 0 END AS part
        FROM floors f
      UNION ALL
      SELECT 'township', y.division_code, y.amount
        FROM pay y
       WHERE y.level = 'township'
    ), paid AS (
      SELECT pt.township_code,
             sum(pt.part) FILTER (WHERE pt.level = 'city') AS city,
             sum(pt.part) FILTER (WHERE pt.level = 'county') AS county,
             sum(pt.part) FILTER (WHERE pt.level = 'township') AS township
        FROM parts pt
       GROUP BY pt.township_code
    ), owed_twp AS (
      SELECT o.township_code, sum(o.premium) AS premium, sum(o.city) AS city,
             sum(o.county) AS county, sum(o.township) AS township
        FROM owed o
       GROUP BY o.township_code
    )
    SELECT u.township_code, u.row_code,
           coalesce(o.premium, 0)::bigint, coalesce(o.city, 0)::bigint,
           coalesce(o.county, 0)::bigint, coalesce(o.township, 0)::bigint,
           coalesce(pd.city, 0)::bigint, coalesce(pd.county, 0)::bigint,
           coalesce(pd.township, 0)::bigint
      FROM aixin.report_units(p_root) u
      LEFT JOIN owed_twp o ON o.township_code = u.township_code
      LEFT JOIN paid pd ON pd.township_code = u.township_code;
END;
$$;

COMMENT ON FUNCTION aixin.report_township_funding(aixin.divisions, int[]) IS
  'Premium, shares owed and payments received (city and county payments divided pro rata) per township below a division (no checks)';

CREATE FUNCTION aixin.report_funding(p_actor bigint, p_year_from int, p_year_to int,
                                     p_division_code text)
RETURNS TABLE (division text, name text, level text, premium_fen bigint, city_owed_fen bigint,
               county_owed_fen bigint, township_owed_fen bigint, city_paid_fen bigint,
               county_paid_fen bigint, township_paid_fen bigint, outstanding_fen bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_funding(root, aixin.report_years(p_year_from, p_year_to))
    )
    SELECT r.code, r.name, r.level,
           coalesce(sum(t.premium_fen), 0)::bigint,
           coalesce(sum(t.city_owed_fen), 0)::bigint,
           coalesce(sum(t.county_owed_fen), 0)::bigint,
           coalesce(sum(t.township_owed_fen), 0)::bigint,
           coalesce(sum(t.city_paid_fen), 0)::bigint,
           coalesce(sum(t.county_paid_fen), 0)::bigint,
           coalesce(sum(t.township_paid_fen), 0)::bigint,
           coalesce(sum(t.premium_fen - t.city_paid_fen - t.county_paid_fen - t.township_paid_fen),
                    0)::bigint
      FROM aixin.report_rows(root) r
      LEFT JOIN t ON r.ord = 0 OR t.row_code = r.code
     GROUP BY r.ord, r.code, r.name, r.level
     ORDER BY r.ord, r.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_funding(bigint, int, int, text) IS
  'Premium, its split owed by level, paid by level (city and county payments divided pro rata) and outstanding, per division';

-- ---------------------------------------------------------------------------
-- claims
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.report_township_claims(p_root aixin.divisions, p_years int[])
RETURNS TABLE (township_code text, row_code text, claims_filed bigint, claims_paid bigint,
               paid_fen bigint, premium_fen bigint, supplementary_fen bigint,
               households_single_payout_500 bigint, households_single_payout_3000 bigint,
               households_death_payout bigint)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
  lo text := aixin.report_township_low(p_root);
  hi text := aixin.report_township_high(p_root);
BEGIN
  RETURN QUERY
    WITH prem AS (
      SELECT t.township_code, sum(t.premium_fen) AS premium
        FROM aixin.report_policy_totals t
       WHERE t.policy_year = ANY (p_years)
         AND t.township_code BETWEEN lo AND hi
       GROUP BY t.township_code
    ), cl AS MATERIALIZED (
      SELECT c.id, c.state, c.event, c.paid_fen, c.township_code, c.household_id
        FROM aixin.claims c
       WHERE c.policy_year = ANY (p_years)
         AND c.township_code BETWEEN lo AND hi
    ), agg AS (
      SELECT c.township_code, count(*) AS filed,
             count(*) FILTER (WHERE c.state = 'paid') AS paid,
             sum(c.paid_fen) AS paid_fen,
             count(DISTINCT c.household_id) FILTER (WHERE c.paid_fen >= 50000) AS h500,
             count(DISTINCT c.household_id) FILTER (WHERE c.paid_fen >= 300000) AS h3000,
             count(DISTINCT c.household_id)
               FILTER (WHERE c.state = 'paid' AND c.event IN ('child_death', 'guardian_death'))
               AS hdeath
        FROM cl c
       GROUP BY c.township_code
    ), sup AS (
      SELECT c.township_code, sum(s.amount_fen) AS amount
        FROM cl c
        JOIN aixin.supplementary_payouts s ON s.claim_id = c.id
       WHERE c.state = 'paid'
       GROUP BY c.township_code
    )
    SELECT u.township_code, u.row_code,
           coalesce(a.filed, 0)::bigint, coalesce(a.paid, 0)::bigint,
           coalesce(a.paid_fen, 0)::bigint, coalesce(pr.premium, 0)::bigint,
           coalesce(s.amount, 0)::bigint, coalesce(a.h500, 0)::bigint,
           coalesce(a.h3000, 0)::bigint, coalesce(a.hdeath, 0)::bigint
      FROM aixin.report_units(p_root) u
      LEFT JOIN prem pr ON pr.township_code = u.township_code
      LEFT JOIN agg a ON a.township_code = u.township_code
      LEFT JOIN sup s ON s.township_code = u.township_code;
END;
$$;

COMMENT ON FUNCTION aixin.report_township_claims(aixin.divisions, int[]) IS
  'Claims filed and paid, payouts, premium, supplementary payouts and households paid per township below a division (no checks)';

CREATE FUNCTION aixin.report_claims(p_actor bigint, p_year_from int, p_year_to int,
                                    p_division_code text)
RETURNS TABLE (division text, name text, level text, claims_filed bigint, claims_paid bigint,
               paid_fen bigint, premium_fen bigint, payout_ratio numeric(10,4),
               supplementary_fen bigint, households_single_payout_500 bigint,
               households_single_payout_3000 bigint, households_death_payout bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_claims(root, aixin.report_years(p_year_from, p_year_to))
    )
    SELECT r.code, r.name, r.level,
           coalesce(sum(t.claims_filed), 0)::bigint,
           coalesce(sum(t.claims_paid), 0)::bigint,
           coalesce(sum(t.paid_fen), 0)::bigint,
           coalesce(sum(t.premium_fen), 0)::bigint,
           aixin.report_rate(coalesce(sum(t.paid_fen), 0), coalesce(sum(t.premium_fen), 0)),
           coalesce(sum(t.supplementary_fen), 0)::bigint,
           coalesce(sum(t.households_single_payout_500), 0)::bigint,
           coalesce(sum(t.households_single_payout_3000), 0)::bigint,
           coalesce(sum(t.households_death_payout), 0)::bigint
      FROM aixin.report_rows(root) r
      LEFT JOIN t ON r.ord = 0 OR t.row_code = r.code
     GROUP BY r.ord, r.code, r.name, r.level
     ORDER BY r.ord, r.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_claims(bigint, int, int, text) IS
  'Claims filed and paid, insurers'' payouts, payout ratio, supplementary payouts and households paid 500/3000 yuan or for a death, per division';

-- ---------------------------------------------------------------------------
-- service
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.report_township_service(p_root aixin.divisions, p_years int[])
RETURNS TABLE (township_code text, row_code text, same_day_total bigint, same_day_on_time bigint,
               seven_day_total bigint, seven_day_on_time bigint, fifteen_day_total bigint,
               fifteen_day_on_time bigint, home_delivery_required bigint,
               home_delivery_done bigint, visits_done bigint, overdue_now bigint)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
  lo text := aixin.report_township_low(p_root);
  hi text := aixin.report_township_high(p_root);
  today date := aixin.local_today();
BEGIN
  RETURN QUERY
    WITH cl AS (
      SELECT c.township_code, d.service_class AS cls,
             c.state IN ('paid', 'rejected') AS settled, d.overdue,
             coalesce(coalesce(c.paid_fen, c.approved_fen) >= 500000, false) AS home_required,
             c.delivered_home,
             EXISTS (SELECT 1 FROM aixin.claim_visits v WHERE v.claim_id = c.id) AS visited
        FROM aixin.claims c
       CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt,
                                          c.escalated_on, c.state, c.decided_on, c.paid_on,
                                          today) d
       WHERE c.policy_year = ANY (p_years)
         AND c.township_code BETWEEN lo AND hi
    ), agg AS (
      SELECT c.township_code,
             count(*) FILTER (WHERE c.cls = 'same_day' AND (c.settled OR c.overdue)) AS sd,
             count(*) FILTER (WHERE c.cls = 'same_day' AND c.settled AND NOT c.overdue) AS sd_ok,
             count(*) FILTER (WHERE c.cls = 'seven_day' AND (c.settled OR c.overdue)) AS sv,
             count(*) FILTER (WHERE c.cls = 'seven_day' AND c.settled AND NOT c.overdue) AS sv_ok,
             count(*) FILTER (WHERE c.cls = 'fifteen_day' AND (c.settled OR c.overdue)) AS ft,
             count(*) FILTER (WHERE c.cls = 'fifteen_day' AND c.settled AND NOT c.overdue) AS ft_ok,
             count(*) FILTER (WHERE c.home_required) AS home_req,
             count(*) FILTER (WHERE c.home_required AND c.delivered_home) AS home_done,
             count(*) FILTER (WHERE c.visited) AS visits,
             count(*) FILTER (WHERE NOT c.settled AND c.overdue) AS overdue
        FROM cl c
       GROUP BY c.township_code
    )
    SELECT u.township_code, u.row_code,
           coalesce(a.sd, 0)::bigint, coalesce(a.sd_ok, 0)::bigint,
           coalesce(a.sv, 0)::bigint, coalesce(a.sv_ok, 0)::bigint,
           coalesce(a.ft, 0)::bigint, coalesce(a.ft_ok, 0)::bigint,
           coalesce(a.home_req, 0)::bigint, coalesce(a.home_done, 0)::bigint,
           coalesce(a.visits, 0)::bigint, coalesce(a.overdue, 0)::bigint
      FROM aixin.report_units(p_root) u
      LEFT JOIN agg a ON a.township_code = u.township_code;
END;
$$;

COMMENT ON FUNCTION aixin.report_township_service(aixin.divisions, int[]) IS
  'Service deadlines kept per class, home deliveries, visits and overdue claims per township below a division (no checks)';

CREATE FUNCTION aixin.report_service(p_actor bigint, p_year_from int, p_year_to int,
                                     p_division_code text)
RETURNS TABLE (division text, name text, level text, same_day_total bigint,
               same_day_on_time bigint, seven_day_total bigint, seven_day_on_time bigint,
               fifteen_day_total bigint, fifteen_day_on_time bigint,
               home_delivery_required bigint, home_delivery_done bigint, visits_done bigint,
               overdue_now bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_service(root, aixin.report_years(p_year_from, p_year_to))
    )
    SELECT r.code, r.name, r.level,
           coalesce(sum(t.same_day_total), 0)::bigint,
           coalesce(sum(t.same_day_on_time), 0)::bigint,
           coalesce(sum(t.seven_day_total), 0)::bigint,
           coalesce(sum(t.seven_day_on_time), 0)::bigint,
           coalesce(sum(t.fifteen_day_total), 0)::bigint,
           coalesce(sum(t.fifteen_day_on_time), 0)::bigint,
           coalesce(sum(t.home_delivery_required), 0)::bigint,
           coalesce(sum(t.home_delivery_done), 0)::bigint,
           coalesce(sum(t.visits_done), 0)::bigint,
           coalesce(sum(t.overdue_now), 0)::bigint
      FROM aixin.report_rows(root) r
      LEFT JOIN t ON r.ord = 0 OR t.row_code = r.code
     GROUP BY r.ord, r.code, r.name, r.level
     ORDER BY r.ord, r.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_service(bigint, int, int, text) IS
  'Same-day, 7-day and 15-day deadlines kept, home deliveries, visits and claims overdue today, per division';

-- ---------------------------------------------------------------------------
-- insurers
-- ---------------------------------------------------------------------------

-- One row per insurer with policies in the division and years, by code.
-- share_of_policies: its policies over all policies of the division and
-- years (the shares of all rows add up to 1 up to rounding).
CREATE FUNCTION aixin.report_insurers(p_actor bigint, p_year_from int, p_year_to int,
                                      p_division_code text)
RETURNS TABLE (insurer text, name text, policies bigint, premium_fen bigint, paid_fen bigint,
               payout_ratio numeric(10,4), share_of_policies numeric(10,4))
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
  years int[] := aixin.report_years(p_year_from, p_year_to);
  lo text := aixin.report_township_low(root);
  hi text := aixin.report_township_high(root);
BEGIN
  RETURN QUERY
    WITH pol AS (
      SELECT t.insurer_id, sum(t.policies) AS n, sum(t.premium_fen) AS premium
        FROM aixin.report_policy_totals t
       WHERE t.policy_year = ANY (years)
         AND t.township_code BETWEEN lo AND hi
       GROUP BY t.insurer_id
      HAVING sum(t.policies) <> 0
    ), paid AS (
      SELECT c.insurer_id, sum(c.paid_fen) AS amount
        FROM aixin.claims c
       WHERE c.state = 'paid'
         AND c.policy_year = ANY (years)
         AND c.township_code BETWEEN lo AND hi
       GROUP BY c.insurer_id
    )
    SELECT i.code, i.name, pol.n::bigint, pol.premium::bigint,
           coalesce(pd.amount, 0)::bigint,
           aixin.report_rate(coalesce(pd.amount, 0), pol.premium),
           aixin.report_rate(pol.n, sum(pol.n) OVER ())
      FROM pol
      JOIN aixin.insurers i ON i.id = pol.insurer_id
      LEFT JOIN paid pd ON pd.insurer_id = pol.insurer_id
     ORDER BY i.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_insurers(bigint, int, int, text) IS
  'Per insurer with policies in the division: policies, premium, payouts, payout ratio and share of the policies';

-- ---------------------------------------------------------------------------
-- assessment
-- ---------------------------------------------------------------------------

-- One row per county in the division (a city: each of its counties; a
-- county: itself; a township: AXB01).  The enrollment rate is over the
-- years given (one year for the annual assessment).  The target is met
-- when the exact fraction insured / eligible reaches 0.90 (not its rounded
-- form: 8999 of 10000 households is 0.8999 and does not meet it); no
-- eligible households: rate NULL, target not met.  Met earns 10 points.
CREATE FUNCTION aixin.report_assessment(p_actor bigint, p_year_from int, p_year_to int,
                                        p_division_code text)
RETURNS TABLE (division text, name text, level text, eligible_households bigint,
               insured_households bigint, enrollment_rate numeric(10,4), meets_target boolean,
               points int)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  IF root.level = 'township' THEN
    RAISE EXCEPTION 'the assessment is of counties: give a city or a county, not township %',
        root.code
      USING ERRCODE = 'AXB01', COLUMN = 'division_code';
  END IF;
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_enrollment(root, aixin.report_years(p_year_from, p_year_to))
    ), c AS (
      SELECT d.code, d.name, d.level,
             coalesce(sum(t.eligible_households), 0) AS eligible,
             coalesce(sum(t.insured_households), 0) AS insured
        FROM aixin.divisions d
        LEFT JOIN t ON t.county_code = d.code
       WHERE d.level = 'county' AND (d.code = root.code OR d.parent_code = root.code)
       GROUP BY d.code, d.name, d.level
    )
    SELECT c.code, c.name, c.level, c.eligible::bigint, c.insured::bigint,
           aixin.report_rate(c.insured, c.eligible),
           c.eligible > 0 AND c.insured * 10 >= c.eligible * 9,
           CASE WHEN c.eligible > 0 AND c.insured * 10 >= c.eligible * 9 THEN 10 ELSE 0 END
      FROM c
     ORDER BY c.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_assessment(bigint, int, int, text) IS
  'Per county: enrollment rate over the years, whether it reaches the 90% target and the 10 assessment points it earns';
