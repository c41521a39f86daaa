-- Every claim action carries its paper date: review and doubt, which took
-- effect on the server's today until now, take a `decided_on` like the
-- decisions (NULL: today). The date is checked as the others are
-- (aixin.claim_date): not in the future in Asia/Shanghai, not before the
-- claim was received, and a supervisor's review of an escalated claim not
-- before its escalation. The history row (claim_transitions.effective_on)
-- carries it, so `aixin claim history` shows the day on the paper. The
-- date comes last and defaults to NULL, so a call with the five arguments
-- of before still works.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

DROP FUNCTION aixin.review_claim(bigint, bigint, bytea, bigint, text);
DROP FUNCTION aixin.flag_claim_doubt(bigint, bigint, bytea, bigint, text);

-- The fingerprint of a review or doubt: without a date it is the one the
-- function computed before this migration, so that a request stored then
-- and sent again now (a spool, a retry across the upgrade) is recognised.
CREATE FUNCTION aixin.claim_dated_args(p_claim_id bigint, p_note text, p_on date)
RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_on IS NULL THEN jsonb_build_array(p_claim_id, p_note)
              ELSE jsonb_build_array(p_claim_id, p_note, p_on) END
$$;

COMMENT ON FUNCTION aixin.claim_dated_args(bigint, text, date) IS
  'Idempotency fingerprint of a review or doubt (undated: as before migration 0021)';

CREATE FUNCTION aixin.review_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                   p_claim_id bigint, p_note text, p_decided_on date DEFAULT NULL)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
  decided date;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.review',
             aixin.claim_dated_args(p_claim_id, p_note, p_decided_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  note := aixin.claim_text(p_note, 500, 'note');
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'escalated'], 'review', 'under_review');
  IF c.state = 'escalated' AND NOT acct.supervisor THEN
    RAISE EXCEPTION 'only a supervisor of the insurer answers an escalated claim'
      USING ERRCODE = 'AXP01', COLUMN = 'claim_id';
  END IF;
  IF c.state = 'escalated' THEN
    decided := aixin.claim_date(p_decided_on, 'decided_on', c.escalated_on,
                                'the claim was escalated (' || aixin.ymd(c.escalated_on) || ')');
  ELSE
    decided := aixin.claim_date(p_decided_on, 'decided_on', c.received_on,
                                'the claim was received (' || aixin.ymd(c.received_on) || ')');
  END IF;

  UPDATE aixin.claims cl SET state = 'under_review' WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'review', c.state, 'under_review', p_actor,
                                     decided, p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.review', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'decided_on', aixin.ymd(decided),
                                         'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.review_claim(bigint, bigint, bytea, bigint, text, date) IS
  'An adjuster of the insurer takes up a filed claim; a supervisor sends an escalated one back to review; dated as on paper';

CREATE FUNCTION aixin.flag_claim_doubt(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_claim_id bigint, p_note text, p_decided_on date DEFAULT NULL)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
  decided date;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.doubt',
             aixin.claim_dated_args(p_claim_id, p_note, p_decided_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  note := aixin.claim_text(p_note, 500, 'note');
  IF note IS NULL THEN
    RAISE EXCEPTION 'say what is in doubt' USING ERRCODE = 'AXB01', COLUMN = 'note';
  END IF;
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review', 'escalated'],
                                    'a doubt', NULL);
  decided := aixin.claim_date(p_decided_on, 'decided_on', c.received_on,
                              'the claim was received (' || aixin.ymd(c.received_on) || ')');

  UPDATE aixin.claims cl SET doubt = true WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'doubt', c.state, c.state, p_actor,
                                     decided, p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.doubt', 'claim:' || c.id,
                      jsonb_build_object('state', c.state, 'decided_on', aixin.ymd(decided),
                                         'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.flag_claim_doubt(bigint, bigint, bytea, bigint, text, date) IS
  'An adjuster of the insurer flags a doubt on an undecided claim (a same-day claim becomes seven-day); dated as on paper';
