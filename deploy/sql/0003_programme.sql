-- aixin programme terms: per-year shares of the premium and benefit caps,
-- insurers, county terms, the frozen split of every policy, the
-- eligible-household census and the funding ledger.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql.
--
-- Who pays (市县乡三级财政分担制): every policy's premium is split between
-- the city (the year's city subsidy), the county (the share the city set for
-- that county and year, within the year's allowed range) and the township
-- (the rest, never negative).  The split and the county's insurer are copied
-- into the policy when it is enrolled.
--
-- THE FREEZE RULE.  Changing a year's parameters after enrollments exist is
-- refused (AXR01):
--   * a policy year's premium, city subsidy, county share range and
--     reference date cannot change once any policy of that year exists, and
--     its benefit caps can then be neither added, changed nor removed;
--   * a county's terms for a year (county share, insurer) cannot change or
--     be removed once the county has a policy in that year;
--   * a policy's premium, split and insurer never change.
-- Triggers enforce this whatever the writer; enrollment takes share locks on
-- the year and county terms it copies, so a concurrent change of either
-- waits for the enrollment and is then refused (or the enrollment waits and
-- copies the new terms).  Terms that were wrong from the start are not
-- corrected in place: that would change what enrolled policies promised.
--
-- Census submissions and disbursements are append-only history.  A wrong
-- census figure is corrected by submitting a new revision; correcting a
-- wrongly recorded disbursement (a reversing entry) is a later feature.

-- There is no production data from before the split: a policy written by
-- 0002 alone has no shares and no insurer, and none can be made up.
DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM aixin.policies;
  IF n > 0 THEN
    RAISE EXCEPTION 'aixin.policies has % rows without a premium split and insurer; '
                    '0003_programme.sql can only be applied before the first enrollment', n
      USING HINT = 'migrate a database without policies (there is no data that predates the split)';
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Small helpers.
-- ---------------------------------------------------------------------------

-- Covered events in their fixed reporting order (the EventType enum).
CREATE FUNCTION aixin.benefit_events() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['illness', 'accident_injury', 'disability', 'child_death', 'guardian_death']
$$;

COMMENT ON FUNCTION aixin.benefit_events() IS
  'Covered event names in reporting order: illness, accident_injury, disability, child_death, guardian_death';

-- An amount of fen as yuan for messages: 2600 -> '26.00', -100 -> '-1.00'.
CREATE FUNCTION aixin.yuan(p_fen bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN p_fen < 0 THEN '-' ELSE '' END
      || div(abs(p_fen::numeric), 100)::text
      || '.' || lpad((abs(p_fen::numeric) % 100)::text, 2, '0')
$$;

COMMENT ON FUNCTION aixin.yuan(bigint) IS 'Fen as a yuan amount with two decimals, for messages';

-- Free text for the audit trail: any run of 17 or more digits (an ID number
-- typed into a note or a voucher number) is masked like aixin.mask_id.
CREATE FUNCTION aixin.audit_text(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(p_text, '([0-9]{6})[0-9]{7,}([0-9Xx]{4})', '\1********\2', 'g')
$$;

COMMENT ON FUNCTION aixin.audit_text(text) IS
  'Free text with long digit runs masked (first 6 + ******** + last 4), for audit rows';

-- Rank of a paying level: city 1, county 2, township 3.
CREATE FUNCTION aixin.level_rank(p_level text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_position(ARRAY['city', 'county', 'township'], p_level)
$$;

-- Shared by the append-only tables below (the audit log keeps its own).
CREATE FUNCTION aixin.append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'AXP01';
END;
$$;

-- ---------------------------------------------------------------------------
-- Policy years: shares and benefit caps.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.policy_years
  ADD COLUMN city_subsidy_fen bigint,
  ADD COLUMN county_share_min_fen bigint,
  ADD COLUMN county_share_max_fen bigint;

-- Years opened before this migration: no city subsidy, any county share.
UPDATE aixin.policy_years
   SET city_subsidy_fen = 0, county_share_min_fen = 0, county_share_max_fen = premium_fen;

ALTER TABLE aixin.policy_years
  ALTER COLUMN city_subsidy_fen SET NOT NULL,
  ALTER COLUMN county_share_min_fen SET NOT NULL,
  ALTER COLUMN county_share_max_fen SET NOT NULL,
  ADD CONSTRAINT policy_years_city_subsidy_check CHECK (city_subsidy_fen >= 0),
  ADD CONSTRAINT policy_years_county_range
    CHECK (county_share_min_fen >= 0
           AND county_share_min_fen <= county_share_max_fen
           AND county_share_max_fen <= premium_fen),
  -- Some county share in the range must leave a township share >= 0.
  ADD CONSTRAINT policy_years_shares_fit
    CHECK (city_subsidy_fen + county_share_min_fen <= premium_fen);

COMMENT ON COLUMN aixin.policy_years.city_subsidy_fen IS 'City share of every policy of the year, fen';
COMMENT ON COLUMN aixin.policy_years.county_share_min_fen IS 'Lowest county share a county may set, fen';
COMMENT ON COLUMN aixin.policy_years.county_share_max_fen IS 'Highest county share a county may set, fen';

CREATE TABLE aixin.policy_year_benefits (
  policy_year    int NOT NULL REFERENCES aixin.policy_years (year),
  event          text NOT NULL
                 CHECK (event IN ('illness', 'accident_injury', 'disability', 'child_death',
                                  'guardian_death')),
  max_payout_fen bigint NOT NULL CHECK (max_payout_fen > 0),
  PRIMARY KEY (policy_year, event)
);

COMMENT ON TABLE aixin.policy_year_benefits IS
  'The most paid out per policy of a year for one event type; frozen with the year';

-- ---------------------------------------------------------------------------
-- Insurers and county terms.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.insurers (
  id         bigserial PRIMARY KEY,
  code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_-]{2,32}$'),
  name       text NOT NULL CHECK (aixin.label_ok(name, 64)),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint NOT NULL REFERENCES aixin.accounts (id)
);

COMMENT ON TABLE aixin.insurers IS
  'Insurers competing for counties (保险机构); each county-year contracts one';

CREATE TABLE aixin.county_terms (
  county_code      text NOT NULL,
  county_level     text NOT NULL DEFAULT 'county' CHECK (county_level = 'county'),
  policy_year      int NOT NULL REFERENCES aixin.policy_years (year),
  county_share_fen bigint NOT NULL CHECK (county_share_fen >= 0),
  insurer_id       bigint NOT NULL REFERENCES aixin.insurers (id),
  set_at           timestamptz NOT NULL DEFAULT now(),
  set_by           bigint NOT NULL REFERENCES aixin.accounts (id),
  PRIMARY KEY (county_code, policy_year),
  FOREIGN KEY (county_code, county_level) REFERENCES aixin.divisions (code, level)
);

CREATE INDEX county_terms_year_idx ON aixin.county_terms (policy_year);
CREATE INDEX county_terms_insurer_idx ON aixin.county_terms (insurer_id);

COMMENT ON TABLE aixin.county_terms IS
  'Per county and year: the county share of each policy and the contracted insurer';

-- Number of policies of a county in a year (the freeze test).
CREATE FUNCTION aixin.county_policies(p_county_code text, p_year int) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT count(*)
    FROM aixin.divisions d
    JOIN aixin.policies p ON p.township_code = d.code AND p.policy_year = p_year
   WHERE d.county_code = p_county_code AND d.level = 'township'
$$;

-- Does a county share fit the year's terms?  AXB01 outside the range,
-- AXR01 when the township remainder would be negative.
CREATE FUNCTION aixin.check_county_share(p_yr aixin.policy_years, p_share bigint) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_share IS NULL OR p_share < p_yr.county_share_min_fen OR p_share > p_yr.county_share_max_fen THEN
    RAISE EXCEPTION 'county share must be between % and % yuan in %',
        aixin.yuan(p_yr.county_share_min_fen), aixin.yuan(p_yr.county_share_max_fen), p_yr.year
      USING ERRCODE = 'AXB01', COLUMN = 'county_share_fen';
  END IF;
  IF p_yr.premium_fen - p_yr.city_subsidy_fen - p_share < 0 THEN
    RAISE EXCEPTION 'township share would be negative: premium % - city subsidy % - county share % = % yuan',
        aixin.yuan(p_yr.premium_fen), aixin.yuan(p_yr.city_subsidy_fen), aixin.yuan(p_share),
        aixin.yuan(p_yr.premium_fen - p_yr.city_subsidy_fen - p_share)
      USING ERRCODE = 'AXR01', COLUMN = 'county_share_fen';
  END IF;
END;
$$;

-- County terms fit their year; once the county has policies in the year
-- they are frozen.
CREATE FUNCTION aixin.county_terms_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  n bigint;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF TG_OP = 'UPDATE' THEN
      IF NEW.county_code <> OLD.county_code OR NEW.policy_year <> OLD.policy_year THEN
        RAISE EXCEPTION 'the county and year of county terms cannot change'
          USING ERRCODE = 'AXB01', COLUMN = 'county_code';
      END IF;
    END IF;
    n := aixin.county_policies(OLD.county_code, OLD.policy_year);
    IF n > 0 THEN
      RAISE EXCEPTION 'county % is frozen for %: % policies already enrolled',
          OLD.county_code, OLD.policy_year, n
        USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
    END IF;
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
  END IF;

  -- The share lock makes a concurrent change of the year's terms wait.
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year FOR SHARE;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;
  PERFORM aixin.check_county_share(yr, NEW.county_share_fen);
  RETURN NEW;
END;
$$;

CREATE TRIGGER county_terms_rules
  BEFORE INSERT OR UPDATE OR DELETE ON aixin.county_terms
  FOR EACH ROW EXECUTE FUNCTION aixin.county_terms_rules();

-- ---------------------------------------------------------------------------
-- Policies: the frozen split.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.policies
  ADD COLUMN city_share_fen bigint NOT NULL CHECK (city_share_fen >= 0),
  ADD COLUMN county_share_fen bigint NOT NULL CHECK (county_share_fen >= 0),
  ADD COLUMN township_share_fen bigint NOT NULL CHECK (township_share_fen >= 0),
  ADD COLUMN insurer_id bigint NOT NULL REFERENCES aixin.insurers (id),
  ADD CONSTRAINT policies_shares_sum
    CHECK (city_share_fen + county_share_fen + township_share_fen = premium_fen);

COMMENT ON COLUMN aixin.policies.city_share_fen IS 'Frozen at enrollment: the year''s city subsidy';
COMMENT ON COLUMN aixin.policies.county_share_fen IS 'Frozen at enrollment: the county terms of the year';
COMMENT ON COLUMN aixin.policies.township_share_fen IS 'Frozen at enrollment: premium - city - county';
COMMENT ON COLUMN aixin.policies.insurer_id IS 'Frozen at enrollment: the county''s insurer for the year';

-- The ledger groups a year's policies by township; the included shares let
-- it read the index alone.  It also serves every lookup by year, so the
-- plain index on policy_year from 0001 goes.
CREATE INDEX policies_year_township_idx ON aixin.policies (policy_year, township_code)
  INCLUDE (city_share_fen, county_share_fen, township_share_fen);
DROP INDEX aixin.policies_year_idx;
CREATE INDEX policies_insurer_year_idx ON aixin.policies (insurer_id, policy_year);

-- As in 0001 (eligibility, the year's premium, year/child/premium fixed),
-- plus the split: a new policy's shares and insurer are the terms in force
-- (filled in when all four are NULL, else they must match), and they never
-- change.
CREATE OR REPLACE FUNCTION aixin.policies_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  ct aixin.county_terms;
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

  -- Share locks: the year's and the county's terms cannot change under an
  -- enrollment that has not committed yet.
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year FOR SHARE;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
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

  SELECT d.county_code INTO county FROM aixin.divisions d WHERE d.code = NEW.township_code;
  IF NOT FOUND OR county IS NULL THEN
    RETURN NEW;  -- the foreign keys report it
  END IF;
  SELECT * INTO ct FROM aixin.county_terms t
   WHERE t.county_code = county AND t.policy_year = yr.year
     FOR SHARE;
  IF NOT FOUND THEN
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
-- The freeze of a year's terms.
-- ---------------------------------------------------------------------------

-- Replaces the 0001 guard: the year's terms (reference date, premium, city
-- subsidy, county share range) are frozen once a policy of the year exists,
-- and new terms must still fit every county's terms of the year.
CREATE OR REPLACE FUNCTION aixin.policy_years_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  ct aixin.county_terms;
BEGIN
  IF NEW.year = OLD.year AND NEW.reference_date = OLD.reference_date
     AND NEW.premium_fen = OLD.premium_fen AND NEW.city_subsidy_fen = OLD.city_subsidy_fen
     AND NEW.county_share_min_fen = OLD.county_share_min_fen
     AND NEW.county_share_max_fen = OLD.county_share_max_fen THEN
    RETURN NEW;
  END IF;
  SELECT count(*) INTO n FROM aixin.policies p WHERE p.policy_year = OLD.year;
  IF n > 0 THEN
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

-- Benefit caps change only with the year's terms.  The year row is locked
-- like an update of the year, so that an enrollment in flight (which holds
-- a share lock on it) is waited for and then seen.
CREATE FUNCTION aixin.policy_year_benefits_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  years int[];
  y int;
  n bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    years := ARRAY[NEW.policy_year];
  ELSIF TG_OP = 'DELETE' THEN
    years := ARRAY[OLD.policy_year];
  ELSE
    years := ARRAY[OLD.policy_year, NEW.policy_year];
  END IF;
  FOREACH y IN ARRAY years LOOP
    PERFORM 1 FROM aixin.policy_years py WHERE py.year = y FOR NO KEY UPDATE;
    SELECT count(*) INTO n FROM aixin.policies p WHERE p.policy_year = y;
    IF n > 0 THEN
      RAISE EXCEPTION 'policy year % is frozen: % policies already enrolled', y, n
        USING ERRCODE = 'AXR01', COLUMN = 'benefits';
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER policy_year_benefits_guard
  BEFORE INSERT OR UPDATE OR DELETE ON aixin.policy_year_benefits
  FOR EACH ROW EXECUTE FUNCTION aixin.policy_year_benefits_guard();

-- ---------------------------------------------------------------------------
-- Census of eligible households (append-only, revised by new submissions).
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.census_submissions (
  id                  bigserial PRIMARY KEY,
  township_code       text NOT NULL,
  township_level      text NOT NULL DEFAULT 'township' CHECK (township_level = 'township'),
  policy_year         int NOT NULL REFERENCES aixin.policy_years (year),
  eligible_households bigint NOT NULL CHECK (eligible_households >= 0),
  -- 1 for the first submission of a township and year, then 2, 3...; the
  -- highest is the current figure.
  revision            int NOT NULL CHECK (revision >= 1),
  note                text CHECK (note IS NULL OR aixin.label_ok(note, 200)),
  submitted_at        timestamptz NOT NULL DEFAULT now(),
  submitted_by        bigint NOT NULL REFERENCES aixin.accounts (id),
  CONSTRAINT census_submissions_revision_key UNIQUE (township_code, policy_year, revision),
  FOREIGN KEY (township_code, township_level) REFERENCES aixin.divisions (code, level)
);

CREATE INDEX census_submissions_year_idx ON aixin.census_submissions (policy_year, township_code);

COMMENT ON TABLE aixin.census_submissions IS
  'Eligible households per township and year as submitted; every revision is kept. Append-only.';

-- Revisions are numbered here, with the township's division row locked so
-- that concurrent submissions for one township are serialised: a NULL
-- revision becomes the next one, any other value must be the next one.
CREATE FUNCTION aixin.census_submissions_number() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_rev int;
BEGIN
  PERFORM 1 FROM aixin.divisions d WHERE d.code = NEW.township_code FOR NO KEY UPDATE;
  SELECT max(s.revision) INTO last_rev
    FROM aixin.census_submissions s
   WHERE s.township_code = NEW.township_code AND s.policy_year = NEW.policy_year;
  IF NEW.revision IS NULL THEN
    NEW.revision := coalesce(last_rev, 0) + 1;
  ELSIF NEW.revision <> coalesce(last_rev, 0) + 1 THEN
    RAISE EXCEPTION 'the next census revision of township % for % is %',
        NEW.township_code, NEW.policy_year, coalesce(last_rev, 0) + 1
      USING ERRCODE = 'AXB01', COLUMN = 'revision';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER census_submissions_number
  BEFORE INSERT ON aixin.census_submissions
  FOR EACH ROW EXECUTE FUNCTION aixin.census_submissions_number();

CREATE TRIGGER census_submissions_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.census_submissions
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();

CREATE TRIGGER census_submissions_no_truncate
  BEFORE TRUNCATE ON aixin.census_submissions
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- ---------------------------------------------------------------------------
-- Disbursements: money paid in by a level of government (append-only).
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.disbursements (
  id            bigserial PRIMARY KEY,
  level         text NOT NULL CHECK (level IN ('city', 'county', 'township')),
  -- The paying division; its level is the disbursement's level.
  division_code text NOT NULL,
  policy_year   int NOT NULL REFERENCES aixin.policy_years (year),
  amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
  -- Calendar date in Asia/Shanghai; not in the future when recorded.
  paid_on       date NOT NULL CHECK (paid_on >= DATE '2000-01-01'),
  -- Voucher or transfer number.
  reference     text NOT NULL CHECK (aixin.label_ok(reference, 64)),
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  recorded_by   bigint NOT NULL REFERENCES aixin.accounts (id),
  FOREIGN KEY (division_code, level) REFERENCES aixin.divisions (code, level),
  -- The same voucher is not recorded twice.
  CONSTRAINT disbursements_reference_key UNIQUE (level, division_code, policy_year, reference)
);

CREATE INDEX disbursements_year_idx ON aixin.disbursements (policy_year, level, division_code);

COMMENT ON TABLE aixin.disbursements IS
  'Premium shares paid in per paying division and year. Append-only: corrections '
  '(reversing entries) are not supported yet.';

CREATE FUNCTION aixin.disbursements_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.paid_on > aixin.local_today() THEN
    RAISE EXCEPTION 'payment date % is in the future', aixin.ymd(NEW.paid_on)
      USING ERRCODE = 'AXB01', COLUMN = 'paid_on';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER disbursements_rules
  BEFORE INSERT ON aixin.disbursements
  FOR EACH ROW EXECUTE FUNCTION aixin.disbursements_rules();

CREATE TRIGGER disbursements_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.disbursements
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();

CREATE TRIGGER disbursements_no_truncate
  BEFORE TRUNCATE ON aixin.disbursements
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- ---------------------------------------------------------------------------
-- Row types.
-- ---------------------------------------------------------------------------

-- benefits: 'event:fen,...' in aixin.benefit_events() order ('' when none);
-- frozen: true once the year has a policy.
CREATE TYPE aixin.policy_year_row AS (
  year                 int,
  reference_date       text,
  premium_fen          bigint,
  city_subsidy_fen     bigint,
  county_share_min_fen bigint,
  county_share_max_fen bigint,
  benefits             text,
  policies             bigint,
  frozen               boolean
);

CREATE TYPE aixin.county_terms_row AS (
  county_code        text,
  county_name        text,
  policy_year        int,
  city_share_fen     bigint,
  county_share_fen   bigint,
  township_share_fen bigint,
  insurer_code       text,
  insurer_name       text,
  policies           bigint
);

-- submitted_by is the username; current marks the highest revision.
CREATE TYPE aixin.census_row AS (
  township_code       text,
  township_name       text,
  policy_year         int,
  eligible_households bigint,
  revision            int,
  note                text,
  submitted_by        text,
  submitted_at        bigint,
  current             boolean
);

CREATE TYPE aixin.disbursement_row AS (
  id            bigint,
  level         text,
  division_code text,
  division_name text,
  policy_year   int,
  amount_fen    bigint,
  paid_on       text,
  reference     text,
  recorded_by   text,
  recorded_at   bigint
);

-- outstanding_fen = owed_fen - paid_fen (negative when overpaid).
CREATE TYPE aixin.ledger_row AS (
  level           text,
  division_code   text,
  division_name   text,
  policy_year     int,
  policies        bigint,
  owed_fen        bigint,
  paid_fen        bigint,
  outstanding_fen bigint
);

ALTER TYPE aixin.policy_row
  ADD ATTRIBUTE city_share_fen bigint,
  ADD ATTRIBUTE county_share_fen bigint,
  ADD ATTRIBUTE township_share_fen bigint,
  ADD ATTRIBUTE insurer_code text;

-- ---------------------------------------------------------------------------
-- Policy years.
-- ---------------------------------------------------------------------------

DROP FUNCTION aixin.open_policy_year(bigint, bigint, bytea, int, date, bigint);
DROP FUNCTION aixin.list_policy_years(bigint);
DROP FUNCTION aixin.policy_year_render(int);

-- One year (or, for NULL, every year newest first) as policy_year_row.
CREATE FUNCTION aixin.policy_year_render(p_year int) RETURNS SETOF aixin.policy_year_row
LANGUAGE sql STABLE AS $$
  SELECT y.year, aixin.ymd(y.reference_date), y.premium_fen, y.city_subsidy_fen,
         y.county_share_min_fen, y.county_share_max_fen,
         coalesce((SELECT string_agg(b.event || ':' || b.max_payout_fen, ','
                                     ORDER BY array_position(aixin.benefit_events(), b.event))
                     FROM aixin.policy_year_benefits b
                    WHERE b.policy_year = y.year), ''),
         n.policies, n.policies > 0
    FROM aixin.policy_years y
   CROSS JOIN LATERAL (SELECT count(*) AS policies
                         FROM aixin.policies p
                        WHERE p.policy_year = y.year) n
   WHERE p_year IS NULL OR y.year = p_year
   ORDER BY y.year DESC
$$;

-- Validate a year's terms (the fields of PolicyYearTerms except benefits).
CREATE FUNCTION aixin.check_policy_year_terms(p_year int, p_reference_date date,
                                              p_premium_fen bigint, p_city_subsidy_fen bigint,
                                              p_county_share_min_fen bigint,
                                              p_county_share_max_fen bigint)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year must be between 2000 and 2100' USING ERRCODE = 'AXB01', COLUMN = 'year';
  END IF;
  IF p_reference_date IS NULL
     OR p_reference_date NOT BETWEEN make_date(p_year - 1, 1, 1) AND make_date(p_year, 12, 31) THEN
    RAISE EXCEPTION 'reference date must fall in % or %', p_year - 1, p_year
      USING ERRCODE = 'AXB01', COLUMN = 'reference_date';
  END IF;
  IF p_premium_fen IS NULL OR p_premium_fen <= 0 OR p_premium_fen > 100000000 THEN
    RAISE EXCEPTION 'premium must be between 1 fen and 1,000,000 yuan'
      USING ERRCODE = 'AXB01', COLUMN = 'premium_fen';
  END IF;
  IF p_city_subsidy_fen IS NULL OR p_city_subsidy_fen < 0 OR p_city_subsidy_fen > p_premium_fen THEN
    RAISE EXCEPTION 'city subsidy must be between 0 and the premium (% yuan)', aixin.yuan(p_premium_fen)
      USING ERRCODE = 'AXB01', COLUMN = 'city_subsidy_fen';
  END IF;
  IF p_county_share_min_fen IS NULL OR p_county_share_min_fen < 0 THEN
    RAISE EXCEPTION 'minimum county share must be 0 or more'
      USING ERRCODE = 'AXB01', COLUMN = 'county_share_min_fen';
  END IF;
  IF p_city_subsidy_fen + p_county_share_min_fen > p_premium_fen THEN
    RAISE EXCEPTION 'city subsidy % + minimum county share % exceed the premium of % yuan',
        aixin.yuan(p_city_subsidy_fen), aixin.yuan(p_county_share_min_fen), aixin.yuan(p_premium_fen)
      USING ERRCODE = 'AXB01', COLUMN = 'county_share_min_fen';
  END IF;
  IF p_county_share_max_fen IS NULL OR p_county_share_max_fen < p_county_share_min_fen
     OR p_county_share_max_fen > p_premium_fen THEN
    RAISE EXCEPTION 'maximum county share must be between the minimum (% yuan) and the premium (% yuan)',
        aixin.yuan(p_county_share_min_fen), aixin.yuan(p_premium_fen)
      USING ERRCODE = 'AXB01', COLUMN = 'county_share_max_fen';
  END IF;
END;
$$;

-- Validate benefit caps given as [{"event": "illness", "max_payout_fen":
-- 1000000}, ...] (NULL: none) and return them as a JSON array in event
-- order.  The amount may be a JSON number or a string of digits.
CREATE FUNCTION aixin.benefits_normalise(p_benefits jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  elem jsonb;
  i int := 0;
  ev text;
  amount text;
  seen text[] := '{}';
  caps jsonb := '[]';
BEGIN
  IF p_benefits IS NULL OR p_benefits = 'null'::jsonb THEN
    RETURN caps;
  END IF;
  IF jsonb_typeof(p_benefits) <> 'array' THEN
    RAISE EXCEPTION 'benefits must be a JSON array' USING ERRCODE = 'AXB01', COLUMN = 'benefits';
  END IF;
  FOR elem IN SELECT e.value FROM jsonb_array_elements(p_benefits) AS e (value) LOOP
    IF jsonb_typeof(elem) <> 'object' THEN
      RAISE EXCEPTION 'benefit % must be an object with event and max_payout_fen', i
        USING ERRCODE = 'AXB01', COLUMN = format('benefits[%s]', i);
    END IF;
    ev := CASE WHEN jsonb_typeof(elem -> 'event') = 'string' THEN elem ->> 'event' END;
    IF ev IS NULL OR NOT (ev = ANY (aixin.benefit_events())) THEN
      RAISE EXCEPTION 'event must be one of %', array_to_string(aixin.benefit_events(), ', ')
        USING ERRCODE = 'AXB01', COLUMN = format('benefits[%s].event', i);
    END IF;
    IF ev = ANY (seen) THEN
      RAISE EXCEPTION 'event % is capped twice', ev USING ERRCODE = 'AXB01', COLUMN = 'benefits';
    END IF;
    seen := seen || ev;
    amount := CASE WHEN jsonb_typeof(elem -> 'max_payout_fen') IN ('number', 'string')
                   THEN elem ->> 'max_payout_fen' END;
    IF amount IS NULL OR amount !~ '^[0-9]{1,18}$' OR amount::bigint <= 0 THEN
      RAISE EXCEPTION 'maximum payout must be a positive whole number of fen'
        USING ERRCODE = 'AXB01', COLUMN = format('benefits[%s].max_payout_fen', i);
    END IF;
    caps := caps || jsonb_build_array(jsonb_build_object('event', ev,
                                                         'max_payout_fen', amount::bigint));
    i := i + 1;
  END LOOP;
  RETURN (SELECT coalesce(jsonb_agg(c.value ORDER BY array_position(aixin.benefit_events(),
                                                                    c.value ->> 'event')),
                          '[]'::jsonb)
            FROM jsonb_array_elements(caps) AS c (value));
END;
$$;

COMMENT ON FUNCTION aixin.benefits_normalise(jsonb) IS
  'Validate benefit caps [{"event", "max_payout_fen"}] (events unique) and return them in event order';

CREATE FUNCTION aixin.open_policy_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_year int, p_reference_date date, p_premium_fen bigint,
                                       p_city_subsidy_fen bigint, p_county_share_min_fen bigint,
                                       p_county_share_max_fen bigint, p_benefits jsonb)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  caps jsonb;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.open',
             jsonb_build_array(p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
                               p_county_share_min_fen, p_county_share_max_fen, p_benefits));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_year_render((prior ->> 'year')::int);
    RETURN;
  END IF;

  PERFORM aixin.check_policy_year_terms(p_year, p_reference_date, p_premium_fen,
                                        p_city_subsidy_fen, p_county_share_min_fen,
                                        p_county_share_max_fen);
  caps := aixin.benefits_normalise(p_benefits);

  BEGIN
    INSERT INTO aixin.policy_years (year, reference_date, premium_fen, city_subsidy_fen,
                                    county_share_min_fen, county_share_max_fen, created_by)
    VALUES (p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
            p_county_share_min_fen, p_county_share_max_fen, p_actor);
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'policy year % already exists', p_year USING ERRCODE = 'AXE01', COLUMN = 'year';
  END;
  INSERT INTO aixin.policy_year_benefits (policy_year, event, max_payout_fen)
  SELECT p_year, c.event, c.max_payout_fen
    FROM jsonb_to_recordset(caps) AS c (event text, max_payout_fen bigint);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.open', 'policy_year:' || p_year,
                      jsonb_build_object('reference_date', aixin.ymd(p_reference_date),
                                         'premium_fen', p_premium_fen,
                                         'city_subsidy_fen', p_city_subsidy_fen,
                                         'county_share_min_fen', p_county_share_min_fen,
                                         'county_share_max_fen', p_county_share_max_fen,
                                         'benefits', caps));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.open_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                           bigint, jsonb) IS
  'City admin only: open a policy year (reference date, premium, city subsidy, county share range, benefit caps)';

CREATE FUNCTION aixin.update_policy_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                         p_year int, p_reference_date date, p_premium_fen bigint,
                                         p_city_subsidy_fen bigint, p_county_share_min_fen bigint,
                                         p_county_share_max_fen bigint, p_benefits jsonb)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  caps jsonb;
  old_yr aixin.policy_years;
  old_caps jsonb;
  n bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.update',
             jsonb_build_array(p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
                               p_county_share_min_fen, p_county_share_max_fen, p_benefits));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_year_render((prior ->> 'year')::int);
    RETURN;
  END IF;

  PERFORM aixin.check_policy_year_terms(p_year, p_reference_date, p_premium_fen,
                                        p_city_subsidy_fen, p_county_share_min_fen,
                                        p_county_share_max_fen);
  caps := aixin.benefits_normalise(p_benefits);

  -- The lock waits for enrollments in flight (they hold share locks on the
  -- year); the count below then sees them.
  SELECT * INTO old_yr FROM aixin.policy_years y WHERE y.year = p_year FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
  SELECT count(*) INTO n FROM aixin.policies p WHERE p.policy_year = p_year;
  IF n > 0 THEN
    RAISE EXCEPTION 'policy year % is frozen: % policies already enrolled', p_year, n
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;
  SELECT coalesce(jsonb_agg(jsonb_build_object('event', b.event, 'max_payout_fen', b.max_payout_fen)
                            ORDER BY array_position(aixin.benefit_events(), b.event)), '[]'::jsonb)
    INTO old_caps
    FROM aixin.policy_year_benefits b
   WHERE b.policy_year = p_year;

  -- policy_years_guard checks the county terms already set for the year.
  UPDATE aixin.policy_years y
     SET reference_date = p_reference_date, premium_fen = p_premium_fen,
         city_subsidy_fen = p_city_subsidy_fen, county_share_min_fen = p_county_share_min_fen,
         county_share_max_fen = p_county_share_max_fen
   WHERE y.year = p_year;
  DELETE FROM aixin.policy_year_benefits b WHERE b.policy_year = p_year;
  INSERT INTO aixin.policy_year_benefits (policy_year, event, max_payout_fen)
  SELECT p_year, c.event, c.max_payout_fen
    FROM jsonb_to_recordset(caps) AS c (event text, max_payout_fen bigint);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.update', 'policy_year:' || p_year,
                      jsonb_build_object(
                        'before', jsonb_build_object(
                                    'reference_date', aixin.ymd(old_yr.reference_date),
                                    'premium_fen', old_yr.premium_fen,
                                    'city_subsidy_fen', old_yr.city_subsidy_fen,
                                    'county_share_min_fen', old_yr.county_share_min_fen,
                                    'county_share_max_fen', old_yr.county_share_max_fen,
                                    'benefits', old_caps),
                        'after', jsonb_build_object(
                                   'reference_date', aixin.ymd(p_reference_date),
                                   'premium_fen', p_premium_fen,
                                   'city_subsidy_fen', p_city_subsidy_fen,
                                   'county_share_min_fen', p_county_share_min_fen,
                                   'county_share_max_fen', p_county_share_max_fen,
                                   'benefits', caps)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.update_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                             bigint, jsonb) IS
  'City admin only: replace a year''s terms and benefit caps; refused once the year has a policy';

CREATE FUNCTION aixin.get_policy_year(p_actor bigint, p_year int)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
END;
$$;

COMMENT ON FUNCTION aixin.get_policy_year(bigint, int) IS
  'One policy year with its terms, benefit caps and number of policies';

CREATE FUNCTION aixin.list_policy_years(p_actor bigint)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  RETURN QUERY SELECT * FROM aixin.policy_year_render(NULL);
END;
$$;

COMMENT ON FUNCTION aixin.list_policy_years(bigint) IS
  'Every policy year with its terms, newest first';

-- ---------------------------------------------------------------------------
-- Insurers.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.insurer_render(p_insurer_id bigint)
RETURNS TABLE (id bigint, code text, name text, created_at bigint)
LANGUAGE sql STABLE AS $$
  SELECT i.id, i.code, i.name, aixin.epoch(i.created_at)
    FROM aixin.insurers i
   WHERE i.id = p_insurer_id
$$;

CREATE FUNCTION aixin.register_insurer(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_code text, p_name text)
RETURNS TABLE (id bigint, code text, name text, created_at bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'insurer.register',
             jsonb_build_array(p_code, p_name));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.insurer_render((prior ->> 'insurer_id')::bigint);
    RETURN;
  END IF;

  IF p_code IS NULL OR p_code !~ '^[a-z0-9_-]{2,32}$' THEN
    RAISE EXCEPTION 'insurer code must be 2-32 characters of a-z 0-9 _ -'
      USING ERRCODE = 'AXB01', COLUMN = 'code';
  END IF;
  IF NOT aixin.label_ok(p_name, 64) THEN
    RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'name';
  END IF;

  BEGIN
    INSERT INTO aixin.insurers (code, name, created_by)
    VALUES (p_code, p_name, p_actor)
    RETURNING aixin.insurers.id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'insurer % already exists', p_code USING ERRCODE = 'AXE01', COLUMN = 'code';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'insurer.register', 'insurer:' || new_id,
                      jsonb_build_object('code', aixin.audit_text(p_code),
                                         'name', aixin.audit_text(p_name)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('insurer_id', new_id));
  RETURN QUERY SELECT * FROM aixin.insurer_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.register_insurer(bigint, bigint, bytea, text, text) IS
  'City admin only: register an insurer under a short unique code';

CREATE FUNCTION aixin.list_insurers(p_actor bigint)
RETURNS TABLE (id bigint, code text, name text, created_at bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  RETURN QUERY
    SELECT i.id, i.code, i.name, aixin.epoch(i.created_at)
      FROM aixin.insurers i
     ORDER BY i.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.list_insurers(bigint) IS 'Every insurer, by code';

-- ---------------------------------------------------------------------------
-- County terms.
-- ---------------------------------------------------------------------------

-- The terms of one county-year (p_county_code NULL: every county of the
-- year) as county_terms_row, by county code.
CREATE FUNCTION aixin.county_terms_render(p_county_code text, p_year int)
RETURNS SETOF aixin.county_terms_row
LANGUAGE sql STABLE AS $$
  SELECT t.county_code, d.name, t.policy_year, y.city_subsidy_fen, t.county_share_fen,
         y.premium_fen - y.city_subsidy_fen - t.county_share_fen, i.code, i.name,
         aixin.county_policies(t.county_code, t.policy_year)
    FROM aixin.county_terms t
    JOIN aixin.divisions d ON d.code = t.county_code
    JOIN aixin.policy_years y ON y.year = t.policy_year
    JOIN aixin.insurers i ON i.id = t.insurer_id
   WHERE t.policy_year = p_year
     AND (p_county_code IS NULL OR t.county_code = p_county_code)
   ORDER BY t.county_code COLLATE "C"
$$;

CREATE FUNCTION aixin.set_county_terms(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_county_code text, p_year int, p_county_share_fen bigint,
                                       p_insurer_code text)
RETURNS SETOF aixin.county_terms_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  cty aixin.divisions;
  yr aixin.policy_years;
  ins aixin.insurers;
  old_terms aixin.county_terms;
  n bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'county_terms.set',
             jsonb_build_array(p_county_code, p_year, p_county_share_fen, p_insurer_code));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.county_terms_render(prior ->> 'county_code',
                                                         (prior ->> 'policy_year')::int);
    RETURN;
  END IF;

  SELECT * INTO cty FROM aixin.divisions d WHERE d.code = p_county_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'county % not found', p_county_code
      USING ERRCODE = 'AXN01', COLUMN = 'county_code';
  END IF;
  IF cty.level <> 'county' THEN
    RAISE EXCEPTION 'division % is a %, not a county', p_county_code, cty.level
      USING ERRCODE = 'AXB01', COLUMN = 'county_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, cty.code) THEN
    RAISE EXCEPTION 'county % is outside your division', p_county_code
      USING ERRCODE = 'AXP01', COLUMN = 'county_code';
  END IF;
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = p_year FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  SELECT * INTO ins FROM aixin.insurers i WHERE i.code = p_insurer_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insurer % not found', p_insurer_code
      USING ERRCODE = 'AXN01', COLUMN = 'insurer_code';
  END IF;
  PERFORM aixin.check_county_share(yr, p_county_share_fen);

  -- The row lock waits for enrollments in flight (they hold share locks on
  -- the terms they copy); the count then sees them.  county_terms_rules
  -- checks the same again for any writer.
  SELECT * INTO old_terms FROM aixin.county_terms t
   WHERE t.county_code = cty.code AND t.policy_year = yr.year
     FOR UPDATE;
  IF FOUND THEN
    n := aixin.county_policies(cty.code, yr.year);
    IF n > 0 THEN
      RAISE EXCEPTION 'county % is frozen for %: % policies already enrolled', cty.code, yr.year, n
        USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
    END IF;
    UPDATE aixin.county_terms t
       SET county_share_fen = p_county_share_fen, insurer_id = ins.id, set_at = now(),
           set_by = p_actor
     WHERE t.county_code = cty.code AND t.policy_year = yr.year;
  ELSE
    BEGIN
      INSERT INTO aixin.county_terms (county_code, policy_year, county_share_fen, insurer_id, set_by)
      VALUES (cty.code, yr.year, p_county_share_fen, ins.id, p_actor);
    EXCEPTION WHEN unique_violation THEN
      -- A concurrent first setting won; this one is not a blind overwrite.
      RAISE EXCEPTION 'terms of county % for % were set concurrently; retry', cty.code, yr.year
        USING ERRCODE = 'AXE01', COLUMN = 'county_code';
    END;
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'county_terms.set',
                      'county_terms:' || cty.code || ':' || yr.year,
                      jsonb_build_object('county_share_fen', p_county_share_fen,
                                         'insurer_code', ins.code,
                                         'before', CASE WHEN old_terms.county_code IS NULL THEN NULL
                                                   ELSE jsonb_build_object(
                                                     'county_share_fen', old_terms.county_share_fen,
                                                     'insurer_code', (SELECT i.code FROM aixin.insurers i
                                                                       WHERE i.id = old_terms.insurer_id))
                                                   END));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('county_code', cty.code, 'policy_year', yr.year));
  RETURN QUERY SELECT * FROM aixin.county_terms_render(cty.code, yr.year);
END;
$$;

COMMENT ON FUNCTION aixin.set_county_terms(bigint, bigint, bytea, text, int, bigint, text) IS
  'City admin only: set a county''s share and insurer for a year; refused once the county has policies in it';

CREATE FUNCTION aixin.list_county_terms(p_actor bigint, p_year int)
RETURNS SETOF aixin.county_terms_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p_year) THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  -- A county in the actor's division, or the county the actor's township
  -- belongs to.
  RETURN QUERY
    SELECT r.*
      FROM aixin.county_terms_render(NULL, p_year) r
     WHERE aixin.in_scope(acct.division_code, r.county_code)
        OR aixin.in_scope(r.county_code, acct.division_code);
END;
$$;

COMMENT ON FUNCTION aixin.list_county_terms(bigint, int) IS
  'The county terms of a year for the counties the actor works in or under, by county code';

-- ---------------------------------------------------------------------------
-- Census.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.census_render(p_submission_id bigint) RETURNS SETOF aixin.census_row
LANGUAGE sql STABLE AS $$
  SELECT s.township_code, d.name, s.policy_year, s.eligible_households, s.revision, s.note,
         a.username, aixin.epoch(s.submitted_at),
         s.revision = (SELECT max(l.revision) FROM aixin.census_submissions l
                        WHERE l.township_code = s.township_code
                          AND l.policy_year = s.policy_year)
    FROM aixin.census_submissions s
    JOIN aixin.divisions d ON d.code = s.township_code
    JOIN aixin.accounts a ON a.id = s.submitted_by
   WHERE s.id = p_submission_id
$$;

CREATE FUNCTION aixin.submit_census(p_actor bigint, p_request_id bigint, p_key bytea,
                                    p_township_code text, p_year int, p_eligible bigint,
                                    p_note text)
RETURNS SETOF aixin.census_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  twp aixin.divisions;
  clean_note text := nullif(p_note, '');
  new_id bigint;
  new_rev int;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'census.submit',
             jsonb_build_array(p_township_code, p_year, p_eligible, p_note));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.census_render((prior ->> 'census_id')::bigint);
    RETURN;
  END IF;

  SELECT * INTO twp FROM aixin.divisions d WHERE d.code = p_township_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'township % not found', p_township_code
      USING ERRCODE = 'AXN01', COLUMN = 'township_code';
  END IF;
  IF twp.level <> 'township' THEN
    RAISE EXCEPTION 'division % is a %, not a township', p_township_code, twp.level
      USING ERRCODE = 'AXB01', COLUMN = 'township_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp.code) THEN
    RAISE EXCEPTION 'township % is outside your division', p_township_code
      USING ERRCODE = 'AXP01', COLUMN = 'township_code';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p_year) THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF p_eligible IS NULL OR p_eligible < 0 THEN
    RAISE EXCEPTION 'eligible households must be 0 or more'
      USING ERRCODE = 'AXB01', COLUMN = 'eligible_households';
  END IF;
  IF clean_note IS NOT NULL AND NOT aixin.label_ok(clean_note, 200) THEN
    RAISE EXCEPTION 'note must be one line of at most 200 characters, without surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'note';
  END IF;

  -- census_submissions_number locks the township and numbers the revision.
  INSERT INTO aixin.census_submissions (township_code, policy_year, eligible_households, note,
                                        submitted_by)
  VALUES (twp.code, p_year, p_eligible, clean_note, p_actor)
  RETURNING id, revision INTO new_id, new_rev;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'census.submit',
                      'census:' || twp.code || ':' || p_year,
                      jsonb_build_object('eligible_households', p_eligible, 'revision', new_rev,
                                         'note', aixin.audit_text(clean_note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('census_id', new_id));
  RETURN QUERY SELECT * FROM aixin.census_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.submit_census(bigint, bigint, bytea, text, int, bigint, text) IS
  'Submit (or correct, as a new revision) the eligible households of a township in a year';

CREATE FUNCTION aixin.list_census(p_actor bigint, p_year int, p_division_code text,
                                  p_history boolean)
RETURNS SETOF aixin.census_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root text := coalesce(nullif(p_division_code, ''), acct.division_code);
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles());
  IF NOT EXISTS (SELECT 1 FROM aixin.divisions d WHERE d.code = root) THEN
    RAISE EXCEPTION 'division % not found', root USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, root) THEN
    RAISE EXCEPTION 'division % is outside your division', root
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p_year) THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  RETURN QUERY
    SELECT x.township_code, x.township_name, x.policy_year, x.eligible_households, x.revision,
           x.note, x.submitted_by, x.submitted_at, x.current
      FROM (SELECT s.township_code, d.name AS township_name, s.policy_year,
                   s.eligible_households, s.revision, s.note, a.username AS submitted_by,
                   aixin.epoch(s.submitted_at) AS submitted_at,
                   s.revision = max(s.revision) OVER (PARTITION BY s.township_code) AS current
              FROM aixin.census_submissions s
              JOIN aixin.divisions d ON d.code = s.township_code
              JOIN aixin.accounts a ON a.id = s.submitted_by
             WHERE s.policy_year = p_year
               AND (d.code = root OR d.county_code = root OR d.city_code = root)) x
     WHERE coalesce(p_history, false) OR x.current
     ORDER BY x.township_code COLLATE "C", x.revision;
END;
$$;

COMMENT ON FUNCTION aixin.list_census(bigint, int, text, boolean) IS
  'Census figures of the townships in a division for a year: current revisions, or every revision';

-- ---------------------------------------------------------------------------
-- Disbursements and the ledger.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.disbursement_render(p_disbursement_id bigint)
RETURNS SETOF aixin.disbursement_row
LANGUAGE sql STABLE AS $$
  SELECT x.id, x.level, x.division_code, d.name, x.policy_year, x.amount_fen,
         aixin.ymd(x.paid_on), x.reference, a.username, aixin.epoch(x.recorded_at)
    FROM aixin.disbursements x
    JOIN aixin.divisions d ON d.code = x.division_code
    JOIN aixin.accounts a ON a.id = x.recorded_by
   WHERE x.id = p_disbursement_id
$$;

-- Who records what: the city admin any level; a county clerk its county's
-- and its townships' payments; a township clerk its township's.  That is
-- exactly "a writer whose division contains the paying division".
CREATE FUNCTION aixin.record_disbursement(p_actor bigint, p_request_id bigint, p_key bytea,
                                          p_level text, p_division_code text, p_year int,
                                          p_amount_fen bigint, p_paid_on date, p_reference text)
RETURNS SETOF aixin.disbursement_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  div aixin.divisions;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'disbursement.record',
             jsonb_build_array(p_level, p_division_code, p_year, p_amount_fen, p_paid_on,
                               p_reference));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.disbursement_render((prior ->> 'disbursement_id')::bigint);
    RETURN;
  END IF;

  IF p_level IS NULL OR p_level NOT IN ('city', 'county', 'township') THEN
    RAISE EXCEPTION 'level must be city, county or township'
      USING ERRCODE = 'AXB01', COLUMN = 'level';
  END IF;
  SELECT * INTO div FROM aixin.divisions d WHERE d.code = p_division_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', p_division_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF div.level <> p_level THEN
    RAISE EXCEPTION 'division % is a %, not a %', p_division_code, div.level, p_level
      USING ERRCODE = 'AXB01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, div.code) THEN
    RAISE EXCEPTION 'a % may not record payments of % %', acct.role, div.level, div.code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p_year) THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF p_amount_fen IS NULL OR p_amount_fen <= 0 THEN
    RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'AXB01', COLUMN = 'amount_fen';
  END IF;
  IF p_paid_on IS NULL OR p_paid_on < DATE '2000-01-01' OR p_paid_on > aixin.local_today() THEN
    RAISE EXCEPTION 'payment date must be between 2000-01-01 and today (%)',
        aixin.ymd(aixin.local_today())
      USING ERRCODE = 'AXB01', COLUMN = 'paid_on';
  END IF;
  IF NOT aixin.label_ok(p_reference, 64) THEN
    RAISE EXCEPTION 'reference must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'reference';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.disbursements x
              WHERE x.level = p_level AND x.division_code = div.code
                AND x.policy_year = p_year AND x.reference = p_reference) THEN
    RAISE EXCEPTION 'payment % of % for % is already recorded', p_reference, div.code, p_year
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END IF;

  BEGIN
    INSERT INTO aixin.disbursements (level, division_code, policy_year, amount_fen, paid_on,
                                     reference, recorded_by)
    VALUES (p_level, div.code, p_year, p_amount_fen, p_paid_on, p_reference, p_actor)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'payment % of % for % is already recorded', p_reference, div.code, p_year
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'disbursement.record',
                      'disbursement:' || new_id,
                      jsonb_build_object('level', p_level, 'division_code', div.code,
                                         'policy_year', p_year, 'amount_fen', p_amount_fen,
                                         'paid_on', aixin.ymd(p_paid_on),
                                         'reference', aixin.audit_text(p_reference)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('disbursement_id', new_id));
  RETURN QUERY SELECT * FROM aixin.disbursement_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.record_disbursement(bigint, bigint, bytea, text, text, int, bigint, date,
                                              text) IS
  'Record money paid in by the city, a county or a township for a year; each voucher once';

-- What each paying division under a root owes (the sum of its shares of
-- the frozen policy splits), has paid and has outstanding.  Policies are
-- grouped once by (year, township) and rolled up to counties and the city;
-- rows above the root's level are not shown (they would be partial).
--
-- The root's townships are a range of township codes: a township code is
-- 9 digits extending its county's code (divisions_shape), and one
-- deployment is one city, so a city root takes every code.  Plans are made
-- for the actual arguments (plan_cache_mode), so that the years and the
-- range read policies_year_township_idx alone: the city's policies of a
-- year in one pass, a county's as one contiguous slice per year.
CREATE FUNCTION aixin.get_ledger(p_actor bigint, p_year int, p_division_code text)
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
      SELECT p.policy_year, p.township_code, count(*) AS n,
             sum(p.city_share_fen) AS city_fen, sum(p.county_share_fen) AS county_fen,
             sum(p.township_share_fen) AS township_fen
        FROM aixin.policies p
       WHERE p.policy_year = ANY (years)
         AND p.township_code BETWEEN twp_lo AND twp_hi
       GROUP BY p.policy_year, p.township_code
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

CREATE FUNCTION aixin.city_subsidy_paid_to_date(p_actor bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles());
  RETURN (SELECT coalesce(sum(x.amount_fen), 0)::bigint
            FROM aixin.disbursements x
           WHERE x.level = 'city');
END;
$$;

COMMENT ON FUNCTION aixin.city_subsidy_paid_to_date(bigint) IS
  'The city''s subsidy paid in over every year (city-level disbursements), fen';

-- ---------------------------------------------------------------------------
-- Policies: enroll and list with the split.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION aixin.policy_render(p_policy_id bigint) RETURNS SETOF aixin.policy_row
LANGUAGE sql STABLE AS $$
  SELECT 'ok', p.id, p.policy_year, p.child_id, c.id_number, c.name, p.household_id,
         p.township_code, p.premium_fen, aixin.epoch(p.enrolled_at),
         p.city_share_fen, p.county_share_fen, p.township_share_fen, i.code
    FROM aixin.policies p
    JOIN aixin.children c ON c.id = p.child_id
    JOIN aixin.insurers i ON i.id = p.insurer_id
   WHERE p.id = p_policy_id
$$;

CREATE FUNCTION aixin.policy_not_found() RETURNS aixin.policy_row
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW('not_found', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL)::aixin.policy_row
$$;

-- As in 0002, and the split is frozen from the terms in force: city share
-- = the year's city subsidy, county share and insurer = the county's terms
-- for the year, township share = the rest.
CREATE OR REPLACE FUNCTION aixin.enroll(p_actor bigint, p_request_id bigint, p_key bytea,
                                        p_child_id_number text, p_year int)
RETURNS SETOF aixin.policy_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  idn text := upper(p_child_id_number);
  kid aixin.children;
  twp text;
  county text;
  yr aixin.policy_years;
  ct aixin.county_terms;
  ins_code text;
  township_share bigint;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy.enroll',
             jsonb_build_array(p_child_id_number, p_year));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_render((prior ->> 'policy_id')::bigint);
    RETURN;
  END IF;

  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  SELECT c.* INTO kid FROM aixin.children c WHERE c.id_number = idn;
  IF FOUND THEN
    SELECT h.township_code INTO twp FROM aixin.households h WHERE h.id = kid.household_id;
  END IF;
  IF kid.id IS NULL OR NOT aixin.in_scope(acct.division_code, twp) THEN
    RAISE EXCEPTION 'child not found' USING ERRCODE = 'AXN01', COLUMN = 'child_id_number';
  END IF;
  -- Share locks on the terms copied below (see the freeze rule in 0003).
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = p_year FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.policies p
              WHERE p.child_id = kid.id AND p.policy_year = yr.year) THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END IF;
  SELECT d.county_code INTO county FROM aixin.divisions d WHERE d.code = twp;
  SELECT * INTO ct FROM aixin.county_terms t
   WHERE t.county_code = county AND t.policy_year = yr.year
     FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'county % has no share and insurer set for %', county, yr.year
      USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
  END IF;
  SELECT i.code INTO ins_code FROM aixin.insurers i WHERE i.id = ct.insurer_id;
  township_share := yr.premium_fen - yr.city_subsidy_fen - ct.county_share_fen;

  -- The policies_rules trigger checks the age and the split (AXR01/AXB01);
  -- the unique constraint decides between concurrent enrollments.
  BEGIN
    INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
                                premium_fen, city_share_fen, county_share_fen,
                                township_share_fen, insurer_id, enrolled_by)
    VALUES (yr.year, kid.id, kid.household_id, twp, yr.premium_fen, yr.city_subsidy_fen,
            ct.county_share_fen, township_share, ct.insurer_id, p_actor)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy.enroll', 'policy:' || new_id,
                      jsonb_build_object('child_id', kid.id, 'policy_year', yr.year,
                                         'premium_fen', yr.premium_fen,
                                         'city_share_fen', yr.city_subsidy_fen,
                                         'county_share_fen', ct.county_share_fen,
                                         'township_share_fen', township_share,
                                         'insurer_code', ins_code));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('policy_id', new_id));
  RETURN QUERY SELECT * FROM aixin.policy_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.enroll(bigint, bigint, bytea, text, int) IS
  'Enroll a child aged 0-6 on the year''s reference date, freezing the premium split and insurer of its county';

CREATE OR REPLACE FUNCTION aixin.list_policies(p_actor bigint, p_request_id bigint,
                                               p_child_id_number text)
RETURNS SETOF aixin.policy_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  idn text := upper(p_child_id_number);
  kid_id bigint;
  twp text;
BEGIN
  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  IF NOT (acct.role = ANY (aixin.reader_roles())) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.denied',
                        'child_id_number:' || aixin.mask_id(idn),
                        jsonb_build_object('reason', 'role', 'role', acct.role));
    RETURN NEXT aixin.policy_not_found();
    RETURN;
  END IF;

  SELECT c.id, h.township_code INTO kid_id, twp
    FROM aixin.children c
    JOIN aixin.households h ON h.id = c.household_id
   WHERE c.id_number = idn;
  IF NOT FOUND THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.missing',
                        'child_id_number:' || aixin.mask_id(idn), NULL);
    RETURN NEXT aixin.policy_not_found();
    RETURN;
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.denied', 'child:' || kid_id,
                        jsonb_build_object('reason', 'scope', 'id_number', aixin.mask_id(idn)));
    RETURN NEXT aixin.policy_not_found();
    RETURN;
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read', 'child:' || kid_id,
                      jsonb_build_object('id_number', aixin.mask_id(idn)));
  RETURN QUERY
    SELECT 'ok'::text, p.id, p.policy_year, p.child_id, c.id_number, c.name, p.household_id,
           p.township_code, p.premium_fen, aixin.epoch(p.enrolled_at),
           p.city_share_fen, p.county_share_fen, p.township_share_fen, i.code
      FROM aixin.policies p
      JOIN aixin.children c ON c.id = p.child_id
      JOIN aixin.insurers i ON i.id = p.insurer_id
     WHERE p.child_id = kid_id
     ORDER BY p.policy_year DESC;
END;
$$;

COMMENT ON FUNCTION aixin.list_policies(bigint, bigint, text) IS
  'The policies of a child in the reader''s scope with their split and insurer, newest year first; audited';
