#!/usr/bin/env bash
# Renewal (续保) and closed years in the desk, in headless Chromium: a
# township clerk sees which policy years are closed, tries a renewal
# (nothing enrolled), then confirms it; the policies are checked in SQL,
# and a second trial finds every child already renewed.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
[[ -x /usr/bin/chromedriver ]] || it_fail "/usr/bin/chromedriver is missing (Debian's chromium-driver)"
"$PYTHON" -c 'import selenium' 2>/dev/null || it_fail "python3-selenium is missing"
MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
ARTIFACTS=$AIXIN_BIN_DIR/test-artifacts/desk-renew
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
for year in 2024 2025 2026; do
  cli 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$year-01-01" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
  cli 0 "$AIXIN_CLI" terms set --county 360821 --year "$year" --county-share 10.00 --insurer chinalife
done
cli 0 "$AIXIN_CLI" year close --year 2024
CLERK_PASSWORD=clerk-password-01
AIXIN_NEW_PASSWORD=$CLERK_PASSWORD cli 0 "$AIXIN_CLI" account create --no-password-change --username clerk01 \
  --role township_clerk --division 360821207
# Three children of 指阳乡 insured in 2025; 刘乙 is 7 on 2026-01-01.
seq=110
for spec in 刘甲:20200301 刘乙:20181101 刘丙:20230601; do
  IFS=: read -r name born <<<"$spec"
  guardian=$("$MAKE_ID" 360821 19900101 "$seq" M)
  cli 0 "$AIXIN_CLI" --format json household register --township 360821207 --kind only_child \
    --certificate "DR-$seq" --guardian "$guardian:${name}父"
  household=$(it_psql -v doc="$(it_last_stdout)" <<<"SELECT :'doc'::json->>'id'")
  kid=$("$MAKE_ID" 360821 "$born" "$seq" F)
  cli 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$kid" --name "$name"
  cli 0 "$AIXIN_CLI" enroll --child "$kid" --year 2025
  seq=$((seq + 10))
done
AGED_OUT_ID=$("$MAKE_ID" 360821 20181101 120 F)

DESK_HOME=$IT_TMP/desk-home
mkdir -p "$DESK_HOME"
DESK_URL_FILE=$IT_TMP/desk.url
DESK_LOG=$IT_TMP/desk.log
env -u AIXIN_USER -u AIXIN_PASSWORD HOME="$DESK_HOME" AIXIN_SESSION_FILE="$DESK_HOME/session" \
  AIXIN_SPOOL_DIR="$DESK_HOME/spool" "$AIXIN_CLI" desk --no-browser --url-file "$DESK_URL_FILE" \
  >"$DESK_LOG" 2>&1 </dev/null &
DESK_PID=$!
stop_desk() {
  [[ -n ${DESK_PID:-} ]] || return 0
  kill -TERM "$DESK_PID" 2>/dev/null || true
  wait "$DESK_PID" 2>/dev/null || true
  DESK_PID=
}
trap 'it_rc=$?; stop_desk; (exit $it_rc); it__cleanup' EXIT
for _ in $(seq 100); do [[ -s $DESK_URL_FILE ]] && break; sleep 0.1; done
[[ -s $DESK_URL_FILE ]] || { cat "$DESK_LOG"; it_fail "the desk printed no address"; }
DESK_URL=$(cat "$DESK_URL_FILE")

export ARTIFACTS CLERK_PASSWORD IT_CONNINFO IT_TMP DESK_URL AGED_OUT_ID
"$PYTHON" "$AIXIN_SOURCE_DIR/tests/integration/desk_renew_browser.py" \
  || { tail -n 20 "$DESK_LOG"; it_fail "the clerk's renewal in the browser"; }
it_assert_eq "2" "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2026")" \
  "SQL: two children renewed into 2026 from the desk"
it_assert_eq "0" "$(it_psql -c "SELECT count(*) FROM aixin.policies p JOIN aixin.children c
  ON c.id = p.child_id WHERE p.policy_year = 2026 AND c.id_number = '$AGED_OUT_ID'")" \
  "SQL: the aged-out child is not renewed"
stop_desk
if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$DESK_LOG"; then
  grep -A 30 -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$DESK_LOG" | head -60
  it_fail "sanitizer report in the desk's log"
fi
it_pass "renewal in the desk"
