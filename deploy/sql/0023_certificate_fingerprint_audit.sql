-- A certificate's SHA-256 fingerprint in the audit log as colon-separated
-- byte pairs ("ab:cd:..."), the way certificate tools print it. Stored
-- whole, 64 hex digits may hold 18 decimal digits in a row by chance, which
-- the audit log's rule against full ID numbers rightly refuses: binding such
-- a certificate then failed. Pairs never hold more than two digits in a row.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

CREATE FUNCTION aixin.fingerprint_text(p_sha256 text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg(substr(p_sha256, i, 2), ':' ORDER BY i)
    FROM generate_series(1, length(p_sha256), 2) AS i
$$;

COMMENT ON FUNCTION aixin.fingerprint_text(text) IS
  'A hex fingerprint as colon-separated byte pairs, for the audit log';

-- As in 0006, with the fingerprint written as pairs in the audit row.
CREATE OR REPLACE FUNCTION aixin.bind_certificate(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_username text, p_sha256 text)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
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
                      jsonb_build_object('sha256', aixin.fingerprint_text(nullif(p_sha256, ''))));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target_id));
  RETURN QUERY SELECT * FROM aixin.account_render(target_id);
END;
$$;

COMMENT ON FUNCTION aixin.bind_certificate(bigint, bigint, bytea, text, text) IS
  'City admin only: bind (or with an empty sha256 unbind) a client certificate';
