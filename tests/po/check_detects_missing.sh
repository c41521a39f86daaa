#!/usr/bin/env bash
# po/check must fail when a message has lost its zh_CN translation: run it
# on a copy of the sources and catalogs, first whole (it passes), then with
# one translation emptied and one entry removed (it fails, naming both).
#   check_detects_missing.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: check_detects_missing.sh SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/po"
cp -r "$src/client" "$tmp/client"
cp -r "$src/po/zh_CN" "$src/po/check" "$tmp/po/"

fail() { echo "FAIL: $*" >&2; exit 1; }

"$tmp/po/check" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "the copy does not pass as it is"; }
echo "ok: po/check passes on the unchanged copy"

# Empty the translation of "missing --year" and drop "invalid input".
/usr/bin/python3 - "$tmp/po/zh_CN" <<'PY'
import pathlib, re, sys
emptied = dropped = 0
for po in sorted(pathlib.Path(sys.argv[1]).glob("*.po")):
    text = po.read_text(encoding="utf-8")
    new, n = re.subn(r'(msgid "missing --year"\nmsgstr )"[^"\n]+"', r'\1""', text)
    emptied += n
    new, n = re.subn(r'\n(#[^\n]*\n)*msgid "invalid input"\nmsgstr "[^"\n]*"\n', "\n", new)
    dropped += n
    po.write_text(new, encoding="utf-8")
if emptied != 1 or dropped != 1:
    sys.exit("expected one entry of each, got %d emptied, %d dropped" % (emptied, dropped))
PY

if "$tmp/po/check" >"$tmp/out" 2>&1; then
  cat "$tmp/out"
  fail "po/check passed with two messages untranslated"
fi
grep -q '2 messages without a translation' "$tmp/out" || { cat "$tmp/out"; fail "count not reported"; }
grep -q 'msgid "missing --year"' "$tmp/out" || { cat "$tmp/out"; fail "the emptied message is not named"; }
grep -q 'msgid "invalid input"' "$tmp/out" || { cat "$tmp/out"; fail "the removed message is not named"; }
echo "ok: po/check fails and names the two untranslated messages"

# A message added to the sources without a translation fails it as well.
printf '#include "i18n.h"\nconst char *probe(void) { return _("a message nobody translated"); }\n' \
  >"$tmp/client/core/probe_untranslated.c"
rm -rf "$tmp/po/zh_CN" && cp -r "$src/po/zh_CN" "$tmp/po/"
if "$tmp/po/check" >"$tmp/out" 2>&1; then
  fail "po/check passed with a new untranslated message"
fi
grep -q 'a message nobody translated' "$tmp/out" || { cat "$tmp/out"; fail "the new message is not named"; }
echo "ok: po/check fails on a new message without a translation"
