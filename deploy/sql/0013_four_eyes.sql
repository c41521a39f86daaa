-- Limits on supplementary payouts (追加赔付), per policy year: a cap on
-- what one claim may receive on top of its payment, and a budget for the
-- year's supplementary payouts together. NULL (0 in the protocol): no
-- limit, as before. Set with the year's terms (OpenPolicyYear,
-- UpdatePolicyYear); unlike the other terms they may change after the
-- year's first enrollment. A payout beyond either is RULE_VIOLATION.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

ALTER TABLE aixin.policy_years
  ADD COLUMN supplementary_cap_per_claim_fen bigint
    CHECK (supplementary_cap_per_claim_fen > 0),
  ADD COLUMN supplementary_budget_fen bigint
    CHECK (supplementary_budget_fen > 0);

COMMENT ON COLUMN aixin.policy_years.supplementary_cap_per_claim_fen IS
  'Most supplementary payouts one claim may receive in total, in fen; NULL: no cap';
COMMENT ON COLUMN aixin.policy_years.supplementary_budget_fen IS
  'Most supplementary payouts of the year''s claims together, in fen; NULL: no budget';

-- 0 means "no limit"; a limit is a positive amount.
CREATE FUNCTION aixin.check_supplementary_limits(p_cap_fen bigint, p_budget_fen bigint)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_cap_fen IS NULL OR p_cap_fen < 0 THEN
    RAISE EXCEPTION 'the cap on supplementary payouts per claim must be 0 (none) or a positive amount'
      USING ERRCODE = 'AXB01', COLUMN = 'supplementary_cap_per_claim_fen';
  END IF;
  IF p_budget_fen IS NULL OR p_budget_fen < 0 THEN
    RAISE EXCEPTION 'the budget for supplementary payouts must be 0 (none) or a positive amount'
      USING ERRCODE = 'AXB01', COLUMN = 'supplementary_budget_fen';
  END IF;
END;
$$;

ALTER TYPE aixin.policy_year_row
  ADD ATTRIBUTE supplementary_cap_per_claim_fen bigint,
  ADD ATTRIBUTE supplementary_budget_fen bigint,
  ADD ATTRIBUTE supplementary_paid_fen bigint;

-- As in 0003, with the limits (0: none) and what the year's supplementary
-- payouts total so far.
CREATE OR REPLACE FUNCTION aixin.policy_year_render(p_year int) RETURNS SETOF aixin.policy_year_row
LANGUAGE sql STABLE AS $$
  SELECT y.year, aixin.ymd(y.reference_date), y.premium_fen, y.city_subsidy_fen,
         y.county_share_min_fen, y.county_share_max_fen,
         coalesce((SELECT string_agg(b.event || ':' || b.max_payout_fen, ','
                                     ORDER BY array_position(aixin.benefit_events(), b.event))
                     FROM aixin.policy_year_benefits b
                    WHERE b.policy_year = y.year), ''),
         n.policies, n.policies > 0,
         coalesce(y.supplementary_cap_per_claim_fen, 0), coalesce(y.supplementary_budget_fen, 0),
         coalesce((SELECT sum(s.amount_fen)
                     FROM aixin.supplementary_payouts s
                     JOIN aixin.claims c ON c.id = s.claim_id
                     JOIN aixin.policies p ON p.id = c.policy_id
                    WHERE p.policy_year = y.year), 0)::bigint
    FROM aixin.policy_years y
   CROSS JOIN LATERAL (SELECT count(*) AS policies
                         FROM aixin.policies p
                        WHERE p.policy_year = y.year) n
   WHERE p_year IS NULL OR y.year = p_year
   ORDER BY y.year DESC
$$;

DROP FUNCTION aixin.open_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                     bigint, jsonb);
DROP FUNCTION aixin.update_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                       bigint, jsonb);

CREATE FUNCTION aixin.open_policy_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_year int, p_reference_date date, p_premium_fen bigint,
                                       p_city_subsidy_fen bigint, p_county_share_min_fen bigint,
                                       p_county_share_max_fen bigint, p_benefits jsonb,
                                       p_supplementary_cap_per_claim_fen bigint DEFAULT 0,
                                       p_supplementary_budget_fen bigint DEFAULT 0)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  caps jsonb;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.open',
             jsonb_build_array(p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
                               p_county_share_min_fen, p_county_share_max_fen, p_benefits,
                               p_supplementary_cap_per_claim_fen, p_supplementary_budget_fen));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_year_render((prior ->> 'year')::int);
    RETURN;
  END IF;

  PERFORM aixin.check_policy_year_terms(p_year, p_reference_date, p_premium_fen,
                                        p_city_subsidy_fen, p_county_share_min_fen,
                                        p_county_share_max_fen);
  caps := aixin.benefits_normalise(p_benefits);
  PERFORM aixin.check_supplementary_limits(p_supplementary_cap_per_claim_fen,
                                           p_supplementary_budget_fen);

  BEGIN
    INSERT INTO aixin.policy_years (year, reference_date, premium_fen, city_subsidy_fen,
                                    county_share_min_fen, county_share_max_fen, created_by,
                                    supplementary_cap_per_claim_fen, supplementary_budget_fen)
    VALUES (p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
            p_county_share_min_fen, p_county_share_max_fen, p_actor,
            nullif(p_supplementary_cap_per_claim_fen, 0), nullif(p_supplementary_budget_fen, 0));
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'policy year % already exists', p_year USING ERRCODE = 'AXE01', COLUMN = 'year';
  END;
  INSERT INTO aixin.policy_year_benefits (policy_year, event, max_payout_fen)
  SELECT p_year, c.event, c.max_payout_fen
    FROM jsonb_to_recordset(caps) AS c (event text, max_payout_fen bigint);

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.open', 'policy_year:' || p_year,
                      jsonb_build_object('reference_date', aixin.ymd(p_reference_date),
                                         'premium_fen', p_premium_fen,
                                         'city_subsidy_fen', p_city_subsidy_fen,
                                         'county_share_min_fen', p_county_share_min_fen,
                                         'county_share_max_fen', p_county_share_max_fen,
                                         'benefits', caps,
                                         'supplementary_cap_per_claim_fen',
                                         nullif(p_supplementary_cap_per_claim_fen, 0),
                                         'supplementary_budget_fen',
                                         nullif(p_supplementary_budget_fen, 0)));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.open_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                           bigint, jsonb, bigint, bigint) IS
  'City admin only: open a policy year (reference date, premium, city subsidy, county share range, benefit caps, limits on supplementary payouts)';

CREATE FUNCTION aixin.update_policy_year(p_actor bigint, p_request_id bigint, p_key bytea,
                                         p_year int, p_reference_date date, p_premium_fen bigint,
                                         p_city_subsidy_fen bigint, p_county_share_min_fen bigint,
                                         p_county_share_max_fen bigint, p_benefits jsonb,
                                         p_supplementary_cap_per_claim_fen bigint DEFAULT 0,
                                         p_supplementary_budget_fen bigint DEFAULT 0)
RETURNS SETOF aixin.policy_year_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  caps jsonb;
  old_yr aixin.policy_years;
  old_caps jsonb;
  n bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'policy_year.update',
             jsonb_build_array(p_year, p_reference_date, p_premium_fen, p_city_subsidy_fen,
                               p_county_share_min_fen, p_county_share_max_fen, p_benefits,
                               p_supplementary_cap_per_claim_fen, p_supplementary_budget_fen));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.policy_year_render((prior ->> 'year')::int);
    RETURN;
  END IF;

  PERFORM aixin.check_policy_year_terms(p_year, p_reference_date, p_premium_fen,
                                        p_city_subsidy_fen, p_county_share_min_fen,
                                        p_county_share_max_fen);
  caps := aixin.benefits_normalise(p_benefits);
  PERFORM aixin.check_supplementary_limits(p_supplementary_cap_per_claim_fen,
                                           p_supplementary_budget_fen);

  -- The lock waits for enrollments in flight (they hold share locks on the
  -- year); the count below then sees them.
  SELECT * INTO old_yr FROM aixin.policy_years y WHERE y.year = p_year FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
  SELECT coalesce(jsonb_agg(jsonb_build_object('event', b.event, 'max_payout_fen', b.max_payout_fen)
                            ORDER BY array_position(aixin.benefit_events(), b.event)), '[]'::jsonb)
    INTO old_caps
    FROM aixin.policy_year_benefits b
   WHERE b.policy_year = p_year;
  -- Once enrolled in, only the limits on supplementary payouts may change:
  -- they bind payouts still to come, not the premium split of a policy.
  SELECT count(*) INTO n FROM aixin.policies p WHERE p.policy_year = p_year;
  IF n > 0 AND (old_yr.reference_date <> p_reference_date OR old_yr.premium_fen <> p_premium_fen
                OR old_yr.city_subsidy_fen <> p_city_subsidy_fen
                OR old_yr.county_share_min_fen <> p_county_share_min_fen
                OR old_yr.county_share_max_fen <> p_county_share_max_fen
                OR old_caps <> caps) THEN
    RAISE EXCEPTION 'policy year % is frozen: % policies already enrolled', p_year, n
      USING ERRCODE = 'AXR01', COLUMN = 'year';
  END IF;

  -- policy_years_guard checks the county terms already set for the year.
  UPDATE aixin.policy_years y
     SET reference_date = p_reference_date, premium_fen = p_premium_fen,
         city_subsidy_fen = p_city_subsidy_fen, county_share_min_fen = p_county_share_min_fen,
         county_share_max_fen = p_county_share_max_fen,
         supplementary_cap_per_claim_fen = nullif(p_supplementary_cap_per_claim_fen, 0),
         supplementary_budget_fen = nullif(p_supplementary_budget_fen, 0)
   WHERE y.year = p_year;
  IF n = 0 THEN -- frozen, they are the same (checked above) and guarded
    DELETE FROM aixin.policy_year_benefits b WHERE b.policy_year = p_year;
    INSERT INTO aixin.policy_year_benefits (policy_year, event, max_payout_fen)
    SELECT p_year, c.event, c.max_payout_fen
      FROM jsonb_to_recordset(caps) AS c (event text, max_payout_fen bigint);
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'policy_year.update', 'policy_year:' || p_year,
                      jsonb_build_object(
                        'before', jsonb_build_object(
                                    'reference_date', aixin.ymd(old_yr.reference_date),
                                    'premium_fen', old_yr.premium_fen,
                                    'city_subsidy_fen', old_yr.city_subsidy_fen,
                                    'county_share_min_fen', old_yr.county_share_min_fen,
                                    'county_share_max_fen', old_yr.county_share_max_fen,
                                    'benefits', old_caps,
                                    'supplementary_cap_per_claim_fen',
                                    old_yr.supplementary_cap_per_claim_fen,
                                    'supplementary_budget_fen', old_yr.supplementary_budget_fen),
                        'after', jsonb_build_object(
                                   'reference_date', aixin.ymd(p_reference_date),
                                   'premium_fen', p_premium_fen,
                                   'city_subsidy_fen', p_city_subsidy_fen,
                                   'county_share_min_fen', p_county_share_min_fen,
                                   'county_share_max_fen', p_county_share_max_fen,
                                   'benefits', caps,
                                   'supplementary_cap_per_claim_fen',
                                   nullif(p_supplementary_cap_per_claim_fen, 0),
                                   'supplementary_budget_fen',
                                   nullif(p_supplementary_budget_fen, 0))));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year));
  RETURN QUERY SELECT * FROM aixin.policy_year_render(p_year);
END;
$$;

COMMENT ON FUNCTION aixin.update_policy_year(bigint, bigint, bytea, int, date, bigint, bigint, bigint,
                                             bigint, jsonb, bigint, bigint) IS
  'City admin only: replace a year''s terms, benefit caps and limits on supplementary payouts; once the year has a policy, only the limits may change';

-- As in 0006, within the year's limits.
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
  yr aixin.policy_years;
  claim_total bigint;
  year_total bigint;
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
  'City admin only: a supplementary payout (追加赔付) on a paid claim, within the year''s cap per claim and budget; each reference once per claim';
