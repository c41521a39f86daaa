#include "tls_client.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

bool tls_client_enabled(void)
{
    return env_nonempty("AIXIN_CA_FILE") != NULL;
}

bool tls_client_has_certificate(void)
{
    return env_nonempty("AIXIN_CERT_FILE") != NULL;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void last_error(char *err, size_t errlen, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char buf[160] = "";
    if (e != 0)
        ERR_error_string_n(e, buf, sizeof(buf));
    snprintf(err, errlen, "%s%s%s", what, buf[0] ? ": " : "", buf);
    ERR_clear_error();
}

int tls_client_want(SSL *ssl, int ret)
{
    if (ret > 0)
        return 0;
    switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return POLLIN;
    case SSL_ERROR_WANT_WRITE:
        return POLLOUT;
    case SSL_ERROR_ZERO_RETURN:
        errno = EPIPE;
        return -1;
    case SSL_ERROR_SYSCALL:
        if (errno == 0)
            errno = EPIPE;
        return -1;
    default:
        errno = EPROTO;
        return -1;
    }
}

static SSL_CTX *tls_client_context(char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        last_error(err, errlen, _("cannot create a TLS context"));
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    const char *ca = env_nonempty("AIXIN_CA_FILE");
    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        last_error(err, errlen, _("cannot load AIXIN_CA_FILE"));
        SSL_CTX_free(ctx);
        return NULL;
    }
    const char *cert = env_nonempty("AIXIN_CERT_FILE");
    if (cert != NULL) {
        const char *key = env_nonempty("AIXIN_KEY_FILE");
        if (key == NULL)
            key = cert;
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            last_error(err, errlen,
                       _("cannot load AIXIN_CERT_FILE / AIXIN_KEY_FILE"));
            SSL_CTX_free(ctx);
            return NULL;
        }
    }
    return ctx;
}

tls_client_result_t tls_client_handshake(int fd, const char *host,
                                         int64_t deadline_ms, SSL **out,
                                         char *err, size_t errlen)
{
    *out = NULL;
    SSL_CTX *ctx = tls_client_context(err, errlen);
    if (ctx == NULL)
        return TLS_CLIENT_REFUSED;
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the session keeps its own reference */
    if (ssl == NULL) {
        last_error(err, errlen, _("cannot create a TLS session"));
        return TLS_CLIENT_REFUSED;
    }
    /* The certificate must name what was dialled: an IP address or a
     * host name. */
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    if (is_ip)
        X509_VERIFY_PARAM_set1_ip_asc(param, host);
    else {
        X509_VERIFY_PARAM_set1_host(param, host, 0);
        SSL_set_tlsext_host_name(ssl, host);
    }
    SSL_set_fd(ssl, fd);
    for (;;) {
        ERR_clear_error();
        tls_sigpipe_hold_t hold;
        tls_sigpipe_hold(&hold);
        int ret = SSL_connect(ssl);
        tls_sigpipe_release(&hold);
        if (ret == 1)
            break;
        int want = tls_client_want(ssl, ret);
        if (want < 0) {
            long verify = SSL_get_verify_result(ssl);
            if (verify != X509_V_OK)
                snprintf(err, errlen, _("TLS: the server's certificate was "
                                        "refused: %s"),
                         X509_verify_cert_error_string(verify));
            else
                last_error(err, errlen, _("TLS handshake failed"));
            SSL_free(ssl);
            return verify != X509_V_OK || errno == EPROTO ? TLS_CLIENT_REFUSED
                                                          : TLS_CLIENT_IO;
        }
        int64_t left = deadline_ms - now_ms();
        struct pollfd p = {fd, (short)want, 0};
        int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (ready == 0) {
            snprintf(err, errlen, "%s", _("TLS handshake timed out"));
            SSL_free(ssl);
            return TLS_CLIENT_TIMEOUT;
        }
        if (ready < 0 && errno != EINTR) {
            snprintf(err, errlen, "TLS handshake: %s", strerror(errno));
            SSL_free(ssl);
            return TLS_CLIENT_IO;
        }
    }
    *out = ssl;
    return TLS_CLIENT_OK;
}

void tls_sigpipe_hold(tls_sigpipe_hold_t *h)
{
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, &h->old);
}

void tls_sigpipe_release(const tls_sigpipe_hold_t *h)
{
    sigset_t pending;
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) &&
        !sigismember(&h->old, SIGPIPE)) {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        const struct timespec now = {0, 0};
        int saved = errno;
        while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
            ;
        errno = saved;
    }
    sigprocmask(SIG_SETMASK, &h->old, NULL);
}

void tls_client_close(SSL *ssl)
{
    if (ssl == NULL)
        return;
    tls_sigpipe_hold_t hold;
    tls_sigpipe_hold(&hold);
    (void)SSL_shutdown(ssl); /* one non-blocking attempt */
    tls_sigpipe_release(&hold);
    SSL_free(ssl);
}
