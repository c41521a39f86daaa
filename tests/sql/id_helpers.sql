-- The ID number helpers of 0010 (SQL expressions) answer exactly as the
-- PL/pgSQL ones of 0001 they replaced, on every shape of input: real and
-- impossible dates (month 00-19, day 00-39, years around 1900-2100, 29 February),
-- right and wrong check characters, lower-case x, other lengths, letters,
-- NULL.  Run by tests/integration/it_sql_rules.sh; changes nothing.

\set QUIET on
SET client_min_messages = warning;
BEGIN;

CREATE FUNCTION pg_temp.old_birth_date(p_id text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  y int;
  m int;
  d int;
  first_of_month date;
BEGIN
  IF p_id !~ '^[0-9]{17}[0-9X]$' THEN
    RETURN NULL;
  END IF;
  y := substr(p_id, 7, 4)::int;
  m := substr(p_id, 11, 2)::int;
  d := substr(p_id, 13, 2)::int;
  IF y < 1900 OR y > 2100 OR m < 1 OR m > 12 OR d < 1 THEN
    RETURN NULL;
  END IF;
  first_of_month := make_date(y, m, 1);
  IF d > extract(day FROM first_of_month + interval '1 month - 1 day')::int THEN
    RETURN NULL;
  END IF;
  RETURN make_date(y, m, d);
END;
$$;

CREATE FUNCTION pg_temp.old_check_char(p_digits17 text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  weights constant int[] := '{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}';
  total int := 0;
BEGIN
  IF p_digits17 !~ '^[0-9]{17}$' THEN
    RETURN NULL;
  END IF;
  FOR i IN 1..17 LOOP
    total := total + (ascii(substr(p_digits17, i, 1)) - 48) * weights[i];
  END LOOP;
  RETURN substr('10X98765432', total % 11 + 1, 1);
END;
$$;

CREATE FUNCTION pg_temp.old_valid(p_id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT p_id ~ '^[0-9]{17}[0-9X]$'
     AND pg_temp.old_check_char(left(p_id, 17)) = substr(p_id, 18, 1)
     AND pg_temp.old_birth_date(p_id) IS NOT NULL
$$;

CREATE TEMP TABLE ids AS
SELECT '360821' || lpad(y::text, 4, '0') || lpad(m::text, 2, '0') || lpad(d::text, 2, '0')
       || lpad(q::text, 3, '0') AS d17
  FROM unnest(ARRAY[1890, 1899, 1900, 1999, 2000, 2023, 2024, 2100, 2101]) y,
       generate_series(0, 19) m, generate_series(0, 39) d, (VALUES (17)) q(q)
UNION ALL SELECT '36082120000229' || lpad(q::text, 3, '0') FROM generate_series(0, 99) q
UNION ALL SELECT '36082119000229' || lpad(q::text, 3, '0') FROM generate_series(0, 99) q;

CREATE TEMP TABLE cases AS
SELECT d17 || c AS id FROM ids, unnest(ARRAY['0', '1', '5', '9', 'X', 'x']) c
UNION ALL SELECT d17 FROM ids
UNION ALL SELECT d17 || '0' || '1' FROM ids WHERE d17 LIKE '%001'
UNION ALL SELECT v FROM unnest(ARRAY['', 'abc', '36082119900303171A', '3608211990030317', NULL,
                                     ' 360821199003031719', '３６０８２１１９９００３０３１７１９']) v;

DO $$
DECLARE
  bad record;
BEGIN
  SELECT * INTO bad FROM pg_temp.cases c
   WHERE aixin.id_birth_date(c.id) IS DISTINCT FROM pg_temp.old_birth_date(c.id)
      OR aixin.id_number_valid(c.id) IS DISTINCT FROM pg_temp.old_valid(c.id)
      OR aixin.id_check_char(left(c.id, 17)) IS DISTINCT FROM pg_temp.old_check_char(left(c.id, 17))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'FAIL the ID helpers differ on [%]', bad.id;
  END IF;
  IF (SELECT count(*) FROM pg_temp.cases WHERE aixin.id_number_valid(id)) < 1000 THEN
    RAISE EXCEPTION 'FAIL too few valid ID numbers among the cases';
  END IF;
END $$;

ROLLBACK;
\echo id_helpers.sql: the SQL ID helpers agree with the PL/pgSQL ones on every case
