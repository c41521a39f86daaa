# shellcheck shell=bash
# Shared by the fault tests of import and spool (it_import_*.sh,
# it_spool_*.sh). Source it after lib.sh; it defines functions, nothing runs.
#
#   faults_programme YEAR...     open the years (30.00 premium, ages
#                                counted on 2027-12-31, or the last day
#                                of the year before for later years, so
#                                that the test files' children are 0-6)
#                                and set both test counties' terms
#   faults_triples_csv T0 N OUT  N triples of rows (see below) from T0 on
#   summary_count LABEL          the first number after "LABEL" in the last
#                                command's stdout ("enrolled now:" -> 37)
#   policies [YEAR]              policies in the database (of YEAR)
#   doubled                      children with two policies in one year

faults_programme() {
  local year county ref
  for year in "$@"; do
    ref=$(( year > 2028 ? year - 1 : 2027 ))-12-31
    it_expect_exit 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$ref" \
      --premium 30.00 --city-subsidy 2.00 --county-share-range 5.00-20.00
  done
  it_expect_exit 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
  for year in "$@"; do
    for county in 360821 360824; do
      it_expect_exit 0 "$AIXIN_CLI" terms set --county "$county" --year "$year" \
        --county-share 10.00 --insurer chinalife
    done
  done
}

# Triples that only an import applied in file order gets right: for t in
# T0..T0+N-1, three rows for 2027:
#   line a  daughter 1 of two-daughter household ED-T<t> (360821100)
#   line b  daughter 2 (child X) of the same household, same guardian
#   line c  X again, now the only child of household JA-T<t> in another
#           township (360824100): refused, since X is in ED-T<t> by then
# The first line of triple k (0-based in the file) is 2 + 3k: the header is
# line 1. Every "c" line, and only those, must end in the error file.
faults_triples_csv() {
  local t0=$1 n=$2 out=$3
  printf '%s\n' "$ENROLLMENTS_CSV_HEADER" >"$out"
  awk -v t0="$t0" -v n="$n" '
    function check(d17,   w, s, i) {
      split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
      s = 0
      for (i = 1; i <= 17; i++) s += substr(d17, i, 1) * w[i]
      return substr("10X98765432", s % 11 + 1, 1)
    }
    function id(region, y, m, d, q, sex,   d17) {
      d17 = sprintf("%s%04d%02d%02d%03d", region, y, m, d, 2 * q + (sex == "M" ? 1 : 0))
      return d17 check(d17)
    }
    BEGIN {
      for (t = t0; t < t0 + n; t++) {
        q = t % 500; day = 1 + int(t / 500) % 28
        g1 = id("360821", 1984, 3, day, q, "M")
        g2 = id("360824", 1985, 4, day, q, "M")
        d1 = id("360821", 2022, 5, day, q, "F")
        x = id("360821", 2023, 6, day, q, "F")
        printf "tri %d a,%s,长女%d,2027,360821100,two_daughters,ED-T%d,%s,家长%d,F,2022-05-%02d\n", t, d1, t, t, g1, t, day
        printf "tri %d b,%s,次女%d,2027,360821100,two_daughters,ED-T%d,%s,家长%d,F,2023-06-%02d\n", t, x, t, t, g1, t, day
        printf "tri %d c,%s,次女%d,2027,360824100,only_child,JA-T%d,%s,外人%d,F,2023-06-%02d\n", t, x, t, t, g2, t, day
      }
    }' >>"$out"
}

summary_count() {
  local label=$1
  it_last_stdout | sed -n "s/^$label *\\([0-9][0-9]*\\).*/\\1/p" | head -n1
}

policies() {
  if [[ $# -gt 0 ]]; then
    it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = $1"
  else
    it_psql -c "SELECT count(*) FROM aixin.policies"
  fi
}

doubled() {
  it_psql -c "SELECT count(*) FROM (SELECT child_id, policy_year FROM aixin.policies
                GROUP BY 1, 2 HAVING count(*) > 1) d"
}

# The lines named by an error file, space-separated, in order.
error_lines() {
  tail -n +2 "$1" | cut -d, -f1 | tr -d '"' | tr '\n' ' '
}
