/*
 * TLS for the client's connection (OpenSSL), switched on by a CA file:
 * AIXIN_CA_FILE names the PEM file the server's certificate must chain to
 * (its name or IP must match the address dialled). AIXIN_CERT_FILE and
 * AIXIN_KEY_FILE add a client certificate, which the daemon may map to an
 * account: with no password and no saved session, the client then logs
 * in with the certificate (CertificateLogin).
 */
#ifndef AIXIN_CLIENT_TLS_H
#define AIXIN_CLIENT_TLS_H

#include <openssl/ssl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Whether TLS is configured (AIXIN_CA_FILE set and not empty). */
bool tls_client_enabled(void);

/* Whether a client certificate is configured. */
bool tls_client_has_certificate(void);

typedef enum tls_client_result {
    TLS_CLIENT_OK = 0,
    TLS_CLIENT_TIMEOUT,  /* the handshake did not finish in time */
    TLS_CLIENT_IO,       /* the link failed during the handshake */
    TLS_CLIENT_REFUSED,  /* bad CA/cert files or the server failed checks */
    TLS_CLIENT_RESULT_COUNT
} tls_client_result_t;

/*
 * Run the handshake on the connected non-blocking socket fd, for the
 * server named host, waiting at most until deadline_ms (CLOCK_MONOTONIC
 * milliseconds). On TLS_CLIENT_OK *out owns the session (free with
 * tls_client_close); otherwise err says why.
 */
tls_client_result_t tls_client_handshake(int fd, const char *host,
                                         int64_t deadline_ms, SSL **out,
                                         char *err, size_t errlen);

/* Say goodbye (best effort, never blocks) and free. */
void tls_client_close(SSL *ssl);

/*
 * OpenSSL writes to its socket with write(): to a peer that is gone (a
 * daemon killed) that raises SIGPIPE, which would end the client without
 * a word in the middle of an import. The calls that may write hold the
 * signal back and drop it afterwards; the write fails with EPIPE instead.
 */
typedef struct tls_sigpipe_hold {
    sigset_t old;
} tls_sigpipe_hold_t;

void tls_sigpipe_hold(tls_sigpipe_hold_t *h);
void tls_sigpipe_release(const tls_sigpipe_hold_t *h);

/*
 * What an SSL_read/SSL_write return of `ret` means: 0 done (ret > 0),
 * POLLIN or POLLOUT to wait for, or -1 on failure (errno set, EPIPE for a
 * closed link).
 */
int tls_client_want(SSL *ssl, int ret);

#endif
