-- Post-audit of same-day claims, and the weighted county assessment.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql and 0006_claims.sql.
--
-- POST-AUDIT (事后抽查).  Every month the city reviews a random sample of
-- the month's same-day claims (当日结案): claims that are paid, whose
-- service class (aixin.claim_due) is same_day, and whose paid_on (the
-- paper date of the payment, a calendar date in Asia/Shanghai) lies in
-- the month.  The month's population is therefore fixed once the month is
-- over and no payment can be dated into it any more... except by a
-- backdated paper date, which is why the sample stores its population
-- size and is drawn once: later payments dated into the month do not
-- change a sample already drawn.
--   * A month may be drawn once it is over (its last day is before today
--     in Asia/Shanghai).  The first DrawAuditSample draws and stores it;
--     every later one shows the stored sample (drawing twice = showing).
--   * Size: ceil(population x rate / 10000), rate = the year setting
--     post_audit_sample_rate (basis points, default 500 = 5%) of the
--     month's calendar year.  Rounded up, so a month with any same-day
--     claim samples at least one (at a rate above 0); a month without
--     any stores an empty sample.
--   * Selection: a pure function of the seed and the population
--     (aixin.post_audit_pick): the claims ordered by sha256(seed ||
--     int8send(claim id)), ties by id, the first `size` of them.  The seed
--     is the 16 bytes of a random (version 4) UUID, 122 random bits, from
--     PostgreSQL's own generator (no extension needed), stored with the
--     sample, who drew it and when;
--     aixin.post_audit_recompute(month) draws again from the stored seed
--     and the month's claims, so anybody can check a sample from psql.
--   * Findings: one per sampled claim, by a reviewer (city admin or
--     auditor in scope of the claim): ok, or recovered with the amount
--     recovered (whole fen, more than 0 and at most what the insurer
--     paid), and a note.  A finding is final.
--   * report_post_audit: per insurer, the sampled claims whose policy year
--     lies in the report's years (as every report counts a claim), with
--     findings and amounts recovered; the first row is the division's
--     total, the sum of the insurer rows.  Adjusters see their insurer's
--     row only (and a total equal to it).
--
-- WEIGHTED ASSESSMENT (目标考核, 利益导向考核).  report_assessment keeps its
-- columns (the fixed 90% / 10 points rule over the years given) and adds
-- two computed year by year with the year settings: a county earns the
-- year's assessment_points when its enrollment rate of that year reaches
-- the year's assessment_enrollment_threshold, and its weighted score is
-- those points x the year's assessment_insurance_weight (the insurance
-- item's share of the incentive-policy assessment, 40% in 2007).  Over
-- several years both are the sums of the years.

INSERT INTO aixin.year_setting_kinds (name, unit, minimum, maximum, default_value, description) VALUES
  ('post_audit_sample_rate', 'basis_points', 0, 10000, 500,
   'Share of a month''s same-day claims drawn for the city''s post-audit (rounded up)'),
  ('assessment_enrollment_threshold', 'basis_points', 0, 10000, 9000,
   'Enrollment rate a county must reach in the year to earn the assessment points'),
  ('assessment_points', 'points', 0, 1000, 10,
   'Points added to the annual target assessment of a county at the enrollment threshold'),
  ('assessment_insurance_weight', 'basis_points', 0, 10000, 4000,
   'Weight of the insurance item in the incentive-policy assessment');

-- ---------------------------------------------------------------------------
-- Tables.
-- ---------------------------------------------------------------------------

CREATE TABLE aixin.post_audit_samples (
  month       date PRIMARY KEY CHECK (extract(day FROM month) = 1),
  seed        bytea NOT NULL CHECK (octet_length(seed) = 16),
  rate_bp     int NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  population  int NOT NULL CHECK (population >= 0),
  sample_size int NOT NULL CHECK (sample_size BETWEEN 0 AND population),
  drawn_by    bigint NOT NULL REFERENCES aixin.accounts (id),
  drawn_at    timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE aixin.post_audit_samples IS
  'One post-audit sample per month: its seed, rate, population size, who drew it and when';

CREATE TABLE aixin.post_audit_sample_claims (
  month    date NOT NULL REFERENCES aixin.post_audit_samples (month),
  rank     int NOT NULL CHECK (rank >= 1),
  claim_id bigint NOT NULL UNIQUE REFERENCES aixin.claims (id),
  PRIMARY KEY (month, rank)
);

COMMENT ON TABLE aixin.post_audit_sample_claims IS
  'The claims of a post-audit sample, in the order of aixin.post_audit_pick';

CREATE TABLE aixin.post_audit_findings (
  claim_id      bigint PRIMARY KEY REFERENCES aixin.post_audit_sample_claims (claim_id),
  result        text NOT NULL CHECK (result IN ('ok', 'recovered')),
  recovered_fen bigint NOT NULL DEFAULT 0,
  note          text NOT NULL CHECK (aixin.label_ok(note, 500)),
  recorded_by   bigint NOT NULL REFERENCES aixin.accounts (id),
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((result = 'ok' AND recovered_fen = 0) OR (result = 'recovered' AND recovered_fen > 0))
);

COMMENT ON TABLE aixin.post_audit_findings IS
  'The reviewer''s finding on a sampled claim: ok, or an amount recovered (fen), with a note';

-- Samples and findings are records of what was done: never rewritten.
CREATE TRIGGER post_audit_samples_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.post_audit_samples
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER post_audit_sample_claims_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.post_audit_sample_claims
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();
CREATE TRIGGER post_audit_findings_no_update_delete
  BEFORE UPDATE OR DELETE ON aixin.post_audit_findings
  FOR EACH ROW EXECUTE FUNCTION aixin.append_only();

-- Whoever writes a finding: nothing is recovered beyond what was paid.
CREATE FUNCTION aixin.post_audit_findings_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  paid bigint;
BEGIN
  SELECT c.paid_fen INTO paid FROM aixin.claims c WHERE c.id = NEW.claim_id;
  IF NEW.recovered_fen > coalesce(paid, 0) THEN
    RAISE EXCEPTION 'recovered amount % fen is more than the % fen paid on claim %',
        NEW.recovered_fen, coalesce(paid, 0), NEW.claim_id
      USING ERRCODE = 'AXB01', COLUMN = 'recovered_fen';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER post_audit_findings_rules BEFORE INSERT ON aixin.post_audit_findings
  FOR EACH ROW EXECUTE FUNCTION aixin.post_audit_findings_rules();

-- A month's payments, for its population.
CREATE INDEX claims_post_audit_paid_on_idx ON aixin.claims (paid_on) WHERE state = 'paid';

-- ---------------------------------------------------------------------------
-- The draw: pure functions anybody can re-run.
-- ---------------------------------------------------------------------------

-- 'YYYY-MM' as the first day of the month; AXB01 (COLUMN 'month') else.
CREATE FUNCTION aixin.post_audit_month(p_text text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_text IS NULL OR p_text !~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
     OR left(p_text, 4)::int NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'month must be YYYY-MM between 2000-01 and 2100-12, not "%"',
        coalesce(p_text, '')
      USING ERRCODE = 'AXB01', COLUMN = 'month';
  END IF;
  RETURN make_date(left(p_text, 4)::int, right(p_text, 2)::int, 1);
END;
$$;

-- The same-day claims paid in the month starting p_month, by id.
CREATE FUNCTION aixin.post_audit_population(p_month date) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
  SELECT c.id
    FROM aixin.claims c
   CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on, c.doubt,
                                      c.escalated_on, c.state, c.decided_on, c.paid_on,
                                      c.paid_on) d
   WHERE c.state = 'paid'
     AND c.paid_on >= p_month
     AND c.paid_on < (p_month + interval '1 month')::date
     AND d.service_class = 'same_day'
   ORDER BY c.id
$$;

COMMENT ON FUNCTION aixin.post_audit_population(date) IS
  'The same-day claims paid (paid_on, Asia/Shanghai) in the month starting on the date';

-- ceil(population x rate / 10000).
CREATE FUNCTION aixin.post_audit_size(p_population int, p_rate_bp int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ((p_population::bigint * p_rate_bp + 9999) / 10000)::int
$$;

-- The sample: the claims ordered by a keyed hash of their id (ties, which
-- sha256 makes practically impossible, by id), the first p_size.
CREATE FUNCTION aixin.post_audit_pick(p_seed bytea, p_claims bigint[], p_size int)
RETURNS TABLE (rank int, claim_id bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT r.rank::int, r.id
    FROM (SELECT x.id, row_number() OVER (ORDER BY sha256(p_seed || int8send(x.id)), x.id) AS rank
            FROM (SELECT DISTINCT u.id FROM unnest(p_claims) u(id)) x) r
   WHERE r.rank <= p_size
   ORDER BY r.rank
$$;

COMMENT ON FUNCTION aixin.post_audit_pick(bytea, bigint[], int) IS
  'The post-audit selection: the claims ordered by sha256(seed || int8send(id)), the first p_size';

-- The sample of a stored month drawn again from its seed, its rate and
-- the month's claims as they are now; equal to the stored claims as long
-- as no payment was dated into the month afterwards.
CREATE FUNCTION aixin.post_audit_recompute(p_month date)
RETURNS TABLE (rank int, claim_id bigint)
LANGUAGE sql STABLE AS $$
  SELECT p.rank, p.claim_id
    FROM aixin.post_audit_samples s
   CROSS JOIN LATERAL (SELECT ARRAY(SELECT aixin.post_audit_population(s.month)) AS ids) pop
   CROSS JOIN LATERAL aixin.post_audit_pick(s.seed, pop.ids,
                                            aixin.post_audit_size(cardinality(pop.ids), s.rate_bp)) p
   WHERE s.month = p_month
   ORDER BY p.rank
$$;

COMMENT ON FUNCTION aixin.post_audit_recompute(date) IS
  'A stored post-audit sample drawn again from its seed and the month''s claims (to check it)';

-- ---------------------------------------------------------------------------
-- Requests.
-- ---------------------------------------------------------------------------

-- The AuditSample message: the sample's fields on every row, then one
-- sampled claim (claim_id NULL on the one row of an empty sample).  result
-- is '' before a finding.
CREATE TYPE aixin.post_audit_row AS (
  month          text,
  seed           text,
  rate_bp        int,
  population     int,
  sample_size    int,
  drawn_by       text,
  drawn_at       bigint,
  rank           int,
  claim_id       bigint,
  insurer_code   text,
  township_code  text,
  policy_year    int,
  paid_fen       bigint,
  paid_on        text,
  result         text,
  recovered_fen  bigint,
  note           text,
  reviewed_by    text,
  reviewed_at    bigint
);

-- The stored sample of a month as the actor may see it: the claims in the
-- actor's division (adjusters: of their insurer), or only p_claim_id.
CREATE FUNCTION aixin.post_audit_render(p_acct aixin.accounts, p_month date, p_claim_id bigint)
RETURNS SETOF aixin.post_audit_row
LANGUAGE sql STABLE AS $$
  SELECT to_char(s.month, 'YYYY-MM'), encode(s.seed, 'hex'), s.rate_bp, s.population,
         s.sample_size, a.username, aixin.epoch(s.drawn_at),
         v.rank, v.claim_id, v.insurer_code, v.township_code, v.policy_year, v.paid_fen,
         v.paid_on, coalesce(v.result, ''), coalesce(v.recovered_fen, 0), v.note, v.reviewed_by,
         v.reviewed_at
    FROM aixin.post_audit_samples s
    JOIN aixin.accounts a ON a.id = s.drawn_by
    LEFT JOIN LATERAL (
      SELECT sc.rank, sc.claim_id, i.code AS insurer_code, c.township_code, c.policy_year,
             c.paid_fen, aixin.ymd(c.paid_on) AS paid_on, f.result, f.recovered_fen, f.note,
             r.username AS reviewed_by, aixin.epoch(f.recorded_at) AS reviewed_at
        FROM aixin.post_audit_sample_claims sc
        JOIN aixin.claims c ON c.id = sc.claim_id
        JOIN aixin.insurers i ON i.id = c.insurer_id
        LEFT JOIN aixin.post_audit_findings f ON f.claim_id = sc.claim_id
        LEFT JOIN aixin.accounts r ON r.id = f.recorded_by
       WHERE sc.month = s.month
         AND (p_claim_id IS NULL OR sc.claim_id = p_claim_id)
         AND coalesce(aixin.claim_visible(p_acct, c.township_code, c.insurer_id), false)
    ) v ON true
   WHERE s.month = p_month
   ORDER BY v.rank
$$;

-- City admin or auditor: draw the sample of a month that is over, or show
-- the one drawn before.  Mutating (the first call stores the sample).
CREATE FUNCTION aixin.draw_audit_sample(p_actor bigint, p_request_id bigint, p_key bytea,
                                        p_month text)
RETURNS SETOF aixin.post_audit_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  m date;
  pop bigint[];
  rate int;
  new_seed bytea;
  n int;
  inserted int;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'auditor']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'post_audit.draw',
                            jsonb_build_array(p_month));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.post_audit_render(acct, (prior ->> 'month')::date, NULL);
    RETURN;
  END IF;

  m := aixin.post_audit_month(p_month);
  IF (m + interval '1 month')::date > aixin.local_today() THEN
    RAISE EXCEPTION 'month % is not over yet (today is %): its sample is drawn from the 1st of the next month',
        p_month, aixin.ymd(aixin.local_today())
      USING ERRCODE = 'AXB01', COLUMN = 'month';
  END IF;

  IF NOT EXISTS (SELECT 1 FROM aixin.post_audit_samples s WHERE s.month = m) THEN
    pop := ARRAY(SELECT aixin.post_audit_population(m));
    rate := aixin.year_setting(extract(year FROM m)::int, 'post_audit_sample_rate')::int;
    new_seed := decode(replace(gen_random_uuid()::text, '-', ''), 'hex');
    n := aixin.post_audit_size(cardinality(pop), rate);
    -- Two reviewers drawing at once: the second waits here for the first
    -- and then shows its sample.
    INSERT INTO aixin.post_audit_samples (month, seed, rate_bp, population, sample_size, drawn_by)
    VALUES (m, new_seed, rate, cardinality(pop), n, p_actor)
    ON CONFLICT (month) DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 1 THEN
      INSERT INTO aixin.post_audit_sample_claims (month, rank, claim_id)
      SELECT m, p.rank, p.claim_id FROM aixin.post_audit_pick(new_seed, pop, n) p;
      PERFORM aixin.audit(p_actor, p_request_id, p_key, 'post_audit.draw',
                          'month:' || p_month,
                          jsonb_build_object('population', cardinality(pop), 'sample_size', n,
                                             'rate_bp', rate, 'seed', encode(new_seed, 'hex')));
    END IF;
  END IF;

  PERFORM aixin.idem_store(p_key, jsonb_build_object('month', m));
  RETURN QUERY SELECT * FROM aixin.post_audit_render(acct, m, NULL);
END;
$$;

COMMENT ON FUNCTION aixin.draw_audit_sample(bigint, bigint, bytea, text) IS
  'City admin or auditor: draw (once) and show the post-audit sample of a month that is over';

-- City admin or auditor in scope of the claim: record the finding on a
-- sampled claim.  Answer: the claim's row of the sample.
CREATE FUNCTION aixin.record_audit_finding(p_actor bigint, p_request_id bigint, p_key bytea,
                                           p_claim_id bigint, p_result text,
                                           p_recovered_fen bigint, p_note text)
RETURNS SETOF aixin.post_audit_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  sc aixin.post_audit_sample_claims;
  c aixin.claims;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin', 'auditor']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'post_audit.finding',
                            jsonb_build_array(p_claim_id, p_result, p_recovered_fen, p_note));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.post_audit_render(acct, (prior ->> 'month')::date,
                                                       (prior ->> 'claim_id')::bigint);
    RETURN;
  END IF;

  SELECT * INTO sc FROM aixin.post_audit_sample_claims s WHERE s.claim_id = p_claim_id FOR UPDATE;
  IF FOUND THEN
    SELECT * INTO c FROM aixin.claims cl WHERE cl.id = p_claim_id;
  END IF;
  IF sc.claim_id IS NULL
     OR NOT coalesce(aixin.claim_visible(acct, c.township_code, c.insurer_id), false) THEN
    RAISE EXCEPTION 'claim % is not in a post-audit sample', p_claim_id
      USING ERRCODE = 'AXN01', COLUMN = 'claim_id';
  END IF;
  IF p_result IS NULL OR p_result NOT IN ('ok', 'recovered') THEN
    RAISE EXCEPTION 'result must be ok or recovered' USING ERRCODE = 'AXB01', COLUMN = 'result';
  END IF;
  IF p_result = 'ok' AND coalesce(p_recovered_fen, 0) <> 0 THEN
    RAISE EXCEPTION 'a finding of ok recovers nothing: give the amount with result recovered'
      USING ERRCODE = 'AXB01', COLUMN = 'recovered_fen';
  END IF;
  IF p_result = 'recovered' AND coalesce(p_recovered_fen, 0) <= 0 THEN
    RAISE EXCEPTION 'a recovery needs the amount recovered, more than 0'
      USING ERRCODE = 'AXB01', COLUMN = 'recovered_fen';
  END IF;
  IF p_recovered_fen > c.paid_fen THEN
    RAISE EXCEPTION 'recovered amount % fen is more than the % fen paid on claim %',
        p_recovered_fen, c.paid_fen, p_claim_id
      USING ERRCODE = 'AXB01', COLUMN = 'recovered_fen';
  END IF;
  IF NOT aixin.label_ok(p_note, 500) THEN
    RAISE EXCEPTION 'note must be 1 to 500 characters, without control characters or surrounding spaces'
      USING ERRCODE = 'AXB01', COLUMN = 'note';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.post_audit_findings f WHERE f.claim_id = p_claim_id) THEN
    RAISE EXCEPTION 'claim % already has a post-audit finding', p_claim_id
      USING ERRCODE = 'AXC01', COLUMN = 'claim_id';
  END IF;

  INSERT INTO aixin.post_audit_findings (claim_id, result, recovered_fen, note, recorded_by)
  VALUES (p_claim_id, p_result, coalesce(p_recovered_fen, 0), p_note, p_actor);
  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'post_audit.finding', 'claim:' || p_claim_id,
                      jsonb_build_object('result', p_result,
                                         'recovered_fen', coalesce(p_recovered_fen, 0)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('month', sc.month, 'claim_id', p_claim_id));
  RETURN QUERY SELECT * FROM aixin.post_audit_render(acct, sc.month, p_claim_id);
END;
$$;

COMMENT ON FUNCTION aixin.record_audit_finding(bigint, bigint, bytea, bigint, text, bigint, text) IS
  'City admin or auditor: the finding (ok or an amount recovered, with a note) on a sampled claim';

-- ---------------------------------------------------------------------------
-- Report: findings by insurer (ReportKind POST_AUDIT).
-- ---------------------------------------------------------------------------

-- The checks of aixin.report_root for the post-audit report, which
-- adjusters may read too (their insurer's claims only).
CREATE FUNCTION aixin.post_audit_report_root(p_actor bigint, p_year_from int, p_year_to int,
                                             p_division_code text)
RETURNS aixin.divisions
LANGUAGE plpgsql STABLE AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root_code text := coalesce(nullif(p_division_code, ''), acct.division_code);
  root aixin.divisions;
BEGIN
  PERFORM aixin.require_role(acct, aixin.reader_roles() || 'insurer_adjuster'::text);
  IF p_year_from IS NULL OR p_year_from NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year_from must be between 2000 and 2100'
      USING ERRCODE = 'AXB01', COLUMN = 'year_from';
  END IF;
  IF p_year_to IS NULL OR p_year_to NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'year_to must be between 2000 and 2100'
      USING ERRCODE = 'AXB01', COLUMN = 'year_to';
  END IF;
  IF p_year_to < p_year_from THEN
    RAISE EXCEPTION 'year_to (%) is before year_from (%)', p_year_to, p_year_from
      USING ERRCODE = 'AXB01', COLUMN = 'year_to';
  END IF;
  SELECT * INTO root FROM aixin.divisions d WHERE d.code = root_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', root_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(acct.division_code, root.code) THEN
    RAISE EXCEPTION 'division % is outside your division', root.code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  RETURN root;
END;
$$;

-- Row 0: the division's total (insurer NULL), the sum of the rows below
-- it; then one row per insurer with sampled claims in the division and
-- years, by code.  The readers of every report, and adjusters for their
-- own insurer.
CREATE FUNCTION aixin.report_post_audit(p_actor bigint, p_year_from int, p_year_to int,
                                        p_division_code text)
RETURNS TABLE (division text, name text, insurer text, sampled bigint, reviewed bigint,
               ok bigint, with_recovery bigint, sampled_paid_fen bigint, recovered_fen bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.post_audit_report_root(p_actor, p_year_from, p_year_to,
                                                       p_division_code);
  acct aixin.accounts := aixin.actor_get(p_actor);
  lo text := aixin.report_township_low(root);
  hi text := aixin.report_township_high(root);
BEGIN
  RETURN QUERY
    WITH s AS (
      SELECT c.insurer_id, c.paid_fen, f.result, f.recovered_fen
        FROM aixin.post_audit_sample_claims sc
        JOIN aixin.claims c ON c.id = sc.claim_id
        LEFT JOIN aixin.post_audit_findings f ON f.claim_id = sc.claim_id
       WHERE c.policy_year BETWEEN p_year_from AND p_year_to
         AND c.township_code BETWEEN lo AND hi
         AND (acct.role <> 'insurer_adjuster' OR c.insurer_id = acct.insurer_id)
    ), per AS (
      SELECT s.insurer_id, count(*) AS n_sampled, count(s.result) AS n_reviewed,
             count(*) FILTER (WHERE s.result = 'ok') AS n_ok,
             count(*) FILTER (WHERE s.result = 'recovered') AS n_recovered,
             sum(s.paid_fen) AS paid, coalesce(sum(s.recovered_fen), 0) AS recovered
        FROM s
       GROUP BY s.insurer_id
    ), r AS (
      SELECT 0 AS ord, ''::text AS sort_code, root.code AS division, root.name AS name,
             NULL::text AS insurer,
             coalesce(sum(per.n_sampled), 0) AS n_sampled,
             coalesce(sum(per.n_reviewed), 0) AS n_reviewed,
             coalesce(sum(per.n_ok), 0) AS n_ok,
             coalesce(sum(per.n_recovered), 0) AS n_recovered,
             coalesce(sum(per.paid), 0) AS paid, coalesce(sum(per.recovered), 0) AS recovered
        FROM per
      UNION ALL
      SELECT 1, i.code, root.code, i.name, i.code, per.n_sampled, per.n_reviewed, per.n_ok,
             per.n_recovered, per.paid, per.recovered
        FROM per
        JOIN aixin.insurers i ON i.id = per.insurer_id
    )
    SELECT r.division, r.name, r.insurer, r.n_sampled::bigint, r.n_reviewed::bigint,
           r.n_ok::bigint, r.n_recovered::bigint, r.paid::bigint, r.recovered::bigint
      FROM r
     ORDER BY r.ord, r.sort_code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_post_audit(bigint, int, int, text) IS
  'Post-audit findings per insurer (sampled, reviewed, ok, with recovery, amounts), the division''s total first';

-- ---------------------------------------------------------------------------
-- Weighted assessment: report_assessment with two columns appended.
-- ---------------------------------------------------------------------------

-- The existing columns are as in 0007_reports.sql, unchanged (names,
-- order, values: the fixed rule, 90% over the years given earns 10).
-- Appended, year by year with the year settings, summed over the years:
--   assessment_points  the year's assessment_points when the county's
--                      enrollment rate of that year reaches the year's
--                      assessment_enrollment_threshold (exact fraction:
--                      insured x 10000 >= eligible x threshold; no
--                      eligible households: not reached);
--   weighted_score     those points x the year's
--                      assessment_insurance_weight / 10000, exact (4
--                      decimals).
DROP FUNCTION aixin.report_assessment(bigint, int, int, text);

CREATE FUNCTION aixin.report_assessment(p_actor bigint, p_year_from int, p_year_to int,
                                        p_division_code text)
RETURNS TABLE (division text, name text, level text, eligible_households bigint,
               insured_households bigint, enrollment_rate numeric(10,4), meets_target boolean,
               points int, assessment_points int, weighted_score numeric(12,4))
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  root aixin.divisions := aixin.report_root(p_actor, p_year_from, p_year_to, p_division_code);
BEGIN
  IF root.level = 'township' THEN
    RAISE EXCEPTION 'the assessment is of counties: give a city or a county, not township %',
        root.code
      USING ERRCODE = 'AXB01', COLUMN = 'division_code';
  END IF;
  RETURN QUERY
    WITH t AS MATERIALIZED (
      SELECT * FROM aixin.report_township_enrollment(root, aixin.report_years(p_year_from, p_year_to))
    ), c AS (
      SELECT d.code, d.name, d.level,
             coalesce(sum(t.eligible_households), 0) AS eligible,
             coalesce(sum(t.insured_households), 0) AS insured
        FROM aixin.divisions d
        LEFT JOIN t ON t.county_code = d.code
       WHERE d.level = 'county' AND (d.code = root.code OR d.parent_code = root.code)
       GROUP BY d.code, d.name, d.level
    ), settings AS (
      SELECT y.yr,
             aixin.year_setting(y.yr, 'assessment_enrollment_threshold') AS threshold_bp,
             aixin.year_setting(y.yr, 'assessment_points') AS year_points,
             aixin.year_setting(y.yr, 'assessment_insurance_weight') AS weight_bp
        FROM unnest(aixin.report_years(p_year_from, p_year_to)) y(yr)
    ), per_year AS (
      SELECT e.county_code, s.yr, s.threshold_bp, s.year_points, s.weight_bp,
             sum(e.eligible_households) AS eligible, sum(e.insured_households) AS insured
        FROM settings s
       CROSS JOIN LATERAL aixin.report_township_enrollment(root, ARRAY[s.yr]) e
       GROUP BY e.county_code, s.yr, s.threshold_bp, s.year_points, s.weight_bp
    ), earned AS (
      SELECT p.county_code,
             sum(CASE WHEN p.eligible > 0 AND p.insured * 10000 >= p.eligible * p.threshold_bp
                      THEN p.year_points ELSE 0 END) AS pts,
             sum(CASE WHEN p.eligible > 0 AND p.insured * 10000 >= p.eligible * p.threshold_bp
                      THEN p.year_points * p.weight_bp ELSE 0 END) AS weighted_e4
        FROM per_year p
       GROUP BY p.county_code
    )
    SELECT c.code, c.name, c.level, c.eligible::bigint, c.insured::bigint,
           aixin.report_rate(c.insured, c.eligible),
           c.eligible > 0 AND c.insured * 10 >= c.eligible * 9,
           CASE WHEN c.eligible > 0 AND c.insured * 10 >= c.eligible * 9 THEN 10 ELSE 0 END,
           coalesce(e.pts, 0)::int,
           (coalesce(e.weighted_e4, 0) / 10000.0)::numeric(12,4)
      FROM c
      LEFT JOIN earned e ON e.county_code = c.code
     ORDER BY c.code COLLATE "C";
END;
$$;

COMMENT ON FUNCTION aixin.report_assessment(bigint, int, int, text) IS
  'Per county: enrollment rate over the years, the 90% target and its 10 points; then the points and weighted score by each year''s settings';
