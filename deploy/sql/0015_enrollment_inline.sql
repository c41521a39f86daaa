-- Enrollment near the machine's limit, second step: the rules of an
-- enrollment and of an import row are inlined into the queries that judge
-- whole batches, instead of being called row by row.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Messages, codes and fields are exactly those of 0010.
--
-- Why it was slow
--   A SQL function is inlined into the calling query only when it runs
--   with the caller's rights and settings.  0010 gave every function of
--   the schema SECURITY DEFINER and a search_path, the IMMUTABLE helpers
--   too (label_ok, id_sex, ymd, audit_row_text, ...); `aixind --migrate`
--   gives the rest SECURITY DEFINER on every run.  So each import row
--   called enrollment_problem, import_row_problem, label_ok, id_sex, ...
--   through the full function machinery (a GUC save and restore and an
--   executor start per call): a third of the backend's CPU of a bulk
--   import.
--
-- What changes
--   * IMMUTABLE functions run with the caller's rights again, as the
--     privileges step intends (server/db_privileges.c): they read no table.
--   * aixin.enrollment_problem is IMMUTABLE (no format() or to_char(),
--     which are only STABLE), so the privileges step leaves it inlinable.
--   * aixin.import_row_check is import_row_problem with the date of today
--     as an argument, IMMUTABLE for the same reason; import_row_problem
--     stays (same signature) and calls it, so the rule is written once.
--   * aixin.import_judge reads today once per batch and calls the checks
--     on plain columns (a check that reads a computed argument several
--     times is not inlined).

-- ---------------------------------------------------------------------------
-- IMMUTABLE functions with the caller's rights and settings.
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
-- The ID number helpers, cheaper (same answers for every input).  Each
-- import row checks two ID numbers in the judging query and again in the
-- CHECK constraints of guardians and children.
-- ---------------------------------------------------------------------------

-- As in 0001, one expression instead of a loop of 17 statements.
CREATE OR REPLACE FUNCTION aixin.id_check_char(p_digits17 text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  b bytea;
BEGIN
  IF p_digits17 !~ '^[0-9]{17}$' THEN
    RETURN NULL;
  END IF;
  b := convert_to(p_digits17, 'SQL_ASCII');
  -- ISO 7064 MOD 11-2 weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
  RETURN substr('10X98765432',
                ((get_byte(b, 0) - 48) * 7 + (get_byte(b, 1) - 48) * 9
                 + (get_byte(b, 2) - 48) * 10 + (get_byte(b, 3) - 48) * 5
                 + (get_byte(b, 4) - 48) * 8 + (get_byte(b, 5) - 48) * 4
                 + (get_byte(b, 6) - 48) * 2 + (get_byte(b, 7) - 48) * 1
                 + (get_byte(b, 8) - 48) * 6 + (get_byte(b, 9) - 48) * 3
                 + (get_byte(b, 10) - 48) * 7 + (get_byte(b, 11) - 48) * 9
                 + (get_byte(b, 12) - 48) * 10 + (get_byte(b, 13) - 48) * 5
                 + (get_byte(b, 14) - 48) * 8 + (get_byte(b, 15) - 48) * 4
                 + (get_byte(b, 16) - 48) * 2) % 11 + 1, 1);
END;
$$;

-- As in 0009 (a province of GB/T 2260 first); PL/pgSQL evaluates the one
-- expression without starting an executor per call, as a SQL function that
-- cannot be inlined (STRICT over a body that is not) does.
CREATE OR REPLACE FUNCTION aixin.id_number_valid(p_id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN p_id ~ '^[0-9]{17}[0-9X]$'
     AND left(p_id, 2) ~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])$'
     AND aixin.id_check_char(left(p_id, 17)) = substr(p_id, 18, 1)
     AND aixin.id_birth_date(p_id) IS NOT NULL;
END;
$$;

-- As in 0001, not STRICT (NULL answers NULL all the same), so inlined.
CREATE OR REPLACE FUNCTION aixin.id_sex(p_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN p_id IS NULL OR p_id !~ '^[0-9]{17}' THEN NULL
           WHEN (ascii(substr(p_id, 17, 1)) - 48) % 2 = 1 THEN 'M'
           ELSE 'F'
         END
$$;

-- ---------------------------------------------------------------------------
-- The rules, inlinable.
-- ---------------------------------------------------------------------------

-- As in 0010, word for word: format('%s', x) is coalesce(x::text, ''),
-- to_char(d, 'YYYY-MM-DD') is aixin.ymd(d) (years 1000-9999), and the age
-- is taken between the two dates as timestamps without time zone.
CREATE OR REPLACE FUNCTION aixin.enrollment_problem(p_year int, p_reference_date date,
                                                    p_already_enrolled boolean, p_county text,
                                                    p_has_terms boolean, p_born date)
RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_reference_date IS NULL
      THEN ARRAY['AXN01', 'policy_year',
                 'policy year ' || coalesce(p_year::text, '') || ' not found']
    WHEN p_already_enrolled
      THEN ARRAY['AXE01', 'child_id_number',
                 'child already enrolled for ' || coalesce(p_year::text, '')]
    WHEN NOT p_has_terms
      THEN ARRAY['AXR01', 'policy_year',
                 'county ' || coalesce(p_county, '') || ' has no share and insurer set for '
                   || coalesce(p_year::text, '')]
    WHEN p_born > p_reference_date
      THEN ARRAY['AXR01', 'child_id_number',
                 'child is not yet born on ' || aixin.ymd(p_reference_date)]
    WHEN extract(year FROM age(p_reference_date::timestamp, p_born::timestamp)) >= 7
      THEN ARRAY['AXR01', 'child_id_number',
                 'child is 7 or older on ' || aixin.ymd(p_reference_date) || ' (age '
                   || extract(year FROM age(p_reference_date::timestamp,
                                            p_born::timestamp))::int::text
                   || '); only ages 0-6 are covered']
  END
$$;

COMMENT ON FUNCTION aixin.enrollment_problem(int, date, boolean, text, boolean, date) IS
  'Why a child cannot be enrolled for a year (SQLSTATE, field, message), or NULL';

-- import_row_problem of 0010, with today given.
CREATE FUNCTION aixin.import_row_check(p_township_code text, p_township_found boolean,
                                       p_in_scope boolean, p_kind text, p_certificate_no text,
                                       p_guardian_id_valid boolean, p_guardian_name text,
                                       p_child_id_valid boolean, p_child_name text,
                                       p_child_sex text, p_child_birth_date date,
                                       p_sex_of_id text, p_born_of_id date, p_today date)
RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN NOT p_township_found
      THEN ARRAY['AXN01', 'township_code',
                 'township ' || coalesce(p_township_code, '') || ' not found']
    WHEN NOT p_in_scope
      THEN ARRAY['AXP01', 'township_code',
                 'township ' || coalesce(p_township_code, '') || ' is outside your division']
    WHEN p_kind IS NULL OR p_kind NOT IN ('only_child', 'two_daughters')
      THEN ARRAY['AXB01', 'household_kind', 'household kind must be only_child or two_daughters']
    WHEN p_certificate_no IS NULL OR p_certificate_no !~ '^[!-~]{1,32}$'
      THEN ARRAY['AXB01', 'certificate_no',
                 'certificate number must be 1-32 printable ASCII characters without spaces']
    WHEN NOT coalesce(p_guardian_id_valid, false)
      THEN ARRAY['AXB01', 'guardian.id_number', 'invalid ID number']
    WHEN NOT aixin.label_ok(p_guardian_name, 64)
      THEN ARRAY['AXB01', 'guardian.name',
                 'name must be 1-64 characters, without control characters or surrounding spaces']
    WHEN NOT coalesce(p_child_id_valid, false)
      THEN ARRAY['AXB01', 'child_id_number', 'invalid ID number']
    WHEN NOT aixin.label_ok(p_child_name, 64)
      THEN ARRAY['AXB01', 'child_name',
                 'name must be 1-64 characters, without control characters or surrounding spaces']
    WHEN nullif(p_child_sex, '') IS NOT NULL AND upper(p_child_sex) <> p_sex_of_id
      THEN ARRAY['AXB01', 'child_sex', 'sex does not agree with the ID number']
    WHEN p_child_birth_date IS NOT NULL AND p_child_birth_date <> p_born_of_id
      THEN ARRAY['AXB01', 'child_birth_date', 'birth date does not agree with the ID number']
    WHEN p_born_of_id > p_today
      THEN ARRAY['AXB01', 'child_id_number', 'the birth date in the ID number is in the future']
  END
$$;

COMMENT ON FUNCTION aixin.import_row_check(text, boolean, boolean, text, text, boolean, text,
                                           boolean, text, text, date, text, date, date) IS
  'Why an import row is refused before its household is looked at, or NULL (today given)';

CREATE OR REPLACE FUNCTION aixin.import_row_problem(p_township_code text, p_township_found boolean,
                                                    p_in_scope boolean, p_kind text,
                                                    p_certificate_no text,
                                                    p_guardian_id_valid boolean,
                                                    p_guardian_name text,
                                                    p_child_id_valid boolean, p_child_name text,
                                                    p_child_sex text, p_child_birth_date date,
                                                    p_sex_of_id text, p_born_of_id date)
RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT aixin.import_row_check(p_township_code, p_township_found, p_in_scope, p_kind,
                                p_certificate_no, p_guardian_id_valid, p_guardian_name,
                                p_child_id_valid, p_child_name, p_child_sex, p_child_birth_date,
                                p_sex_of_id, p_born_of_id, aixin.local_today())
$$;

-- ---------------------------------------------------------------------------
-- The judging query, with the checks inlined.
-- ---------------------------------------------------------------------------

-- As in 0010; today is read once per call and the ID checks are computed
-- once per row (the lateral subquery is kept whole).
CREATE OR REPLACE FUNCTION aixin.import_judge(p_actor bigint, p_scope text, p_rows aixin.import_row[])
RETURNS aixin.import_judged[]
LANGUAGE plpgsql
-- One plan per session for every batch size (see import_enrollments_bulk).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  today date := aixin.local_today();
BEGIN
  RETURN (
  SELECT array_agg(ROW(
           x.ord, x.key, x.line, x.policy_year, x.township_code, x.county_code, x.kind,
           x.certificate_no, x.gid, x.guardian_name, x.cid, x.child_name, x.request_hash,
           x.problem, x.prior,
           CASE WHEN x.problem IS NULL AND x.prior IS NULL
                THEN coalesce(x.h_id, nextval('aixin.households_id_seq'::regclass)) END,
           CASE WHEN x.problem IS NULL AND x.prior IS NULL THEN x.h_id IS NULL END,
           CASE WHEN x.problem IS NULL AND x.prior IS NULL
                THEN coalesce(x.c_id, nextval('aixin.children_id_seq'::regclass)) END,
           CASE WHEN x.problem IS NULL AND x.prior IS NULL THEN x.c_id IS NULL END,
           x.born,
           CASE WHEN x.problem IS NULL AND x.prior IS NULL
                THEN nextval('aixin.policies_id_seq'::regclass) END,
           x.terms_frozen, x.premium_fen, x.city_subsidy_fen, x.county_share_fen,
           x.insurer_id, x.insurer_code)::aixin.import_judged ORDER BY x.ord)
    FROM (
      SELECT r.ord, r.key, r.line, r.policy_year, r.township_code, d.county_code, r.kind,
             r.certificate_no, v.gid, r.guardian_name, v.cid, r.child_name, v.request_hash,
             CASE
               WHEN r.key IS NULL OR length(r.key) <> 16
                 THEN ARRAY['AXB01', 'idempotency_key', 'idempotency key must be 16 bytes']
               WHEN k.key IS NOT NULL
                    AND (k.account_id <> p_actor OR k.operation <> 'import.enrollment'
                         OR k.request_hash <> v.request_hash)
                 THEN ARRAY['AXK01', 'idempotency_key',
                            'idempotency key reused with a different request']
               WHEN k.key IS NOT NULL AND k.result IS NULL
                 THEN ARRAY['AXK01', 'idempotency_key', 'idempotency key has no recorded result']
               WHEN k.key IS NOT NULL THEN NULL
               ELSE coalesce(
                 aixin.import_row_check(r.township_code, coalesce(d.level = 'township', false),
                                          coalesce(d.code = p_scope OR d.county_code = p_scope
                                                   OR d.city_code = p_scope, false),
                                          r.kind, r.certificate_no, v.gid_valid, r.guardian_name,
                                          v.cid_valid, r.child_name, r.child_sex,
                                          r.child_birth_date, v.sex, v.born, today),
                 -- The household of the certificate: same township, kind and
                 -- guardian; or none, and then the guardian in no household.
                 CASE
                   WHEN h.id IS NOT NULL
                        AND (h.township_code <> r.township_code OR h.kind <> r.kind
                             OR g.household_id IS DISTINCT FROM h.id)
                     THEN ARRAY['AXR01', 'certificate_no',
                                format('certificate %s belongs to another household',
                                       r.certificate_no)]
                   WHEN h.id IS NULL AND g.household_id IS NOT NULL
                     THEN ARRAY['AXE01', 'guardian.id_number',
                                'the guardian is already in a household with another certificate']
                 END,
                 -- The child: of this household under this name, or new and
                 -- allowed by the household's kind (as children_rules).
                 CASE
                   WHEN c.id IS NOT NULL AND c.household_id IS DISTINCT FROM h.id
                     THEN ARRAY['AXR01', 'child_id_number', 'this child belongs to another household']
                   WHEN c.id IS NOT NULL AND c.name <> r.child_name
                     THEN ARRAY['AXB01', 'child_name', 'the child is registered under another name']
                   WHEN c.id IS NULL AND r.kind = 'only_child' AND s.siblings >= 1
                     THEN ARRAY['AXR01', 'child_id_number',
                                'an only-child household has at most one child']
                   WHEN c.id IS NULL AND r.kind = 'two_daughters' AND v.sex <> 'F'
                     THEN ARRAY['AXR01', 'child_sex',
                                'a two-daughter household registers daughters only']
                   WHEN c.id IS NULL AND r.kind = 'two_daughters' AND s.siblings >= 2
                     THEN ARRAY['AXR01', 'child_id_number',
                                'a two-daughter household has at most two children']
                 END,
                 aixin.enrollment_problem(r.policy_year, y.reference_date, p.id IS NOT NULL,
                                          d.county_code, t.county_code IS NOT NULL, v.born))
             END AS problem,
             CASE WHEN length(r.key) = 16 AND k.account_id = p_actor
                       AND k.operation = 'import.enrollment'
                       AND k.request_hash = v.request_hash
                  THEN k.result END AS prior,
             h.id AS h_id, c.id AS c_id, v.born,
             y.frozen AND t.frozen AS terms_frozen, y.premium_fen, y.city_subsidy_fen,
             t.county_share_fen, t.insurer_id, i.code AS insurer_code
        FROM unnest(p_rows) r
        -- Each ID check once per row; the request hash of aixin.idem_claim
        -- over the row's fields as sent.
        CROSS JOIN LATERAL (
          SELECT u.gid, u.cid, aixin.id_number_valid(u.gid) AS gid_valid,
                 aixin.id_number_valid(u.cid) AS cid_valid,
                 aixin.id_birth_date(u.cid) AS born, aixin.id_sex(u.cid) AS sex,
                 sha256(convert_to(jsonb_build_array('import.enrollment',
                   jsonb_build_array(r.policy_year, r.township_code, r.kind, r.certificate_no,
                                     r.guardian_id, r.guardian_name, r.child_id, r.child_name,
                                     r.child_sex, r.child_birth_date))::text, 'UTF8'))
                   AS request_hash
            FROM (SELECT upper(r.guardian_id) AS gid, upper(r.child_id) AS cid) u
          -- Not flattened: each check once, and plain columns for the
          -- inlined rules to read as often as they need.
          OFFSET 0
        ) v
        LEFT JOIN aixin.idempotency_keys k ON k.key = r.key
        LEFT JOIN aixin.divisions d ON d.code = r.township_code
        LEFT JOIN aixin.households h ON h.certificate_no = r.certificate_no
        LEFT JOIN aixin.guardians g ON g.id_number = v.gid
        LEFT JOIN aixin.children c ON c.id_number = v.cid
        LEFT JOIN LATERAL (SELECT count(*) AS siblings FROM aixin.children sc
                            WHERE sc.household_id = h.id AND c.id IS NULL) s ON true
        LEFT JOIN aixin.policy_years y ON y.year = r.policy_year
        LEFT JOIN aixin.county_terms t
               ON t.county_code = d.county_code AND t.policy_year = r.policy_year
        LEFT JOIN aixin.insurers i ON i.id = t.insurer_id
        LEFT JOIN aixin.policies p ON p.child_id = c.id AND p.policy_year = r.policy_year
      -- Not flattened: the outer query reads problem and prior many times.
      OFFSET 0
    ) x);
END;
$$;


-- ---------------------------------------------------------------------------
-- The report summary: the households of a statement locked by index.
-- ---------------------------------------------------------------------------

-- As in 0007, but the households of the statement's rows are looked up as
-- an array (an index scan) rather than as a join, which the planner made a
-- pass over every household for each statement: a cost that grew with the
-- register, paid by every enrollment and every import batch.
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


-- ---------------------------------------------------------------------------
-- The policy rules once per statement.
-- ---------------------------------------------------------------------------

-- policies_rules (0010) ran for every inserted policy: four lookups and
-- the freeze test per row, paid again by every row of an import batch whose
-- split was already taken from the frozen terms.  Now:
--   * policies_rules: BEFORE UPDATE, per row, as before (nothing of a
--     policy changes);
--   * policies_rules_fill: BEFORE INSERT, per row, only for a row written
--     without its premium or split (policies_rules fills them from the
--     terms and checks the row, as before);
--   * policies_rules_set: AFTER INSERT, once per statement, over the
--     statement's rows: freezes the terms they use and checks every row
--     (premium, age, county terms, split, insurer) in one query.
-- Same checks, codes, fields and messages as policies_rules; a statement
-- with several bad rows reports the first row (by id).  Foreign keys are
-- checked before the statement's rules now (a row that breaks both reports
-- the foreign key).
CREATE FUNCTION aixin.policies_rules_set() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  f record;
  bad text[];
BEGIN
  -- The first policies of a year or county-year freeze their terms; the
  -- UPDATE waits for a change of the terms in flight, and the check below
  -- (a new snapshot) reads what holds then.
  FOR f IN
    SELECT DISTINCT n.policy_year, d.county_code
      FROM new_policies n
      JOIN aixin.policy_years y ON y.year = n.policy_year
      LEFT JOIN aixin.divisions d ON d.code = n.township_code
      LEFT JOIN aixin.county_terms t
             ON t.county_code = d.county_code AND t.policy_year = n.policy_year
     WHERE NOT y.frozen OR NOT t.frozen
     ORDER BY 1, 2
  LOOP
    PERFORM aixin.terms_freeze(f.policy_year, f.county_code);
  END LOOP;

  -- Rows whose year, child or township does not exist are left to the
  -- foreign keys, as policies_rules did.  The child is read by a subquery
  -- per row: an index lookup, whatever the size of the register.
  SELECT x.problem INTO bad
    FROM (
      SELECT n.id,
             CASE
               WHEN n.premium_fen <> y.premium_fen
                 THEN ARRAY['AXB01', 'premium_fen',
                            format('the premium of a %s policy is %s fen', y.year, y.premium_fen)]
               WHEN n.born IS NULL THEN NULL
               ELSE coalesce(
                 aixin.enrollment_problem(y.year, y.reference_date, false, d.county_code, true,
                                          n.born),
                 CASE
                   WHEN d.county_code IS NULL THEN NULL
                   WHEN t.county_code IS NULL
                     THEN ARRAY['AXR01', 'policy_year',
                                format('county %s has no share and insurer set for %s',
                                       d.county_code, y.year)]
                   WHEN n.city_share_fen IS DISTINCT FROM y.city_subsidy_fen
                     THEN ARRAY['AXB01', 'city_share_fen',
                                format('the city share of a %s policy is %s fen',
                                       y.year, y.city_subsidy_fen)]
                   WHEN n.county_share_fen IS DISTINCT FROM t.county_share_fen
                     THEN ARRAY['AXB01', 'county_share_fen',
                                format('the county share of a %s policy in county %s is %s fen',
                                       y.year, d.county_code, t.county_share_fen)]
                   WHEN n.township_share_fen IS DISTINCT FROM
                        y.premium_fen - y.city_subsidy_fen - t.county_share_fen
                     THEN ARRAY['AXB01', 'township_share_fen',
                                format('the township share of a %s policy in county %s is %s fen',
                                       y.year, d.county_code,
                                       y.premium_fen - y.city_subsidy_fen - t.county_share_fen)]
                   WHEN n.insurer_id IS DISTINCT FROM t.insurer_id
                     THEN ARRAY['AXB01', 'insurer_code',
                                format('the insurer of county %s in %s is insurer %s',
                                       d.county_code, y.year, t.insurer_id)]
                 END)
             END AS problem
        FROM (SELECT p.*, (SELECT c.birth_date FROM aixin.children c WHERE c.id = p.child_id)
                            AS born
                FROM new_policies p
              OFFSET 0) n
        JOIN aixin.policy_years y ON y.year = n.policy_year
        LEFT JOIN aixin.divisions d ON d.code = n.township_code
        LEFT JOIN aixin.county_terms t
               ON t.county_code = d.county_code AND t.policy_year = n.policy_year
    ) x
   WHERE x.problem IS NOT NULL
   ORDER BY x.id
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = bad[1], COLUMN = bad[2], MESSAGE = bad[3];
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER policies_rules ON aixin.policies;
CREATE TRIGGER policies_rules
  BEFORE UPDATE ON aixin.policies
  FOR EACH ROW EXECUTE FUNCTION aixin.policies_rules();
CREATE TRIGGER policies_rules_fill
  BEFORE INSERT ON aixin.policies
  FOR EACH ROW
  WHEN (NEW.premium_fen IS NULL OR NEW.city_share_fen IS NULL OR NEW.county_share_fen IS NULL
        OR NEW.township_share_fen IS NULL OR NEW.insurer_id IS NULL)
  EXECUTE FUNCTION aixin.policies_rules();
CREATE TRIGGER policies_rules_set
  AFTER INSERT ON aixin.policies
  REFERENCING NEW TABLE AS new_policies
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.policies_rules_set();

-- ---------------------------------------------------------------------------
-- The household composition rules once per statement on insert.
-- ---------------------------------------------------------------------------

-- children_rules (0001) locked the household and counted its children for
-- every inserted child.  On insert it now runs once per statement: the
-- statement's households are locked (by index, in id order, so that two
-- statements cannot deadlock on them), then each new child is judged with
-- the siblings it would have met inserted alone in id order (the children
-- of the household but itself and the statement's later rows).  Same
-- codes, fields and messages; the first bad row (by id) is reported.  A
-- change of household or sex (UPDATE) is checked row by row, as before.
CREATE FUNCTION aixin.children_rules_set() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad text[];
BEGIN
  PERFORM 1 FROM aixin.households h
   WHERE h.id = ANY (ARRAY(SELECT n.household_id FROM new_children n))
   ORDER BY h.id
     FOR NO KEY UPDATE;
  SELECT x.problem INTO bad
    FROM (
      SELECT w.id,
             CASE
               WHEN w.kind = 'only_child' AND w.siblings >= 1
                 THEN ARRAY['AXR01', 'household_id', 'an only-child household has at most one child']
               WHEN w.kind = 'two_daughters' AND w.sex <> 'F'
                 THEN ARRAY['AXR01', 'sex', 'a two-daughter household registers daughters only']
               WHEN w.kind = 'two_daughters' AND w.siblings >= 2
                 THEN ARRAY['AXR01', 'household_id',
                            'a two-daughter household has at most two children']
             END AS problem
        FROM (
          SELECT n.id, n.sex,
                 (SELECT h.kind FROM aixin.households h WHERE h.id = n.household_id) AS kind,
                 (SELECT count(*) FROM aixin.children c WHERE c.household_id = n.household_id)
                   - 1
                   - (count(*) OVER (PARTITION BY n.household_id)
                      - row_number() OVER (PARTITION BY n.household_id ORDER BY n.id))
                   AS siblings
            FROM new_children n
        ) w
    ) x
   WHERE x.problem IS NOT NULL
   ORDER BY x.id
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = bad[1], COLUMN = bad[2], MESSAGE = bad[3];
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER children_rules ON aixin.children;
CREATE TRIGGER children_rules
  BEFORE UPDATE OF household_id, sex ON aixin.children
  FOR EACH ROW EXECUTE FUNCTION aixin.children_rules();
CREATE TRIGGER children_rules_set
  AFTER INSERT ON aixin.children
  REFERENCING NEW TABLE AS new_children
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.children_rules_set();

-- ---------------------------------------------------------------------------
-- The audit chain in 64 strands.
-- ---------------------------------------------------------------------------

-- 0009 chained every audit row to the one before under one lock held from
-- the insert to the end of the commit: audited transactions committed one
-- at a time, each waiting for the one before to reach the disk (measured:
-- 115-190 audited single-row transactions a second with 16 sessions,
-- against 3,600 for the same insert into a plain table).  Now a row is
-- chained to the row before in its strand: the strand of the writing
-- session (backend pid mod 64), each strand a chain of its own with its own
-- lock, so that sessions of different strands commit together.
--   chain_seq   one order over all rows (a sequence, taken under the
--               strand's lock: it grows along every strand);
--   chain_strand, chain_pos   the strand and the row's place in it
--               (1, 2, 3, ... without gaps);
--   prev_hash   the row_hash of the row before in the strand;
--   row_hash    as before: sha256(prev_hash || aixin.audit_row_text(...)).
-- The rows written before this migration are strand 0, positions = their
-- chain_seq, their hashes unchanged; strand 0 goes on from its last row.
-- aixin.audit_verify walks all rows in chain_seq order, each strand
-- checked for gaps, links and content, and names the first row (by
-- chain_seq) that does not match, as before.

ALTER TABLE aixin.audit_log
  ADD COLUMN chain_strand smallint,
  ADD COLUMN chain_pos bigint;

ALTER TABLE aixin.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE aixin.audit_log SET chain_strand = 0, chain_pos = chain_seq;
ALTER TABLE aixin.audit_log ENABLE TRIGGER audit_log_no_update_delete;

ALTER TABLE aixin.audit_log
  ALTER COLUMN chain_strand SET NOT NULL,
  ALTER COLUMN chain_pos SET NOT NULL,
  ADD CONSTRAINT audit_log_chain_strand CHECK (chain_strand BETWEEN 0 AND 63);
CREATE UNIQUE INDEX audit_log_strand_idx ON aixin.audit_log (chain_strand, chain_pos);

CREATE SEQUENCE aixin.audit_chain_seq;
SELECT setval('aixin.audit_chain_seq', coalesce(max(chain_seq), 0) + 1, false)
  FROM aixin.audit_log;

CREATE OR REPLACE FUNCTION aixin.audit_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  strand smallint := (pg_backend_pid() % 64)::smallint;
  last_pos bigint;
  last_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(74600015, strand);
  SELECT l.chain_pos, l.row_hash INTO last_pos, last_hash
    FROM aixin.audit_log l WHERE l.chain_strand = strand
   ORDER BY l.chain_pos DESC LIMIT 1;
  NEW.chain_strand := strand;
  NEW.chain_pos := coalesce(last_pos, 0) + 1;
  NEW.chain_seq := nextval('aixin.audit_chain_seq');
  NEW.prev_hash := coalesce(last_hash, '\x'::bytea);
  NEW.row_hash := sha256(NEW.prev_hash || aixin.audit_row_text(NEW.chain_seq, NEW.at,
                         NEW.account_id, NEW.request_id, NEW.idempotency_key, NEW.action,
                         NEW.target, NEW.detail));
  RETURN NEW;
END;
$$;

-- As in 0009, over the strands: same answer shape and problems.
CREATE OR REPLACE FUNCTION aixin.audit_verify(p_actor bigint)
RETURNS TABLE (rows_checked bigint, first_broken_seq bigint, first_broken_id bigint,
               problem text)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  r record;
  -- Per strand (index strand + 1): the last hash and position seen.
  h bytea[] := array_fill('\x'::bytea, ARRAY[64]);
  pos bigint[] := array_fill(0::bigint, ARRAY[64]);
  s int;
  n bigint := 0;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'auditor']);
  FOR r IN SELECT * FROM aixin.audit_log ORDER BY chain_seq LOOP
    n := n + 1;
    s := r.chain_strand + 1;
    IF s IS NULL OR s NOT BETWEEN 1 AND 64 OR r.chain_pos IS DISTINCT FROM pos[s] + 1 THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'a row is missing before this one';
      RETURN;
    END IF;
    IF r.prev_hash IS DISTINCT FROM h[s] THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'the link to the row before does not match';
      RETURN;
    END IF;
    h[s] := sha256(h[s] || aixin.audit_row_text(r.chain_seq, r.at, r.account_id, r.request_id,
                                                r.idempotency_key, r.action, r.target, r.detail));
    IF r.row_hash IS DISTINCT FROM h[s] THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'the row was changed after it was written';
      RETURN;
    END IF;
    pos[s] := r.chain_pos;
  END LOOP;
  PERFORM aixin.audit(p_actor, NULL, NULL, 'audit.verify', NULL,
                      jsonb_build_object('rows', n));
  RETURN QUERY SELECT n, NULL::bigint, NULL::bigint, NULL::text;
END;
$$;

-- ---------------------------------------------------------------------------
-- Plans of the statement triggers that stay right as the register grows.
-- ---------------------------------------------------------------------------

-- A PL/pgSQL function keeps the plans of its queries for the session, and
-- a query without parameters is planned once, on the table sizes of that
-- moment: planned on a young register (a fresh daemon, an empty year),
-- "the households of these rows" became a pass over every household with
-- each of the rows compared, kept for the session, a cost growing with the
-- register on every statement.  These triggers only ever touch the rows
-- of one statement and what those rows name, so their plans are made with
-- index lookups and nested loops only, whatever the sizes.
ALTER FUNCTION aixin.report_policy_totals_apply()
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION aixin.policies_rules_set()
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION aixin.children_rules_set()
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
