/*
 * TLS for client connections (OpenSSL): one context for the daemon, made
 * at start-up from the configured certificate and key; when a client CA is
 * configured, clients are asked for a certificate and verified against it,
 * and a verified certificate's SHA-256 can log its account in.
 */
#ifndef AIXIN_TLS_SERVER_H
#define AIXIN_TLS_SERVER_H

#include <openssl/ssl.h>
#include <stdbool.h>

#include "config.h"

/* NULL with a message on stderr when the files are unusable. */
SSL_CTX *tls_server_context_new(const server_config_t *cfg);

/* Lowercase hex SHA-256 of the verified peer certificate's DER, or false
 * when the peer sent none (or it did not verify). */
bool tls_server_peer_fingerprint(SSL *ssl, char out[65]);

#endif
