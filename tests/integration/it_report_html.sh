#!/usr/bin/env bash
# The HTML report renders: a small two-year programme is built through the
# real client and daemon, `aixin report --format html` writes pages (with
# a range, so that the trend is drawn), and headless Chromium (Debian's
# chromium, which tests/run installs) loads each page from disk with the
# network off: its DOM has the figures table, the inline SVG charts with
# the 90% target and the trend lines, and the divisions' Chinese names;
# text from the server (an insurer's name with < & " ') stays text; the
# page loads nothing from anywhere; the screenshot and the A4 PDF are
# written and not blank.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
[[ -x $CHROMIUM ]] || it_fail "$CHROMIUM is missing: install Debian's chromium package (tests/run does)"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

it_create_db
it_start_daemon

cli() { AIXIN_USER='' AIXIN_PASSWORD='' it_expect_exit "$@"; }
# The administrator logs in once (AIXIN_USER and AIXIN_PASSWORD from
# it_create_db); the commands then use the saved session.
it_expect_exit 0 "$AIXIN_CLI" login
json() {
  it_psql -v doc="$(it_last_stdout)" <<<"$1"
}
# chromium ARGS... PAGE: headless, no sandbox (the tests run as root), no
# GPU, no network of its own, a fresh profile each time.
chromium() {
  local profile
  profile=$(mktemp -d "$IT_TMP/chromium-profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>>"$IT_TMP/chromium.log"
}
# png_ok FILE WHAT: FILE is a PNG (its signature) of more than 20 kB.
png_ok() {
  [[ -f $1 ]] || it_fail "$2: no $1"
  it_assert_eq "89504e470d0a1a0a" "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" "$2: a PNG file"
  local size
  size=$(stat -c %s "$1")
  ((size > 20000)) || it_fail "$2: only $size bytes"
  it_pass "$2: $size bytes"
}

# --- a small programme ----------------------------------------------------------------
# Text from the server that HTML must escape: an insurer's name.
ODD_NAME=$'平安 <b>Ping&An</b> "P" \'A\''
cli 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
cli 0 "$AIXIN_CLI" insurer add --code pingan --name "$ODD_NAME"
for year in 2024 2025; do
  cli 0 "$AIXIN_CLI" year open --year "$year" --reference-date "$year-01-01" --premium 30.00 \
    --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
  cli 0 "$AIXIN_CLI" terms set --county 360821 --year "$year" --county-share 10.00 --insurer chinalife
  cli 0 "$AIXIN_CLI" terms set --county 360825 --year "$year" --county-share 6.00 --insurer pingan
done
# child TOWNSHIP SEQ NAME: a household with one child, left in $child.
child() {
  local guardian household
  guardian=$("$MAKE_ID" "${1:0:6}" 19900101 "$2" M)
  child=$("$MAKE_ID" "${1:0:6}" 20230301 "$2" F)
  cli 0 "$AIXIN_CLI" --format json household register --township "$1" --kind only_child \
    --certificate "HT-$1-$2" --guardian "$guardian:${3}父"
  household=$(json "SELECT :'doc'::json->>'id'")
  cli 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" --name "$3"
}
# 指阳乡: 4 eligible; 3 enrolled in 2024, 4 in 2025 (75%, then 100%).
# 藤田镇: 2 eligible; 2 enrolled in 2024, 1 in 2025 (100%, then 50%).
for i in 1 2 3 4; do
  child 360821207 1${i}0 "刘小$i"
  [[ $i == 4 ]] || cli 0 "$AIXIN_CLI" enroll --child "$child" --year 2024
  cli 0 "$AIXIN_CLI" enroll --child "$child" --year 2025
done
for i in 1 2; do
  child 360825105 2${i}0 "陈小$i"
  cli 0 "$AIXIN_CLI" enroll --child "$child" --year 2024
  [[ $i == 2 ]] || cli 0 "$AIXIN_CLI" enroll --child "$child" --year 2025
done
for year in 2024 2025; do
  cli 0 "$AIXIN_CLI" census submit --township 360821207 --year "$year" --eligible 4
  cli 0 "$AIXIN_CLI" census submit --township 360825105 --year "$year" --eligible 2
done
cli 0 "$AIXIN_CLI" disbursement record --level city --division 360800 --year 2024 --amount 5.00 \
  --paid-on 2024-12-20 --reference SZ-2024-001

# --- the pages --------------------------------------------------------------------------
cli 0 "$AIXIN_CLI" --format json report enrollment --from 2024 --to 2025
it_assert_eq "0.8333" \
  "$(json "SELECT r->>'enrollment_rate' FROM json_array_elements(:'doc'::json) r WHERE r->>'division' = '360800'")" \
  "enrollment 2024-2025: 10 of 12 household-years"
PAGE=$IT_TMP/enrollment.html
cli 0 "$AIXIN_CLI" report enrollment --from 2024 --to 2025 --format html --output "$PAGE"
it_assert_contains "$(it_last_stdout)" "$PAGE" "the page is written"
it_assert_eq "0" "$(grep -c -i -E 'https?:|<script|<link|<img|@import|url\(' "$PAGE" || true)" \
  "the page loads nothing: no URL, script, link, image or import"
cli 0 "$AIXIN_CLI" --format html report insurers --year 2024 --output "$IT_TMP/insurers.html"
cli 0 "$AIXIN_CLI" --format html report funding --from 2024 --to 2025 --output "$IT_TMP/funding.html"

# --- Chromium: the DOM -------------------------------------------------------------------
chromium --dump-dom "file://$PAGE" >"$IT_TMP/enrollment.dom" \
  || it_fail "chromium --dump-dom failed (see $IT_TMP/chromium.log)"
dom=$(cat "$IT_TMP/enrollment.dom")
it_assert_contains "$dom" "<table class=\"figures\">" "DOM: the figures table"
it_assert_contains "$dom" "<table class=\"trend\">" "DOM: the trend table"
it_assert_eq "2" "$(grep -o '<svg class="chart"' <<<"$dom" | wc -l)" "DOM: two SVG charts (rates and trend)"
it_assert_contains "$dom" "<line class=\"target\"" "DOM: the dashed 90% line"
it_assert_contains "$dom" "<polyline class=\"line\"" "DOM: the trend's lines"
it_assert_contains "$dom" "Trend 2024" "DOM: the trend's heading"
for name in 吉安市 吉安县 永丰县; do
  it_assert_contains "$dom" "$name" "DOM: the name $name"
done
it_assert_contains "$dom" "83.33%" "DOM: the city's rate as a percentage"
it_assert_contains "$dom" "<meta charset=\"utf-8\">" "DOM: UTF-8"

chromium --dump-dom "file://$IT_TMP/insurers.html" >"$IT_TMP/insurers.dom" \
  || it_fail "chromium --dump-dom of the insurers page failed"
dom=$(cat "$IT_TMP/insurers.dom")
it_assert_contains "$dom" "平安 &lt;b&gt;Ping&amp;An&lt;/b&gt;" "DOM: an insurer's name stays text"
it_assert_eq "0" "$(grep -c '<b>Ping' "$IT_TMP/insurers.dom" || true)" "DOM: no element from the name"
it_assert_contains "$dom" "中国人寿" "DOM: the insurers' names"
it_assert_contains "$dom" "吉安市" "DOM: the division of an insurers page"

chromium --dump-dom "file://$IT_TMP/funding.html" >"$IT_TMP/funding.dom" \
  || it_fail "chromium --dump-dom of the funding page failed"
it_assert_contains "$(cat "$IT_TMP/funding.dom")" "class=\"paid p0\"" "DOM: funding's paid parts"

# --- Chromium: pixels and paper ------------------------------------------------------------
chromium --window-size=1280,1800 --screenshot="$IT_TMP/enrollment.png" "file://$PAGE" >/dev/null \
  || it_fail "chromium --screenshot failed (see $IT_TMP/chromium.log)"
png_ok "$IT_TMP/enrollment.png" "screenshot of the enrollment page"
chromium --no-pdf-header-footer --print-to-pdf="$IT_TMP/funding.pdf" "file://$IT_TMP/funding.html" >/dev/null \
  || it_fail "chromium --print-to-pdf failed (see $IT_TMP/chromium.log)"
it_assert_eq "%PDF" "$(head -c 4 "$IT_TMP/funding.pdf")" "the funding page prints to PDF"
size=$(stat -c %s "$IT_TMP/funding.pdf")
((size > 10000)) || it_fail "the PDF has only $size bytes"
it_pass "the PDF: $size bytes"

it_stop_daemon
