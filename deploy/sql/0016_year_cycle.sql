-- The programme's year: closing a policy year, reopening it, and renewal
-- (续保) of last year's children into the next year.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql.
--
-- CLOSING A YEAR
--   A city admin closes year Y once its books are done: afterwards nothing
--   of Y changes: no enrollment, no claim filed or acted on (documents,
--   review, decisions, payment, visits, supplementary payouts), no money
--   recorded (disbursements), no census figure, county terms or year terms.
--   So every report figure of a closed year stays as it was.  The refusal
--   is AXR01 (RULE_VIOLATION) "policy year Y is closed ...", raised by
--   triggers on the tables those actions write, whoever writes them (the
--   daemon's functions or an administrator's psql).
--
--   When a year may be closed (what a city office expects):
--     * its claims window is over: incidents are covered up to 31 December
--       of Y and families have three more months to file, so the window
--       ends on 31 March of Y+1 (aixin.year_claims_window_end).  Closing
--       earlier is refused unless forced, and a forced close must give its
--       reason (kept in the history and the audit log);
--     * no claim of Y is still open (filed, under review, escalated, or
--       approved and not yet paid): never, even forced, because closing
--       would strand money owed to a family.  Settle or reject them first.
--   A closed year is reopened by a city admin with a reason.  Every close
--   and reopen is a row of aixin.year_closures (append-only: who, when,
--   why, forced) and of the audit log.
--
--   Concurrency: closing takes the year's row FOR UPDATE; every guarded
--   write holds FOR KEY SHARE on it (the foreign keys take it for policies,
--   disbursements, census and terms; the claim triggers take it), so a
--   write in flight finishes before the close looks, and a write that
--   starts during the close waits for it and then sees the year closed.
--
-- RENEWAL
--   aixin.renew_policies enrolls the children insured in one year into the
--   next through aixin.import_enrollments_bulk (0010), so the enrollment
--   rules are exactly the bulk path's; see the function.

-- ---------------------------------------------------------------------------
-- Closing and reopening.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.year_closures (
  id          bigserial PRIMARY KEY,
  policy_year int NOT NULL REFERENCES aixin.policy_years (year),
  action      text NOT NULL CHECK (action IN ('close', 'reopen')),
  at          timestamptz NOT NULL DEFAULT now(),
  account_id  bigint NOT NULL REFERENCES aixin.accounts (id),
  request_id  bigint,
  -- Required to reopen and to force a close.
  reason      text CHECK (reason IS NULL OR aixin.label_ok(reason, 500)),
  forced      boolean NOT NULL DEFAULT false,
  CONSTRAINT year_closures_reason_required
    CHECK (reason IS NOT NULL OR (action = 'close' AND NOT forced)),
  CONSTRAINT year_closures_forced_close CHECK (NOT forced OR action = 'close')
);

CREATE INDEX year_closures_year_idx ON aixin.year_closures (policy_year, id);

COMMENT ON TABLE aixin.year_closures IS
  'Closes and reopenings of policy years (the last row of a year is its state). Append-only.';

CREATE TRIGGER year_closures_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.year_closures
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();

CREATE TRIGGER year_closures_no_truncate
  BEFORE TRUNCATE ON aixin.year_closures
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.append_only();

CREATE FUNCTION aixin.year_is_closed(p_year int) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT c.action = 'close'
                     FROM aixin.year_closures c
                    WHERE c.policy_year = p_year
                    ORDER BY c.id DESC
                    LIMIT 1), false)
$$;

COMMENT ON FUNCTION aixin.year_is_closed(int) IS 'Whether a policy year is closed now';

-- Incidents up to 31 December, three months to file them.
CREATE FUNCTION aixin.year_claims_window_end(p_year int) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT make_date(p_year + 1, 3, 31)
$$;

COMMENT ON FUNCTION aixin.year_claims_window_end(int) IS
  'Last day claims of a policy year may be filed before the year is closed (31 March of the next year)';

-- The closed years among p_years, ascending (for reports).
CREATE FUNCTION aixin.report_closed_years(p_year_from int, p_year_to int) RETURNS int[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(y.year ORDER BY y.year), '{}')
    FROM aixin.policy_years y
   WHERE y.year BETWEEN p_year_from AND p_year_to AND aixin.year_is_closed(y.year)
$$;

COMMENT ON FUNCTION aixin.report_closed_years(int, int) IS
  'The closed policy years between two years, ascending';

-- Refuse a write that touches a closed year.  The FOR KEY SHARE lock waits
-- for a close in flight (which holds the year FOR UPDATE); the check that
-- follows runs on a new snapshot and so sees that close.
CREATE FUNCTION aixin.year_closed_refuse(p_years int[], p_what text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  closed int;
BEGIN
  IF p_years IS NULL OR cardinality(p_years) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM aixin.policy_years y WHERE y.year = ANY (p_years) ORDER BY y.year FOR KEY SHARE;
  SELECT min(u.yr) INTO closed
    FROM unnest(p_years) u (yr)
   WHERE aixin.year_is_closed(u.yr);
  IF closed IS NOT NULL THEN
    RAISE EXCEPTION 'policy year % is closed: % refused (a city admin may reopen it)', closed, p_what
      USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
  END IF;
END;
$$;

-- Statement triggers: one check per statement (the bulk import pays once
-- per batch), over the distinct years of the rows written.
CREATE FUNCTION aixin.year_closed_guard_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.year_closed_refuse(
    ARRAY(SELECT DISTINCT n.policy_year FROM new_rows n WHERE n.policy_year IS NOT NULL),
    TG_ARGV[0]);
  RETURN NULL;
END;
$$;

CREATE FUNCTION aixin.year_closed_guard_old() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.year_closed_refuse(
    ARRAY(SELECT DISTINCT o.policy_year FROM old_rows o WHERE o.policy_year IS NOT NULL),
    TG_ARGV[0]);
  RETURN NULL;
END;
$$;

CREATE FUNCTION aixin.year_closed_guard_both() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.year_closed_refuse(
    ARRAY(SELECT n.policy_year FROM new_rows n WHERE n.policy_year IS NOT NULL
          UNION
          SELECT o.policy_year FROM old_rows o WHERE o.policy_year IS NOT NULL),
    TG_ARGV[0]);
  RETURN NULL;
END;
$$;

-- Rows that name a claim (documents, transitions, visits, supplementary
-- payouts): the year of the claim's policy.
CREATE FUNCTION aixin.year_closed_guard_claim_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.year_closed_refuse(
    ARRAY(SELECT DISTINCT p.policy_year
            FROM new_rows n
            JOIN aixin.claims c ON c.id = n.claim_id
            JOIN aixin.policies p ON p.id = c.policy_id),
    TG_ARGV[0]);
  RETURN NULL;
END;
$$;

-- Transition tables allow one event per trigger.
CREATE TRIGGER policies_year_open_insert
  AFTER INSERT ON aixin.policies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('enrollment');
CREATE TRIGGER policies_year_open_update
  AFTER UPDATE ON aixin.policies REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_both('change of a policy');
CREATE TRIGGER policies_year_open_delete
  AFTER DELETE ON aixin.policies REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_old('removal of a policy');

-- claims.policy_year is the policy's copy (claims_copy_policy, 0007).
CREATE TRIGGER claims_year_open_insert
  AFTER INSERT ON aixin.claims REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('claim filing');
CREATE TRIGGER claims_year_open_update
  AFTER UPDATE ON aixin.claims REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_both('claim action');

CREATE TRIGGER claim_documents_year_open
  AFTER INSERT ON aixin.claim_documents REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_claim_rows('claim documents');
CREATE TRIGGER claim_transitions_year_open
  AFTER INSERT ON aixin.claim_transitions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_claim_rows('claim action');
CREATE TRIGGER claim_visits_year_open
  AFTER INSERT ON aixin.claim_visits REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_claim_rows('follow-up visit');
CREATE TRIGGER supplementary_payouts_year_open
  AFTER INSERT ON aixin.supplementary_payouts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_claim_rows('supplementary payout');

CREATE TRIGGER disbursements_year_open
  AFTER INSERT ON aixin.disbursements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('disbursement');
CREATE TRIGGER census_submissions_year_open
  AFTER INSERT ON aixin.census_submissions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('census submission');

CREATE TRIGGER county_terms_year_open_insert
  AFTER INSERT ON aixin.county_terms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('change of county terms');
CREATE TRIGGER county_terms_year_open_update
  AFTER UPDATE ON aixin.county_terms REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_both('change of county terms');
CREATE TRIGGER county_terms_year_open_delete
  AFTER DELETE ON aixin.county_terms REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_old('change of county terms');

CREATE TRIGGER policy_year_benefits_year_open_insert
  AFTER INSERT ON aixin.policy_year_benefits REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_new('change of benefit caps');
CREATE TRIGGER policy_year_benefits_year_open_delete
  AFTER DELETE ON aixin.policy_year_benefits REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_closed_guard_old('change of benefit caps');

-- The year's own row: any change of a closed year's terms.
CREATE FUNCTION aixin.policy_years_closed_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF aixin.year_is_closed(OLD.year) THEN
    RAISE EXCEPTION 'policy year % is closed: change of its terms refused (a city admin may reopen it)',
        OLD.year
      USING ERRCODE = 'AXR01', COLUMN = 'policy_year';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER policy_years_closed_guard
  BEFORE UPDATE ON aixin.policy_years
  FOR EACH ROW EXECUTE FUNCTION aixin.policy_years_closed_guard();

-- The per-year settings (aixin.year_settings, 0014) set figures of the
-- year's reports (weights, thresholds): a closed year's settings do not
-- change either.
CREATE FUNCTION aixin.year_settings_closed_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM aixin.year_closed_refuse(ARRAY(SELECT DISTINCT r.policy_year FROM changed_rows r),
                                   'change of a year setting');
  RETURN NULL;
END;
$$;

CREATE TRIGGER year_settings_year_open_insert
  AFTER INSERT ON aixin.year_settings REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_settings_closed_guard();
CREATE TRIGGER year_settings_year_open_update
  AFTER UPDATE ON aixin.year_settings REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_settings_closed_guard();
CREATE TRIGGER year_settings_year_open_delete
  AFTER DELETE ON aixin.year_settings REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aixin.year_settings_closed_guard();

-- One row per event of a year's history, oldest first; closed is the
-- year's state now (the same on every row).  A year never closed has one
-- row with action NULL.
CREATE TYPE aixin.year_closure_row AS (
  policy_year       int,
  closed            boolean,
  claims_window_end text,
  action            text,
  at                bigint,
  username          text,
  reason            text,
  forced            boolean
);

CREATE FUNCTION aixin.year_closure_render(p_year int) RETURNS SETOF aixin.year_closure_row
LANGUAGE sql STABLE AS $$
  SELECT y.year, aixin.year_is_closed(y.year), aixin.ymd(aixin.year_claims_window_end(y.year)),
         c.action, aixin.epoch(c.at), a.username, c.reason, coalesce(c.forced, false)
    FROM aixin.policy_years y
    LEFT JOIN aixin.year_closures c ON c.policy_year = y.year
    LEFT JOIN aixin.accounts a ON a.id = c.account_id
   WHERE y.year = p_year
   ORDER BY c.id
$$;

CREATE FUNCTION aixin.close_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                 p_year int, p_force boolean, p_reason text)
RETURNS SETOF aixin.year_closure_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  why text := nullif(btrim(coalesce(p_reason, '')), '');
  forced boolean := coalesce(p_force, false);
  window_end date;
  today date := aixin.local_today();
  open_claims bigint;
  n_policies bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.close',
             jsonb_build_array(p_year, forced, p_reason));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.year_closure_render((prior ->> 'year')::int);
    RETURN;
  END IF;
  IF why IS NOT NULL AND NOT aixin.label_ok(why, 500) THEN
    RAISE EXCEPTION 'reason must be 1-500 characters without control characters'
      USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;
  IF forced AND why IS NULL THEN
    RAISE EXCEPTION 'a forced close needs a reason' USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;

  -- Waits for writes of the year in flight; new ones wait for this.
  PERFORM 1 FROM aixin.policy_years y WHERE y.year = p_year FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
  IF aixin.year_is_closed(p_year) THEN
    RAISE EXCEPTION 'policy year % is already closed', p_year
      USING ERRCODE = 'AXE01', COLUMN = 'year';
  END IF;
  SELECT count(*) INTO open_claims
    FROM aixin.claims c
   WHERE c.policy_year = p_year AND c.state IN ('filed', 'under_review', 'escalated', 'approved');
  IF open_claims > 0 THEN
    RAISE EXCEPTION 'policy year % has % open claims (filed, under review, escalated or approved and unpaid): settle or reject them before closing',
        p_year, open_claims
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;
  window_end := aixin.year_claims_window_end(p_year);
  IF today <= window_end AND NOT forced THEN
    RAISE EXCEPTION 'the claims window of % runs until %: close it after that, or force the close with a reason',
        p_year, aixin.ymd(window_end)
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;
  -- A force that forces nothing is an ordinary close.
  forced := forced AND today <= window_end;

  SELECT count(*) INTO n_policies FROM aixin.policies p WHERE p.policy_year = p_year;
  INSERT INTO aixin.year_closures (policy_year, action, account_id, request_id, reason, forced)
  VALUES (p_year, 'close', p_actor, p_request_id, why, forced);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.close', 'policy_year:' || p_year,
                      jsonb_build_object('forced', forced, 'reason', aixin.audit_text(why),
                                         'claims_window_end', aixin.ymd(window_end),
                                         'policies', n_policies));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.year_closure_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.close_year(bigint, bigint, bytea, int, boolean, text) IS
  'City admin only: close a policy year (after its claims window, or forced with a reason; never with open claims)';

CREATE FUNCTION aixin.reopen_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                  p_year int, p_reason text)
RETURNS SETOF aixin.year_closure_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  why text := nullif(btrim(coalesce(p_reason, '')), '');
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.reopen',
             jsonb_build_array(p_year, p_reason));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.year_closure_render((prior ->> 'year')::int);
    RETURN;
  END IF;
  IF why IS NULL THEN
    RAISE EXCEPTION 'reopening a year needs a reason' USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;
  IF NOT aixin.label_ok(why, 500) THEN
    RAISE EXCEPTION 'reason must be 1-500 characters without control characters'
      USING ERRCODE = 'AXB01', COLUMN = 'reason';
  END IF;
  PERFORM 1 FROM aixin.policy_years y WHERE y.year = p_year FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
  IF NOT aixin.year_is_closed(p_year) THEN
    RAISE EXCEPTION 'policy year % is not closed', p_year USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;
  INSERT INTO aixin.year_closures (policy_year, action, account_id, request_id, reason)
  VALUES (p_year, 'reopen', p_actor, p_request_id, why);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.reopen', 'policy_year:' || p_year,
                      jsonb_build_object('reason', aixin.audit_text(why)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.year_closure_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.reopen_year(bigint, bigint, bytea, int, text) IS
  'City admin only: reopen a closed policy year, with a reason';

CREATE FUNCTION aixin.year_history(p_actor bigint, p_year int)
RETURNS SETOF aixin.year_closure_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  RETURN QUERY SELECT * FROM aixin.year_closure_render(p_year);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
END;
$$;

COMMENT ON FUNCTION aixin.year_history(bigint, int) IS
  'Whether a policy year is closed, and its closes and reopenings (who, when, why)';

-- ---------------------------------------------------------------------------
-- Renewal (续保).
-- ---------------------------------------------------------------------------

-- One row per child of a batch.  outcome: renewed (would be, on a dry
-- run), already_renewed (holds a policy of the target year), aged_out (7
-- or older on the target year's reference date), refused (error_* say
-- why: the bulk path's reason).  Every row repeats total (children in
-- scope insured in the source year), next_after (the cursor for the next
-- batch) and done.  An empty batch is one row with child_id NULL.
CREATE TYPE aixin.renew_row AS (
  total            bigint,
  next_after       bigint,
  done             boolean,
  child_id         bigint,
  child_id_number  text,
  child_name       text,
  birth_date       text,
  age              int,
  township_code    text,
  township_name    text,
  outcome          text,
  error_code       text,
  error_field      text,
  error_message    text,
  policy_id        bigint
);

-- Renew the children insured in p_from into p_to, one batch of at most
-- p_limit children (by child id, after p_after), within the actor's
-- scope and, when given, p_division (a township or county in scope).
-- The children still 0-6 on p_to's reference date and not yet insured in
-- p_to go through aixin.import_enrollments_bulk as import rows built from
-- the registry (township, kind, certificate, first guardian, child), so
-- the bulk path's rules decide (household eligibility, composition,
-- scope, terms, age) and its refusals are reported as they are.  Each
-- row's idempotency key is derived from the actor, the target year and
-- the child, so a batch sent again answers with the policies it made.  A
-- dry run does the same inside a subtransaction it rolls back, so it
-- reports exactly what a real run would.
CREATE FUNCTION aixin.renew_policies(p_actor bigint, p_request_id bigint, p_from int, p_to int,
                                     p_division text, p_dry_run boolean, p_after bigint,
                                     p_limit int)
RETURNS SETOF aixin.renew_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  scope_code text;
  div aixin.divisions;
  ref_to date;
  lim int := least(greatest(coalesce(p_limit, 500), 1), 1000);
  after_id bigint := coalesce(p_after, 0);
  n_total bigint;
  missing text;
  twps text[];
  sent int;
  results jsonb := '{}';
  last_id bigint;
  is_done boolean;
  o record;
BEGIN
  PERFORM aixin.require_role(acct, aixin.writer_roles());
  IF p_from IS NULL OR p_to IS NULL OR p_to <> p_from + 1 THEN
    RAISE EXCEPTION 'renewal goes from one year to the next (to_year = from_year + 1)'
      USING ERRCODE = 'AXB01', COLUMN = 'to_year';
  END IF;
  scope_code := acct.division_code;
  IF nullif(p_division, '') IS NOT NULL THEN
    SELECT * INTO div FROM aixin.divisions d WHERE d.code = p_division;
    IF NOT FOUND OR NOT aixin.in_scope(acct.division_code, div.code) THEN
      RAISE EXCEPTION 'division % not found in your scope', p_division
        USING ERRCODE = 'AXN01', COLUMN = 'division_code';
    END IF;
    IF div.level NOT IN ('township', 'county', 'city') THEN
      RAISE EXCEPTION 'renew a city, county or township, not a %', div.level
        USING ERRCODE = 'AXB01', COLUMN = 'division_code';
    END IF;
    scope_code := div.code;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p_from) THEN
    RAISE EXCEPTION 'policy year % not found', p_from USING ERRCODE = 'AXN01', COLUMN = 'from_year';
  END IF;
  SELECT y.reference_date INTO ref_to FROM aixin.policy_years y WHERE y.year = p_to;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % is not open yet: a city admin opens it with aixin year open', p_to
      USING ERRCODE = 'AXR01', COLUMN = 'to_year';
  END IF;
  IF aixin.year_is_closed(p_to) THEN
    RAISE EXCEPTION 'policy year % is closed: renewal refused (a city admin may reopen it)', p_to
      USING ERRCODE = 'AXR01', COLUMN = 'to_year';
  END IF;

  -- The townships of the scope, once (aixin.in_scope per policy would be
  -- a function call per row of every batch).
  SELECT coalesce(array_agg(d.code), '{}') INTO twps
    FROM aixin.divisions d
   WHERE d.level = 'township'
     AND (d.code = scope_code OR d.county_code = scope_code OR d.city_code = scope_code);

  SELECT count(*) INTO n_total
    FROM aixin.policies p
   WHERE p.policy_year = p_from AND p.township_code = ANY (twps);

  -- Every county of the candidates needs its terms for the target year:
  -- say which are missing before anything is done.
  SELECT string_agg(d.county_code || ' ' || cd.name, ', ' ORDER BY d.county_code) INTO missing
    FROM (SELECT DISTINCT dd.county_code
            FROM aixin.divisions dd
           WHERE dd.code = ANY (twps)
             AND EXISTS (SELECT 1 FROM aixin.policies p
                          WHERE p.township_code = dd.code AND p.policy_year = p_from)) d
    JOIN aixin.divisions cd ON cd.code = d.county_code
   WHERE NOT EXISTS (SELECT 1 FROM aixin.county_terms t
                      WHERE t.county_code = d.county_code AND t.policy_year = p_to);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'county share and insurer for % are not set for: % (a city admin sets them with aixin terms set)',
        p_to, missing
      USING ERRCODE = 'AXR01', COLUMN = 'to_year';
  END IF;

  CREATE TEMP TABLE IF NOT EXISTS renew_batch (
    ord int, child_id bigint, id_number text, name text, sex text, born date, age int,
    township_code text, township_name text, kind text, certificate_no text,
    guardian_id text, guardian_name text, already bigint, aged_out boolean, key bytea,
    pos int  -- position among the rows sent to the bulk path
  ) ON COMMIT DROP;
  TRUNCATE renew_batch;
  INSERT INTO renew_batch
  SELECT row_number() OVER (ORDER BY c.id), c.id, c.id_number, c.name, c.sex, c.birth_date,
         extract(year FROM age(ref_to, c.birth_date))::int, h.township_code, d.name, h.kind,
         h.certificate_no, g.id_number, g.name, q.id,
         extract(year FROM age(ref_to, c.birth_date)) >= 7,
         substring(sha256(convert_to('aixin.renew:' || p_actor || ':' || p_to || ':' || c.id_number,
                                     'UTF8')) FROM 1 FOR 16)
    FROM (SELECT p.child_id
            FROM aixin.policies p
           WHERE p.policy_year = p_from AND p.township_code = ANY (twps)
             AND p.child_id > after_id
           ORDER BY p.child_id
           LIMIT lim) p
    JOIN aixin.children c ON c.id = p.child_id
    JOIN aixin.households h ON h.id = c.household_id
    JOIN aixin.divisions d ON d.code = h.township_code
    LEFT JOIN aixin.guardians g ON g.household_id = h.id AND g.position = 1
    LEFT JOIN aixin.policies q ON q.child_id = c.id AND q.policy_year = p_to
   ORDER BY c.id;

  UPDATE renew_batch b SET pos = s.pos
    FROM (SELECT e.ord, row_number() OVER (ORDER BY e.ord) AS pos
            FROM renew_batch e WHERE e.already IS NULL AND NOT e.aged_out) s
   WHERE s.ord = b.ord;
  SELECT max(b.child_id), count(*) < lim, count(b.pos) INTO last_id, is_done, sent
    FROM renew_batch b;

  IF sent > 0 THEN
    BEGIN
      FOR o IN
        SELECT r.ord, r.error_code, r.error_field, r.error_message, r.id, r.replayed
          FROM aixin.import_enrollments_bulk(
                 p_actor, p_request_id,
                 ARRAY(SELECT b.key FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.ord FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT p_to FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.township_code FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.kind FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.certificate_no FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.guardian_id FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.guardian_name FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.id_number FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.name FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.sex FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos),
                 ARRAY(SELECT b.born FROM renew_batch b WHERE b.pos IS NOT NULL ORDER BY b.pos)) r
      LOOP
        -- ord of the bulk answer is the position among the rows sent.
        results := results || jsonb_build_object(o.ord::text,
                     jsonb_build_object('code', o.error_code, 'field', o.error_field,
                                        'message', o.error_message, 'policy_id', o.id,
                                        'replayed', o.replayed));
      END LOOP;
      IF coalesce(p_dry_run, false) THEN
        RAISE EXCEPTION 'dry run' USING ERRCODE = 'AXD01';
      END IF;
    EXCEPTION WHEN SQLSTATE 'AXD01' THEN
      NULL;  -- the dry run's writes are undone; its answers are kept
    END;
  END IF;

  IF NOT coalesce(p_dry_run, false) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'policy_year.renew', 'policy_year:' || p_to,
                        jsonb_build_object('from_year', p_from, 'division', scope_code,
                                           'after_child_id', after_id,
                                           'children', (SELECT count(*) FROM renew_batch),
                                           'sent', sent,
                                           'renewed', (SELECT count(*) FROM jsonb_each(results) e
                                                        WHERE e.value ->> 'code' IS NULL)));
  END IF;

  IF last_id IS NULL THEN
    RETURN QUERY SELECT n_total, after_id, true, NULL::bigint, NULL::text, NULL::text, NULL::text,
                        NULL::int, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
                        NULL::text, NULL::bigint;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT n_total, last_id, is_done, b.child_id, b.id_number, b.name, aixin.ymd(b.born), b.age,
           b.township_code, b.township_name,
           CASE WHEN b.already IS NOT NULL THEN 'already_renewed'
                WHEN b.aged_out THEN 'aged_out'
                WHEN s.r ->> 'code' IS NOT NULL THEN 'refused'
                WHEN (s.r ->> 'replayed')::boolean THEN 'already_renewed'
                ELSE 'renewed' END,
           s.r ->> 'code', s.r ->> 'field', s.r ->> 'message',
           coalesce(b.already, CASE WHEN NOT coalesce(p_dry_run, false)
                                    THEN (s.r ->> 'policy_id')::bigint END)
      FROM renew_batch b
      CROSS JOIN LATERAL (SELECT results -> (b.pos::text) AS r) s
     ORDER BY b.ord;
END;
$$;

COMMENT ON FUNCTION aixin.renew_policies(bigint, bigint, int, int, text, boolean, bigint, int) IS
  'Renew (续保) one batch of children insured in a year into the next through the bulk enrollment path';

-- ---------------------------------------------------------------------------
-- The same execution rights as the functions before this migration (as
-- at the end of 0010).
-- ---------------------------------------------------------------------------

DO $$
DECLARE
  conf text[];
  path text;
  f regprocedure;
BEGIN
  SELECT p.proconfig INTO conf
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'aixin' AND p.prosecdef
   ORDER BY p.oid
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT substr(c, length('search_path=') + 1) INTO path
    FROM unnest(conf) c WHERE c LIKE 'search_path=%';
  FOR f IN
    SELECT p.oid::regprocedure
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'aixin' AND p.prokind = 'f' AND NOT p.prosecdef
  LOOP
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER', f);
    IF path IS NOT NULL THEN
      EXECUTE format('ALTER FUNCTION %s SET search_path = %s', f, path);
    END IF;
  END LOOP;
END
$$;
