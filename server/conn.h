/*
 * A client connection: owns the socket (a bufferevent), cuts the input
 * into frames, keeps its requests in arrival order and writes their
 * responses in that order. Its life: HANDSHAKE (until Hello) -> OPEN ->
 * DRAINING (last frames being flushed) -> CLOSED (waiting to be freed at
 * the end of the loop pass). conn_close() is the only way out.
 */
#ifndef AIXIN_CONN_H
#define AIXIN_CONN_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "request.h"

typedef enum conn_state {
    CONN_HANDSHAKE = 0,
    CONN_OPEN,
    CONN_DRAINING,
    CONN_CLOSED,
    CONN_STATE_COUNT
} conn_state_t;

typedef struct conn_auth {
    bool authenticated;
    int64_t account_id;
    Aixin__V1__Role role;
    char username[40];
    char division_code[16];
    bool has_token;
    uint8_t token_hash[32]; /* sha256 of the session token */
    int64_t expires_at;
    /* The password was set by an administrator: only ChangePassword and
     * Logout until it is changed (dispatch.c). */
    bool password_change_required;
    /* The session was last read from the database under this revocation
     * generation, at this time (monotonic microseconds). */
    uint64_t checked_generation;
    uint64_t checked_at_us;
} conn_auth_t;

struct conn {
    uint64_t id;
    uint64_t door_id; /* the door's name for it (door.h) */
    worker_t *worker; /* borrowed */
    conn_state_t state;
    struct bufferevent *bev; /* owned */
    char peer[64];
    char peer_ip[48]; /* peer without the port: the throttling key */
    conn_auth_t auth;
    uint32_t protocol_version;
    bool tls;                     /* the socket speaks TLS */
    bool has_client_cert;         /* TLS peer sent a verified certificate */
    char client_cert_sha256[65];  /* its fingerprint, lowercase hex */
    request_t *head, *tail; /* owned FIFO */
    int unfinished;         /* requests not yet DONE */
    bool reading_paused;
    bool pumping;  /* inside conn_pump: finished requests wait to be sent */
    bool peer_eof; /* the client half-closed: answer, then close */
    bool stop_input; /* a closing answer is queued: take no more frames */
    bool quiet_close; /* a door decision: counted in the summary, not logged */
    struct event *handshake_timer; /* owned */
    struct event *login_timer;     /* owned: the login deadline */
    struct event *frame_timer;     /* owned */
    struct event *idle_timer;      /* owned */
    struct event *drain_timer;     /* owned */
    struct conn *prev, *next;      /* worker's list */
};

/* Take over an accepted socket. NULL (and the fd closed) on failure. */
conn_t *conn_new(worker_t *w, evutil_socket_t fd, const struct sockaddr *sa,
                 int salen, uint64_t door_id);

/* The connection logged in (auth filled): its login deadline ends and it
 * is no longer a stranger at the door. */
void conn_on_signed_in(conn_t *c);
/* The connection's session ended (logout, revoked): a stranger again,
 * with a fresh login deadline. auth is cleared here. */
void conn_on_signed_out(conn_t *c);
/* The door chose this stranger to make room: close it quietly. */
void conn_evict(conn_t *c);

/*
 * Close: with code != 0 an error response (request id 0) is sent first.
 * Requests still running are orphaned. The struct is freed at the end of
 * the loop pass, so callers may still read it until they return.
 */
void conn_close(conn_t *c, Aixin__V1__ErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Close at once without sending anything (socket error, exit). */
void conn_abort(conn_t *c);

/* A request of this connection finished: send what is now in order and
 * start requests that were waiting behind a barrier. */
void conn_on_request_done(conn_t *c);

/* Stop reading new requests (shutdown); close once everything is sent. */
void conn_begin_shutdown(conn_t *c);

/* Free a CLOSED connection (worker's reaper only). */
void conn_free(conn_t *c);

#endif
