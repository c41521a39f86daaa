-- Enrollment near the machine's limit: one set-based function applies a
-- whole ImportEnrollments batch (aixin.import_enrollments_bulk), the
-- per-row import is the same judging and writing on a batch of one, the
-- single enrollment (aixin.enroll) is one lean PL/pgSQL body, and the
-- funding ledger reads the report summary instead of the policies.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes, columns and messages are those of 0003/0004: a row refused
-- here is refused with the same code, field and reason as before.
--
-- Where the rules live
--   * aixin.import_row_problem: the checks of one import row that need no
--     table row of its own (township, scope, fields);
--   * aixin.import_judge: one query that judges rows sharing nothing
--     against the database (idempotency, household and child matching,
--     household composition, the two functions above);
--   * aixin.enrollment_problem: the enrollment rules (year open, child not
--     enrolled yet, county terms set, age 0-6 on the reference date);
--     shared by the import and by aixin.enroll;
--   * aixin.import_apply: judges such rows and writes the accepted ones,
--     one statement per table (keys, audit and the summary included);
--   * aixin.import_enrollments_bulk: orders a batch into waves of rows
--     that share nothing (no key, certificate, guardian or child), so that
--     the batch behaves as if its rows ran one after the other in order;
--   * aixin.import_enrollment: aixin.import_apply on one row, raising its
--     refusal (so a refused row leaves nothing, as before).
--
-- The freeze without share locks
--   An enrollment used to take FOR SHARE locks on its year and its county
--   terms, so that a concurrent change of the terms waited for it; every
--   enrollment thus wrote a lock (a MultiXact under concurrency) on two
--   shared rows.  Now policy_years.frozen and county_terms.frozen are set
--   once, by the first enrollment of the year or county-year, with an
--   UPDATE that conflicts with the row lock a change of the terms takes
--   (update_policy_year, set_county_terms); once frozen, enrollments read
--   the terms without a lock, and the guards refuse any change of frozen
--   terms.  Same promise, one write per year and county instead of one
--   per enrollment.

-- ---------------------------------------------------------------------------
-- Frozen flags.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.policy_years ADD COLUMN frozen boolean NOT NULL DEFAULT false;
ALTER TABLE aixin.county_terms ADD COLUMN frozen boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN aixin.policy_years.frozen IS
  'Set by the first enrollment of the year; the year''s terms never change afterwards';
COMMENT ON COLUMN aixin.county_terms.frozen IS
  'Set by the first enrollment of the county in the year; the terms never change afterwards';

-- As in 0003; the freeze itself (frozen false -> true, nothing else) is
-- not a change of the terms, and frozen terms refuse changes even when
-- their policies were deleted by hand.
CREATE OR REPLACE FUNCTION aixin.county_terms_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  n bigint;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.frozen AND NOT OLD.frozen
     AND (NEW.county_code, NEW.county_level, NEW.policy_year, NEW.county_share_fen,
          NEW.insurer_id, NEW.set_at, NEW.set_by)
         IS NOT DISTINCT FROM
         (OLD.county_code, OLD.county_level, OLD.policy_year, OLD.county_share_fen,
          OLD.insurer_id, OLD.set_at, OLD.set_by) THEN
    RETURN NEW;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF TG_OP = 'UPDATE' THEN
      IF NEW.county_code <> OLD.county_code OR NEW.policy_year <> OLD.policy_year THEN
        RAISE EXCEPTION 'the county and year of county terms cannot change'
          USING ERRCODE = 'AXB01', COLUMN = 'county_code';
      END IF;
    END IF;
    n := aixin.county_policies(OLD.county_code, OLD.policy_year);
    IF n > 0 OR OLD.frozen THEN
      RAISE EXCEPTION 'county % is frozen for %: % policies already enrolled',
          OLD.county_code, OLD.policy_year, n
        USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
    END IF;
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
  END IF;

  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year FOR SHARE;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;
  PERFORM aixin.check_county_share(yr, NEW.county_share_fen);
  RETURN NEW;
END;
$$;

-- As in 0003, plus: frozen terms never change (nor thaw).
CREATE OR REPLACE FUNCTION aixin.policy_years_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  ct aixin.county_terms;
BEGIN
  IF NEW.year = OLD.year AND NEW.reference_date = OLD.reference_date
     AND NEW.premium_fen = OLD.premium_fen AND NEW.city_subsidy_fen = OLD.city_subsidy_fen
     AND NEW.county_share_min_fen = OLD.county_share_min_fen
     AND NEW.county_share_max_fen = OLD.county_share_max_fen
     AND (NEW.frozen OR NOT OLD.frozen) THEN
    RETURN NEW;
  END IF;
  SELECT count(*) INTO n FROM aixin.policies p WHERE p.policy_year = OLD.year;
  IF n > 0 OR OLD.frozen THEN
    RAISE EXCEPTION 'policy year % is frozen: % policies already enrolled', OLD.year, n
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;

  SELECT * INTO ct FROM aixin.county_terms t
   WHERE t.policy_year = OLD.year
     AND (t.county_share_fen NOT BETWEEN NEW.county_share_min_fen AND NEW.county_share_max_fen
          OR NEW.premium_fen - NEW.city_subsidy_fen - t.county_share_fen < 0)
   ORDER BY t.county_code COLLATE "C"
   LIMIT 1;
  IF FOUND THEN
    IF ct.county_share_fen < NEW.county_share_min_fen THEN
      RAISE EXCEPTION 'county % has a share of % yuan in %, below the new minimum of % yuan',
          ct.county_code, aixin.yuan(ct.county_share_fen), OLD.year,
          aixin.yuan(NEW.county_share_min_fen)
        USING ERRCODE = 'AXR01', COLUMN = 'county_share_min_fen';
    ELSIF ct.county_share_fen > NEW.county_share_max_fen THEN
      RAISE EXCEPTION 'county % has a share of % yuan in %, above the new maximum of % yuan',
          ct.county_code, aixin.yuan(ct.county_share_fen), OLD.year,
          aixin.yuan(NEW.county_share_max_fen)
        USING ERRCODE = 'AXR01', COLUMN = 'county_share_max_fen';
    END IF;
    RAISE EXCEPTION 'township share in county % would be negative: premium % - city subsidy % - county share % = % yuan',
        ct.county_code, aixin.yuan(NEW.premium_fen), aixin.yuan(NEW.city_subsidy_fen),
        aixin.yuan(ct.county_share_fen),
        aixin.yuan(NEW.premium_fen - NEW.city_subsidy_fen - ct.county_share_fen)
      USING ERRCODE = 'AXR01',
            COLUMN = CASE WHEN NEW.city_subsidy_fen > OLD.city_subsidy_fen
                          THEN 'city_subsidy_fen' ELSE 'premium_fen' END;
  END IF;
  RETURN NEW;
END;
$$;

-- Terms already in use are frozen now.
UPDATE aixin.policy_years y SET frozen = true
 WHERE EXISTS (SELECT 1 FROM aixin.policies p WHERE p.policy_year = y.year);
UPDATE aixin.county_terms t SET frozen = true
 WHERE aixin.county_policies(t.county_code, t.policy_year) > 0;

-- Freeze the terms of a year and of a county in it (no-op once frozen).
-- The UPDATE waits for a change of the terms in flight and then sees it,
-- so the caller reads the terms after this and copies what holds.
CREATE FUNCTION aixin.terms_freeze(p_year int, p_county text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE aixin.policy_years y SET frozen = true WHERE y.year = p_year AND NOT y.frozen;
  UPDATE aixin.county_terms t SET frozen = true
   WHERE t.county_code = p_county AND t.policy_year = p_year AND NOT t.frozen;
END;
$$;

-- As in 0003 (eligibility, premium, split, nothing of a policy changes),
-- without share locks: the terms are frozen (once) before they are read.
CREATE OR REPLACE FUNCTION aixin.policies_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  ct aixin.county_terms;
  has_terms boolean;
  county text;
  born date;
  age_years int;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.policy_year <> OLD.policy_year OR NEW.child_id <> OLD.child_id
       OR NEW.premium_fen <> OLD.premium_fen THEN
      RAISE EXCEPTION 'the year, child and premium of policy % cannot change', OLD.id
        USING ERRCODE = 'AXB01', COLUMN = 'policy_year';
    END IF;
    IF NEW.city_share_fen IS DISTINCT FROM OLD.city_share_fen
       OR NEW.county_share_fen IS DISTINCT FROM OLD.county_share_fen
       OR NEW.township_share_fen IS DISTINCT FROM OLD.township_share_fen
       OR NEW.insurer_id IS DISTINCT FROM OLD.insurer_id THEN
      RAISE EXCEPTION 'the premium split and insurer of policy % are frozen at enrollment', OLD.id
        USING ERRCODE = 'AXR01', COLUMN = 'premium_fen';
    END IF;
    RETURN NEW;
  END IF;

  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;
  SELECT d.county_code INTO county FROM aixin.divisions d WHERE d.code = NEW.township_code;
  SELECT * INTO ct FROM aixin.county_terms t
   WHERE t.county_code = county AND t.policy_year = yr.year;
  has_terms := FOUND;
  IF NOT yr.frozen OR (has_terms AND NOT ct.frozen) THEN
    PERFORM aixin.terms_freeze(yr.year, county);
    SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year;
    SELECT * INTO ct FROM aixin.county_terms t
     WHERE t.county_code = county AND t.policy_year = yr.year;
    has_terms := FOUND;
  END IF;

  IF NEW.premium_fen IS NULL THEN
    NEW.premium_fen := yr.premium_fen;
  ELSIF NEW.premium_fen <> yr.premium_fen THEN
    RAISE EXCEPTION 'the premium of a % policy is % fen', yr.year, yr.premium_fen
      USING ERRCODE = 'AXB01', COLUMN = 'premium_fen';
  END IF;

  SELECT c.birth_date INTO born FROM aixin.children c WHERE c.id = NEW.child_id;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;
  IF born > yr.reference_date THEN
    RAISE EXCEPTION 'child is not yet born on %', to_char(yr.reference_date, 'YYYY-MM-DD')
      USING ERRCODE = 'AXR01', COLUMN = 'child_id_number';
  END IF;
  age_years := extract(year FROM age(yr.reference_date, born))::int;
  IF age_years >= 7 THEN
    RAISE EXCEPTION 'child is 7 or older on % (age %); only ages 0-6 are covered',
        to_char(yr.reference_date, 'YYYY-MM-DD'), age_years
      USING ERRCODE = 'AXR01', COLUMN = 'child_id_number';
  END IF;

  IF county IS NULL THEN
    RETURN NEW;  -- the foreign keys report it
  END IF;
  IF NOT has_terms THEN
    RAISE EXCEPTION 'county % has no share and insurer set for %', county, yr.year
      USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
  END IF;
  IF NEW.city_share_fen IS NULL AND NEW.county_share_fen IS NULL
     AND NEW.township_share_fen IS NULL AND NEW.insurer_id IS NULL THEN
    NEW.city_share_fen := yr.city_subsidy_fen;
    NEW.county_share_fen := ct.county_share_fen;
    NEW.township_share_fen := yr.premium_fen - yr.city_subsidy_fen - ct.county_share_fen;
    NEW.insurer_id := ct.insurer_id;
  ELSIF NEW.city_share_fen IS DISTINCT FROM yr.city_subsidy_fen THEN
    RAISE EXCEPTION 'the city share of a % policy is % fen', yr.year, yr.city_subsidy_fen
      USING ERRCODE = 'AXB01', COLUMN = 'city_share_fen';
  ELSIF NEW.county_share_fen IS DISTINCT FROM ct.county_share_fen THEN
    RAISE EXCEPTION 'the county share of a % policy in county % is % fen',
        yr.year, county, ct.county_share_fen
      USING ERRCODE = 'AXB01', COLUMN = 'county_share_fen';
  ELSIF NEW.township_share_fen IS DISTINCT FROM
        yr.premium_fen - yr.city_subsidy_fen - ct.county_share_fen THEN
    RAISE EXCEPTION 'the township share of a % policy in county % is % fen',
        yr.year, county, yr.premium_fen - yr.city_subsidy_fen - ct.county_share_fen
      USING ERRCODE = 'AXB01', COLUMN = 'township_share_fen';
  ELSIF NEW.insurer_id IS DISTINCT FROM ct.insurer_id THEN
    RAISE EXCEPTION 'the insurer of county % in % is insurer %', county, yr.year, ct.insurer_id
      USING ERRCODE = 'AXB01', COLUMN = 'insurer_code';
  END IF;
  RETURN NEW;
END;
$$;

-- ---------------------------------------------------------------------------
-- The rules, as expressions (inlined into the queries that use them).
-- A problem is {SQLSTATE, field, message}, or NULL when there is none.
-- ---------------------------------------------------------------------------

-- The enrollment rules, in the order they were always checked: the year is
-- open, the child has no policy of the year, the county has terms for the
-- year, the child is born on the reference date and not yet 7.
CREATE FUNCTION aixin.enrollment_problem(p_year int, p_reference_date date,
                                         p_already_enrolled boolean, p_county text,
                                         p_has_terms boolean, p_born date)
RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_reference_date IS NULL
      THEN ARRAY['AXN01', 'policy_year', format('policy year %s not found', p_year)]
    WHEN p_already_enrolled
      THEN ARRAY['AXE01', 'child_id_number', format('child already enrolled for %s', p_year)]
    WHEN NOT p_has_terms
      THEN ARRAY['AXR01', 'policy_year',
                 format('county %s has no share and insurer set for %s', p_county, p_year)]
    WHEN p_born > p_reference_date
      THEN ARRAY['AXR01', 'child_id_number',
                 format('child is not yet born on %s', to_char(p_reference_date, 'YYYY-MM-DD'))]
    WHEN extract(year FROM age(p_reference_date, p_born)) >= 7
      THEN ARRAY['AXR01', 'child_id_number',
                 format('child is 7 or older on %s (age %s); only ages 0-6 are covered',
                        to_char(p_reference_date, 'YYYY-MM-DD'),
                        extract(year FROM age(p_reference_date, p_born))::int)]
  END
$$;

COMMENT ON FUNCTION aixin.enrollment_problem(int, date, boolean, text, boolean, date) IS
  'Why a child cannot be enrolled for a year (SQLSTATE, field, message), or NULL';

-- The checks of an import row before any household or child is looked at:
-- the township (found, a township, in the actor's scope), then the fields
-- (kind, certificate, guardian, child, sex and birth date against the ID).
-- The ID checks come computed (aixin.id_number_valid of the upper-cased
-- IDs, the child's birth date and sex from its ID), so that the caller
-- pays for each once per row.
CREATE FUNCTION aixin.import_row_problem(p_township_code text, p_township_found boolean,
                                         p_in_scope boolean, p_kind text, p_certificate_no text,
                                         p_guardian_id_valid boolean, p_guardian_name text,
                                         p_child_id_valid boolean, p_child_name text,
                                         p_child_sex text, p_child_birth_date date,
                                         p_sex_of_id text, p_born_of_id date)
RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN NOT p_township_found
      THEN ARRAY['AXN01', 'township_code', format('township %s not found', p_township_code)]
    WHEN NOT p_in_scope
      THEN ARRAY['AXP01', 'township_code',
                 format('township %s is outside your division', p_township_code)]
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
    WHEN p_born_of_id > aixin.local_today()
      THEN ARRAY['AXB01', 'child_id_number', 'the birth date in the ID number is in the future']
  END
$$;

COMMENT ON FUNCTION aixin.import_row_problem(text, boolean, boolean, text, text, boolean, text,
                                             boolean, text, text, date, text, date) IS
  'Why an import row is refused before its household is looked at, or NULL';

-- ---------------------------------------------------------------------------
-- The import, set-wise.
-- ---------------------------------------------------------------------------

-- One row of a batch as sent (ord = its position in the batch, from 1).
CREATE TYPE aixin.import_row AS (
  ord               int,
  key               bytea,
  line              int,
  policy_year       int,
  township_code     text,
  kind              text,
  certificate_no    text,
  guardian_id       text,
  guardian_name     text,
  child_id          text,
  child_name        text,
  child_sex         text,
  child_birth_date  date
);

-- A row after its checks: refused (problem), a replay (prior = the stored
-- answer), or accepted, with the ids it gets (drawn from the sequences
-- for what is new) and the terms it copies.
CREATE TYPE aixin.import_judged AS (
  ord                int,
  key                bytea,
  line               int,
  policy_year        int,
  township_code      text,
  county_code        text,
  kind               text,
  certificate_no     text,
  guardian_id        text,
  guardian_name      text,
  child_id           text,
  child_name         text,
  request_hash       bytea,
  problem            text[],
  prior              jsonb,
  household_id       bigint,
  household_created  boolean,
  child_row_id       bigint,
  child_created      boolean,
  born               date,
  policy_id          bigint,
  terms_frozen       boolean,
  premium_fen        bigint,
  city_share_fen     bigint,
  county_share_fen   bigint,
  insurer_id         bigint,
  insurer_code       text
);

-- What became of a row: its refusal, or its policy as aixin.policy_row
-- fields and the flags.
CREATE TYPE aixin.import_outcome AS (
  ord                int,
  problem            text[],
  replayed           boolean,
  household_created  boolean,
  child_created      boolean,
  policy_id          bigint,
  policy_year        int,
  child_row_id       bigint,
  child_id_number    text,
  child_name         text,
  household_id       bigint,
  township_code      text,
  premium_fen        bigint,
  enrolled_at        bigint,
  city_share_fen     bigint,
  county_share_fen   bigint,
  township_share_fen bigint,
  insurer_code       text
);

-- Judge rows that share no key, certificate, guardian or child, each
-- against the database as it is, exactly as it would be judged alone.
-- Accepted rows get their ids here (nextval), so that the writes need no
-- join back.  Reads only (but for the sequences).
CREATE FUNCTION aixin.import_judge(p_actor bigint, p_scope text, p_rows aixin.import_row[])
RETURNS aixin.import_judged[]
LANGUAGE plpgsql
-- One plan per session for every batch size (see import_enrollments_bulk).
SET plan_cache_mode = force_generic_plan
AS $$
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
                 aixin.import_row_problem(r.township_code, coalesce(d.level = 'township', false),
                                          coalesce(d.code = p_scope OR d.county_code = p_scope
                                                   OR d.city_code = p_scope, false),
                                          r.kind, r.certificate_no, v.gid_valid, r.guardian_name,
                                          v.cid_valid, r.child_name, r.child_sex,
                                          r.child_birth_date, v.sex, v.born),
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

-- Judge and write import rows that share no key, certificate, guardian or
-- child (one wave of a batch): one statement per table.  A write that
-- meets a row committed meanwhile by another transaction (a unique key
-- taken) raises 40001: the caller retries, and the retry judges the row
-- against what is there then.
CREATE FUNCTION aixin.import_apply(p_actor bigint, p_request_id bigint, p_scope text,
                                   p_rows aixin.import_row[])
RETURNS SETOF aixin.import_outcome
LANGUAGE plpgsql
-- One plan per session for every batch size (see import_enrollments_bulk).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  judged aixin.import_judged[];
  todo int;
  replays int;
  new_households int;
  new_children int;
  n int;
BEGIN
  judged := aixin.import_judge(p_actor, p_scope, p_rows);
  -- The first enrollment of a year or county-year freezes its terms; the
  -- rows are then judged again on the terms as frozen.
  IF EXISTS (SELECT 1 FROM unnest(judged) j
              WHERE j.problem IS NULL AND j.prior IS NULL AND NOT j.terms_frozen) THEN
    PERFORM aixin.terms_freeze(f.policy_year, f.county_code)
       FROM (SELECT DISTINCT j.policy_year, j.county_code FROM unnest(judged) j
              WHERE j.problem IS NULL AND j.prior IS NULL AND NOT j.terms_frozen
              ORDER BY 1, 2) f;
    judged := aixin.import_judge(p_actor, p_scope, p_rows);
  END IF;

  SELECT count(j.policy_id), count(j.prior), count(*) FILTER (WHERE j.household_created),
         count(*) FILTER (WHERE j.child_created)
    INTO todo, replays, new_households, new_children
    FROM unnest(judged) j;

  -- Replays: the first answer, audited as aixin.idem_claim does.
  IF replays > 0 THEN
    INSERT INTO aixin.audit_log (account_id, request_id, idempotency_key, action, target, detail)
    SELECT p_actor, p_request_id, j.key, 'import.enrollment.replay', NULL, j.prior
      FROM unnest(judged) j
     WHERE j.prior IS NOT NULL
     ORDER BY j.ord;
  END IF;

  IF todo > 0 THEN
    IF new_households > 0 THEN
      INSERT INTO aixin.households (id, township_code, kind, certificate_no, created_by)
      SELECT j.household_id, j.township_code, j.kind, j.certificate_no, p_actor
        FROM unnest(judged) j
       WHERE j.household_created
       ORDER BY j.ord
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> new_households THEN
        RAISE EXCEPTION 'a household of the batch was registered at the same time; retry'
          USING ERRCODE = '40001';
      END IF;
      INSERT INTO aixin.guardians (household_id, position, id_number, name)
      SELECT j.household_id, 1, j.guardian_id, j.guardian_name
        FROM unnest(judged) j
       WHERE j.household_created
       ORDER BY j.ord
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> new_households THEN
        RAISE EXCEPTION 'a guardian of the batch was registered at the same time; retry'
          USING ERRCODE = '40001';
      END IF;
    END IF;

    -- New children (children_rules checks each against its household).
    IF new_children > 0 THEN
      INSERT INTO aixin.children (id, household_id, id_number, name, sex, birth_date,
                                  created_by)
      SELECT j.child_row_id, j.household_id, j.child_id, j.child_name,
             aixin.id_sex(j.child_id), j.born, p_actor
        FROM unnest(judged) j
       WHERE j.child_created
       ORDER BY j.ord
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> new_children THEN
        RAISE EXCEPTION 'a child of the batch was registered at the same time; retry'
          USING ERRCODE = '40001';
      END IF;
    END IF;

    -- The policies, with the split of the frozen terms.
    INSERT INTO aixin.policies (id, policy_year, child_id, household_id, township_code,
                                premium_fen, city_share_fen, county_share_fen,
                                township_share_fen, insurer_id, enrolled_by)
    SELECT j.policy_id, j.policy_year, j.child_row_id, j.household_id, j.township_code,
           j.premium_fen, j.city_share_fen, j.county_share_fen,
           j.premium_fen - j.city_share_fen - j.county_share_fen, j.insurer_id, p_actor
      FROM unnest(judged) j
     WHERE j.policy_id IS NOT NULL
     ORDER BY j.ord
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> todo THEN
      RAISE EXCEPTION 'a child of the batch was enrolled at the same time; retry'
        USING ERRCODE = '40001';
    END IF;

    -- Keys with their answers, then the audit: one statement each.
    INSERT INTO aixin.idempotency_keys (key, account_id, operation, request_hash, result)
    SELECT j.key, p_actor, 'import.enrollment', j.request_hash,
           jsonb_build_object('policy_id', j.policy_id,
                              'household_created', j.household_created,
                              'child_created', j.child_created)
      FROM unnest(judged) j
     WHERE j.policy_id IS NOT NULL
     ORDER BY j.ord
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> todo THEN
      RAISE EXCEPTION 'an idempotency key of the batch was claimed at the same time; retry'
        USING ERRCODE = '40001';
    END IF;

    INSERT INTO aixin.audit_log (account_id, request_id, idempotency_key, action, target, detail)
    SELECT p_actor, p_request_id, j.key, 'import.enrollment', 'policy:' || j.policy_id,
           jsonb_build_object('child_id', j.child_row_id,
                              'policy_year', j.policy_year,
                              'premium_fen', j.premium_fen,
                              'city_share_fen', j.city_share_fen,
                              'county_share_fen', j.county_share_fen,
                              'township_share_fen',
                                j.premium_fen - j.city_share_fen - j.county_share_fen,
                              'insurer_code', j.insurer_code,
                              'line', j.line,
                              'household_id', j.household_id,
                              'household_created', j.household_created,
                              'child_created', j.child_created,
                              'child_id_number', aixin.mask_id(j.child_id))
      FROM unnest(judged) j
     WHERE j.policy_id IS NOT NULL
     ORDER BY j.ord;
  END IF;

  -- Accepted rows answer from what was written; replays read their policy.
  RETURN QUERY
    SELECT j.ord, j.problem, j.prior IS NOT NULL,
           coalesce((j.prior ->> 'household_created')::boolean, j.household_created),
           coalesce((j.prior ->> 'child_created')::boolean, j.child_created),
           coalesce(j.policy_id, rp.id), w.policy_year, w.child_id, w.child_id_number,
           w.child_name, w.household_id, w.township_code, w.premium_fen, w.enrolled_at,
           w.city_share_fen, w.county_share_fen, w.township_share_fen, w.insurer_code
      FROM unnest(judged) j
      LEFT JOIN LATERAL (SELECT * FROM aixin.policy_render((j.prior ->> 'policy_id')::bigint)
                          WHERE j.prior IS NOT NULL) rp ON true
      LEFT JOIN LATERAL (
        SELECT rp.policy_year, rp.child_id, rp.child_id_number, rp.child_name, rp.household_id,
               rp.township_code, rp.premium_fen, rp.enrolled_at, rp.city_share_fen,
               rp.county_share_fen, rp.township_share_fen, rp.insurer_code
         WHERE j.prior IS NOT NULL
        UNION ALL
        SELECT j.policy_year, j.child_row_id, j.child_id, j.child_name, j.household_id,
               j.township_code, j.premium_fen, aixin.epoch(now()), j.city_share_fen,
               j.county_share_fen, j.premium_fen - j.city_share_fen - j.county_share_fen,
               j.insurer_code
         WHERE j.policy_id IS NOT NULL) w ON true;
END;
$$;

COMMENT ON FUNCTION aixin.import_apply(bigint, bigint, text, aixin.import_row[]) IS
  'Judge and write import rows that share no key, certificate, guardian or child (one wave of a batch)';

-- A whole ImportEnrollments batch, in one statement and one transaction:
-- row i of every array is row ord = i.  Rows behave as if applied one
-- after the other in the batch's order: a row that shares a key, a
-- certificate, a guardian or a child with an earlier row is judged after
-- it (a later wave), so the first row for a child wins and a later one
-- is refused with the same reason as a rerun of that row alone.  Each row
-- answers as aixin.import_enrollment would: a refusal (SQLSTATE, field,
-- message; nothing of the row written, its key not stored) or the policy
-- with the flags, replayed = true for a key already answered.
CREATE FUNCTION aixin.import_enrollments_bulk(p_actor bigint, p_request_id bigint,
                                              p_keys bytea[], p_lines int[], p_years int[],
                                              p_township_codes text[], p_kinds text[],
                                              p_certificate_nos text[], p_guardian_ids text[],
                                              p_guardian_names text[], p_child_ids text[],
                                              p_child_names text[], p_child_sexes text[],
                                              p_child_birth_dates date[])
RETURNS TABLE (ord int, replayed boolean, household_created boolean, child_created boolean,
               error_code text, error_field text, error_message text,
               outcome text, id bigint, policy_year int, child_id bigint,
               child_id_number text, child_name text, household_id bigint,
               township_code text, premium_fen bigint, enrolled_at bigint,
               city_share_fen bigint, county_share_fen bigint, township_share_fen bigint,
               insurer_code text)
LANGUAGE plpgsql
-- The statements here are planned once per session: a custom plan per call
-- (the default for the first calls, and for as long as it looks cheaper)
-- would plan the judging query again for every batch and every single row.
-- The generic plan reads the tables by index, row by row of the batch.
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  n int := coalesce(cardinality(p_keys), 0);
  batch aixin.import_row[];
  waves int[];
  last_wave int := 1;
  dep record;
  done aixin.import_outcome[] := '{}';
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  IF n = 0 THEN
    RETURN;
  END IF;
  IF n > 10000
     OR n IS DISTINCT FROM cardinality(p_lines) OR n IS DISTINCT FROM cardinality(p_years)
     OR n IS DISTINCT FROM cardinality(p_township_codes) OR n IS DISTINCT FROM cardinality(p_kinds)
     OR n IS DISTINCT FROM cardinality(p_certificate_nos)
     OR n IS DISTINCT FROM cardinality(p_guardian_ids)
     OR n IS DISTINCT FROM cardinality(p_guardian_names)
     OR n IS DISTINCT FROM cardinality(p_child_ids)
     OR n IS DISTINCT FROM cardinality(p_child_names)
     OR n IS DISTINCT FROM cardinality(p_child_sexes)
     OR n IS DISTINCT FROM cardinality(p_child_birth_dates) THEN
    RAISE EXCEPTION 'a batch is 1-10000 rows with one value of every field per row'
      USING ERRCODE = 'AXB01', COLUMN = 'rows';
  END IF;

  SELECT array_agg(ROW(u.ord, u.key, u.line, u.yr, u.twp, u.kind, u.cert, u.gid, u.gname,
                       u.cid, u.cname, u.csex, u.cbirth)::aixin.import_row ORDER BY u.ord)
    INTO batch
    FROM unnest(p_keys, p_lines, p_years, p_township_codes, p_kinds, p_certificate_nos,
                p_guardian_ids, p_guardian_names, p_child_ids, p_child_names, p_child_sexes,
                p_child_birth_dates)
           WITH ORDINALITY AS u(key, line, yr, twp, kind, cert, gid, gname, cid, cname, csex,
                                cbirth, ord);

  -- Waves: a row goes after every earlier row it shares something with.
  -- Each row depends on the previous row of each thing it names; taking
  -- them in order, the earlier row's wave is final when it is needed.
  waves := array_fill(1, ARRAY[n]);
  FOR dep IN
    SELECT e.ord, e.prev
      FROM (SELECT b.ord, lag(b.ord) OVER (PARTITION BY t.what, t.val ORDER BY b.ord) AS prev
              FROM unnest(batch) b
             CROSS JOIN LATERAL (VALUES ('key', encode(b.key, 'hex')),
                                        ('certificate', b.certificate_no),
                                        ('guardian', upper(b.guardian_id)),
                                        ('child', upper(b.child_id))) t(what, val)
             WHERE t.val IS NOT NULL) e
     WHERE e.prev IS NOT NULL AND n > 1
     ORDER BY e.ord, e.prev
  LOOP
    waves[dep.ord] := greatest(waves[dep.ord], waves[dep.prev] + 1);
    last_wave := greatest(last_wave, waves[dep.ord]);
  END LOOP;

  -- Rows of one household wait for each other across batches and the
  -- per-row path (the lock aixin.import_enrollment always took), taken in
  -- one order so that two batches cannot deadlock on them.
  PERFORM pg_advisory_xact_lock(hashtext('aixin.import_enrollment'), l.h)
     FROM (SELECT DISTINCT hashtext(b.certificate_no) AS h
             FROM unnest(batch) b
            WHERE b.certificate_no IS NOT NULL
            ORDER BY 1) l;

  FOR w IN 1..last_wave LOOP
    done := done || ARRAY(
      SELECT o FROM aixin.import_apply(p_actor, p_request_id, acct.division_code,
                                       ARRAY(SELECT b FROM unnest(batch) b
                                              WHERE waves[b.ord] = w)) o);
  END LOOP;

  RETURN QUERY
    SELECT o.ord, o.replayed, o.household_created, o.child_created,
           o.problem[1], o.problem[2], o.problem[3],
           CASE WHEN o.problem IS NULL THEN 'ok' END, o.policy_id, o.policy_year, o.child_row_id,
           o.child_id_number, o.child_name, o.household_id, o.township_code, o.premium_fen,
           o.enrolled_at, o.city_share_fen, o.county_share_fen, o.township_share_fen,
           o.insurer_code
      FROM unnest(done) o
     ORDER BY o.ord;
END;
$$;

COMMENT ON FUNCTION aixin.import_enrollments_bulk(bigint, bigint, bytea[], int[], int[], text[],
                                                  text[], text[], text[], text[], text[], text[],
                                                  text[], date[]) IS
  'A batch of import rows in one transaction, as if applied one by one in order; one outcome per row';

-- One row: a batch of one (aixin.import_apply on that row alone, with the
-- household lock the batch takes), its refusal raised, so that the
-- transaction keeps nothing of it, as before.  Same arguments and answer
-- as in 0004.
CREATE OR REPLACE FUNCTION aixin.import_enrollment(p_actor bigint, p_request_id bigint,
                                                   p_key bytea, p_line int, p_year int,
                                                   p_township_code text, p_kind text,
                                                   p_certificate_no text, p_guardian_id text,
                                                   p_guardian_name text, p_child_id text,
                                                   p_child_name text, p_child_sex text,
                                                   p_child_birth_date date)
RETURNS TABLE (replayed boolean, household_created boolean, child_created boolean,
               outcome text, id bigint, policy_year int, child_id bigint,
               child_id_number text, child_name text, household_id bigint,
               township_code text, premium_fen bigint, enrolled_at bigint,
               city_share_fen bigint, county_share_fen bigint, township_share_fen bigint,
               insurer_code text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  o aixin.import_outcome;
BEGIN
  IF NOT (acct.role = ANY (ARRAY['city_admin', 'county_clerk', 'township_clerk'])) THEN
    RAISE EXCEPTION 'permission denied for role %', acct.role USING ERRCODE = 'AXP01';
  END IF;
  IF p_certificate_no IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('aixin.import_enrollment'), hashtext(p_certificate_no));
  END IF;
  SELECT * INTO o
    FROM aixin.import_apply(p_actor, p_request_id, acct.division_code,
                            ARRAY[ROW(1, p_key, p_line, p_year, p_township_code, p_kind,
                                      p_certificate_no, p_guardian_id, p_guardian_name,
                                      p_child_id, p_child_name, p_child_sex,
                                      p_child_birth_date)::aixin.import_row]);
  IF o.problem IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = o.problem[1], COLUMN = o.problem[2], MESSAGE = o.problem[3];
  END IF;
  RETURN QUERY SELECT o.replayed, o.household_created, o.child_created, 'ok'::text, o.policy_id,
                      o.policy_year, o.child_row_id, o.child_id_number, o.child_name,
                      o.household_id, o.township_code, o.premium_fen, o.enrolled_at,
                      o.city_share_fen, o.county_share_fen, o.township_share_fen,
                      o.insurer_code;
END;
$$;

-- ---------------------------------------------------------------------------
-- The single enrollment, lean.
-- ---------------------------------------------------------------------------

-- As in 0004: the key is claimed first with its answer already in it (the
-- policy id is drawn before the insert), the child, its township and the
-- terms are read in one statement, the rules are aixin.enrollment_problem,
-- and the unique (child, year) decides between concurrent enrollments
-- through ON CONFLICT instead of a subtransaction.
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
  new_id := nextval(pg_get_serial_sequence('aixin.policies', 'id'));
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

COMMENT ON FUNCTION aixin.enroll(bigint, bigint, bytea, text, int) IS
  'Enroll a child aged 0-6 on the year''s reference date, freezing the premium split and insurer of its county';

-- ---------------------------------------------------------------------------
-- The ledger from the report summary.
-- ---------------------------------------------------------------------------

-- As in 0003, but the owed amounts come from aixin.report_policy_totals
-- (0007: kept exact by statement triggers on aixin.policies, whatever the
-- writer) instead of a pass over the year's policies: a few hundred
-- summary rows for a whole city instead of a million policies.
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
     ORDER BY 4, aixin.level_rank(coalesce(o.level, pd.level)), d.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.get_ledger(bigint, int, text) IS
  'Owed, paid and outstanding per paying division and year under a root (default: the actor''s division); year 0 = every year';

-- ---------------------------------------------------------------------------
-- The same execution rights as the functions before this migration.
-- ---------------------------------------------------------------------------

-- Where the aixin.* functions run with their owner's rights (SECURITY
-- DEFINER, with a fixed search_path), so that the serving role needs only
-- EXECUTE, the functions created or replaced here (CREATE OR REPLACE
-- resets both) get the same: the rights of the first such function are
-- copied.  Where none does, nothing changes.
DO $$
DECLARE
  conf text[];
  path text;
  f regprocedure;
BEGIN
  SELECT p.proconfig INTO conf
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'aixin' AND p.prosecdef
   ORDER BY p.oid
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT substr(c, length('search_path=') + 1) INTO path
    FROM unnest(conf) c WHERE c LIKE 'search_path=%';
  FOR f IN
    SELECT p.oid::regprocedure
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'aixin' AND p.prokind = 'f' AND NOT p.prosecdef
  LOOP
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER', f);
    IF path IS NOT NULL THEN
      EXECUTE format('ALTER FUNCTION %s SET search_path = %s', f, path);
    END IF;
  END LOOP;
END
$$;
