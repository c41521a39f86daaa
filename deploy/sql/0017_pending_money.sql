-- Four eyes on money. Two year settings (0014) name thresholds in fen:
-- a supplementary payout (追加赔付) above four_eyes_supplementary_fen, and
-- an approval of a claim for more than four_eyes_approval_fen, do not take
-- effect when asked: they wait in aixin.pending_actions until a second,
-- different account of the right role confirms them (ConfirmPending), and
-- only then are the real rows written (the claim approved, the payout
-- recorded), checked again at that moment. Nothing pending counts anywhere:
-- the claim's state, the caps, the year's budget, the ledger and every
-- report read the real tables only.
--
-- Who confirms: a supplementary payout, another city administrator; an
-- approval, another adjuster of the claim's insurer (a supervisor when the
-- claim is escalated). The account that asked cannot confirm (AXP01), but
-- may withdraw its own request (decline, with a reason).
--
-- Default 0 for both: off. Until a city sets a threshold for a year every
-- request takes effect at once, as before.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

INSERT INTO aixin.year_setting_kinds (name, unit, minimum, maximum, default_value, description)
VALUES ('four_eyes_supplementary_fen', 'fen', 0, 10000000000, 0,
        'A supplementary payout above this amount waits for a second city administrator to confirm it; 0: never'),
       ('four_eyes_approval_fen', 'fen', 0, 10000000000, 0,
        'An approval of a claim for more than this amount waits for a second adjuster of the insurer to confirm it; 0: never');

CREATE TABLE aixin.pending_actions (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('claim.approve', 'claim.supplement')),
  claim_id        bigint NOT NULL REFERENCES aixin.claims (id),
  amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
  -- The threshold the amount was above when asked.
  threshold_fen   bigint NOT NULL CHECK (threshold_fen > 0 AND amount_fen > threshold_fen),
  -- What was asked, as given: note and decided_on (approval); paid_on and
  -- reference (supplement). A date left out is the day of confirmation.
  request         jsonb NOT NULL,
  requested_by    bigint NOT NULL REFERENCES aixin.accounts (id),
  requested_at    timestamptz NOT NULL DEFAULT now(),
  request_id      bigint,
  request_key     bytea NOT NULL UNIQUE,
  state           text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'confirmed', 'declined')),
  decided_by      bigint REFERENCES aixin.accounts (id),
  decided_at      timestamptz,
  decision_reason text,
  CHECK ((state = 'pending') = (decided_by IS NULL)),
  CHECK ((state = 'pending') = (decided_at IS NULL)),
  -- The asker may withdraw, never confirm.
  CHECK (state <> 'confirmed' OR decided_by <> requested_by),
  CHECK (state <> 'declined' OR decision_reason IS NOT NULL)
);

COMMENT ON TABLE aixin.pending_actions IS
  'Money requests above a four-eyes threshold, waiting for a second account; they count nowhere until confirmed';

-- One approval waiting per claim; one waiting payout per reference.
CREATE UNIQUE INDEX pending_actions_one_approval
  ON aixin.pending_actions (claim_id) WHERE kind = 'claim.approve' AND state = 'pending';
CREATE UNIQUE INDEX pending_actions_one_reference
  ON aixin.pending_actions (claim_id, (request ->> 'reference'))
  WHERE kind = 'claim.supplement' AND state = 'pending';
CREATE INDEX pending_actions_claim_idx ON aixin.pending_actions (claim_id);

-- A request is decided once: pending -> confirmed or declined, nothing else
-- changes, nothing is deleted.
CREATE FUNCTION aixin.pending_actions_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'pending actions are kept' USING ERRCODE = 'AXC01';
  END IF;
  IF OLD.state <> 'pending'
     OR (NEW.id, NEW.kind, NEW.claim_id, NEW.amount_fen, NEW.threshold_fen, NEW.request,
         NEW.requested_by, NEW.requested_at, NEW.request_id, NEW.request_key)
        IS DISTINCT FROM
        (OLD.id, OLD.kind, OLD.claim_id, OLD.amount_fen, OLD.threshold_fen, OLD.request,
         OLD.requested_by, OLD.requested_at, OLD.request_id, OLD.request_key) THEN
    RAISE EXCEPTION 'pending action % is already %', OLD.id, OLD.state USING ERRCODE = 'AXC01';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER pending_actions_rules BEFORE UPDATE OR DELETE ON aixin.pending_actions
  FOR EACH ROW EXECUTE FUNCTION aixin.pending_actions_rules();
CREATE TRIGGER pending_actions_no_truncate BEFORE TRUNCATE ON aixin.pending_actions
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- ---------------------------------------------------------------------------
-- Approvals: the checks and the effect of 0006's approve_claim, apart, so
-- that a confirmation runs exactly what an approval runs.
-- ---------------------------------------------------------------------------

-- Every rule an approval of c (locked) for p_approved_fen by p_acct must
-- meet; the decision date it takes. Locks the policy row (the cap).
CREATE FUNCTION aixin.approval_check(p_acct aixin.accounts, c aixin.claims,
                                     p_approved_fen bigint, p_note text, p_decided_on date)
RETURNS date
LANGUAGE plpgsql AS $$
DECLARE
  pol aixin.policies;
  decided date;
  cap bigint;
  used bigint;
BEGIN
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review', 'escalated'], 'approval',
                                    'approved');
  IF c.state = 'escalated' AND NOT p_acct.supervisor THEN
    RAISE EXCEPTION 'only a supervisor of the insurer answers an escalated claim'
      USING ERRCODE = 'AXP01', COLUMN = 'claim_id';
  END IF;
  IF NOT c.documents_complete THEN
    RAISE EXCEPTION 'the documents of claim % are not complete', c.id
      USING ERRCODE = 'AXR01', COLUMN = 'claim_id';
  END IF;
  decided := aixin.claim_date(p_decided_on, 'decided_on',
                              greatest(c.documents_complete_on, c.escalated_on),
                              CASE WHEN c.escalated_on > c.documents_complete_on
                                   THEN 'the escalation (' || aixin.ymd(c.escalated_on) || ')'
                                   ELSE 'the documents were complete ('
                                        || aixin.ymd(c.documents_complete_on) || ')' END);
  IF p_approved_fen > c.amount_claimed_fen THEN
    RAISE EXCEPTION 'approved amount % yuan is more than the % yuan claimed',
        aixin.yuan(p_approved_fen), aixin.yuan(c.amount_claimed_fen)
      USING ERRCODE = 'AXR01', COLUMN = 'approved_fen';
  END IF;

  -- The cap (checked again by claims_rules), with the approvals of this
  -- policy serialised on the policy row.
  SELECT * INTO pol FROM aixin.policies p WHERE p.id = c.policy_id FOR NO KEY UPDATE;
  SELECT b.max_payout_fen INTO cap FROM aixin.policy_year_benefits b
   WHERE b.policy_year = pol.policy_year AND b.event = c.event;
  SELECT coalesce(sum(cl.approved_fen), 0) INTO used FROM aixin.claims cl
   WHERE cl.policy_id = c.policy_id AND cl.event = c.event
     AND cl.state IN ('approved', 'paid') AND cl.id <> c.id;
  IF cap IS NULL OR used + p_approved_fen > cap THEN
    RAISE EXCEPTION 'approving % yuan would exceed the % % cap of % yuan: % yuan remain',
        aixin.yuan(p_approved_fen), pol.policy_year, c.event, aixin.yuan(coalesce(cap, 0)),
        aixin.yuan(greatest(coalesce(cap, 0) - used, 0))
      USING ERRCODE = 'AXR01', COLUMN = 'approved_fen';
  END IF;
  IF c.event IN ('child_death', 'guardian_death') AND p_approved_fen <> cap AND p_note IS NULL THEN
    RAISE EXCEPTION 'a death benefit is the scheduled % yuan; a lower amount needs a note',
        aixin.yuan(cap)
      USING ERRCODE = 'AXR01', COLUMN = 'approved_fen';
  END IF;
  RETURN decided;
END;
$$;

-- The approval itself. The history names the adjuster who decided; the
-- audit row names the account of this request (p_audit_actor) and, when
-- confirmed, the one who asked (p_audit_extra).
CREATE FUNCTION aixin.approval_apply(c aixin.claims, p_decider bigint, p_audit_actor bigint,
                                     p_request_id bigint, p_key bytea, p_approved_fen bigint,
                                     p_note text, p_decided date, p_audit_extra jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE aixin.claims cl
     SET state = 'approved', approved_fen = p_approved_fen, decided_on = p_decided,
         decision_reason = p_note
   WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'approve', c.state, 'approved', p_decider, p_decided,
                                     p_request_id, p_key, p_note, p_approved_fen);
  PERFORM aixin.audit(p_audit_actor, p_request_id, p_key, 'claim.approve', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'approved_fen', p_approved_fen,
                                         'decided_on', aixin.ymd(p_decided),
                                         'note', aixin.audit_text(p_note))
                      || coalesce(p_audit_extra, '{}'::jsonb));
END;
$$;

-- The waiting approval of a claim, if any.
CREATE FUNCTION aixin.pending_approval_of(p_claim_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT p.id FROM aixin.pending_actions p
   WHERE p.claim_id = p_claim_id AND p.kind = 'claim.approve' AND p.state = 'pending'
$$;

-- As in 0006, and above the year's four_eyes_approval_fen the approval
-- waits for a second adjuster (the claim is answered unchanged; the
-- statement of the server reads the pending id with aixin.pending_for_key).
CREATE OR REPLACE FUNCTION aixin.approve_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                               p_claim_id bigint, p_approved_fen bigint,
                                               p_note text, p_decided_on date)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
  decided date;
  yr int;
  threshold bigint;
  waiting bigint;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.approve',
             jsonb_build_array(p_claim_id, p_approved_fen, p_note, p_decided_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  IF p_approved_fen IS NULL OR p_approved_fen <= 0 THEN
    RAISE EXCEPTION 'approved amount must be positive' USING ERRCODE = 'AXB01', COLUMN = 'approved_fen';
  END IF;
  note := aixin.claim_text(p_note, 500, 'note');
  c := aixin.claim_lock(acct, p_claim_id);
  waiting := aixin.pending_approval_of(c.id);
  IF waiting IS NOT NULL THEN
    RAISE EXCEPTION 'claim % has an approval waiting for confirmation (pending %): confirm or decline it first',
        c.id, waiting
      USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
  END IF;
  decided := aixin.approval_check(acct, c, p_approved_fen, note, p_decided_on);

  SELECT p.policy_year INTO yr FROM aixin.policies p WHERE p.id = c.policy_id;
  threshold := aixin.year_setting(yr, 'four_eyes_approval_fen');
  IF threshold > 0 AND p_approved_fen > threshold THEN
    INSERT INTO aixin.pending_actions (kind, claim_id, amount_fen, threshold_fen, request,
                                       requested_by, request_id, request_key)
    VALUES ('claim.approve', c.id, p_approved_fen, threshold,
            jsonb_build_object('note', note, 'decided_on', aixin.ymd(p_decided_on)),
            p_actor, p_request_id, p_key)
    RETURNING id INTO new_id;
    PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.approve.requested', 'claim:' || c.id,
                        jsonb_build_object('pending_id', new_id, 'approved_fen', p_approved_fen,
                                           'threshold_fen', threshold,
                                           'decided_on', aixin.ymd(p_decided_on),
                                           'note', aixin.audit_text(note)));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id, 'pending_id', new_id));
    RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
    RETURN;
  END IF;

  PERFORM aixin.approval_apply(c, p_actor, p_actor, p_request_id, p_key, p_approved_fen, note,
                               decided, NULL);
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.approve_claim(bigint, bigint, bytea, bigint, bigint, text, date) IS
  'An adjuster of the insurer approves an amount within the year''s cap (escalated claims: a supervisor); above the year''s four_eyes_approval_fen it waits for a second adjuster';

-- ---------------------------------------------------------------------------
-- Supplementary payouts, likewise.
-- ---------------------------------------------------------------------------

-- Every rule a supplementary payout of p_amount_fen on c (locked) must
-- meet, counting recorded payouts only; the payment date it takes.
CREATE FUNCTION aixin.supplement_check(c aixin.claims, p_amount_fen bigint, p_paid_on date,
                                       p_reference text)
RETURNS date
LANGUAGE plpgsql AS $$
DECLARE
  paid date;
  yr aixin.policy_years;
  claim_total bigint;
  year_total bigint;
BEGIN
  PERFORM aixin.claim_require_state(c, ARRAY['paid'], 'a supplementary payout', NULL);
  paid := aixin.claim_date(p_paid_on, 'paid_on', c.paid_on,
                           'the claim was paid (' || aixin.ymd(c.paid_on) || ')');
  IF EXISTS (SELECT 1 FROM aixin.supplementary_payouts s
              WHERE s.claim_id = c.id AND s.reference = p_reference) THEN
    RAISE EXCEPTION 'supplementary payout % of claim % is already recorded', p_reference, c.id
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END IF;

  -- The year's limits (NULL: none). The claim is locked, so its own total
  -- is stable; the year's total is serialised by a lock per year.
  SELECT y.* INTO yr
    FROM aixin.policies p JOIN aixin.policy_years y ON y.year = p.policy_year
   WHERE p.id = c.policy_id;
  IF yr.supplementary_cap_per_claim_fen IS NOT NULL THEN
    SELECT coalesce(sum(s.amount_fen), 0) INTO claim_total
      FROM aixin.supplementary_payouts s WHERE s.claim_id = c.id;
    IF claim_total + p_amount_fen > yr.supplementary_cap_per_claim_fen THEN
      RAISE EXCEPTION 'supplementary payouts of claim % would total % yuan, over the cap of % yuan per claim in %',
          c.id, aixin.yuan(claim_total + p_amount_fen),
          aixin.yuan(yr.supplementary_cap_per_claim_fen), yr.year
        USING ERRCODE = 'AXR01', COLUMN = 'amount_fen';
    END IF;
  END IF;
  IF yr.supplementary_budget_fen IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('aixin.supplementary_budget'), yr.year);
    SELECT coalesce(sum(s.amount_fen), 0) INTO year_total
      FROM aixin.supplementary_payouts s
      JOIN aixin.claims c2 ON c2.id = s.claim_id
      JOIN aixin.policies p ON p.id = c2.policy_id
     WHERE p.policy_year = yr.year;
    IF year_total + p_amount_fen > yr.supplementary_budget_fen THEN
      RAISE EXCEPTION 'supplementary payouts of % would total % yuan, over the year''s budget of % yuan',
          yr.year, aixin.yuan(year_total + p_amount_fen), aixin.yuan(yr.supplementary_budget_fen)
        USING ERRCODE = 'AXR01', COLUMN = 'amount_fen';
    END IF;
  END IF;
  RETURN paid;
END;
$$;

-- The payout itself; recorded_by is the city administrator who asked.
CREATE FUNCTION aixin.supplement_apply(c aixin.claims, p_asker bigint, p_audit_actor bigint,
                                       p_request_id bigint, p_key bytea, p_amount_fen bigint,
                                       p_paid date, p_reference text, p_audit_extra jsonb)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  new_id bigint;
BEGIN
  BEGIN
    INSERT INTO aixin.supplementary_payouts (claim_id, amount_fen, paid_on, reference, recorded_by)
    VALUES (c.id, p_amount_fen, p_paid, p_reference, p_asker)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'supplementary payout % of claim % is already recorded', p_reference, c.id
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END;
  PERFORM aixin.claim_transition_add(c.id, 'supplement', 'paid', 'paid', p_asker, p_paid,
                                     p_request_id, p_key, p_reference, p_amount_fen);
  PERFORM aixin.audit(p_audit_actor, p_request_id, p_key, 'claim.supplement', 'claim:' || c.id,
                      jsonb_build_object('payout_id', new_id, 'amount_fen', p_amount_fen,
                                         'paid_on', aixin.ymd(p_paid),
                                         'reference', aixin.audit_text(p_reference))
                      || coalesce(p_audit_extra, '{}'::jsonb));
  RETURN new_id;
END;
$$;

-- As in 0013, and above the year's four_eyes_supplementary_fen the payout
-- waits for a second city administrator.
CREATE OR REPLACE FUNCTION aixin.add_supplementary_payout(p_actor bigint, p_request_id bigint, p_key bytea,
                                               p_claim_id bigint, p_amount_fen bigint,
                                               p_paid_on date, p_reference text)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  paid date;
  new_id bigint;
  yr int;
  threshold bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.supplement',
             jsonb_build_array(p_claim_id, p_amount_fen, p_paid_on, p_reference));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  IF p_amount_fen IS NULL OR p_amount_fen <= 0 THEN
    RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'AXB01', COLUMN = 'amount_fen';
  END IF;
  IF NOT aixin.label_ok(p_reference, 64) THEN
    RAISE EXCEPTION 'reference must be 1-64 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'reference';
  END IF;
  c := aixin.claim_lock(acct, p_claim_id);
  IF EXISTS (SELECT 1 FROM aixin.pending_actions p
              WHERE p.claim_id = c.id AND p.kind = 'claim.supplement' AND p.state = 'pending'
                AND p.request ->> 'reference' = p_reference) THEN
    RAISE EXCEPTION 'supplementary payout % of claim % is already waiting for confirmation',
        p_reference, c.id
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END IF;
  paid := aixin.supplement_check(c, p_amount_fen, p_paid_on, p_reference);

  SELECT p.policy_year INTO yr FROM aixin.policies p WHERE p.id = c.policy_id;
  threshold := aixin.year_setting(yr, 'four_eyes_supplementary_fen');
  IF threshold > 0 AND p_amount_fen > threshold THEN
    INSERT INTO aixin.pending_actions (kind, claim_id, amount_fen, threshold_fen, request,
                                       requested_by, request_id, request_key)
    VALUES ('claim.supplement', c.id, p_amount_fen, threshold,
            jsonb_build_object('paid_on', aixin.ymd(p_paid_on), 'reference', p_reference),
            p_actor, p_request_id, p_key)
    RETURNING id INTO new_id;
    PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.supplement.requested',
                        'claim:' || c.id,
                        jsonb_build_object('pending_id', new_id, 'amount_fen', p_amount_fen,
                                           'threshold_fen', threshold,
                                           'paid_on', aixin.ymd(p_paid_on),
                                           'reference', aixin.audit_text(p_reference)));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id, 'pending_id', new_id));
    RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
    RETURN;
  END IF;

  new_id := aixin.supplement_apply(c, p_actor, p_actor, p_request_id, p_key, p_amount_fen, paid,
                                   p_reference, NULL);
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id, 'payout_id', new_id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.add_supplementary_payout(bigint, bigint, bytea, bigint, bigint, date, text) IS
  'City admin only: a supplementary payout (追加赔付) on a paid claim, within the year''s cap per claim and budget; each reference once per claim; above the year''s four_eyes_supplementary_fen it waits for a second city admin';

-- The pending action an approval or a supplementary payout made with this
-- idempotency key (NULL: it took effect). VOLATILE on purpose: the server
-- calls it in the select list of the same statement as the action, after
-- the action's rows are made, and only a volatile function sees them.
CREATE FUNCTION aixin.pending_for_key(p_key bytea) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v bigint;
BEGIN
  SELECT p.id INTO v FROM aixin.pending_actions p WHERE p.request_key = p_key;
  RETURN v;
END;
$$;

-- ---------------------------------------------------------------------------
-- Reading and deciding pending actions.
-- ---------------------------------------------------------------------------

-- The PendingAction message (pending.proto), field for field.
CREATE TYPE aixin.pending_row AS (
  id              bigint,
  kind            text,
  claim_id        bigint,
  policy_year     int,
  township_code   text,
  insurer_code    text,
  amount_fen      bigint,
  threshold_fen   bigint,
  state           text,
  requested_by    text,
  requested_at    text,
  decided_by      text,
  decided_at      text,
  decision_reason text,
  note            text,
  effective_on    text,
  reference       text
);

CREATE FUNCTION aixin.pending_rows(p_ids bigint[]) RETURNS SETOF aixin.pending_row
LANGUAGE sql STABLE AS $$
  SELECT p.id, p.kind, p.claim_id, pol.policy_year, pol.township_code, i.code, p.amount_fen,
         p.threshold_fen, p.state, ra.username,
         to_char(p.requested_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
         coalesce(da.username, ''),
         coalesce(to_char(p.decided_at AT TIME ZONE 'Asia/Shanghai',
                          'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'), ''),
         coalesce(p.decision_reason, ''), coalesce(p.request ->> 'note', ''),
         coalesce(p.request ->> 'decided_on', p.request ->> 'paid_on', ''),
         coalesce(p.request ->> 'reference', '')
    FROM aixin.pending_actions p
    JOIN aixin.claims c ON c.id = p.claim_id
    JOIN aixin.policies pol ON pol.id = c.policy_id
    JOIN aixin.insurers i ON i.id = pol.insurer_id
    JOIN aixin.accounts ra ON ra.id = p.requested_by
    LEFT JOIN aixin.accounts da ON da.id = p.decided_by
   WHERE p.id = ANY (p_ids)
   ORDER BY p.id
$$;

-- May p_acct see pending action p? City administrators and auditors see
-- every one; an adjuster sees the approvals of its insurer's claims.
CREATE FUNCTION aixin.pending_visible(p_acct aixin.accounts, p aixin.pending_actions)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE
           WHEN p_acct.role IN ('city_admin', 'auditor') THEN true
           WHEN p_acct.role = 'insurer_adjuster' THEN
             p.kind = 'claim.approve'
             AND EXISTS (SELECT 1 FROM aixin.claims c JOIN aixin.policies pol ON pol.id = c.policy_id
                          WHERE c.id = p.claim_id AND pol.insurer_id = p_acct.insurer_id)
           ELSE false
         END
$$;

-- Confirm or decline (p_decision 'confirm' | 'decline') a pending action.
-- Confirming runs every check of the action again, now, and writes its
-- rows; the account that asked may decline (withdraw) but not confirm.
-- Deciding again what is already so answers it unchanged.
CREATE FUNCTION aixin.decide_pending(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_pending_id bigint, p_decision text, p_reason text)
RETURNS SETOF aixin.pending_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  p aixin.pending_actions;
  asker aixin.accounts;
  c aixin.claims;
  reason text;
  on_date date;
  extra jsonb;
  payout bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'pending.decide',
             jsonb_build_array(p_pending_id, p_decision, p_reason));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.pending_rows(ARRAY[(prior ->> 'pending_id')::bigint]);
    RETURN;
  END IF;
  IF p_decision IS NULL OR p_decision NOT IN ('confirm', 'decline') THEN
    RAISE EXCEPTION 'decision must be confirm or decline' USING ERRCODE = 'AXB01', COLUMN = 'decision';
  END IF;
  reason := aixin.claim_text(p_reason, 500, 'reason');
  IF p_decision = 'decline' AND reason IS NULL THEN
    RAISE EXCEPTION 'declining needs a reason' USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;

  SELECT * INTO p FROM aixin.pending_actions pa WHERE pa.id = p_pending_id FOR UPDATE;
  IF NOT FOUND OR NOT aixin.pending_visible(acct, p) THEN
    RAISE EXCEPTION 'pending action % not found', p_pending_id
      USING ERRCODE = 'AXN01', COLUMN = 'pending_id';
  END IF;
  -- Who may decide: the asker (withdraw only), or a second account of the
  -- role that may make the request itself.
  IF p.requested_by = p_actor THEN
    IF p_decision = 'confirm' THEN
      RAISE EXCEPTION 'pending action % was asked by this account; another account must confirm it',
          p.id
        USING ERRCODE = 'AXP01', COLUMN = 'pending_id';
    END IF;
  ELSIF p.kind = 'claim.supplement' AND acct.role <> 'city_admin' THEN
    RAISE EXCEPTION 'a supplementary payout is confirmed by another city administrator'
      USING ERRCODE = 'AXP01', COLUMN = 'pending_id';
  ELSIF p.kind = 'claim.approve' AND acct.role <> 'insurer_adjuster' THEN
    RAISE EXCEPTION 'an approval is confirmed by another adjuster of the insurer'
      USING ERRCODE = 'AXP01', COLUMN = 'pending_id';
  END IF;

  IF p.state <> 'pending' THEN
    IF (p.state = 'confirmed' AND p_decision = 'confirm')
       OR (p.state = 'declined' AND p_decision = 'decline') THEN
      PERFORM aixin.idem_store(p_key, jsonb_build_object('pending_id', p.id));
      RETURN QUERY SELECT * FROM aixin.pending_rows(ARRAY[p.id]);
      RETURN;
    END IF;
    RAISE EXCEPTION 'pending action % is already %', p.id, p.state
      USING ERRCODE = 'AXC01', COLUMN = 'pending_id';
  END IF;

  IF p_decision = 'decline' THEN
    UPDATE aixin.pending_actions pa
       SET state = 'declined', decided_by = p_actor, decided_at = now(), decision_reason = reason
     WHERE pa.id = p.id;
    PERFORM aixin.audit(p_actor, p_request_id, p_key, p.kind || '.declined', 'claim:' || p.claim_id,
                        jsonb_build_object('pending_id', p.id, 'amount_fen', p.amount_fen,
                                           'requested_by', p.requested_by,
                                           'withdrawn', p.requested_by = p_actor,
                                           'reason', aixin.audit_text(reason)));
    PERFORM aixin.idem_store(p_key, jsonb_build_object('pending_id', p.id));
    RETURN QUERY SELECT * FROM aixin.pending_rows(ARRAY[p.id]);
    RETURN;
  END IF;

  -- Confirm: the action's own checks, now, for the account that asked
  -- (its role and scope still hold) and the one confirming.
  SELECT * INTO asker FROM aixin.accounts a WHERE a.id = p.requested_by AND NOT a.disabled;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the account that asked for pending action % is disabled; decline it', p.id
      USING ERRCODE = 'AXC01', COLUMN = 'pending_id';
  END IF;
  c := aixin.claim_lock(acct, p.claim_id);
  PERFORM aixin.claim_lock(asker, p.claim_id);
  extra := jsonb_build_object('pending_id', p.id, 'requested_by', p.requested_by,
                              'confirmed_by', p_actor);
  IF p.kind = 'claim.approve' THEN
    IF c.state = 'escalated' AND NOT acct.supervisor THEN
      RAISE EXCEPTION 'only a supervisor of the insurer confirms the approval of an escalated claim'
        USING ERRCODE = 'AXP01', COLUMN = 'pending_id';
    END IF;
    on_date := aixin.approval_check(asker, c, p.amount_fen, p.request ->> 'note',
                                    (p.request ->> 'decided_on')::date);
    PERFORM aixin.approval_apply(c, p.requested_by, p_actor, p_request_id, p_key, p.amount_fen,
                                 p.request ->> 'note', on_date, extra);
  ELSE
    on_date := aixin.supplement_check(c, p.amount_fen, (p.request ->> 'paid_on')::date,
                                      p.request ->> 'reference');
    payout := aixin.supplement_apply(c, p.requested_by, p_actor, p_request_id, p_key, p.amount_fen,
                                     on_date, p.request ->> 'reference', extra);
  END IF;
  UPDATE aixin.pending_actions pa
     SET state = 'confirmed', decided_by = p_actor, decided_at = now(), decision_reason = reason
   WHERE pa.id = p.id;
  PERFORM aixin.idem_store(p_key, jsonb_build_object('pending_id', p.id));
  RETURN QUERY SELECT * FROM aixin.pending_rows(ARRAY[p.id]);
END;
$$;

COMMENT ON FUNCTION aixin.decide_pending(bigint, bigint, bytea, bigint, text, text) IS
  'Confirm (a second account of the right role) or decline (with a reason; the asker may withdraw) a money request waiting above a four-eyes threshold';

-- Pending actions the account may see, of one policy year (NULL: every
-- year), waiting ones only unless p_all.
CREATE FUNCTION aixin.list_pending(p_actor bigint, p_year int, p_all boolean)
RETURNS SETOF aixin.pending_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'insurer_adjuster', 'auditor']);
  RETURN QUERY
  SELECT * FROM aixin.pending_rows(ARRAY(
    SELECT p.id FROM aixin.pending_actions p
      JOIN aixin.claims c ON c.id = p.claim_id
      JOIN aixin.policies pol ON pol.id = c.policy_id
     WHERE (p_year IS NULL OR pol.policy_year = p_year)
       AND (coalesce(p_all, false) OR p.state = 'pending')
       AND aixin.pending_visible(acct, p)));
END;
$$;

COMMENT ON FUNCTION aixin.list_pending(bigint, int, boolean) IS
  'Money requests waiting for a second account (or all, decided ones too) that the account may see';

-- ---------------------------------------------------------------------------
-- Throttled logins that cost no database call. The daemon keeps, for each
-- account name and each source address, how long the database said it
-- must wait (login_check, login_failure below give the two apart) and
-- refuses attempts inside that time itself; it writes what it refused as
-- one audit row per name and address every few seconds
-- (login_throttled_summaries). 0009's login_begin and login_failed are
-- unchanged; these wrap them.
-- ---------------------------------------------------------------------------

-- How long a name and an address must each still wait (0: not at all),
-- and whether that is a lock.
CREATE FUNCTION aixin.login_throttle_waits(p_username text, p_address text)
RETURNS TABLE (account_wait_ms bigint, account_locked boolean,
               address_wait_ms bigint, address_locked boolean)
LANGUAGE sql STABLE AS $$
  SELECT coalesce(ceil(extract(epoch FROM greatest(a.next_attempt_at, a.locked_until) - now())
                       * 1000), 0)::bigint,
         coalesce(a.locked_until > now(), false),
         coalesce(ceil(extract(epoch FROM greatest(b.next_attempt_at, b.locked_until) - now())
                       * 1000), 0)::bigint,
         coalesce(b.locked_until > now(), false)
    FROM (SELECT 1) one
    LEFT JOIN aixin.login_throttle a ON a.kind = 'account' AND a.key = aixin.login_name(p_username)
    LEFT JOIN aixin.login_throttle b ON b.kind = 'address' AND b.key = p_address
$$;

-- login_begin, and the waits of the name and the address apart.
CREATE FUNCTION aixin.login_check(p_username text, p_address text)
RETURNS TABLE (o_account_id bigint, o_password_hash text, o_wait_ms bigint, o_locked boolean,
               o_account_wait_ms bigint, o_account_locked boolean,
               o_address_wait_ms bigint, o_address_locked boolean)
LANGUAGE plpgsql AS $$
DECLARE
  b record;
  w record;
BEGIN
  SELECT * INTO b FROM aixin.login_begin(p_username, p_address);
  SELECT * INTO w FROM aixin.login_throttle_waits(p_username, p_address);
  RETURN QUERY SELECT b.account_id, b.password_hash, b.wait_ms, b.locked,
                      greatest(w.account_wait_ms, 0), w.account_locked,
                      greatest(w.address_wait_ms, 0), w.address_locked;
END;
$$;

COMMENT ON FUNCTION aixin.login_check(text, text) IS
  'login_begin, with how long the name and the address must each wait';

-- login_failed, and the waits it set.
CREATE FUNCTION aixin.login_failure(p_username text, p_address text, p_free int, p_max_ms int,
                                    p_lock_after int, p_lock_s int, p_address_factor int)
RETURNS TABLE (o_failures int, o_locked boolean,
               o_account_wait_ms bigint, o_account_locked boolean,
               o_address_wait_ms bigint, o_address_locked boolean)
LANGUAGE plpgsql AS $$
DECLARE
  f record;
  w record;
BEGIN
  SELECT * INTO f FROM aixin.login_failed(p_username, p_address, p_free, p_max_ms, p_lock_after,
                                          p_lock_s, p_address_factor);
  SELECT * INTO w FROM aixin.login_throttle_waits(p_username, p_address);
  RETURN QUERY SELECT f.failures, f.locked,
                      greatest(w.account_wait_ms, 0), w.account_locked,
                      greatest(w.address_wait_ms, 0), w.address_locked;
END;
$$;

COMMENT ON FUNCTION aixin.login_failure(text, text, int, int, int, int, int) IS
  'login_failed, with how long the name and the address must now wait';

-- The attempts a daemon refused on its own, one audit row per name and
-- address: p_rows is a JSON array of {username, address, attempts, locked,
-- first_at, last_at} (times as unix milliseconds).
CREATE FUNCTION aixin.login_throttled_summaries(p_rows jsonb) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  n int := 0;
BEGIN
  FOR r IN SELECT * FROM jsonb_array_elements(coalesce(p_rows, '[]'::jsonb)) LOOP
    PERFORM aixin.audit(NULL, NULL, NULL, 'session.login_throttled',
                        'username:' || aixin.login_name(r ->> 'username'),
                        jsonb_build_object(
                          'address', left(r ->> 'address', 64),
                          'attempts', (r ->> 'attempts')::int,
                          'locked', (r ->> 'locked')::boolean,
                          'first_at', to_char(to_timestamp((r ->> 'first_at')::bigint / 1000.0)
                                                AT TIME ZONE 'Asia/Shanghai',
                                              'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                          'last_at', to_char(to_timestamp((r ->> 'last_at')::bigint / 1000.0)
                                               AT TIME ZONE 'Asia/Shanghai',
                                             'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                          'refused_by', 'daemon'));
    n := n + 1;
  END LOOP;
  RETURN n;
END;
$$;

COMMENT ON FUNCTION aixin.login_throttled_summaries(jsonb) IS
  'Audit the login attempts a daemon refused without asking the database: one row per name and address, with the count';
