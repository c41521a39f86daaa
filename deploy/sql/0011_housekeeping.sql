-- Housekeeping and operator gauges, called by aixind on a timer
-- (server/housekeeping.c, server/domain_gauges.c).
--
-- aixin.housekeeping_purge deletes at most p_batch expired sessions and at
-- most p_batch idempotency keys older than p_key_retention_days (never
-- fewer than 400: a township's client may replay a key after months
-- offline, and a key forgotten too early would let a replay count twice).
-- Small batches in short transactions, rows other transactions hold are
-- skipped (SKIP LOCKED): requests never wait behind a purge.  The daemon
-- calls it again while a batch comes back full.

CREATE FUNCTION aixin.housekeeping_purge(p_batch int, p_key_retention_days int,
                                         OUT sessions int, OUT idempotency_keys int)
LANGUAGE plpgsql AS $$
BEGIN
  IF p_batch IS NULL OR p_batch < 1 OR p_batch > 100000 THEN
    RAISE EXCEPTION 'batch must be between 1 and 100000'
      USING ERRCODE = 'AXB01', COLUMN = 'batch';
  END IF;
  IF p_key_retention_days IS NULL OR p_key_retention_days < 400 THEN
    RAISE EXCEPTION 'idempotency keys are kept at least 400 days'
      USING ERRCODE = 'AXB01', COLUMN = 'key_retention_days';
  END IF;

  DELETE FROM aixin.sessions s
   WHERE s.token_hash IN (SELECT x.token_hash FROM aixin.sessions x
                           WHERE x.expires_at < now()
                           ORDER BY x.expires_at
                           LIMIT p_batch
                             FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS sessions = ROW_COUNT;

  -- A key whose first attempt is still running has no result yet: kept.
  DELETE FROM aixin.idempotency_keys k
   WHERE k.key IN (SELECT x.key FROM aixin.idempotency_keys x
                    WHERE x.created_at < now() - make_interval(days => p_key_retention_days)
                      AND x.result IS NOT NULL
                    ORDER BY x.created_at
                    LIMIT p_batch
                      FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS idempotency_keys = ROW_COUNT;
END;
$$;

COMMENT ON FUNCTION aixin.housekeeping_purge(int, int) IS
  'Delete up to p_batch expired sessions and up to p_batch idempotency keys older than '
  'p_key_retention_days (>= 400); returns how many of each';

COMMENT ON TABLE aixin.idempotency_keys IS
  'Client-made request keys, stored with the change they made. Kept at least 400 days '
  '(longer than any offline spool): aixin.housekeeping_purge deletes older ones by created_at.';

-- Cheap figures for the operator's dashboard (/metrics), refreshed once a
-- minute: policies of the current policy year (Asia/Shanghai calendar),
-- from the report totals the triggers keep, and claims waiting past their
-- service deadline today.
CREATE FUNCTION aixin.metrics_gauges(OUT policies_this_year bigint,
                                     OUT claims_overdue bigint)
LANGUAGE sql STABLE AS $$
  SELECT (SELECT coalesce(sum(t.policies), 0)::bigint
            FROM aixin.report_policy_totals t
           WHERE t.policy_year = extract(year FROM aixin.local_today())::int),
         (SELECT count(*)
            FROM aixin.claims c
           CROSS JOIN LATERAL aixin.claim_due(c.amount_claimed_fen, c.documents_complete_on,
                                              c.doubt, c.escalated_on, c.state, c.decided_on,
                                              c.paid_on, aixin.local_today()) d
           WHERE c.state IN ('filed', 'under_review', 'escalated', 'approved')
             AND d.overdue);
$$;

COMMENT ON FUNCTION aixin.metrics_gauges() IS
  'Policies of the current policy year and claims overdue today, for /metrics';
