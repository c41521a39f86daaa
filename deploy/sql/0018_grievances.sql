-- Grievances (信访) and early warnings.
--
-- GRIEVANCES.  A complaint received by visit (来访), phone (来电) or letter
-- (来信) about a claim, a child's policy, a household (by a guardian's ID)
-- or the programme in general.  It concerns one township: the subject's
-- (the claim's, the child's or the guardian's household's), or for a
-- general complaint the township the complainant lives in; so the
-- grievances report adds up from townships like the other reports.
-- Life cycle: open -> (assigned ->) answered -> closed.  The answer is due
-- received_on + the year's grievance_answer_days (year of the date
-- received; default 15), frozen when filed.  Dates are paper dates in
-- Asia/Shanghai, never in the future.
--
-- SCOPE.  City admin, county and township clerks file, assign and close
-- the grievances of townships in their division and see those; auditors
-- see them; an insurer's adjuster sees the grievances about its insurer's
-- claims and answers those assigned to it.  A grievance or a subject
-- outside the caller's scope is refused (AXP01), and the daemon records
-- the refusal in the audit log.  Every step is audited and written to the
-- grievance's history (aixin.grievance_events, append-only).
--
-- ALERTS.  aixin.list_alerts(actor, year, division) lists what needs
-- attention now, per county (per township for a township clerk) and
-- insurer; see the function.  Thresholds and dates are year settings.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

INSERT INTO aixin.year_setting_kinds (name, unit, minimum, maximum, default_value, description) VALUES
  ('grievance_answer_days', 'days', 1, 90, 15,
   'Days from the date a grievance is received to its answer deadline'),
  ('alert_payout_ratio_high', 'basis_points', 0, 100000, 8000,
   'Early warning: a county''s payout ratio above this'),
  ('alert_payout_ratio_low', 'basis_points', 0, 100000, 2000,
   'Early warning: a county''s payout ratio below this (once it has premiums)'),
  ('alert_enrollment_rate', 'basis_points', 0, 10000, 9000,
   'Early warning: a county''s enrollment rate below this near the end of the enrollment period'),
  ('enrollment_period_days', 'days', 0, 730, 90,
   'The enrollment period ends this many days after the year''s reference date'),
  ('alert_enrollment_window_days', 'days', 0, 365, 30,
   'Early warning on enrollment this many days before the enrollment period ends'),
  ('funding_due_days', 'days', 0, 730, 180,
   'Each level''s premium share is due this many days after the year''s reference date');

-- ---------------------------------------------------------------------------
-- Tables.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.grievances (
  id             bigserial PRIMARY KEY,
  channel        text NOT NULL CHECK (channel IN ('visit', 'phone', 'letter')),
  summary        text NOT NULL CHECK (aixin.label_ok(summary, 500)),
  received_on    date NOT NULL CHECK (received_on >= DATE '2000-01-01'),
  due_on         date NOT NULL,
  township_code  text NOT NULL,
  township_level text NOT NULL DEFAULT 'township' CHECK (township_level = 'township'),
  subject_kind   text NOT NULL CHECK (subject_kind IN ('claim', 'child', 'guardian', 'none')),
  claim_id       bigint REFERENCES aixin.claims (id),
  child_id       bigint REFERENCES aixin.children (id),
  household_id   bigint REFERENCES aixin.households (id),
  -- The claim's insurer (adjusters see grievances about their claims).
  insurer_id     bigint REFERENCES aixin.insurers (id),
  status         text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'assigned', 'answered', 'closed')),
  assigned_to    bigint REFERENCES aixin.accounts (id),
  answer         text CHECK (answer IS NULL OR aixin.label_ok(answer, 1000)),
  answered_on    date,
  answered_by    bigint REFERENCES aixin.accounts (id),
  resolution     text CHECK (resolution IS NULL OR aixin.label_ok(resolution, 1000)),
  closed_on      date,
  closed_by      bigint REFERENCES aixin.accounts (id),
  filed_at       timestamptz NOT NULL DEFAULT now(),
  filed_by       bigint NOT NULL REFERENCES aixin.accounts (id),
  FOREIGN KEY (township_code, township_level) REFERENCES aixin.divisions (code, level),
  CONSTRAINT grievances_subject CHECK (
    CASE subject_kind
      WHEN 'claim' THEN claim_id IS NOT NULL AND household_id IS NOT NULL
      WHEN 'child' THEN child_id IS NOT NULL AND household_id IS NOT NULL AND claim_id IS NULL
      WHEN 'guardian' THEN household_id IS NOT NULL AND child_id IS NULL AND claim_id IS NULL
      ELSE claim_id IS NULL AND child_id IS NULL AND household_id IS NULL
    END),
  CONSTRAINT grievances_insurer CHECK (insurer_id IS NULL OR claim_id IS NOT NULL),
  CONSTRAINT grievances_dates CHECK (
        due_on > received_on
    AND answered_on >= received_on
    AND closed_on >= answered_on),
  CONSTRAINT grievances_status CHECK (
        (status = 'assigned') <= (assigned_to IS NOT NULL)
    AND (answered_on IS NOT NULL) = (status IN ('answered', 'closed'))
    AND (answer IS NOT NULL) = (answered_on IS NOT NULL)
    AND (answered_by IS NOT NULL) = (answered_on IS NOT NULL)
    AND (closed_on IS NOT NULL) = (status = 'closed')
    AND (resolution IS NOT NULL) = (closed_on IS NOT NULL)
    AND (closed_by IS NOT NULL) = (closed_on IS NOT NULL))
);

CREATE INDEX grievances_township_idx ON aixin.grievances (township_code, received_on);
CREATE INDEX grievances_waiting_idx ON aixin.grievances (due_on)
  WHERE status IN ('open', 'assigned');
CREATE INDEX grievances_claim_idx ON aixin.grievances (claim_id) WHERE claim_id IS NOT NULL;

COMMENT ON TABLE aixin.grievances IS
  'Grievances (信访): complaints by visit, phone or letter, assigned, answered by a deadline and closed';

-- What was received and decided is never rewritten; a closed grievance
-- never changes; status moves only forward.
CREATE FUNCTION aixin.grievances_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'open' THEN
      RAISE EXCEPTION 'a grievance starts open' USING ERRCODE = 'AXB01', COLUMN = 'status';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'grievance % is closed', OLD.id USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  IF (NEW.channel, NEW.summary, NEW.received_on, NEW.due_on, NEW.township_code,
      NEW.subject_kind, NEW.claim_id, NEW.child_id, NEW.household_id, NEW.insurer_id,
      NEW.filed_at, NEW.filed_by)
     IS DISTINCT FROM
     (OLD.channel, OLD.summary, OLD.received_on, OLD.due_on, OLD.township_code,
      OLD.subject_kind, OLD.claim_id, OLD.child_id, OLD.household_id, OLD.insurer_id,
      OLD.filed_at, OLD.filed_by) THEN
    RAISE EXCEPTION 'what a grievance received cannot change' USING ERRCODE = 'AXB01';
  END IF;
  IF OLD.answered_on IS NOT NULL
     AND (NEW.answer, NEW.answered_on, NEW.answered_by)
         IS DISTINCT FROM (OLD.answer, OLD.answered_on, OLD.answered_by) THEN
    RAISE EXCEPTION 'grievance % is already answered', OLD.id
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  IF array_position(ARRAY['open', 'assigned', 'answered', 'closed'], NEW.status)
     < array_position(ARRAY['open', 'assigned', 'answered', 'closed'], OLD.status) THEN
    RAISE EXCEPTION 'grievance % cannot go back from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  IF NEW.answered_on > aixin.local_today() OR NEW.closed_on > aixin.local_today() THEN
    RAISE EXCEPTION 'a date is in the future' USING ERRCODE = 'AXB01';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER grievances_rules BEFORE INSERT OR UPDATE ON aixin.grievances
  FOR EACH ROW EXECUTE FUNCTION aixin.grievances_rules();
CREATE TRIGGER grievances_no_delete BEFORE DELETE ON aixin.grievances
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER grievances_no_truncate BEFORE TRUNCATE ON aixin.grievances
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

CREATE TABLE aixin.grievance_events (
  id           bigserial PRIMARY KEY,
  grievance_id bigint NOT NULL REFERENCES aixin.grievances (id),
  at           timestamptz NOT NULL DEFAULT now(),
  account_id   bigint NOT NULL REFERENCES aixin.accounts (id),
  action       text NOT NULL CHECK (action IN ('file', 'assign', 'answer', 'close')),
  from_status  text,
  to_status    text NOT NULL,
  -- The paper date of the step (received, answered, closed; assign: today).
  on_date      date NOT NULL,
  note         text
);

CREATE INDEX grievance_events_grievance_idx ON aixin.grievance_events (grievance_id, id);

COMMENT ON TABLE aixin.grievance_events IS 'The history of each grievance, one row per step (append-only)';

CREATE TRIGGER grievance_events_append_only BEFORE UPDATE OR DELETE ON aixin.grievance_events
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER grievance_events_no_truncate BEFORE TRUNCATE ON aixin.grievance_events
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

-- ---------------------------------------------------------------------------
-- Rendering and scope.
-- ---------------------------------------------------------------------------

CREATE TYPE aixin.grievance_row AS (
  id               bigint,
  status           text,
  channel          text,
  summary          text,
  received_on      text,
  due_on           text,
  township_code    text,
  township_name    text,
  subject_kind     text,
  subject          text,     -- claim id, or the masked ID number
  insurer_code     text,
  filed_by         text,
  assigned_to      text,
  answer           text,
  answered_on      text,
  answered_by      text,
  resolution       text,
  closed_on        text,
  closed_by        text,
  overdue          boolean,  -- not answered and past due today
  answered_on_time boolean   -- NULL until answered
);

CREATE FUNCTION aixin.grievance_rows(p_ids bigint[]) RETURNS SETOF aixin.grievance_row
LANGUAGE sql STABLE AS $$
  SELECT g.id, g.status, g.channel, g.summary, aixin.ymd(g.received_on), aixin.ymd(g.due_on),
         g.township_code, d.name, g.subject_kind,
         CASE g.subject_kind
           WHEN 'claim' THEN g.claim_id::text
           WHEN 'child' THEN (SELECT aixin.mask_id(c.id_number) FROM aixin.children c
                               WHERE c.id = g.child_id)
           WHEN 'guardian' THEN (SELECT aixin.mask_id(gu.id_number) FROM aixin.guardians gu
                                  WHERE gu.household_id = g.household_id ORDER BY gu.position LIMIT 1)
           ELSE ''
         END,
         coalesce(i.code, ''), fa.username, coalesce(aa.username, ''), coalesce(g.answer, ''),
         coalesce(aixin.ymd(g.answered_on), ''), coalesce(ab.username, ''),
         coalesce(g.resolution, ''), coalesce(aixin.ymd(g.closed_on), ''),
         coalesce(cb.username, ''),
         g.answered_on IS NULL AND aixin.local_today() > g.due_on,
         CASE WHEN g.answered_on IS NULL THEN NULL ELSE g.answered_on <= g.due_on END
    FROM unnest(p_ids) WITH ORDINALITY AS x(id, ord)
    JOIN aixin.grievances g ON g.id = x.id
    JOIN aixin.divisions d ON d.code = g.township_code
    JOIN aixin.accounts fa ON fa.id = g.filed_by
    LEFT JOIN aixin.insurers i ON i.id = g.insurer_id
    LEFT JOIN aixin.accounts aa ON aa.id = g.assigned_to
    LEFT JOIN aixin.accounts ab ON ab.id = g.answered_by
    LEFT JOIN aixin.accounts cb ON cb.id = g.closed_by
   ORDER BY x.ord
$$;

-- May this account see a grievance of township p_township about a claim
-- of insurer p_insurer_id (NULL: not about a claim)?
CREATE FUNCTION aixin.grievance_visible(p_acct aixin.accounts, p_township text, p_insurer_id bigint)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE
           WHEN p_acct.role = 'insurer_adjuster'
             THEN p_insurer_id IS NOT NULL AND p_acct.insurer_id = p_insurer_id
           WHEN p_acct.role = ANY (aixin.reader_roles())
             THEN aixin.in_scope(p_acct.division_code, p_township)
           ELSE false
         END
$$;

-- The grievance, locked FOR UPDATE; AXN01 when there is none, AXP01 when
-- it lies outside the actor's scope.
CREATE FUNCTION aixin.grievance_lock(p_acct aixin.accounts, p_id bigint)
RETURNS aixin.grievances
LANGUAGE plpgsql AS $$
DECLARE
  g aixin.grievances;
BEGIN
  SELECT * INTO g FROM aixin.grievances x WHERE x.id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grievance % not found', p_id USING ERRCODE = 'AXN01', COLUMN = 'grievance_id';
  END IF;
  IF NOT aixin.grievance_visible(p_acct, g.township_code, g.insurer_id) THEN
    RAISE EXCEPTION 'grievance % is outside your division', p_id
      USING ERRCODE = 'AXP01', COLUMN = 'grievance_id';
  END IF;
  SELECT * INTO STRICT g FROM aixin.grievances x WHERE x.id = p_id FOR UPDATE;
  RETURN g;
END;
$$;

CREATE FUNCTION aixin.grievance_event(p_id bigint, p_actor bigint, p_action text, p_from text,
                                      p_to text, p_on date, p_note text)
RETURNS void
LANGUAGE sql AS $$
  INSERT INTO aixin.grievance_events (grievance_id, account_id, action, from_status, to_status,
                                      on_date, note)
  VALUES (p_id, p_actor, p_action, p_from, p_to, p_on, p_note)
$$;

-- Required free text: 1..p_max characters without control characters or
-- surrounding blanks.
CREATE FUNCTION aixin.grievance_text(p_text text, p_max int, p_field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF NOT aixin.label_ok(p_text, p_max) THEN
    RAISE EXCEPTION '% must be 1 to % characters, without control characters or surrounding spaces',
        p_field, p_max
      USING ERRCODE = 'AXB01', COLUMN = p_field;
  END IF;
  RETURN p_text;
END;
$$;

-- ---------------------------------------------------------------------------
-- File, assign, answer, close.
-- ---------------------------------------------------------------------------

-- p_subject_kind: claim (p_subject = claim id), child or guardian
-- (p_subject = ID number), none (p_township_code required).  A township
-- given with a subject must be the subject's.  p_received_on NULL: today.
CREATE FUNCTION aixin.file_grievance(p_actor bigint, p_request_id bigint, p_key bytea,
                                     p_channel text, p_summary text, p_received_on date,
                                     p_subject_kind text, p_subject text, p_township_code text)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  received date;
  twp text;
  v_claim bigint;
  v_child bigint;
  v_household bigint;
  v_insurer bigint;
  g_id bigint;
  days int;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'grievance.file',
                            jsonb_build_array(p_channel, p_summary, p_received_on, p_subject_kind,
                                              p_subject, p_township_code));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[(prior ->> 'grievance_id')::bigint]);
    RETURN;
  END IF;

  IF p_channel IS NULL OR p_channel NOT IN ('visit', 'phone', 'letter') THEN
    RAISE EXCEPTION 'channel must be visit, phone or letter' USING ERRCODE = 'AXB01', COLUMN = 'channel';
  END IF;
  PERFORM aixin.grievance_text(p_summary, 500, 'summary');
  received := coalesce(p_received_on, aixin.local_today());
  IF received > aixin.local_today() THEN
    RAISE EXCEPTION 'received_on % is in the future (today is %)', aixin.ymd(received),
        aixin.ymd(aixin.local_today())
      USING ERRCODE = 'AXB01', COLUMN = 'received_on';
  END IF;
  IF received < DATE '2000-01-01' THEN
    RAISE EXCEPTION 'received_on % is before 2000', aixin.ymd(received)
      USING ERRCODE = 'AXB01', COLUMN = 'received_on';
  END IF;

  CASE p_subject_kind
    WHEN 'claim' THEN
      IF p_subject IS NULL OR p_subject !~ '^[0-9]{1,18}$' THEN
        RAISE EXCEPTION 'subject must be a claim number' USING ERRCODE = 'AXB01', COLUMN = 'subject';
      END IF;
      SELECT c.id, c.township_code, c.household_id, c.insurer_id
        INTO v_claim, twp, v_household, v_insurer
        FROM aixin.claims c WHERE c.id = p_subject::bigint;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'claim % not found', p_subject USING ERRCODE = 'AXN01', COLUMN = 'subject';
      END IF;
    WHEN 'child' THEN
      SELECT c.id, h.id, h.township_code INTO v_child, v_household, twp
        FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id
       WHERE c.id_number = upper(p_subject);
      IF NOT FOUND THEN
        RAISE EXCEPTION 'no child with ID number %', aixin.mask_id(coalesce(p_subject, ''))
          USING ERRCODE = 'AXN01', COLUMN = 'subject';
      END IF;
    WHEN 'guardian' THEN
      SELECT h.id, h.township_code INTO v_household, twp
        FROM aixin.guardians gu JOIN aixin.households h ON h.id = gu.household_id
       WHERE gu.id_number = upper(p_subject);
      IF NOT FOUND THEN
        RAISE EXCEPTION 'no guardian with ID number %', aixin.mask_id(coalesce(p_subject, ''))
          USING ERRCODE = 'AXN01', COLUMN = 'subject';
      END IF;
    WHEN 'none' THEN
      IF nullif(p_subject, '') IS NOT NULL THEN
        RAISE EXCEPTION 'a general grievance has no subject' USING ERRCODE = 'AXB01', COLUMN = 'subject';
      END IF;
    ELSE
      RAISE EXCEPTION 'subject_kind must be claim, child, guardian or none'
        USING ERRCODE = 'AXB01', COLUMN = 'subject_kind';
  END CASE;

  IF twp IS NULL THEN
    IF nullif(p_township_code, '') IS NULL THEN
      RAISE EXCEPTION 'a general grievance needs the township it concerns'
        USING ERRCODE = 'AXB01', COLUMN = 'township_code';
    END IF;
    PERFORM 1 FROM aixin.divisions d WHERE d.code = p_township_code AND d.level = 'township';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'township % not found', p_township_code
        USING ERRCODE = 'AXN01', COLUMN = 'township_code';
    END IF;
    twp := p_township_code;
  ELSIF nullif(p_township_code, '') IS NOT NULL AND p_township_code <> twp THEN
    RAISE EXCEPTION 'the subject belongs to township %, not %', twp, p_township_code
      USING ERRCODE = 'AXB01', COLUMN = 'township_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp) THEN
    RAISE EXCEPTION 'the subject of the grievance (township %) is outside your division', twp
      USING ERRCODE = 'AXP01', COLUMN = 'subject';
  END IF;

  days := aixin.year_setting(extract(year FROM received)::int, 'grievance_answer_days');
  INSERT INTO aixin.grievances (channel, summary, received_on, due_on, township_code, subject_kind,
                                claim_id, child_id, household_id, insurer_id, filed_by)
  VALUES (p_channel, p_summary, received, received + days, twp, p_subject_kind,
          v_claim, v_child, v_household, v_insurer, p_actor)
  RETURNING id INTO g_id;
  PERFORM aixin.grievance_event(g_id, p_actor, 'file', NULL, 'open', received, p_channel);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'grievance.file', 'grievance:' || g_id,
                      jsonb_build_object('channel', p_channel, 'township', twp,
                                         'subject_kind', p_subject_kind,
                                         'received_on', aixin.ymd(received),
                                         'due_on', aixin.ymd(received + days)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('grievance_id', g_id));
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[g_id]);
END;
$$;

COMMENT ON FUNCTION aixin.file_grievance(bigint, bigint, bytea, text, text, date, text, text, text) IS
  'Offices: record a grievance (channel, summary, date received, subject or township); answer due after the year''s grievance_answer_days';

-- Assign (or re-assign) an open or assigned grievance to an account that
-- may see it (not an auditor).
CREATE FUNCTION aixin.assign_grievance(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_grievance_id bigint, p_assignee text)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  g aixin.grievances;
  who aixin.accounts;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'grievance.assign',
                            jsonb_build_array(p_grievance_id, p_assignee));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[p_grievance_id]);
    RETURN;
  END IF;
  g := aixin.grievance_lock(acct, p_grievance_id);
  IF g.status NOT IN ('open', 'assigned') THEN
    RAISE EXCEPTION 'grievance % is already %', g.id, g.status
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  SELECT * INTO who FROM aixin.accounts a WHERE a.username = p_assignee AND NOT a.disabled;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no active account %', coalesce(p_assignee, '')
      USING ERRCODE = 'AXN01', COLUMN = 'assignee';
  END IF;
  IF who.role = 'auditor' OR NOT aixin.grievance_visible(who, g.township_code, g.insurer_id) THEN
    RAISE EXCEPTION 'account % cannot handle this grievance (outside its division or insurer)',
        who.username
      USING ERRCODE = 'AXB01', COLUMN = 'assignee';
  END IF;
  UPDATE aixin.grievances SET status = 'assigned', assigned_to = who.id WHERE id = g.id;
  PERFORM aixin.grievance_event(g.id, p_actor, 'assign', g.status, 'assigned',
                                aixin.local_today(), who.username);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'grievance.assign', 'grievance:' || g.id,
                      jsonb_build_object('assignee', who.username,
                                         'before', (SELECT a.username FROM aixin.accounts a
                                                     WHERE a.id = g.assigned_to)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('grievance_id', g.id));
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[g.id]);
END;
$$;

COMMENT ON FUNCTION aixin.assign_grievance(bigint, bigint, bytea, bigint, text) IS
  'Offices in scope: assign an open or assigned grievance to an account that may see it; audited';

-- Answer: the assignee, or an office in scope.  p_answered_on NULL: today.
CREATE FUNCTION aixin.answer_grievance(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_grievance_id bigint, p_answer text, p_answered_on date)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  g aixin.grievances;
  answered date := coalesce(p_answered_on, aixin.local_today());
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles() || 'insurer_adjuster'::text);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'grievance.answer',
                            jsonb_build_array(p_grievance_id, p_answer, p_answered_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[p_grievance_id]);
    RETURN;
  END IF;
  g := aixin.grievance_lock(acct, p_grievance_id);
  IF acct.role = 'insurer_adjuster' AND g.assigned_to IS DISTINCT FROM acct.id THEN
    RAISE EXCEPTION 'grievance % is not assigned to you', g.id
      USING ERRCODE = 'AXP01', COLUMN = 'grievance_id';
  END IF;
  IF g.status NOT IN ('open', 'assigned') THEN
    RAISE EXCEPTION 'grievance % is already %', g.id, g.status
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  PERFORM aixin.grievance_text(p_answer, 1000, 'answer');
  IF answered > aixin.local_today() THEN
    RAISE EXCEPTION 'answered_on % is in the future', aixin.ymd(answered)
      USING ERRCODE = 'AXB01', COLUMN = 'answered_on';
  END IF;
  IF answered < g.received_on THEN
    RAISE EXCEPTION 'answered_on % is before the grievance was received (%)', aixin.ymd(answered),
        aixin.ymd(g.received_on)
      USING ERRCODE = 'AXB01', COLUMN = 'answered_on';
  END IF;
  UPDATE aixin.grievances
     SET status = 'answered', answer = p_answer, answered_on = answered, answered_by = p_actor
   WHERE id = g.id;
  PERFORM aixin.grievance_event(g.id, p_actor, 'answer', g.status, 'answered', answered, p_answer);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'grievance.answer', 'grievance:' || g.id,
                      jsonb_build_object('answered_on', aixin.ymd(answered),
                                         'on_time', answered <= g.due_on));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('grievance_id', g.id));
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[g.id]);
END;
$$;

COMMENT ON FUNCTION aixin.answer_grievance(bigint, bigint, bytea, bigint, text, date) IS
  'The assignee or an office in scope: answer an open or assigned grievance; audited';

CREATE FUNCTION aixin.close_grievance(p_actor bigint, p_request_id bigint, p_key bytea,
                                      p_grievance_id bigint, p_resolution text, p_closed_on date)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  g aixin.grievances;
  closed date := coalesce(p_closed_on, aixin.local_today());
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'grievance.close',
                            jsonb_build_array(p_grievance_id, p_resolution, p_closed_on));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[p_grievance_id]);
    RETURN;
  END IF;
  g := aixin.grievance_lock(acct, p_grievance_id);
  IF g.status = 'closed' THEN
    RAISE EXCEPTION 'grievance % is already closed', g.id
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  IF g.status <> 'answered' THEN
    RAISE EXCEPTION 'grievance % is not answered yet: answer it before closing', g.id
      USING ERRCODE = 'AXC01', COLUMN = 'grievance_id';
  END IF;
  PERFORM aixin.grievance_text(p_resolution, 1000, 'resolution');
  IF closed > aixin.local_today() THEN
    RAISE EXCEPTION 'closed_on % is in the future', aixin.ymd(closed)
      USING ERRCODE = 'AXB01', COLUMN = 'closed_on';
  END IF;
  IF closed < g.answered_on THEN
    RAISE EXCEPTION 'closed_on % is before the answer (%)', aixin.ymd(closed), aixin.ymd(g.answered_on)
      USING ERRCODE = 'AXB01', COLUMN = 'closed_on';
  END IF;
  UPDATE aixin.grievances
     SET status = 'closed', resolution = p_resolution, closed_on = closed, closed_by = p_actor
   WHERE id = g.id;
  PERFORM aixin.grievance_event(g.id, p_actor, 'close', 'answered', 'closed', closed, p_resolution);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'grievance.close', 'grievance:' || g.id,
                      jsonb_build_object('closed_on', aixin.ymd(closed)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('grievance_id', g.id));
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[g.id]);
END;
$$;

COMMENT ON FUNCTION aixin.close_grievance(bigint, bigint, bytea, bigint, text, date) IS
  'Offices in scope: close an answered grievance with its resolution; audited';

-- ---------------------------------------------------------------------------
-- Reading.
-- ---------------------------------------------------------------------------

-- Grievances in the actor's scope, newest received first.  Filters (NULL
-- or '' = any): status; only those overdue now; a division (city, county
-- or township, within scope: else AXP01); the year of the date received.
CREATE FUNCTION aixin.list_grievances(p_actor bigint, p_request_id bigint, p_status text,
                                      p_overdue boolean, p_division_code text, p_year int)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  div aixin.divisions;
  ids bigint[];
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  IF nullif(p_status, '') IS NOT NULL AND p_status NOT IN ('open', 'assigned', 'answered', 'closed') THEN
    RAISE EXCEPTION 'status must be open, assigned, answered or closed'
      USING ERRCODE = 'AXB01', COLUMN = 'status';
  END IF;
  IF p_year IS NOT NULL AND p_year <> 0 AND p_year NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year must be between 2000 and 2100' USING ERRCODE = 'AXB01', COLUMN = 'year';
  END IF;
  IF nullif(p_division_code, '') IS NOT NULL THEN
    SELECT * INTO div FROM aixin.divisions d WHERE d.code = p_division_code;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'division % not found', p_division_code
        USING ERRCODE = 'AXN01', COLUMN = 'division_code';
    END IF;
    IF acct.role <> 'insurer_adjuster' AND NOT aixin.in_scope(acct.division_code, div.code) THEN
      RAISE EXCEPTION 'division % is outside your division', div.code
        USING ERRCODE = 'AXP01', COLUMN = 'division_code';
    END IF;
  END IF;

  SELECT coalesce(array_agg(g.id ORDER BY g.received_on DESC, g.id DESC), '{}') INTO ids
    FROM aixin.grievances g
   WHERE aixin.grievance_visible(acct, g.township_code, g.insurer_id)
     AND (div.code IS NULL OR aixin.in_scope(div.code, g.township_code))
     AND (nullif(p_status, '') IS NULL OR g.status = p_status)
     AND (NOT coalesce(p_overdue, false)
          OR (g.answered_on IS NULL AND aixin.local_today() > g.due_on))
     AND (coalesce(p_year, 0) = 0 OR extract(year FROM g.received_on) = p_year);

  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'grievance.list', 'account:' || acct.id,
                      jsonb_build_object('status', nullif(p_status, ''), 'overdue', p_overdue,
                                         'division', nullif(p_division_code, ''),
                                         'year', nullif(p_year, 0),
                                         'grievances', cardinality(ids)));
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ids);
END;
$$;

COMMENT ON FUNCTION aixin.list_grievances(bigint, bigint, text, boolean, text, int) IS
  'Grievances in the actor''s scope, filtered by status, overdue, division and year received; audited';

CREATE FUNCTION aixin.get_grievance(p_actor bigint, p_request_id bigint, p_grievance_id bigint)
RETURNS SETOF aixin.grievance_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  g aixin.grievances;
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  SELECT * INTO g FROM aixin.grievances x WHERE x.id = p_grievance_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grievance % not found', p_grievance_id
      USING ERRCODE = 'AXN01', COLUMN = 'grievance_id';
  END IF;
  IF NOT aixin.grievance_visible(acct, g.township_code, g.insurer_id) THEN
    RAISE EXCEPTION 'grievance % is outside your division', p_grievance_id
      USING ERRCODE = 'AXP01', COLUMN = 'grievance_id';
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'grievance.show', 'grievance:' || g.id, NULL);
  RETURN QUERY SELECT * FROM aixin.grievance_rows(ARRAY[g.id]);
END;
$$;

COMMENT ON FUNCTION aixin.get_grievance(bigint, bigint, bigint) IS
  'One grievance in the actor''s scope (AXP01 outside it); audited';

CREATE FUNCTION aixin.grievance_history(p_actor bigint, p_request_id bigint, p_grievance_id bigint)
RETURNS TABLE (at text, username text, action text, from_status text, to_status text,
               on_date text, note text)
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  g aixin.grievances;
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  SELECT * INTO g FROM aixin.grievances x WHERE x.id = p_grievance_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grievance % not found', p_grievance_id
      USING ERRCODE = 'AXN01', COLUMN = 'grievance_id';
  END IF;
  IF NOT aixin.grievance_visible(acct, g.township_code, g.insurer_id) THEN
    RAISE EXCEPTION 'grievance % is outside your division', p_grievance_id
      USING ERRCODE = 'AXP01', COLUMN = 'grievance_id';
  END IF;
  RETURN QUERY
    SELECT to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
           a.username, e.action, coalesce(e.from_status, ''), e.to_status, aixin.ymd(e.on_date),
           coalesce(e.note, '')
      FROM aixin.grievance_events e
      JOIN aixin.accounts a ON a.id = e.account_id
     WHERE e.grievance_id = g.id
     ORDER BY e.id;
END;
$$;

COMMENT ON FUNCTION aixin.grievance_history(bigint, bigint, bigint) IS
  'The steps of one grievance in the actor''s scope, oldest first';

-- ---------------------------------------------------------------------------
-- The grievances report (follows 0007_reports.sql).  A grievance counts in
-- the year of its date received, in its township.
--   filed            grievances received in the years
--   answered         of them, answered (or closed)
--   answered_on_time of them, answered on or before the due date
--   open             of them, not closed yet
--   open_overdue     of them, not answered and past due today
-- ---------------------------------------------------------------------------

CREATE FUNCTION aixin.report_grievances(p_actor bigint, p_year_from int, p_year_to int,
                                        p_division_code text)
RETURNS TABLE (division text, name text, level text, filed bigint, answered bigint,
               answered_on_time bigint, open bigint, open_overdue bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
  lo text := aixin.report_township_low(root);
  hi text := aixin.report_township_high(root);
  today date := aixin.local_today();
BEGIN
  RETURN QUERY
    WITH g AS (
      SELECT g.township_code, count(*) AS filed,
             count(*) FILTER (WHERE g.answered_on IS NOT NULL) AS answered,
             count(*) FILTER (WHERE g.answered_on <= g.due_on) AS on_time,
             count(*) FILTER (WHERE g.status <> 'closed') AS open,
             count(*) FILTER (WHERE g.answered_on IS NULL AND today > g.due_on) AS overdue
        FROM aixin.grievances g
       WHERE g.received_on >= make_date(p_year_from, 1, 1)
         AND g.received_on < make_date(p_year_to + 1, 1, 1)
         AND g.township_code BETWEEN lo AND hi
       GROUP BY g.township_code
    ), t AS MATERIALIZED (
      SELECT u.township_code, u.row_code, g.filed, g.answered, g.on_time, g.open, g.overdue
        FROM aixin.report_units(root) u
        LEFT JOIN g ON g.township_code = u.township_code
    )
    SELECT r.code, r.name, r.level,
           coalesce(sum(t.filed), 0)::bigint,
           coalesce(sum(t.answered), 0)::bigint,
           coalesce(sum(t.on_time), 0)::bigint,
           coalesce(sum(t.open), 0)::bigint,
           coalesce(sum(t.overdue), 0)::bigint
      FROM aixin.report_rows(root) r
      LEFT JOIN t ON r.ord = 0 OR t.row_code = r.code
     GROUP BY r.ord, r.code, r.name, r.level
     ORDER BY r.ord, r.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_grievances(bigint, int, int, text) IS
  'Grievances received per division and years: filed, answered, answered on time, open, open and overdue';

-- ---------------------------------------------------------------------------
-- Early warnings.
-- ---------------------------------------------------------------------------

CREATE TYPE aixin.alert_row AS (
  kind          text,    -- see list_alerts
  severity      text,    -- critical (a deadline passed) or warning
  division_code text,    -- the county (a township for a township clerk)
  division_name text,
  insurer_code  text,    -- '' when the alert is not about one insurer
  insurer_name  text,
  level         text,    -- funding_overdue: the paying level; else ''
  figure        bigint,  -- in unit
  threshold     bigint,  -- in unit
  unit          text,    -- basis_points, fen or count
  due_on        text     -- the date that matters, YYYY-MM-DD; '' when none
);

-- What needs attention now in the actor's scope (p_division_code NULL or
-- '': the actor's division; adjusters: their insurer's alerts in the
-- city), for policy year p_year (NULL or 0: this year), one row per
-- county (per township below a township) and insurer:
--   payout_ratio_high / _low  paid by the insurer / premiums of the year's
--       policies (basis points, truncated) above alert_payout_ratio_high /
--       below alert_payout_ratio_low; low only once the year has premiums;
--   funding_overdue  a level's share of the year's premiums still
--       outstanding (fen) after reference date + funding_due_days, one row
--       per level (city, county, township) of the county;
--   claims_overdue / claims_due_today  waiting claims (any year) past their
--       service deadline / due today (count);
--   enrollment_low  the year's enrollment rate (basis points) below
--       alert_enrollment_rate while the enrollment period (reference date
--       + enrollment_period_days) ends within alert_enrollment_window_days;
--   grievances_overdue  grievances (any year) not answered past their due
--       date (count).
-- Read-only; not audited (no personal data).
CREATE FUNCTION aixin.list_alerts(p_actor bigint, p_year int, p_division_code text)
RETURNS SETOF aixin.alert_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  today date := aixin.local_today();
  yr int := coalesce(nullif(p_year, 0), extract(year FROM aixin.local_today())::int);
  root aixin.divisions;
  city aixin.divisions;
  ref date;
  high bigint := aixin.year_setting(yr, 'alert_payout_ratio_high');
  low bigint := aixin.year_setting(yr, 'alert_payout_ratio_low');
  rate_min bigint := aixin.year_setting(yr, 'alert_enrollment_rate');
  period_end date;
  window_days int := aixin.year_setting(yr, 'alert_enrollment_window_days');
  funding_due date;
  adjuster boolean := acct.role = 'insurer_adjuster';
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  IF yr NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year must be between 2000 and 2100' USING ERRCODE = 'AXB01', COLUMN = 'year';
  END IF;
  SELECT * INTO city FROM aixin.divisions d WHERE d.level = 'city';
  IF adjuster THEN
    root := city;
    IF nullif(p_division_code, '') IS NOT NULL THEN
      SELECT * INTO root FROM aixin.divisions d WHERE d.code = p_division_code;
    END IF;
  ELSE
    SELECT * INTO root FROM aixin.divisions d
     WHERE d.code = coalesce(nullif(p_division_code, ''), acct.division_code);
  END IF;
  IF root.code IS NULL THEN
    RAISE EXCEPTION 'division % not found', p_division_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT adjuster AND NOT aixin.in_scope(acct.division_code, root.code) THEN
    RAISE EXCEPTION 'division % is outside your division', root.code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  SELECT y.reference_date INTO ref FROM aixin.policy_years y WHERE y.year = yr;
  IF ref IS NOT NULL THEN
    period_end := ref + aixin.year_setting(yr, 'enrollment_period_days')::int;
    funding_due := ref + aixin.year_setting(yr, 'funding_due_days')::int;
  END IF;

  RETURN QUERY
    WITH units AS MATERIALIZED (
      -- Each township below the root and the alert unit it adds into.
      SELECT t.code AS township_code,
             CASE WHEN root.level = 'township' THEN t.code ELSE t.county_code END AS unit_code,
             t.county_code
        FROM aixin.divisions t
       WHERE t.level = 'township'
         AND (t.code = root.code OR t.county_code = root.code OR t.city_code = root.code)
    ), terms AS (
      SELECT ct.county_code, ct.insurer_id FROM aixin.county_terms ct WHERE ct.policy_year = yr
    ), claims_y AS (
      SELECT u.unit_code, min(u.county_code) AS county_code, sum(c.paid_fen) AS paid,
             sum(c.premium_fen) AS premium
        FROM aixin.report_township_claims(root, ARRAY[yr]) c
        JOIN units u ON u.township_code = c.township_code
       GROUP BY u.unit_code
    ), ratio AS (
      SELECT c.unit_code, tm.insurer_id, c.paid * 10000 / c.premium AS bp
        FROM claims_y c
        LEFT JOIN terms tm ON tm.county_code = c.county_code
       WHERE c.premium > 0
    ), funding AS (
      SELECT u.unit_code, lv.level,
             sum(CASE lv.level WHEN 'city' THEN f.city_owed_fen - f.city_paid_fen
                               WHEN 'county' THEN f.county_owed_fen - f.county_paid_fen
                               ELSE f.township_owed_fen - f.township_paid_fen END) AS outstanding
        FROM aixin.report_township_funding(root, ARRAY[yr]) f
        JOIN units u ON u.township_code = f.township_code
       CROSS JOIN (VALUES ('city'), ('county'), ('township')) lv(level)
       WHERE funding_due IS NOT NULL AND today > funding_due
       GROUP BY u.unit_code, lv.level
    ), enrol AS (
      SELECT u.unit_code, min(u.county_code) AS county_code,
             sum(e.insured_households) AS insured, sum(e.eligible_households) AS eligible
        FROM aixin.report_township_enrollment(root, ARRAY[yr]) e
        JOIN units u ON u.township_code = e.township_code
       WHERE period_end IS NOT NULL AND today <= period_end AND today >= period_end - window_days
       GROUP BY u.unit_code
    ), waiting AS (
      SELECT u.unit_code, c.insurer_id,
             count(*) FILTER (WHERE d.overdue) AS overdue,
             count(*) FILTER (WHERE NOT d.overdue AND d.due_date = today) AS due_today
        FROM aixin.claims c
        JOIN units u ON u.township_code = c.township_code
       CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt,
                                          c.escalated_on, c.state, c.decided_on, c.paid_on,
                                          today) d
       WHERE c.state IN ('filed', 'under_review', 'escalated', 'approved')
       GROUP BY u.unit_code, c.insurer_id
    ), griev AS (
      SELECT u.unit_code, g.insurer_id, count(*) AS overdue, min(g.due_on) AS oldest_due
        FROM aixin.grievances g
        JOIN units u ON u.township_code = g.township_code
       WHERE g.answered_on IS NULL AND today > g.due_on
       GROUP BY u.unit_code, g.insurer_id
    ), alerts AS (
      SELECT 'payout_ratio_high' AS kind, 'warning' AS severity, r.unit_code, r.insurer_id,
             '' AS level, r.bp AS figure, high AS threshold, 'basis_points' AS unit,
             NULL::date AS due_on
        FROM ratio r WHERE r.bp > high
      UNION ALL
      SELECT 'payout_ratio_low', 'warning', r.unit_code, r.insurer_id, '', r.bp, low,
             'basis_points', NULL
        FROM ratio r WHERE r.bp < low
      UNION ALL
      SELECT 'funding_overdue', 'critical', f.unit_code, NULL, f.level, f.outstanding, 0, 'fen',
             funding_due
        FROM funding f WHERE f.outstanding > 0
      UNION ALL
      SELECT 'claims_overdue', 'critical', w.unit_code, w.insurer_id, '', w.overdue, 0, 'count', NULL
        FROM waiting w WHERE w.overdue > 0
      UNION ALL
      SELECT 'claims_due_today', 'warning', w.unit_code, w.insurer_id, '', w.due_today, 0, 'count',
             today
        FROM waiting w WHERE w.due_today > 0
      UNION ALL
      SELECT 'enrollment_low', 'warning', e.unit_code, tm.insurer_id, '',
             e.insured * 10000 / e.eligible, rate_min, 'basis_points', period_end
        FROM enrol e
        LEFT JOIN terms tm ON tm.county_code = e.county_code
       WHERE e.eligible > 0 AND e.insured * 10000 / e.eligible < rate_min
      UNION ALL
      SELECT 'grievances_overdue', 'critical', g.unit_code, g.insurer_id, '', g.overdue, 0, 'count',
             g.oldest_due
        FROM griev g
    )
    SELECT a.kind, a.severity, a.unit_code, d.name, coalesce(i.code, ''), coalesce(i.name, ''),
           a.level, a.figure::bigint, a.threshold::bigint, a.unit, coalesce(aixin.ymd(a.due_on), '')
      FROM alerts a
      JOIN aixin.divisions d ON d.code = a.unit_code
      LEFT JOIN aixin.insurers i ON i.id = a.insurer_id
     WHERE NOT adjuster OR a.insurer_id = acct.insurer_id
     ORDER BY CASE a.severity WHEN 'critical' THEN 0 ELSE 1 END, a.unit_code COLLATE "C",
              a.kind COLLATE "C", coalesce(i.code, '') COLLATE "C", a.level COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.list_alerts(bigint, int, text) IS
  'Early warnings in the actor''s scope for a year: payout ratio, funding overdue, claims overdue or due today, low enrollment near the period''s end, grievances overdue';
