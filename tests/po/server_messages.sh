#!/usr/bin/env bash
# Every message the daemon and the database can send a client has a zh_CN
# rendering: tests/po/server_messages.py lists them (deploy/sql RAISEs and
# refusals, server/*.c and common/request_check*.c replies), the probe
# translates each as the client does and names every one that no pattern
# of client/core/server_text.c matches or whose pattern is untranslated.
# Then the probe is shown to fail on a message nobody wrote a pattern for.
#   server_messages.sh SOURCE_DIR PROBE
set -euo pipefail
src=${1:?usage: server_messages.sh SOURCE_DIR PROBE}
probe=${2:?usage: server_messages.sh SOURCE_DIR PROBE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$src/tests/po/server_messages.py" "$src" >"$tmp/messages"
count=$(wc -l <"$tmp/messages")
(( count > 200 )) || { echo "FAIL: only $count server messages found: the extraction is broken" >&2; exit 1; }
if ! "$probe" <"$tmp/messages" >"$tmp/out"; then
  cat "$tmp/out"
  echo "FAIL: add a pattern for each message above to client/core/server_text.c" \
       "(the wording exactly as the server's, a value as %s) and its zh_CN" \
       "translation to a po/zh_CN/*.po file" >&2
  exit 1
fi
tail -1 "$tmp/out"

printf 'deploy/sql/9999_made_up.sql:1\tno pattern was written for %%\tno pattern was written for Q1Z\n' \
  >"$tmp/made_up"
if "$probe" <"$tmp/made_up" >"$tmp/out"; then
  echo "FAIL: the probe passed a message without a pattern" >&2
  exit 1
fi
grep -q '^deploy/sql/9999_made_up.sql:1: no pattern' "$tmp/out" ||
  { cat "$tmp/out"; echo "FAIL: the probe does not say where the message is" >&2; exit 1; }
echo "ok: a message without a pattern is named with its place"
