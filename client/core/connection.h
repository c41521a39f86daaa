/*
 * One TCP connection to aixind: connect with a deadline, the Hello
 * handshake, and request/response frames (frame.h) with per-call
 * deadlines. No retries and no authentication here: rpc.h does both.
 *
 * The socket is non-blocking and every wait is a poll() bounded by a
 * deadline, so a silent server or a dead link costs at most the timeout.
 */
#ifndef AIXIN_CLIENT_CONNECTION_H
#define AIXIN_CLIENT_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"

#define CONN_CONNECT_TIMEOUT_MS 10000
#define CONN_RESPONSE_TIMEOUT_MS 30000
#define CONN_WRITE_TIMEOUT_MS 30000
/* Largest response accepted: far above any answer of protocol version 1. */
#define CONN_MAX_RESPONSE_BYTES (16u << 20)
#define CONN_ERROR_TEXT_SIZE 256

typedef enum conn_result {
    CONN_OK = 0,
    CONN_ERR_RESOLVE,   /* the host name did not resolve */
    CONN_ERR_CONNECT,   /* refused, unreachable, or no answer in time */
    CONN_ERR_TIMEOUT,   /* no response within the deadline */
    CONN_ERR_CLOSED,    /* the server closed the connection */
    CONN_ERR_IO,        /* a read or write failed */
    CONN_ERR_PROTOCOL,  /* bad frame, unreadable message, wrong request id */
    CONN_ERR_TOO_LARGE, /* the request exceeds the server's frame limit */
    CONN_ERR_NOMEM,     /* out of memory */
    CONN_ERR_REFUSED,   /* the server answered Hello with an Error */
    CONN_ERR_TLS,       /* TLS refused: bad CA/cert files, server unproven */
    CONN_RESULT_COUNT
} conn_result_t;

typedef struct conn conn_t;

/* True for failures that a new connection may cure. */
bool conn_result_is_transient(conn_result_t r);

/*
 * Split "host:port" or "[v6addr]:port" into host and port. False when the
 * text is not of that form or the port is not 1..65535.
 */
__attribute__((warn_unused_result)) bool
conn_split_address(const char *address, char *host, size_t host_size,
                   char *port, size_t port_size);

/*
 * A server list "a:7460,b:7460" (AIXIN_SERVER, --server): how many
 * entries, and entry `index` copied into item (false when it is missing or
 * too long). A single address is a list of one.
 */
size_t conn_address_count(const char *address);
__attribute__((warn_unused_result)) bool
conn_address_item(const char *address, size_t index, char *item,
                  size_t item_size);

/*
 * Connect to `address` and say Hello. `address` may be a server list: the
 * servers are tried in turn, starting with the one that last worked (or
 * the one after the one that last failed), until one answers. On CONN_OK
 * *out is a new connection (owned by the caller, closed with
 * conn_close()). On failure `err` holds a sentence such as "cannot
 * connect to 127.0.0.1:7460: Connection refused". When the server
 * answered Hello with an Error the result is CONN_ERR_REFUSED and
 * *hello_error (owned by the caller, free with
 * aixin__v1__response__free_unpacked) holds that response; otherwise
 * *hello_error is left NULL.
 */
__attribute__((warn_unused_result)) conn_result_t
conn_open(const char *address, conn_t **out, Aixin__V1__Response **hello_error,
          char err[CONN_ERROR_TEXT_SIZE]);

/* Close and free; NULL is fine. */
void conn_close(conn_t *c);

/* What the server announced in HelloOk. */
uint32_t conn_max_in_flight(const conn_t *c);
/* The largest request payload the server takes (HelloOk.max_frame_bytes,
 * or the protocol's default when it announced none). */
uint32_t conn_max_frame_bytes(const conn_t *c);
const char *conn_server_name(const conn_t *c);

/* The database behind the server (HelloOk.identity) as
 * "SYSTEM/DATABASE/RESTORE", or "" when the server did not state it. Equal
 * texts: the same database, not restored in between. */
#define CONN_IDENTITY_SIZE 200
const char *conn_server_identity(const conn_t *c);

/*
 * Send one request as one frame. Sets req->request_id to the connection's
 * next id (1, 2, ...: Hello took 1) before packing. On failure the
 * connection is unusable and `err` says why.
 */
__attribute__((warn_unused_result)) conn_result_t
conn_send_request(conn_t *c, Aixin__V1__Request *req,
                  char err[CONN_ERROR_TEXT_SIZE]);

/*
 * Wait for the next response and check that it answers `request_id`. A
 * response with request id 0 and an Error (the server could not read the
 * request) is returned as well. *out is owned by the caller (free with
 * aixin__v1__response__free_unpacked). On failure the connection is
 * unusable.
 */
__attribute__((warn_unused_result)) conn_result_t
conn_receive_response(conn_t *c, uint64_t request_id,
                      Aixin__V1__Response **out,
                      char err[CONN_ERROR_TEXT_SIZE]);

#endif
