-- aixin schema: divisions, accounts, sessions, households, children,
-- policy years, policies, idempotency keys and the audit log.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Every rule the daemon checks is checked here again: the database is the
-- last line of defence against a buggy or hostile client of the database.
--
-- Conventions
--   * money is integer fen (1/100 yuan), never floating point;
--   * timestamps are timestamptz; the server runs in UTC and SQL that needs
--     the local calendar names the zone explicitly ('Asia/Shanghai');
--   * ID numbers (GB 11643-1999) are stored canonical: 18 characters,
--     upper-case check character.  They never appear unmasked in audit_log.

CREATE SCHEMA aixin;

COMMENT ON SCHEMA aixin IS 'Child-insurance programme: registry, policies, audit';

-- ---------------------------------------------------------------------------
-- Pure helper functions used by CHECK constraints (immutable).
-- ---------------------------------------------------------------------------

-- Birth date encoded in an ID number (characters 7-14), or NULL when the
-- string is not shaped like an ID number or the date does not exist.
CREATE FUNCTION aixin.id_birth_date(p_id text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  y int;
  m int;
  d int;
  first_of_month date;
BEGIN
  IF p_id !~ '^[0-9]{17}[0-9X]$' THEN
    RETURN NULL;
  END IF;
  y := substr(p_id, 7, 4)::int;
  m := substr(p_id, 11, 2)::int;
  d := substr(p_id, 13, 2)::int;
  IF y < 1900 OR y > 2100 OR m < 1 OR m > 12 OR d < 1 THEN
    RETURN NULL;
  END IF;
  first_of_month := make_date(y, m, 1);
  IF d > extract(day FROM first_of_month + interval '1 month - 1 day')::int THEN
    RETURN NULL;
  END IF;
  RETURN make_date(y, m, d);
END;
$$;

COMMENT ON FUNCTION aixin.id_birth_date(text) IS
  'Birth date in a GB 11643-1999 ID number (chars 7-14); NULL if malformed or not a real date';

-- Sex encoded in an ID number: odd 17th digit male ('M'), even female ('F').
CREATE FUNCTION aixin.id_sex(p_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
           WHEN p_id !~ '^[0-9]{17}' THEN NULL
           WHEN (ascii(substr(p_id, 17, 1)) - 48) % 2 = 1 THEN 'M'
           ELSE 'F'
         END
$$;

COMMENT ON FUNCTION aixin.id_sex(text) IS
  'Sex in a GB 11643-1999 ID number: M when the 17th digit is odd, else F';

-- ISO 7064 MOD 11-2 check character for the first 17 digits of an ID
-- number ('0'-'9' or 'X'); NULL unless given exactly 17 digits.
CREATE FUNCTION aixin.id_check_char(p_digits17 text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  weights constant int[] := '{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}';
  total int := 0;
BEGIN
  IF p_digits17 !~ '^[0-9]{17}$' THEN
    RETURN NULL;
  END IF;
  FOR i IN 1..17 LOOP
    total := total + (ascii(substr(p_digits17, i, 1)) - 48) * weights[i];
  END LOOP;
  RETURN substr('10X98765432', total % 11 + 1, 1);
END;
$$;

COMMENT ON FUNCTION aixin.id_check_char(text) IS
  'ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999)';

-- GB 11643-1999: 17 digits, then the check character, with a real birth
-- date at characters 7-14.  Upper-case X only: callers normalise with
-- upper() before storing.
CREATE FUNCTION aixin.id_number_valid(p_id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT p_id ~ '^[0-9]{17}[0-9X]$'
     AND aixin.id_check_char(left(p_id, 17)) = substr(p_id, 18, 1)
     AND aixin.id_birth_date(p_id) IS NOT NULL
$$;

COMMENT ON FUNCTION aixin.id_number_valid(text) IS
  'True for a GB 11643-1999 ID number: 17 digits + ISO 7064 MOD 11-2 check char, real birth date';

-- Masked form for logs and the audit trail: first 6, eight stars, last 4
-- (360821********123X).  Anything too short to mask keeps nothing.
CREATE FUNCTION aixin.mask_id(p_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
           WHEN char_length(p_id) >= 10
             THEN left(p_id, 6) || '********' || right(p_id, 4)
           ELSE '********'
         END
$$;

COMMENT ON FUNCTION aixin.mask_id(text) IS
  'ID number masked as first 6 + ******** + last 4, for audit rows and logs';

-- A human-entered label: 1..max_len characters, no control characters, no
-- leading or trailing blanks.
CREATE FUNCTION aixin.label_ok(p_text text, p_max_len int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_text IS NOT NULL
     AND char_length(p_text) BETWEEN 1 AND p_max_len
     AND p_text !~ '[\u0001-\u001f\u007f-\u009f]'
     AND p_text !~ '^\s|\s$'
$$;

COMMENT ON FUNCTION aixin.label_ok(text, int) IS
  'Text of 1..max_len characters without control characters or surrounding blanks';

-- ---------------------------------------------------------------------------
-- Divisions (GB/T 2260 city and counties, 9-digit townships).
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.divisions (
  code        text NOT NULL PRIMARY KEY,
  name        text NOT NULL CHECK (aixin.label_ok(name, 64)),
  parent_code text,
  level       text NOT NULL CHECK (level IN ('city', 'county', 'township')),
  -- Precomputed so that a scope check is one row lookup: a township's
  -- county is its parent and its city the county's parent; a county's
  -- county_code is itself; the city's city_code is itself.
  county_code text,
  city_code   text NOT NULL,
  UNIQUE (code, level),
  UNIQUE (code, city_code),
  CONSTRAINT divisions_shape CHECK (
       (level = 'city'
        AND code ~ '^[0-9]{6}$'
        AND parent_code IS NULL
        AND county_code IS NULL
        AND city_code = code)
    OR (level = 'county'
        AND code ~ '^[0-9]{6}$'
        AND parent_code IS NOT NULL
        AND county_code = code
        AND city_code = parent_code)
    OR (level = 'township'
        AND code ~ '^[0-9]{9}$'
        AND parent_code = left(code, 6)
        AND county_code = parent_code
        AND city_code <> county_code)
  ),
  FOREIGN KEY (parent_code) REFERENCES aixin.divisions (code),
  -- The parent's city must be ours.  For a county this forces the parent to
  -- be a city (only a city has city_code = code); for a township, together
  -- with city_code <> county_code, it forces the parent to be a county.
  CONSTRAINT divisions_parent_city_fkey
    FOREIGN KEY (parent_code, city_code) REFERENCES aixin.divisions (code, city_code)
);

-- One deployment serves one city.
CREATE UNIQUE INDEX divisions_one_city ON aixin.divisions (level) WHERE level = 'city';
CREATE INDEX divisions_parent_idx ON aixin.divisions (parent_code);
CREATE INDEX divisions_county_idx ON aixin.divisions (county_code);

COMMENT ON TABLE aixin.divisions IS
  'Administrative divisions loaded at set-up (deploy/divisions-*.csv): one city, its counties, their townships';

-- Fill county_code/city_code from the parent on insert; code, level and
-- parent never change afterwards (names may).
CREATE FUNCTION aixin.divisions_derive() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  parent aixin.divisions;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.code <> OLD.code OR NEW.level <> OLD.level
       OR NEW.parent_code IS DISTINCT FROM OLD.parent_code THEN
      RAISE EXCEPTION 'the code, level and parent of division % cannot change', OLD.code
        USING ERRCODE = 'AXB01', COLUMN = 'code';
    END IF;
    NEW.county_code := OLD.county_code;
    NEW.city_code := OLD.city_code;
    RETURN NEW;
  END IF;

  IF NEW.level = 'city' THEN
    NEW.county_code := NULL;
    NEW.city_code := NEW.code;
    RETURN NEW;
  END IF;

  SELECT * INTO parent FROM aixin.divisions d WHERE d.code = NEW.parent_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'parent division % of % not found', NEW.parent_code, NEW.code
      USING ERRCODE = 'AXN01', COLUMN = 'parent_code';
  END IF;
  IF NEW.level = 'county' THEN
    IF parent.level <> 'city' THEN
      RAISE EXCEPTION 'the parent of county % must be a city', NEW.code
        USING ERRCODE = 'AXB01', COLUMN = 'parent_code';
    END IF;
    NEW.county_code := NEW.code;
    NEW.city_code := parent.code;
  ELSE
    IF parent.level <> 'county' THEN
      RAISE EXCEPTION 'the parent of township % must be a county', NEW.code
        USING ERRCODE = 'AXB01', COLUMN = 'parent_code';
    END IF;
    NEW.county_code := parent.code;
    NEW.city_code := parent.city_code;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER divisions_derive
  BEFORE INSERT OR UPDATE ON aixin.divisions
  FOR EACH ROW EXECUTE FUNCTION aixin.divisions_derive();

-- ---------------------------------------------------------------------------
-- Accounts and sessions.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.accounts (
  id             bigserial PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,32}$'),
  -- libsodium crypto_pwhash_str() output (argon2id).
  password_hash  text NOT NULL
                 CHECK (password_hash LIKE '$argon2id$%' AND char_length(password_hash) <= 255),
  role           text NOT NULL
                 CHECK (role IN ('city_admin', 'county_clerk', 'township_clerk',
                                 'insurer_adjuster', 'auditor')),
  division_code  text NOT NULL,
  -- Copy of the division's level, kept honest by the composite foreign key,
  -- so that the role/level rule below is a plain CHECK.
  division_level text NOT NULL,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     bigint REFERENCES aixin.accounts (id),
  FOREIGN KEY (division_code, division_level) REFERENCES aixin.divisions (code, level),
  CONSTRAINT accounts_role_level CHECK (
       (role = 'city_admin' AND division_level = 'city')
    OR (role = 'county_clerk' AND division_level = 'county')
    OR (role = 'township_clerk' AND division_level = 'township')
    OR role IN ('insurer_adjuster', 'auditor')
  )
);

CREATE INDEX accounts_division_idx ON aixin.accounts (division_code);

COMMENT ON TABLE aixin.accounts IS
  'Operators; an account acts within its division (and everything below it)';

CREATE TABLE aixin.sessions (
  token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  account_id   bigint NOT NULL REFERENCES aixin.accounts (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at > created_at)
);

CREATE INDEX sessions_account_idx ON aixin.sessions (account_id);
CREATE INDEX sessions_expires_idx ON aixin.sessions (expires_at);

COMMENT ON TABLE aixin.sessions IS
  'Login sessions; only the SHA-256 of the token is stored';

-- ---------------------------------------------------------------------------
-- Households, guardians, children.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.households (
  id             bigserial PRIMARY KEY,
  township_code  text NOT NULL,
  township_level text NOT NULL DEFAULT 'township' CHECK (township_level = 'township'),
  kind           text NOT NULL CHECK (kind IN ('only_child', 'two_daughters')),
  -- The only-child certificate (独生子女证) number; a two-daughter household
  -- may have a document number or none.  Printable ASCII without spaces.
  certificate_no text UNIQUE CHECK (certificate_no ~ '^[!-~]{1,32}$'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     bigint NOT NULL REFERENCES aixin.accounts (id),
  CONSTRAINT households_certificate_required
    CHECK (certificate_no IS NOT NULL OR kind = 'two_daughters'),
  UNIQUE (id, township_code),
  FOREIGN KEY (township_code, township_level) REFERENCES aixin.divisions (code, level)
);

CREATE INDEX households_township_idx ON aixin.households (township_code);

COMMENT ON TABLE aixin.households IS
  'Family-planning households: only-child (certificate holders) and two-daughter households';

-- The kind and the township of a household are fixed: the children rules
-- and the copies in policies depend on them.
CREATE FUNCTION aixin.households_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.township_code <> OLD.township_code THEN
    RAISE EXCEPTION 'the kind and township of household % cannot change', OLD.id
      USING ERRCODE = 'AXB01', COLUMN = 'kind';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER households_guard
  BEFORE UPDATE ON aixin.households
  FOR EACH ROW EXECUTE FUNCTION aixin.households_guard();

CREATE TABLE aixin.guardians (
  household_id bigint NOT NULL REFERENCES aixin.households (id),
  position     smallint NOT NULL CHECK (position IN (1, 2)),
  id_number    text NOT NULL CHECK (aixin.id_number_valid(id_number)),
  name         text NOT NULL CHECK (aixin.label_ok(name, 64)),
  PRIMARY KEY (household_id, position),
  -- A person is a guardian of at most one household.
  CONSTRAINT guardians_id_number_key UNIQUE (id_number)
);

COMMENT ON TABLE aixin.guardians IS 'One or two guardians (parents) per household';

CREATE TABLE aixin.children (
  id           bigserial PRIMARY KEY,
  household_id bigint NOT NULL REFERENCES aixin.households (id),
  id_number    text NOT NULL CHECK (aixin.id_number_valid(id_number)),
  name         text NOT NULL CHECK (aixin.label_ok(name, 64)),
  sex          char(1) NOT NULL CHECK (sex IN ('M', 'F')),
  birth_date   date NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   bigint NOT NULL REFERENCES aixin.accounts (id),
  CONSTRAINT children_id_number_key UNIQUE (id_number),
  UNIQUE (id, household_id),
  CONSTRAINT children_birth_date_matches_id CHECK (birth_date = aixin.id_birth_date(id_number)),
  CONSTRAINT children_sex_matches_id CHECK (sex = aixin.id_sex(id_number))
);

CREATE INDEX children_household_idx ON aixin.children (household_id);

COMMENT ON TABLE aixin.children IS
  'Children of registered households; birth date and sex agree with the ID number';

-- Household composition rules, checked with the household row locked so
-- that two concurrent additions to one household are serialised:
--   only_child: at most one child; two_daughters: at most two, daughters only.
CREATE FUNCTION aixin.children_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  hh_kind text;
  siblings int;
BEGIN
  SELECT h.kind INTO hh_kind
    FROM aixin.households h
   WHERE h.id = NEW.household_id
     FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;

  SELECT count(*) INTO siblings
    FROM aixin.children c
   WHERE c.household_id = NEW.household_id
     AND c.id <> NEW.id;

  IF hh_kind = 'only_child' AND siblings >= 1 THEN
    RAISE EXCEPTION 'an only-child household has at most one child'
      USING ERRCODE = 'AXR01', COLUMN = 'household_id';
  END IF;
  IF hh_kind = 'two_daughters' AND NEW.sex <> 'F' THEN
    RAISE EXCEPTION 'a two-daughter household registers daughters only'
      USING ERRCODE = 'AXR01', COLUMN = 'sex';
  END IF;
  IF hh_kind = 'two_daughters' AND siblings >= 2 THEN
    RAISE EXCEPTION 'a two-daughter household has at most two children'
      USING ERRCODE = 'AXR01', COLUMN = 'household_id';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER children_rules
  BEFORE INSERT OR UPDATE OF household_id, sex ON aixin.children
  FOR EACH ROW EXECUTE FUNCTION aixin.children_rules();

-- ---------------------------------------------------------------------------
-- Policy years and policies.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.policy_years (
  year           int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  -- Ages are counted on this date (0-6 on it means eligible).
  reference_date date NOT NULL,
  premium_fen    bigint NOT NULL CHECK (premium_fen > 0 AND premium_fen <= 100000000),
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     bigint NOT NULL REFERENCES aixin.accounts (id),
  CONSTRAINT policy_years_reference_in_range
    CHECK (reference_date BETWEEN make_date(year - 1, 1, 1) AND make_date(year, 12, 31))
);

COMMENT ON TABLE aixin.policy_years IS
  'Policy years opened by the city: reference date for ages, premium per policy in fen';

-- Once a year has policies, its premium and reference date are frozen.
CREATE FUNCTION aixin.policy_years_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.year <> OLD.year OR NEW.reference_date <> OLD.reference_date
      OR NEW.premium_fen <> OLD.premium_fen)
     AND EXISTS (SELECT 1 FROM aixin.policies p WHERE p.policy_year = OLD.year) THEN
    RAISE EXCEPTION 'policy year % already has policies; it cannot change', OLD.year
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TABLE aixin.policies (
  id            bigserial PRIMARY KEY,
  policy_year   int NOT NULL REFERENCES aixin.policy_years (year),
  child_id      bigint NOT NULL,
  household_id  bigint NOT NULL,
  township_code text NOT NULL,
  -- Frozen from the policy year at enrollment.
  premium_fen   bigint NOT NULL CHECK (premium_fen > 0),
  enrolled_at   timestamptz NOT NULL DEFAULT now(),
  enrolled_by   bigint NOT NULL REFERENCES aixin.accounts (id),
  -- One policy per child and year.
  CONSTRAINT policies_child_year_key UNIQUE (child_id, policy_year),
  -- The copies of household and township must be the child's.
  FOREIGN KEY (child_id, household_id) REFERENCES aixin.children (id, household_id),
  FOREIGN KEY (household_id, township_code) REFERENCES aixin.households (id, township_code)
);

CREATE INDEX policies_township_year_idx ON aixin.policies (township_code, policy_year);
CREATE INDEX policies_year_idx ON aixin.policies (policy_year);
CREATE INDEX policies_household_idx ON aixin.policies (household_id);

COMMENT ON TABLE aixin.policies IS
  'One policy per child per policy year; household and township copied for reporting';

CREATE TRIGGER policy_years_guard
  BEFORE UPDATE ON aixin.policy_years
  FOR EACH ROW EXECUTE FUNCTION aixin.policy_years_guard();

-- Eligibility and premium, checked for every policy row however it is
-- written: the child is 0-6 years old on the year's reference date (born on
-- or before it and before their 7th birthday) and the premium is the
-- year's.  A policy's year, child and premium never change.
CREATE FUNCTION aixin.policies_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  born date;
  age_years int;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.policy_year <> OLD.policy_year OR NEW.child_id <> OLD.child_id
       OR NEW.premium_fen <> OLD.premium_fen THEN
      RAISE EXCEPTION 'the year, child and premium of policy % cannot change', OLD.id
        USING ERRCODE = 'AXB01', COLUMN = 'policy_year';
    END IF;
    RETURN NEW;
  END IF;

  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = NEW.policy_year;
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
  RETURN NEW;
END;
$$;

CREATE TRIGGER policies_rules
  BEFORE INSERT OR UPDATE ON aixin.policies
  FOR EACH ROW EXECUTE FUNCTION aixin.policies_rules();

-- ---------------------------------------------------------------------------
-- Idempotency keys.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.idempotency_keys (
  key          bytea PRIMARY KEY CHECK (length(key) = 16),
  account_id   bigint NOT NULL REFERENCES aixin.accounts (id),
  operation    text NOT NULL,
  -- SHA-256 of the operation and its arguments (see aixin.idem_claim).
  request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
  -- The first answer, as ids to re-render it from (e.g. {"household_id": 5});
  -- NULL only inside the transaction that claimed the key.
  result       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_created_idx ON aixin.idempotency_keys (created_at);

COMMENT ON TABLE aixin.idempotency_keys IS
  'Client-made request keys, stored with the change they made. Keep at least 400 days '
  '(longer than any offline spool); there is no purge job yet: when one is added it must '
  'only delete rows older than that, by created_at.';

-- ---------------------------------------------------------------------------
-- Audit log (append-only).
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.audit_log (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  account_id      bigint REFERENCES aixin.accounts (id),
  request_id      bigint,
  idempotency_key bytea,
  action          text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
  target          text,
  detail          jsonb,
  -- No full ID number ever lands here: use aixin.mask_id().
  CONSTRAINT audit_log_no_id_numbers CHECK (
        coalesce(target, '') !~ '[0-9]{17}[0-9Xx]'
    AND coalesce(detail::text, '') !~ '[0-9]{17}[0-9Xx]'
  )
);

CREATE INDEX audit_log_at_idx ON aixin.audit_log USING brin (at);
CREATE INDEX audit_log_account_idx ON aixin.audit_log (account_id, id);
CREATE INDEX audit_log_target_idx ON aixin.audit_log (target);

COMMENT ON TABLE aixin.audit_log IS
  'Who did what, when, in which request; also every read of personal data. Append-only.';

CREATE FUNCTION aixin.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP
    USING ERRCODE = 'AXP01';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.audit_log
  FOR EACH ROW EXECUTE FUNCTION aixin.audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON aixin.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.audit_log_append_only();

-- ---------------------------------------------------------------------------
-- Row types returned by the API functions (0002_functions.sql).
-- ---------------------------------------------------------------------------

-- One row per member of a household: guardians (member_id = position) then
-- children (member_id = child id) by birth date.  outcome is 'ok', or
-- 'not_found' on a single row with every other column NULL.
CREATE TYPE aixin.household_row AS (
  outcome        text,
  household_id   bigint,
  township_code  text,
  township_name  text,
  kind           text,
  certificate_no text,
  created_at     bigint,
  member         text,
  member_id      bigint,
  id_number      text,
  name           text,
  sex            text,
  birth_date     text
);

-- One row per policy; outcome as for household_row.
CREATE TYPE aixin.policy_row AS (
  outcome         text,
  id              bigint,
  policy_year     int,
  child_id        bigint,
  child_id_number text,
  child_name      text,
  household_id    bigint,
  township_code   text,
  premium_fen     bigint,
  enrolled_at     bigint
);
