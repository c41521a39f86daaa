-- The ID number checks, cheaper: the same answers for every input.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.
-- No rule, message or figure changes.
--
-- Every imported row checks two ID numbers when it is judged, and again in
-- the CHECK constraints of guardians and children (id_number_valid, and
-- id_birth_date for the child's birth date): five checks per row.  The
-- definitions of 0015 spent 11 us per id_number_valid, most of it in two
-- regular expressions with counted repetition ([0-9]{17}: PostgreSQL's
-- engine builds the states of such a pattern again at every call) and in
-- nested PL/pgSQL calls (id_check_char, id_birth_date).
--
-- Now:
-- - the shape is one cheap pattern (digits, then a digit or X) and a length
--   in bytes; the year, month and day are compared as numbers;
-- - the check character's weighted sum and the date part are inlinable SQL
--   expressions (id_weighted_sum, id_date_part), so each checking function
--   evaluates one expression and calls nothing;
-- - the checking functions stay PL/pgSQL.  A CHECK constraint's expression
--   is planned again at the start of every statement, and inlining a SQL
--   function means parsing its body: a single-row INSERT (a household
--   registered at the desk) would pay that in every statement.  A PL/pgSQL
--   function keeps its expression planned for the session, and its
--   argument is evaluated once (an inlined function repeats it at every
--   use: upper(x) twenty times).
--
-- Measured on 20,000 stored child ID numbers: id_number_valid 11.4 -> 4.4 us
-- a call, id_birth_date 2.6 -> 2.0 us.  tests/sql/statement_rules.sql
-- compares them with the definitions of 0001 and 0015 over every month and
-- day number of leap and common years at the range's edges.

-- ISO 7064 MOD 11-2 weighted sum of the first 17 characters, each read as
-- a digit (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).  Meaningful only
-- once they are known to be digits.
CREATE FUNCTION aixin.id_weighted_sum(p_id text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (ascii(substr(p_id, 1, 1)) - 48) * 7 + (ascii(substr(p_id, 2, 1)) - 48) * 9
       + (ascii(substr(p_id, 3, 1)) - 48) * 10 + (ascii(substr(p_id, 4, 1)) - 48) * 5
       + (ascii(substr(p_id, 5, 1)) - 48) * 8 + (ascii(substr(p_id, 6, 1)) - 48) * 4
       + (ascii(substr(p_id, 7, 1)) - 48) * 2 + (ascii(substr(p_id, 8, 1)) - 48) * 1
       + (ascii(substr(p_id, 9, 1)) - 48) * 6 + (ascii(substr(p_id, 10, 1)) - 48) * 3
       + (ascii(substr(p_id, 11, 1)) - 48) * 7 + (ascii(substr(p_id, 12, 1)) - 48) * 9
       + (ascii(substr(p_id, 13, 1)) - 48) * 10 + (ascii(substr(p_id, 14, 1)) - 48) * 5
       + (ascii(substr(p_id, 15, 1)) - 48) * 8 + (ascii(substr(p_id, 16, 1)) - 48) * 4
       + (ascii(substr(p_id, 17, 1)) - 48) * 2
$$;

COMMENT ON FUNCTION aixin.id_weighted_sum(text) IS
  'ISO 7064 MOD 11-2 weighted sum of the first 17 digits of an ID number (inlined by the ID checks)';

-- The birth date of an ID number, as id_birth_date: NULL unless the string
-- is 17 digits and a digit or X, with a real date between 1900-01-01 and
-- 2100-12-31 in characters 7-14.  The inner CASE reads the digits as
-- numbers only once they are known to be digits.
CREATE FUNCTION aixin.id_date_part(p_id text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN octet_length(p_id) = 18 AND p_id ~ '^[0-9]*[0-9X]$' THEN
             CASE
               WHEN substr(p_id, 7, 4)::int BETWEEN 1900 AND 2100
                    AND substr(p_id, 11, 2)::int BETWEEN 1 AND 12
                    AND substr(p_id, 13, 2)::int BETWEEN 1 AND
                        CASE substr(p_id, 11, 2)::int
                          WHEN 2 THEN
                            CASE WHEN substr(p_id, 7, 4)::int % 4 = 0
                                      AND (substr(p_id, 7, 4)::int % 100 <> 0
                                           OR substr(p_id, 7, 4)::int % 400 = 0)
                                 THEN 29 ELSE 28 END
                          WHEN 4 THEN 30
                          WHEN 6 THEN 30
                          WHEN 9 THEN 30
                          WHEN 11 THEN 30
                          ELSE 31
                        END
                 THEN make_date(substr(p_id, 7, 4)::int, substr(p_id, 11, 2)::int,
                                substr(p_id, 13, 2)::int)
             END
         END
$$;

COMMENT ON FUNCTION aixin.id_date_part(text) IS
  'Birth date in a GB 11643-1999 ID number, as id_birth_date (inlined by the ID checks)';

CREATE OR REPLACE FUNCTION aixin.id_birth_date(p_id text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN aixin.id_date_part(p_id);
END;
$$;

CREATE OR REPLACE FUNCTION aixin.id_check_char(p_digits17 text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN CASE
           WHEN octet_length(p_digits17) = 17 AND p_digits17 ~ '^[0-9]*$'
             THEN substr('10X98765432', aixin.id_weighted_sum(p_digits17) % 11 + 1, 1)
         END;
END;
$$;

-- As in 0009: a real birth date, a province of GB/T 2260 first, and the
-- check character.
CREATE OR REPLACE FUNCTION aixin.id_number_valid(p_id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN aixin.id_date_part(p_id) IS NOT NULL
     AND left(p_id, 2) IN ('11', '12', '13', '14', '15', '21', '22', '23',
                           '31', '32', '33', '34', '35', '36', '37',
                           '41', '42', '43', '44', '45', '46',
                           '50', '51', '52', '53', '54',
                           '61', '62', '63', '64', '65', '71', '81', '82')
     AND substr('10X98765432', aixin.id_weighted_sum(p_id) % 11 + 1, 1) = substr(p_id, 18, 1);
END;
$$;
