-- Client certificates mapped to accounts. An office whose link is TLS with
-- a client certificate (verified by aixind against its client CA) can log
-- in with the certificate instead of a password: the account is found by
-- the SHA-256 of the certificate's DER encoding. Only the city admin binds
-- certificates; a certificate belongs to at most one account.

ALTER TABLE aixin.accounts
  ADD COLUMN client_cert_sha256 text UNIQUE
      CHECK (client_cert_sha256 ~ '^[0-9a-f]{64}$');

-- Open a session for the account bound to a verified certificate; no row
-- when none is bound or the account is disabled.
CREATE FUNCTION aixin.session_open_by_certificate(p_sha256 text, p_token_hash bytea,
                                                   p_ttl_seconds int)
RETURNS TABLE (account_id bigint, username text, role text, division_code text,
               expires_at bigint)
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
    SELECT acct_id, s.username, s.role, s.division_code, s.expires_at
      FROM aixin.session_open(acct_id, p_token_hash, p_ttl_seconds) s;
END;
$$;

COMMENT ON FUNCTION aixin.session_open_by_certificate(text, bytea, int) IS
  'Start a session for the enabled account bound to a client certificate';

CREATE FUNCTION aixin.bind_certificate(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_username text, p_sha256 text)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  target_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'account.bind_certificate',
                            jsonb_build_array(p_username, p_sha256));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.account_render((prior ->> 'account_id')::bigint);
    RETURN;
  END IF;
  IF p_sha256 IS NOT NULL AND p_sha256 <> '' AND p_sha256 !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'sha256 must be 64 lowercase hex digits'
      USING ERRCODE = 'AXB01', COLUMN = 'sha256';
  END IF;
  SELECT a.id INTO target_id FROM aixin.accounts a WHERE a.username = p_username;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account %', p_username USING ERRCODE = 'AXN01', COLUMN = 'username';
  END IF;
  BEGIN
    UPDATE aixin.accounts a SET client_cert_sha256 = nullif(p_sha256, '')
     WHERE a.id = target_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'that certificate is bound to another account'
      USING ERRCODE = 'AXE01', COLUMN = 'sha256';
  END;
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.bind_certificate',
                      'account:' || target_id,
                      jsonb_build_object('sha256', nullif(p_sha256, '')));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target_id));
  RETURN QUERY SELECT * FROM aixin.account_render(target_id);
END;
$$;

COMMENT ON FUNCTION aixin.bind_certificate(bigint, bigint, bytea, text, text) IS
  'City admin only: bind (or with an empty sha256 unbind) a client certificate';
