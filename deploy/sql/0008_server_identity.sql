-- The identity of this database, stated by aixind in every HelloOk, so that
-- a client can tell whether the database it talks to now is the one that
-- acknowledged its earlier work (an import's progress file, the spool's
-- delivery journal). Three parts:
--
--   system_identifier  PostgreSQL's own (pg_control_system()): a new
--                      cluster (initdb, a logical dump loaded elsewhere)
--                      has another one;
--   database_id        a random uuid made when this migration ran: a
--                      database dropped and created again, or another
--                      city's, has another one;
--   restore_id         a random uuid, replaced by aixin.mark_restored()
--                      after a backup is restored (a physical restore keeps
--                      the other two parts but may have lost acknowledged
--                      work).
--
-- The restore id is random, not a counter: two restores of the same backup
-- must not come back with the same identity.

CREATE TABLE aixin.server_identity (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  database_id uuid NOT NULL DEFAULT gen_random_uuid(),
  restore_id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  restored_at timestamptz
);

INSERT INTO aixin.server_identity DEFAULT VALUES;

COMMENT ON TABLE aixin.server_identity IS
  'One row: the database id (made at migration) and the restore id (replaced by aixin.mark_restored() after a restore) that aixind states in HelloOk';

-- What aixind puts in HelloOk.identity. SECURITY DEFINER: reading the
-- control file is not granted to every role.
CREATE FUNCTION aixin.server_identity()
RETURNS TABLE (system_identifier text, database_id text, restore_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
  SELECT (SELECT c.system_identifier::text FROM pg_control_system() c),
         i.database_id::text, i.restore_id::text
    FROM aixin.server_identity i
$$;

COMMENT ON FUNCTION aixin.server_identity() IS
  'PostgreSQL system identifier, database id and restore id: the identity aixind states in HelloOk';

-- Call once after restoring a backup (before aixind serves clients again):
-- every client then sees another identity and sends again what it had
-- only on its own word. Returns the new restore id.
CREATE FUNCTION aixin.mark_restored()
RETURNS uuid
LANGUAGE sql VOLATILE SET search_path = pg_catalog AS $$
  UPDATE aixin.server_identity
     SET restore_id = gen_random_uuid(), restored_at = now()
  RETURNING restore_id
$$;

COMMENT ON FUNCTION aixin.mark_restored() IS
  'After a restore: a fresh random restore id, so that clients stop trusting what the database acknowledged before';
