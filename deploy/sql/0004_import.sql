-- Bulk enrollment (ImportEnrollments): one CSV row = one call of
-- aixin.import_enrollment, in its own transaction, with its own
-- idempotency key.  A row finds or creates its household (by certificate
-- number and guardian) and its child (by ID number), then enrolls the child
-- exactly as aixin.enroll does: the shared part is aixin.enroll_insert,
-- which aixin.enroll now uses too.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Errors follow 0002 (SQLSTATE AX..., COLUMN = the field of
-- bulk.proto's EnrollmentRow: certificate_no, guardian.id_number,
-- child_id_number, child_sex, ...).

-- ---------------------------------------------------------------------------
-- The enrollment itself, shared by aixin.enroll and aixin.import_enrollment.
-- ---------------------------------------------------------------------------

-- Insert the policy of child p_kid (in township p_township, already in the
-- actor's scope) for p_year, freezing the premium split and insurer of the
-- county's terms in force.  Raises AXN01 (policy_year) when the year is not
-- open, AXE01 (child_id_number) when the child already has a policy that
-- year, AXR01 when the county has no terms or the age rule fails (the
-- policies_rules trigger).  Writes no audit row: the callers do.
CREATE FUNCTION aixin.enroll_insert(p_actor bigint, p_kid aixin.children, p_township text,
                                    p_year int)
RETURNS aixin.policies
LANGUAGE plpgsql AS $$
DECLARE
  yr aixin.policy_years;
  ct aixin.county_terms;
  county text;
  made aixin.policies;
BEGIN
  -- Share locks on the terms copied below (see the freeze rule in 0003).
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = p_year FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.policies p
              WHERE p.child_id = p_kid.id AND p.policy_year = yr.year) THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END IF;
  SELECT d.county_code INTO county FROM aixin.divisions d WHERE d.code = p_township;
  SELECT * INTO ct FROM aixin.county_terms t
   WHERE t.county_code = county AND t.policy_year = yr.year
     FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'county % has no share and insurer set for %', county, yr.year
      USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
  END IF;

  -- The policies_rules trigger checks the age and the split (AXR01/AXB01);
  -- the unique constraint decides between concurrent enrollments.
  BEGIN
    INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
                                premium_fen, city_share_fen, county_share_fen,
                                township_share_fen, insurer_id, enrolled_by)
    VALUES (yr.year, p_kid.id, p_kid.household_id, p_township, yr.premium_fen,
            yr.city_subsidy_fen, ct.county_share_fen,
            yr.premium_fen - yr.city_subsidy_fen - ct.county_share_fen, ct.insurer_id, p_actor)
    RETURNING * INTO made;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END;
  RETURN made;
END;
$$;

COMMENT ON FUNCTION aixin.enroll_insert(bigint, aixin.children, text, int) IS
  'Insert a child''s policy for a year with the frozen split of its county''s terms (no audit)';

-- The audit detail of a new policy (amounts and insurer as frozen).
CREATE FUNCTION aixin.policy_audit_detail(p_policy aixin.policies) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('child_id', p_policy.child_id,
                            'policy_year', p_policy.policy_year,
                            'premium_fen', p_policy.premium_fen,
                            'city_share_fen', p_policy.city_share_fen,
                            'county_share_fen', p_policy.county_share_fen,
                            'township_share_fen', p_policy.township_share_fen,
                            'insurer_code', (SELECT i.code FROM aixin.insurers i
                                              WHERE i.id = p_policy.insurer_id))
$$;

-- As in 0003, with the insert shared with aixin.import_enrollment.
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
  made aixin.policies;
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

  made := aixin.enroll_insert(p_actor, kid, twp, p_year);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy.enroll', 'policy:' || made.id,
                      aixin.policy_audit_detail(made));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('policy_id', made.id));
  RETURN QUERY SELECT * FROM aixin.policy_render(made.id);
END;
$$;

COMMENT ON FUNCTION aixin.enroll(bigint, bigint, bytea, text, int) IS
  'Enroll a child aged 0-6 on the year''s reference date, freezing the premium split and insurer of its county';

-- ---------------------------------------------------------------------------
-- Import of one row.
-- ---------------------------------------------------------------------------

-- Check the fields of an import row that need no table (AXB01 with the
-- row's field path).  Returns the child's birth date and sex from its ID.
CREATE FUNCTION aixin.import_check_row(p_kind text, p_certificate_no text,
                                       p_guardian_id text, p_guardian_name text,
                                       p_child_id text, p_child_name text, p_child_sex text,
                                       p_child_birth_date date,
                                       OUT born date, OUT sex text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('only_child', 'two_daughters') THEN
    RAISE EXCEPTION 'household kind must be only_child or two_daughters'
      USING ERRCODE = 'AXB01', COLUMN = 'household_kind';
  END IF;
  IF p_certificate_no IS NULL OR p_certificate_no !~ '^[!-~]{1,32}$' THEN
    RAISE EXCEPTION 'certificate number must be 1-32 printable ASCII characters without spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'certificate_no';
  END IF;
  IF p_guardian_id IS NULL OR NOT aixin.id_number_valid(p_guardian_id) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'guardian.id_number';
  END IF;
  IF NOT aixin.label_ok(p_guardian_name, 64) THEN
    RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'guardian.name';
  END IF;
  IF p_child_id IS NULL OR NOT aixin.id_number_valid(p_child_id) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  IF NOT aixin.label_ok(p_child_name, 64) THEN
    RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'child_name';
  END IF;
  born := aixin.id_birth_date(p_child_id);
  sex := aixin.id_sex(p_child_id);
  IF nullif(p_child_sex, '') IS NOT NULL AND upper(p_child_sex) <> sex THEN
    RAISE EXCEPTION 'sex does not agree with the ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'child_sex';
  END IF;
  IF p_child_birth_date IS NOT NULL AND p_child_birth_date <> born THEN
    RAISE EXCEPTION 'birth date does not agree with the ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'child_birth_date';
  END IF;
  IF born > aixin.local_today() THEN
    RAISE EXCEPTION 'the birth date in the ID number is in the future'
      USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
END;
$$;

-- The household of certificate p_cert for an import row, created with the
-- row's guardian when there is none.  The caller holds the certificate's
-- advisory lock, so two rows of one new household cannot both create it.
CREATE FUNCTION aixin.import_household(p_actor bigint, p_township text, p_kind text,
                                       p_cert text, p_guardian_id text, p_guardian_name text,
                                       OUT household_id bigint, OUT created boolean)
LANGUAGE plpgsql AS $$
DECLARE
  hh aixin.households;
  failed text;
BEGIN
  created := false;
  SELECT * INTO hh FROM aixin.households h WHERE h.certificate_no = p_cert;
  IF FOUND THEN
    -- Another township, kind or family: the same answer for each, so that
    -- a household outside the caller's scope is not revealed.
    IF hh.township_code <> p_township OR hh.kind <> p_kind
       OR NOT EXISTS (SELECT 1 FROM aixin.guardians g
                       WHERE g.household_id = hh.id AND g.id_number = p_guardian_id) THEN
      RAISE EXCEPTION 'certificate % belongs to another household', p_cert
        USING ERRCODE = 'AXR01', COLUMN = 'certificate_no';
    END IF;
    household_id := hh.id;
    RETURN;
  END IF;

  IF EXISTS (SELECT 1 FROM aixin.guardians g WHERE g.id_number = p_guardian_id) THEN
    RAISE EXCEPTION 'the guardian is already in a household with another certificate'
      USING ERRCODE = 'AXE01', COLUMN = 'guardian.id_number';
  END IF;
  BEGIN
    INSERT INTO aixin.households (township_code, kind, certificate_no, created_by)
    VALUES (p_township, p_kind, p_cert, p_actor)
    RETURNING * INTO hh;
    INSERT INTO aixin.guardians (household_id, position, id_number, name)
    VALUES (hh.id, 1, p_guardian_id, p_guardian_name);
  EXCEPTION WHEN unique_violation THEN
    -- A household registered at this moment through RegisterHousehold
    -- (which does not take the import's lock): judged again on a rerun.
    GET STACKED DIAGNOSTICS failed = CONSTRAINT_NAME;
    IF failed = 'guardians_id_number_key' THEN
      RAISE EXCEPTION 'the guardian is already in a household with another certificate'
        USING ERRCODE = 'AXE01', COLUMN = 'guardian.id_number';
    END IF;
    RAISE EXCEPTION 'a household with certificate % was registered at the same time', p_cert
      USING ERRCODE = 'AXE01', COLUMN = 'certificate_no';
  END;
  household_id := hh.id;
  created := true;
END;
$$;

-- The child p_child_id of household p_hh for an import row, added when it
-- is not registered yet (household rules as aixin.add_child).
CREATE FUNCTION aixin.import_child(p_actor bigint, p_household_id bigint, p_child_id text,
                                   p_child_name text, p_born date, p_sex text,
                                   OUT child_id bigint, OUT created boolean)
LANGUAGE plpgsql AS $$
DECLARE
  kid aixin.children;
  msg text;
  col text;
BEGIN
  created := false;
  SELECT * INTO kid FROM aixin.children c WHERE c.id_number = p_child_id;
  IF FOUND THEN
    IF kid.household_id <> p_household_id THEN
      RAISE EXCEPTION 'this child belongs to another household'
        USING ERRCODE = 'AXR01', COLUMN = 'child_id_number';
    END IF;
    IF kid.name <> p_child_name THEN
      RAISE EXCEPTION 'the child is registered under another name'
        USING ERRCODE = 'AXB01', COLUMN = 'child_name';
    END IF;
    child_id := kid.id;
    RETURN;
  END IF;

  BEGIN
    INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
    VALUES (p_household_id, p_child_id, p_child_name, p_sex, p_born, p_actor)
    RETURNING id INTO child_id;
  EXCEPTION
    WHEN unique_violation THEN
      RAISE EXCEPTION 'this child belongs to another household'
        USING ERRCODE = 'AXR01', COLUMN = 'child_id_number';
    WHEN SQLSTATE 'AXR01' THEN
      -- The children_rules trigger names AddChild's fields: name the row's.
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, col = COLUMN_NAME;
      RAISE EXCEPTION '%', msg
        USING ERRCODE = 'AXR01',
              COLUMN = CASE col WHEN 'sex' THEN 'child_sex' ELSE 'child_id_number' END;
  END;
  created := true;
END;
$$;

-- One row of an ImportEnrollments batch: household matched by certificate
-- number (same township and kind, and the row's guardian one of its
-- guardians) or created with that guardian; child matched by ID number
-- (in that household, same name) or added; then enrolled for p_year.  The
-- key covers the row's fields but not its line, so a corrected file run
-- again keeps the keys of its unchanged rows.  A replay answers
-- replayed = true with the first answer's policy and flags.
CREATE FUNCTION aixin.import_enrollment(p_actor bigint, p_request_id bigint, p_key bytea,
                                        p_line int, p_year int, p_township_code text,
                                        p_kind text, p_certificate_no text,
                                        p_guardian_id text, p_guardian_name text,
                                        p_child_id text, p_child_name text, p_child_sex text,
                                        p_child_birth_date date)
RETURNS TABLE (replayed boolean, household_created boolean, child_created boolean,
               outcome text, id bigint, policy_year int, child_id bigint,
               child_id_number text, child_name text, household_id bigint,
               township_code text, premium_fen bigint, enrolled_at bigint,
               city_share_fen bigint, county_share_fen bigint, township_share_fen bigint,
               insurer_code text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  twp aixin.divisions;
  gid text := upper(p_guardian_id);
  cid text := upper(p_child_id);
  checked record;
  hh_id bigint;
  hh_created boolean;
  kid_id bigint;
  kid aixin.children;
  kid_created boolean;
  made aixin.policies;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'import.enrollment',
             jsonb_build_array(p_year, p_township_code, p_kind, p_certificate_no,
                               p_guardian_id, p_guardian_name, p_child_id, p_child_name,
                               p_child_sex, p_child_birth_date));
  IF prior IS NOT NULL THEN
    RETURN QUERY
      SELECT true, (prior ->> 'household_created')::boolean,
             (prior ->> 'child_created')::boolean, r.*
        FROM aixin.policy_render((prior ->> 'policy_id')::bigint) r;
    RETURN;
  END IF;

  SELECT * INTO twp FROM aixin.divisions d WHERE d.code = p_township_code;
  IF NOT FOUND OR twp.level <> 'township' THEN
    RAISE EXCEPTION 'township % not found', p_township_code
      USING ERRCODE = 'AXN01', COLUMN = 'township_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp.code) THEN
    RAISE EXCEPTION 'township % is outside your division', p_township_code
      USING ERRCODE = 'AXP01', COLUMN = 'township_code';
  END IF;
  SELECT * INTO checked
    FROM aixin.import_check_row(p_kind, p_certificate_no, gid, p_guardian_name, cid,
                                p_child_name, p_child_sex, p_child_birth_date);

  -- Rows of one household arrive at once from one batch: one at a time.
  PERFORM pg_advisory_xact_lock(hashtext('aixin.import_enrollment'),
                                hashtext(p_certificate_no));
  SELECT * INTO hh_id, hh_created
    FROM aixin.import_household(p_actor, twp.code, p_kind, p_certificate_no, gid,
                                p_guardian_name);
  SELECT * INTO kid_id, kid_created
    FROM aixin.import_child(p_actor, hh_id, cid, p_child_name, checked.born, checked.sex);
  SELECT * INTO kid FROM aixin.children c WHERE c.id = kid_id;
  made := aixin.enroll_insert(p_actor, kid, twp.code, p_year);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'import.enrollment', 'policy:' || made.id,
                      aixin.policy_audit_detail(made)
                        || jsonb_build_object('line', p_line,
                                              'household_id', hh_id,
                                              'household_created', hh_created,
                                              'child_created', kid_created,
                                              'child_id_number', aixin.mask_id(cid)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('policy_id', made.id,
                                                     'household_created', hh_created,
                                                     'child_created', kid_created));
  RETURN QUERY
    SELECT false, hh_created, kid_created, r.* FROM aixin.policy_render(made.id) r;
END;
$$;

COMMENT ON FUNCTION aixin.import_enrollment(bigint, bigint, bytea, int, int, text, text, text,
                                            text, text, text, text, text, date) IS
  'One imported row: household by certificate (or new), child by ID (or new), then enrolled; idempotent';
