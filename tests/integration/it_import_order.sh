#!/usr/bin/env bash
# A file is applied in its own order (issue: rows of one file applied out
# of order). Triples of rows (faults_lib.sh): daughter 1 and daughter 2 (X)
# of a two-daughter household, then X again in another township's
# household. Applied row after row, X stays in the two-daughter household
# and the error file names exactly the third line of each triple, every
# time. Run twice: 40 triples in one batch (the server runs a batch's rows
# at once), then 40 more with --batch 1 (one row a request, pipelined).
# A row repeated word for word (three times) is refused here, naming the
# first.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"
# shellcheck source=tests/integration/faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

it_create_db
it_start_daemon
faults_programme 2027

check_triples() {
  local t0=$1 n=$2 csv=$3 errors=$4 want k
  want=
  for ((k = 0; k < n; k++)); do want+="$((4 + 3 * k)) "; done
  it_assert_eq "$want" "$(error_lines "$errors")" \
    "triples $t0..: the error file names exactly the third line of each triple"
  it_assert_eq "$n" "$(it_psql -c "SELECT count(*) FROM aixin.children c
      JOIN aixin.households h ON h.id = c.household_id
      JOIN aixin.policies p ON p.child_id = c.id
     WHERE c.name LIKE '次女%' AND h.certificate_no LIKE 'ED-T%'
       AND substr(h.certificate_no, 5)::int BETWEEN $t0 AND $t0 + $n - 1")" \
    "triples $t0..: every X is insured in its two-daughter household (the first row won)"
  it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.households
     WHERE certificate_no LIKE 'JA-T%'")" "no household made for a refused row"
  for ((k = 0; k < n; k += 13)); do
    it_assert_contains "$(sed -n "$((k + 2))p" "$errors")" "RULE_VIOLATION" \
      "triples $t0..: the refusal says why"
  done
}

# --- 40 triples in one batch -----------------------------------------------------
csv=$IT_TMP/triples.csv
faults_triples_csv 0 40 "$csv"
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_eq 80 "$(summary_count 'enrolled now:')" "80 enrolled"
it_assert_contains "$(it_last_stdout)" "refused:       40 (0 by the checks here, 40 by the server)" \
  "40 refused by the server"
it_assert_eq 80 "$(policies)" "80 policies"
check_triples 0 40 "$csv" "$IT_TMP/triples.errors.csv"

# --- 40 more, one row a request ----------------------------------------------------
csv2=$IT_TMP/triples2.csv
faults_triples_csv 100 40 "$csv2"
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$csv2" --batch 1
it_assert_eq 80 "$(summary_count 'enrolled now:')" "80 more enrolled"
it_assert_eq 160 "$(policies)" "160 policies"
check_triples 100 40 "$csv2" "$IT_TMP/triples2.errors.csv"
it_assert_eq 0 "$(doubled)" "no child insured twice"

# --- a row repeated word for word ----------------------------------------------------
rep=$IT_TMP/repeat.csv
enrollments_csv 20 "$rep"
for _ in 1 2 3; do sed -n '5p' "$rep" >>"$rep"; done   # lines 22-24 repeat line 5
it_expect_exit 1 "$AIXIN_CLI" import enrollments "$rep"
it_assert_contains "$(it_last_stdout)" "refused:       3 (3 by the checks here, 0 by the server)" \
  "the repeated rows are refused here"
it_assert_eq "22 23 24 " "$(error_lines "$IT_TMP/repeat.errors.csv")" "the error file names lines 22-24"
for k in 2 3 4; do
  it_assert_contains "$(sed -n "${k}p" "$IT_TMP/repeat.errors.csv")" "line 5" "each names the line it repeats"
done
it_assert_eq 180 "$(policies)" "20 more policies"
it_stop_daemon
