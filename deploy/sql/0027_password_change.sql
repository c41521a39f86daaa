-- A password set by an administrator is known to the administrator: its
-- holder must choose their own before doing anything else.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
--
-- accounts.password_change_required is set when a city admin creates an
-- account or resets its password, unless the admin says the holder chose
-- it (p_password_change false: the daemon passes CreateAccount's and
-- ResetPassword's skip_password_change); it is cleared when the holder
-- changes their own password. The session functions return it, so that
-- the daemon refuses every request of such a session except ChangePassword
-- and Logout (ERROR_CODE_PASSWORD_CHANGE_REQUIRED), and learns of the
-- change again whenever it re-reads a session.  Accounts that exist now
-- keep working as before (false).

ALTER TABLE aixin.accounts
  ADD COLUMN password_change_required boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN aixin.accounts.password_change_required IS
  'The password was set by an administrator: the holder must change it before anything else';

-- ---------------------------------------------------------------------------
-- Sessions: the flag beside who the account is.  Each function as before
-- (0009, 0002, 0005), with password_change_required as the last column.
-- ---------------------------------------------------------------------------

DROP FUNCTION aixin.session_open_by_certificate(text, bytea, int);
DROP FUNCTION aixin.session_open(bigint, bytea, int);
DROP FUNCTION aixin.session_resume(bytea);
DROP FUNCTION aixin.session_valid(bytea);

CREATE FUNCTION aixin.session_open(p_account_id bigint, p_token_hash bytea, p_ttl_seconds int)
RETURNS TABLE (username text, role text, division_code text, expires_at bigint,
               password_change_required boolean)
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

  DELETE FROM aixin.sessions s WHERE s.account_id = acct.id AND s.expires_at <= now();
  DELETE FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = acct.username;
  INSERT INTO aixin.sessions (token_hash, account_id, expires_at)
  VALUES (p_token_hash, acct.id, expiry);
  PERFORM aixin.audit(acct.id, NULL, NULL, 'session.login', 'account:' || acct.id, NULL);

  RETURN QUERY SELECT acct.username, acct.role, acct.division_code, aixin.epoch(expiry),
                      acct.password_change_required;
END;
$$;

COMMENT ON FUNCTION aixin.session_open(bigint, bytea, int) IS
  'Open a session for an account whose password was verified by the daemon';

CREATE FUNCTION aixin.session_resume(p_token_hash bytea)
RETURNS TABLE (account_id bigint, username text, role text, division_code text, expires_at bigint,
               password_change_required boolean)
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
    RETURNING a.id, a.username, a.role, a.division_code, aixin.epoch(s.expires_at),
              a.password_change_required;
END;
$$;

COMMENT ON FUNCTION aixin.session_resume(bytea) IS
  'The account of a live session; no row when unknown, expired or disabled';

-- A read, for the daemon's re-check before a request (see 0009).
CREATE FUNCTION aixin.session_valid(p_token_hash bytea)
RETURNS TABLE (account_id bigint, password_change_required boolean)
LANGUAGE sql STABLE AS $$
  SELECT s.account_id, a.password_change_required
    FROM aixin.sessions s
    JOIN aixin.accounts a ON a.id = s.account_id
   WHERE s.token_hash = p_token_hash AND s.expires_at > now() AND NOT a.disabled
$$;

CREATE FUNCTION aixin.session_open_by_certificate(p_sha256 text, p_token_hash bytea,
                                                   p_ttl_seconds int)
RETURNS TABLE (account_id bigint, username text, role text, division_code text,
               expires_at bigint, password_change_required boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct_id bigint;
BEGIN
  SELECT a.id INTO acct_id
    FROM aixin.accounts a
   WHERE a.client_cert_sha256 = p_sha256 AND NOT a.disabled;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT acct_id, s.username, s.role, s.division_code, s.expires_at,
           s.password_change_required
      FROM aixin.session_open(acct_id, p_token_hash, p_ttl_seconds) s;
END;
$$;

COMMENT ON FUNCTION aixin.session_open_by_certificate(text, bytea, int) IS
  'Start a session for the enabled account bound to a client certificate';

-- ---------------------------------------------------------------------------
-- Who set the password: create_account as in 0006 and account_set_password
-- as in 0009, each with p_password_change (default false, as before).
-- ---------------------------------------------------------------------------

DROP FUNCTION aixin.create_account(bigint, bigint, bytea, text, text, text, text, text, boolean);

CREATE FUNCTION aixin.create_account(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_username text, p_password_hash text, p_role text,
                                     p_division_code text, p_insurer_code text,
                                     p_supervisor boolean,
                                     p_password_change boolean DEFAULT false)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  div_level text;
  ins_code text := nullif(p_insurer_code, '');
  is_supervisor boolean := coalesce(p_supervisor, false);
  must_change boolean := coalesce(p_password_change, false);
  ins_id bigint;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  -- The password hash is left out of the request's fingerprint: a retry
  -- hashes the same password again with a new salt.
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'account.create',
             jsonb_build_array(p_username, p_role, p_division_code, p_insurer_code,
                               p_supervisor));
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
  IF p_role = 'insurer_adjuster' THEN
    IF ins_code IS NULL THEN
      RAISE EXCEPTION 'an insurer adjuster needs the code of its insurer'
        USING ERRCODE = 'AXB01', COLUMN = 'insurer_code';
    END IF;
    SELECT i.id INTO ins_id FROM aixin.insurers i WHERE i.code = ins_code;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'insurer % not found', ins_code
        USING ERRCODE = 'AXN01', COLUMN = 'insurer_code';
    END IF;
  ELSE
    IF ins_code IS NOT NULL THEN
      RAISE EXCEPTION 'only an insurer adjuster has an insurer'
        USING ERRCODE = 'AXB01', COLUMN = 'insurer_code';
    END IF;
    IF is_supervisor THEN
      RAISE EXCEPTION 'only an insurer adjuster can be a supervisor'
        USING ERRCODE = 'AXB01', COLUMN = 'supervisor';
    END IF;
  END IF;

  BEGIN
    INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level,
                                created_by, insurer_id, supervisor, password_change_required)
    VALUES (p_username, p_password_hash, p_role, p_division_code, div_level, p_actor,
            ins_id, is_supervisor, must_change)
    RETURNING aixin.accounts.id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'account % already exists', p_username
      USING ERRCODE = 'AXE01', COLUMN = 'username';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.create', 'account:' || new_id,
                      jsonb_build_object('username', p_username, 'role', p_role,
                                         'division_code', p_division_code,
                                         'insurer_code', ins_code,
                                         'supervisor', is_supervisor,
                                         'password_change_required', must_change));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', new_id));
  RETURN QUERY SELECT * FROM aixin.account_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.create_account(bigint, bigint, bytea, text, text, text, text, text,
                                         boolean, boolean) IS
  'City admin only: create an operator account whose division level fits its role; adjusters name their insurer; p_password_change: the holder must change the password first';

DROP FUNCTION aixin.account_set_password(bigint, bigint, bytea, text, text, bytea);

-- Its own password (p_keep_token: this session stays), or another's that
-- the actor administers (every session ends; p_password_change: the holder
-- must change it at the next login).
CREATE FUNCTION aixin.account_set_password(p_actor bigint, p_request_id bigint, p_key bytea,
                                           p_username text, p_password_hash text,
                                           p_keep_token bytea,
                                           p_password_change boolean DEFAULT false)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  target aixin.accounts;
  prior jsonb;
  own boolean := acct.username = p_username;
  must_change boolean := NOT own AND coalesce(p_password_change, false);
  ended int;
BEGIN
  IF own THEN
    target := acct;
  ELSE
    target := aixin.account_administered(acct, p_username);
  END IF;
  -- The hash is salted: a retry hashes again, so it is not fingerprinted.
  prior := aixin.idem_claim(p_key, p_actor, p_request_id,
                            CASE WHEN own THEN 'account.password_change'
                                 ELSE 'account.password_reset' END,
                            jsonb_build_array(p_username));
  IF prior IS NULL THEN
    PERFORM aixin.check_account_fields(target.username, p_password_hash);
    UPDATE aixin.accounts a
       SET password_hash = p_password_hash, password_change_required = must_change
     WHERE a.id = target.id;
    DELETE FROM aixin.sessions s
     WHERE s.account_id = target.id
       AND (NOT own OR p_keep_token IS NULL OR s.token_hash <> p_keep_token);
    GET DIAGNOSTICS ended = ROW_COUNT;
    DELETE FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = target.username;
    PERFORM aixin.audit(p_actor, p_request_id, p_key,
                        CASE WHEN own THEN 'account.password_change'
                             ELSE 'account.password_reset' END,
                        'account:' || target.id,
                        jsonb_build_object('sessions_ended', ended,
                                           'password_change_required', must_change));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target.id));
  END IF;
  RETURN QUERY SELECT * FROM aixin.account_render(target.id);
END;
$$;

COMMENT ON FUNCTION aixin.account_set_password(bigint, bigint, bytea, text, text, bytea, boolean) IS
  'Change one''s own password (clears password_change_required) or reset an administered account''s (sets it when asked); ends sessions';
