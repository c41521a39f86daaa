-- aixin exports: the policies or claims of one policy year, record by
-- record, for partners' systems (an insurer's own CSV import, FHIR
-- bundles).  aixin.export_policies and aixin.export_claims answer one page
-- each: the records with an id above p_after_id, in id order, at most
-- p_limit of them, so the daemon never holds a whole year and a
-- province-sized year is read a page at a time (keyset paging on the
-- indexes below).
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- Error codes and conventions as in 0002_functions.sql.
--
-- WHO EXPORTS WHAT.
--   * Readers (city admin, county and township clerks, auditors) export
--     the records of their division (or of a division below it named by
--     p_division); p_insurer narrows to one insurer.
--   * An insurer's adjuster exports only its own insurer's policies and
--     claims, wherever they are (p_division may narrow to a division, as
--     for anyone, within the adjuster's division); naming another insurer
--     is AXP01 (COLUMN 'insurer_code'), which the daemon records in the
--     audit log like every refusal.
--   * Any other role: AXP01.
--   * ID numbers (child, guardians) are whole for the offices that
--     register them (city admin, county and township clerks) and masked
--     (aixin.mask_id: 360821********123X) for auditors and adjusters.
--   * Every page read is audited (export.policies / export.claims) with
--     the year, division, insurer, page start and number of records.
--
-- THE RECORDS.  A policy counts in its policy year; a claim in the policy
-- year of its policy (as in the reports).  Money is integer fen; dates are
-- YYYY-MM-DD (enrolled_on is the enrollment time's date in Asia/Shanghai).
-- A claim carries its policy's fields, the insurer's payment (paid_fen,
-- paid_on) and the city's supplementary payouts summed (with their count
-- and the latest date).  total is the number of records of the whole
-- export on the first page (p_after_id = 0) and NULL on later pages, so
-- that only the first page pays for the count.

CREATE INDEX policies_export_idx ON aixin.policies (policy_year, id);
CREATE INDEX claims_export_idx ON aixin.claims (policy_year, id);

CREATE TYPE aixin.export_policy_row AS (
  total              bigint,
  id                 bigint,
  policy_year        int,
  township_code      text,
  township_name      text,
  county_code        text,
  county_name        text,
  household_id       bigint,
  household_kind     text,
  child_id           bigint,
  child_id_number    text,
  child_name         text,
  child_sex          text,
  child_birth_date   text,
  guardian1_id_number text,
  guardian1_name     text,
  guardian2_id_number text,
  guardian2_name     text,
  insurer_code       text,
  insurer_name       text,
  premium_fen        bigint,
  city_share_fen     bigint,
  county_share_fen   bigint,
  township_share_fen bigint,
  enrolled_on        text,
  ids_masked         boolean
);

-- The checks every export makes; the division exported and the insurer
-- filter (NULL: none).  p_kind names the audit action.
CREATE FUNCTION aixin.export_scope(p_acct aixin.accounts, p_year int, p_division text,
                                   p_insurer text, p_after_id bigint, p_limit int,
                                   OUT root aixin.divisions, OUT insurer_id bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  root_code text := coalesce(nullif(p_division, ''), p_acct.division_code);
  named aixin.insurers;
BEGIN
  IF NOT (p_acct.role = ANY (aixin.reader_roles() || 'insurer_adjuster'::text)) THEN
    RAISE EXCEPTION 'permission denied for role %', p_acct.role USING ERRCODE = 'AXP01';
  END IF;
  IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 2100 THEN
    RAISE EXCEPTION 'policy_year must be between 2000 and 2100'
      USING ERRCODE = 'AXB01', COLUMN = 'policy_year';
  END IF;
  IF p_after_id IS NULL OR p_after_id < 0 THEN
    RAISE EXCEPTION 'after_id must be 0 or more' USING ERRCODE = 'AXB01', COLUMN = 'after_id';
  END IF;
  IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'limit must be between 1 and 1000' USING ERRCODE = 'AXB01', COLUMN = 'limit';
  END IF;
  SELECT * INTO root FROM aixin.divisions d WHERE d.code = root_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'division % not found', root_code
      USING ERRCODE = 'AXN01', COLUMN = 'division_code';
  END IF;
  IF NOT aixin.in_scope(p_acct.division_code, root.code) THEN
    RAISE EXCEPTION 'division % is outside your division', root.code
      USING ERRCODE = 'AXP01', COLUMN = 'division_code';
  END IF;
  IF nullif(p_insurer, '') IS NOT NULL THEN
    SELECT * INTO named FROM aixin.insurers i WHERE i.code = p_insurer;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'insurer % not found', p_insurer
        USING ERRCODE = 'AXN01', COLUMN = 'insurer_code';
    END IF;
    insurer_id := named.id;
  END IF;
  IF p_acct.role = 'insurer_adjuster' THEN
    IF insurer_id IS NOT NULL AND insurer_id <> p_acct.insurer_id THEN
      RAISE EXCEPTION 'an adjuster exports only its own insurer''s records'
        USING ERRCODE = 'AXP01', COLUMN = 'insurer_code';
    END IF;
    insurer_id := p_acct.insurer_id;
  END IF;
END;
$$;

COMMENT ON FUNCTION aixin.export_scope(aixin.accounts, int, text, text, bigint, int) IS
  'The checks of every export (role, year, paging, division in scope, insurer; an adjuster only its own)';

-- Whether the account sees whole ID numbers in exports.
CREATE FUNCTION aixin.export_ids_whole(p_acct aixin.accounts) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_acct.role = ANY (aixin.writer_roles())
$$;

CREATE FUNCTION aixin.export_id(p_id text, p_whole boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_whole THEN p_id ELSE aixin.mask_id(p_id) END
$$;

-- The policies p_ids (in id order) as export rows; total left NULL.
CREATE FUNCTION aixin.export_policy_rows(p_ids bigint[], p_whole boolean)
RETURNS SETOF aixin.export_policy_row
LANGUAGE sql STABLE AS $$
  SELECT NULL::bigint, p.id, p.policy_year, p.township_code, t.name, t.county_code, c.name,
         p.household_id, h.kind, k.id, aixin.export_id(k.id_number, p_whole), k.name,
         k.sex::text, aixin.ymd(k.birth_date),
         aixin.export_id(g1.id_number, p_whole), g1.name,
         aixin.export_id(g2.id_number, p_whole), g2.name,
         i.code, i.name, p.premium_fen, p.city_share_fen, p.county_share_fen,
         p.township_share_fen, aixin.ymd((p.enrolled_at AT TIME ZONE 'Asia/Shanghai')::date),
         NOT p_whole
    FROM aixin.policies p
    JOIN aixin.divisions t ON t.code = p.township_code
    JOIN aixin.divisions c ON c.code = t.county_code
    JOIN aixin.households h ON h.id = p.household_id
    JOIN aixin.children k ON k.id = p.child_id
    JOIN aixin.insurers i ON i.id = p.insurer_id
    LEFT JOIN aixin.guardians g1 ON g1.household_id = p.household_id AND g1.position = 1
    LEFT JOIN aixin.guardians g2 ON g2.household_id = p.household_id AND g2.position = 2
   WHERE p.id = ANY (p_ids)
   ORDER BY p.id
$$;

-- One page of the policies of year p_year in the division (and insurer).
CREATE FUNCTION aixin.export_policies(p_actor bigint, p_request_id bigint, p_year int,
                                      p_division text, p_insurer text, p_after_id bigint,
                                      p_limit int)
RETURNS SETOF aixin.export_policy_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root aixin.divisions;
  root_code text;
  ins bigint;
  low text;
  high text;
  ids bigint[];
  n_total bigint;
  whole boolean := aixin.export_ids_whole(acct);
BEGIN
  SELECT (e.root).code, e.insurer_id INTO root_code, ins
    FROM aixin.export_scope(acct, p_year, p_division, p_insurer, p_after_id, p_limit) e;
  SELECT * INTO STRICT root FROM aixin.divisions d WHERE d.code = root_code;
  low := aixin.report_township_low(root);
  high := aixin.report_township_high(root);
  SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}') INTO ids
    FROM (SELECT p.id
            FROM aixin.policies p
           WHERE p.policy_year = p_year
             AND p.id > p_after_id
             AND p.township_code BETWEEN low AND high
             AND (ins IS NULL OR p.insurer_id = ins)
           ORDER BY p.id
           LIMIT p_limit) x;
  IF p_after_id = 0 THEN
    SELECT count(*) INTO n_total
      FROM aixin.policies p
     WHERE p.policy_year = p_year
       AND p.township_code BETWEEN low AND high
       AND (ins IS NULL OR p.insurer_id = ins);
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'export.policies', 'division:' || root.code,
                      jsonb_build_object('policy_year', p_year, 'insurer', nullif(p_insurer, ''),
                                         'after_id', p_after_id, 'records', cardinality(ids),
                                         'ids_masked', NOT whole));
  RETURN QUERY
    SELECT n_total, r.id, r.policy_year, r.township_code, r.township_name, r.county_code,
           r.county_name, r.household_id, r.household_kind, r.child_id, r.child_id_number,
           r.child_name, r.child_sex, r.child_birth_date, r.guardian1_id_number, r.guardian1_name,
           r.guardian2_id_number, r.guardian2_name, r.insurer_code, r.insurer_name,
           r.premium_fen, r.city_share_fen, r.county_share_fen, r.township_share_fen,
           r.enrolled_on, r.ids_masked
      FROM aixin.export_policy_rows(ids, whole) r;
  -- An empty page still says what it is (masking, total) in one row
  -- without an id.
  IF NOT FOUND THEN
    RETURN QUERY SELECT n_total, NULL::bigint, p_year, NULL, NULL, NULL, NULL, NULL::bigint,
                        NULL, NULL::bigint, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                        NULL, NULL, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                        NULL, NOT whole;
  END IF;
END;
$$;

COMMENT ON FUNCTION aixin.export_policies(bigint, bigint, int, text, text, bigint, int) IS
  'One page (ids above p_after_id) of the policies of a year in the actor''s scope; an adjuster only its insurer''s; audited';

-- One page of the claims on policies of year p_year in the division (and
-- insurer).  The rows are flat: the policy's columns (export_policy_row,
-- total and ids_masked included) and then the claim's, prefixed claim_.
CREATE FUNCTION aixin.export_claims(p_actor bigint, p_request_id bigint, p_year int,
                                    p_division text, p_insurer text, p_after_id bigint,
                                    p_limit int)
RETURNS TABLE (total bigint, policy_id bigint, policy_year int, township_code text,
               township_name text, county_code text, county_name text, household_id bigint,
               household_kind text, child_id bigint, child_id_number text, child_name text,
               child_sex text, child_birth_date text, guardian1_id_number text,
               guardian1_name text, guardian2_id_number text, guardian2_name text,
               insurer_code text, insurer_name text, premium_fen bigint, city_share_fen bigint,
               county_share_fen bigint, township_share_fen bigint, enrolled_on text,
               ids_masked boolean, claim_id bigint, claim_event text, claim_incident_date text,
               claim_received_on text, claim_state text, claim_amount_claimed_fen bigint,
               claim_approved_fen bigint, claim_decided_on text, claim_decision_reason text,
               claim_paid_fen bigint, claim_paid_on text, claim_payment_method text,
               claim_delivered_home boolean, claim_supplementary_fen bigint,
               claim_supplementary_count int, claim_supplementary_last_on text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  root aixin.divisions;
  root_code text;
  ins bigint;
  low text;
  high text;
  ids bigint[];
  policy_ids bigint[];
  n_total bigint;
  whole boolean := aixin.export_ids_whole(acct);
BEGIN
  SELECT (e.root).code, e.insurer_id INTO root_code, ins
    FROM aixin.export_scope(acct, p_year, p_division, p_insurer, p_after_id, p_limit) e;
  SELECT * INTO STRICT root FROM aixin.divisions d WHERE d.code = root_code;
  low := aixin.report_township_low(root);
  high := aixin.report_township_high(root);
  SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}'), coalesce(array_agg(x.policy_id), '{}')
    INTO ids, policy_ids
    FROM (SELECT c.id, c.policy_id
            FROM aixin.claims c
           WHERE c.policy_year = p_year
             AND c.id > p_after_id
             AND c.township_code BETWEEN low AND high
             AND (ins IS NULL OR c.insurer_id = ins)
           ORDER BY c.id
           LIMIT p_limit) x;
  IF p_after_id = 0 THEN
    SELECT count(*) INTO n_total
      FROM aixin.claims c
     WHERE c.policy_year = p_year
       AND c.township_code BETWEEN low AND high
       AND (ins IS NULL OR c.insurer_id = ins);
  END IF;
  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'export.claims', 'division:' || root.code,
                      jsonb_build_object('policy_year', p_year, 'insurer', nullif(p_insurer, ''),
                                         'after_id', p_after_id, 'records', cardinality(ids),
                                         'ids_masked', NOT whole));
  RETURN QUERY
    SELECT n_total, pr.id, pr.policy_year, pr.township_code, pr.township_name, pr.county_code,
           pr.county_name, pr.household_id, pr.household_kind, pr.child_id, pr.child_id_number,
           pr.child_name, pr.child_sex, pr.child_birth_date, pr.guardian1_id_number,
           pr.guardian1_name, pr.guardian2_id_number, pr.guardian2_name, pr.insurer_code,
           pr.insurer_name, pr.premium_fen, pr.city_share_fen, pr.county_share_fen,
           pr.township_share_fen, pr.enrolled_on, pr.ids_masked,
           c.id, c.event, aixin.ymd(c.incident_date), aixin.ymd(c.received_on), c.state,
           c.amount_claimed_fen, c.approved_fen, aixin.ymd(c.decided_on), c.decision_reason,
           c.paid_fen, aixin.ymd(c.paid_on), c.payment_method, c.delivered_home,
           coalesce(sp.amount, 0)::bigint, coalesce(sp.n, 0)::int, aixin.ymd(sp.last_on)
      FROM aixin.claims c
      JOIN aixin.export_policy_rows(policy_ids, whole) pr ON pr.id = c.policy_id
      LEFT JOIN LATERAL (SELECT sum(x.amount_fen) AS amount, count(*) AS n,
                                max(x.paid_on) AS last_on
                           FROM aixin.supplementary_payouts x
                          WHERE x.claim_id = c.id) sp ON true
     WHERE c.id = ANY (ids)
     ORDER BY c.id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT n_total, NULL::bigint, p_year, NULL, NULL, NULL, NULL, NULL::bigint,
                        NULL, NULL::bigint, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                        NULL, NULL, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
                        NULL, NOT whole, NULL::bigint, NULL, NULL, NULL, NULL, NULL::bigint,
                        NULL::bigint, NULL, NULL, NULL::bigint, NULL, NULL, NULL::boolean,
                        NULL::bigint, NULL::int, NULL;
  END IF;
END;
$$;

COMMENT ON FUNCTION aixin.export_claims(bigint, bigint, int, text, text, bigint, int) IS
  'One page (ids above p_after_id) of the claims on policies of a year in the actor''s scope, with payouts; an adjuster only its insurer''s; audited';
