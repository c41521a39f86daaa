-- The door: password guessing throttled per account and per address,
-- accounts unlocked, disabled and given new passwords by the functions
-- below (each ending the account's sessions), refusals audited, and an
-- audit log whose rows are chained by hashes so that a row changed by hand
-- is found by aixin.audit_verify().
--
-- The privileges (SECURITY DEFINER, EXECUTE for the serving role, no table
-- rights) are not set here but by `aixind --migrate` after every run, so
-- that functions of later migrations are covered too (server/db_privileges.c).

-- ---------------------------------------------------------------------------
-- Login throttling.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.login_throttle (
  kind            text NOT NULL CHECK (kind IN ('account', 'address')),
  key             text NOT NULL,
  failures        int NOT NULL CHECK (failures >= 0),
  last_failure_at timestamptz NOT NULL,
  next_attempt_at timestamptz,
  locked_until    timestamptz,
  PRIMARY KEY (kind, key)
);

COMMENT ON TABLE aixin.login_throttle IS
  'Failed logins per username and per source address: when the next attempt may be hashed';

-- A username as it may appear in the audit log: only the account alphabet,
-- never something that looks like an ID number.
CREATE FUNCTION aixin.login_name(p_username text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_username ~ '^[a-z0-9_.-]{3,32}$' AND p_username !~ '[0-9]{15}'
              THEN p_username ELSE '(unusable name)' END
$$;

-- Before hashing: is this attempt allowed? A throttled attempt is audited
-- and answered with how long to wait (no account data). An allowed one
-- gets the account's hash (NULLs for an unknown or disabled account, which
-- the daemon checks against a dummy hash).
CREATE FUNCTION aixin.login_begin(p_username text, p_address text)
RETURNS TABLE (account_id bigint, password_hash text, wait_ms bigint, locked boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  uname text := aixin.login_name(p_username);
  a aixin.login_throttle;
  b aixin.login_throttle;
  until timestamptz;
  is_locked boolean;
BEGIN
  SELECT * INTO a FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = uname;
  SELECT * INTO b FROM aixin.login_throttle t WHERE t.kind = 'address' AND t.key = p_address;
  until := greatest(a.next_attempt_at, a.locked_until, b.next_attempt_at, b.locked_until);
  IF until IS NOT NULL AND until > now() THEN
    is_locked := coalesce(a.locked_until > now(), false) OR coalesce(b.locked_until > now(), false);
    PERFORM aixin.audit(NULL, NULL, NULL, 'session.login_throttled', 'username:' || uname,
                        jsonb_build_object('address', p_address, 'locked', is_locked,
                                           'account_failures', coalesce(a.failures, 0),
                                           'address_failures', coalesce(b.failures, 0)));
    RETURN QUERY SELECT NULL::bigint, NULL::text,
                        ceil(extract(epoch FROM until - now()) * 1000)::bigint, is_locked;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT acc.id, acc.password_hash, 0::bigint, false
      FROM (SELECT 1) one
      LEFT JOIN aixin.accounts acc ON acc.username = p_username AND NOT acc.disabled;
END;
$$;

COMMENT ON FUNCTION aixin.login_begin(text, text) IS
  'Whether a login attempt may be hashed now; a throttled attempt is audited';

-- One more failure for kind/key; the delay grows after p_free failures
-- (1 s, 2 s, 4 s ... up to p_max_ms) and p_lock_after failures lock for
-- p_lock_s. A key quiet for p_lock_s starts again from zero.
CREATE FUNCTION aixin.login_throttle_bump(p_kind text, p_key text, p_free int, p_max_ms int,
                                          p_lock_after int, p_lock_s int)
RETURNS aixin.login_throttle
LANGUAGE plpgsql AS $$
DECLARE
  r aixin.login_throttle;
  delay_ms bigint;
BEGIN
  INSERT INTO aixin.login_throttle AS t (kind, key, failures, last_failure_at)
  VALUES (p_kind, p_key, 1, now())
  ON CONFLICT (kind, key) DO UPDATE
    SET failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => p_lock_s)
                        THEN 1 ELSE t.failures + 1 END,
        last_failure_at = now()
  RETURNING * INTO r;
  delay_ms := CASE WHEN r.failures <= p_free THEN 0
                   ELSE least(p_max_ms::bigint,
                              (1000 * power(2, least(r.failures - p_free - 1, 30)))::bigint) END;
  UPDATE aixin.login_throttle t
     SET next_attempt_at = now() + make_interval(secs => delay_ms / 1000.0),
         locked_until = CASE WHEN r.failures >= p_lock_after
                             THEN now() + make_interval(secs => p_lock_s)
                             ELSE t.locked_until END
   WHERE t.kind = p_kind AND t.key = p_key
  RETURNING * INTO r;
  RETURN r;
END;
$$;

-- A wrong password (or an unknown name): counted for the name and the
-- address, audited.
CREATE FUNCTION aixin.login_failed(p_username text, p_address text, p_free int, p_max_ms int,
                                   p_lock_after int, p_lock_s int, p_address_factor int)
RETURNS TABLE (failures int, locked boolean)
LANGUAGE plpgsql AS $$
DECLARE
  uname text := aixin.login_name(p_username);
  a aixin.login_throttle;
  b aixin.login_throttle;
  acct_id bigint;
BEGIN
  a := aixin.login_throttle_bump('account', uname, p_free, p_max_ms, p_lock_after, p_lock_s);
  b := aixin.login_throttle_bump('address', p_address, p_free * p_address_factor, p_max_ms,
                                 p_lock_after * p_address_factor, p_lock_s);
  SELECT acc.id INTO acct_id FROM aixin.accounts acc WHERE acc.username = p_username;
  PERFORM aixin.audit(NULL, NULL, NULL, 'session.login_failed',
                      CASE WHEN acct_id IS NULL THEN 'username:' || uname
                           ELSE 'account:' || acct_id END,
                      jsonb_build_object('address', p_address, 'username', uname,
                                         'account_failures', a.failures,
                                         'address_failures', b.failures,
                                         'locked', a.locked_until > now()
                                                   OR b.locked_until > now()));
  RETURN QUERY SELECT a.failures, coalesce(a.locked_until > now(), false)
                                  OR coalesce(b.locked_until > now(), false);
END;
$$;

-- As in 0002, plus: a successful login forgets the account's failures.
CREATE OR REPLACE FUNCTION aixin.session_open(p_account_id bigint, p_token_hash bytea, p_ttl_seconds int)
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

  DELETE FROM aixin.sessions s WHERE s.account_id = acct.id AND s.expires_at <= now();
  DELETE FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = acct.username;
  INSERT INTO aixin.sessions (token_hash, account_id, expires_at)
  VALUES (p_token_hash, acct.id, expiry);
  PERFORM aixin.audit(acct.id, NULL, NULL, 'session.login', 'account:' || acct.id, NULL);

  RETURN QUERY SELECT acct.username, acct.role, acct.division_code, aixin.epoch(expiry);
END;
$$;

-- Whether a session is still live, for the daemon's re-check before a
-- request (after a revocation somewhere): a read, so it costs no commit
-- to disk, unlike session_resume.
CREATE FUNCTION aixin.session_valid(p_token_hash bytea)
RETURNS TABLE (account_id bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.account_id
    FROM aixin.sessions s
    JOIN aixin.accounts a ON a.id = s.account_id
   WHERE s.token_hash = p_token_hash AND s.expires_at > now() AND NOT a.disabled
$$;

-- ---------------------------------------------------------------------------
-- Account administration: each change ends the account's sessions.
-- ---------------------------------------------------------------------------

-- The account p_username, which the actor (a city admin, or a county
-- clerk for its county's clerks) may administer.
CREATE FUNCTION aixin.account_administered(p_actor aixin.accounts, p_username text)
RETURNS aixin.accounts
LANGUAGE plpgsql STABLE AS $$
DECLARE
  target aixin.accounts;
BEGIN
  SELECT * INTO target FROM aixin.accounts a WHERE a.username = p_username;
  IF NOT FOUND OR NOT aixin.in_scope(p_actor.division_code, target.division_code) THEN
    RAISE EXCEPTION 'account % not found', aixin.login_name(p_username)
      USING ERRCODE = 'AXN01', COLUMN = 'username';
  END IF;
  IF p_actor.role <> 'city_admin' THEN
    RAISE EXCEPTION 'only a city administrator administers accounts'
      USING ERRCODE = 'AXP01';
  END IF;
  RETURN target;
END;
$$;

CREATE FUNCTION aixin.account_unlock(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_username text)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  target aixin.accounts;
  prior jsonb;
BEGIN
  target := aixin.account_administered(acct, p_username);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'account.unlock',
                            jsonb_build_array(p_username));
  IF prior IS NULL THEN
    DELETE FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = target.username;
    PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.unlock', 'account:' || target.id,
                        NULL);
    PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target.id));
  END IF;
  RETURN QUERY SELECT * FROM aixin.account_render(target.id);
END;
$$;

CREATE FUNCTION aixin.account_disable(p_actor bigint, p_request_id bigint, p_key bytea,
                                      p_username text)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  target aixin.accounts;
  prior jsonb;
  ended int;
BEGIN
  target := aixin.account_administered(acct, p_username);
  IF target.id = acct.id THEN
    RAISE EXCEPTION 'an administrator cannot disable its own account'
      USING ERRCODE = 'AXR01', COLUMN = 'username';
  END IF;
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'account.disable',
                            jsonb_build_array(p_username));
  IF prior IS NULL THEN
    UPDATE aixin.accounts a SET disabled = true WHERE a.id = target.id;
    DELETE FROM aixin.sessions s WHERE s.account_id = target.id;
    GET DIAGNOSTICS ended = ROW_COUNT;
    PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.disable', 'account:' || target.id,
                        jsonb_build_object('sessions_ended', ended));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target.id));
  END IF;
  RETURN QUERY SELECT * FROM aixin.account_render(target.id);
END;
$$;

-- A new password hash for p_username: by the account itself (the daemon
-- has checked the old password) or by its administrator (a reset). Every
-- session of the account ends except p_keep_token (the caller's own, on a
-- change by the account itself).
CREATE FUNCTION aixin.account_set_password(p_actor bigint, p_request_id bigint, p_key bytea,
                                           p_username text, p_password_hash text,
                                           p_keep_token bytea)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  target aixin.accounts;
  prior jsonb;
  own boolean := acct.username = p_username;
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
    UPDATE aixin.accounts a SET password_hash = p_password_hash WHERE a.id = target.id;
    DELETE FROM aixin.sessions s
     WHERE s.account_id = target.id
       AND (NOT own OR p_keep_token IS NULL OR s.token_hash <> p_keep_token);
    GET DIAGNOSTICS ended = ROW_COUNT;
    DELETE FROM aixin.login_throttle t WHERE t.kind = 'account' AND t.key = target.username;
    PERFORM aixin.audit(p_actor, p_request_id, p_key,
                        CASE WHEN own THEN 'account.password_change'
                             ELSE 'account.password_reset' END,
                        'account:' || target.id, jsonb_build_object('sessions_ended', ended));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target.id));
  END IF;
  RETURN QUERY SELECT * FROM aixin.account_render(target.id);
END;
$$;

-- The password hash of the acting account (to check an old password).
CREATE FUNCTION aixin.actor_password_hash(p_actor bigint)
RETURNS TABLE (username text, password_hash text)
LANGUAGE sql STABLE AS $$
  SELECT a.username, a.password_hash FROM aixin.accounts a WHERE a.id = p_actor AND NOT a.disabled
$$;

-- ---------------------------------------------------------------------------
-- Refusals: recorded by the daemon after the refused work rolled back.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.audit_refusal(p_actor bigint, p_request_id bigint, p_key bytea,
                                    p_request text, p_message text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'refused.' || p_request, NULL,
                      jsonb_build_object('message',
                        regexp_replace(left(coalesce(p_message, ''), 300),
                                       '[0-9]{17}[0-9Xx]', '(id number)', 'g')));
END;
$$;

-- ---------------------------------------------------------------------------
-- The audit chain.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.audit_log
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash bytea,
  ADD COLUMN row_hash bytea;

-- What a row's hash covers, in a fixed text form.
CREATE FUNCTION aixin.audit_row_text(p_seq bigint, p_at timestamptz, p_account bigint,
                                     p_request bigint, p_key bytea, p_action text,
                                     p_target text, p_detail jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
  SELECT convert_to(jsonb_build_array(p_seq, (extract(epoch FROM p_at) * 1000000)::bigint,
                                      p_account, p_request, encode(p_key, 'hex'),
                                      p_action, p_target, p_detail)::text, 'UTF8')
$$;

-- Every new row is chained to the one before: the lock makes the chain a
-- line (one writer at a time, until its transaction ends), chain_seq gives
-- its order, and any INSERT (bulk ones included) goes through here.
CREATE FUNCTION aixin.audit_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(74600009);
  SELECT l.chain_seq, l.row_hash INTO last_seq, last_hash
    FROM aixin.audit_log l WHERE l.chain_seq IS NOT NULL
   ORDER BY l.chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, '\x'::bytea);
  NEW.row_hash := sha256(NEW.prev_hash || aixin.audit_row_text(NEW.chain_seq, NEW.at,
                         NEW.account_id, NEW.request_id, NEW.idempotency_key, NEW.action,
                         NEW.target, NEW.detail));
  RETURN NEW;
END;
$$;

-- The rows written before this migration join the chain in id order.
ALTER TABLE aixin.audit_log DISABLE TRIGGER audit_log_no_update_delete;
DO $$
DECLARE
  r record;
  seq bigint := 0;
  h bytea := '\x'::bytea;
  nh bytea;
BEGIN
  FOR r IN SELECT * FROM aixin.audit_log ORDER BY id LOOP
    seq := seq + 1;
    nh := sha256(h || aixin.audit_row_text(seq, r.at, r.account_id, r.request_id,
                                           r.idempotency_key, r.action, r.target, r.detail));
    UPDATE aixin.audit_log SET chain_seq = seq, prev_hash = h, row_hash = nh WHERE id = r.id;
    h := nh;
  END LOOP;
END;
$$;
ALTER TABLE aixin.audit_log ENABLE TRIGGER audit_log_no_update_delete;

ALTER TABLE aixin.audit_log
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN row_hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_chain_idx ON aixin.audit_log (chain_seq);

CREATE TRIGGER audit_log_chain
  BEFORE INSERT ON aixin.audit_log
  FOR EACH ROW EXECUTE FUNCTION aixin.audit_chain();

-- Walk the chain: the first row whose link or content does not match, or
-- none. City admins and auditors only.
CREATE FUNCTION aixin.audit_verify(p_actor bigint)
RETURNS TABLE (rows_checked bigint, first_broken_seq bigint, first_broken_id bigint,
               problem text)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  r record;
  h bytea := '\x'::bytea;
  n bigint := 0;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'auditor']);
  FOR r IN SELECT * FROM aixin.audit_log ORDER BY chain_seq LOOP
    n := n + 1;
    IF r.chain_seq <> n THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'a row is missing before this one';
      RETURN;
    END IF;
    IF r.prev_hash <> h THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'the link to the row before does not match';
      RETURN;
    END IF;
    h := sha256(h || aixin.audit_row_text(r.chain_seq, r.at, r.account_id, r.request_id,
                                          r.idempotency_key, r.action, r.target, r.detail));
    IF r.row_hash <> h THEN
      RETURN QUERY SELECT n, r.chain_seq, r.id, 'the row was changed after it was written';
      RETURN;
    END IF;
  END LOOP;
  PERFORM aixin.audit(p_actor, NULL, NULL, 'audit.verify', NULL,
                      jsonb_build_object('rows', n));
  RETURN QUERY SELECT n, NULL::bigint, NULL::bigint, NULL::text;
END;
$$;

-- Audit rows for an auditor: of accounts within the caller's division
-- (city admins and auditors of the city see all, including rows of no
-- account such as failed logins), optionally one account, between two
-- times (unix seconds, NULL = open), newest first, at most p_limit.
CREATE FUNCTION aixin.audit_list(p_actor bigint, p_division text, p_from bigint, p_to bigint,
                                 p_username text, p_limit int)
RETURNS TABLE (seq bigint, at bigint, username text, action text, target text, detail text,
               request_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  scope text := coalesce(nullif(p_division, ''), acct.division_code);
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'auditor']);
  IF NOT aixin.in_scope(acct.division_code, scope) THEN
    RAISE EXCEPTION 'division % is outside your division', scope
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  RETURN QUERY
    SELECT l.chain_seq, aixin.epoch(l.at), a.username, l.action, l.target, l.detail::text,
           l.request_id
      FROM aixin.audit_log l
      LEFT JOIN aixin.accounts a ON a.id = l.account_id
     WHERE (p_from IS NULL OR l.at >= to_timestamp(p_from))
       AND (p_to IS NULL OR l.at < to_timestamp(p_to))
       AND (nullif(p_username, '') IS NULL OR a.username = p_username)
       AND (CASE WHEN a.id IS NULL THEN scope = acct.division_code
                      AND acct.division_code ~ '00$' AND length(acct.division_code) = 6
                 ELSE aixin.in_scope(scope, a.division_code) END)
     ORDER BY l.chain_seq DESC
     LIMIT greatest(1, least(coalesce(p_limit, 1000), 10000));
END;
$$;

-- ---------------------------------------------------------------------------
-- Input rules, as in common/text_check.c and common/idcard.c.
-- ---------------------------------------------------------------------------

-- As in 0001, plus: no line or paragraph separator, no bidirectional
-- formatting control (they make text display unlike what it holds).
CREATE OR REPLACE FUNCTION aixin.label_ok(p_text text, p_max_len int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_text IS NOT NULL
     AND char_length(p_text) BETWEEN 1 AND p_max_len
     AND p_text !~ '[\u0001-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]'
     AND p_text !~ '^\s|\s$'
$$;

-- As in 0001, plus: the address code begins with a province of GB/T 2260.
CREATE OR REPLACE FUNCTION aixin.id_number_valid(p_id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT p_id ~ '^[0-9]{17}[0-9X]$'
     AND left(p_id, 2) ~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])$'
     AND aixin.id_check_char(left(p_id, 17)) = substr(p_id, 18, 1)
     AND aixin.id_birth_date(p_id) IS NOT NULL
$$;
