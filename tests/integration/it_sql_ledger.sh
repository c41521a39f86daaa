#!/usr/bin/env bash
# The funding ledger (aixin.get_ledger, read from the report summary) is
# the ledger of the base tables, to the fen, for every root and year:
#  1. on a database that had data before the summary existed: migrated up
#     to 0006, the programme of tests/sql/ledger_data.sql loaded, then the
#     remaining migrations (0007 fills the summary from the policies);
#  2. after every kind of write that changes policies or payments
#     (tests/sql/ledger.sql: per-row imports, renewal, multi-row insert,
#     delete, updates, payments, truncate, rebuild; and the scope rules);
#  3. after `aixin import enrollments` through the daemon (the bulk path,
#     batches from the daemon's pool connections, so several summary
#     shards).
# tests/sql/ledger_check.sql does the comparison.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

SQL=$AIXIN_SOURCE_DIR/tests/sql
OLD_LAST=0006   # the last migration before the report summary

# The database with the migrations up to OLD_LAST only.
old_dir=$IT_TMP/sql-$OLD_LAST
mkdir -p "$old_dir"
for f in "$AIXIN_SOURCE_DIR"/deploy/sql/*.sql; do
  b=$(basename "$f")
  ((10#${b:0:4} > 10#$OLD_LAST)) || cp "$f" "$old_dir/"
done
it_assert_eq "$OLD_LAST" "$(basename "$(find "$old_dir" -name '*.sql' | sort | tail -n 1)" | cut -c1-4)" \
  "the old schema stops at $OLD_LAST"
it_create_db "$old_dir"

run_sql() { # WHAT FILE [psql arguments]
  local what=$1 file=$2 out
  shift 2
  out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$IT_CONNINFO" -o /dev/null "$@" -f "$file" 2>&1) || {
    printf '%s\n' "$out"
    it_fail "$what"
  }
  printf '%s\n' "$out"
  it_pass "$what"
}

it_assert_eq "" "$(it_psql -c "SELECT to_regclass('aixin.report_policy_totals')")" \
  "no report summary before 0007"
run_sql "the programme in the schema of $OLD_LAST" "$SQL/ledger_data.sql"
# Then the rest of the migrations, over the programme loaded in the old schema.
"$AIXIND" --migrate --sql-dir "$AIXIN_SOURCE_DIR/deploy/sql" --database "$IT_OWNER_CONNINFO" \
  >"$IT_TMP/migrate.log" 2>&1 || { cat "$IT_TMP/migrate.log"; it_fail "aixind --migrate (the rest)"; }
it_assert_eq "81 81" \
  "$(it_psql -c "SELECT (SELECT sum(policies) FROM aixin.report_policy_totals) || ' '
                        || (SELECT count(*) FROM aixin.policies)")" \
  "the migrations filled the summary with the existing policies"
run_sql "ledger exact after the migrations" "$SQL/ledger_check.sql" -v what='after the migrations'

# --- every kind of write -------------------------------------------------------
run_sql "tests/sql/ledger.sql" "$SQL/ledger.sql"

# --- the bulk import through the daemon ----------------------------------------
# 600 rows of 2027 over 360821100 and 360824100 (enrollments_csv.sh), in
# batches of 100.
it_start_daemon
csv=$IT_TMP/enrollments.csv
enrollments_csv 600 "$csv"
before=$(it_psql -c "SELECT count(*) FROM aixin.policies")
it_expect_exit 0 "$AIXIN_CLI" import enrollments "$csv" --batch 100
it_assert_eq 600 "$(($(it_psql -c "SELECT count(*) FROM aixin.policies") - before))" \
  "the import enrolled its 600 rows"
run_sql "ledger exact after the import" "$SQL/ledger_check.sql" -v what='after the import'
