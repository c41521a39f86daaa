-- aixin.import_enrollments_bulk (deploy/sql/0010_enrollment_bulk.sql)
-- answers a batch exactly as its rows run one after the other, each alone
-- (aixin.import_enrollment, one transaction per row), would: the same
-- outcome per row (code, field, reason, flags, policy) and the same
-- database afterwards (households, guardians, children, policies, keys,
-- audit, report totals).  Run by tests/integration/it_sql_rules.sh on a
-- freshly migrated database with the Ji'an divisions and 'admin':
--   psql -X -q -v ON_ERROR_STOP=1 -f tests/sql/import_bulk.sql
-- The batch is made to collide: certificates, guardians, children and
-- keys repeat, next to rows refused for every reason the import knows.
-- Everything runs in one transaction that is rolled back at the end.

\set QUIET on
SET client_min_messages = warning;
BEGIN;

CREATE FUNCTION pg_temp.k(n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(lpad(to_hex(n), 32, '0'), 'hex')
$$;

CREATE FUNCTION pg_temp.mkid(region text, born date, seq int) RETURNS text LANGUAGE sql AS $$
  SELECT d || aixin.id_check_char(d)
    FROM (SELECT region || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS d) x
$$;

CREATE FUNCTION pg_temp.eq(expected text, actual text, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF expected IS DISTINCT FROM actual THEN
    RAISE EXCEPTION 'FAIL %: expected [%], got [%]', what, expected, actual;
  END IF;
END $$;

CREATE FUNCTION pg_temp.admin() RETURNS bigint LANGUAGE sql AS $$
  SELECT id FROM aixin.accounts WHERE username = 'admin'
$$;

-- Two years; county terms for 360821 only (360824 has none).
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 1, pg_temp.k(900001), 2027, '2027-01-01',
                                     3000, 200, 0, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.open_policy_year(pg_temp.admin(), 1, pg_temp.k(900002), 2028, '2028-01-01',
                                     3000, 500, 0, 2000, '[]'::jsonb) \g /dev/null
SELECT * FROM aixin.register_insurer(pg_temp.admin(), 2, pg_temp.k(900003), 'chinalife',
                                     '中国人寿') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 3, pg_temp.k(900004), '360821', 2027,
                                     1000, 'chinalife') \g /dev/null
SELECT * FROM aixin.set_county_terms(pg_temp.admin(), 3, pg_temp.k(900005), '360821', 2028,
                                     1200, 'chinalife') \g /dev/null

-- What was there before the batch: a few rows imported one by one.
CREATE TABLE pg_temp.batch (ord int PRIMARY KEY, key bytea, line int, yr int, twp text,
                            kind text, cert text, gid text, gname text, cid text,
                            cname text, csex text, cbirth date);
INSERT INTO pg_temp.batch
SELECT i, pg_temp.k(i), i + 1, 2027 + (i % 3 = 0)::int,
       CASE WHEN g % 11 = 0 OR i % 29 = 0 THEN '360821101' ELSE '360821100' END,
       CASE WHEN g % 4 = 0 THEN 'two_daughters' ELSE 'only_child' END,
       'EQ-' || g,
       pg_temp.mkid('360821', date '1985-01-01' + CASE WHEN i % 9 = 0 THEN i ELSE g END, 11),
       '家长' || g,
       pg_temp.mkid('360821', date '2022-01-01' + (i * 13 % 97), (i * 5 % 9) * 2 + (i % 2)),
       '孩' || (i * 13 % 97), '', NULL
  FROM generate_series(1, 260) i, LATERAL (SELECT i * 7 % 71 AS g) gg;
-- Rows 261-320 come back to rows 21-80: the same household and child for
-- the same year (already enrolled) or the other one (found, enrolled), or
-- the child under another certificate.
INSERT INTO pg_temp.batch
SELECT i, pg_temp.k(i), i + 1, CASE WHEN i % 3 = 0 THEN b.yr ELSE 4055 - b.yr END, b.twp, b.kind,
       CASE WHEN i % 5 = 0 THEN 'EQ-MOVED-' || i ELSE b.cert END,
       CASE WHEN i % 5 = 0 THEN pg_temp.mkid('360821', date '1970-01-01' + i, 13) ELSE b.gid END,
       b.gname, b.cid, b.cname, b.csex, b.cbirth
  FROM generate_series(261, 320) i JOIN pg_temp.batch b ON b.ord = i - 240;
-- Rows refused by their fields, and odd cases.
UPDATE pg_temp.batch SET kind = 'triplets' WHERE ord = 5;
UPDATE pg_temp.batch SET cert = 'with space' WHERE ord = 6;
UPDATE pg_temp.batch SET gid = '360821198501010110' WHERE ord = 7;  -- bad check character
UPDATE pg_temp.batch SET gname = ' 空格' WHERE ord = 8;
UPDATE pg_temp.batch SET cname = '' WHERE ord = 9;
UPDATE pg_temp.batch SET csex = CASE aixin.id_sex(cid) WHEN 'M' THEN 'F' ELSE 'M' END WHERE ord = 10;
UPDATE pg_temp.batch SET cbirth = aixin.id_birth_date(cid) + 1 WHERE ord = 12;
UPDATE pg_temp.batch SET cbirth = aixin.id_birth_date(cid) WHERE ord % 4 = 1 AND ord > 12;
UPDATE pg_temp.batch SET csex = aixin.id_sex(cid) WHERE ord % 5 = 2 AND ord > 12;
UPDATE pg_temp.batch SET twp = '360821999' WHERE ord = 13;
UPDATE pg_temp.batch SET twp = '360824100', cert = 'EQ-X24' WHERE ord = 14;  -- no county terms
UPDATE pg_temp.batch SET yr = 2031 WHERE ord IN (15, 16);                     -- no such year
UPDATE pg_temp.batch SET cid = pg_temp.mkid('360821', '2019-03-03', 1) WHERE ord = 17;  -- 7 on 2027-01-01
UPDATE pg_temp.batch SET cid = pg_temp.mkid('360821', '2027-06-06', 3) WHERE ord = 18;  -- born after the reference
UPDATE pg_temp.batch SET cid = pg_temp.mkid('360821', current_date + 40, 5) WHERE ord = 19;  -- future
UPDATE pg_temp.batch SET key = '\x0102' WHERE ord = 20;
-- The same key again: with the same row (a replay) and with another row.
UPDATE pg_temp.batch b SET key = pg_temp.k(30) WHERE ord = 31;
UPDATE pg_temp.batch b SET (key, line, yr, twp, kind, cert, gid, gname, cid, cname, csex, cbirth) =
  (SELECT key, line, yr, twp, kind, cert, gid, gname, cid, cname, csex, cbirth
     FROM pg_temp.batch WHERE ord = 40) WHERE ord = 41;
-- A key imported before the batch, sent again: with its row, and changed.
SELECT count(*) FROM aixin.import_enrollment(pg_temp.admin(), 7, pg_temp.k(5000), 2, 2027,
  '360821100', 'only_child', 'EQ-PRE', pg_temp.mkid('360821', '1984-04-04', 11), '先来',
  pg_temp.mkid('360821', '2023-04-04', 21), '先孩', '', NULL) \g /dev/null
UPDATE pg_temp.batch SET (key, yr, twp, kind, cert, gid, gname, cid, cname, csex, cbirth) =
  (pg_temp.k(5000), 2027, '360821100', 'only_child', 'EQ-PRE', pg_temp.mkid('360821', '1984-04-04', 11),
   '先来', pg_temp.mkid('360821', '2023-04-04', 21), '先孩', '', NULL) WHERE ord = 50;
UPDATE pg_temp.batch SET (key, yr, twp, kind, cert, gid, gname, cid, cname, csex, cbirth) =
  (pg_temp.k(5000), 2028, '360821100', 'only_child', 'EQ-PRE', pg_temp.mkid('360821', '1984-04-04', 11),
   '先来', pg_temp.mkid('360821', '2023-04-04', 21), '先孩', '', NULL) WHERE ord = 51;
-- The pre-existing household with its own guardian for the other year.
UPDATE pg_temp.batch SET (yr, twp, kind, cert, gid, cid, cname) =
  (2028, '360821100', 'only_child', 'EQ-PRE', pg_temp.mkid('360821', '1984-04-04', 11),
   pg_temp.mkid('360821', '2023-04-04', 21), '先孩') WHERE ord = 52;
-- An early refused row, then a row that may create what it would have.
UPDATE pg_temp.batch SET yr = 2031, cert = 'EQ-LATE', gid = pg_temp.mkid('360821', '1983-03-03', 13) WHERE ord = 60;
UPDATE pg_temp.batch SET cert = 'EQ-LATE', gid = pg_temp.mkid('360821', '1983-03-03', 13) WHERE ord = 61;

-- An account of another township: rows outside it are refused.
INSERT INTO aixin.accounts (username, password_hash, role, division_code, division_level)
VALUES ('eq_twp_clerk', '$argon2id$v=19$m=65536,t=2,p=1$x$y', 'township_clerk', '360821101', 'township');

-- Outcomes and the database, without the surrogate ids (sequences do not
-- roll back, so the two runs draw different ids).
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
  SELECT concat_ws(E'\n',
    (SELECT string_agg(h.certificate_no || ':' || h.township_code || ':' || h.kind, ' '
                       ORDER BY h.certificate_no) FROM aixin.households h),
    (SELECT string_agg(h.certificate_no || ':' || g.position || ':' || g.id_number || ':' || g.name, ' '
                       ORDER BY g.id_number)
       FROM aixin.guardians g JOIN aixin.households h ON h.id = g.household_id),
    (SELECT string_agg(c.id_number || ':' || c.name || ':' || h.certificate_no, ' ' ORDER BY c.id_number)
       FROM aixin.children c JOIN aixin.households h ON h.id = c.household_id),
    (SELECT string_agg(c.id_number || ':' || p.policy_year || ':' || p.township_code || ':'
                       || p.premium_fen || '=' || p.city_share_fen || '+' || p.county_share_fen
                       || '+' || p.township_share_fen || ':' || i.code, ' '
                       ORDER BY c.id_number, p.policy_year)
       FROM aixin.policies p JOIN aixin.children c ON c.id = p.child_id
       JOIN aixin.insurers i ON i.id = p.insurer_id),
    (SELECT string_agg(encode(k.key, 'hex') || ':' || k.operation || ':'
                       || (k.result - 'policy_id')::text, ' ' ORDER BY k.key)
       FROM aixin.idempotency_keys k),
    (SELECT string_agg(a.action || ':' || a.n, ' ' ORDER BY a.action)
       FROM (SELECT action, count(*) AS n FROM aixin.audit_log GROUP BY action) a),
    (SELECT string_agg(a.line || ':' || (a.detail - 'child_id' - 'household_id')::text, ' '
                       ORDER BY a.line)
       FROM (SELECT (detail ->> 'line')::int AS line, detail FROM aixin.audit_log
              WHERE action = 'import.enrollment') a),
    (SELECT string_agg(t.policy_year || ':' || t.township_code || ':' || t.p || ':' || t.h || ':'
                       || t.prem || ':' || t.city || ':' || t.county || ':' || t.twp, ' '
                       ORDER BY t.policy_year, t.township_code)
       FROM (SELECT policy_year, township_code, sum(policies) AS p, sum(households) AS h,
                    sum(premium_fen) AS prem, sum(city_share_fen) AS city,
                    sum(county_share_fen) AS county, sum(township_share_fen) AS twp
               FROM aixin.report_policy_totals GROUP BY policy_year, township_code) t))
$$;

CREATE TABLE pg_temp.answer (ord int, line text);

-- One row alone, as ImportEnrollments sent it before: its own
-- (sub)transaction, its refusal caught.
CREATE FUNCTION pg_temp.run_alone(actor bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b record;
  r record;
  st text;
  col text;
  msg text;
BEGIN
  DELETE FROM pg_temp.answer;
  FOR b IN SELECT * FROM pg_temp.batch ORDER BY ord LOOP
    BEGIN
      SELECT * INTO r FROM aixin.import_enrollment(actor, 77, b.key, b.line, b.yr, b.twp, b.kind,
                                                   b.cert, b.gid, b.gname, b.cid, b.cname,
                                                   b.csex, b.cbirth);
      INSERT INTO pg_temp.answer
      VALUES (b.ord, concat_ws('|', r.replayed, r.household_created, r.child_created,
                               r.child_id_number, r.policy_year, r.township_code, r.premium_fen,
                               r.city_share_fen, r.county_share_fen, r.township_share_fen,
                               r.insurer_code));
    EXCEPTION WHEN others THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, col = COLUMN_NAME, msg = MESSAGE_TEXT;
      INSERT INTO pg_temp.answer VALUES (b.ord, concat_ws('|', st, col, msg));
    END;
  END LOOP;
  RETURN (SELECT string_agg(ord || '=' || line, E'\n' ORDER BY ord) FROM pg_temp.answer);
END $$;

-- The whole batch in one call.
CREATE FUNCTION pg_temp.run_bulk(actor bigint) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(r.ord || '=' ||
           CASE WHEN r.error_code IS NOT NULL
                THEN concat_ws('|', r.error_code, r.error_field, r.error_message)
                ELSE concat_ws('|', r.replayed, r.household_created, r.child_created,
                               r.child_id_number, r.policy_year, r.township_code, r.premium_fen,
                               r.city_share_fen, r.county_share_fen, r.township_share_fen,
                               r.insurer_code) END, E'\n' ORDER BY r.ord)
    FROM (SELECT array_agg(key ORDER BY ord) AS keys, array_agg(line ORDER BY ord) AS lines,
                 array_agg(yr ORDER BY ord) AS yrs, array_agg(twp ORDER BY ord) AS twps,
                 array_agg(kind ORDER BY ord) AS kinds, array_agg(cert ORDER BY ord) AS certs,
                 array_agg(gid ORDER BY ord) AS gids, array_agg(gname ORDER BY ord) AS gnames,
                 array_agg(cid ORDER BY ord) AS cids, array_agg(cname ORDER BY ord) AS cnames,
                 array_agg(csex ORDER BY ord) AS csexes, array_agg(cbirth ORDER BY ord) AS cbirths
            FROM pg_temp.batch) a,
         aixin.import_enrollments_bulk(actor, 77, a.keys, a.lines, a.yrs, a.twps, a.kinds,
                                       a.certs, a.gids, a.gnames, a.cids, a.cnames, a.csexes,
                                       a.cbirths) r
$$;

\echo import_bulk: a colliding batch of 320 rows, one by one
SAVEPOINT before_batch;
SELECT pg_temp.run_alone(pg_temp.admin()) AS alone_answers \gset
SELECT pg_temp.state() AS alone_state \gset
ROLLBACK TO SAVEPOINT before_batch;

\echo import_bulk: the same batch in one statement
SELECT pg_temp.eq(:'alone_answers', pg_temp.run_bulk(pg_temp.admin()), 'bulk answers = one by one');
SELECT pg_temp.eq(:'alone_state', pg_temp.state(), 'bulk database = one by one');
-- The batch really collides: refusals of every kind, replays, both flags.
SELECT pg_temp.eq('AXB01 AXE01 AXK01 AXN01 AXR01 ok replay',
  (SELECT string_agg(DISTINCT CASE WHEN line ~ '^AX' THEN left(line, 5)
                                   WHEN line LIKE 't|%' THEN 'replay' ELSE 'ok' END, ' ')
     FROM regexp_split_to_table(:'alone_answers', E'\n') l(x),
          LATERAL (SELECT substr(x, strpos(x, '=') + 1) AS line) y),
  'the batch exercises every outcome');
SELECT pg_temp.eq('true', (SELECT (count(*) > 60)::text FROM aixin.policies), 'many rows enrolled');

\echo import_bulk: the same batch again: every enrolled row a replay, the rest refused again
SAVEPOINT again;
SELECT pg_temp.run_alone(pg_temp.admin()) AS alone_answers \gset
SELECT pg_temp.state() AS alone_state \gset
ROLLBACK TO SAVEPOINT again;
SELECT pg_temp.eq(:'alone_answers', pg_temp.run_bulk(pg_temp.admin()), 'second run: bulk answers = one by one');
SELECT pg_temp.eq(:'alone_state', pg_temp.state(), 'second run: bulk database = one by one');

\echo import_bulk: a township clerk: other townships refused, its own imported
SAVEPOINT clerk;
SELECT pg_temp.run_alone((SELECT id FROM aixin.accounts WHERE username = 'eq_twp_clerk')) AS alone_answers \gset
SELECT pg_temp.state() AS alone_state \gset
ROLLBACK TO SAVEPOINT clerk;
SELECT pg_temp.eq(:'alone_answers',
  pg_temp.run_bulk((SELECT id FROM aixin.accounts WHERE username = 'eq_twp_clerk')),
  'clerk: bulk answers = one by one');
SELECT pg_temp.eq(:'alone_state', pg_temp.state(), 'clerk: bulk database = one by one');
SELECT pg_temp.eq('true', (SELECT (strpos(:'alone_answers', 'AXP01|township_code') > 0)::text),
  'clerk: rows of other townships refused');

\echo import_bulk: an empty batch answers nothing; ragged arrays are refused
SELECT pg_temp.eq('0', (SELECT count(*)::text FROM aixin.import_enrollments_bulk(pg_temp.admin(), 1,
  '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')), 'empty batch');
DO $$
BEGIN
  PERFORM * FROM aixin.import_enrollments_bulk(pg_temp.admin(), 1, ARRAY[pg_temp.k(1)], '{1,2}',
    '{2027}', '{360821100}', '{only_child}', '{C}', '{G}', '{N}', '{C}', '{N}', '{""}', '{NULL}');
  RAISE EXCEPTION 'FAIL ragged arrays accepted';
EXCEPTION WHEN SQLSTATE 'AXB01' THEN
  NULL;
END $$;

ROLLBACK;
\echo import_bulk.sql: all checks passed
