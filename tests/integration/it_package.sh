#!/usr/bin/env bash
# The Debian packages work as installed: cpack builds aixin-server and
# aixin-client, lintian finds no error in them, and the files unpacked
# into a throwaway root (dpkg -x) run on their own: the installed aixind
# migrates a fresh database from its installed migrations (no --sql-dir),
# the installed divisions load, the installed daemon serves, and the
# installed client enrolls a child and speaks Chinese from its installed
# catalog. The unit, the maintainer scripts and the bash completion are
# checked too. Normal build only (packaging a sanitizer build means
# nothing, and lintian takes ~15 s): skipped when AIXIN_BIN_DIR is an ASan
# build.
if [[ ${AIXIN_BIN_DIR:-} == *asan* ]]; then
  echo "it_package: skipped in the sanitizer build: packages are tested in the normal build"
  exit 0
fi
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

pkg=$IT_TMP/pkg
it_expect_exit 0 cpack -G DEB -B "$pkg" --config "$AIXIN_BIN_DIR/CPackConfig.cmake"
server_deb=$(ls "$pkg"/aixin-server_*.deb)
client_deb=$(ls "$pkg"/aixin-client_*.deb)
it_log "$(basename "$server_deb") $(stat -c %s "$server_deb") bytes, $(basename "$client_deb") $(stat -c %s "$client_deb") bytes"

it_assert_contains "$(dpkg-deb -f "$server_deb" Depends)" "libpq5" "server depends on libpq"
it_assert_contains "$(dpkg-deb -f "$server_deb" Depends)" "adduser" "server depends on adduser (its account)"
it_assert_contains "$(dpkg-deb -f "$client_deb" Depends)" "libcsv3" "client depends on libcsv"
lintian_out=$(lintian "$server_deb" "$client_deb" 2>&1 | grep -v 'running with root privileges' || true)
if grep -q '^E:' <<<"$lintian_out"; then
  it_fail "lintian errors: $lintian_out"
fi
it_pass "lintian: no errors"

root=$IT_TMP/root
dpkg -x "$server_deb" "$root"
dpkg -x "$client_deb" "$root"
AIXIND=$root/usr/sbin/aixind
AIXIN_CLI=$root/usr/bin/aixin
[[ -x $AIXIND && -x $AIXIN_CLI ]] || it_fail "binaries not in /usr/sbin and /usr/bin"
for f in usr/share/man/man8/aixind.8.gz usr/share/man/man1/aixin.1.gz \
    usr/share/bash-completion/completions/aixin usr/share/doc/aixin-server/examples/aixind.conf \
    usr/share/aixin/divisions-360800.csv usr/share/locale/zh_CN/LC_MESSAGES/aixin.mo \
    usr/share/aixin/deploy/backup usr/share/aixin/deploy/restore; do
  [[ -s $root/$f ]] || it_fail "/$f missing from the packages"
done
it_pass "man pages, completion, sample config, divisions, catalog, backup scripts installed"
unit=$(find "$root" -name aixind.service)
[[ -n $unit ]] || it_fail "no aixind.service"
it_assert_contains "$(cat "$unit")" "Type=notify" "unit is Type=notify"
it_assert_contains "$(cat "$unit")" "ExecStart=/usr/sbin/aixind " "unit starts the installed daemon"
it_assert_contains "$(cat "$unit")" "ExecReload=" "unit reloads"
[[ -z $(find "$root" -path '*wants*') ]] || it_fail "the unit is enabled by the package"
it_pass "unit installed, not enabled"
control=$IT_TMP/control
dpkg-deb -e "$server_deb" "$control"
it_assert_contains "$(cat "$control/postinst")" "adduser --system" "postinst creates the aixin account"
sh -n "$control/postinst" && sh -n "$control/postrm" || it_fail "maintainer scripts do not parse"

# The installed daemon on a fresh database, with its own migrations.
IT_DB=$(printf 'aixin_it_package_%s' "$$")
IT_CONNINFO="dbname=$IT_DB"
IT_OWNER_CONNINFO="dbname=$IT_DB user=$IT_OWNER"
IT_SERVE_CONNINFO="dbname=$IT_DB user=$IT_SERVE"
aixin_pg_create_roles "dbname=postgres" "$IT_OWNER" "$IT_SERVE" || it_fail "roles"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$IT_DB\" OWNER $IT_OWNER" || it_fail "createdb"
(cd / && it_expect_exit 0 "$AIXIND" --migrate --database "$IT_OWNER_CONNINFO")
it_assert_contains "$(it_last_stdout)" "migrations from $root/usr/share/aixin/sql" \
  "the installed daemon takes the installed migrations"
it_assert_eq "$(find "$root/usr/share/aixin/sql" -name '*.sql' | wc -l)" \
  "$(it_psql -c 'SELECT count(*) FROM public.schema_migrations')" "every installed migration applied"
aixin_load_divisions "$IT_CONNINFO" "$root/usr/share/aixin/divisions-360800.csv" 2>/dev/null
AIXIN_ADMIN_PASSWORD=$IT_ADMIN_PASSWORD it_expect_exit 0 "$AIXIND" --create-admin admin --database "$IT_CONNINFO"
export AIXIN_USER=admin AIXIN_PASSWORD=$IT_ADMIN_PASSWORD
it_start_daemon

cli() { (cd / && it_expect_exit 0 "$AIXIN_CLI" "$@"); }
cli year open --year 2027 --reference-date 2027-01-01 --premium 30.00 --city-subsidy 2.00 \
  --county-share-range 6.00-20.00 --benefit illness=20000.00
cli insurer add --code chinalife --name 中国人寿
cli terms set --county 360821 --year 2027 --county-share 10.00 --insurer chinalife
cli --format json household register --township 360821100 --kind only_child \
  --certificate JA2019-00123 --guardian 360821199001011237:张伟
household=$(sed -n 's/.*"id": *\([0-9]*\).*/\1/p' "$IT_LAST_OUT" | head -n 1)
cli household add-child --household "$household" --id-number 360821202203150029 --name 张小雨
cli enroll --child 360821202203150029 --year 2027
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.policies WHERE policy_year = 2027")" \
  "the installed client enrolled a child"

# The installed client reads the catalog next to it: a marked copy of it
# shows up in its messages.
marked=$IT_TMP/marked.po
printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "%%s: error: "\nmsgstr "%%s：安装目录的错误："\n' >"$marked"
msgfmt -o "$root/usr/share/locale/zh_CN/LC_MESSAGES/aixin.mo" "$marked"
rc=0
out=$(cd / && LANG=zh_CN.UTF-8 LC_ALL= AIXIN_USER= AIXIN_PASSWORD= "$AIXIN_CLI" whoami 2>&1) || rc=$?
it_assert_contains "$out" "安装目录的错误" "the installed client uses the installed catalog"

# Completion: commands, verbs and options from the installed client.
completions() { # WORDS...: what <Tab> offers after them
  bash -c 'source /usr/share/bash-completion/bash_completion
           source "$1"; shift
           COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
           COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _aixin; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$root/usr/share/bash-completion/completions/aixin" "$@"
}
it_assert_contains "$(completions "$AIXIN_CLI" cla)" "claim" "completes a command"
it_assert_contains "$(completions "$AIXIN_CLI" claim app)" "approve" "completes a verb"
it_assert_contains "$(completions "$AIXIN_CLI" enroll --ch)" "--child" "completes an option"
it_assert_contains "$(completions "$AIXIN_CLI" --format j)" "json" "completes a format"
