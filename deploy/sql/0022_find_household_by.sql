-- Find a household by any of the three numbers a clerk has at hand: a
-- guardian's ID number, the household's certificate number (独生子女证号)
-- or a child's ID number (from a child to its household). Exactly one is
-- given. The scope rule and the audit of refused reads are those of the
-- guardian lookup: a refusal returns one 'not_found' row instead of
-- raising, so that its audit row is kept, and says nothing of whether the
-- household exists outside the reader's scope.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

CREATE FUNCTION aixin.find_household(p_actor bigint, p_request_id bigint,
                                     p_guardian_id text, p_certificate_no text,
                                     p_child_id text)
RETURNS SETOF aixin.household_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  gid text := upper(nullif(p_guardian_id, ''));
  cert text := nullif(p_certificate_no, '');
  cid text := upper(nullif(p_child_id, ''));
  given int := (gid IS NOT NULL)::int + (cert IS NOT NULL)::int + (cid IS NOT NULL)::int;
  target text;
  hid bigint;
  twp text;
BEGIN
  IF given <> 1 THEN
    RAISE EXCEPTION 'give exactly one of a guardian''s ID number, a certificate number or a child''s ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'guardian_id_number';
  END IF;
  IF gid IS NOT NULL AND NOT aixin.id_number_valid(gid) THEN
    RAISE EXCEPTION 'invalid ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'guardian_id_number';
  END IF;
  IF cid IS NOT NULL AND NOT aixin.id_number_valid(cid) THEN
    RAISE EXCEPTION 'invalid ID number'
      USING ERRCODE = 'AXB01', COLUMN = 'child_id_number';
  END IF;
  IF cert IS NOT NULL AND cert !~ '^[!-~]{1,32}$' THEN
    RAISE EXCEPTION 'invalid certificate number'
      USING ERRCODE = 'AXB01', COLUMN = 'certificate_no';
  END IF;
  -- What the audit names: never a full ID number.
  target := CASE WHEN gid IS NOT NULL THEN 'guardian:' || aixin.mask_id(gid)
                 WHEN cid IS NOT NULL THEN 'child:' || aixin.mask_id(cid)
                 ELSE 'certificate:' || cert END;

  IF NOT (acct.role = ANY (aixin.reader_roles())) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.denied', target,
                        jsonb_build_object('reason', 'role', 'role', acct.role));
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;

  IF gid IS NOT NULL THEN
    SELECT h.id, h.township_code INTO hid, twp
      FROM aixin.guardians g
      JOIN aixin.households h ON h.id = g.household_id
     WHERE g.id_number = gid;
  ELSIF cid IS NOT NULL THEN
    SELECT h.id, h.township_code INTO hid, twp
      FROM aixin.children c
      JOIN aixin.households h ON h.id = c.household_id
     WHERE c.id_number = cid;
  ELSE
    SELECT h.id, h.township_code INTO hid, twp
      FROM aixin.households h
     WHERE h.certificate_no = cert;
  END IF;
  IF hid IS NULL THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.missing', target, NULL);
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;
  IF NOT aixin.in_scope(acct.division_code, twp) THEN
    PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read.denied',
                        'household:' || hid,
                        jsonb_build_object('reason', 'scope', 'by', target));
    RETURN NEXT aixin.household_not_found();
    RETURN;
  END IF;

  PERFORM aixin.audit(p_actor, p_request_id, NULL, 'household.read', 'household:' || hid,
                      jsonb_build_object('by', target));
  RETURN QUERY SELECT * FROM aixin.household_render(hid, true);
END;
$$;

COMMENT ON FUNCTION aixin.find_household(bigint, bigint, text, text, text) IS
  'A household by a guardian''s ID number, its certificate number or a child''s ID number (exactly one), in the reader''s scope; audited, refusals included';

-- The guardian lookup of 0002 is the same search with one number.
CREATE OR REPLACE FUNCTION aixin.find_household(p_actor bigint, p_request_id bigint, p_guardian_id text)
RETURNS SETOF aixin.household_row
LANGUAGE sql AS $$
  SELECT * FROM aixin.find_household(p_actor, p_request_id, coalesce(p_guardian_id, ''), NULL, NULL);
$$;
