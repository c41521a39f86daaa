/*
 * Raw protocol connections for test tools: blocking sockets, frames, and
 * just enough of a session (Hello, Login) to send hand-made requests.
 */
#ifndef AIXIN_TEST_PROBE_CONN_H
#define AIXIN_TEST_PROBE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "frame.h"

typedef struct probe_conn {
    int fd;
    frame_decoder_t decoder;
    uint64_t next_id;
} probe_conn_t;

/* Connect to host:port (IPv4); exits the process on failure. */
void probe_connect(probe_conn_t *c, const char *host, int port);
void probe_close(probe_conn_t *c);
/* Connect from source address src (NULL: any) to host:port (IPv4); false
 * (c->fd = -1) when refused or failed, nothing printed. */
bool probe_connect_from(probe_conn_t *c, const char *src, const char *host,
                        int port);

/* Write all bytes; false when the peer has gone. */
bool probe_send_raw(probe_conn_t *c, const void *p, size_t n);

/* Frame and send; sets request_id from next_id unless already set. */
bool probe_send(probe_conn_t *c, Aixin__V1__Request *req);

/*
 * Next response within timeout_ms (free with
 * aixin__v1__response__free_unpacked). NULL on EOF (*eof = true) or
 * timeout.
 */
Aixin__V1__Response *probe_read(probe_conn_t *c, int timeout_ms, bool *eof);

/* Hello then Login as user/password; false (message on stderr) if refused. */
bool probe_login(probe_conn_t *c, const char *user, const char *password);

#endif
