/*
 * One request of one client connection, from its decoded frame to its
 * packed response. A request belongs to its connection's FIFO; while a
 * database query or a password hash runs for it, that operation holds it,
 * and if the connection closes meanwhile the request is orphaned
 * (conn = NULL) and freed when the operation reports back.
 */
#ifndef AIXIN_REQUEST_H
#define AIXIN_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "pb_arena.h"

typedef struct conn conn_t;
typedef struct worker worker_t;

typedef enum request_state {
    REQUEST_QUEUED = 0, /* decoded, waiting for earlier barriers */
    REQUEST_RUNNING,    /* a handler or its async work is in progress */
    REQUEST_DONE,       /* response packed, waiting for its turn to be sent */
    REQUEST_STATE_COUNT
} request_state_t;

typedef struct request {
    conn_t *conn;     /* borrowed; NULL once orphaned */
    worker_t *worker; /* borrowed */
    uint64_t serial;  /* server-wide log id of this request */
    uint64_t request_id;
    request_state_t state;
    bool barrier; /* changes the session: nothing runs beside it */
    pb_arena_t arena;           /* owns msg and handler scratch */
    Aixin__V1__Request *msg;    /* in arena */
    uint8_t *response;          /* owned: header + payload */
    size_t response_len;
    bool closes_connection;     /* send the response, then close */
    uint64_t started_us;
    const char *name; /* request type, for logs */
    /* Who asks: copied from the connection at dispatch, so work that
     * outlives the connection still knows. */
    int64_t actor_id;
    char actor_division[16];
    /* Filled by multi-step handlers (login). */
    int64_t step_account_id;
    int64_t step_value; /* a figure carried from one query to the next */
    void *step_state; /* handler's own, allocated in arena */
    uint64_t step_generation; /* session generation read before a check */
    void (*step_next)(struct request *); /* handler to run after a check */
    struct request *next; /* connection FIFO */
} request_t;

/* Microseconds on a monotonic clock. */
uint64_t request_now_us(void);

/*
 * Finish with `resp` (borrowed; request_id is filled in here). Packs it,
 * marks the request done and lets the connection send what is in order.
 * An orphaned request is freed instead.
 */
void request_reply(request_t *req, Aixin__V1__Response *resp);

/* Finish with an error. field may be NULL. */
void request_reply_error(request_t *req, Aixin__V1__ErrorCode code,
                         const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void request_free(request_t *req);

#endif
