-- aixin API functions: the only statements the daemon runs.
--
-- Errors are raised with custom SQLSTATEs, an English message and the
-- offending request field in COLUMN (a field path of the protocol message,
-- e.g. 'guardians[1].id_number'):
--   AXB01 invalid argument        AXN01 not found
--   AXP01 permission denied       AXE01 already exists
--   AXR01 programme rule violated AXK01 idempotency key reused
--   AXU01 unauthenticated (unknown or disabled actor)
--
-- Every mutating function takes (p_actor, p_request_id, p_key, ...): the key
-- is claimed in the same transaction as the change (aixin.idem_claim) and
-- the answer recorded with it (aixin.idem_store), so a retry returns the
-- first answer and changes nothing.  Functions expect READ COMMITTED.
--
-- Roles: city_admin everything; county_clerk and township_clerk read and
-- write within their division; auditor reads within its division;
-- insurer_adjuster has nothing here yet.

-- ---------------------------------------------------------------------------
-- Small helpers.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.epoch(p_at timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT floor(extract(epoch FROM p_at))::bigint
$$;

COMMENT ON FUNCTION aixin.epoch(timestamptz) IS 'Unix seconds of a timestamp';

CREATE FUNCTION aixin.ymd(p_date date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lpad(extract(year FROM p_date)::int::text, 4, '0') || '-'
      || lpad(extract(month FROM p_date)::int::text, 2, '0') || '-'
      || lpad(extract(day FROM p_date)::int::text, 2, '0')
$$;

COMMENT ON FUNCTION aixin.ymd(date) IS 'A date as YYYY-MM-DD';

-- Today in the programme's calendar (the server itself runs in UTC).
CREATE FUNCTION aixin.local_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- True when target_code is scope_code or lies below it.  One index lookup,
-- thanks to the precomputed county_code/city_code columns.
CREATE FUNCTION aixin.in_scope(scope_code text, target_code text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT EXISTS (
    SELECT 1
      FROM aixin.divisions d
     WHERE d.code = target_code
       AND (d.code = scope_code OR d.county_code = scope_code OR d.city_code = scope_code)
  )
$$;

COMMENT ON FUNCTION aixin.in_scope(text, text) IS
  'True when target_code is scope_code itself or a division below it';

CREATE FUNCTION aixin.writer_roles() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['city_admin', 'county_clerk', 'township_clerk']
$$;

CREATE FUNCTION aixin.reader_roles() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['city_admin', 'county_clerk', 'township_clerk', 'auditor']
$$;

-- The acting account, or AXU01 when it is unknown or disabled.
CREATE FUNCTION aixin.actor_get(p_actor bigint) RETURNS aixin.accounts
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts;
BEGIN
  SELECT * INTO acct FROM aixin.accounts a WHERE a.id = p_actor AND NOT a.disabled;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown or disabled account' USING ERRCODE = 'AXU01';
  END IF;
  RETURN acct;
END;
$$;

-- AXP01 unless the account's role is one of p_roles.
CREATE FUNCTION aixin.require_role(p_acct aixin.accounts, p_roles text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF NOT (p_acct.role = ANY (p_roles)) THEN
    RAISE EXCEPTION 'permission denied for role %', p_acct.role USING ERRCODE = 'AXP01';
  END IF;
END;
$$;

CREATE FUNCTION aixin.audit(p_actor bigint, p_request_id bigint, p_key bytea,
                            p_action text, p_target text, p_detail jsonb)
RETURNS void
LANGUAGE sql AS $$
  INSERT INTO aixin.audit_log (account_id, request_id, idempotency_key, action, target, detail)
  VALUES (p_actor, p_request_id, p_key, p_action, p_target, p_detail)
$$;

COMMENT ON FUNCTION aixin.audit(bigint, bigint, bytea, text, text, jsonb) IS
  'Append one audit row; never pass a full ID number (use aixin.mask_id)';

-- ---------------------------------------------------------------------------
-- Idempotency.
-- ---------------------------------------------------------------------------

-- Claim p_key for this request.  Returns NULL when the key is new (the
-- caller does the work, then calls idem_store), or the stored result of the
-- first attempt when the same account already ran the same operation with
-- the same arguments under this key.  A key seen with anything else raises
-- AXK01.  A concurrent first attempt holding the key makes this wait until
-- it commits (then its result is returned) or rolls back (then this attempt
-- claims the key).  If the caller's work raises, the claim rolls back with
-- it, so a rejected request stores nothing.
--
-- The request hash is SHA-256 over the JSON array [operation, args]: JSON
-- escaping makes the encoding unambiguous (no separator can be forged, NULL
-- differs from the string 'null').
CREATE FUNCTION aixin.idem_claim(p_key bytea, p_actor bigint, p_request_id bigint,
                                 p_operation text, p_args jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  req_hash bytea;
  prior aixin.idempotency_keys;
  claimed int;
BEGIN
  IF p_key IS NULL OR length(p_key) <> 16 THEN
    RAISE EXCEPTION 'idempotency key must be 16 bytes'
      USING ERRCODE = 'AXB01', COLUMN = 'idempotency_key';
  END IF;
  req_hash := sha256(convert_to(jsonb_build_array(p_operation, p_args)::text, 'UTF8'));

  INSERT INTO aixin.idempotency_keys (key, account_id, operation, request_hash)
  VALUES (p_key, p_actor, p_operation, req_hash)
  ON CONFLICT (key) DO NOTHING;
  GET DIAGNOSTICS claimed = ROW_COUNT;
  IF claimed = 1 THEN
    RETURN NULL;
  END IF;

  SELECT * INTO STRICT prior FROM aixin.idempotency_keys k WHERE k.key = p_key;
  IF prior.account_id <> p_actor OR prior.operation <> p_operation
     OR prior.request_hash <> req_hash THEN
    RAISE EXCEPTION 'idempotency key reused with a different request'
      USING ERRCODE = 'AXK01', COLUMN = 'idempotency_key';
  END IF;
  IF prior.result IS NULL THEN
    -- Only possible if a function forgot idem_store: never answer OK blindly.
    RAISE EXCEPTION 'idempotency key has no recorded result'
      USING ERRCODE = 'AXK01', COLUMN = 'idempotency_key';
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, p_key, p_operation || '.replay', NULL, prior.result);
  RETURN prior.result;
END;
$$;

COMMENT ON FUNCTION aixin.idem_claim(bytea, bigint, bigint, text, jsonb) IS
  'Claim an idempotency key: NULL when new, else the stored result (AXK01 if the request differs)';

-- Record the answer of the request that claimed p_key.
CREATE FUNCTION aixin.idem_store(p_key bytea, p_result jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE aixin.idempotency_keys k SET result = p_result WHERE k.key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'idempotency key was not claimed' USING ERRCODE = 'XX000';
  END IF;
END;
$$;

-- ---------------------------------------------------------------------------
-- Divisions.
-- ---------------------------------------------------------------------------

-- Insert a division or rename an existing one; idempotent.  Parents first
-- (load in level order).  Code, level and parent of an existing division
-- cannot change.  Returns true when something was inserted or renamed.
CREATE FUNCTION aixin.upsert_division(p_code text, p_name text, p_parent_code text, p_level text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  cur aixin.divisions;
  parent_code text := nullif(p_parent_code, '');
BEGIN
  SELECT * INTO cur FROM aixin.divisions d WHERE d.code = p_code FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO aixin.divisions (code, name, parent_code, level, city_code)
    VALUES (p_code, p_name, parent_code, p_level, '');
    RETURN true;
  END IF;
  IF cur.level <> p_level OR cur.parent_code IS DISTINCT FROM parent_code THEN
    RAISE EXCEPTION 'division % exists with another level or parent', p_code
      USING ERRCODE = 'AXB01', COLUMN = 'code';
  END IF;
  IF cur.name <> p_name THEN
    UPDATE aixin.divisions d SET name = p_name WHERE d.code = p_code;
    RETURN true;
  END IF;
  RETURN false;
END;
$$;

COMMENT ON FUNCTION aixin.upsert_division(text, text, text, text) IS
  'Load one division (parents first); idempotent; renames allowed, moves refused';

CREATE FUNCTION aixin.list_divisions(p_actor bigint, p_root text)
RETURNS TABLE (code text, name text, parent_code text, level text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root text := coalesce(nullif(p_root, ''), acct.division_code);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM aixin.divisions d WHERE d.code = root) THEN
    RAISE EXCEPTION 'division % not found', root USING ERRCODE = 'AXN01', COLUMN = 'root_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, root) THEN
    RAISE EXCEPTION 'division % is outside your division', root
      USING ERRCODE = 'AXP01', COLUMN = 'root_code';
  END IF;
  RETURN QUERY
    SELECT d.code, d.name, d.parent_code, d.level
      FROM aixin.divisions d
     WHERE d.code = root OR d.county_code = root OR d.city_code = root
     ORDER BY d.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.list_divisions(bigint, text) IS
  'The root division (default: the actor''s) and everything below it, by code';

-- ---------------------------------------------------------------------------
-- Accounts and sessions.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.account_for_login(p_username text)
RETURNS TABLE (account_id bigint, password_hash text, role text, division_code text)
LANGUAGE sql STABLE AS $$
  SELECT a.id, a.password_hash, a.role, a.division_code
    FROM aixin.accounts a
   WHERE a.username = p_username AND NOT a.disabled
$$;

COMMENT ON FUNCTION aixin.account_for_login(text) IS
  'Password hash and scope of an enabled account; no row when unknown or disabled';

CREATE FUNCTION aixin.session_open(p_account_id bigint, p_token_hash bytea, p_ttl_seconds int)
RETURNS TABLE (username text, role text, division_code text, expires_at bigint)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_account_id);
  expiry timestamptz;
BEGIN
  IF p_token_hash IS NULL OR length(p_token_hash) <> 32 THEN
    RAISE EXCEPTION 'token hash must be 32 bytes' USING ERRCODE = 'AXB01', COLUMN = 'token';
  END IF;
  IF p_ttl_seconds IS NULL OR p_ttl_seconds < 60 OR p_ttl_seconds > 31 * 86400 THEN
    RAISE EXCEPTION 'session lifetime must be between 60 seconds and 31 days'
      USING ERRCODE = 'AXB01', COLUMN = 'ttl_seconds';
  END IF;
  expiry := now() + make_interval(secs => p_ttl_seconds);

  -- Expired sessions of this account are of no use to anybody.
  DELETE FROM aixin.sessions s WHERE s.account_id = acct.id AND s.expires_at <= now();
  INSERT INTO aixin.sessions (token_hash, account_id, expires_at)
  VALUES (p_token_hash, acct.id, expiry);
  PERFORM aixin.audit(acct.id, NULL, NULL, 'session.login', 'account:' || acct.id, NULL);

  RETURN QUERY SELECT acct.username, acct.role, acct.division_code, aixin.epoch(expiry);
END;
$$;

COMMENT ON FUNCTION aixin.session_open(bigint, bytea, int) IS
  'Start a session for an enabled account (token stored as its SHA-256); audited';

-- last_seen_at is refreshed at most once a minute, so that resuming a
-- session does not cost a durable write on every request.
CREATE FUNCTION aixin.session_resume(p_token_hash bytea)
RETURNS TABLE (account_id bigint, username text, role text, division_code text, expires_at bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    UPDATE aixin.sessions s
       SET last_seen_at = CASE WHEN s.last_seen_at < now() - interval '60 seconds'
                               THEN now() ELSE s.last_seen_at END
      FROM aixin.accounts a
     WHERE s.token_hash = p_token_hash
       AND s.expires_at > now()
       AND a.id = s.account_id
       AND NOT a.disabled
    RETURNING a.id, a.username, a.role, a.division_code, aixin.epoch(s.expires_at);
END;
$$;

COMMENT ON FUNCTION aixin.session_resume(bytea) IS
  'The account of a live session; no row when unknown, expired or disabled';

CREATE FUNCTION aixin.session_close(p_token_hash bytea) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  owner bigint;
BEGIN
  DELETE FROM aixin.sessions s WHERE s.token_hash = p_token_hash RETURNING s.account_id INTO owner;
  IF FOUND THEN
    PERFORM aixin.audit(owner, NULL, NULL, 'session.logout', 'account:' || owner, NULL);
  END IF;
END;
$$;

-- Remove sessions that expired before now() - p_grace; returns how many.
CREATE FUNCTION aixin.purge_expired_sessions(p_grace interval DEFAULT interval '1 day')
RETURNS bigint
LANGUAGE sql AS $$
  WITH gone AS (
    DELETE FROM aixin.sessions s WHERE s.expires_at < now() - p_grace RETURNING 1
  )
  SELECT count(*) FROM gone
$$;

-- Shared validation of a new account's fields.
CREATE FUNCTION aixin.check_account_fields(p_username text, p_password_hash text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_username IS NULL OR p_username !~ '^[a-z0-9_.-]{3,32}$' THEN
    RAISE EXCEPTION 'username must be 3-32 characters of a-z 0-9 _ . -'
      USING ERRCODE = 'AXB01', COLUMN = 'username';
  END IF;
  IF p_password_hash IS NULL OR p_password_hash NOT LIKE '$argon2id$%'
     OR char_length(p_password_hash) > 255 THEN
    RAISE EXCEPTION 'password hash must be an argon2id string'
      USING ERRCODE = 'AXB01', COLUMN = 'password';
  END IF;
END;
$$;

CREATE FUNCTION aixin.bootstrap_admin(p_username text, p_password_hash text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  city text;
  new_id bigint;
BEGIN
  PERFORM aixin.check_account_fields(p_username, p_password_hash);
  SELECT d.code INTO city FROM aixin.divisions d WHERE d.level = 'city';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no city-level division is loaded; load the divisions first'
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
  VALUES (p_username, p_password_hash, 'city_admin', city, 'city')
  ON CONFLICT (username) DO NOTHING
  RETURNING id INTO new_id;
  IF new_id IS NULL THEN
    RETURN false;
  END IF;
  PERFORM aixin.audit(NULL, NULL, NULL, 'account.bootstrap', 'account:' || new_id,
                      jsonb_build_object('username', p_username, 'role', 'city_admin',
                                         'division_code', city));
  RETURN true;
END;
$$;

COMMENT ON FUNCTION aixin.bootstrap_admin(text, text) IS
  'Create the first city admin unless an account of that name exists (then false, untouched)';

CREATE FUNCTION aixin.account_render(p_account_id bigint)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint)
LANGUAGE sql STABLE AS $$
  SELECT a.id, a.username, a.role, a.division_code, aixin.epoch(a.created_at)
    FROM aixin.accounts a
   WHERE a.id = p_account_id
$$;

CREATE FUNCTION aixin.create_account(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_username text, p_password_hash text, p_role text,
                                     p_division_code text)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  div_level text;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  -- The password hash is left out of the request's fingerprint: a retry
  -- hashes the same password again with a new salt.
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'account.create',
             jsonb_build_array(p_username, p_role, p_division_code));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.account_render((prior ->> 'account_id')::bigint);
    RETURN;
  END IF;

  PERFORM aixin.check_account_fields(p_username, p_password_hash);
  IF p_role IS NULL OR p_role NOT IN ('city_admin', 'county_clerk', 'township_clerk',
                                      'insurer_adjuster', 'auditor') THEN
    RAISE EXCEPTION 'unknown role' USING ERRCODE = 'AXB01', COLUMN = 'role';
  END IF;
  SELECT d.level INTO div_level FROM aixin.divisions d WHERE d.code = p_division_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', p_division_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, p_division_code) THEN
    RAISE EXCEPTION 'division % is outside your division', p_division_code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  IF (p_role = 'city_admin' AND div_level <> 'city')
     OR (p_role = 'county_clerk' AND div_level <> 'county')
     OR (p_role = 'township_clerk' AND div_level <> 'township') THEN
    RAISE EXCEPTION 'a % belongs to a %-level division, not a % one',
        p_role,
        CASE p_role WHEN 'city_admin' THEN 'city' WHEN 'county_clerk' THEN 'county'
                    ELSE 'township' END,
        div_level
      USING ERRCODE = 'AXB01', COLUMN = 'division_code';
  END IF;

  BEGIN
    INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level,
                                created_by)
    VALUES (p_username, p_password_hash, p_role, p_division_code, div_level, p_actor)
    RETURNING aixin.accounts.id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'account % already exists', p_username
      USING ERRCODE = 'AXE01', COLUMN = 'username';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.create', 'account:' || new_id,
                      jsonb_build_object('username', p_username, 'role', p_role,
                                         'division_code', p_division_code));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', new_id));
  RETURN QUERY SELECT * FROM aixin.account_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.create_account(bigint, bigint, bytea, text, text, text, text) IS
  'City admin only: create an operator account whose division level fits its role';

-- ---------------------------------------------------------------------------
-- Households.
-- ---------------------------------------------------------------------------

-- Household members as household_row: guardians by position, then (when
-- p_with_children) children by birth date.
CREATE FUNCTION aixin.household_render(p_household_id bigint, p_with_children boolean)
RETURNS SETOF aixin.household_row
LANGUAGE sql STABLE AS $$
  SELECT 'ok', h.id, h.township_code, d.name, h.kind, h.certificate_no,
         aixin.epoch(h.created_at),
         m.member, m.member_id, m.id_number, m.name, m.sex, m.birth_date
    FROM aixin.households h
    JOIN aixin.divisions d ON d.code = h.township_code
   CROSS JOIN LATERAL (
           SELECT 'guardian' AS member, g.position::bigint AS member_id, g.id_number, g.name,
                  aixin.id_sex(g.id_number) AS sex,
                  aixin.ymd(aixin.id_birth_date(g.id_number)) AS birth_date,
                  0 AS grp, NULL::date AS born
             FROM aixin.guardians g
            WHERE g.household_id = h.id
           UNION ALL
           SELECT 'child', c.id, c.id_number, c.name, c.sex::text, aixin.ymd(c.birth_date),
                  1, c.birth_date
             FROM aixin.children c
            WHERE p_with_children AND c.household_id = h.id
         ) m
   WHERE h.id = p_household_id
   ORDER BY m.grp, m.born, m.member_id
$$;

CREATE FUNCTION aixin.household_not_found() RETURNS aixin.household_row
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW('not_found', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL)::aixin.household_row
$$;

CREATE FUNCTION aixin.register_household(p_actor bigint, p_request_id bigint, p_key bytea,
                                         p_township_code text, p_kind text,
                                         p_certificate_no text,
                                         p_guardian1_id text, p_guardian1_name text,
                                         p_guardian2_id text, p_guardian2_name text)
RETURNS SETOF aixin.household_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  twp aixin.divisions;
  g1 text := upper(p_guardian1_id);
  g2 text := upper(nullif(p_guardian2_id, ''));
  cert text := nullif(p_certificate_no, '');
  hid bigint;
  failed text;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'household.register',
             jsonb_build_array(p_township_code, p_kind, p_certificate_no,
                               p_guardian1_id, p_guardian1_name,
                               p_guardian2_id, p_guardian2_name));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.household_render((prior ->> 'household_id')::bigint, false);
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
  IF p_kind IS NULL OR p_kind NOT IN ('only_child', 'two_daughters') THEN
    RAISE EXCEPTION 'household kind must be only_child or two_daughters'
      USING ERRCODE = 'AXB01', COLUMN = 'kind';
  END IF;
  IF cert IS NULL AND p_kind = 'only_child' THEN
    RAISE EXCEPTION 'an only-child household needs its certificate number'
      USING ERRCODE = 'AXB01', COLUMN = 'certificate_no';
  END IF;
  IF cert !~ '^[!-~]{1,32}$' THEN
    RAISE EXCEPTION 'certificate number must be 1-32 printable ASCII characters without spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'certificate_no';
  END IF;
  IF g1 IS NULL OR NOT aixin.id_number_valid(g1) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'guardians[0].id_number';
  END IF;
  IF NOT aixin.label_ok(p_guardian1_name, 64) THEN
    RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'guardians[0].name';
  END IF;
  IF g2 IS NOT NULL OR nullif(p_guardian2_name, '') IS NOT NULL THEN
    IF g2 IS NULL OR NOT aixin.id_number_valid(g2) THEN
      RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'guardians[1].id_number';
    END IF;
    IF NOT aixin.label_ok(p_guardian2_name, 64) THEN
      RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
        USING ERRCODE = 'AXB01', COLUMN = 'guardians[1].name';
    END IF;
    IF g2 = g1 THEN
      RAISE EXCEPTION 'the two guardians must be different people'
        USING ERRCODE = 'AXB01', COLUMN = 'guardians[1].id_number';
    END IF;
  END IF;

  IF cert IS NOT NULL AND EXISTS (SELECT 1 FROM aixin.households h WHERE h.certificate_no = cert) THEN
    RAISE EXCEPTION 'a household with this certificate number is already registered'
      USING ERRCODE = 'AXE01', COLUMN = 'certificate_no';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.guardians g WHERE g.id_number = g1) THEN
    RAISE EXCEPTION 'guardian 1 is already in a household'
      USING ERRCODE = 'AXE01', COLUMN = 'guardians[0].id_number';
  END IF;
  IF g2 IS NOT NULL AND EXISTS (SELECT 1 FROM aixin.guardians g WHERE g.id_number = g2) THEN
    RAISE EXCEPTION 'guardian 2 is already in a household'
      USING ERRCODE = 'AXE01', COLUMN = 'guardians[1].id_number';
  END IF;

  -- The checks above give good messages; the unique constraints decide
  -- under concurrency.
  BEGIN
    INSERT INTO aixin.households (township_code, kind, certificate_no, created_by)
    VALUES (twp.code, p_kind, cert, p_actor)
    RETURNING id INTO hid;
    INSERT INTO aixin.guardians (household_id, position, id_number, name)
    VALUES (hid, 1, g1, p_guardian1_name);
    IF g2 IS NOT NULL THEN
      INSERT INTO aixin.guardians (household_id, position, id_number, name)
      VALUES (hid, 2, g2, p_guardian2_name);
    END IF;
  EXCEPTION WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS failed = CONSTRAINT_NAME;
    IF failed = 'guardians_id_number_key' THEN
      RAISE EXCEPTION 'a guardian is already in a household'
        USING ERRCODE = 'AXE01', COLUMN = 'guardians';
    END IF;
    RAISE EXCEPTION 'a household with this certificate number is already registered'
      USING ERRCODE = 'AXE01', COLUMN = 'certificate_no';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'household.register', 'household:' || hid,
                      jsonb_build_object('township_code', twp.code, 'kind', p_kind,
                                         'guardians', CASE WHEN g2 IS NULL
                                           THEN jsonb_build_array(aixin.mask_id(g1))
                                           ELSE jsonb_build_array(aixin.mask_id(g1),
                                                                  aixin.mask_id(g2)) END));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('household_id', hid));
  RETURN QUERY SELECT * FROM aixin.household_render(hid, false);
END;
$$;

COMMENT ON FUNCTION aixin.register_household(bigint, bigint, bytea, text, text, text, text, text,
                                             text, text) IS
  'Register a household with one or two guardians in a township of the writer''s scope';

CREATE FUNCTION aixin.child_render(p_child_id bigint)
RETURNS TABLE (id bigint, household_id bigint, id_number text, name text, sex text,
               birth_date text)
LANGUAGE sql STABLE AS $$
  SELECT c.id, c.household_id, c.id_number, c.name, c.sex::text, aixin.ymd(c.birth_date)
    FROM aixin.children c
   WHERE c.id = p_child_id
$$;

CREATE FUNCTION aixin.add_child(p_actor bigint, p_request_id bigint, p_key bytea,
                                p_household_id bigint, p_id_number text, p_name text,
                                p_sex text, p_birth_date date)
RETURNS TABLE (id bigint, household_id bigint, id_number text, name text, sex text,
               birth_date text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  hh aixin.households;
  idn text := upper(p_id_number);
  born date;
  child_sex text;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'child.add',
             jsonb_build_array(p_household_id, p_id_number, p_name, p_sex, p_birth_date));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.child_render((prior ->> 'child_id')::bigint);
    RETURN;
  END IF;

  -- Out of scope looks exactly like missing: do not reveal the household.
  SELECT * INTO hh FROM aixin.households h WHERE h.id = p_household_id;
  IF NOT FOUND OR NOT aixin.in_scope(acct.division_code, hh.township_code) THEN
    RAISE EXCEPTION 'household % not found', p_household_id
      USING ERRCODE = 'AXN01', COLUMN = 'household_id';
  END IF;
  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'id_number';
  END IF;
  IF NOT aixin.label_ok(p_name, 64) THEN
    RAISE EXCEPTION 'name must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'name';
  END IF;
  born := aixin.id_birth_date(idn);
  child_sex := aixin.id_sex(idn);
  IF p_sex IS NOT NULL AND upper(p_sex) <> child_sex THEN
    RAISE EXCEPTION 'sex does not agree with the ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'sex';
  END IF;
  IF p_birth_date IS NOT NULL AND p_birth_date <> born THEN
    RAISE EXCEPTION 'birth date does not agree with the ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'birth_date';
  END IF;
  IF born > aixin.local_today() THEN
    RAISE EXCEPTION 'the birth date in the ID number is in the future'
      USING ERRCODE = 'AXB01', COLUMN = 'id_number';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.children c WHERE c.id_number = idn) THEN
    RAISE EXCEPTION 'a child with this ID number is already registered'
      USING ERRCODE = 'AXE01', COLUMN = 'id_number';
  END IF;

  -- The children_rules trigger applies the household rules (AXR01).
  BEGIN
    INSERT INTO aixin.children (household_id, id_number, name, sex, birth_date, created_by)
    VALUES (hh.id, idn, p_name, child_sex, born, p_actor)
    RETURNING aixin.children.id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'a child with this ID number is already registered'
      USING ERRCODE = 'AXE01', COLUMN = 'id_number';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'child.add', 'child:' || new_id,
                      jsonb_build_object('household_id', hh.id, 'id_number', aixin.mask_id(idn)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('child_id', new_id));
  RETURN QUERY SELECT * FROM aixin.child_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.add_child(bigint, bigint, bytea, bigint, text, text, text, date) IS
  'Add a child to a household in the writer''s scope; sex and birth date come from the ID';

-- Look a household up by a guardian's ID number.  Refusals return one
-- 'not_found' row instead of raising, so that their audit row is kept.
CREATE FUNCTION aixin.find_household(p_actor bigint, p_request_id bigint, p_guardian_id text)
RETURNS SETOF aixin.household_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  gid text := upper(p_guardian_id);
  hid bigint;
  twp text;
BEGIN
  IF gid IS NULL OR NOT aixin.id_number_valid(gid) THEN
    RAISE EXCEPTION 'invalid ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'guardian_id_number';
  END IF;
  IF NOT (acct.role = ANY (aixin.reader_roles())) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.denied',
                        'guardian:' || aixin.mask_id(gid),
                        jsonb_build_object('reason', 'role', 'role', acct.role));
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;

  SELECT h.id, h.township_code INTO hid, twp
    FROM aixin.guardians g
    JOIN aixin.households h ON h.id = g.household_id
   WHERE g.id_number = gid;
  IF NOT FOUND THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.missing',
                        'guardian:' || aixin.mask_id(gid), NULL);
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.denied',
                        'household:' || hid,
                        jsonb_build_object('reason', 'scope',
                                           'guardian', aixin.mask_id(gid)));
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read', 'household:' || hid,
                      jsonb_build_object('guardian', aixin.mask_id(gid)));
  RETURN QUERY SELECT * FROM aixin.household_render(hid, true);
END;
$$;

COMMENT ON FUNCTION aixin.find_household(bigint, bigint, text) IS
  'A household by guardian ID number, in the reader''s scope; audited, refusals included';

-- ---------------------------------------------------------------------------
-- Policy years and policies.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.policy_year_render(p_year int)
RETURNS TABLE (year int, reference_date text, premium_fen bigint)
LANGUAGE sql STABLE AS $$
  SELECT y.year, aixin.ymd(y.reference_date), y.premium_fen
    FROM aixin.policy_years y
   WHERE y.year = p_year
$$;

CREATE FUNCTION aixin.open_policy_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_year int, p_reference_date date, p_premium_fen bigint)
RETURNS TABLE (year int, reference_date text, premium_fen bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.open',
             jsonb_build_array(p_year, p_reference_date, p_premium_fen));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_year_render((prior ->> 'year')::int);
    RETURN;
  END IF;

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

  BEGIN
    INSERT INTO aixin.policy_years (year, reference_date, premium_fen, created_by)
    VALUES (p_year, p_reference_date, p_premium_fen, p_actor);
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'policy year % already exists', p_year USING ERRCODE = 'AXE01', COLUMN = 'year';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.open', 'policy_year:' || p_year,
                      jsonb_build_object('reference_date', aixin.ymd(p_reference_date),
                                         'premium_fen', p_premium_fen));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.open_policy_year(bigint, bigint, bytea, int, date, bigint) IS
  'City admin only: open a policy year (reference date for ages, premium in fen)';

CREATE FUNCTION aixin.list_policy_years(p_actor bigint)
RETURNS TABLE (year int, reference_date text, premium_fen bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  RETURN QUERY
    SELECT y.year, aixin.ymd(y.reference_date), y.premium_fen
      FROM aixin.policy_years y
     ORDER BY y.year DESC;
END;
$$;

CREATE FUNCTION aixin.policy_render(p_policy_id bigint) RETURNS SETOF aixin.policy_row
LANGUAGE sql STABLE AS $$
  SELECT 'ok', p.id, p.policy_year, p.child_id, c.id_number, c.name, p.household_id,
         p.township_code, p.premium_fen, aixin.epoch(p.enrolled_at)
    FROM aixin.policies p
    JOIN aixin.children c ON c.id = p.child_id
   WHERE p.id = p_policy_id
$$;

CREATE FUNCTION aixin.enroll(p_actor bigint, p_request_id bigint, p_key bytea,
                             p_child_id_number text, p_year int)
RETURNS SETOF aixin.policy_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  idn text := upper(p_child_id_number);
  kid aixin.children;
  twp text;
  yr aixin.policy_years;
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
  SELECT * INTO yr FROM aixin.policy_years y WHERE y.year = p_year;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.policies p
              WHERE p.child_id = kid.id AND p.policy_year = yr.year) THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END IF;

  -- The policies_rules trigger checks the age (AXR01); the unique
  -- constraint decides between concurrent enrollments.
  BEGIN
    INSERT INTO aixin.policies (policy_year, child_id, household_id, township_code,
                                premium_fen, enrolled_by)
    VALUES (yr.year, kid.id, kid.household_id, twp, yr.premium_fen, p_actor)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'child already enrolled for %', yr.year
      USING ERRCODE = 'AXE01', COLUMN = 'child_id_number';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy.enroll', 'policy:' || new_id,
                      jsonb_build_object('child_id', kid.id, 'policy_year', yr.year,
                                         'premium_fen', yr.premium_fen));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('policy_id', new_id));
  RETURN QUERY SELECT * FROM aixin.policy_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.enroll(bigint, bigint, bytea, text, int) IS
  'Enroll a child aged 0-6 on the year''s reference date; one policy per child and year';

-- The policies of a child, newest year first.  Unknown or out-of-scope
-- children give one 'not_found' row (audited, not raised).
CREATE FUNCTION aixin.list_policies(p_actor bigint, p_request_id bigint, p_child_id_number text)
RETURNS SETOF aixin.policy_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  idn text := upper(p_child_id_number);
  kid_id bigint;
  twp text;
  not_found constant aixin.policy_row :=
    ROW('not_found', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
BEGIN
  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  IF NOT (acct.role = ANY (aixin.reader_roles())) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.denied',
                        'child_id_number:' || aixin.mask_id(idn),
                        jsonb_build_object('reason', 'role', 'role', acct.role));
    RETURN NEXT not_found;
    RETURN;
  END IF;

  SELECT c.id, h.township_code INTO kid_id, twp
    FROM aixin.children c
    JOIN aixin.households h ON h.id = c.household_id
   WHERE c.id_number = idn;
  IF NOT FOUND THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.missing',
                        'child_id_number:' || aixin.mask_id(idn), NULL);
    RETURN NEXT not_found;
    RETURN;
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read.denied', 'child:' || kid_id,
                        jsonb_build_object('reason', 'scope', 'id_number', aixin.mask_id(idn)));
    RETURN NEXT not_found;
    RETURN;
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy.read', 'child:' || kid_id,
                      jsonb_build_object('id_number', aixin.mask_id(idn)));
  RETURN QUERY
    SELECT 'ok'::text, p.id, p.policy_year, p.child_id, c.id_number, c.name, p.household_id,
           p.township_code, p.premium_fen, aixin.epoch(p.enrolled_at)
      FROM aixin.policies p
      JOIN aixin.children c ON c.id = p.child_id
     WHERE p.child_id = kid_id
     ORDER BY p.policy_year DESC;
END;
$$;

COMMENT ON FUNCTION aixin.list_policies(bigint, bigint, text) IS
  'The policies of a child in the reader''s scope, newest year first; audited, refusals included';
