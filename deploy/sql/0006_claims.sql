-- aixin claims (理赔): filing by the offices, adjudication by the policy's
-- insurer, service deadlines, payment, follow-up visits and the city's
-- supplementary payouts.  Adjuster accounts now belong to an insurer, and
-- some of them hold the supervisor right.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql, plus
--   AXC01 conflict: the claim is no longer (or not yet) in a state that
--         allows the action, typically because somebody else acted first;
--         COLUMN = 'claim_id'.
-- Dates (received_on, decided_on, paid_on, visited_on) are calendar dates
-- in Asia/Shanghai; the system's own timestamps are kept beside them.
--
-- THE CLAIM RULES
--
-- Filing.  A township or county clerk in scope of the child's township, or
-- the city admin, files a claim against the child's policy of the policy
-- year of the incident.  The policy year is the calendar year: the incident
-- date lies between 1 January and 31 December of that year, is not before
-- the child's birth date and not after the date the office received the
-- claim.  The event must have a benefit cap in that year (no cap row = not
-- covered, AXR01).  Documents may be incomplete at filing.
--
-- Paper dates.  received_on, decided_on, paid_on and visited_on default to
-- today, may lie in the past, never in the future, and never before the
-- claim was received.  Besides: documents completed, escalation and
-- decisions are not dated before received_on; an approval not before the
-- documents were complete nor before an escalation; a payment not before
-- the approval; a visit or a supplementary payout not before the payment.
--
-- States.  filed -> under_review | escalated | approved | rejected;
-- under_review -> escalated | approved | rejected; escalated ->
-- under_review | approved | rejected; approved -> paid; rejected and paid
-- are final.  A trigger enforces this for every writer.
--   review     filed -> under_review, any adjuster of the insurer;
--              escalated -> under_review only by a supervisor of the
--              insurer (the answer "continue the review").
--   doubt      flags a doubt (note required) on a filed, under-review or
--              escalated claim; the state does not change.
--   escalate   filed | under_review -> escalated; escalated_on is the date
--              of the first escalation and never moves afterwards.
--   approve    filed | under_review -> approved by any adjuster of the
--              insurer; escalated -> approved only by a supervisor.  The
--              documents must be complete.  The amount is at most the
--              amount claimed.
--   reject     as approve, with a reason; documents need not be complete.
--   pay        approved -> paid; the amount equals the approved amount;
--              5,000 yuan (500000 fen) or more must be delivered to the
--              home (delivered_home, AXR01 otherwise).
--   visit      any adjuster of the insurer, paid claims only.
--   supplement the city admin only, paid claims only; each reference once
--              per claim.
--   documents  clerks in scope (or the city admin) add documents to a claim
--              that is not final; "complete" starts the service clock.
-- Only adjusters of the policy's insurer (accounts.insurer_id =
-- policies.insurer_id) act on or see a claim as an insurer; to anybody else
-- the claim does not exist (AXN01).  Offices (clerks, auditors, the city
-- admin) see the claims of policies in their division.  Every action locks
-- the claim row and then checks the state: when two adjusters act at once,
-- the second one finds the new state and gets AXC01.  A retry with the
-- same idempotency key returns the first answer.
--
-- Service class and deadline (aixin.claim_due, used everywhere):
--   * the clock starts on the date the documents were complete: received_on
--     when complete at filing, else the received_on of the
--     AddClaimDocuments that completed them.  Without complete documents
--     there is no clock: class seven_day, no due date, never overdue;
--   * same_day: amount claimed <= 1,000 yuan (100000 fen), documents
--     complete, no doubt: due the clock-start date itself;
--   * seven_day: every other claim: due clock start + 7 days.  A doubt
--     flagged later moves a same-day claim to seven_day (same clock start);
--   * fifteen_day: once escalated (even if a supervisor sent it back to
--     review), for good: the clock starts on escalated_on and the decision
--     (approve or reject) is due escalated_on + 15 days; after an approval
--     the payment is due decided_on + 7 days (that is the due date shown);
--   * settled on time: a rejection decided, or a payment made, on or before
--     the due date; for fifteen_day both the decision (by escalated_on + 15)
--     and the payment (by decided_on + 7) count.  overdue = not settled and
--     past due today, or settled late.
--
-- Benefit caps.  For a policy and an event, the approved amounts of its
-- approved and paid claims never exceed the year's cap for that event
-- (policy_year_benefits); an approval that would is refused (AXR01, the
-- message gives what remains).  Death benefits (child_death,
-- guardian_death) follow the schedule: the approved amount is the cap, the
-- schedule's fixed payout, unless a note explains a lower amount.
--
-- Reads of claims (GetClaim, ClaimHistory, ListDueClaims) are audited.  A
-- refused read raises AXN01, which rolls its audit row back with it: the
-- daemon's log records refused requests.

-- Adjusters had no rights before this migration and none of them can be
-- given an insurer without knowing which one it is.
DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM aixin.accounts a WHERE a.role = 'insurer_adjuster';
  IF n > 0 THEN
    RAISE EXCEPTION '% insurer_adjuster accounts exist without an insurer; '
                    '0006_claims.sql cannot tell which insurer each works for', n
      USING HINT = 'migrate a database without adjuster accounts, then create them with their insurer';
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Accounts: the insurer of an adjuster and the supervisor right.
-- ---------------------------------------------------------------------------

ALTER TABLE aixin.accounts
  ADD COLUMN insurer_id bigint REFERENCES aixin.insurers (id),
  ADD COLUMN supervisor boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT accounts_insurer_role
    CHECK ((role = 'insurer_adjuster') = (insurer_id IS NOT NULL)),
  ADD CONSTRAINT accounts_supervisor_role
    CHECK (NOT supervisor OR role = 'insurer_adjuster');

CREATE INDEX accounts_insurer_idx ON aixin.accounts (insurer_id) WHERE insurer_id IS NOT NULL;

COMMENT ON COLUMN aixin.accounts.insurer_id IS 'Insurer adjusters only: the insurer they work for';
COMMENT ON COLUMN aixin.accounts.supervisor IS 'Insurer adjusters only: may answer escalated claims';

DROP FUNCTION aixin.create_account(bigint, bigint, bytea, text, text, text, text);
DROP FUNCTION aixin.bind_certificate(bigint, bigint, bytea, text, text);
DROP FUNCTION aixin.account_render(bigint);

CREATE FUNCTION aixin.account_render(p_account_id bigint)
RETURNS TABLE (id bigint, username text, role text, division_code text, created_at bigint,
               insurer_code text, supervisor boolean)
LANGUAGE sql STABLE AS $$
  SELECT a.id, a.username, a.role, a.division_code, aixin.epoch(a.created_at), i.code,
         a.supervisor
    FROM aixin.accounts a
    LEFT JOIN aixin.insurers i ON i.id = a.insurer_id
   WHERE a.id = p_account_id
$$;

-- As in 0002, plus: an insurer adjuster names its insurer (any division);
-- no other role has one, and only adjusters can be supervisors.
CREATE FUNCTION aixin.create_account(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_username text, p_password_hash text, p_role text,
                                     p_division_code text, p_insurer_code text,
                                     p_supervisor boolean)
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
                                created_by, insurer_id, supervisor)
    VALUES (p_username, p_password_hash, p_role, p_division_code, div_level, p_actor,
            ins_id, is_supervisor)
    RETURNING aixin.accounts.id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'account % already exists', p_username
      USING ERRCODE = 'AXE01', COLUMN = 'username';
  END;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'account.create', 'account:' || new_id,
                      jsonb_build_object('username', p_username, 'role', p_role,
                                         'division_code', p_division_code,
                                         'insurer_code', ins_code,
                                         'supervisor', is_supervisor));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', new_id));
  RETURN QUERY SELECT * FROM aixin.account_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.create_account(bigint, bigint, bytea, text, text, text, text, text,
                                         boolean) IS
  'City admin only: create an operator account whose division level fits its role; adjusters name their insurer';

-- As in 0005; the answer carries the insurer and supervisor columns.
CREATE FUNCTION aixin.bind_certificate(p_actor bigint, p_request_id bigint, p_key bytea,
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
                      jsonb_build_object('sha256', nullif(p_sha256, '')));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('account_id', target_id));
  RETURN QUERY SELECT * FROM aixin.account_render(target_id);
END;
$$;

COMMENT ON FUNCTION aixin.bind_certificate(bigint, bigint, bytea, text, text) IS
  'City admin only: bind (or with an empty sha256 unbind) a client certificate';

-- ---------------------------------------------------------------------------
-- Deadlines and states (pure functions).
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.claim_transition_allowed(p_from text, p_to text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_from
           WHEN 'filed' THEN p_to IN ('under_review', 'escalated', 'approved', 'rejected')
           WHEN 'under_review' THEN p_to IN ('escalated', 'approved', 'rejected')
           WHEN 'escalated' THEN p_to IN ('under_review', 'approved', 'rejected')
           WHEN 'approved' THEN p_to = 'paid'
           ELSE false
         END
$$;

COMMENT ON FUNCTION aixin.claim_transition_allowed(text, text) IS
  'True when a claim may go from state p_from to state p_to (rejected and paid are final)';

-- The service class, clock start, due date and overdue flag of a claim
-- (see THE CLAIM RULES at the top of this file).  p_documents_complete_on
-- is NULL while the documents are incomplete; p_today is the local date
-- the overdue flag is computed for.
CREATE FUNCTION aixin.claim_due(p_amount_claimed_fen bigint, p_documents_complete_on date,
                                p_doubt boolean, p_escalated_on date, p_state text,
                                p_decided_on date, p_paid_on date, p_today date,
                                OUT service_class text, OUT clock_start date,
                                OUT due_date date, OUT overdue boolean)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  answer_due date;
BEGIN
  IF p_escalated_on IS NOT NULL THEN
    service_class := 'fifteen_day';
    clock_start := p_escalated_on;
    answer_due := p_escalated_on + 15;
    IF p_state IN ('approved', 'paid') THEN
      due_date := p_decided_on + 7;
      overdue := p_decided_on > answer_due OR coalesce(p_paid_on, p_today) > due_date;
    ELSE
      due_date := answer_due;
      overdue := coalesce(p_decided_on, p_today) > answer_due;
    END IF;
    RETURN;
  END IF;

  clock_start := p_documents_complete_on;
  IF clock_start IS NULL THEN
    service_class := 'seven_day';
    overdue := false;
    RETURN;
  END IF;
  IF p_amount_claimed_fen <= 100000 AND NOT coalesce(p_doubt, false) THEN
    service_class := 'same_day';
    due_date := clock_start;
  ELSE
    service_class := 'seven_day';
    due_date := clock_start + 7;
  END IF;
  overdue := CASE p_state
               WHEN 'paid' THEN p_paid_on > due_date
               WHEN 'rejected' THEN p_decided_on > due_date
               ELSE p_today > due_date
             END;
END;
$$;

COMMENT ON FUNCTION aixin.claim_due(bigint, date, boolean, date, text, date, date, date) IS
  'Service class (same_day, seven_day, fifteen_day), clock start, due date and overdue flag of a claim on p_today';

-- ---------------------------------------------------------------------------
-- Claims.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.claims (
  id                    bigserial PRIMARY KEY,
  policy_id             bigint NOT NULL REFERENCES aixin.policies (id),
  event                 text NOT NULL
                        CHECK (event IN ('illness', 'accident_injury', 'disability', 'child_death',
                                         'guardian_death')),
  incident_date         date NOT NULL,
  amount_claimed_fen    bigint NOT NULL CHECK (amount_claimed_fen > 0),
  documents_complete    boolean NOT NULL DEFAULT false,
  doubt                 boolean NOT NULL DEFAULT false,
  description           text CHECK (description IS NULL OR aixin.label_ok(description, 500)),
  state                 text NOT NULL DEFAULT 'filed'
                        CHECK (state IN ('filed', 'under_review', 'escalated', 'approved',
                                         'rejected', 'paid')),
  -- Paper dates (Asia/Shanghai).
  received_on           date NOT NULL,
  documents_complete_on date,
  escalated_on          date,
  decided_on            date,
  approved_fen          bigint CHECK (approved_fen > 0),
  -- The rejection reason, or the approval note.
  decision_reason       text CHECK (decision_reason IS NULL OR aixin.label_ok(decision_reason, 500)),
  paid_fen              bigint,
  paid_on               date,
  payment_method        text CHECK (payment_method IN ('bank_transfer', 'cash', 'cheque')),
  delivered_home        boolean NOT NULL DEFAULT false,
  -- System time.
  filed_at              timestamptz NOT NULL DEFAULT now(),
  filed_by              bigint NOT NULL REFERENCES aixin.accounts (id),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT claims_dates_order CHECK (
        incident_date <= received_on
    AND documents_complete_on >= received_on
    AND escalated_on >= received_on
    AND decided_on >= received_on
    AND decided_on >= escalated_on
    AND paid_on >= decided_on
  ),
  CONSTRAINT claims_documents CHECK (documents_complete = (documents_complete_on IS NOT NULL)),
  CONSTRAINT claims_escalated CHECK (state <> 'escalated' OR escalated_on IS NOT NULL),
  CONSTRAINT claims_decided CHECK (
    (decided_on IS NOT NULL) = (state IN ('approved', 'rejected', 'paid'))
  ),
  CONSTRAINT claims_approved CHECK (
        (approved_fen IS NOT NULL) = (state IN ('approved', 'paid'))
    AND (state NOT IN ('approved', 'paid') OR documents_complete)
    AND (approved_fen IS NULL OR decided_on >= documents_complete_on)
  ),
  CONSTRAINT claims_rejected CHECK (state <> 'rejected' OR decision_reason IS NOT NULL),
  CONSTRAINT claims_paid CHECK (
    CASE WHEN state = 'paid'
         THEN paid_fen IS NOT NULL AND paid_fen = approved_fen AND paid_on IS NOT NULL
              AND payment_method IS NOT NULL
         ELSE paid_fen IS NULL AND paid_on IS NULL AND payment_method IS NULL
              AND NOT delivered_home
    END
  ),
  -- 送赔款上门: 5,000 yuan and more are delivered to the home.
  CONSTRAINT claims_home_delivery CHECK (paid_fen IS NULL OR paid_fen < 500000 OR delivered_home)
);

CREATE INDEX claims_policy_event_idx ON aixin.claims (policy_id, event);
CREATE INDEX claims_state_received_idx ON aixin.claims (state, received_on);
-- The due list: claims still waiting, reached through their policies (by
-- township or by insurer, policies_insurer_year_idx).
CREATE INDEX claims_open_policy_idx ON aixin.claims (policy_id)
  WHERE state IN ('filed', 'under_review', 'escalated', 'approved');

COMMENT ON TABLE aixin.claims IS
  'Claims against policies: filed by offices, decided and paid by the policy''s insurer';

-- Rules for every writer: a claim starts filed, within its policy year and
-- covered by a cap; states move only as aixin.claim_transition_allowed
-- says; what was recorded is never rewritten; final claims never change;
-- paper dates are never in the future; approvals stay within the caps.
CREATE FUNCTION aixin.claims_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  today date := aixin.local_today();
  pol aixin.policies;
  cap bigint;
  used bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'claims are never deleted' USING ERRCODE = 'AXP01';
  END IF;

  IF TG_OP = 'INSERT' THEN
    IF NEW.state <> 'filed' OR NEW.doubt OR NEW.escalated_on IS NOT NULL THEN
      RAISE EXCEPTION 'a new claim is filed, without doubt or escalation'
        USING ERRCODE = 'AXB01', COLUMN = 'state';
    END IF;
    SELECT * INTO pol FROM aixin.policies p WHERE p.id = NEW.policy_id;
    IF NOT FOUND THEN
      RETURN NEW;  -- the foreign key reports it
    END IF;
    IF NEW.incident_date NOT BETWEEN make_date(pol.policy_year, 1, 1)
                                 AND make_date(pol.policy_year, 12, 31) THEN
      RAISE EXCEPTION 'the incident date must fall in the policy year %', pol.policy_year
        USING ERRCODE = 'AXB01', COLUMN = 'incident_date';
    END IF;
    IF NEW.received_on > today OR NEW.documents_complete_on > today THEN
      RAISE EXCEPTION 'received_on % is in the future', aixin.ymd(NEW.received_on)
        USING ERRCODE = 'AXB01', COLUMN = 'received_on';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM aixin.policy_year_benefits b
                    WHERE b.policy_year = pol.policy_year AND b.event = NEW.event) THEN
      RAISE EXCEPTION 'the % policies do not cover %', pol.policy_year, NEW.event
        USING ERRCODE = 'AXR01', COLUMN = 'event';
    END IF;
    NEW.filed_at := now();
    NEW.updated_at := NEW.filed_at;
    RETURN NEW;
  END IF;

  IF OLD.state IN ('rejected', 'paid') THEN
    RAISE EXCEPTION 'claim % is % (final)', OLD.id, OLD.state
      USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
  END IF;
  IF NEW.id <> OLD.id OR NEW.policy_id <> OLD.policy_id OR NEW.event <> OLD.event
     OR NEW.incident_date <> OLD.incident_date
     OR NEW.amount_claimed_fen <> OLD.amount_claimed_fen
     OR NEW.description IS DISTINCT FROM OLD.description
     OR NEW.received_on <> OLD.received_on OR NEW.filed_at <> OLD.filed_at
     OR NEW.filed_by <> OLD.filed_by THEN
    RAISE EXCEPTION 'what was filed for claim % cannot change', OLD.id
      USING ERRCODE = 'AXB01', COLUMN = 'claim_id';
  END IF;
  IF NEW.state <> OLD.state AND NOT aixin.claim_transition_allowed(OLD.state, NEW.state) THEN
    RAISE EXCEPTION 'claim % cannot go from % to %', OLD.id, OLD.state, NEW.state
      USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
  END IF;
  IF OLD.documents_complete_on IS NOT NULL
     AND NEW.documents_complete_on IS DISTINCT FROM OLD.documents_complete_on THEN
    RAISE EXCEPTION 'the documents of claim % were complete on %', OLD.id,
        aixin.ymd(OLD.documents_complete_on)
      USING ERRCODE = 'AXB01', COLUMN = 'documents_complete';
  END IF;
  IF OLD.doubt AND NOT NEW.doubt THEN
    RAISE EXCEPTION 'a doubt on claim % cannot be withdrawn', OLD.id
      USING ERRCODE = 'AXB01', COLUMN = 'doubt';
  END IF;
  IF OLD.escalated_on IS NOT NULL AND NEW.escalated_on IS DISTINCT FROM OLD.escalated_on THEN
    RAISE EXCEPTION 'claim % was escalated on %', OLD.id, aixin.ymd(OLD.escalated_on)
      USING ERRCODE = 'AXB01', COLUMN = 'decided_on';
  END IF;
  IF OLD.decided_on IS NOT NULL
     AND (NEW.decided_on IS DISTINCT FROM OLD.decided_on
          OR NEW.approved_fen IS DISTINCT FROM OLD.approved_fen
          OR NEW.decision_reason IS DISTINCT FROM OLD.decision_reason) THEN
    RAISE EXCEPTION 'the decision on claim % cannot change', OLD.id
      USING ERRCODE = 'AXB01', COLUMN = 'claim_id';
  END IF;
  IF NEW.documents_complete_on IS DISTINCT FROM OLD.documents_complete_on
     AND NEW.documents_complete_on > today THEN
    RAISE EXCEPTION 'received_on % is in the future', aixin.ymd(NEW.documents_complete_on)
      USING ERRCODE = 'AXB01', COLUMN = 'received_on';
  END IF;
  IF NEW.escalated_on IS DISTINCT FROM OLD.escalated_on AND NEW.escalated_on > today
     OR NEW.decided_on IS DISTINCT FROM OLD.decided_on AND NEW.decided_on > today THEN
    RAISE EXCEPTION 'decided_on is in the future' USING ERRCODE = 'AXB01', COLUMN = 'decided_on';
  END IF;
  IF NEW.paid_on IS DISTINCT FROM OLD.paid_on AND NEW.paid_on > today THEN
    RAISE EXCEPTION 'paid_on % is in the future', aixin.ymd(NEW.paid_on)
      USING ERRCODE = 'AXB01', COLUMN = 'paid_on';
  END IF;

  IF NEW.state = 'approved' AND OLD.state <> 'approved' THEN
    -- Approvals on one policy are serialised by the policy row.
    SELECT * INTO pol FROM aixin.policies p WHERE p.id = NEW.policy_id FOR NO KEY UPDATE;
    SELECT b.max_payout_fen INTO cap FROM aixin.policy_year_benefits b
     WHERE b.policy_year = pol.policy_year AND b.event = NEW.event;
    SELECT coalesce(sum(c.approved_fen), 0) INTO used FROM aixin.claims c
     WHERE c.policy_id = NEW.policy_id AND c.event = NEW.event
       AND c.state IN ('approved', 'paid') AND c.id <> NEW.id;
    IF cap IS NULL OR used + NEW.approved_fen > cap THEN
      RAISE EXCEPTION 'approving % yuan would exceed the % % cap of % yuan: % yuan remain',
          aixin.yuan(NEW.approved_fen), pol.policy_year, NEW.event, aixin.yuan(coalesce(cap, 0)),
          aixin.yuan(greatest(coalesce(cap, 0) - used, 0))
        USING ERRCODE = 'AXR01', COLUMN = 'approved_fen';
    END IF;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER claims_rules
  BEFORE INSERT OR UPDATE OR DELETE ON aixin.claims
  FOR EACH ROW EXECUTE FUNCTION aixin.claims_rules();

CREATE TRIGGER claims_no_truncate
  BEFORE TRUNCATE ON aixin.claims
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- Documents received for a claim (names as on the paper list).
CREATE TABLE aixin.claim_documents (
  id          bigserial PRIMARY KEY,
  claim_id    bigint NOT NULL REFERENCES aixin.claims (id),
  name        text NOT NULL CHECK (aixin.label_ok(name, 100)),
  received_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint NOT NULL REFERENCES aixin.accounts (id)
);

CREATE INDEX claim_documents_claim_idx ON aixin.claim_documents (claim_id);

COMMENT ON TABLE aixin.claim_documents IS 'Documents received for a claim. Append-only.';

-- Every step of a claim: who, when (paper date and system time), from
-- which request.  Append-only.
CREATE TABLE aixin.claim_transitions (
  id              bigserial PRIMARY KEY,
  claim_id        bigint NOT NULL REFERENCES aixin.claims (id),
  action          text NOT NULL
                  CHECK (action IN ('file', 'add_documents', 'review', 'doubt', 'escalate',
                                    'approve', 'reject', 'pay', 'visit', 'supplement')),
  from_state      text CHECK (from_state IN ('filed', 'under_review', 'escalated', 'approved',
                                             'rejected', 'paid')),
  to_state        text NOT NULL
                  CHECK (to_state IN ('filed', 'under_review', 'escalated', 'approved',
                                      'rejected', 'paid')),
  account_id      bigint NOT NULL REFERENCES aixin.accounts (id),
  effective_on    date NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  request_id      bigint,
  idempotency_key bytea,
  note            text CHECK (char_length(note) <= 10000),
  amount_fen      bigint,
  CHECK ((action = 'file') = (from_state IS NULL))
);

CREATE INDEX claim_transitions_claim_idx ON aixin.claim_transitions (claim_id, id);

COMMENT ON TABLE aixin.claim_transitions IS
  'Every action on a claim with its actor, paper date, system time and request. Append-only.';

-- Follow-up visits to paid families (回访服务).
CREATE TABLE aixin.claim_visits (
  id          bigserial PRIMARY KEY,
  claim_id    bigint NOT NULL REFERENCES aixin.claims (id),
  visited_on  date NOT NULL,
  note        text CHECK (note IS NULL OR aixin.label_ok(note, 500)),
  recorded_by bigint NOT NULL REFERENCES aixin.accounts (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX claim_visits_claim_idx ON aixin.claim_visits (claim_id);

COMMENT ON TABLE aixin.claim_visits IS 'Follow-up visits to families of paid claims. Append-only.';

-- The city's supplementary payouts (追加赔付) on paid claims.
CREATE TABLE aixin.supplementary_payouts (
  id          bigserial PRIMARY KEY,
  claim_id    bigint NOT NULL REFERENCES aixin.claims (id),
  amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
  paid_on     date NOT NULL,
  reference   text NOT NULL CHECK (aixin.label_ok(reference, 64)),
  recorded_by bigint NOT NULL REFERENCES aixin.accounts (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT supplementary_payouts_reference_key UNIQUE (claim_id, reference)
);

COMMENT ON TABLE aixin.supplementary_payouts IS
  'Extra payouts by the city on top of paid claims. Append-only.';

-- Documents, visits and supplementary payouts fit their claim whoever
-- writes them: documents while the claim is not final, dated from its
-- receipt; visits and supplements on paid claims, dated from the payment;
-- never dated in the future.
CREATE FUNCTION aixin.claim_children_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  c aixin.claims;
  on_date date;
  field text;
BEGIN
  SELECT * INTO c FROM aixin.claims cl WHERE cl.id = NEW.claim_id;
  IF NOT FOUND THEN
    RETURN NEW;  -- the foreign key reports it
  END IF;
  IF TG_TABLE_NAME = 'claim_documents' THEN
    on_date := NEW.received_on;
    field := 'received_on';
    IF c.state IN ('rejected', 'paid') THEN
      RAISE EXCEPTION 'claim % is % (final)', c.id, c.state
        USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
    END IF;
    IF on_date < c.received_on THEN
      RAISE EXCEPTION 'received_on is before the claim was received (%)', aixin.ymd(c.received_on)
        USING ERRCODE = 'AXB01', COLUMN = field;
    END IF;
  ELSE
    IF TG_TABLE_NAME = 'claim_visits' THEN
      on_date := NEW.visited_on;
      field := 'visited_on';
    ELSE
      on_date := NEW.paid_on;
      field := 'paid_on';
    END IF;
    IF c.state <> 'paid' THEN
      RAISE EXCEPTION 'claim % is %, not paid', c.id, c.state
        USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
    END IF;
    IF on_date < c.paid_on THEN
      RAISE EXCEPTION '% is before the claim was paid (%)', field, aixin.ymd(c.paid_on)
        USING ERRCODE = 'AXB01', COLUMN = field;
    END IF;
  END IF;
  IF on_date > aixin.local_today() THEN
    RAISE EXCEPTION '% % is in the future', field, aixin.ymd(on_date)
      USING ERRCODE = 'AXB01', COLUMN = field;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER claim_documents_rules
  BEFORE INSERT ON aixin.claim_documents
  FOR EACH ROW EXECUTE FUNCTION aixin.claim_children_rules();
CREATE TRIGGER claim_visits_rules
  BEFORE INSERT ON aixin.claim_visits
  FOR EACH ROW EXECUTE FUNCTION aixin.claim_children_rules();
CREATE TRIGGER supplementary_payouts_rules
  BEFORE INSERT ON aixin.supplementary_payouts
  FOR EACH ROW EXECUTE FUNCTION aixin.claim_children_rules();

CREATE TRIGGER claim_documents_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.claim_documents
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER claim_documents_no_truncate
  BEFORE TRUNCATE ON aixin.claim_documents
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER claim_transitions_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.claim_transitions
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER claim_transitions_no_truncate
  BEFORE TRUNCATE ON aixin.claim_transitions
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER claim_visits_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.claim_visits
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER claim_visits_no_truncate
  BEFORE TRUNCATE ON aixin.claim_visits
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER supplementary_payouts_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.supplementary_payouts
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER supplementary_payouts_no_truncate
  BEFORE TRUNCATE ON aixin.supplementary_payouts
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- ---------------------------------------------------------------------------
-- Row types and rendering.
-- ---------------------------------------------------------------------------

-- The Claim message, field for field (claims.proto).  Enums as their
-- lower-case names: event (0003's events), state (filed, under_review,
-- escalated, approved, rejected, paid), service_class (same_day,
-- seven_day, fifteen_day), payment_method (bank_transfer, cash, cheque).
-- NULL where absent; supplementary_fen is 0 when there is none.
CREATE TYPE aixin.claim_row AS (
  id                     bigint,
  policy_id              bigint,
  policy_year            int,
  child_id_number        text,
  child_name             text,
  township_code          text,
  insurer_code           text,
  event                  text,
  incident_date          text,
  amount_claimed_fen     bigint,
  documents_complete     boolean,
  doubt                  boolean,
  description            text,
  state                  text,
  service_class          text,
  clock_start_date       text,
  due_date               text,
  approved_fen           bigint,
  decision_reason        text,
  paid_fen               bigint,
  paid_on                text,
  payment_method         text,
  delivered_home         boolean,
  home_delivery_required boolean,
  supplementary_fen      bigint,
  received_on            text,
  filed_at               bigint,
  overdue                boolean
);

-- The claims p_ids as claim_row, deadlines computed for today.
-- home_delivery_required: the amount paid (or, before payment, approved)
-- is 5,000 yuan or more.
CREATE FUNCTION aixin.claim_rows(p_ids bigint[]) RETURNS SETOF aixin.claim_row
LANGUAGE sql STABLE AS $$
  SELECT c.id, c.policy_id, p.policy_year, k.id_number, k.name, p.township_code, i.code,
         c.event, aixin.ymd(c.incident_date), c.amount_claimed_fen, c.documents_complete,
         c.doubt, c.description, c.state, d.service_class, aixin.ymd(d.clock_start),
         aixin.ymd(d.due_date), c.approved_fen, c.decision_reason, c.paid_fen,
         aixin.ymd(c.paid_on), c.payment_method, c.delivered_home,
         coalesce(coalesce(c.paid_fen, c.approved_fen) >= 500000, false),
         coalesce((SELECT sum(s.amount_fen) FROM aixin.supplementary_payouts s
                    WHERE s.claim_id = c.id), 0)::bigint,
         aixin.ymd(c.received_on), aixin.epoch(c.filed_at), d.overdue
    FROM aixin.claims c
    JOIN aixin.policies p ON p.id = c.policy_id
    JOIN aixin.children k ON k.id = p.child_id
    JOIN aixin.insurers i ON i.id = p.insurer_id
   CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt,
                                      c.escalated_on, c.state, c.decided_on, c.paid_on,
                                      aixin.local_today()) d
   WHERE c.id = ANY (p_ids)
   ORDER BY c.id
$$;

CREATE FUNCTION aixin.claim_render(p_claim_id bigint) RETURNS SETOF aixin.claim_row
LANGUAGE sql STABLE AS $$
  SELECT * FROM aixin.claim_rows(ARRAY[p_claim_id])
$$;

-- ---------------------------------------------------------------------------
-- Helpers of the API functions.
-- ---------------------------------------------------------------------------

-- May this account see a claim of a policy in township p_township with
-- insurer p_insurer_id?  Offices in scope of the township; adjusters of
-- the insurer.
CREATE FUNCTION aixin.claim_visible(p_acct aixin.accounts, p_township text, p_insurer_id bigint)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE
           WHEN p_acct.role = 'insurer_adjuster' THEN p_acct.insurer_id = p_insurer_id
           WHEN p_acct.role = ANY (aixin.reader_roles())
             THEN aixin.in_scope(p_acct.division_code, p_township)
           ELSE false
         END
$$;

-- The claim, locked FOR UPDATE, when the actor may see it; AXN01
-- otherwise (a claim out of sight looks exactly like a missing one and is
-- not locked).
CREATE FUNCTION aixin.claim_lock(p_acct aixin.accounts, p_claim_id bigint)
RETURNS aixin.claims
LANGUAGE plpgsql AS $$
DECLARE
  twp text;
  ins bigint;
  c aixin.claims;
BEGIN
  SELECT p.township_code, p.insurer_id INTO twp, ins
    FROM aixin.claims cl
    JOIN aixin.policies p ON p.id = cl.policy_id
   WHERE cl.id = p_claim_id;
  IF NOT FOUND OR NOT coalesce(aixin.claim_visible(p_acct, twp, ins), false) THEN
    RAISE EXCEPTION 'claim % not found', p_claim_id USING ERRCODE = 'AXN01', COLUMN = 'claim_id';
  END IF;
  SELECT * INTO STRICT c FROM aixin.claims cl WHERE cl.id = p_claim_id FOR UPDATE;
  RETURN c;
END;
$$;

-- AXC01 unless the claim is in one of p_states.  p_target is the state the
-- action leads to: a claim already there (or final) is "already" so.
CREATE FUNCTION aixin.claim_require_state(p_claim aixin.claims, p_states text[], p_action text,
                                          p_target text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_claim.state = ANY (p_states) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION 'claim % is %; % needs a claim that is %', p_claim.id,
      CASE WHEN p_claim.state IN ('rejected', 'paid') OR p_claim.state = p_target
           THEN 'already ' ELSE '' END || replace(p_claim.state, '_', ' '),
      p_action,
      replace(array_to_string(p_states, ' or '), '_', ' ')
    USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
END;
$$;

-- A paper date: NULL means today; AXB01 (COLUMN p_field) when it is in the
-- future or before p_not_before (what it is, for the message).
CREATE FUNCTION aixin.claim_date(p_date date, p_field text, p_not_before date,
                                 p_not_before_what text)
RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
  today date := aixin.local_today();
  d date := coalesce(p_date, today);
BEGIN
  IF d > today THEN
    RAISE EXCEPTION '% % is in the future (today is %)', p_field, aixin.ymd(d), aixin.ymd(today)
      USING ERRCODE = 'AXB01', COLUMN = p_field;
  END IF;
  IF d < p_not_before THEN
    RAISE EXCEPTION '% % is before %', p_field, aixin.ymd(d), p_not_before_what
      USING ERRCODE = 'AXB01', COLUMN = p_field;
  END IF;
  RETURN d;
END;
$$;

-- An optional free-text argument ('' = absent): NULL or 1..p_max_len
-- characters without control characters or surrounding blanks.
CREATE FUNCTION aixin.claim_text(p_text text, p_max_len int, p_field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF nullif(p_text, '') IS NULL THEN
    RETURN NULL;
  END IF;
  IF NOT aixin.label_ok(p_text, p_max_len) THEN
    RAISE EXCEPTION '% must be at most % characters, without control characters or surrounding spaces',
        p_field, p_max_len
      USING ERRCODE = 'AXB01', COLUMN = p_field;
  END IF;
  RETURN p_text;
END;
$$;

-- Validated document names (NULL = none): 1-100 characters each, at most 50.
CREATE FUNCTION aixin.claim_document_names(p_documents text[]) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  names text[] := coalesce(p_documents, '{}');
BEGIN
  IF cardinality(names) > 50 THEN
    RAISE EXCEPTION 'at most 50 documents at a time' USING ERRCODE = 'AXB01', COLUMN = 'documents';
  END IF;
  FOR i IN 1..cardinality(names) LOOP
    IF NOT aixin.label_ok(names[i], 100) THEN
      RAISE EXCEPTION 'a document name must be 1-100 characters, without control characters or surrounding spaces'
        USING ERRCODE = 'AXB01', COLUMN = format('documents[%s]', i - 1);
    END IF;
  END LOOP;
  RETURN names;
END;
$$;

-- The history note of documents received: their names, and whether the
-- documents are now complete.
CREATE FUNCTION aixin.claim_documents_note(p_names text[], p_complete boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif(concat_ws('; ', nullif(array_to_string(p_names, ', '), ''),
                          CASE WHEN p_complete THEN 'documents complete' END), '')
$$;

CREATE FUNCTION aixin.claim_transition_add(p_claim_id bigint, p_action text, p_from text,
                                           p_to text, p_actor bigint, p_effective_on date,
                                           p_request_id bigint, p_key bytea, p_note text,
                                           p_amount_fen bigint)
RETURNS void
LANGUAGE sql AS $$
  INSERT INTO aixin.claim_transitions (claim_id, action, from_state, to_state, account_id,
                                       effective_on, request_id, idempotency_key, note,
                                       amount_fen)
  VALUES (p_claim_id, p_action, p_from, p_to, p_actor, p_effective_on, p_request_id, p_key,
          p_note, p_amount_fen)
$$;

-- ---------------------------------------------------------------------------
-- Filing and documents (offices).
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.file_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                 p_child_id_number text, p_policy_year int, p_event text,
                                 p_incident_date date, p_amount_fen bigint,
                                 p_documents_complete boolean, p_documents text[],
                                 p_description text, p_received_on date)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  idn text := upper(p_child_id_number);
  kid aixin.children;
  twp text;
  pol aixin.policies;
  received date;
  complete boolean := coalesce(p_documents_complete, false);
  names text[];
  descr text;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.file',
             jsonb_build_array(p_child_id_number, p_policy_year, p_event, p_incident_date,
                               p_amount_fen, p_documents_complete, p_documents, p_description,
                               p_received_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  IF idn IS NULL OR NOT aixin.id_number_valid(idn) THEN
    RAISE EXCEPTION 'invalid ID number' USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  IF p_event IS NULL OR NOT (p_event = ANY (aixin.benefit_events())) THEN
    RAISE EXCEPTION 'event must be one of %', array_to_string(aixin.benefit_events(), ', ')
      USING ERRCODE = 'AXB01', COLUMN = 'event';
  END IF;
  IF p_amount_fen IS NULL OR p_amount_fen <= 0 THEN
    RAISE EXCEPTION 'amount claimed must be positive'
      USING ERRCODE = 'AXB01', COLUMN = 'amount_claimed_fen';
  END IF;
  names := aixin.claim_document_names(p_documents);
  descr := aixin.claim_text(p_description, 500, 'description');

  -- Out of scope looks exactly like missing: do not reveal the child.
  SELECT c.* INTO kid FROM aixin.children c WHERE c.id_number = idn;
  IF FOUND THEN
    SELECT h.township_code INTO twp FROM aixin.households h WHERE h.id = kid.household_id;
  END IF;
  IF kid.id IS NULL OR NOT aixin.in_scope(acct.division_code, twp) THEN
    RAISE EXCEPTION 'child not found' USING ERRCODE = 'AXN01', COLUMN = 'child_id_number';
  END IF;
  SELECT * INTO pol FROM aixin.policies p
   WHERE p.child_id = kid.id AND p.policy_year = p_policy_year;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the child has no policy for %', coalesce(p_policy_year::text, 'that year')
      USING ERRCODE = 'AXN01', COLUMN = 'policy_year';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_year_benefits b
                  WHERE b.policy_year = pol.policy_year AND b.event = p_event) THEN
    RAISE EXCEPTION 'the % policies do not cover %', pol.policy_year, p_event
      USING ERRCODE = 'AXR01', COLUMN = 'event';
  END IF;

  received := aixin.claim_date(p_received_on, 'received_on', NULL, NULL);
  IF p_incident_date IS NULL
     OR p_incident_date NOT BETWEEN make_date(pol.policy_year, 1, 1)
                                AND make_date(pol.policy_year, 12, 31) THEN
    RAISE EXCEPTION 'the incident date must fall in the policy year %', pol.policy_year
      USING ERRCODE = 'AXB01', COLUMN = 'incident_date';
  END IF;
  IF p_incident_date > received THEN
    RAISE EXCEPTION 'the incident date % is after the claim was received (%)',
        aixin.ymd(p_incident_date), aixin.ymd(received)
      USING ERRCODE = 'AXB01', COLUMN = 'incident_date';
  END IF;
  IF p_incident_date < kid.birth_date THEN
    RAISE EXCEPTION 'the incident date % is before the child was born',
        aixin.ymd(p_incident_date)
      USING ERRCODE = 'AXB01', COLUMN = 'incident_date';
  END IF;

  INSERT INTO aixin.claims (policy_id, event, incident_date, amount_claimed_fen,
                            documents_complete, documents_complete_on, description,
                            received_on, filed_by)
  VALUES (pol.id, p_event, p_incident_date, p_amount_fen, complete,
          CASE WHEN complete THEN received END, descr, received, p_actor)
  RETURNING id INTO new_id;
  INSERT INTO aixin.claim_documents (claim_id, name, received_on, recorded_by)
  SELECT new_id, n.name, received, p_actor
    FROM unnest(names) WITH ORDINALITY AS n (name, ord)
   ORDER BY n.ord;
  PERFORM aixin.claim_transition_add(new_id, 'file', NULL, 'filed', p_actor, received,
                                     p_request_id, p_key,
                                     aixin.claim_documents_note(names, complete), p_amount_fen);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.file', 'claim:' || new_id,
                      jsonb_build_object('policy_id', pol.id, 'child', aixin.mask_id(idn),
                                         'event', p_event,
                                         'incident_date', aixin.ymd(p_incident_date),
                                         'amount_claimed_fen', p_amount_fen,
                                         'documents', cardinality(names),
                                         'documents_complete', complete,
                                         'received_on', aixin.ymd(received),
                                         'description', aixin.audit_text(descr)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', new_id));
  RETURN QUERY SELECT * FROM aixin.claim_render(new_id);
END;
$$;

COMMENT ON FUNCTION aixin.file_claim(bigint, bigint, bytea, text, int, text, date, bigint, boolean,
                                     text[], text, date) IS
  'A clerk (in scope) or the city admin files a claim against a child''s policy of the incident''s year';

CREATE FUNCTION aixin.add_claim_documents(p_actor bigint, p_request_id bigint, p_key bytea,
                                          p_claim_id bigint, p_documents text[],
                                          p_documents_complete boolean, p_received_on date)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  names text[];
  received date;
  completes boolean;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.add_documents',
             jsonb_build_array(p_claim_id, p_documents, p_documents_complete, p_received_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  names := aixin.claim_document_names(p_documents);
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review', 'escalated', 'approved'],
                                    'adding documents', NULL);
  received := aixin.claim_date(p_received_on, 'received_on', c.received_on,
                               'the claim was received (' || aixin.ymd(c.received_on) || ')');
  completes := coalesce(p_documents_complete, false) AND NOT c.documents_complete;
  IF cardinality(names) = 0 AND NOT completes THEN
    RAISE EXCEPTION 'name the documents received, or mark the documents complete'
      USING ERRCODE = 'AXB01', COLUMN = 'documents';
  END IF;

  INSERT INTO aixin.claim_documents (claim_id, name, received_on, recorded_by)
  SELECT c.id, n.name, received, p_actor
    FROM unnest(names) WITH ORDINALITY AS n (name, ord)
   ORDER BY n.ord;
  IF completes THEN
    UPDATE aixin.claims cl
       SET documents_complete = true, documents_complete_on = received
     WHERE cl.id = c.id;
  END IF;
  PERFORM aixin.claim_transition_add(c.id, 'add_documents', c.state, c.state, p_actor, received,
                                     p_request_id, p_key,
                                     aixin.claim_documents_note(names, completes), NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.add_documents', 'claim:' || c.id,
                      jsonb_build_object('documents', cardinality(names),
                                         'documents_complete', completes,
                                         'received_on', aixin.ymd(received)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.add_claim_documents(bigint, bigint, bytea, bigint, text[], boolean, date) IS
  'A clerk (in scope) or the city admin records documents received for a claim not yet final; complete starts the clock';

-- ---------------------------------------------------------------------------
-- Adjuster actions.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.review_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                   p_claim_id bigint, p_note text)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.review',
             jsonb_build_array(p_claim_id, p_note));
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

  UPDATE aixin.claims cl SET state = 'under_review' WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'review', c.state, 'under_review', p_actor,
                                     aixin.local_today(), p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.review', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.review_claim(bigint, bigint, bytea, bigint, text) IS
  'An adjuster of the insurer takes up a filed claim; a supervisor sends an escalated one back to review';

CREATE FUNCTION aixin.flag_claim_doubt(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_claim_id bigint, p_note text)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.doubt',
             jsonb_build_array(p_claim_id, p_note));
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

  UPDATE aixin.claims cl SET doubt = true WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'doubt', c.state, c.state, p_actor,
                                     aixin.local_today(), p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.doubt', 'claim:' || c.id,
                      jsonb_build_object('state', c.state, 'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.flag_claim_doubt(bigint, bigint, bytea, bigint, text) IS
  'An adjuster of the insurer flags a doubt on an undecided claim (a same-day claim becomes seven-day)';

CREATE FUNCTION aixin.escalate_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_claim_id bigint, p_note text, p_decided_on date)
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
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.escalate',
             jsonb_build_array(p_claim_id, p_note, p_decided_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  note := aixin.claim_text(p_note, 500, 'note');
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review'], 'escalation', 'escalated');
  decided := aixin.claim_date(p_decided_on, 'decided_on', c.received_on,
                              'the claim was received (' || aixin.ymd(c.received_on) || ')');

  -- The first escalation starts the 15-day clock; a later one keeps it.
  UPDATE aixin.claims cl
     SET state = 'escalated', escalated_on = coalesce(cl.escalated_on, decided)
   WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'escalate', c.state, 'escalated', p_actor, decided,
                                     p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.escalate', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'decided_on', aixin.ymd(decided),
                                         'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.escalate_claim(bigint, bigint, bytea, bigint, text, date) IS
  'An adjuster of the insurer escalates a claim to its supervisors (an answer is due within 15 days)';

CREATE FUNCTION aixin.approve_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                    p_claim_id bigint, p_approved_fen bigint, p_note text,
                                    p_decided_on date)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  pol aixin.policies;
  note text;
  decided date;
  cap bigint;
  used bigint;
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
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review', 'escalated'], 'approval',
                                    'approved');
  IF c.state = 'escalated' AND NOT acct.supervisor THEN
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
  IF c.event IN ('child_death', 'guardian_death') AND p_approved_fen <> cap AND note IS NULL THEN
    RAISE EXCEPTION 'a death benefit is the scheduled % yuan; a lower amount needs a note',
        aixin.yuan(cap)
      USING ERRCODE = 'AXR01', COLUMN = 'approved_fen';
  END IF;

  UPDATE aixin.claims cl
     SET state = 'approved', approved_fen = p_approved_fen, decided_on = decided,
         decision_reason = note
   WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'approve', c.state, 'approved', p_actor, decided,
                                     p_request_id, p_key, note, p_approved_fen);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.approve', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'approved_fen', p_approved_fen,
                                         'decided_on', aixin.ymd(decided),
                                         'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.approve_claim(bigint, bigint, bytea, bigint, bigint, text, date) IS
  'An adjuster of the insurer approves an amount within the year''s cap (escalated claims: a supervisor)';

CREATE FUNCTION aixin.reject_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                   p_claim_id bigint, p_reason text, p_decided_on date)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  reason text;
  decided date;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.reject',
             jsonb_build_array(p_claim_id, p_reason, p_decided_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  reason := aixin.claim_text(p_reason, 500, 'reason');
  IF reason IS NULL THEN
    RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['filed', 'under_review', 'escalated'], 'rejection',
                                    'rejected');
  IF c.state = 'escalated' AND NOT acct.supervisor THEN
    RAISE EXCEPTION 'only a supervisor of the insurer answers an escalated claim'
      USING ERRCODE = 'AXP01', COLUMN = 'claim_id';
  END IF;
  decided := aixin.claim_date(p_decided_on, 'decided_on', greatest(c.received_on, c.escalated_on),
                              CASE WHEN c.escalated_on IS NOT NULL
                                   THEN 'the escalation (' || aixin.ymd(c.escalated_on) || ')'
                                   ELSE 'the claim was received ('
                                        || aixin.ymd(c.received_on) || ')' END);

  UPDATE aixin.claims cl
     SET state = 'rejected', decided_on = decided, decision_reason = reason
   WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'reject', c.state, 'rejected', p_actor, decided,
                                     p_request_id, p_key, reason, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.reject', 'claim:' || c.id,
                      jsonb_build_object('from_state', c.state, 'decided_on', aixin.ymd(decided),
                                         'reason', aixin.audit_text(reason)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.reject_claim(bigint, bigint, bytea, bigint, text, date) IS
  'An adjuster of the insurer rejects a claim with a reason (escalated claims: a supervisor)';

CREATE FUNCTION aixin.pay_claim(p_actor bigint, p_request_id bigint, p_key bytea,
                                p_claim_id bigint, p_amount_fen bigint, p_paid_on date,
                                p_method text, p_delivered_home boolean)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  paid date;
  home boolean := coalesce(p_delivered_home, false);
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.pay',
             jsonb_build_array(p_claim_id, p_amount_fen, p_paid_on, p_method, p_delivered_home));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  IF p_amount_fen IS NULL OR p_amount_fen <= 0 THEN
    RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'AXB01', COLUMN = 'amount_fen';
  END IF;
  IF p_method IS NULL OR p_method NOT IN ('bank_transfer', 'cash', 'cheque') THEN
    RAISE EXCEPTION 'method must be bank_transfer, cash or cheque'
      USING ERRCODE = 'AXB01', COLUMN = 'method';
  END IF;
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['approved'], 'payment', 'paid');
  IF p_amount_fen <> c.approved_fen THEN
    RAISE EXCEPTION 'the amount paid must be the % yuan approved', aixin.yuan(c.approved_fen)
      USING ERRCODE = 'AXB01', COLUMN = 'amount_fen';
  END IF;
  paid := aixin.claim_date(p_paid_on, 'paid_on', c.decided_on,
                           'the approval (' || aixin.ymd(c.decided_on) || ')');
  IF p_amount_fen >= 500000 AND NOT home THEN
    RAISE EXCEPTION 'a payout of 5000.00 yuan or more (here % yuan) must be delivered to the home',
        aixin.yuan(p_amount_fen)
      USING ERRCODE = 'AXR01', COLUMN = 'delivered_home';
  END IF;

  UPDATE aixin.claims cl
     SET state = 'paid', paid_fen = p_amount_fen, paid_on = paid, payment_method = p_method,
         delivered_home = home
   WHERE cl.id = c.id;
  PERFORM aixin.claim_transition_add(c.id, 'pay', 'approved', 'paid', p_actor, paid,
                                     p_request_id, p_key,
                                     p_method || CASE WHEN home THEN ', delivered home' ELSE '' END,
                                     p_amount_fen);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.pay', 'claim:' || c.id,
                      jsonb_build_object('amount_fen', p_amount_fen, 'paid_on', aixin.ymd(paid),
                                         'method', p_method, 'delivered_home', home));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.pay_claim(bigint, bigint, bytea, bigint, bigint, date, text, boolean) IS
  'An adjuster of the insurer records the payment of the approved amount (>= 5000 yuan: delivered home)';

CREATE FUNCTION aixin.record_visit(p_actor bigint, p_request_id bigint, p_key bytea,
                                   p_claim_id bigint, p_visited_on date, p_note text)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  c aixin.claims;
  note text;
  visited date;
  new_id bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['insurer_adjuster']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'claim.visit',
             jsonb_build_array(p_claim_id, p_visited_on, p_note));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.claim_render((prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  note := aixin.claim_text(p_note, 500, 'note');
  c := aixin.claim_lock(acct, p_claim_id);
  PERFORM aixin.claim_require_state(c, ARRAY['paid'], 'a visit', NULL);
  visited := aixin.claim_date(p_visited_on, 'visited_on', c.paid_on,
                              'the payment (' || aixin.ymd(c.paid_on) || ')');

  INSERT INTO aixin.claim_visits (claim_id, visited_on, note, recorded_by)
  VALUES (c.id, visited, note, p_actor)
  RETURNING id INTO new_id;
  PERFORM aixin.claim_transition_add(c.id, 'visit', 'paid', 'paid', p_actor, visited,
                                     p_request_id, p_key, note, NULL);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.visit', 'claim:' || c.id,
                      jsonb_build_object('visit_id', new_id, 'visited_on', aixin.ymd(visited),
                                         'note', aixin.audit_text(note)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id, 'visit_id', new_id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.record_visit(bigint, bigint, bytea, bigint, date, text) IS
  'An adjuster of the insurer records a follow-up visit to the family of a paid claim';

CREATE FUNCTION aixin.add_supplementary_payout(p_actor bigint, p_request_id bigint, p_key bytea,
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
  PERFORM aixin.claim_require_state(c, ARRAY['paid'], 'a supplementary payout', NULL);
  paid := aixin.claim_date(p_paid_on, 'paid_on', c.paid_on,
                           'the claim was paid (' || aixin.ymd(c.paid_on) || ')');
  IF EXISTS (SELECT 1 FROM aixin.supplementary_payouts s
              WHERE s.claim_id = c.id AND s.reference = p_reference) THEN
    RAISE EXCEPTION 'supplementary payout % of claim % is already recorded', p_reference, c.id
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END IF;

  BEGIN
    INSERT INTO aixin.supplementary_payouts (claim_id, amount_fen, paid_on, reference, recorded_by)
    VALUES (c.id, p_amount_fen, paid, p_reference, p_actor)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'supplementary payout % of claim % is already recorded', p_reference, c.id
      USING ERRCODE = 'AXE01', COLUMN = 'reference';
  END;
  PERFORM aixin.claim_transition_add(c.id, 'supplement', 'paid', 'paid', p_actor, paid,
                                     p_request_id, p_key, p_reference, p_amount_fen);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'claim.supplement', 'claim:' || c.id,
                      jsonb_build_object('payout_id', new_id, 'amount_fen', p_amount_fen,
                                         'paid_on', aixin.ymd(paid),
                                         'reference', aixin.audit_text(p_reference)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('claim_id', c.id, 'payout_id', new_id));
  RETURN QUERY SELECT * FROM aixin.claim_render(c.id);
END;
$$;

COMMENT ON FUNCTION aixin.add_supplementary_payout(bigint, bigint, bytea, bigint, bigint, date, text) IS
  'City admin only: a supplementary payout (追加赔付) on a paid claim; each reference once per claim';

-- ---------------------------------------------------------------------------
-- Reading.
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.get_claim(p_actor bigint, p_request_id bigint, p_claim_id bigint)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  twp text;
  ins bigint;
BEGIN
  SELECT p.township_code, p.insurer_id INTO twp, ins
    FROM aixin.claims c
    JOIN aixin.policies p ON p.id = c.policy_id
   WHERE c.id = p_claim_id;
  IF NOT FOUND OR NOT coalesce(aixin.claim_visible(acct, twp, ins), false) THEN
    RAISE EXCEPTION 'claim % not found', p_claim_id USING ERRCODE = 'AXN01', COLUMN = 'claim_id';
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'claim.read', 'claim:' || p_claim_id, NULL);
  RETURN QUERY SELECT * FROM aixin.claim_render(p_claim_id);
END;
$$;

COMMENT ON FUNCTION aixin.get_claim(bigint, bigint, bigint) IS
  'A claim the actor may see (offices in scope, adjusters of the insurer); audited; AXN01 otherwise';

CREATE FUNCTION aixin.claim_history(p_actor bigint, p_request_id bigint, p_claim_id bigint)
RETURNS TABLE (id bigint, action text, from_state text, to_state text, actor text,
               effective_on text, recorded_at bigint, request_id bigint, idempotency_key text,
               note text, amount_fen bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  twp text;
  ins bigint;
BEGIN
  SELECT p.township_code, p.insurer_id INTO twp, ins
    FROM aixin.claims c
    JOIN aixin.policies p ON p.id = c.policy_id
   WHERE c.id = p_claim_id;
  IF NOT FOUND OR NOT coalesce(aixin.claim_visible(acct, twp, ins), false) THEN
    RAISE EXCEPTION 'claim % not found', p_claim_id USING ERRCODE = 'AXN01', COLUMN = 'claim_id';
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'claim.history', 'claim:' || p_claim_id, NULL);
  RETURN QUERY
    SELECT t.id, t.action, t.from_state, t.to_state, a.username, aixin.ymd(t.effective_on),
           aixin.epoch(t.recorded_at), t.request_id, encode(t.idempotency_key, 'hex'), t.note,
           t.amount_fen
      FROM aixin.claim_transitions t
      JOIN aixin.accounts a ON a.id = t.account_id
     WHERE t.claim_id = p_claim_id
     ORDER BY t.id;
END;
$$;

COMMENT ON FUNCTION aixin.claim_history(bigint, bigint, bigint) IS
  'Every step of a claim (who, paper date, system time, request id and key), oldest first; audited';

-- Claims still waiting (filed, under review, escalated, approved) that
-- are overdue or due within p_within_days days of today, in the actor's
-- scope: an adjuster's insurer, an office's division.  Audited.
CREATE FUNCTION aixin.list_due_claims(p_actor bigint, p_within_days int)
RETURNS SETOF aixin.claim_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  days int := coalesce(p_within_days, 0);
  horizon date;
  ids bigint[];
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  IF days < 0 OR days > 366 THEN
    RAISE EXCEPTION 'within_days must be between 0 and 366'
      USING ERRCODE = 'AXB01', COLUMN = 'within_days';
  END IF;
  horizon := aixin.local_today() + days;

  SELECT coalesce(array_agg(c.id), '{}') INTO ids
    FROM aixin.claims c
    JOIN aixin.policies p ON p.id = c.policy_id
   CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt,
                                      c.escalated_on, c.state, c.decided_on, c.paid_on,
                                      aixin.local_today()) d
   WHERE c.state IN ('filed', 'under_review', 'escalated', 'approved')
     AND (d.overdue OR d.due_date <= horizon)
     AND CASE WHEN acct.role = 'insurer_adjuster' THEN p.insurer_id = acct.insurer_id
              ELSE aixin.in_scope(acct.division_code, p.township_code) END;

  PERFORM aixin.audit(p_actor, NULL, NULL, 'claim.list_due', 'account:' || acct.id,
                      jsonb_build_object('within_days', days, 'claims', cardinality(ids)));
  RETURN QUERY
    SELECT r.* FROM aixin.claim_rows(ids) r ORDER BY r.due_date COLLATE "C", r.id;
END;
$$;

COMMENT ON FUNCTION aixin.list_due_claims(bigint, int) IS
  'Waiting claims overdue or due within the given days, in the actor''s scope, by due date; audited';
