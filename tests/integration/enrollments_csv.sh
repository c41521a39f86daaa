# shellcheck shell=bash
# Test data for the import tests: enrollment CSV files of synthetic
# households.  Source it; it defines functions, nothing runs.
#
#   enrollments_csv ROWS OUT.csv
#     ROWS valid rows over two townships, 敦厚镇 (360821100, 吉安县) and
#     金川镇 (360824100, 新干县), for policy year 2027 (children born
#     2021-2025). Every tenth household is a two-daughter household with
#     two rows; the others are only-child households. The header has the
#     required columns in a shuffled order plus a "note" column, and the
#     file starts with a UTF-8 byte order mark. ID numbers carry correct
#     check characters (see enrollments_csv_check_ids).
#
#   enrollments_csv_check_ids OUT.csv MAKE_ID
#     Check the generator's ID numbers against tests/tools/make_id.

ENROLLMENTS_CSV_HEADER='note,child_id,child_name,policy_year,township,household_kind,certificate_no,guardian_id,guardian_name,child_sex,child_birth_date'

enrollments_csv() {
  local rows=$1 out=$2
  printf '\xEF\xBB\xBF%s\n' "$ENROLLMENTS_CSV_HEADER" >"$out"
  awk -v rows="$rows" '
    function check(d17,   w, s, i) {
      split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
      s = 0
      for (i = 1; i <= 17; i++) s += substr(d17, i, 1) * w[i]
      return substr("10X98765432", s % 11 + 1, 1)
    }
    # An ID: region, date (y m d), sequence q (0-499), sex M or F.
    function id(region, y, m, d, q, sex,   d17) {
      d17 = sprintf("%s%04d%02d%02d%03d", region, y, m, d, 2 * q + (sex == "M" ? 1 : 0))
      return d17 check(d17)
    }
    BEGIN {
      n = 0; h = 0; kid = 0
      while (n < rows) {
        h++
        twp = (h % 2) ? "360821100" : "360824100"
        region = substr(twp, 1, 6)
        g = h - 1
        gid = id(region, 1980 + g % 15, 1 + int(g / 15) % 12, 1 + int(g / 180) % 28,
                 int(g / 5040), "M")
        two = (h % 10 == 0)
        kind = two ? "two_daughters" : "only_child"
        cert = (two ? "ED-" : "JA-") h
        children = two ? 2 : 1
        for (c = 0; c < children && n < rows; c++) {
          k = kid++
          sex = two ? "F" : ((k % 2) ? "M" : "F")
          y = 2021 + k % 5; m = 1 + int(k / 5) % 12; d = 1 + int(k / 60) % 28
          cid = id(region, y, m, d, int(k / 1680), sex)
          printf "row %d,%s,孩子%d,2027,%s,%s,%s,%s,家长%d,%s,%04d-%02d-%02d\n",
                 n + 1, cid, k, twp, kind, cert, gid, h, sex, y, m, d
          n++
        }
      }
    }' >>"$out"
}

enrollments_csv_check_ids() {
  local csv=$1 make_id=$2 id want
  while IFS=, read -r _ id _; do
    want=$("$make_id" "${id:0:6}" "${id:6:8}" "${id:14:3}" \
      "$([[ $(( ${id:16:1} % 2 )) == 1 ]] && echo M || echo F)") || return 1
    [[ $want == "$id" ]] || { echo "generated $id, make_id says $want"; return 1; }
  done < <(sed -n '2,6p;$p' "$csv")
}
