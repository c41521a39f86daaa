#!/usr/bin/env bash
# TLS end to end: aixind serves TLS with a configured certificate and key;
# the client verifies it against a CA file and works; a client trusting
# another CA is refused; a plain client gets nothing; a client certificate
# bound to an account logs in without a password; an unbound one does
# not; and aixind refuses plain TCP on a non-loopback address.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

pki=$IT_TMP/pki
mkdir -p "$pki"
# make_ca NAME: a self-signed CA.
make_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
    -keyout "$pki/$1.key" -out "$pki/$1.pem" 2>/dev/null
}
# make_cert NAME CA EXT: a certificate signed by CA with extensions EXT.
make_cert() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
    -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" \
    -CAcreateserial -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
}
make_ca city-ca
make_ca rogue-ca
make_cert server city-ca "subjectAltName=IP:127.0.0.1,DNS:localhost"
make_cert office city-ca "extendedKeyUsage=clientAuth"
make_cert stranger city-ca "extendedKeyUsage=clientAuth"
it_pass "test PKI made"

it_create_db
it_start_daemon --set "tls_cert_file=$pki/server.pem" --set "tls_key_file=$pki/server.key" \
  --set "tls_client_ca_file=$pki/city-ca.pem"
it_assert_contains "$(cat "$IT_DAEMON_LOG")" "tls=on" "aixind says it serves TLS"

export AIXIN_CA_FILE=$pki/city-ca.pem
it_expect_exit 0 "$AIXIN_CLI" divisions --root 360821
it_assert_contains "$(it_last_stdout)" "吉安县" "a client verifying the server's certificate is served"

AIXIN_CA_FILE=$pki/rogue-ca.pem it_expect_exit 3 "$AIXIN_CLI" divisions
it_assert_contains "$(it_last_stderr)" "certificate" "a client trusting another CA refuses the server"

AIXIN_CA_FILE= it_expect_exit 3 "$AIXIN_CLI" divisions
it_pass "a plain-TCP client gets no service from the TLS port"

# A client certificate bound to a township clerk's account.
AIXIN_NEW_PASSWORD=clerk-password-1 it_expect_exit 0 "$AIXIN_CLI" account create --no-password-change \
  --username office01 --role township_clerk --division 360821207
fingerprint=$(openssl x509 -in "$pki/office.pem" -noout -fingerprint -sha256 | cut -d= -f2)
it_expect_exit 0 "$AIXIN_CLI" account bind-certificate --username office01 --sha256 "$fingerprint"
(
  unset AIXIN_USER AIXIN_PASSWORD
  export AIXIN_CERT_FILE=$pki/office.pem AIXIN_KEY_FILE=$pki/office.key
  it_expect_exit 0 "$AIXIN_CLI" whoami
  it_assert_contains "$(it_last_stdout)" "office01" "the certificate logs in as its account"
  it_assert_contains "$(it_last_stdout)" "360821207" "with that account's scope"
)
(
  unset AIXIN_USER AIXIN_PASSWORD
  export AIXIN_CERT_FILE=$pki/stranger.pem AIXIN_KEY_FILE=$pki/stranger.key
  it_expect_exit 1 "$AIXIN_CLI" whoami
  it_assert_contains "$(it_last_stderr)" "UNAUTHENTICATED" "an unbound certificate logs nobody in"
)
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = 'account.bind_certificate'")" \
  "binding audited"
# A fingerprint is hex; by chance it may hold 18 decimal digits in a row,
# which the audit log must not mistake for an ID number.
digits=1234567890123456789012345678901234567890123456789012345678901234
it_expect_exit 0 "$AIXIN_CLI" account bind-certificate --username office01 --sha256 "$digits"
it_assert_eq "12:34:56:78" "$(it_psql -c "SELECT left(detail->>'sha256', 11) FROM aixin.audit_log
                                           WHERE action = 'account.bind_certificate'
                                           ORDER BY id DESC LIMIT 1")" \
  "a fingerprint of digits is bound and audited as byte pairs"
it_stop_daemon

# Plain TCP is for loopback only unless configured otherwise.
rc=0
timeout 20 "$AIXIND" --listen 0.0.0.0:0 --database "$IT_SERVE_CONNINFO" \
  >"$IT_TMP/plain.log" 2>&1 || rc=$?
[[ $rc != 0 && $rc != 124 ]] || it_fail "aixind served plain TCP on 0.0.0.0 (status $rc)"
it_assert_contains "$(cat "$IT_TMP/plain.log")" "not loopback" "plain TCP on a non-loopback address refused"
