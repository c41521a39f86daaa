#include "tls_server.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>

static void tls_print_errors(const char *what)
{
    unsigned long e;
    char buf[256];
    fprintf(stderr, "aixind: %s\n", what);
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
        fprintf(stderr, "  %s\n", buf);
    }
}

SSL_CTX *tls_server_context_new(const server_config_t *cfg)
{
    if (cfg->tls_cert_file[0] == '\0')
        return NULL;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        tls_print_errors("cannot create a TLS context");
        return NULL;
    }
    /* TLS 1.2 and newer only; the offices' links are slow, not old. */
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert_file) != 1) {
        tls_print_errors("cannot load tls_cert_file");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        tls_print_errors("cannot load tls_key_file (or it does not match the "
                         "certificate)");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (cfg->tls_client_ca_file[0] != '\0') {
        if (SSL_CTX_load_verify_locations(ctx, cfg->tls_client_ca_file, NULL) != 1) {
            tls_print_errors("cannot load tls_client_ca_file");
            SSL_CTX_free(ctx);
            return NULL;
        }
        /* Ask, but do not require: password logins stay possible. */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_client_CA_list(ctx,
                                   SSL_load_client_CA_file(cfg->tls_client_ca_file));
    }
    return ctx;
}

bool tls_server_peer_fingerprint(SSL *ssl, char out[65])
{
    X509 *cert = SSL_get1_peer_certificate(ssl);
    if (cert == NULL)
        return false;
    bool ok = SSL_get_verify_result(ssl) == X509_V_OK;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (ok)
        ok = X509_digest(cert, EVP_sha256(), md, &len) == 1 && len == 32;
    X509_free(cert);
    if (!ok)
        return false;
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return true;
}
