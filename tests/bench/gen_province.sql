-- A province-sized programme for timing the reports (tests/bench/bench-reports.sh).
--
-- Fills a database that is migrated, has its divisions loaded and the city
-- admin 'admin', and nothing else yet:
--   psql -X -q -v ON_ERROR_STOP=1 [-v years=5] [-v per_year=220000] \
--        [-v claim_rate=0.03] -f tests/bench/gen_province.sql
-- Defaults: the 5 policy years ending with the current one (Asia/Shanghai),
-- about 220,000 policies a year across every township, claims on about 3%
-- of the policies.  Random but repeatable (setseed).
--
-- The small parts go through the API functions as the offices would:
-- insurers, policy years with benefit caps, county terms, the census (with
-- corrections) and disbursements.  The bulk (households, guardians,
-- children, policies, claims and what hangs on them) is written with
-- set-based INSERT ... SELECT under session_replication_role = replica,
-- which skips the row triggers and the foreign-key checks: that is what
-- makes a million policies take a minute, not an hour.  The triggers that
-- keep the report totals and the claims' copies of their policy
-- (0007_reports.sql) fire all the same (ENABLE ALWAYS).  The CHECK
-- constraints still apply to every row (valid ID numbers with their check
-- character, birth date and sex agreeing with them, splits adding up to the
-- premium, claim dates in order, home delivery ...), and once the data is
-- in, section "Checks" verifies with set-based queries everything the
-- skipped triggers and foreign keys would have enforced.  Any failure
-- raises and stops the script.
--
-- Needs a superuser (session_replication_role).

\set QUIET on
\set ON_ERROR_STOP on
SET client_min_messages = warning;

\if :{?years}
\else
  \set years 5
\endif
\if :{?per_year}
\else
  \set per_year 220000
\endif
\if :{?claim_rate}
\else
  \set claim_rate 0.03
\endif

SELECT setseed(0.2026) \g /dev/null

CREATE TEMP TABLE g_params AS
SELECT extract(year FROM aixin.local_today())::int - :years + 1 AS first_year,
       extract(year FROM aixin.local_today())::int AS last_year,
       aixin.local_today() AS today,
       :per_year::int AS per_year,
       :claim_rate::float8 AS claim_rate,
       (SELECT id FROM aixin.accounts WHERE username = 'admin') AS admin;

DO $$
BEGIN
  IF (SELECT admin FROM g_params) IS NULL THEN
    RAISE EXCEPTION 'no account admin: create it first (aixind --create-admin admin)';
  END IF;
  IF EXISTS (SELECT 1 FROM aixin.policies) OR EXISTS (SELECT 1 FROM aixin.policy_years) THEN
    RAISE EXCEPTION 'the database already has a programme: generate into a fresh one';
  END IF;
END $$;

-- Idempotency keys of the API calls below (request id n, key k(n)).
CREATE FUNCTION pg_temp.k(n bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(lpad(to_hex(n), 32, '0'), 'hex')
$$;

-- ---------------------------------------------------------------------------
-- Insurers, policy years, county terms (API).

CREATE TEMP TABLE g_insurer (ord int, code text, name text);
INSERT INTO g_insurer VALUES (0, 'chinalife', '中国人寿'), (1, 'picc', '中国人保'),
                             (2, 'taikang', '泰康人寿'), (3, 'pingan', '中国平安');
SELECT count(*) FROM (SELECT i.*, 100 + i.ord AS r FROM g_insurer i) i,
  LATERAL aixin.register_insurer((SELECT admin FROM g_params), i.r, pg_temp.k(i.r), i.code, i.name) x
\g /dev/null

-- Premium 30 yuan: the city 5 yuan, the county 5-15 yuan, the township the rest.
SELECT count(*) FROM generate_series((SELECT first_year FROM g_params),
                                     (SELECT last_year FROM g_params)) y,
  LATERAL aixin.open_policy_year((SELECT admin FROM g_params), 1000 + y, pg_temp.k(1000 + y), y,
            make_date(y, 1, 1), 3000, 500, 500, 1500,
            '[{"event": "illness", "max_payout_fen": 2000000},
              {"event": "accident_injury", "max_payout_fen": 300000},
              {"event": "disability", "max_payout_fen": 800000},
              {"event": "child_death", "max_payout_fen": 1000000},
              {"event": "guardian_death", "max_payout_fen": 1000000}]') x
\g /dev/null

CREATE TEMP TABLE g_county AS
SELECT row_number() OVER (ORDER BY d.code) - 1 AS ord, d.code,
       -- How keen the county's families are: the chance that an eligible
       -- child is enrolled in a year.
       0.84 + 0.15 * random() AS keen
  FROM aixin.divisions d WHERE d.level = 'county';

SELECT count(*) FROM g_county c
 CROSS JOIN generate_series((SELECT first_year FROM g_params), (SELECT last_year FROM g_params)) y,
  LATERAL aixin.set_county_terms((SELECT admin FROM g_params), 10000 + 100 * c.ord + y % 100,
            pg_temp.k(10000 + 100 * c.ord + y % 100), c.code, y,
            500 + 250 * ((c.ord + y) % 5),
            (SELECT i.code FROM g_insurer i WHERE i.ord = (c.ord + y / 2) % 4)) x
\g /dev/null

-- ---------------------------------------------------------------------------
-- Households, guardians, children (bulk).

CREATE TEMP TABLE g_township AS
SELECT row_number() OVER (ORDER BY d.code) AS ord, d.code, d.county_code, c.keen,
       0.3 + random() AS weight
  FROM aixin.divisions d JOIN g_county c ON c.code = d.county_code
 WHERE d.level = 'township';

-- 10,000 slots, each township taking slots in proportion to its weight: a
-- uniform slot number picks a township with that probability.
CREATE TEMP TABLE g_slots AS
SELECT array_agg(t.ord ORDER BY s) AS slot
  FROM (SELECT t.ord, t.weight,
               sum(t.weight) OVER (ORDER BY t.ord) - t.weight AS lo,
               sum(t.weight) OVER () AS total
          FROM g_township t) t
  JOIN generate_series(0, 9999) s
    ON s >= floor(10000 * t.lo / t.total) AND s < floor(10000 * (t.lo + t.weight) / t.total);

-- Children are born between 1 Jan + 1 day and 31 Dec of the years first-7
-- .. last-1, so a child of birth year b is 0-6 on 1 January of the years
-- b+1 .. b+7 (the reference date).  Enrolled each of those years with the
-- county's keenness, a birth cohort of C children gives about 7 C keen
-- policies a year: C = per_year / (7 * 0.915).  One household in seven has
-- two daughters.
CREATE TEMP TABLE g_household AS
SELECT (SELECT coalesce(max(id), 0) FROM aixin.households) + h AS id, t.code AS township_code,
       t.county_code, t.keen,
       CASE WHEN random() < 0.13 THEN 'two_daughters' ELSE 'only_child' END AS kind
  FROM (SELECT h, (SELECT slot FROM g_slots)[1 + floor(random() * 10000)::int] AS tord
          FROM generate_series(1, (SELECT ceil(per_year / (7 * 0.915)
                                               * (last_year - first_year + 7) / 1.13)::int
                                     FROM g_params)) h) x
  JOIN g_township t ON t.ord = x.tord;

CREATE TEMP TABLE g_child AS
SELECT (SELECT coalesce(max(id), 0) FROM aixin.children)
         + row_number() OVER (ORDER BY h.id, n) AS id,
       h.id AS household_id, h.township_code, h.county_code, h.keen, x.born,
       CASE WHEN h.kind = 'two_daughters' OR x.u < 0.48 THEN 'F' ELSE 'M' END AS sex
  FROM g_household h
 CROSS JOIN LATERAL generate_series(1, CASE h.kind WHEN 'two_daughters' THEN 2 ELSE 1 END) n
 CROSS JOIN LATERAL (
   SELECT make_date((SELECT first_year - 7 FROM g_params)
                      + floor(random() * ((SELECT last_year - first_year + 7 FROM g_params)))::int,
                    1, 2) + floor(random() * 364)::int AS born,
          random() + n * 0 AS u) x;

-- ID numbers: county code, birth date, a sequence number unique for the
-- county, date and sex (odd for boys, even for girls), check character.
CREATE TEMP TABLE g_child_id AS
SELECT c.id, d || aixin.id_check_char(d) AS id_number
  FROM (SELECT c.id, c.county_code || to_char(c.born, 'YYYYMMDD')
                 || lpad((2 * (row_number() OVER (PARTITION BY c.county_code, c.born, c.sex
                                                  ORDER BY c.id) - 1)
                          + CASE c.sex WHEN 'M' THEN 1 ELSE 0 END)::text, 3, '0') AS d
          FROM g_child c) c;

SET session_replication_role = replica;

INSERT INTO aixin.households (id, township_code, kind, certificate_no, created_at, created_by)
SELECT h.id, h.township_code, h.kind,
       CASE WHEN h.kind = 'only_child' OR h.id % 3 = 0 THEN 'GEN-' || h.id END,
       now() - interval '6 years', (SELECT admin FROM g_params)
  FROM g_household h
 ORDER BY h.id;

INSERT INTO aixin.guardians (household_id, position, id_number, name)
SELECT g.household_id, 1, g.d || aixin.id_check_char(g.d), '家长' || g.household_id
  FROM (SELECT h.id AS household_id,
               h.county_code || to_char(b.born, 'YYYYMMDD')
                 || lpad((row_number() OVER (PARTITION BY h.county_code, b.born ORDER BY h.id) - 1)::text,
                         3, '0') AS d
          FROM g_household h
         CROSS JOIN LATERAL (SELECT DATE '1970-01-01' + floor(random() * 9000)::int + (h.id * 0)::int
                               AS born) b) g;

INSERT INTO aixin.children (id, household_id, id_number, name, sex, birth_date, created_at,
                            created_by)
SELECT c.id, c.household_id, i.id_number, '儿童' || c.id, c.sex, c.born,
       now() - interval '6 years', (SELECT admin FROM g_params)
  FROM g_child c JOIN g_child_id i ON i.id = c.id
 ORDER BY c.id;

-- ---------------------------------------------------------------------------
-- Policies (bulk): every eligible child, each year, with the county's
-- keenness; the premium split and insurer are the terms of the year.

CREATE TEMP TABLE g_terms AS
SELECT d.code AS township_code, t.policy_year, y.premium_fen, y.city_subsidy_fen,
       t.county_share_fen, y.premium_fen - y.city_subsidy_fen - t.county_share_fen AS township_fen,
       t.insurer_id
  FROM aixin.county_terms t
  JOIN aixin.policy_years y ON y.year = t.policy_year
  JOIN aixin.divisions d ON d.county_code = t.county_code AND d.level = 'township';
CREATE INDEX ON g_terms (township_code, policy_year);
ANALYZE g_terms;

-- The report summary's statement triggers (0007, ENABLE ALWAYS) count,
-- for each household and year of a statement, its policies by index
-- (0024; before it, an anti join of them against the statement's rows
-- made one statement of a million rows take hours).  Rebuilding the
-- summary once from the policies is still quicker than that count per
-- household, so they are switched off for this INSERT alone and the
-- summary is rebuilt after it (aixin.report_policy_totals_rebuild; section
-- "Checks" compares it with the policies again).
CREATE TEMP TABLE g_summary_triggers AS
SELECT t.tgname FROM pg_trigger t JOIN pg_proc f ON f.oid = t.tgfoid
 WHERE t.tgrelid = 'aixin.policies'::regclass AND NOT t.tgisinternal AND t.tgenabled = 'A'
   AND f.proname LIKE 'report\_policy\_totals\_%';
DO $$
DECLARE
  name text;
BEGIN
  FOR name IN SELECT tgname FROM g_summary_triggers LOOP
    EXECUTE format('ALTER TABLE aixin.policies DISABLE TRIGGER %I', name);
  END LOOP;
END $$;

INSERT INTO aixin.policies (id, policy_year, child_id, household_id, township_code, premium_fen,
                            enrolled_at, enrolled_by, city_share_fen, county_share_fen,
                            township_share_fen, insurer_id)
SELECT (SELECT coalesce(max(id), 0) FROM aixin.policies)
         + row_number() OVER (ORDER BY e.policy_year, e.enrolled_at),
       e.policy_year, e.child_id, e.household_id, e.township_code, t.premium_fen,
       e.enrolled_at, (SELECT admin FROM g_params), t.city_subsidy_fen, t.county_share_fen,
       t.township_fen, t.insurer_id
  FROM (SELECT y AS policy_year, c.id AS child_id, c.household_id, c.township_code, c.keen,
               make_date(y, 1, 1) - interval '60 days' * random() AS enrolled_at,
               random() AS u
          FROM g_child c
          JOIN generate_series((SELECT first_year FROM g_params), (SELECT last_year FROM g_params)) y
            ON y BETWEEN extract(year FROM c.born)::int + 1 AND extract(year FROM c.born)::int + 7
        OFFSET 0) e
  JOIN g_terms t ON t.township_code = e.township_code AND t.policy_year = e.policy_year
 -- Each child and year on its own (u is drawn per pair, above the fence).
 WHERE e.u < e.keen;

DO $$
DECLARE
  name text;
BEGIN
  FOR name IN SELECT tgname FROM g_summary_triggers LOOP
    EXECUTE format('ALTER TABLE aixin.policies ENABLE ALWAYS TRIGGER %I', name);
  END LOOP;
END $$;
SELECT aixin.report_policy_totals_rebuild() \g /dev/null

-- ---------------------------------------------------------------------------
-- Claims (bulk) on about claim_rate of the policies, in every state, with
-- paper dates in order and never after today.  One claim per policy, so
-- every approval is within the cap of its event.  Mostly small illness and
-- accident claims, 1% disability and 1% deaths at the scheduled amount:
-- the insurers pay out a little over half the premiums (DOMAIN.md: 56.74%
-- in 2007).

CREATE TEMP TABLE g_claim AS
WITH picked AS (
  SELECT p.id AS policy_id, p.policy_year, random() AS u_event, random() AS u_state,
         random() AS u_amount, random() AS u_docs, random() AS u_esc, random() AS u_delay,
         random() AS u_pay, random() AS u_home, random() AS u_doubt, random() AS u_date
    FROM aixin.policies p
   WHERE random() < (SELECT claim_rate FROM g_params)
), ev AS (
  SELECT k.*,
         CASE WHEN k.u_event < 0.70 THEN 'illness' WHEN k.u_event < 0.98 THEN 'accident_injury'
              WHEN k.u_event < 0.99 THEN 'disability' WHEN k.u_event < 0.994 THEN 'child_death'
              ELSE 'guardian_death' END AS event,
         -- Older years are settled; the current year still has open claims.
         CASE WHEN k.policy_year < (SELECT last_year FROM g_params) THEN
                CASE WHEN k.u_state < 0.85 THEN 'paid' WHEN k.u_state < 0.97 THEN 'rejected'
                     WHEN k.u_state < 0.98 THEN 'approved' WHEN k.u_state < 0.985 THEN 'escalated'
                     WHEN k.u_state < 0.99 THEN 'under_review' ELSE 'filed' END
              ELSE
                CASE WHEN k.u_state < 0.60 THEN 'paid' WHEN k.u_state < 0.68 THEN 'rejected'
                     WHEN k.u_state < 0.74 THEN 'approved' WHEN k.u_state < 0.78 THEN 'escalated'
                     WHEN k.u_state < 0.88 THEN 'under_review' ELSE 'filed' END
         END AS state
    FROM picked k
), dated AS (
  SELECT e.*, b.max_payout_fen AS cap,
         CASE e.event
           WHEN 'illness' THEN 3000 + floor(e.u_amount ^ 4 * 400000)
           WHEN 'accident_injury' THEN 2000 + floor(e.u_amount ^ 3 * 150000)
           WHEN 'disability' THEN 100000 + floor(e.u_amount * 700000)
           ELSE b.max_payout_fen END::bigint AS amount,
         -- The incident: any day of the policy year up to 40 days ago.
         make_date(e.policy_year, 1, 1)
           + floor(e.u_date * (least(make_date(e.policy_year, 12, 31),
                                     (SELECT today FROM g_params) - 40)
                               - make_date(e.policy_year, 1, 1) + 1))::int AS incident
    FROM ev e
    JOIN aixin.policy_year_benefits b ON b.policy_year = e.policy_year AND b.event = e.event
), received AS (
  SELECT d.*, least(d.incident + floor(d.u_delay ^ 2 * 20)::int,
                    (SELECT today FROM g_params)) AS received_on
    FROM dated d
), docs AS (
  SELECT r.*,
         CASE WHEN r.state IN ('filed', 'under_review', 'escalated', 'rejected') AND r.u_docs < 0.15
                THEN NULL
              ELSE least(r.received_on + CASE WHEN r.u_docs < 0.8 THEN 0
                                              ELSE floor(r.u_docs * 10)::int END,
                         (SELECT today FROM g_params)) END AS docs_on,
         r.state = 'escalated' OR r.u_esc < 0.06 AS escalated
    FROM received r
), esc AS (
  SELECT d.*,
         CASE WHEN d.escalated THEN least(coalesce(d.docs_on, d.received_on)
                                            + floor(d.u_esc * 40)::int % 6,
                                          (SELECT today FROM g_params)) END AS escalated_on
    FROM docs d
), decided AS (
  SELECT e.*,
         CASE WHEN e.state IN ('approved', 'paid', 'rejected') THEN
           least(greatest(e.received_on, e.docs_on, e.escalated_on)
                   + floor(e.u_delay ^ 3 * (CASE WHEN e.escalated THEN 25 ELSE 12 END))::int,
                 (SELECT today FROM g_params)) END AS decided_on,
         CASE WHEN e.state IN ('approved', 'paid') THEN
           CASE WHEN e.event IN ('child_death', 'guardian_death') THEN e.cap
                ELSE greatest(1, floor(least(e.amount, e.cap) * (0.6 + 0.4 * e.u_pay)))::bigint
           END END AS approved_fen
    FROM esc e
)
SELECT (SELECT coalesce(max(id), 0) FROM aixin.claims) + row_number() OVER (ORDER BY d.received_on,
                                                                            d.policy_id) AS id,
       d.policy_id, d.policy_year, d.event, d.incident, d.amount, d.docs_on,
       d.u_doubt < 0.05 AS doubt, d.state, d.received_on, d.escalated_on, d.decided_on,
       d.approved_fen,
       CASE WHEN d.state = 'rejected' THEN '不属于保险责任' END AS reason,
       CASE WHEN d.state = 'paid' THEN d.approved_fen END AS paid_fen,
       CASE WHEN d.state = 'paid' THEN least(d.decided_on + floor(d.u_pay ^ 2 * 10)::int,
                                             (SELECT today FROM g_params)) END AS paid_on,
       CASE WHEN d.state = 'paid' THEN (ARRAY['bank_transfer', 'cash', 'cheque'])[1 + floor(d.u_home * 3)::int] END
         AS method,
       d.state = 'paid' AND (d.approved_fen >= 500000 OR d.u_home < 0.1) AS delivered_home
  FROM decided d;

INSERT INTO aixin.claims (id, policy_id, event, incident_date, amount_claimed_fen,
                          documents_complete, doubt, state, received_on,
                          documents_complete_on, escalated_on, decided_on, approved_fen,
                          decision_reason, paid_fen, paid_on, payment_method, delivered_home,
                          filed_at, filed_by, updated_at)
SELECT c.id, c.policy_id, c.event, c.incident, c.amount, c.docs_on IS NOT NULL, c.doubt, c.state,
       c.received_on, c.docs_on, c.escalated_on, c.decided_on, c.approved_fen, c.reason,
       c.paid_fen, c.paid_on, c.method, c.delivered_home,
       c.received_on + time '10:00' AT TIME ZONE 'Asia/Shanghai', (SELECT admin FROM g_params),
       greatest(c.received_on, c.docs_on, c.escalated_on, c.decided_on, c.paid_on)
         + time '16:00' AT TIME ZONE 'Asia/Shanghai'
  FROM g_claim c
 ORDER BY c.id;

INSERT INTO aixin.claim_documents (claim_id, name, received_on, recorded_by)
SELECT c.id, '理赔申请书', c.received_on, (SELECT admin FROM g_params) FROM g_claim c ORDER BY c.id;

-- Follow-up visits to half the paid families (all of the large payouts).
CREATE TEMP TABLE g_visit AS
SELECT c.id AS claim_id, least(c.paid_on + 1 + floor(random() * 30)::int,
                               (SELECT today FROM g_params)) AS visited_on
  FROM g_claim c
 WHERE c.state = 'paid' AND (c.paid_fen >= 500000 OR random() < 0.5);
INSERT INTO aixin.claim_visits (claim_id, visited_on, note, recorded_by, recorded_at)
SELECT v.claim_id, v.visited_on, '回访', (SELECT admin FROM g_params),
       v.visited_on + time '15:00' AT TIME ZONE 'Asia/Shanghai'
  FROM g_visit v ORDER BY v.claim_id;

-- The city's supplementary payouts on a third of the large or death payouts.
CREATE TEMP TABLE g_supp AS
SELECT c.id AS claim_id, 50000 + 1000 * floor(random() * 450)::bigint AS amount_fen,
       least(c.paid_on + floor(random() * 30)::int, (SELECT today FROM g_params)) AS paid_on
  FROM g_claim c
 WHERE c.state = 'paid' AND (c.paid_fen >= 300000 OR c.event IN ('child_death', 'guardian_death'))
   AND random() < 0.33;
INSERT INTO aixin.supplementary_payouts (claim_id, amount_fen, paid_on, reference, recorded_by,
                                         recorded_at)
SELECT s.claim_id, s.amount_fen, s.paid_on, 'SUPP-' || s.claim_id, (SELECT admin FROM g_params),
       s.paid_on + time '11:00' AT TIME ZONE 'Asia/Shanghai'
  FROM g_supp s ORDER BY s.claim_id;

-- The history of each claim: filed, escalated, reviewed, decided, paid,
-- visited, supplemented.
INSERT INTO aixin.claim_transitions (claim_id, action, from_state, to_state, account_id,
                                     effective_on, recorded_at, note, amount_fen)
SELECT s.claim_id, s.action, s.from_state, s.to_state, (SELECT admin FROM g_params), s.on_date,
       s.on_date + time '12:00' AT TIME ZONE 'Asia/Shanghai', s.note, s.amount_fen
  FROM (SELECT c.id AS claim_id, 1 AS step, 'file' AS action, NULL AS from_state,
               'filed' AS to_state, c.received_on AS on_date, NULL AS note,
               c.amount AS amount_fen
          FROM g_claim c
        UNION ALL
        SELECT c.id, 2, 'escalate', 'filed', 'escalated', c.escalated_on, NULL, NULL
          FROM g_claim c WHERE c.escalated_on IS NOT NULL
        UNION ALL
        SELECT c.id, 3, 'review', CASE WHEN c.escalated_on IS NULL THEN 'filed' ELSE 'escalated' END,
               'under_review', coalesce(c.escalated_on, c.received_on), NULL, NULL
          FROM g_claim c WHERE c.state = 'under_review'
        UNION ALL
        SELECT c.id, 4, CASE c.state WHEN 'rejected' THEN 'reject' ELSE 'approve' END,
               CASE WHEN c.escalated_on IS NULL THEN 'filed' ELSE 'escalated' END,
               CASE c.state WHEN 'rejected' THEN 'rejected' ELSE 'approved' END,
               c.decided_on, c.reason, c.approved_fen
          FROM g_claim c WHERE c.decided_on IS NOT NULL
        UNION ALL
        SELECT c.id, 5, 'pay', 'approved', 'paid', c.paid_on, c.method, c.paid_fen
          FROM g_claim c WHERE c.state = 'paid'
        UNION ALL
        SELECT v.claim_id, 6, 'visit', 'paid', 'paid', v.visited_on, '回访', NULL FROM g_visit v
        UNION ALL
        SELECT s.claim_id, 7, 'supplement', 'paid', 'paid', s.paid_on, 'SUPP-' || s.claim_id,
               s.amount_fen
          FROM g_supp s) s
 ORDER BY s.on_date, s.claim_id, s.step;

SET session_replication_role = origin;

SELECT setval(pg_get_serial_sequence('aixin.households', 'id'), (SELECT max(id) FROM aixin.households)) \g /dev/null
SELECT setval(pg_get_serial_sequence('aixin.children', 'id'), (SELECT max(id) FROM aixin.children)) \g /dev/null
SELECT setval(pg_get_serial_sequence('aixin.policies', 'id'), (SELECT max(id) FROM aixin.policies)) \g /dev/null
SELECT setval(pg_get_serial_sequence('aixin.claims', 'id'), (SELECT max(id) FROM aixin.claims)) \g /dev/null

-- ---------------------------------------------------------------------------
-- Census (API): eligible households per township and year, a little above
-- the insured ones (the county's keenness, give or take); one township-year
-- in twelve corrected by a second submission.

CREATE TEMP TABLE g_census AS
SELECT t.code AS township_code, y AS policy_year,
       ceil(coalesce(n.households, 0) / least(1.0, t.keen + 0.02 * (random() - 0.5)))::bigint AS eligible,
       random() < 1.0 / 12 AS corrected
  FROM g_township t
 CROSS JOIN generate_series((SELECT first_year FROM g_params), (SELECT last_year FROM g_params)) y
  LEFT JOIN (SELECT p.township_code, p.policy_year, count(DISTINCT p.household_id) AS households
               FROM aixin.policies p GROUP BY 1, 2) n
         ON n.township_code = t.code AND n.policy_year = y;

SELECT count(*) FROM (SELECT c.*, 100000 + row_number() OVER () AS r FROM g_census c) c,
  LATERAL aixin.submit_census((SELECT admin FROM g_params), c.r, pg_temp.k(c.r), c.township_code,
            c.policy_year, CASE WHEN c.corrected THEN c.eligible + 25 ELSE c.eligible END, NULL) x
\g /dev/null
SELECT count(*) FROM (SELECT c.*, 200000 + row_number() OVER () AS r FROM g_census c
                       WHERE c.corrected) c,
  LATERAL aixin.submit_census((SELECT admin FROM g_params), c.r, pg_temp.k(c.r), c.township_code,
            c.policy_year, c.eligible, '更正') x
\g /dev/null

-- ---------------------------------------------------------------------------
-- Disbursements (API): the city in two instalments (60% and, in the older
-- years, the rest), each county and township once, most of them in full.

CREATE TEMP TABLE g_owed AS
SELECT 'city' AS level, (SELECT code FROM aixin.divisions WHERE level = 'city') AS code,
       p.policy_year, sum(p.city_share_fen) AS owed
  FROM aixin.policies p GROUP BY p.policy_year
UNION ALL
SELECT 'county', d.county_code, p.policy_year, sum(p.county_share_fen)
  FROM aixin.policies p JOIN aixin.divisions d ON d.code = p.township_code
 GROUP BY d.county_code, p.policy_year
UNION ALL
SELECT 'township', p.township_code, p.policy_year, sum(p.township_share_fen)
  FROM aixin.policies p GROUP BY p.township_code, p.policy_year;

CREATE TEMP TABLE g_pay AS
SELECT o.level, o.code, o.policy_year, floor(o.owed * 0.6)::bigint AS amount,
       least(make_date(o.policy_year, 3, 15), (SELECT today FROM g_params)) AS paid_on,
       'CZ-' || o.policy_year || '-1' AS reference
  FROM g_owed o WHERE o.level = 'city' AND o.owed > 0
UNION ALL
SELECT o.level, o.code, o.policy_year, o.owed - floor(o.owed * 0.6)::bigint,
       make_date(o.policy_year, 9, 15), 'CZ-' || o.policy_year || '-2'
  FROM g_owed o
 WHERE o.level = 'city' AND o.policy_year < (SELECT last_year FROM g_params)
   AND o.owed - floor(o.owed * 0.6) > 0
UNION ALL
SELECT o.level, o.code, o.policy_year,
       CASE WHEN random() < 0.7 THEN o.owed ELSE floor(o.owed * (0.5 + 0.5 * random()))::bigint END,
       least(make_date(o.policy_year, 4, 1) + floor(random() * 180)::int,
             (SELECT today FROM g_params)),
       upper(left(o.level, 2)) || '-' || o.code || '-' || o.policy_year
  FROM g_owed o WHERE o.level IN ('county', 'township') AND o.owed > 0;

SELECT count(*) FROM (SELECT x.*, 300000 + row_number() OVER () AS r FROM g_pay x
                       WHERE x.amount > 0) x,
  LATERAL aixin.record_disbursement((SELECT admin FROM g_params), x.r, pg_temp.k(x.r), x.level,
            x.code, x.policy_year, x.amount::bigint, x.paid_on, x.reference) d
\g /dev/null

-- ---------------------------------------------------------------------------
-- Checks: what the skipped triggers and foreign keys enforce, verified for
-- the whole data set.

\o /dev/null
CREATE FUNCTION pg_temp.none(what text, n bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF n <> 0 THEN
    RAISE EXCEPTION 'generated data breaks a rule: % (% rows)', what, n;
  END IF;
END $$;

-- Foreign keys.
SELECT pg_temp.none('household without its township',
  (SELECT count(*) FROM aixin.households h
    WHERE NOT EXISTS (SELECT 1 FROM aixin.divisions d
                       WHERE d.code = h.township_code AND d.level = h.township_level)));
SELECT pg_temp.none('guardian without household',
  (SELECT count(*) FROM aixin.guardians g
    WHERE NOT EXISTS (SELECT 1 FROM aixin.households h WHERE h.id = g.household_id)));
SELECT pg_temp.none('child without household',
  (SELECT count(*) FROM aixin.children c
    WHERE NOT EXISTS (SELECT 1 FROM aixin.households h WHERE h.id = c.household_id)));
SELECT pg_temp.none('policy whose child, household or township disagree',
  (SELECT count(*) FROM aixin.policies p
    WHERE NOT EXISTS (SELECT 1 FROM aixin.children c
                       WHERE c.id = p.child_id AND c.household_id = p.household_id)
       OR NOT EXISTS (SELECT 1 FROM aixin.households h
                       WHERE h.id = p.household_id AND h.township_code = p.township_code)));
SELECT pg_temp.none('policy without year, insurer or enrolling account',
  (SELECT count(*) FROM aixin.policies p
    WHERE NOT EXISTS (SELECT 1 FROM aixin.policy_years y WHERE y.year = p.policy_year)
       OR NOT EXISTS (SELECT 1 FROM aixin.insurers i WHERE i.id = p.insurer_id)
       OR NOT EXISTS (SELECT 1 FROM aixin.accounts a WHERE a.id = p.enrolled_by)));
SELECT pg_temp.none('claim without policy',
  (SELECT count(*) FROM aixin.claims c
    WHERE NOT EXISTS (SELECT 1 FROM aixin.policies p WHERE p.id = c.policy_id)));
SELECT pg_temp.none('document, visit, payout or history row without claim',
  (SELECT count(*) FROM (SELECT claim_id FROM aixin.claim_documents
                         UNION ALL SELECT claim_id FROM aixin.claim_visits
                         UNION ALL SELECT claim_id FROM aixin.supplementary_payouts
                         UNION ALL SELECT claim_id FROM aixin.claim_transitions) x
    WHERE NOT EXISTS (SELECT 1 FROM aixin.claims c WHERE c.id = x.claim_id)));

-- children_rules: an only child alone; two daughters at most, girls only.
SELECT pg_temp.none('household composition',
  (SELECT count(*) FROM (SELECT h.kind, count(*) AS n, bool_and(c.sex = 'F') AS girls
                           FROM aixin.households h JOIN aixin.children c ON c.household_id = h.id
                          GROUP BY h.id, h.kind) x
    WHERE (x.kind = 'only_child' AND x.n > 1) OR (x.kind = 'two_daughters' AND (x.n > 2 OR NOT x.girls))));

-- policies_rules: 0-6 on the reference date; premium, split and insurer
-- as the terms in force.
SELECT pg_temp.none('policy of a child not 0-6 on the reference date',
  (SELECT count(*) FROM aixin.policies p
     JOIN aixin.children c ON c.id = p.child_id
     JOIN aixin.policy_years y ON y.year = p.policy_year
    WHERE c.birth_date > y.reference_date
       OR extract(year FROM age(y.reference_date, c.birth_date)) >= 7));
SELECT pg_temp.none('policy whose premium, split or insurer differ from the terms',
  (SELECT count(*) FROM aixin.policies p
     JOIN aixin.policy_years y ON y.year = p.policy_year
     JOIN aixin.divisions d ON d.code = p.township_code
     JOIN aixin.county_terms t ON t.county_code = d.county_code AND t.policy_year = p.policy_year
    WHERE p.premium_fen <> y.premium_fen OR p.city_share_fen <> y.city_subsidy_fen
       OR p.county_share_fen <> t.county_share_fen OR p.insurer_id <> t.insurer_id));

-- claims_rules: incident in the policy year, not before the birth, event
-- covered, approvals within the caps, no date in the future.
SELECT pg_temp.none('claim outside its policy year or before the birth, or not covered',
  (SELECT count(*) FROM aixin.claims c
     JOIN aixin.policies p ON p.id = c.policy_id
     JOIN aixin.children k ON k.id = p.child_id
    WHERE extract(year FROM c.incident_date) <> p.policy_year OR c.incident_date < k.birth_date
       OR NOT EXISTS (SELECT 1 FROM aixin.policy_year_benefits b
                       WHERE b.policy_year = p.policy_year AND b.event = c.event)));
SELECT pg_temp.none('approvals above the cap',
  (SELECT count(*) FROM (SELECT c.policy_id, c.event, sum(c.approved_fen) AS used
                           FROM aixin.claims c WHERE c.state IN ('approved', 'paid')
                          GROUP BY c.policy_id, c.event) u
     JOIN aixin.policies p ON p.id = u.policy_id
     JOIN aixin.policy_year_benefits b ON b.policy_year = p.policy_year AND b.event = u.event
    WHERE u.used > b.max_payout_fen));
SELECT pg_temp.none('claim dated in the future',
  (SELECT count(*) FROM aixin.claims c
    WHERE greatest(c.received_on, c.documents_complete_on, c.escalated_on, c.decided_on, c.paid_on)
          > aixin.local_today()));
-- claim_children_rules: visits and payouts on paid claims, not before the
-- payment, not in the future; documents from the receipt.
SELECT pg_temp.none('visit or supplementary payout out of order',
  (SELECT count(*) FROM (SELECT claim_id, visited_on AS on_date FROM aixin.claim_visits
                         UNION ALL SELECT claim_id, paid_on FROM aixin.supplementary_payouts) x
     JOIN aixin.claims c ON c.id = x.claim_id
    WHERE c.state <> 'paid' OR x.on_date < c.paid_on OR x.on_date > aixin.local_today()));
-- 0007: the report totals and the claims' copies of their policy.
SELECT pg_temp.none('report totals that differ from the policies',
  (SELECT count(*) FROM (
     (SELECT policy_year, township_code, sum(policies), sum(households), sum(premium_fen),
             sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
        FROM aixin.report_policy_totals GROUP BY 1, 2
      EXCEPT
      SELECT policy_year, township_code, count(*), count(DISTINCT household_id), sum(premium_fen),
             sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
        FROM aixin.policies GROUP BY 1, 2)
     UNION ALL
     (SELECT policy_year, township_code, count(*), count(DISTINCT household_id), sum(premium_fen),
             sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
        FROM aixin.policies GROUP BY 1, 2
      EXCEPT
      SELECT policy_year, township_code, sum(policies), sum(households), sum(premium_fen),
             sum(city_share_fen), sum(county_share_fen), sum(township_share_fen)
        FROM aixin.report_policy_totals GROUP BY 1, 2)) x));
SELECT pg_temp.none('claim whose copies differ from its policy',
  (SELECT count(*) FROM aixin.claims c JOIN aixin.policies p ON p.id = c.policy_id
    WHERE (c.policy_year, c.township_code, c.household_id, c.insurer_id)
          IS DISTINCT FROM (p.policy_year, p.township_code, p.household_id, p.insurer_id)));
SELECT pg_temp.none('document before the claim was received',
  (SELECT count(*) FROM aixin.claim_documents x JOIN aixin.claims c ON c.id = x.claim_id
    WHERE x.received_on < c.received_on));

\o

-- ---------------------------------------------------------------------------
-- What was made.

\pset footer off
\pset border 1
\pset format aligned
SELECT (SELECT first_year || '-' || last_year FROM g_params) AS years,
       (SELECT count(*) FROM aixin.households) AS households,
       (SELECT count(*) FROM aixin.children) AS children,
       (SELECT count(*) FROM aixin.policies) AS policies,
       (SELECT count(*) FROM aixin.census_submissions) AS census_rows,
       (SELECT count(*) FROM aixin.disbursements) AS disbursements,
       (SELECT count(*) FROM aixin.claims) AS claims,
       (SELECT count(*) FROM aixin.claim_visits) AS visits,
       (SELECT count(*) FROM aixin.supplementary_payouts) AS supplements;
SELECT c.state, count(*) AS claims FROM aixin.claims c GROUP BY c.state ORDER BY 2 DESC;
