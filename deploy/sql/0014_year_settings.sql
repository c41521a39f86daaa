-- Numbers a policy year sets beside its terms: thresholds, deadlines,
-- weights. Each feature that needs one registers a kind here (name, unit,
-- range, default) in its own migration and reads the value with
-- aixin.year_setting(year, name); a city admin sets it per year with
-- SetYearSetting (`aixin year set`). A year that never set a kind uses the
-- kind's default, so a feature works for years opened before it existed.
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

CREATE TABLE aixin.year_setting_kinds (
  name          text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{1,62}$'),
  -- How the client shows and reads the value: fen (money, shown in yuan),
  -- basis_points (a ratio in 1/10000, shown as a percentage), days, points
  -- or count.
  unit          text NOT NULL CHECK (unit IN ('fen', 'basis_points', 'days', 'points', 'count')),
  minimum       bigint NOT NULL,
  maximum       bigint NOT NULL,
  default_value bigint NOT NULL,
  description   text NOT NULL CHECK (description <> ''),
  CHECK (minimum <= default_value AND default_value <= maximum)
);

COMMENT ON TABLE aixin.year_setting_kinds IS
  'What a policy year may set beside its terms: one row per setting, with its unit, range and default';

CREATE TABLE aixin.year_settings (
  policy_year int NOT NULL REFERENCES aixin.policy_years (year),
  name        text NOT NULL REFERENCES aixin.year_setting_kinds (name),
  value       bigint NOT NULL,
  set_by      bigint NOT NULL REFERENCES aixin.accounts (id),
  set_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (policy_year, name)
);

COMMENT ON TABLE aixin.year_settings IS
  'A policy year''s value of a setting; a missing row means the kind''s default';

-- A value outside its kind's range is refused by the table too, whoever
-- writes it.
CREATE FUNCTION aixin.year_settings_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k aixin.year_setting_kinds;
BEGIN
  SELECT * INTO k FROM aixin.year_setting_kinds WHERE name = NEW.name;
  IF NEW.value < k.minimum OR NEW.value > k.maximum THEN
    RAISE EXCEPTION 'setting % must be between % and %', NEW.name, k.minimum, k.maximum
      USING ERRCODE = 'AXB01', COLUMN = 'value';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER year_settings_rules BEFORE INSERT OR UPDATE ON aixin.year_settings
  FOR EACH ROW EXECUTE FUNCTION aixin.year_settings_rules();

-- The value a year uses: its own, else the default. An unknown name is a
-- programming error in the caller, not a user's mistake.
CREATE FUNCTION aixin.year_setting(p_year int, p_name text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v bigint;
BEGIN
  SELECT coalesce(s.value, k.default_value) INTO v
    FROM aixin.year_setting_kinds k
    LEFT JOIN aixin.year_settings s ON s.name = k.name AND s.policy_year = p_year
   WHERE k.name = p_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown year setting %', p_name USING ERRCODE = 'XX000';
  END IF;
  RETURN v;
END;
$$;

COMMENT ON FUNCTION aixin.year_setting(int, text) IS
  'The value of a year setting for a policy year: the year''s own or the kind''s default';

CREATE TYPE aixin.year_setting_row AS (
  policy_year   int,
  name          text,
  value         bigint,
  default_value bigint,
  minimum       bigint,
  maximum       bigint,
  unit          text,
  description   text,
  is_set        boolean,
  set_by        text,
  set_at        text
);

CREATE FUNCTION aixin.year_setting_render(p_year int, p_name text)
RETURNS SETOF aixin.year_setting_row
LANGUAGE sql STABLE AS $$
  SELECT p_year, k.name, coalesce(s.value, k.default_value), k.default_value,
         k.minimum, k.maximum, k.unit, k.description, s.name IS NOT NULL,
         coalesce(a.username, ''),
         coalesce(to_char(s.set_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'), '')
    FROM aixin.year_setting_kinds k
    LEFT JOIN aixin.year_settings s ON s.name = k.name AND s.policy_year = p_year
    LEFT JOIN aixin.accounts a ON a.id = s.set_by
   WHERE p_name IS NULL OR k.name = p_name
   ORDER BY k.name
$$;

CREATE FUNCTION aixin.year_setting_year(p_year int) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM 1 FROM aixin.policy_years y WHERE y.year = p_year;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'policy year % not found', p_year
      USING ERRCODE = 'AXN01', COLUMN = 'year';
  END IF;
END;
$$;

-- City admin: set one setting of one year. Setting a value equal to the
-- default still records it (the year then keeps it if the default changes).
CREATE FUNCTION aixin.set_year_setting(p_actor bigint, p_request_id bigint, p_key bytea,
                                       p_year int, p_name text, p_value bigint)
RETURNS SETOF aixin.year_setting_row
LANGUAGE plpgsql AS $$
DECLARE
  acct aixin.accounts := aixin.actor_get(p_actor);
  prior jsonb;
  k aixin.year_setting_kinds;
  old_value bigint;
BEGIN
  PERFORM aixin.require_role(acct, ARRAY['city_admin']);
  prior := aixin.idem_claim(p_key, p_actor, p_request_id, 'year_setting.set',
                            jsonb_build_array(p_year, p_name, p_value));
  IF prior IS NOT NULL THEN
    RETURN QUERY SELECT * FROM aixin.year_setting_render((prior ->> 'year')::int, prior ->> 'name');
    RETURN;
  END IF;

  PERFORM aixin.year_setting_year(p_year);
  SELECT * INTO k FROM aixin.year_setting_kinds WHERE name = p_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown year setting %', p_name USING ERRCODE = 'AXN01', COLUMN = 'name';
  END IF;
  IF p_value < k.minimum OR p_value > k.maximum THEN
    RAISE EXCEPTION 'setting % must be between % and %', p_name, k.minimum, k.maximum
      USING ERRCODE = 'AXB01', COLUMN = 'value';
  END IF;

  SELECT s.value INTO old_value FROM aixin.year_settings s
   WHERE s.policy_year = p_year AND s.name = p_name FOR UPDATE;
  INSERT INTO aixin.year_settings (policy_year, name, value, set_by)
  VALUES (p_year, p_name, p_value, p_actor)
  ON CONFLICT (policy_year, name)
  DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, set_at = now();

  PERFORM aixin.audit(p_actor, p_request_id, p_key, 'year_setting.set',
                      'policy_year:' || p_year || ':' || p_name,
                      jsonb_build_object('value', p_value, 'before', old_value));
  PERFORM aixin.idem_store(p_key, jsonb_build_object('year', p_year, 'name', p_name));
  RETURN QUERY SELECT * FROM aixin.year_setting_render(p_year, p_name);
END;
$$;

COMMENT ON FUNCTION aixin.set_year_setting(bigint, bigint, bytea, int, text, bigint) IS
  'City admin only: set one setting of a policy year (within its kind''s range); audited';

CREATE FUNCTION aixin.list_year_settings(p_actor bigint, p_year int)
RETURNS SETOF aixin.year_setting_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM aixin.actor_get(p_actor);
  PERFORM aixin.year_setting_year(p_year);
  RETURN QUERY SELECT * FROM aixin.year_setting_render(p_year, NULL);
END;
$$;

COMMENT ON FUNCTION aixin.list_year_settings(bigint, int) IS
  'Every setting kind with the value a policy year uses, whether the year set it, by whom and when';
