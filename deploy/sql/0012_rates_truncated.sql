-- Rates are truncated to 4 decimals, never rounded up: a division at
-- 1808 insured of 2009 eligible households (0.899950...) has not reached the
-- 90% target, and its rate must not read 0.9000 (90.00%) while its
-- assessment says the target was missed. Every report takes its rates from
-- aixin.report_rate, so this one function changes; the client truncates
-- the same way when it shows them.
--
-- Applied by `aixind --migrate` inside one transaction; no BEGIN/COMMIT here.

CREATE OR REPLACE FUNCTION aixin.report_rate(p_num numeric, p_den numeric) RETURNS numeric(10,4)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_den = 0 THEN NULL ELSE trunc(p_num / p_den, 4) END::numeric(10,4)
$$;

COMMENT ON FUNCTION aixin.report_rate(numeric, numeric) IS
  'p_num / p_den truncated to 4 decimals (never rounded up); NULL when p_den is 0';
